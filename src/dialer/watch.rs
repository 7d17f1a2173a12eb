//! Following accepted calls: one task per live call polls DescribeTelSession until the call
//! is finished, then fetches its call record (DescribeTelCdr by SessionId, retried while the
//! record is not there yet) and the AI details (extracted tags, latency, interaction records).
//! Every request waits for the app's one request budget, so many live calls share 20/s with
//! dialing. Each change is written to history first, then reported, so a restart picks the
//! watch up again (`resume`) and the report rebuilds from the events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::Notify;

use super::engine::{Dialer, DialerEvent, now_ms};
use super::reconcile::ReconcileOutcome;
use super::report::CallWord;
use crate::ccc::actions::{
    Action, DescribeAICallExtractResult, DescribeAICallInteractionRecords, DescribeAILatency,
    DescribeTelCdr, DescribeTelSession, TelCdrInfo,
};
use crate::ccc::{ApiError, Reply};
use crate::history::{Attempt, AttemptId, AttemptStatus, EventUpdate};

/// How far before the attempt was created a call record may start (clock differences).
pub const LOOKBACK_S: i64 = 60;
/// How far past now the record window reaches, for a service clock ahead of ours.
pub const CLOCK_SLACK_S: i64 = 300;

/// How the watch polls.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchConfig {
    /// The first pause between status polls, and the pause after each change.
    pub interval: Duration,
    /// The pause grows by half each poll that sees no change, up to this.
    pub max_interval: Duration,
    /// The first pause before asking again for a call record that is not there yet; it
    /// doubles up to `max_interval`.
    pub record_retry: Duration,
    /// How many times the record is asked for before the watch says it is missing.
    pub record_tries: u32,
    /// Failed polls in a row before the watch stops (the call stays live in history, so a
    /// restart or `watch` takes it up again).
    pub max_errors: u32,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(5),
            record_retry: Duration::from_secs(1),
            record_tries: 12,
            max_errors: 30,
        }
    }
}

/// Steering commands sent into a live call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PushKind {
    /// ServerPushText: the agent says the text.
    Text,
    /// InvokeLLM: the text goes to the LLM, which answers.
    Llm,
    /// ServerPushText with StopAfterPlay: the agent says the text, then the call ends.
    LastWords,
}

impl PushKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PushKind::Text => "push_text",
            PushKind::Llm => "invoke_llm",
            PushKind::LastWords => "push_text_then_end",
        }
    }
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

/// The attempts followed right now, each with a bell that cuts its pause short.
#[derive(Debug, Default)]
pub(crate) struct Watching {
    live: Mutex<HashMap<AttemptId, Arc<Notify>>>,
}

impl Watching {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<AttemptId, Arc<Notify>>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn claim(self: &Arc<Self>, id: &AttemptId) -> Option<Claim> {
        let mut live = self.lock();
        if live.contains_key(id) {
            return None;
        }
        let bell = Arc::new(Notify::new());
        live.insert(id.clone(), bell.clone());
        Some(Claim {
            watching: self.clone(),
            id: id.clone(),
            bell,
        })
    }

    /// Makes the watch of `id` poll now (after a hang-up or a push).
    pub(crate) fn nudge(&self, id: &AttemptId) {
        if let Some(bell) = self.lock().get(id) {
            bell.notify_one();
        }
    }

    fn contains(&self, id: &AttemptId) -> bool {
        self.lock().contains_key(id)
    }
}

/// A watch's hold on its attempt, released when the watch ends however it ends.
struct Claim {
    watching: Arc<Watching>,
    id: AttemptId,
    bell: Arc<Notify>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.watching.lock().remove(&self.id);
    }
}

/// The call-record window, Unix seconds: from a little before the attempt to a little past now.
pub(super) fn window_s(created_ms: i64, now_ms: i64) -> (i64, i64) {
    let from = created_ms.div_euclid(1_000) - LOOKBACK_S;
    let to = now_ms.max(created_ms).div_euclid(1_000) + CLOCK_SLACK_S;
    (from, to)
}

fn error_text(e: &ApiError) -> String {
    format!("{e}; {}", e.hint())
}

impl Dialer {
    /// Sends one request within the app's request budget.
    pub(super) async fn send<A: Action>(
        &self,
        request: &A,
    ) -> Result<Reply<A::Response>, ApiError> {
        let _permit = self.limiter().acquire().await;
        self.client().send(request).await
    }

    pub(super) async fn load(&self, id: &AttemptId) -> Result<Option<Attempt>, String> {
        let id = id.clone();
        self.blocking_store(move |s| s.get(&id)).await
    }

    fn emit_watch(&self, event: WatchEvent) {
        self.emit(DialerEvent::Watch(event));
    }

    /// Whether a task follows this attempt right now.
    pub fn is_watching(&self, id: &AttemptId) -> bool {
        self.watching().contains(id)
    }

    /// Follows the attempt in the background; false when it is followed already.
    pub fn watch(&self, id: AttemptId) -> bool {
        let Some(claim) = self.watching().claim(&id) else {
            return false;
        };
        let this = self.clone();
        tokio::spawn(async move { this.follow_claimed(claim).await });
        true
    }

    /// Follows the attempt to its report and returns how it ended (for `call --wait`). A
    /// Dialer built `with_watch` already follows what `run` gets accepted, so this answers
    /// `AlreadyWatched` there: wait for `WatchEvent::Report` instead.
    pub async fn follow(&self, id: &AttemptId) -> WatchEnd {
        match self.watching().claim(id) {
            Some(claim) => self.follow_claimed(claim).await,
            None => WatchEnd::AlreadyWatched,
        }
    }

    /// Takes up the watch of every attempt history has as accepted but not finished (after a
    /// restart), and returns their ids.
    pub async fn resume(&self) -> Result<Vec<AttemptId>, String> {
        let live = self.blocking_store(|s| s.live_attempts()).await?;
        let ids: Vec<AttemptId> = live.into_iter().map(|a| a.id).collect();
        for id in &ids {
            self.watch(id.clone());
        }
        Ok(ids)
    }

    async fn follow_claimed(&self, claim: Claim) -> WatchEnd {
        let id = claim.id.clone();
        let attempt = match self.load(&id).await {
            Ok(Some(a)) => a,
            Ok(None) => return self.give_up(&id, format!("no attempt {id} in the history")),
            Err(e) => return self.give_up(&id, format!("cannot read the history: {e}")),
        };
        let session_id = match attempt.session_id.clone() {
            Some(s) if attempt.status.is_live() => s,
            _ => return WatchEnd::NotLive(attempt.status),
        };
        let config = self.watch_config();
        let mut last = attempt.status;
        let mut pause = config.interval;
        let mut errors = 0u32;
        let request = DescribeTelSession {
            sdk_app_id: attempt.sdk_app_id,
            session_id: session_id.clone(),
        };
        loop {
            match self.send(&request).await {
                Ok(reply) => {
                    errors = 0;
                    let session = reply.data.session.unwrap_or_default();
                    let wire = session.session_status.clone().unwrap_or_default();
                    let status = if wire == "finished" {
                        Some(AttemptStatus::Finished)
                    } else {
                        wire.parse::<AttemptStatus>().ok().filter(|s| s.is_live())
                    };
                    match status {
                        Some(s) if s != last => {
                            let at_ms = now_ms();
                            // `finished` is not yet the attempt's status: that comes with the
                            // record, so a restart in between still fetches it.
                            let update = EventUpdate {
                                status: (s != AttemptStatus::Finished).then_some(s),
                                ..EventUpdate::new(at_ms, "status").detail(json!({
                                    "status": wire,
                                    "ring_ts": session.ring_timestamp,
                                    "accept_ts": session.accept_timestamp,
                                }))
                            };
                            self.record(&id, update).await;
                            self.emit_watch(WatchEvent::Status {
                                id: id.clone(),
                                status: s,
                                at_ms,
                            });
                            last = s;
                            pause = config.interval;
                        }
                        _ => pause = (pause * 3 / 2).min(config.max_interval),
                    }
                    if last == AttemptStatus::Finished {
                        break;
                    }
                }
                // The live view forgets sessions some time after they end: go for the record.
                Err(e) if e.code() == Some("FailedOperation.SessionNotExists") => break,
                Err(e) => {
                    errors += 1;
                    if errors >= config.max_errors.max(1) {
                        return self.give_up(
                            &id,
                            format!(
                                "stopped following after {errors} failed polls: {}",
                                error_text(&e)
                            ),
                        );
                    }
                    if errors == 1 {
                        self.emit_watch(WatchEvent::WatchError {
                            id: id.clone(),
                            message: error_text(&e),
                            stopped: false,
                        });
                    }
                    pause = config.max_interval;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = claim.bell.notified() => pause = config.interval,
            }
        }
        let word = self.fetch_record(&attempt, &session_id).await;
        // Released first, so whoever reads the report finds the watch over.
        drop(claim);
        self.emit_watch(WatchEvent::Report { id });
        WatchEnd::Reported { word }
    }

    fn give_up(&self, id: &AttemptId, message: String) -> WatchEnd {
        tracing::warn!(attempt = %id, "{message}");
        self.emit_watch(WatchEvent::WatchError {
            id: id.clone(),
            message: message.clone(),
            stopped: true,
        });
        WatchEnd::GaveUp(message)
    }

    /// Fetches the call record of a finished session (retrying while it is not there yet),
    /// records it with the attempt's final status, then the AI details.
    async fn fetch_record(&self, attempt: &Attempt, session_id: &str) -> Option<CallWord> {
        let config = self.watch_config();
        let mut pause = config.record_retry;
        let mut tries = 0;
        let mut last_error = String::from("the service has no record of it yet");
        let record = loop {
            tries += 1;
            let (from, to) = window_s(attempt.created_at_ms, now_ms());
            let request = DescribeTelCdr {
                start_time_stamp: from,
                end_time_stamp: to,
                sdk_app_id: attempt.sdk_app_id,
                page_size: 10,
                page_number: 0,
                session_ids: Some(vec![session_id.to_string()]),
                ..Default::default()
            };
            match self.send(&request).await {
                Ok(reply) => {
                    let found = reply
                        .data
                        .tel_cdr_list
                        .into_iter()
                        .find(|c| c.session_id.as_deref() == Some(session_id));
                    if found.is_some() {
                        break found;
                    }
                }
                Err(e) => last_error = error_text(&e),
            }
            if tries >= config.record_tries.max(1) {
                break None;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(config.max_interval.max(config.record_retry));
        };
        let word = self
            .record_cdr(
                &attempt.id,
                record.as_ref(),
                Some(format!("no call record after {tries} tries: {last_error}")),
                None,
            )
            .await;
        let answered = record.as_ref().is_none_or(was_answered);
        if answered {
            self.fetch_details(attempt, session_id).await;
        }
        word
    }

    /// Records the call record (or why there is none) and makes the attempt Finished.
    pub(super) async fn record_cdr(
        &self,
        id: &AttemptId,
        record: Option<&TelCdrInfo>,
        missing: Option<String>,
        session_id: Option<String>,
    ) -> Option<CallWord> {
        let detail = match record {
            Some(r) => json!({ "record": r }),
            None => json!({ "error": missing.unwrap_or_default() }),
        };
        let update = EventUpdate {
            status: Some(AttemptStatus::Finished),
            session_id,
            ..EventUpdate::new(now_ms(), "cdr").detail(detail)
        };
        self.record(id, update).await;
        let word = record.map(|r| {
            r.end_status
                .map_or(CallWord::Failed, CallWord::from_end_status)
        });
        self.emit_watch(WatchEvent::Record {
            id: id.clone(),
            word,
            end_status: record.and_then(|r| r.end_status),
        });
        word
    }

    /// Fetches and records the extracted tags, the latency and (where offered) the
    /// interaction records of a finished call.
    pub(super) async fn fetch_details(&self, attempt: &Attempt, session_id: &str) {
        let id = &attempt.id;
        let (from, to) = window_s(attempt.created_at_ms, now_ms());
        let extract = self
            .send(&DescribeAICallExtractResult {
                sdk_app_id: attempt.sdk_app_id,
                session_id: session_id.into(),
                start_time: from,
                end_time: to,
            })
            .await;
        let detail = match extract {
            Ok(r) => json!({ "results": r.data.result_list }),
            Err(e) => json!({ "error": error_text(&e) }),
        };
        self.record(id, EventUpdate::new(now_ms(), "extract").detail(detail))
            .await;
        let latency = self
            .send(&DescribeAILatency {
                sdk_app_id: attempt.sdk_app_id,
                session_id: session_id.into(),
                start_time: from,
                end_time: to,
            })
            .await;
        let detail = match latency {
            Ok(r) => json!({
                "rounds": r.data.ai_latency_detail,
                "statistics": r.data.ai_latency_statistics,
            }),
            Err(e) => json!({ "error": error_text(&e) }),
        };
        self.record(id, EventUpdate::new(now_ms(), "latency").detail(detail))
            .await;
        let records = self
            .send(&DescribeAICallInteractionRecords {
                sdk_app_id: attempt.sdk_app_id,
                session_id: session_id.into(),
            })
            .await;
        let detail = match records {
            Ok(r) => json!({ "offered": true, "events": r.data.interaction_event_list }),
            Err(e) if e.is_unsupported_action() => json!({ "offered": false }),
            Err(e) => json!({ "error": error_text(&e) }),
        };
        self.record(id, EventUpdate::new(now_ms(), "interaction").detail(detail))
            .await;
    }

    /// Fetches a finished call's tags, latency and interaction records again (they can come
    /// some time after the call), and reports it.
    pub async fn refresh_report(&self, id: &AttemptId) -> Result<(), String> {
        let attempt = self
            .load(id)
            .await?
            .ok_or_else(|| format!("no attempt {id} in the history"))?;
        let Some(session_id) = attempt.session_id.clone() else {
            return Err(format!(
                "attempt {} has no SessionId; reconcile it first",
                id.short()
            ));
        };
        self.fetch_details(&attempt, &session_id).await;
        self.emit_watch(WatchEvent::Report { id: id.clone() });
        Ok(())
    }
}

/// Whether the callee picked up: only then are there tags, latency and a conversation.
fn was_answered(r: &TelCdrInfo) -> bool {
    r.accept_timestamp.is_some_and(|t| t > 0) || r.duration.is_some_and(|d| d > 0)
}
