//! One call's lifecycle: ringing, then inProgress, then finished. Its state is a pure function
//! of the clock (created time, scripted outcome, any hang-up time), so advancing a
//! `ManualClock` moves calls forward with no background task.

use serde_json::{Value, json};

use super::faults::Ending;
use super::persona::Persona;
pub use super::persona::{Latency, fnv};
/// How long an unanswered call rings when no MaxRingTimeoutSecond is given.
pub const NO_ANSWER_RING_MS: i64 = 30_000;
/// How long a callee that cannot be reached (busy, off, no such number) takes to fail.
const UNREACHABLE_MS: i64 = 1_000;
/// How long the early hang-up callee talks.
const EARLY_HANG_UP_MS: i64 = 1_000;

/// EndStatus, EndStatusString and HungUpSide of a finished call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct End {
    pub code: i64,
    pub name: &'static str,
    pub side: &'static str,
}

const OK_BY_USER: End = End {
    code: 1,
    name: "ok",
    side: "user",
};
const OK_BY_HANG_UP: End = End {
    code: 1,
    name: "ok",
    side: "system",
};
const CANCELLED_WHILE_RINGING: End = End {
    code: 220,
    name: "callerCancelWhileRing",
    side: "system",
};
const NOT_ANSWER: End = End {
    code: 202,
    name: "notAnswer",
    side: "system",
};
const fn system(code: i64, name: &'static str) -> End {
    End {
        code,
        name,
        side: "system",
    }
}
const USER_REJECT: End = End {
    code: 203,
    name: "userReject",
    side: "user",
};
const VOICEMAIL: End = system(222, "voiceMailReached");
const POWER_OFF: End = system(204, "powerOff");
const NUMBER_NOT_EXIST: End = system(205, "numberNotExist");
const BUSY: End = system(206, "busy");

/// Every end a simulated call can come to, to read a stored one back by code and side.
const KNOWN_ENDS: &[End] = &[
    OK_BY_USER,
    OK_BY_HANG_UP,
    CANCELLED_WHILE_RINGING,
    NOT_ANSWER,
    USER_REJECT,
    VOICEMAIL,
    POWER_OFF,
    NUMBER_NOT_EXIST,
    BUSY,
];

impl End {
    pub fn known(code: i64, side: &str) -> Option<End> {
        KNOWN_ENDS
            .iter()
            .find(|e| e.code == code && e.side == side)
            .copied()
    }
}

/// What will happen to a call if nobody hangs it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Rings for `ring_ms`, is answered, talks for `talk_ms`, and the callee hangs up.
    Answered { ring_ms: i64, talk_ms: i64 },
    /// Never answered: ends after `after_ms`; `rang` tells whether the phone rang at all.
    Unanswered { after_ms: i64, end: End, rang: bool },
}

impl Script {
    /// The script for a callee: normal when `ending` is None. `max_ring_ms` is the request's
    /// MaxRingTimeoutSecond: a phone still ringing then is given up as notAnswer.
    pub fn new(
        ending: Option<Ending>,
        ring_ms: i64,
        talk_ms: i64,
        max_ring_ms: Option<i64>,
    ) -> Self {
        let unanswered = |after_ms, end| Script::Unanswered {
            after_ms,
            end,
            rang: true,
        };
        let script = match ending {
            None => Script::Answered { ring_ms, talk_ms },
            Some(Ending::EarlyHangUp) => Script::Answered {
                ring_ms,
                talk_ms: talk_ms.min(EARLY_HANG_UP_MS),
            },
            Some(Ending::NotAnswer) => Script::Unanswered {
                after_ms: max_ring_ms.unwrap_or(NO_ANSWER_RING_MS),
                end: NOT_ANSWER,
                rang: true,
            },
            Some(Ending::UserReject) => unanswered(ring_ms, USER_REJECT),
            Some(Ending::VoiceMailReached) => unanswered(ring_ms, VOICEMAIL),
            Some(Ending::PowerOff) => unreachable_callee(POWER_OFF),
            Some(Ending::NumberNotExist) => unreachable_callee(NUMBER_NOT_EXIST),
            Some(Ending::Busy) => unreachable_callee(BUSY),
        };
        match (script, max_ring_ms) {
            (Script::Answered { ring_ms, .. }, Some(max)) if max < ring_ms => Script::Unanswered {
                after_ms: max,
                end: NOT_ANSWER,
                rang: true,
            },
            (
                Script::Unanswered {
                    after_ms,
                    rang: true,
                    ..
                },
                Some(max),
            ) if max < after_ms => Script::Unanswered {
                after_ms: max,
                end: NOT_ANSWER,
                rang: true,
            },
            _ => script,
        }
    }
}

fn unreachable_callee(end: End) -> Script {
    Script::Unanswered {
        after_ms: UNREACHABLE_MS,
        end,
        rang: false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Ringing,
    InProgress,
    Finished,
}

impl Phase {
    /// The wire value of PSTNSession.SessionStatus.
    pub fn wire(self) -> &'static str {
        match self {
            Phase::Ringing => "ringing",
            Phase::InProgress => "inProgress",
            Phase::Finished => "finished",
        }
    }
}

/// Text pushed into a live call by ControlAIConversation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pushed {
    pub at_ms: i64,
    pub command: String,
    pub text: String,
    /// ServerPushText.StopAfterPlay: the agent hangs up once the line is said.
    pub stop_after_play: bool,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    /// RoomID of the live session: digits, as in the documented example.
    pub room_id: String,
    /// RecordId of the recording: a UUID of its own, as in the documented example.
    pub record_id: String,
    pub agent_id: u64,
    pub agent_name: String,
    pub caller: String,
    pub callee: String,
    pub variables: Vec<(String, String)>,
    pub created_ms: i64,
    pub script: Script,
    pub hung_up_ms: Option<i64>,
    pub pushed: Vec<Pushed>,
}

impl Session {
    fn natural_end_ms(&self) -> i64 {
        match self.script {
            Script::Answered { ring_ms, talk_ms } => self.created_ms + ring_ms + talk_ms,
            Script::Unanswered { after_ms, .. } => self.created_ms + after_ms,
        }
    }

    pub fn end_ms(&self) -> i64 {
        let natural = self.natural_end_ms();
        self.hung_up_ms.map_or(natural, |h| h.min(natural))
    }

    /// When the callee answered, if they did before the call ended.
    pub fn accepted_ms(&self) -> Option<i64> {
        match self.script {
            Script::Answered { ring_ms, .. } => {
                Some(self.created_ms + ring_ms).filter(|a| *a < self.end_ms())
            }
            Script::Unanswered { .. } => None,
        }
    }

    fn rang(&self) -> bool {
        !matches!(self.script, Script::Unanswered { rang: false, .. })
    }

    pub fn phase(&self, now_ms: i64) -> Phase {
        if now_ms >= self.end_ms() {
            Phase::Finished
        } else if self.accepted_ms().is_some_and(|a| now_ms >= a) {
            Phase::InProgress
        } else {
            Phase::Ringing
        }
    }

    pub fn end(&self) -> End {
        let hung_up_early = self.hung_up_ms.is_some_and(|h| h < self.natural_end_ms());
        match self.script {
            _ if hung_up_early && self.accepted_ms().is_some() => OK_BY_HANG_UP,
            _ if hung_up_early => CANCELLED_WHILE_RINGING,
            Script::Answered { .. } => OK_BY_USER,
            Script::Unanswered { end, .. } => end,
        }
    }

    /// Ends a live call now; a finished one stays as it was. Tells whether it was live.
    pub fn hang_up(&mut self, now_ms: i64) -> bool {
        self.hang_up_at(now_ms, now_ms)
    }

    /// Ends a call live at `now_ms` at the later moment `at_ms` (an earlier end stands).
    pub fn hang_up_at(&mut self, now_ms: i64, at_ms: i64) -> bool {
        if self.phase(now_ms) == Phase::Finished {
            return false;
        }
        self.hung_up_ms = Some(self.hung_up_ms.map_or(at_ms, |h| h.min(at_ms)));
        true
    }

    /// Whether the record, tags, latency and interaction records of the call are visible:
    /// `lag_ms` after it ended.
    pub fn reported(&self, now_ms: i64, lag_ms: i64) -> bool {
        self.phase(now_ms) == Phase::Finished && now_ms >= self.end_ms().saturating_add(lag_ms)
    }

    pub fn start_s(&self) -> i64 {
        secs(self.created_ms)
    }

    pub fn tel_session(&self, now_ms: i64) -> Value {
        let phase = self.phase(now_ms);
        let accepted = self.accepted_ms().filter(|a| now_ms >= *a).map_or(0, secs);
        json!({
            "SessionID": self.id,
            "RoomID": self.room_id,
            "Caller": self.caller,
            "Callee": self.callee,
            "StartTimestamp": self.start_s(),
            "RingTimestamp": if self.rang() { self.start_s() } else { 0 },
            "AcceptTimestamp": accepted,
            "StaffEmail": "",
            "StaffNumber": "",
            "SessionStatus": phase.wire(),
            "Direction": 1,
            "OutBoundCaller": "",
            "OutBoundCallee": "",
            "ProtectedCaller": "",
            "ProtectedCallee": "",
        })
    }

    /// SysHangupReason and its text: documented for a callee hanging up an answered AI call.
    fn sys_hangup_reason(&self) -> (i64, &'static str) {
        match self.end() {
            OK_BY_USER => (1010, "用户挂断智能体通话"),
            _ => (0, ""),
        }
    }

    /// The TelCdrInfo of a finished call, with every field of the mainland model.
    pub fn cdr(&self) -> Value {
        let end = self.end();
        let (reason, reason_text) = self.sys_hangup_reason();
        let ended = secs(self.end_ms());
        let accepted = self.accepted_ms().map(secs);
        let answered = accepted.is_some();
        let url = |kind: &str, ext: &str| {
            if answered {
                format!("https://sim.ccc-dial.invalid/{kind}/{}.{ext}", self.id)
            } else {
                String::new()
            }
        };
        let mut cdr = json!({
            "SessionId": self.id,
            "Caller": self.caller,
            "Callee": self.callee,
            "Time": self.start_s(),
            "Direction": 1,
            "CallType": 1,
            "Duration": accepted.map_or(0, |a| ended - a),
            "RecordURL": url("record", "mp3"),
            "RecordId": if answered { self.record_id.clone() } else { String::new() },
            "CustomRecordURL": "",
            "AsrUrl": url("asr", "json"),
            "AsrStatus": if answered { "Complete" } else { "NotExists" },
            "EndStatus": end.code,
            "EndStatusV2": end.code,
            "EndStatusString": end.name,
            "HungUpSide": end.side,
            "StartTimestamp": self.start_s(),
            "RingTimestamp": if self.rang() { self.start_s() } else { 0 },
            "AcceptTimestamp": accepted.unwrap_or(0),
            "EndedTimestamp": ended,
            "AIAgentId": self.agent_id,
            "AIAgentName": self.agent_name,
            "SysHangupReason": reason,
            "SysHangupReasonString": reason_text,
        });
        // Fields an AI call leaves empty (no IVR, no queue, no seat), in a second object to
        // keep each json! small.
        let empty = json!({
            "QueuedTimestamp": 0,
            "IVRDuration": 0,
            "IVRKeyPressed": [],
            "IVRKeyPressedEx": [],
            "PostIVRKeyPressed": [],
            "PostIVRKeyPressedEx": [],
            "SeatUser": {"Name": "", "Mail": "", "StaffNumber": "", "Phone": "", "Nick": "",
                         "UserId": "", "SkillGroupNameList": [], "Role": 0, "ExtensionNumber": ""},
            "ServeParticipants": [],
            "SkillGroup": "",
            "SkillGroupId": 0,
            "QueuedSkillGroupId": 0,
            "QueuedSkillGroupName": "",
            "CallerLocation": "",
            "ProtectedCaller": "",
            "ProtectedCallee": "",
            "UUI": "",
            "Uui": "",
            "Remark": "",
            "VoicemailRecordURL": [],
            "VoicemailAsrURL": [],
        });
        if let (Value::Object(all), Value::Object(rest)) = (&mut cdr, empty) {
            all.extend(rest);
        }
        cdr
    }

    /// The RoundId of round `i`, the same in the latency and the interaction records.
    pub fn round_id(&self, i: usize) -> String {
        uuid_from(&format!("{}#round{i}", self.id))
    }

    /// Start times of the conversational rounds held so far (round 0 is the greeting).
    pub fn rounds(&self, now_ms: i64) -> Vec<i64> {
        let Some(accepted) = self.accepted_ms() else {
            return Vec::new();
        };
        let until = now_ms.min(self.end_ms());
        let round_ms = self.persona().round_ms();
        (0..)
            .map(|i| accepted + i * round_ms)
            .take_while(|t| *t < until)
            .collect()
    }

    /// The simulated agent of this call, as its variables make it.
    pub fn persona(&self) -> Persona {
        Persona::new(self.agent_id, &self.callee, &self.variables)
    }

    /// Plausible, repeatable per-round latencies (ms) of round `round`.
    pub fn latency(&self, round: usize) -> Latency {
        self.persona().latency(round)
    }
}

pub fn secs(ms: i64) -> i64 {
    ms.div_euclid(1_000)
}

/// A repeatable UUID (version 4 layout) made from `seed`.
/// The RoomID and RecordId the service derives from a SessionId.
pub fn derived_ids(session_id: &str) -> (String, String) {
    (
        (10_000_000 + fnv(session_id) % 90_000_000).to_string(),
        uuid_from(&format!("{session_id}#record")),
    )
}

pub fn uuid_from(seed: &str) -> String {
    let (a, b) = (fnv(seed), fnv(&format!("{seed}#")));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(script: Script) -> Session {
        Session {
            id: "s".into(),
            room_id: "32929373".into(),
            record_id: "r".into(),
            agent_id: 15,
            agent_name: "a".into(),
            caller: "008601012345678".into(),
            callee: "008613012345678".into(),
            variables: vec![],
            created_ms: 10_000,
            script,
            hung_up_ms: None,
            pushed: vec![],
        }
    }

    #[test]
    fn normal_call_rings_talks_and_ends_ok() {
        let s = session(Script::new(None, 2_000, 8_000, None));
        assert_eq!(s.phase(10_000), Phase::Ringing);
        assert_eq!(s.phase(11_999), Phase::Ringing);
        assert_eq!(s.phase(12_000), Phase::InProgress);
        assert_eq!(s.phase(19_999), Phase::InProgress);
        assert_eq!(s.phase(20_000), Phase::Finished);
        assert_eq!(s.end(), OK_BY_USER);
        assert_eq!(s.cdr()["Duration"], 8);
        assert_eq!(s.rounds(20_000).len(), 4);
    }

    #[test]
    fn hang_up_while_ringing_cancels_and_max_ring_gives_up() {
        let mut s = session(Script::new(None, 2_000, 8_000, None));
        assert!(s.hang_up(11_000));
        assert_eq!(s.phase(11_000), Phase::Finished);
        assert_eq!(s.end(), CANCELLED_WHILE_RINGING);
        assert!(!s.hang_up(12_000), "a finished call stays finished");
        let s = session(Script::new(None, 2_000, 8_000, Some(1_000)));
        assert_eq!(s.phase(11_000), Phase::Finished);
        assert_eq!(s.end(), NOT_ANSWER);
        assert_eq!(s.cdr()["AcceptTimestamp"], 0);
    }
}
