//! What every part of the dialer shares: the client, the history, the request budget, the
//! event sender and the registry of followed calls, with the few things done through them
//! (send within the budget, read and record history, report).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use super::event::{DialerEvent, WatchEvent};
use super::limiter::RateLimiter;
use crate::ccc::actions::Action;
use crate::ccc::{ApiError, Client, Reply};
use crate::history::{Attempt, AttemptId, CallEvent, ClaimRule, EventUpdate, HistoryError, Store};

/// A history error that can travel in events and be compared: the history could not be
/// read while acting on a call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot read the history: {0}")]
pub struct HistoryUnreadable(Arc<HistoryError>);

impl From<HistoryError> for HistoryUnreadable {
    fn from(e: HistoryError) -> Self {
        HistoryUnreadable(Arc::new(e))
    }
}

impl PartialEq for HistoryUnreadable {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

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

#[derive(Clone)]
pub struct Dialer {
    pub(super) client: Arc<Client>,
    pub(super) store: Store,
    pub(super) limiter: Arc<RateLimiter>,
    pub(super) events: mpsc::UnboundedSender<DialerEvent>,
    /// Recorded as the attempt's endpoint: the live host, or "simulator".
    pub(super) backend: String,
    pub(super) backoff: Duration,
    /// Follow each accepted attempt until its report is in.
    pub(super) watch: Option<WatchConfig>,
    /// The attempts followed right now, so none is followed twice.
    pub(super) watching: Arc<Watching>,
    /// What an earlier call to the same callee must not be for a new one to go.
    pub(super) claim: ClaimRule,
    /// Outcomes the history could not record (a full disk): the call happened all the same.
    pub(super) unrecorded: Arc<Mutex<Vec<Unrecorded>>>,
    /// Write the history on the attempt's own thread, not a blocking pool's.
    pub(super) store_inline: bool,
}

/// An event about an attempt that the history could not record.
#[derive(Debug, Clone, PartialEq)]
pub struct Unrecorded {
    pub id: AttemptId,
    /// The event's kind, as stored: `accepted`, `not_sent`, `unknown`, ...
    pub kind: String,
    pub error: String,
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
            unrecorded: Arc::default(),
            store_inline: false,
        }
    }

    /// Writes the history on the attempt's own thread: for one attempt alone on a runtime
    /// of one thread (`ccc-dial call`), where starting a second thread and handing each
    /// commit over to it costs more than the commits themselves, and nothing else waits.
    pub fn with_store_inline(mut self) -> Dialer {
        self.store_inline = true;
        self
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

    /// Records an event after the request left. A failure here cannot un-send the call, so it
    /// is kept for [`Dialer::take_unrecorded`] rather than stopping the attempt.
    pub(super) async fn record(&self, id: &AttemptId, update: EventUpdate) {
        let id2 = id.clone();
        let kind = update.event.kind().to_string();
        if let Err(e) = self
            .blocking_store(move |s| super::record_with_summary(s, &id2, update))
            .await
        {
            tracing::error!(attempt = %id, "history write failed: {e}");
            self.unrecorded
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(Unrecorded {
                    id: id.clone(),
                    kind,
                    error: e.to_string(),
                });
        }
    }

    /// The events the history could not record since the last call, oldest first.
    pub fn take_unrecorded(&self) -> Vec<Unrecorded> {
        std::mem::take(&mut *self.unrecorded.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Records an event that changes nothing but the timeline.
    pub(super) async fn note(&self, id: &AttemptId, event: CallEvent) {
        self.record(id, EventUpdate::new(now_ms(), event)).await;
    }

    pub(super) async fn blocking_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, HistoryError> + Send + 'static,
    ) -> Result<T, HistoryError> {
        if self.store_inline {
            return f(&self.store);
        }
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| HistoryError::Io(std::io::Error::other(e)))?
    }

    pub(super) fn emit(&self, event: DialerEvent) {
        // No one listening (a closed view) is not an error for the attempt.
        let _ = self.events.send(event);
    }

    /// Sends one request within the app's request budget.
    pub(super) async fn send<A: Action>(
        &self,
        request: &A,
    ) -> Result<Reply<A::Response>, ApiError> {
        let _permit = self.limiter().acquire().await;
        self.client().send(request).await
    }

    pub(super) async fn load(&self, id: &AttemptId) -> Result<Option<Attempt>, HistoryError> {
        let id = id.clone();
        self.blocking_store(move |s| s.get(&id)).await
    }

    pub(super) fn emit_watch(&self, event: WatchEvent) {
        self.emit(DialerEvent::Watch(event));
    }

    /// Whether a task follows this attempt right now.
    pub fn is_watching(&self, id: &AttemptId) -> bool {
        self.watching().contains(id)
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The attempts followed right now, each with a bell that cuts its pause short.
#[derive(Debug, Default)]
pub(super) struct Watching {
    live: Mutex<HashMap<AttemptId, Arc<Notify>>>,
}

impl Watching {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<AttemptId, Arc<Notify>>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn claim(self: &Arc<Self>, id: &AttemptId) -> Option<Claim> {
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
    pub(super) fn nudge(&self, id: &AttemptId) {
        if let Some(bell) = self.lock().get(id) {
            bell.notify_one();
        }
    }

    fn contains(&self, id: &AttemptId) -> bool {
        self.lock().contains_key(id)
    }
}

/// A watch's hold on its attempt, released when the watch ends however it ends.
pub(super) struct Claim {
    watching: Arc<Watching>,
    pub(super) id: AttemptId,
    pub(super) bell: Arc<Notify>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.watching.lock().remove(&self.id);
    }
}
