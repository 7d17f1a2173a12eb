//! One recorded event in words, for an attempt's timeline: what was done to the call and
//! what came back, each with its value (the status it reached, the try, the reason), never
//! a bare kind.

use crate::ccc::actions::TelCdrInfo;
use crate::history::event::{FailureNote, Fetched, InteractionRecords, SessionChange};
use crate::history::{AttemptStatus, CallEvent, Event, PushKind};

use super::word::{CallWord, status_words};

/// The event in words.
pub fn describe(e: &Event) -> String {
    match e.call_event() {
        CallEvent::Queued {
            batch_id: Some(b),
            row,
        } => {
            let line = row.map(|r| format!(" line {r}")).unwrap_or_default();
            format!("queued: batch {}{line}", &b[..b.len().min(12)])
        }
        CallEvent::Queued { .. } => "queued: recorded before sending".into(),
        CallEvent::Sent { try_no } => format!("sent (try {})", try_no.max(1)),
        CallEvent::Accepted { tries } if tries > 1 => format!("accepted after {tries} tries"),
        CallEvent::Accepted { .. } => "accepted: the service placed the call".into(),
        CallEvent::Retry {
            after_ms,
            label,
            code,
            ..
        } => {
            let code = code.map(|c| format!(" {c}")).unwrap_or_default();
            format!(
                "not executed ({label}{code}); sent again after {:.1} s",
                after_ms as f64 / 1_000.0
            )
        }
        CallEvent::NotSent(f) => failure("not sent", &f),
        CallEvent::Rejected(f) => failure("rejected by the service", &f),
        CallEvent::Unknown(f) => failure("outcome unknown", &f),
        CallEvent::Interrupted { hint } => format!("interrupted while queued: {hint}"),
        CallEvent::Status(SessionChange::Status { status, .. }) => {
            let words = match status.parse::<AttemptStatus>() {
                Ok(s) => status_words(s).to_string(),
                Err(_) => status,
            };
            format!("status → {words}")
        }
        CallEvent::Status(SessionChange::Record { call_record }) => record_words(&call_record),
        CallEvent::Hangup(r) => match r.refusal() {
            None => "hung up from this app".into(),
            Some(why) => format!("hang-up from this app failed: {why}"),
        },
        CallEvent::Push {
            kind, text, result, ..
        } => {
            let what = match kind {
                PushKind::Llm => "LLM prompt",
                PushKind::Text => "pushed text",
                PushKind::LastWords => "last words",
            };
            match result.refusal() {
                None => format!("{what} \u{201c}{text}\u{201d}"),
                Some(why) => format!("{what} \u{201c}{text}\u{201d}: refused, {why}"),
            }
        }
        CallEvent::Cdr(Fetched::Got(r)) => record_words(&r.record),
        CallEvent::Cdr(Fetched::Failed { error }) => format!("no call record: {error}"),
        CallEvent::Extract(Fetched::Got(t)) => format!("{} extracted tag(s)", t.results.len()),
        CallEvent::Extract(Fetched::Failed { error }) => format!("tags: {error}"),
        CallEvent::Latency(Fetched::Got(l)) => format!("latency of {} round(s)", l.rounds.len()),
        CallEvent::Latency(Fetched::Failed { error }) => format!("latency: {error}"),
        CallEvent::Interaction(Fetched::Got(InteractionRecords::Offered { events, .. })) => {
            format!("{} interaction round(s)", events.len())
        }
        CallEvent::Interaction(Fetched::Got(InteractionRecords::NotOffered { .. })) => {
            "interaction records not offered here".into()
        }
        CallEvent::Interaction(Fetched::Failed { error }) => {
            format!("interaction records: {error}")
        }
        CallEvent::Reconciled {
            matched: true,
            session_id: Some(s),
            ..
        } => format!("reconciled to session {s}"),
        CallEvent::Reconciled { candidates, .. } => {
            format!("reconcile found {} matching call(s)", candidates.len())
        }
        CallEvent::Unrecognized { kind, detail } => {
            format!("{kind} (an event this version does not know): {detail}")
        }
    }
}

/// `rejected by the service: callee (try 2)`.
fn failure(what: &str, f: &FailureNote) -> String {
    let label = if f.label.is_empty() {
        String::new()
    } else {
        format!(": {}", f.label)
    };
    let tries = if f.tries > 1 {
        format!(" (try {})", f.tries)
    } else {
        String::new()
    };
    format!("{what}{label}{tries}")
}

fn record_words(r: &TelCdrInfo) -> String {
    let word = r
        .end_status
        .map_or(CallWord::Failed, CallWord::from_end_status);
    format!(
        "call record: {word} ({})",
        r.end_status_string.as_deref().unwrap_or("no end status")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::AttemptId;
    use serde_json::{Value, json};

    fn event(kind: &str, status: Option<AttemptStatus>, detail: Value) -> Event {
        Event {
            attempt_id: AttemptId::from("6bb56a09-0000-4000-8000-000000000000"),
            seq: 1,
            at_ms: 1,
            kind: kind.into(),
            status,
            detail,
        }
    }

    #[test]
    fn every_line_carries_its_value() {
        use AttemptStatus::*;
        let cases = [
            (
                "queued",
                Some(Queued),
                json!({}),
                "queued: recorded before sending",
            ),
            (
                "queued",
                Some(Queued),
                json!({"batch_id": "0123456789abcdef", "row": 3}),
                "queued: batch 0123456789ab line 3",
            ),
            (
                "accepted",
                Some(Accepted),
                json!({"tries": 1}),
                "accepted: the service placed the call",
            ),
            (
                "accepted",
                Some(Accepted),
                json!({"tries": 3}),
                "accepted after 3 tries",
            ),
            (
                "retry",
                None,
                json!({"after_ms": 1500, "reason": "x", "code": "RequestLimitExceeded", "label": "rate-limited"}),
                "not executed (rate-limited RequestLimitExceeded); sent again after 1.5 s",
            ),
            (
                "rejected",
                Some(Rejected),
                json!({"hint": "h", "label": "callee", "tries": 2}),
                "rejected by the service: callee (try 2)",
            ),
            (
                "status",
                Some(Ringing),
                json!({"status": "ringing"}),
                "status → ringing",
            ),
            // The session's end is recorded without an attempt status: it still says which.
            (
                "status",
                None,
                json!({"status": "finished"}),
                "status → finished",
            ),
            (
                "status",
                None,
                json!({"status": "inProgress"}),
                "status → in progress",
            ),
            ("hangup", None, json!({"ok": true}), "hung up from this app"),
            (
                "push",
                None,
                json!({"kind": "invoke_llm", "text": "offer", "ok": true}),
                "LLM prompt \u{201c}offer\u{201d}",
            ),
            (
                "interrupted",
                Some(NotSent),
                json!({"hint": "run again"}),
                "interrupted while queued: run again",
            ),
        ];
        for (kind, status, detail, want) in cases {
            assert_eq!(describe(&event(kind, status, detail)), want);
        }
    }
}
