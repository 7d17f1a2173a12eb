//! Every error code the app may meet, with a one-line hint a user can act on and what kind of
//! trouble it is. The dialer's retry decisions come from [`crate::ccc::ApiError::class`], which
//! reads this table.

/// What kind of trouble a code means, for labels and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// Too many API requests a second: safe to send again after a pause.
    RateLimited,
    /// The agent's concurrency or licences are used up.
    CapacityLimited,
    /// The credentials, signature or permissions.
    Auth,
    /// The account's packages, licences or status.
    Account,
    /// A dialing rule of the instance refused this callee now.
    DialRule,
    /// The callee number.
    Callee,
    /// The caller numbers.
    Caller,
    /// The request itself: parameters, action, version.
    Request,
    /// The SdkAppId or another resource does not exist.
    NotFound,
    /// The session is gone or not in a state that allows this.
    Session,
    /// The service failed internally or is unavailable.
    Service,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::RateLimited => "rate-limited",
            Label::CapacityLimited => "capacity-limited",
            Label::Auth => "auth",
            Label::Account => "account",
            Label::DialRule => "dial rule",
            Label::Callee => "callee",
            Label::Caller => "caller",
            Label::Request => "request",
            Label::NotFound => "not found",
            Label::Session => "session",
            Label::Service => "service",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub label: Label,
    pub hint: &'static str,
}

use Label::*;

macro_rules! codes {
    ($($code:literal => $label:ident, $hint:literal;)*) => {
        /// Every known code, with its label and hint.
        pub const CODES: &[CodeInfo] = &[$(CodeInfo { code: $code, label: $label, hint: $hint }),*];
    };
}

codes! {
    // Common codes of every Tencent Cloud API.
    "ActionOffline" => Request, "this API was retired; update ccc-dial";
    "AuthFailure.InvalidAuthorization" => Auth, "the Authorization header is malformed; check the endpoint and any proxy rewriting headers";
    "AuthFailure.InvalidSecretId" => Auth, "the SecretId is not an API key; create one under CAM > API Keys";
    "AuthFailure.MFAFailure" => Auth, "this key requires MFA; use a key without MFA protection for API calls";
    "AuthFailure.SecretIdNotFound" => Auth, "the SecretId does not exist or is disabled; check it for typos or create a new key";
    "AuthFailure.SignatureExpire" => Auth, "this machine's clock is off by more than 5 minutes; sync it (NTP) and dial again";
    "AuthFailure.SignatureFailure" => Auth, "the signature does not match: the SecretKey is wrong, or a proxy altered the request";
    "AuthFailure.TokenFailure" => Auth, "the temporary credential's token is invalid or expired; get fresh credentials";
    "AuthFailure.UnauthorizedOperation" => Auth, "CAM does not allow this key to call CCC; grant it a CCC policy";
    "DryRunOperation" => Request, "the request would have succeeded, but DryRun was set";
    "FailedOperation" => Service, "the operation failed; see the message, and retry later if it persists";
    "InternalError" => Service, "the service failed internally; for a call, check the call records before dialing again";
    "InvalidAction" => Request, "this endpoint does not offer the action; it may need a newer API model or region";
    "InvalidParameter" => Request, "a parameter is wrong; see the message";
    "InvalidParameterValue" => Request, "a parameter value is invalid; see the message";
    "InvalidRequest" => Request, "the request body is malformed";
    "IpInBlacklist" => Auth, "this machine's IP address is blocked for the account";
    "IpNotInWhitelist" => Auth, "this machine's IP address is not on the account's allow-list";
    "LimitExceeded" => CapacityLimited, "a quota of the account is used up";
    "MissingParameter" => Request, "a required parameter is missing; see the message";
    "NoSuchProduct" => Request, "the endpoint does not serve CCC; check --endpoint";
    "NoSuchVersion" => Request, "the endpoint does not know API version 2020-02-10; check --endpoint";
    "RequestLimitExceeded" => RateLimited, "too many requests a second; ccc-dial waits and sends again";
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded" => RateLimited, "the account exceeds its global request rate; lower the rate limit in settings";
    "RequestLimitExceeded.IPLimitExceeded" => RateLimited, "this IP address sends too many requests a second; lower the rate limit";
    "RequestLimitExceeded.UinLimitExceeded" => RateLimited, "the account sends too many requests a second; lower the rate limit";
    "RequestSizeLimitExceeded" => Request, "the request is too large; send fewer or shorter variables";
    "ResourceInUse" => Request, "the resource is in use";
    "ResourceInsufficient" => CapacityLimited, "the service lacks resources right now; try again later";
    "ResourceNotFound" => NotFound, "the resource does not exist; check the SdkAppId and ids";
    "ResourceUnavailable" => Service, "the resource is unavailable right now; try again later";
    "ResponseSizeLimitExceeded" => Request, "the answer would be too large; ask for a smaller page";
    "ServiceUnavailable" => Service, "the service is temporarily unavailable; try again later";
    "UnauthorizedOperation" => Auth, "this key is not authorised for the operation; check its CAM policy";
    "UnknownParameter" => Request, "the request has a parameter the service does not know; see the message";
    "UnsupportedOperation" => Request, "the operation is not supported here";
    "UnsupportedProtocol" => Request, "only GET and POST over HTTP(S) are supported";
    "UnsupportedRegion" => Request, "the API is not offered in this region; change or clear --region";
    // CCC codes.
    "FailedOperation.AIConcurrentNoPackage" => CapacityLimited, "no AI concurrency licence; buy one in the CCC console";
    "FailedOperation.AIConcurrentOverFrequency" => CapacityLimited, "AI calls are starting too fast for the licensed concurrency; wait and dial again";
    "FailedOperation.AILicenseHasExpired" => Account, "the AI package expired; renew it in the CCC console";
    "FailedOperation.AcquireQuota" => CapacityLimited, "the agent's concurrent calls are all in use; wait for one to end, or raise AcquireTimeoutSecond to queue up to 5 s";
    "FailedOperation.CallOutFailed" => Service, "the outbound call failed; check the numbers and try again";
    "FailedOperation.CalleeIsBlackUser" => Callee, "the callee is flagged high-risk; do not call this number";
    "FailedOperation.CalleeIsLimited" => Callee, "calls to this callee are restricted";
    "FailedOperation.CallerOverFrequency" => DialRule, "the caller number is over its call frequency; use another caller or wait";
    "FailedOperation.CalloutRuleBlindArea" => DialRule, "the callee is in an area the instance's calling rule blocks";
    "FailedOperation.CalloutRuleMaxCallCountCalleeIntervalTime" => DialRule, "this callee was called too often recently under the calling rule; wait before calling again";
    "FailedOperation.CalloutRuleMaxCallCountCalleePerDayAppID" => DialRule, "this callee reached today's call limit for the app; try tomorrow";
    "FailedOperation.CalloutRuleNotWorkTime" => DialRule, "calls are not allowed at this time by the calling rule; dial within the allowed hours";
    "FailedOperation.ControlAIConversation" => Session, "the live call refused the control command; see the message";
    "FailedOperation.CurStateNotAllowModify" => Request, "the number's current state does not allow this change";
    "FailedOperation.DuplicatedAccount" => Request, "the account already exists";
    "FailedOperation.NoCallOutNumber" => Caller, "no usable caller number; add an own number in state normal, or pick one under Callers";
    "FailedOperation.PermissionDenied" => Auth, "the account lacks permission for this; check the instance's features and CAM policy";
    "FailedOperation.SeatStatusBusy" => CapacityLimited, "the seat is busy";
    "FailedOperation.SessionNotExists" => Session, "the session does not exist (yet); check the SessionId";
    "FailedOperation.SessionNotInControlState" => Session, "the call is not in progress, so it cannot be steered now";
    "FailedOperation.UploadFileOverflow" => Request, "too many uploaded files";
    "InternalError.DBError" => Service, "the service's database failed; try again later";
    "InvalidParameter.DuplicateAddress" => Request, "the address is a duplicate";
    "InvalidParameter.DuplicatePhoneNumber" => Request, "the phone number is a duplicate";
    "InvalidParameter.DuplicateSipAccount" => Request, "the SIP account is a duplicate";
    "InvalidParameter.IllegalAddress" => Request, "the address is illegal";
    "InvalidParameter.IllegalPhoneNumber" => Callee, "the phone number is illegal; write it as 00 + country code + number";
    "InvalidParameter.InstanceNotExist" => NotFound, "no CCC instance has this SdkAppId; check it in the CCC console";
    "InvalidParameter.InvalidAddress" => Request, "the address is invalid";
    "InvalidParameter.InvalidIP" => Request, "the IP information is invalid";
    "InvalidParameter.InvalidPhoneNumber" => Callee, "the phone number is invalid; write it as 00 + country code + number";
    "InvalidParameter.InvalidPort" => Request, "the port is invalid";
    "InvalidParameter.SipAccountPasswordFormat" => Request, "the SIP password needs 8+ characters with upper, lower case and digits";
    "InvalidParameter.SipAccountUserFormat" => Request, "the SIP user name may contain only letters and digits";
    "InvalidParameter.SipTrunkInUsed" => Request, "the SIP trunk is still in use";
    "InvalidParameter.SipTrunkNotFound" => NotFound, "the SIP trunk was not found";
    "InvalidParameterValue.AccountNotExist" => NotFound, "the account does not exist";
    "InvalidParameterValue.ApplyIDNotExist" => NotFound, "the approval form does not exist";
    "InvalidParameterValue.CompanyExist" => Request, "the company information already exists";
    "InvalidParameterValue.ErrorApplyStatus" => Request, "the approval form is in the wrong state";
    "InvalidParameterValue.ExperienceAccount" => Account, "trial-account agents cannot do this; use a paid instance";
    "InvalidParameterValue.FileNotExist" => NotFound, "the file does not exist";
    "InvalidParameterValue.InstanceNotExist" => NotFound, "no CCC instance has this SdkAppId; check it in the CCC console";
    "InvalidParameterValue.PhoneNumInvalid" => Caller, "the number's state is invalid; pick a caller in state normal";
    "InvalidParameterValue.PhoneNumIsBoundOtherAccount" => Caller, "the number is bound to another account";
    "InvalidParameterValue.RecordNotExist" => NotFound, "the record does not exist (yet); it may appear a little after the call ends";
    "InvalidParameterValue.RingAllGroupMemberOverflow" => Request, "too many ring-all members in the skill group";
    "InvalidParameterValue.SkillGroupError" => Request, "the skill group is wrong";
    "InvalidParameterValue.SkillGroupExist" => Request, "the skill group already exists";
    "InvalidParameterValue.WaitingApprovalOverflow" => Request, "too many forms are waiting for approval";
    "LimitExceeded.BasePackageExpired" => Account, "the call package is used up; top it up in the CCC console";
    "LimitExceeded.InsufficientLicense" => CapacityLimited, "not enough licences; buy more in the CCC console";
    "LimitExceeded.OutOfCountLimit" => CapacityLimited, "a count limit is exceeded";
    "LimitExceeded.OutOfQuotaMaxCount" => CapacityLimited, "the agent's concurrency cap is exceeded; lower the concurrency";
    "OperationDenied.NotInWhiteList" => Auth, "the account is not on the allow-list for this feature";
    "OperationDenied.UinDisabled" => Account, "the account is disabled";
}

/// The entry for `code`: itself, else its family (`InternalError.Foo` -> `InternalError`), else
/// a generic entry so every code gets some hint.
pub fn lookup(code: &str) -> CodeInfo {
    let find = |c: &str| CODES.iter().find(|i| i.code == c).copied();
    find(code)
        .or_else(|| code.split_once('.').and_then(|(family, _)| find(family)))
        .unwrap_or(CodeInfo {
            code: "",
            label: Service,
            hint: "see the message; the RequestId helps Tencent Cloud support",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code in the API reference (ccc-api.md) and the common codes (signing.md).
    const DOCUMENTED: &str = "ActionOffline AuthFailure.InvalidAuthorization AuthFailure.InvalidSecretId
        AuthFailure.MFAFailure AuthFailure.SecretIdNotFound AuthFailure.SignatureExpire
        AuthFailure.SignatureFailure AuthFailure.TokenFailure AuthFailure.UnauthorizedOperation
        DryRunOperation FailedOperation FailedOperation.AIConcurrentNoPackage
        FailedOperation.AIConcurrentOverFrequency FailedOperation.AILicenseHasExpired
        FailedOperation.AcquireQuota FailedOperation.CallOutFailed FailedOperation.CalleeIsBlackUser
        FailedOperation.CalleeIsLimited FailedOperation.CallerOverFrequency
        FailedOperation.CalloutRuleBlindArea FailedOperation.CalloutRuleMaxCallCountCalleeIntervalTime
        FailedOperation.CalloutRuleMaxCallCountCalleePerDayAppID FailedOperation.CalloutRuleNotWorkTime
        FailedOperation.ControlAIConversation FailedOperation.CurStateNotAllowModify
        FailedOperation.DuplicatedAccount FailedOperation.NoCallOutNumber
        FailedOperation.PermissionDenied FailedOperation.SeatStatusBusy
        FailedOperation.SessionNotExists FailedOperation.SessionNotInControlState
        FailedOperation.UploadFileOverflow InternalError InternalError.DBError InvalidAction
        InvalidParameter InvalidParameter.DuplicateAddress InvalidParameter.DuplicatePhoneNumber
        InvalidParameter.DuplicateSipAccount InvalidParameter.IllegalAddress
        InvalidParameter.IllegalPhoneNumber InvalidParameter.InstanceNotExist
        InvalidParameter.InvalidAddress InvalidParameter.InvalidIP InvalidParameter.InvalidPhoneNumber
        InvalidParameter.InvalidPort InvalidParameter.SipAccountPasswordFormat
        InvalidParameter.SipAccountUserFormat InvalidParameter.SipTrunkInUsed
        InvalidParameter.SipTrunkNotFound InvalidParameterValue InvalidParameterValue.AccountNotExist
        InvalidParameterValue.ApplyIDNotExist InvalidParameterValue.CompanyExist
        InvalidParameterValue.ErrorApplyStatus InvalidParameterValue.ExperienceAccount
        InvalidParameterValue.FileNotExist InvalidParameterValue.InstanceNotExist
        InvalidParameterValue.PhoneNumInvalid InvalidParameterValue.PhoneNumIsBoundOtherAccount
        InvalidParameterValue.RecordNotExist InvalidParameterValue.RingAllGroupMemberOverflow
        InvalidParameterValue.SkillGroupError InvalidParameterValue.SkillGroupExist
        InvalidParameterValue.WaitingApprovalOverflow InvalidRequest IpInBlacklist IpNotInWhitelist
        LimitExceeded LimitExceeded.BasePackageExpired LimitExceeded.InsufficientLicense
        LimitExceeded.OutOfCountLimit LimitExceeded.OutOfQuotaMaxCount MissingParameter
        NoSuchProduct NoSuchVersion OperationDenied.NotInWhiteList OperationDenied.UinDisabled
        RequestLimitExceeded RequestLimitExceeded.GlobalRegionUinLimitExceeded
        RequestLimitExceeded.IPLimitExceeded RequestLimitExceeded.UinLimitExceeded
        RequestSizeLimitExceeded ResourceInUse ResourceInsufficient ResourceNotFound
        ResourceUnavailable ResponseSizeLimitExceeded ServiceUnavailable UnauthorizedOperation
        UnknownParameter UnsupportedOperation UnsupportedProtocol UnsupportedRegion";

    #[test]
    fn every_documented_code_has_its_own_entry() {
        for code in DOCUMENTED.split_whitespace() {
            assert_eq!(lookup(code).code, code, "{code} has no entry of its own");
        }
        assert_eq!(
            CODES.len(),
            DOCUMENTED.split_whitespace().count(),
            "entries not documented"
        );
    }

    #[test]
    fn codes_are_unique_and_hints_actionable() {
        for (i, a) in CODES.iter().enumerate() {
            assert!(
                CODES[i + 1..].iter().all(|b| b.code != a.code),
                "{} twice",
                a.code
            );
            assert!(
                a.hint.len() > 10 && !a.hint.ends_with('.'),
                "{}: {}",
                a.code,
                a.hint
            );
        }
    }

    #[test]
    fn families_and_unknown_codes_fall_back() {
        assert_eq!(lookup("InternalError.Timeout").code, "InternalError");
        assert_eq!(
            lookup("RequestLimitExceeded.Something").label,
            Label::RateLimited
        );
        assert_eq!(lookup("Totally.New").code, "");
        assert!(lookup("AuthFailure.SignatureExpire").hint.contains("clock"));
    }

    #[test]
    fn rate_and_capacity_are_labelled_apart() {
        assert_eq!(lookup("RequestLimitExceeded").label, Label::RateLimited);
        assert_eq!(
            lookup("FailedOperation.AcquireQuota").label,
            Label::CapacityLimited
        );
        assert_eq!(
            lookup("FailedOperation.AIConcurrentNoPackage").label,
            Label::CapacityLimited
        );
        assert_eq!(
            lookup("FailedOperation.AIConcurrentOverFrequency").label,
            Label::CapacityLimited
        );
    }
}
