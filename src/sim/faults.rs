//! Deterministic faults chosen by the callee number. Every fault number starts with
//! [`FAULT_PREFIX`]; any other callee rings, is answered, talks and ends `ok`.

use super::reply::Transport;

pub const FAULT_PREFIX: &str = "00999";

/// How a call to a fault callee goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// CreateAIAgentCall answers this error. With `creates_session`, the call was placed anyway
    /// (the service cannot say), so DescribeTelCdr by callee finds it later.
    Reject {
        code: &'static str,
        message: &'static str,
        creates_session: bool,
    },
    /// The call is accepted, then ends this way.
    Ends(Ending),
    /// The call is placed, but the answer to CreateAIAgentCall is lost or garbled.
    Transport(Transport),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    NotAnswer,
    Busy,
    UserReject,
    PowerOff,
    NumberNotExist,
    VoiceMailReached,
    /// Answers, then hangs up after a second.
    EarlyHangUp,
}

pub struct FaultCallee {
    pub callee: &'static str,
    pub fault: Fault,
}

const fn reject(callee: &'static str, code: &'static str, message: &'static str) -> FaultCallee {
    FaultCallee {
        callee,
        fault: Fault::Reject {
            code,
            message,
            creates_session: false,
        },
    }
}

const fn ends(callee: &'static str, ending: Ending) -> FaultCallee {
    FaultCallee {
        callee,
        fault: Fault::Ends(ending),
    }
}

const fn transport(callee: &'static str, t: Transport) -> FaultCallee {
    FaultCallee {
        callee,
        fault: Fault::Transport(t),
    }
}

/// The fault table, also printed in the README.
pub const TABLE: &[FaultCallee] = &[
    reject(
        "00999100001",
        "FailedOperation.CalleeIsBlackUser",
        "High-risk users, do not call.",
    ),
    reject(
        "00999100002",
        "FailedOperation.CallerOverFrequency",
        "Caller ID exceeds the outbound call limit.",
    ),
    reject(
        "00999100003",
        "FailedOperation.CalloutRuleNotWorkTime",
        "Calls are not allowed at this time.",
    ),
    reject(
        "00999100004",
        "FailedOperation.CalloutRuleBlindArea",
        "The number is in a restricted calling zone.",
    ),
    reject(
        "00999100005",
        "FailedOperation.CalloutRuleMaxCallCountCalleeIntervalTime",
        "Exceeded call limit for the callee within a set time.",
    ),
    reject(
        "00999100006",
        "FailedOperation.CalloutRuleMaxCallCountCalleePerDayAppID",
        "Exceeded daily call limit for the callee.",
    ),
    reject(
        "00999100007",
        "FailedOperation.NoCallOutNumber",
        "No available outbound call numbers.",
    ),
    reject(
        "00999100008",
        "FailedOperation.AILicenseHasExpired",
        "AI package expired. please renew or repurchase.",
    ),
    reject(
        "00999100009",
        "LimitExceeded.BasePackageExpired",
        "Your call package is used up.",
    ),
    reject(
        "00999100010",
        "InvalidParameterValue.InstanceNotExist",
        "The SDKAppID does not exist.",
    ),
    reject(
        "00999100011",
        "FailedOperation.AcquireQuota",
        "The agent's concurrency limit is reached.",
    ),
    reject(
        "00999100012",
        "FailedOperation.AIConcurrentNoPackage",
        "No available AI concurrency licenses. please proceed to purchase on the console.",
    ),
    reject(
        "00999100013",
        "FailedOperation.PermissionDenied",
        "Insufficient permissions.",
    ),
    reject(
        "00999100014",
        "FailedOperation.CallOutFailed",
        "Outbound call failure.",
    ),
    reject(
        "00999100015",
        "FailedOperation.CalleeIsLimited",
        "Limited outbound called number.",
    ),
    reject(
        "00999100016",
        "FailedOperation.AIConcurrentOverFrequency",
        "AI concurrent overfrequency.",
    ),
    FaultCallee {
        callee: "00999100017",
        fault: Fault::Reject {
            code: "InternalError",
            message: "An internal error occurs.",
            creates_session: true,
        },
    },
    ends("00999200202", Ending::NotAnswer),
    ends("00999200203", Ending::UserReject),
    ends("00999200204", Ending::PowerOff),
    ends("00999200205", Ending::NumberNotExist),
    ends("00999200206", Ending::Busy),
    ends("00999200222", Ending::VoiceMailReached),
    ends("00999200001", Ending::EarlyHangUp),
    transport("00999300001", Transport::Slow),
    transport("00999300002", Transport::Dropped),
    transport("00999300003", Transport::Http500),
    transport("00999300004", Transport::MalformedJson),
];

/// The fault a callee number triggers, if it is in the table.
pub fn for_callee(callee: &str) -> Option<Fault> {
    if !callee.starts_with(FAULT_PREFIX) {
        return None;
    }
    TABLE.iter().find(|f| f.callee == callee).map(|f| f.fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_numbers_are_unique_prefixed_and_found() {
        let mut seen = std::collections::HashSet::new();
        for f in TABLE {
            assert!(f.callee.starts_with(FAULT_PREFIX), "{}", f.callee);
            assert!(seen.insert(f.callee), "{} twice", f.callee);
            assert_eq!(for_callee(f.callee), Some(f.fault));
        }
        assert_eq!(for_callee("008613012345678"), None);
        assert_eq!(for_callee("00999999999"), None);
    }
}
