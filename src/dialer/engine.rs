//! The dialer: records each attempt, waits for the request budget, sends, classifies the
//! outcome and reports every change. Shared by the TUI and the headless commands.

use std::time::Duration;

use serde_json::json;

use super::ctx::{Dialer, now_ms};
use super::event::{DialerEvent, Failure, Finished};
use super::held::HeldBack;
use super::request::DialRequest;
use crate::ccc::actions::{Action, CreateAIAgentCall, CreateAIAgentCallResponse};
use crate::ccc::catalog::Label;
use crate::ccc::{ApiError, Outcome, Reply, Retry};
use crate::history::event::FailureNote;
use crate::history::{
    AttemptId, AttemptStatus, BatchRef, CallEvent, Claimed, EventUpdate, NewAttempt, Store,
};

/// How many times a request the service did not execute (rate limit) or that never left
/// this machine is tried again before the attempt is given up.
pub const MAX_RETRIES: u32 = 4;

impl Dialer {
    /// Starts an attempt in the background and returns its id at once.
    pub fn dial(&self, request: DialRequest, batch: Option<BatchRef>) -> AttemptId {
        let id = AttemptId::new();
        let this = self.clone();
        let task_id = id.clone();
        tokio::spawn(async move { this.run(task_id, request, batch).await });
        id
    }

    /// Runs one attempt to its outcome: recorded, sent at most once unless the service said it
    /// executed nothing, and recorded again.
    pub async fn run(
        &self,
        id: AttemptId,
        request: DialRequest,
        batch: Option<BatchRef>,
    ) -> Finished {
        let action = request.to_action();
        // The body is fixed once; retries re-sign it with a fresh timestamp only.
        let body = match serde_json::to_string(&action) {
            Ok(b) => b,
            Err(e) => return self.not_recorded(&id, format!("cannot encode the request: {e}")),
        };
        let new = request.new_attempt(id.clone(), now_ms(), self.backend.clone(), body, batch);
        if let Err(finished) = self.claim_callee(&id, new, &request.callee).await {
            return finished;
        }
        self.emit(DialerEvent::Queued {
            id: id.clone(),
            request,
        });

        let mut try_no = 0;
        loop {
            try_no += 1;
            let permit = self.limiter.acquire().await;
            let prepared = match self.client.prepare(&action, crate::ccc::unix_now()) {
                Ok(p) => p,
                Err(e) => return self.failed(&id, &e, try_no).await,
            };
            // No history write here: the "queued" record already says it may leave, and
            // another fsync would stand between the key press and the wire.
            self.emit(DialerEvent::Sent {
                id: id.clone(),
                try_no,
            });
            let answer = self.client.execute::<CreateAIAgentCall>(&prepared).await;
            drop(permit);
            match answer {
                Ok(reply) => return self.accepted(&id, reply, try_no).await,
                Err(e) => {
                    if let Some(after) = self.retry_after(&id, &e, try_no).await {
                        tokio::time::sleep(after).await;
                        continue;
                    }
                    return self.failed(&id, &e, try_no).await;
                }
            }
        }
    }

    /// Records the attempt and claims its callee, the one place an attempt is recorded
    /// before it leaves: every front end claims here. `Err` is how the attempt ended instead.
    async fn claim_callee(
        &self,
        id: &AttemptId,
        new: NewAttempt,
        callee: &str,
    ) -> Result<(), Finished> {
        let rule = self.claim.clone();
        match self.blocking_store(move |s| s.claim(&new, &rule)).await {
            Ok(Claimed::Won) => Ok(()),
            Ok(Claimed::Held(holder)) => {
                let held = HeldBack::from_history(callee, holder);
                self.emit(DialerEvent::Held {
                    id: id.clone(),
                    held: held.clone(),
                });
                Err(Finished::Held(held))
            }
            Err(e) => Err(self.not_recorded(
                id,
                format!("not dialed: the history could not record it ({e})"),
            )),
        }
    }

    /// A reply without a SessionId is a failure: nothing could be watched or reported.
    async fn accepted(
        &self,
        id: &AttemptId,
        reply: Reply<CreateAIAgentCallResponse>,
        try_no: u32,
    ) -> Finished {
        let Some(session_id) = reply.data.session_id.filter(|s| !s.is_empty()) else {
            let e = ApiError::Decode {
                action: CreateAIAgentCall::NAME,
                reason: "the answer has no SessionId".into(),
                request_id: Some(reply.request_id.clone()),
                body: reply.raw.clone(),
            };
            return self.failed(id, &e, try_no).await;
        };
        let update = EventUpdate {
            status: Some(AttemptStatus::Accepted),
            session_id: Some(session_id.clone()),
            request_id: Some(reply.request_id.clone()),
            response_json: Some(reply.raw),
            ..EventUpdate::new(now_ms(), CallEvent::Accepted { tries: try_no })
        };
        self.record(id, update).await;
        self.emit(DialerEvent::Accepted {
            id: id.clone(),
            session_id: session_id.clone(),
            request_id: reply.request_id.clone(),
        });
        if self.watch.is_some() {
            self.watch(id.clone());
        }
        Finished::Accepted {
            session_id,
            request_id: reply.request_id,
        }
    }

    /// How long to wait before sending again, recorded and reported; `None` when the error
    /// may not be retried (the service may have executed it) or the retries are spent.
    async fn retry_after(&self, id: &AttemptId, e: &ApiError, try_no: u32) -> Option<Duration> {
        let class = e.class();
        let may_retry = matches!(class.retry, Retry::AfterBackoff | Retry::WhenPassing);
        if !may_retry || try_no > MAX_RETRIES {
            return None;
        }
        let after = self.backoff * 2u32.pow(try_no - 1);
        let reason = e.to_string();
        let retry = CallEvent::Retry {
            after_ms: after.as_millis() as u64,
            reason: reason.clone(),
            code: e.code().map(String::from),
            request_id: e.request_id().map(String::from),
            label: class.label.as_str().to_string(),
        };
        self.note(id, retry).await;
        self.emit(DialerEvent::Retrying {
            id: id.clone(),
            after,
            reason,
            label: class.label,
        });
        Some(after)
    }

    async fn failed(&self, id: &AttemptId, e: &ApiError, tries: u32) -> Finished {
        let mut failure = Failure::from_error(e);
        if failure.label == Label::RateLimited {
            // The service executed none of the tries: nothing was placed, a rerun sends it.
            failure.outcome = Outcome::NotSent;
            failure.hint = format!(
                "the service's rate limit refused all {tries} tries, so no call was placed; \
                 run again to send it ({})",
                failure.hint
            );
        }
        let response_json = match e {
            ApiError::Service { code, message, request_id, .. } => Some(
                json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}})
                    .to_string(),
            ),
            ApiError::Unknown { body, .. } => body.clone(),
            ApiError::Decode { body, .. } => Some(body.clone()),
            ApiError::NotSent { .. } => None,
        };
        let note = FailureNote {
            hint: failure.hint.clone(),
            label: failure.label.as_str().to_string(),
            tries,
        };
        let event = match failure.outcome {
            Outcome::NotSent => CallEvent::NotSent(note),
            Outcome::Rejected => CallEvent::Rejected(note),
            _ => CallEvent::Unknown(note),
        };
        let update = EventUpdate {
            status: Some(failure.status()),
            request_id: failure.request_id.clone(),
            response_json,
            error_code: Some(
                failure
                    .code
                    .clone()
                    .unwrap_or_else(|| event.kind().to_string()),
            ),
            error_message: Some(failure.message.clone()),
            ..EventUpdate::new(now_ms(), event)
        };
        self.record(id, update).await;
        self.emit(DialerEvent::Failed {
            id: id.clone(),
            failure: failure.clone(),
        });
        Finished::Failed(failure)
    }

    fn not_recorded(&self, id: &AttemptId, message: String) -> Finished {
        self.emit(DialerEvent::NotRecorded {
            id: id.clone(),
            message: message.clone(),
        });
        Finished::NotRecorded(message)
    }
}

/// Attempts a stopped run left `queued`: their request may have left before the stop, so they
/// become unknown (never re-sent, open to reconciling). Only those older than `grace` are
/// touched, since another instance may have younger ones in flight. Returns how many.
pub fn settle_interrupted(
    store: &Store,
    grace: Duration,
) -> Result<usize, crate::history::HistoryError> {
    let stale = store.queued_before(now_ms() - grace.as_millis() as i64)?;
    for id in &stale {
        store.record_event(
            id,
            interrupted("ccc-dial stopped before the outcome was known"),
        )?;
    }
    Ok(stale.len())
}

/// An attempt a run stopped waiting for (a second Ctrl-C): unknown if it was still queued,
/// as its request may have left. Returns whether it was.
pub fn settle_abandoned(
    store: &Store,
    id: &AttemptId,
) -> Result<bool, crate::history::HistoryError> {
    store.settle_queued(
        id,
        interrupted("ccc-dial stopped waiting before the outcome was known"),
    )
}

/// Unknown: the request may have reached the service, so it is never re-sent.
fn interrupted(message: &str) -> EventUpdate {
    EventUpdate {
        status: Some(AttemptStatus::Unknown),
        error_code: Some("interrupted".into()),
        error_message: Some(message.into()),
        ..EventUpdate::new(
            now_ms(),
            CallEvent::Interrupted {
                hint: "the request may have reached the service: reconcile before dialing again"
                    .into(),
            },
        )
    }
}
