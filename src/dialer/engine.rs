//! The dialer: records each attempt, waits for the request budget, sends, classifies the
//! outcome and reports every change. Shared by the TUI and the headless commands.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;

use super::held::HeldBack;
use super::limiter::RateLimiter;
use super::request::DialRequest;
use super::watch::{WatchConfig, WatchEvent, Watching};
use crate::ccc::actions::{Action, CreateAIAgentCall};
use crate::ccc::catalog::Label;
use crate::ccc::{ApiError, Client, Outcome, Retry};
use crate::history::{AttemptId, AttemptStatus, BatchRef, ClaimRule, Claimed, EventUpdate, Store};

/// How many times a request the service did not execute (rate limit) or that never left
/// this machine is tried again before the attempt is given up.
pub const MAX_RETRIES: u32 = 4;

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
    /// Not recorded, not sent: an earlier call holds the callee.
    Held { id: AttemptId, held: HeldBack },
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
            | DialerEvent::NotRecorded { id, .. }
            | DialerEvent::Held { id, .. } => id,
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
    /// Not sent: an earlier call holds the callee.
    Held(HeldBack),
}

#[derive(Clone)]
pub struct Dialer {
    client: Arc<Client>,
    store: Store,
    limiter: Arc<RateLimiter>,
    events: mpsc::UnboundedSender<DialerEvent>,
    /// Recorded as the attempt's endpoint: the live host, or "simulator".
    backend: String,
    backoff: Duration,
    /// Follow each accepted attempt until its report is in.
    watch: Option<WatchConfig>,
    /// The attempts followed right now, so none is followed twice.
    watching: Arc<Watching>,
    /// What an earlier call to the same callee must not be for a new one to go.
    claim: ClaimRule,
}

impl Dialer {
    pub fn new(
        client: Arc<Client>,
        store: Store,
        limiter: Arc<RateLimiter>,
        backend: impl Into<String>,
        events: mpsc::UnboundedSender<DialerEvent>,
    ) -> Dialer {
        Dialer {
            client,
            store,
            limiter,
            events,
            backend: backend.into(),
            backoff: Duration::from_millis(500),
            watch: None,
            watching: Arc::default(),
            claim: ClaimRule::default(),
        }
    }

    /// Follows every accepted attempt live (status, then its record and report).
    pub fn with_watch(mut self, config: WatchConfig) -> Dialer {
        self.watch = Some(config);
        self
    }

    /// The claim each attempt makes on its callee: the window, and any override (recorded
    /// on the attempt). A one-off intent (a redial key) uses a clone with its own rule.
    pub fn with_claim(mut self, rule: ClaimRule) -> Dialer {
        self.claim = rule;
        self
    }

    pub fn claim_rule(&self) -> &ClaimRule {
        &self.claim
    }

    /// The endpoint recorded with each attempt, which claims are scoped to.
    pub fn backend_label(&self) -> &str {
        &self.backend
    }

    /// The watch settings; the defaults when watching was not switched on.
    pub fn watch_config(&self) -> WatchConfig {
        self.watch.clone().unwrap_or_default()
    }

    pub(super) fn watching(&self) -> &Arc<Watching> {
        &self.watching
    }

    /// First pause before a retry; it doubles each time.
    pub fn with_backoff(mut self, backoff: Duration) -> Dialer {
        self.backoff = backoff;
        self
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn limiter(&self) -> &Arc<RateLimiter> {
        &self.limiter
    }

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
        // The one place an attempt is recorded before it leaves: every front end claims here.
        let rule = self.claim.clone();
        match self.blocking_store(move |s| s.claim(&new, &rule)).await {
            Ok(Claimed::Won) => {}
            Ok(Claimed::Held(holder)) => {
                let held = HeldBack::from_history(&request.callee, holder);
                self.emit(DialerEvent::Held {
                    id: id.clone(),
                    held: held.clone(),
                });
                return Finished::Held(held);
            }
            Err(e) => {
                return self.not_recorded(
                    &id,
                    format!("not dialed: the history could not record it ({e})"),
                );
            }
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
                Ok(reply) => {
                    let Some(session_id) = reply.data.session_id.filter(|s| !s.is_empty()) else {
                        let e = ApiError::Decode {
                            action: CreateAIAgentCall::NAME,
                            reason: "the answer has no SessionId".into(),
                            request_id: Some(reply.request_id.clone()),
                            body: reply.raw.clone(),
                        };
                        return self.failed(&id, &e, try_no).await;
                    };
                    let update = EventUpdate {
                        status: Some(AttemptStatus::Accepted),
                        session_id: Some(session_id.clone()),
                        request_id: Some(reply.request_id.clone()),
                        response_json: Some(reply.raw),
                        detail: json!({"tries": try_no}),
                        ..EventUpdate::new(now_ms(), "accepted")
                    };
                    self.record(&id, update).await;
                    self.emit(DialerEvent::Accepted {
                        id: id.clone(),
                        session_id: session_id.clone(),
                        request_id: reply.request_id.clone(),
                    });
                    if self.watch.is_some() {
                        self.watch(id.clone());
                    }
                    return Finished::Accepted {
                        session_id,
                        request_id: reply.request_id,
                    };
                }
                Err(e) => {
                    let class = e.class();
                    let may_retry = matches!(class.retry, Retry::AfterBackoff | Retry::WhenPassing);
                    if may_retry && try_no <= MAX_RETRIES {
                        let after = self.backoff * 2u32.pow(try_no - 1);
                        let reason = e.to_string();
                        self.record(
                            &id,
                            EventUpdate::new(now_ms(), "retry").detail(json!({
                                "after_ms": after.as_millis() as u64,
                                "reason": reason,
                                "code": e.code(),
                                "request_id": e.request_id(),
                                "label": class.label.as_str(),
                            })),
                        )
                        .await;
                        self.emit(DialerEvent::Retrying {
                            id: id.clone(),
                            after,
                            reason,
                            label: class.label,
                        });
                        tokio::time::sleep(after).await;
                        continue;
                    }
                    return self.failed(&id, &e, try_no).await;
                }
            }
        }
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
        let kind = match failure.outcome {
            Outcome::NotSent => "not_sent",
            Outcome::Rejected => "rejected",
            _ => "unknown",
        };
        let update = EventUpdate {
            status: Some(failure.status()),
            request_id: failure.request_id.clone(),
            response_json,
            error_code: Some(failure.code.clone().unwrap_or_else(|| kind.to_string())),
            error_message: Some(failure.message.clone()),
            detail: json!({"hint": failure.hint, "label": failure.label.as_str(), "tries": tries}),
            ..EventUpdate::new(now_ms(), kind)
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

    /// Records an event after the request left. A failure here cannot un-send the call, so it
    /// is logged rather than stopping the attempt.
    pub(super) async fn record(&self, id: &AttemptId, update: EventUpdate) {
        let id2 = id.clone();
        if let Err(e) = self
            .blocking_store(move |s| s.record_event(&id2, update))
            .await
        {
            tracing::error!(attempt = %id, "history write failed: {e}");
        }
    }

    pub(super) async fn blocking_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, crate::history::HistoryError> + Send + 'static,
    ) -> Result<T, String> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store).map_err(|e| e.to_string()))
            .await
            .map_err(|e| e.to_string())?
    }

    pub(super) fn emit(&self, event: DialerEvent) {
        // No one listening (a closed view) is not an error for the attempt.
        let _ = self.events.send(event);
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Attempts a stopped run left `queued`: their request may have left before the stop, so they
/// become unknown (never re-sent, open to reconciling). Only those older than `grace` are
/// touched, since another instance may have younger ones in flight. Returns how many.
pub fn settle_interrupted(
    store: &Store,
    grace: Duration,
) -> Result<usize, crate::history::HistoryError> {
    let filter = crate::history::Filter {
        status: Some(AttemptStatus::Queued),
        until_ms: Some(now_ms() - grace.as_millis() as i64),
        ..Default::default()
    };
    let stale = store.list(&filter, crate::history::Page::all())?;
    for a in &stale {
        let update = EventUpdate {
            status: Some(AttemptStatus::Unknown),
            error_code: Some("interrupted".into()),
            error_message: Some("ccc-dial stopped before the outcome was known".into()),
            detail: json!({"hint": "the request may have reached the service: reconcile before dialing again"}),
            ..EventUpdate::new(now_ms(), "interrupted")
        };
        store.record_event(&a.id, update)?;
    }
    Ok(stale.len())
}
