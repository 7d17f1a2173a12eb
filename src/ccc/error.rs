//! What can go wrong with one API request, and what that means for the call it carried.

use super::catalog::{self, Label};

/// The outcome of an attempt, as DESIGN.md defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Failed before any byte could reach the service.
    NotSent,
    /// The service answered with an error.
    Rejected,
    /// The service returned what was asked (for a call, a SessionId).
    Accepted,
    /// Sent, but no valid answer: the service may have acted on it.
    Unknown,
}

/// Whether the dialer may send the same request again on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    Never,
    /// The service said it did not execute the request (rate limit): after a back-off.
    AfterBackoff,
    /// Nothing left this machine and the cause may pass (connection refused, DNS).
    WhenPassing,
}

/// How to treat an error: everything retry logic and the views need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    pub outcome: Outcome,
    pub retry: Retry,
    pub label: Label,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// Nothing reached the service.
    #[error("{action} not sent: {reason}")]
    NotSent {
        action: &'static str,
        reason: String,
        /// The cause may pass on its own (network down), unlike a bad configuration.
        passing: bool,
    },
    /// The service answered `Response.Error`.
    #[error("{action} failed: {code}: {message} (RequestId {request_id})")]
    Service {
        action: &'static str,
        code: String,
        message: String,
        request_id: String,
        /// Server time minus local time, from the answer's `Date` header.
        clock_skew_secs: Option<i64>,
    },
    /// The request may have reached the service, but no valid answer came back.
    #[error("{action} outcome unknown: {reason}")]
    Unknown {
        action: &'static str,
        reason: String,
        http_status: Option<u16>,
        /// The start of whatever came back, for the attempt's detail.
        body: Option<String>,
    },
    /// The service answered, but not in the shape this action expects.
    #[error("{action} answer could not be read: {reason}")]
    Decode {
        action: &'static str,
        reason: String,
        request_id: Option<String>,
        body: String,
    },
}

impl ApiError {
    pub fn action(&self) -> &'static str {
        match self {
            ApiError::NotSent { action, .. }
            | ApiError::Service { action, .. }
            | ApiError::Unknown { action, .. }
            | ApiError::Decode { action, .. } => action,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Service { request_id, .. } => Some(request_id),
            ApiError::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The outcome, retry rule and label of this error. Retries are decided from this alone.
    pub fn class(&self) -> Class {
        match self {
            ApiError::NotSent { passing, .. } => Class {
                outcome: Outcome::NotSent,
                retry: if *passing {
                    Retry::WhenPassing
                } else {
                    Retry::Never
                },
                label: Label::Request,
            },
            ApiError::Service { action, code, .. } => {
                let info = catalog::lookup(code);
                // An internal error answering a call does not say whether the phone rang.
                let outcome = if *action == "CreateAIAgentCall" && code.starts_with("InternalError")
                {
                    Outcome::Unknown
                } else {
                    Outcome::Rejected
                };
                let retry = if code.starts_with("RequestLimitExceeded") {
                    Retry::AfterBackoff
                } else {
                    Retry::Never
                };
                Class {
                    outcome,
                    retry,
                    label: info.label,
                }
            }
            ApiError::Unknown { .. } | ApiError::Decode { .. } => Class {
                outcome: Outcome::Unknown,
                retry: Retry::Never,
                label: Label::Service,
            },
        }
    }

    /// One line telling the user what to do about it.
    pub fn hint(&self) -> String {
        match self {
            ApiError::NotSent { .. } => {
                "nothing reached the service; fix the cause and dial again".into()
            }
            ApiError::Service { code, clock_skew_secs, .. } => {
                let hint = catalog::lookup(code).hint;
                match clock_skew_secs {
                    Some(skew) if code == "AuthFailure.SignatureExpire" => {
                        format!("{hint} (the service's clock differs from this machine's by {skew:+} s)")
                    }
                    _ if self.class().outcome == Outcome::Unknown => {
                        format!("{hint}; the call may have been placed: reconcile before dialing again")
                    }
                    _ => hint.to_string(),
                }
            }
            ApiError::Unknown { .. } | ApiError::Decode { .. } => {
                "the request may have reached the service: check the call records (reconcile) before dialing again".into()
            }
        }
    }

    /// The service does not offer this action at this endpoint (older API models).
    pub fn is_unsupported_action(&self) -> bool {
        self.code() == Some("InvalidAction")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(action: &'static str, code: &str) -> ApiError {
        ApiError::Service {
            action,
            code: code.into(),
            message: "m".into(),
            request_id: "r".into(),
            clock_skew_secs: None,
        }
    }

    #[test]
    fn internal_error_on_a_call_is_unknown_elsewhere_rejected() {
        assert_eq!(
            service("CreateAIAgentCall", "InternalError")
                .class()
                .outcome,
            Outcome::Unknown
        );
        assert_eq!(
            service("CreateAIAgentCall", "InternalError.DBError")
                .class()
                .outcome,
            Outcome::Unknown
        );
        assert_eq!(
            service("DescribeTelCdr", "InternalError").class().outcome,
            Outcome::Rejected
        );
        assert_eq!(
            service("CreateAIAgentCall", "FailedOperation.CalleeIsBlackUser").class(),
            Class {
                outcome: Outcome::Rejected,
                retry: Retry::Never,
                label: Label::Callee
            }
        );
    }

    #[test]
    fn only_rate_limits_are_retried_after_backoff() {
        for code in [
            "RequestLimitExceeded",
            "RequestLimitExceeded.UinLimitExceeded",
        ] {
            let class = service("CreateAIAgentCall", code).class();
            assert_eq!(class.retry, Retry::AfterBackoff);
            assert_eq!(class.label, Label::RateLimited);
        }
        let quota = service("CreateAIAgentCall", "FailedOperation.AcquireQuota").class();
        assert_eq!(
            (quota.retry, quota.label),
            (Retry::Never, Label::CapacityLimited)
        );
        let unknown = ApiError::Unknown {
            action: "CreateAIAgentCall",
            reason: "timeout".into(),
            http_status: None,
            body: None,
        };
        assert_eq!(unknown.class().retry, Retry::Never);
        assert_eq!(unknown.class().outcome, Outcome::Unknown);
    }

    #[test]
    fn skew_is_shown_for_expired_signatures() {
        let e = ApiError::Service {
            action: "HangUpCall",
            code: "AuthFailure.SignatureExpire".into(),
            message: "m".into(),
            request_id: "r".into(),
            clock_skew_secs: Some(-412),
        };
        assert!(e.hint().contains("clock"));
        assert!(e.hint().contains("-412 s"));
    }
}
