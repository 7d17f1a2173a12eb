//! Following accepted calls: one task per live call polls DescribeTelSession until the call
//! is finished, then hands over to `cdr` for its record and AI details. Every request waits
//! for the app's one request budget, so many live calls share 20/s with dialing. Each change
//! is written to history first, then reported, so a restart picks the watch up again
//! (`resume`) and the report rebuilds from the events.

use super::cdr::error_text;
use super::ctx::{Claim, Dialer, now_ms};
use super::event::{WatchEnd, WatchEvent};
use crate::ccc::actions::DescribeTelSession;
use crate::history::event::SessionChange;
use crate::history::{AttemptId, AttemptStatus, CallEvent, EventUpdate, HistoryError};

impl Dialer {
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
    pub async fn resume(&self) -> Result<Vec<AttemptId>, HistoryError> {
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
                            let change = SessionChange::Status {
                                status: wire,
                                ring_ts: session.ring_timestamp,
                                accept_ts: session.accept_timestamp,
                            };
                            let update = EventUpdate {
                                status: (s != AttemptStatus::Finished).then_some(s),
                                ..EventUpdate::new(at_ms, CallEvent::Status(change))
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
}
