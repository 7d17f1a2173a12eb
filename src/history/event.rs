//! The vocabulary of an attempt's timeline: one typed event per `kind`, with the fields its
//! `detail` JSON holds on disk. Every writer builds a variant; every reader matches one. A
//! stored event this version does not understand (a newer kind, or a shape it cannot read) is
//! kept whole as [`CallEvent::Unrecognized`], never read as defaults.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ccc::actions::{
    AICallExtractResultElement, AILatencyDetail, AILatencyStatistics, InteractionEvent, TelCdrInfo,
};

/// Steering commands sent into a live call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PushKind {
    /// ServerPushText: the agent says the text.
    #[serde(rename = "push_text")]
    Text,
    /// InvokeLLM: the text goes to the LLM, which answers.
    #[serde(rename = "invoke_llm")]
    Llm,
}

impl PushKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PushKind::Text => "push_text",
            PushKind::Llm => "invoke_llm",
        }
    }
}

/// Why a request failed, as recorded with a failed attempt.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FailureNote {
    pub hint: String,
    /// The catalog's label of the cause (`callee`, `capacity-limited`, …).
    pub label: String,
    #[serde(default)]
    pub tries: u32,
}

/// How an action on a live call (hang-up, steering) went.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActionResult {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ActionResult {
    /// `message (hint)`, what a refused action said.
    pub fn refusal(&self) -> Option<String> {
        if self.ok {
            return None;
        }
        let message = self.message.as_deref().unwrap_or("failed");
        Some(match self.hint.as_deref().filter(|h| !h.is_empty()) {
            Some(hint) => format!("{message} ({hint})"),
            None => message.to_string(),
        })
    }
}

/// A status poll that saw the session change, or (as `call --wait` recorded it before it
/// followed through the dialer) the call record of the finished call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SessionChange {
    Status {
        /// The service's session state: `ringing`, `seatJoining`, `inProgress`, `finished`.
        status: String,
        #[serde(default)]
        ring_ts: Option<i64>,
        #[serde(default)]
        accept_ts: Option<i64>,
    },
    Record {
        call_record: Box<TelCdrInfo>,
    },
}

/// Something asked of the service after the call, or why it could not be had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Fetched<T> {
    Got(T),
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    pub record: Box<TelCdrInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedTags {
    pub results: Vec<AICallExtractResultElement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub rounds: Vec<AILatencyDetail>,
    #[serde(default)]
    pub statistics: Option<AILatencyStatistics>,
}

/// The turn-by-turn records, or that the endpoint does not have them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InteractionRecords {
    Offered {
        offered: bool,
        events: Vec<InteractionEvent>,
    },
    NotOffered {
        offered: bool,
    },
}

/// A call record that could be an unknown attempt's call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub session_id: String,
    /// When the call started, Unix seconds.
    pub start_s: Option<i64>,
    #[serde(rename = "end_status")]
    pub end_status_string: Option<String>,
}

/// One event of an attempt's timeline. Stored as its `kind` and its fields as `detail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum CallEvent {
    /// Recorded before the request leaves.
    Queued {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        row: Option<u64>,
    },
    /// A request left (written by older versions only).
    Sent {
        #[serde(default, rename = "try", alias = "tries")]
        try_no: u32,
    },
    Accepted {
        #[serde(default)]
        tries: u32,
    },
    /// Sent again after a pause: the service executed nothing.
    Retry {
        after_ms: u64,
        reason: String,
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        request_id: Option<String>,
        label: String,
    },
    NotSent(FailureNote),
    Rejected(FailureNote),
    Unknown(FailureNote),
    /// A run stopped while the attempt was queued.
    Interrupted {
        hint: String,
    },
    Status(SessionChange),
    Hangup(ActionResult),
    Push {
        kind: PushKind,
        text: String,
        #[serde(default)]
        interrupt: bool,
        #[serde(flatten)]
        result: ActionResult,
    },
    Cdr(Fetched<CallRecord>),
    Extract(Fetched<ExtractedTags>),
    Latency(Fetched<Latency>),
    Interaction(Fetched<InteractionRecords>),
    Reconciled {
        matched: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session_id: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        candidates: Vec<Candidate>,
        window: (i64, i64),
    },
    /// An event this version cannot read, kept as stored.
    #[serde(skip)]
    Unrecognized {
        kind: String,
        detail: Value,
    },
}

impl CallEvent {
    /// Reads a stored event. A kind or shape this version does not know is kept as
    /// `Unrecognized`.
    pub fn from_stored(kind: &str, detail: &Value) -> CallEvent {
        // Events written without a detail store `null`; the known kinds read it as `{}`.
        let content = match detail {
            Value::Null => Value::Object(Map::new()),
            d => d.clone(),
        };
        let mut tagged = Map::new();
        tagged.insert("kind".into(), Value::String(kind.to_owned()));
        tagged.insert("detail".into(), content);
        serde_json::from_value(Value::Object(tagged)).unwrap_or_else(|_| CallEvent::Unrecognized {
            kind: kind.to_owned(),
            detail: detail.clone(),
        })
    }

    /// The `kind` and `detail` to store.
    pub fn to_stored(&self) -> (String, Value) {
        if let CallEvent::Unrecognized { kind, detail } = self {
            return (kind.clone(), detail.clone());
        }
        let detail = match serde_json::to_value(self) {
            Ok(Value::Object(mut tagged)) => tagged.remove("detail"),
            _ => None,
        };
        (self.kind().to_owned(), detail.unwrap_or(Value::Null))
    }

    /// The stored kind.
    pub fn kind(&self) -> &str {
        match self {
            CallEvent::Queued { .. } => "queued",
            CallEvent::Sent { .. } => "sent",
            CallEvent::Accepted { .. } => "accepted",
            CallEvent::Retry { .. } => "retry",
            CallEvent::NotSent(_) => "not_sent",
            CallEvent::Rejected(_) => "rejected",
            CallEvent::Unknown(_) => "unknown",
            CallEvent::Interrupted { .. } => "interrupted",
            CallEvent::Status(_) => "status",
            CallEvent::Hangup(_) => "hangup",
            CallEvent::Push { .. } => "push",
            CallEvent::Cdr(_) => "cdr",
            CallEvent::Extract(_) => "extract",
            CallEvent::Latency(_) => "latency",
            CallEvent::Interaction(_) => "interaction",
            CallEvent::Reconciled { .. } => "reconciled",
            CallEvent::Unrecognized { kind, .. } => kind,
        }
    }

    /// The number of tries recorded with an outcome.
    pub fn tries(&self) -> Option<u32> {
        match self {
            CallEvent::Sent { try_no: n } | CallEvent::Accepted { tries: n } => Some(*n),
            CallEvent::NotSent(f) | CallEvent::Rejected(f) | CallEvent::Unknown(f) => Some(f.tries),
            _ => None,
        }
    }

    /// The hint recorded with a failure.
    pub fn hint(&self) -> Option<&str> {
        match self {
            CallEvent::NotSent(f) | CallEvent::Rejected(f) | CallEvent::Unknown(f) => Some(&f.hint),
            CallEvent::Interrupted { hint } => Some(hint),
            CallEvent::Hangup(r) | CallEvent::Push { result: r, .. } => r.hint.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(kind: &str, detail: Value) -> CallEvent {
        let e = CallEvent::from_stored(kind, &detail);
        assert!(
            !matches!(e, CallEvent::Unrecognized { .. }),
            "{kind} {detail} not read"
        );
        assert_eq!(e.to_stored(), (kind.to_owned(), detail), "{kind}");
        e
    }

    #[test]
    fn every_kind_reads_back_as_written() {
        round_trip("queued", json!({}));
        round_trip("queued", json!({"batch_id": "b", "row": 3}));
        round_trip("accepted", json!({"tries": 2}));
        round_trip(
            "retry",
            json!({"after_ms": 500, "reason": "busy", "code": "RequestLimitExceeded",
                   "request_id": null, "label": "rate-limited"}),
        );
        let f = round_trip(
            "rejected",
            json!({"hint": "h", "label": "callee", "tries": 1}),
        );
        assert_eq!((f.tries(), f.hint()), (Some(1), Some("h")));
        round_trip("interrupted", json!({"hint": "reconcile"}));
        round_trip(
            "status",
            json!({"status": "ringing", "ring_ts": 5, "accept_ts": 0}),
        );
        round_trip("hangup", json!({"ok": true}));
        let push = round_trip(
            "push",
            json!({"kind": "push_text", "text": "hi", "interrupt": true, "ok": false,
                   "code": "X", "message": "no", "hint": "later"}),
        );
        let CallEvent::Push { kind, result, .. } = push else {
            panic!("{push:?}")
        };
        assert_eq!(kind, PushKind::Text);
        assert_eq!(result.refusal().as_deref(), Some("no (later)"));
        round_trip("cdr", json!({"error": "no call record after 3 tries"}));
        round_trip("interaction", json!({"offered": false}));
        round_trip("latency", json!({"error": "x"}));
        round_trip(
            "reconciled",
            json!({"matched": true, "session_id": "s", "window": [1, 2]}),
        );
    }

    #[test]
    fn an_unknown_kind_or_shape_is_kept_as_stored() {
        for (kind, detail) in [
            ("note", json!({"text": "later"})),
            ("cdr", json!({"record": 7})),
            ("push", json!({"kind": "shout", "text": "x", "ok": true})),
        ] {
            let e = CallEvent::from_stored(kind, &detail);
            assert_eq!(
                e,
                CallEvent::Unrecognized {
                    kind: kind.into(),
                    detail: detail.clone()
                }
            );
            assert_eq!(e.to_stored(), (kind.to_owned(), detail));
        }
    }

    #[test]
    fn an_event_without_detail_reads_as_empty() {
        assert_eq!(
            CallEvent::from_stored("queued", &Value::Null),
            CallEvent::Queued {
                batch_id: None,
                row: None
            }
        );
    }
}
