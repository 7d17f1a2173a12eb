//! What the dialer reports: each attempt's outcome and, while a call is followed, each change,
//! once it is recorded. The screen and the headless commands read these.

use std::time::Duration;

use super::request::DialRequest;
use super::word::CallWord;
use crate::ccc::catalog::Label;
use crate::ccc::{ApiError, Outcome};
use crate::history::event::Candidate;
use crate::history::{AttemptId, AttemptStatus, PushKind};

/// What happened to an attempt; the view and the headless commands read these.
#[derive(Debug, Clone, PartialEq)]
pub enum DialerEvent {
    /// Recorded in history; not sent yet.
    Queued { id: AttemptId, request: DialRequest },
    /// Left for the service.
    Sent { id: AttemptId, try_no: u32 },
    /// Will be sent again after `after`: nothing was executed.
    Retrying {
        id: AttemptId,
        after: Duration,
        reason: String,
        label: Label,
    },
    /// The service placed the call.
    Accepted {
        id: AttemptId,
        session_id: String,
        request_id: String,
    },
    /// It did not: rejected, not sent, or unknown, with what to tell the user.
    Failed { id: AttemptId, failure: Failure },
    /// The attempt could not be recorded, so it was not sent.
    NotRecorded { id: AttemptId, message: String },
    /// Following an accepted call: its status, record, report, hang-up, steering, reconcile.
    Watch(WatchEvent),
}

impl DialerEvent {
    pub fn id(&self) -> &AttemptId {
        match self {
            DialerEvent::Queued { id, .. }
            | DialerEvent::Sent { id, .. }
            | DialerEvent::Retrying { id, .. }
            | DialerEvent::Accepted { id, .. }
            | DialerEvent::Failed { id, .. }
            | DialerEvent::NotRecorded { id, .. } => id,
            DialerEvent::Watch(w) => w.id(),
        }
    }
}

/// A failed attempt as the user sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub outcome: Outcome,
    pub label: Label,
    pub code: Option<String>,
    pub message: String,
    pub hint: String,
    pub request_id: Option<String>,
}

impl Failure {
    pub fn from_error(e: &ApiError) -> Failure {
        let class = e.class();
        let message = match e {
            ApiError::Service { message, .. } => message.clone(),
            other => other.to_string(),
        };
        Failure {
            outcome: class.outcome,
            label: class.label,
            code: e.code().map(String::from),
            message,
            hint: e.hint(),
            request_id: e.request_id().map(String::from),
        }
    }

    pub fn status(&self) -> AttemptStatus {
        match self.outcome {
            Outcome::NotSent => AttemptStatus::NotSent,
            Outcome::Rejected => AttemptStatus::Rejected,
            Outcome::Unknown => AttemptStatus::Unknown,
            Outcome::Accepted => AttemptStatus::Accepted,
        }
    }
}

/// The end of one attempt, for callers that wait for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Finished {
    Accepted {
        session_id: String,
        request_id: String,
    },
    Failed(Failure),
    NotRecorded(String),
}

/// What the watch reports to the view, after it is recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// The session moved to `status` (Finished when the service says `finished`).
    Status {
        id: AttemptId,
        status: AttemptStatus,
        at_ms: i64,
    },
    /// The call record is in (`word` is `None` when it never came).
    Record {
        id: AttemptId,
        word: Option<CallWord>,
        end_status: Option<i64>,
    },
    /// Everything about the finished call is recorded: build its `CallReport`.
    Report { id: AttemptId },
    HangUp {
        id: AttemptId,
        result: Result<(), String>,
    },
    Pushed {
        id: AttemptId,
        kind: PushKind,
        text: String,
        result: Result<(), String>,
    },
    Reconciled {
        id: AttemptId,
        outcome: ReconcileOutcome,
    },
    /// A poll failed; `stopped` when the watch gave up.
    WatchError {
        id: AttemptId,
        message: String,
        stopped: bool,
    },
}

impl WatchEvent {
    pub fn id(&self) -> &AttemptId {
        match self {
            WatchEvent::Status { id, .. }
            | WatchEvent::Record { id, .. }
            | WatchEvent::Report { id }
            | WatchEvent::HangUp { id, .. }
            | WatchEvent::Pushed { id, .. }
            | WatchEvent::Reconciled { id, .. }
            | WatchEvent::WatchError { id, .. } => id,
        }
    }
}

/// How a watch ended.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEnd {
    /// The call finished and its report is recorded.
    Reported { word: Option<CallWord> },
    /// Another task already follows this attempt.
    AlreadyWatched,
    /// Nothing to follow: not accepted, or already finished.
    NotLive(AttemptStatus),
    /// The watch stopped after failed polls (the message says why).
    GaveUp(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReconcileOutcome {
    /// One call matched: the attempt now has its SessionId and record.
    Matched {
        session_id: String,
        word: Option<CallWord>,
    },
    /// No call to the callee in the window `from_s..=to_s` (Unix seconds).
    NoneFound { from_s: i64, to_s: i64 },
    /// More than one call could be it; none was attached.
    Ambiguous(Vec<Candidate>),
}

impl ReconcileOutcome {
    /// One line for the user.
    pub fn describe(&self) -> String {
        match self {
            ReconcileOutcome::Matched { session_id, word } => format!(
                "reconciled: the call was placed as session {session_id}{}",
                word.map(|w| format!(" ({w})")).unwrap_or_default()
            ),
            ReconcileOutcome::NoneFound { from_s, to_s } => format!(
                "no call to this callee between {} and {} in the call records; a call still in \
                 progress appears there only once it ends, so try again later",
                clock(*from_s),
                clock(*to_s)
            ),
            ReconcileOutcome::Ambiguous(c) => format!(
                "{} calls to this callee could be it, none attached: {}",
                c.len(),
                c.iter()
                    .map(|c| format!(
                        "{} at {}",
                        c.session_id,
                        c.start_s.map_or_else(|| "?".into(), clock)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

fn clock(s: i64) -> String {
    chrono::DateTime::from_timestamp(s, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| s.to_string())
}
