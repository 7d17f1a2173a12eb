//! An attempt (one dial from this app), its status, and the events of its timeline.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::event::CallEvent;

/// The id of an attempt: a UUID v4 string, made before the request is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AttemptId(pub String);

impl AttemptId {
    /// A new random id.
    pub fn new() -> Self {
        AttemptId(uuid::Uuid::new_v4().to_string())
    }

    /// The first 8 characters, for screens and tables.
    pub fn short(&self) -> &str {
        self.0.get(..8).unwrap_or(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for AttemptId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for AttemptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for AttemptId {
    fn from(s: &str) -> Self {
        AttemptId(s.to_owned())
    }
}

/// Where an attempt stands. Stored as its wire name (`as_str`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Recorded, not yet known to be sent. Found after a restart, it may have been sent.
    Queued,
    /// The service returned a SessionId.
    Accepted,
    /// The service answered an error: no call was placed.
    Rejected,
    /// Failed before any byte could reach the service.
    NotSent,
    /// Sent, but no valid answer came back: a call may have been placed.
    Unknown,
    Ringing,
    SeatJoining,
    InProgress,
    Finished,
}

impl AttemptStatus {
    pub const ALL: [AttemptStatus; 9] = [
        AttemptStatus::Queued,
        AttemptStatus::Accepted,
        AttemptStatus::Rejected,
        AttemptStatus::NotSent,
        AttemptStatus::Unknown,
        AttemptStatus::Ringing,
        AttemptStatus::SeatJoining,
        AttemptStatus::InProgress,
        AttemptStatus::Finished,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Queued => "queued",
            AttemptStatus::Accepted => "accepted",
            AttemptStatus::Rejected => "rejected",
            AttemptStatus::NotSent => "not_sent",
            AttemptStatus::Unknown => "unknown",
            AttemptStatus::Ringing => "ringing",
            AttemptStatus::SeatJoining => "seat_joining",
            AttemptStatus::InProgress => "in_progress",
            AttemptStatus::Finished => "finished",
        }
    }

    /// Accepted, or in a live session state: a watch should follow it.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            AttemptStatus::Accepted
                | AttemptStatus::Ringing
                | AttemptStatus::SeatJoining
                | AttemptStatus::InProgress
        )
    }

    /// Nothing more will happen on its own. `Unknown` is final for the dialer, though a user
    /// may still reconcile it against the call records.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            AttemptStatus::Rejected
                | AttemptStatus::NotSent
                | AttemptStatus::Unknown
                | AttemptStatus::Finished
        )
    }

    /// Whether a phone may have rung because of this attempt: everything but a request that
    /// never left (`NotSent`) or that the service refused (`Rejected`). A batch must not
    /// dial such a row again by itself.
    pub fn may_have_dialed(self) -> bool {
        !matches!(self, AttemptStatus::NotSent | AttemptStatus::Rejected)
    }
}

impl fmt::Display for AttemptStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown status `{0}`; expected one of queued, accepted, rejected, not_sent, unknown, ringing, seat_joining, in_progress, finished"
)]
pub struct ParseStatusError(pub String);

impl FromStr for AttemptStatus {
    type Err = ParseStatusError;

    /// Takes the wire names, and also the service's camelCase session states
    /// (`seatJoining`, `inProgress`) and `-` for `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().replace('-', "_").to_ascii_lowercase();
        let status = match norm.as_str() {
            "queued" => AttemptStatus::Queued,
            "accepted" => AttemptStatus::Accepted,
            "rejected" => AttemptStatus::Rejected,
            "not_sent" | "notsent" => AttemptStatus::NotSent,
            "unknown" => AttemptStatus::Unknown,
            "ringing" => AttemptStatus::Ringing,
            "seat_joining" | "seatjoining" => AttemptStatus::SeatJoining,
            "in_progress" | "inprogress" => AttemptStatus::InProgress,
            "finished" => AttemptStatus::Finished,
            _ => return Err(ParseStatusError(s.to_owned())),
        };
        Ok(status)
    }
}

/// The batch and row an attempt came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchRef {
    pub batch_id: String,
    pub row: u64,
}

/// What is recorded before a request is sent. `request_json` is the exact body as sent; the
/// credentials travel in headers and never appear in it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttempt {
    pub id: AttemptId,
    pub created_at_ms: i64,
    /// Which backend: a live host, or "simulator".
    pub endpoint: String,
    pub sdk_app_id: i64,
    pub agent_id: u64,
    pub agent_name: Option<String>,
    pub callee: String,
    pub callers: Vec<String>,
    pub variables: Vec<(String, String)>,
    pub max_ring_timeout: Option<i64>,
    pub acquire_timeout: Option<i64>,
    pub request_json: String,
    pub batch: Option<BatchRef>,
}

/// One attempt as stored, with its current status and the service's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: AttemptId,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub endpoint: String,
    pub sdk_app_id: i64,
    pub agent_id: u64,
    pub agent_name: Option<String>,
    pub callee: String,
    pub callers: Vec<String>,
    pub variables: Vec<(String, String)>,
    pub max_ring_timeout: Option<i64>,
    pub acquire_timeout: Option<i64>,
    pub request_json: String,
    pub batch: Option<BatchRef>,
    pub status: AttemptStatus,
    pub session_id: Option<String>,
    pub request_id: Option<String>,
    pub response_json: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// Why the attempt was let through a claim that held its callee (`allow-recent`,
    /// `intent:redial 6bb56a09`, …); `None` for an ordinary dial.
    pub claim_override: Option<String>,
}

/// One entry of an attempt's timeline, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub attempt_id: AttemptId,
    /// 1, 2, … in the order the events were recorded.
    pub seq: i64,
    pub at_ms: i64,
    /// The [`CallEvent`]'s kind: "queued", "accepted", "status", "cdr", …
    pub kind: String,
    /// The attempt's new current status, when this event changed it.
    pub status: Option<AttemptStatus>,
    pub detail: serde_json::Value,
}

impl Event {
    /// What happened, typed.
    pub fn call_event(&self) -> CallEvent {
        CallEvent::from_stored(&self.kind, &self.detail)
    }
}

/// An event to append; the fields that are `Some` also update the attempt's current columns.
#[derive(Debug, Clone, PartialEq)]
pub struct EventUpdate {
    pub at_ms: i64,
    pub event: CallEvent,
    pub status: Option<AttemptStatus>,
    pub session_id: Option<String>,
    pub request_id: Option<String>,
    pub response_json: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

impl EventUpdate {
    /// `event` at `at_ms`, changing nothing but the timeline.
    pub fn new(at_ms: i64, event: CallEvent) -> Self {
        EventUpdate {
            at_ms,
            event,
            status: None,
            session_id: None,
            request_id: None,
            response_json: None,
            error_code: None,
            error_message: None,
        }
    }

    pub fn status(mut self, status: AttemptStatus) -> Self {
        self.status = Some(status);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for s in AttemptStatus::ALL {
            assert_eq!(s.as_str().parse::<AttemptStatus>(), Ok(s));
        }
        assert_eq!("seatJoining".parse(), Ok(AttemptStatus::SeatJoining));
        assert_eq!("inProgress".parse(), Ok(AttemptStatus::InProgress));
        assert_eq!("not-sent".parse(), Ok(AttemptStatus::NotSent));
        let err = "dialing".parse::<AttemptStatus>().unwrap_err();
        assert!(err.to_string().contains("`dialing`"));
        assert!(err.to_string().contains("seat_joining"));
    }

    #[test]
    fn live_final_and_dialed() {
        use AttemptStatus::*;
        let live: Vec<_> = AttemptStatus::ALL
            .into_iter()
            .filter(|s| s.is_live())
            .collect();
        assert_eq!(live, [Accepted, Ringing, SeatJoining, InProgress]);
        let fin: Vec<_> = AttemptStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(fin, [Rejected, NotSent, Unknown, Finished]);
        assert!(!Queued.is_live() && !Queued.is_final());
        assert!(Queued.may_have_dialed() && Unknown.may_have_dialed());
        assert!(!NotSent.may_have_dialed() && !Rejected.may_have_dialed());
    }

    #[test]
    fn short_id() {
        let id = AttemptId::new();
        assert_eq!(id.0.len(), 36);
        assert_eq!(id.short(), &id.0[..8]);
        assert_eq!(AttemptId::from("abc").short(), "abc");
    }
}
