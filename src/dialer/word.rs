//! Words for outcomes, in one place: the operator word for a call's end status (from the
//! service's EndStatus table), an attempt's status, a dial's outcome, and elapsed time.

use crate::ccc::Outcome;
use crate::history::AttemptStatus;

/// The short word an operator reads for how a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallWord {
    Answered,
    NoAnswer,
    Busy,
    Rejected,
    Voicemail,
    InvalidNumber,
    Blocked,
    Failed,
}

/// How good an outcome is, for colours; the view picks the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    Good,
    Warn,
    Bad,
}

impl CallWord {
    pub const ALL: [CallWord; 8] = [
        CallWord::Answered,
        CallWord::NoAnswer,
        CallWord::Busy,
        CallWord::Rejected,
        CallWord::Voicemail,
        CallWord::InvalidNumber,
        CallWord::Blocked,
        CallWord::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallWord::Answered => "answered",
            CallWord::NoAnswer => "no answer",
            CallWord::Busy => "busy",
            CallWord::Rejected => "rejected",
            CallWord::Voicemail => "voicemail",
            CallWord::InvalidNumber => "invalid number",
            CallWord::Blocked => "blocked",
            CallWord::Failed => "failed",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            CallWord::Answered => Tone::Good,
            CallWord::NoAnswer | CallWord::Busy | CallWord::Rejected | CallWord::Voicemail => {
                Tone::Warn
            }
            CallWord::InvalidNumber | CallWord::Blocked | CallWord::Failed => Tone::Bad,
        }
    }

    /// The word for a CDR EndStatus; codes outside the documented table are `Failed`.
    pub fn from_end_status(code: i64) -> CallWord {
        end_status(code).map_or(CallWord::Failed, |e| e.word)
    }
}

impl std::fmt::Display for CallWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the service's EndStatus table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndStatus {
    pub code: i64,
    pub name: &'static str,
    pub meaning: &'static str,
    pub word: CallWord,
}

const fn row(code: i64, name: &'static str, meaning: &'static str, word: CallWord) -> EndStatus {
    EndStatus {
        code,
        name,
        meaning,
        word,
    }
}

use CallWord::*;

/// The documented EndStatus codes (ref: TelCdrInfo.EndStatus) and the word each maps to.
/// Inbound-only codes are kept so that any record reads sensibly.
pub const END_STATUS: &[EndStatus] = &[
    row(1, "ok", "normal call", Answered),
    row(100, "blackList", "blocklisted by the system", Blocked),
    row(102, "ivrGiveUp", "user gave up during IVR", Failed),
    row(103, "waitingGiveUp", "user gave up while queued", Failed),
    row(104, "ringingGiveUp", "user gave up while ringing", NoAnswer),
    row(105, "noSeatOnline", "no agent online", Failed),
    row(106, "notWorkTime", "outside working hours", Failed),
    row(107, "ivrEnd", "IVR ended with no one served", Failed),
    row(108, "restrictedCallee", "risky number intercepted", Blocked),
    row(109, "tooManyRequest", "outbound frequency control", Blocked),
    row(
        110,
        "restrictedArea",
        "outbound region intercepted",
        Blocked,
    ),
    row(
        111,
        "restrictedTime",
        "outside the allowed calling hours",
        Blocked,
    ),
    row(202, "notAnswer", "callee did not answer", NoAnswer),
    row(203, "userReject", "callee rejected the call", Rejected),
    row(204, "powerOff", "callee's phone is off", NoAnswer),
    row(
        205,
        "numberNotExist",
        "number does not exist",
        InvalidNumber,
    ),
    row(206, "busy", "callee busy", Busy),
    row(
        207,
        "outOfCredit",
        "callee's line is suspended for arrears",
        Failed,
    ),
    row(208, "operatorError", "carrier line error", Failed),
    row(209, "callerCancel", "caller cancelled", NoAnswer),
    row(
        210,
        "notInService",
        "callee out of the service area",
        NoAnswer,
    ),
    row(211, "clientError", "agent client error", Failed),
    row(212, "carrierBlocked", "blocked by the carrier", Blocked),
    row(
        213,
        "callReminder",
        "carrier's call-reminder prompt",
        NoAnswer,
    ),
    row(215, "numberInvalid", "callee number invalid", InvalidNumber),
    row(
        216,
        "callRestricted",
        "carrier's call-restricted prompt",
        Blocked,
    ),
    row(
        217,
        "calleeRestricted",
        "callee restricted by a blocklist",
        Blocked,
    ),
    row(218, "areaRestricted", "callee area restricted", Blocked),
    row(
        219,
        "promptCallForwarding",
        "carrier's call-forwarding prompt",
        NoAnswer,
    ),
    row(
        220,
        "callerCancelWhileRing",
        "cancelled while ringing",
        NoAnswer,
    ),
    row(
        221,
        "callerCancelWithoutRing",
        "callee number abnormal, never rang",
        InvalidNumber,
    ),
    row(222, "voiceMailReached", "reached voicemail", Voicemail),
    row(501, "callConflict", "VoIP user already in a call", Busy),
    row(502, "clientTimeout", "VoIP client timed out", NoAnswer),
    row(503, "voipClientError", "VoIP client error", Failed),
];

/// The table row of a code, if documented.
pub fn end_status(code: i64) -> Option<&'static EndStatus> {
    END_STATUS.iter().find(|e| e.code == code)
}

/// `m:ss`, or `h:mm:ss` from an hour; negative spans read `0:00`.
pub fn elapsed(ms: i64) -> String {
    let s = ms.max(0) / 1_000;
    let (h, m, s) = (s / 3_600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The status as an operator reads it.
pub fn status_words(status: AttemptStatus) -> &'static str {
    match status {
        AttemptStatus::Queued => "queued",
        AttemptStatus::Accepted => "accepted",
        AttemptStatus::Rejected => "rejected",
        AttemptStatus::NotSent => "not sent",
        AttemptStatus::Unknown => "outcome unknown",
        AttemptStatus::Ringing => "ringing",
        AttemptStatus::SeatJoining => "seat joining",
        AttemptStatus::InProgress => "in progress",
        AttemptStatus::Finished => "finished",
    }
}

/// A dial's outcome as the user reads it.
pub fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Accepted => "accepted",
        Outcome::Rejected => "rejected by the service",
        Outcome::Unknown => "outcome unknown",
        Outcome::NotSent => "not sent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_end_status_has_its_word() {
        let expected: &[(i64, &str, CallWord)] = &[
            (1, "ok", Answered),
            (100, "blackList", Blocked),
            (102, "ivrGiveUp", Failed),
            (103, "waitingGiveUp", Failed),
            (104, "ringingGiveUp", NoAnswer),
            (105, "noSeatOnline", Failed),
            (106, "notWorkTime", Failed),
            (107, "ivrEnd", Failed),
            (108, "restrictedCallee", Blocked),
            (109, "tooManyRequest", Blocked),
            (110, "restrictedArea", Blocked),
            (111, "restrictedTime", Blocked),
            (202, "notAnswer", NoAnswer),
            (203, "userReject", Rejected),
            (204, "powerOff", NoAnswer),
            (205, "numberNotExist", InvalidNumber),
            (206, "busy", Busy),
            (207, "outOfCredit", Failed),
            (208, "operatorError", Failed),
            (209, "callerCancel", NoAnswer),
            (210, "notInService", NoAnswer),
            (211, "clientError", Failed),
            (212, "carrierBlocked", Blocked),
            (213, "callReminder", NoAnswer),
            (215, "numberInvalid", InvalidNumber),
            (216, "callRestricted", Blocked),
            (217, "calleeRestricted", Blocked),
            (218, "areaRestricted", Blocked),
            (219, "promptCallForwarding", NoAnswer),
            (220, "callerCancelWhileRing", NoAnswer),
            (221, "callerCancelWithoutRing", InvalidNumber),
            (222, "voiceMailReached", Voicemail),
            (501, "callConflict", Busy),
            (502, "clientTimeout", NoAnswer),
            (503, "voipClientError", Failed),
        ];
        assert_eq!(END_STATUS.len(), expected.len());
        for (code, name, word) in expected {
            let row = end_status(*code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(row.name, *name, "{code}");
            assert_eq!(CallWord::from_end_status(*code), *word, "{code} {name}");
        }
        for unknown in [0, -1, 2, 101, 214, 234, 504, 9999] {
            assert_eq!(CallWord::from_end_status(unknown), Failed, "{unknown}");
        }
        // Every word is reachable, with its own name and a tone.
        for w in CallWord::ALL {
            assert!(END_STATUS.iter().any(|e| e.word == w), "{w}");
        }
        assert_eq!(Answered.tone(), Tone::Good);
        assert_eq!(Voicemail.tone(), Tone::Warn);
        assert_eq!(Blocked.tone(), Tone::Bad);
        assert_eq!(InvalidNumber.as_str(), "invalid number");
    }

    #[test]
    fn elapsed_reads_minutes_and_hours() {
        assert_eq!(elapsed(0), "0:00");
        assert_eq!(elapsed(4_999), "0:04");
        assert_eq!(elapsed(72_000), "1:12");
        assert_eq!(elapsed(3_723_000), "1:02:03");
        assert_eq!(elapsed(-5_000), "0:00");
    }
}
