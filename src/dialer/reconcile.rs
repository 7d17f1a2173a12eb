//! Settling an attempt whose outcome is unknown (the dial may have reached the service, but no
//! answer came back): the call records to its callee around that time tell whether a call was
//! placed. Exactly one unclaimed record is taken as the attempt's call; otherwise the user is
//! told what was found.

use super::cdr::window_s;
use super::ctx::{Dialer, HistoryUnreadable, now_ms};
use super::event::{DialerEvent, Failure, ReconcileOutcome, WatchEvent};
use super::word::CallWord;
use crate::ccc::actions::{DescribeTelCdr, TelCdrInfo};
use crate::ccc::paginate::all_pages;
use crate::history::event::Candidate;
use crate::history::{Attempt, AttemptId, AttemptStatus, CallEvent, EventUpdate};

/// Records asked for per page, and pages at most: 1000 calls to one number in the window is
/// far past any real case.
const PAGE_SIZE: u64 = 100;
const MAX_PAGES: u64 = 10;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReconcileError {
    #[error("no attempt {0} in the history")]
    NotFound(AttemptId),
    #[error(
        "attempt {} is {status}, not of unknown outcome: there is nothing to reconcile",
        .id.short()
    )]
    NotUnknown {
        id: AttemptId,
        status: AttemptStatus,
    },
    #[error("the call records could not be read: {}: {}", .0.message, .0.hint)]
    Failed(Failure),
    #[error(transparent)]
    History(#[from] HistoryUnreadable),
}

impl Dialer {
    /// The call records to the attempt's callee in the window, from its agent, whose session
    /// no other attempt holds.
    async fn fitting_records(
        &self,
        attempt: &Attempt,
        from_s: i64,
        to_s: i64,
    ) -> Result<Vec<(String, TelCdrInfo)>, ReconcileError> {
        let request = DescribeTelCdr {
            start_time_stamp: from_s,
            end_time_stamp: to_s,
            sdk_app_id: attempt.sdk_app_id,
            phones: Some(vec![attempt.callee.clone()]),
            ..Default::default()
        };
        let records = all_pages(&request, PAGE_SIZE, MAX_PAGES, |r| async move {
            self.send(&r).await
        })
        .await
        .map_err(|e| ReconcileError::Failed(Failure::from_error(&e)))?;
        let mut fits = Vec::new();
        for r in records {
            let Some(session_id) = r.session_id.clone().filter(|s| !s.is_empty()) else {
                continue;
            };
            let agent_differs = r
                .ai_agent_id
                .is_some_and(|a| a > 0 && u64::try_from(a).ok() != Some(attempt.agent_id));
            let started = r.start_timestamp.or(r.time).unwrap_or(from_s);
            if r.callee.as_deref() != Some(attempt.callee.as_str())
                || agent_differs
                || started < from_s
            {
                continue;
            }
            let key = session_id.clone();
            let owner = self
                .blocking_store(move |s| s.find(&key))
                .await
                .map_err(HistoryUnreadable::from)?;
            if owner.is_some_and(|o| o.id != attempt.id) {
                continue;
            }
            fits.push((session_id, r));
        }
        Ok(fits)
    }

    /// Looks for the call an attempt of unknown outcome may have placed, and attaches it when
    /// exactly one record fits: to the callee, from the attempt's agent, in the window from a
    /// minute before the attempt to now, and not already another attempt's session.
    pub async fn reconcile(&self, id: &AttemptId) -> Result<ReconcileOutcome, ReconcileError> {
        let attempt = self
            .load(id)
            .await
            .map_err(HistoryUnreadable::from)?
            .ok_or_else(|| ReconcileError::NotFound(id.clone()))?;
        // Queued: found after a crash, it may have been sent.
        let open = matches!(
            attempt.status,
            AttemptStatus::Unknown | AttemptStatus::Queued
        );
        if !open || attempt.session_id.is_some() {
            return Err(ReconcileError::NotUnknown {
                id: id.clone(),
                status: attempt.status,
            });
        }
        let (from_s, to_s) = window_s(attempt.created_at_ms, now_ms());
        let mut fits = self.fitting_records(&attempt, from_s, to_s).await?;
        let outcome = if fits.len() == 1 {
            let (session_id, record) = fits.remove(0);
            let event = CallEvent::Reconciled {
                matched: true,
                session_id: Some(session_id.clone()),
                candidates: Vec::new(),
                window: (from_s, to_s),
            };
            let update = EventUpdate {
                status: Some(AttemptStatus::Finished),
                session_id: Some(session_id.clone()),
                ..EventUpdate::new(now_ms(), event)
            };
            self.record(id, update).await;
            let word = self.record_cdr(id, Some(&record), None, None).await;
            ReconcileOutcome::Matched { session_id, word }
        } else {
            let candidates: Vec<Candidate> = fits
                .into_iter()
                .map(|(session_id, r)| Candidate {
                    session_id,
                    start_s: r.start_timestamp.or(r.time),
                    end_status_string: r.end_status_string,
                })
                .collect();
            let event = CallEvent::Reconciled {
                matched: false,
                session_id: None,
                candidates: candidates.clone(),
                window: (from_s, to_s),
            };
            self.note(id, event).await;
            if candidates.is_empty() {
                ReconcileOutcome::NoneFound { from_s, to_s }
            } else {
                ReconcileOutcome::Ambiguous(candidates)
            }
        };
        self.emit(DialerEvent::Watch(WatchEvent::Reconciled {
            id: id.clone(),
            outcome: outcome.clone(),
        }));
        if let ReconcileOutcome::Matched { session_id, word } = &outcome {
            if word.is_some_and(|w| w == CallWord::Answered)
                && let Ok(Some(attempt)) = self.load(id).await
            {
                self.fetch_details(&attempt, session_id).await;
            }
            self.emit(DialerEvent::Watch(WatchEvent::Report { id: id.clone() }));
        }
        Ok(outcome)
    }
}
