//! A dial the recent-call guard held back, and why, in words: an earlier call to the callee
//! (this machine's history or the service's records), or a check that could not be made.

use crate::dialer::{DialRequest, HeldBack, Witness};
use crate::history::{AttemptId, Override};

/// The key that dials a held-back callee anyway.
pub const DIAL_ANYWAY: char = 'a';

/// Why a dial waits for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Hold {
    /// An earlier call to the callee, in this machine's history or the service's records.
    Earlier(HeldBack),
    /// The service's records could not be checked; never skipped without a word.
    Unchecked(String),
}

/// A dial held back, waiting for the user's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldDial {
    pub request: DialRequest,
    pub hold: Hold,
    /// The override the dial was checked with (the redial key's intent), kept if it goes.
    pub overridden: Option<Override>,
}

/// The redial key's intent: one call to the callee of the redialed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub attempt: AttemptId,
    pub callee: String,
}

impl HeldDial {
    /// A call still ringing or talking holds its callee whatever the user says.
    pub fn can_override(&self) -> bool {
        !matches!(&self.hold, Hold::Earlier(h) if h.in_flight())
    }

    /// Why the dial waits, and the keys that answer.
    pub fn text(&self, now_ms: i64) -> String {
        let callee = &self.request.callee;
        let why = match &self.hold {
            Hold::Earlier(h) if h.in_flight() => format!(
                "Not dialed: {callee} is still in progress, {} {}, {}; wait for it to end · Esc",
                h.outcome,
                ago(now_ms, h.at_ms),
                source(&h.witness)
            ),
            Hold::Earlier(h) => format!(
                "Held back: {callee} was called {}, {}, {}",
                ago(now_ms, h.at_ms),
                h.outcome,
                source(&h.witness)
            ),
            Hold::Unchecked(e) => {
                format!("Held back: could not check whether {callee} was called recently: {e}")
            }
        };
        if self.can_override() {
            format!("{why} · {DIAL_ANYWAY} dial anyway · Esc leave it")
        } else {
            why
        }
    }
}

/// Where the earlier call was seen, in words.
fn source(w: &Witness) -> String {
    match w {
        Witness::History { attempt, .. } => {
            format!("from this machine (attempt {})", attempt.short())
        }
        Witness::Service { session_id } if session_id.is_empty() => "from another seat".into(),
        Witness::Service { session_id } => format!("from another seat (session {session_id})"),
        Witness::Task {
            task_id: Some(id),
            line,
            ..
        } => format!("by server task {id} (line {line}), which may still call it"),
        Witness::Task { name, line, .. } => {
            format!("by server task {name} being created (line {line})")
        }
    }
}

/// `40 s ago`, `4 min ago`, `3 h ago`, `2 days ago`.
pub fn ago(now_ms: i64, at_ms: i64) -> String {
    if at_ms <= 0 {
        return "at an unknown time".into();
    }
    let s = (now_ms - at_ms).max(0) / 1_000;
    match s {
        0..60 => format!("{s} s ago"),
        60..3_600 => format!("{} min ago", s / 60),
        3_600..172_800 => format!("{} h ago", s / 3_600),
        _ => format!("{} days ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ago_reads_in_the_largest_unit() {
        let now = 1_800_000_000_000;
        assert_eq!(ago(now, now - 40_000), "40 s ago");
        assert_eq!(ago(now, now - 4 * 60_000 - 5_000), "4 min ago");
        assert_eq!(ago(now, now - 3 * 3_600_000), "3 h ago");
        assert_eq!(ago(now, now - 3 * 86_400_000), "3 days ago");
        assert_eq!(ago(now, 0), "at an unknown time");
    }
}
