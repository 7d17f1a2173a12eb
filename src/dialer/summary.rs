//! What a call's report comes to, kept beside the attempt for statistics. Made when the
//! report's parts are recorded, so reading statistics never re-reads the events.

use super::report::{CallReport, LatencyReport, Stat};
use crate::history::event::SessionChange;
use crate::history::{AttemptId, CallEvent, EventUpdate, HistoryError, Store, Summary};

impl LatencyReport {
    /// The first token's median and P90: the service gives no statistics for it, so they are
    /// always computed from the rounds.
    pub fn first_token(&self) -> Stat {
        let values: Vec<Option<f64>> = self.rounds.iter().map(|r| r.llm_first_token).collect();
        Stat::new(None, &values)
    }

    /// The medians (ms) of E2E, ASR, LLM, first token and TTS.
    pub fn medians(&self) -> [Option<f64>; 5] {
        [
            self.ete.median,
            self.asr.median,
            self.llm.median,
            self.first_token().median,
            self.tts.median,
        ]
    }
}

impl CallReport {
    /// The report as statistics read it.
    pub fn summary(&self) -> Summary {
        Summary {
            word: self.word.map(|w| w.as_str().to_owned()),
            end_status: self.end_status,
            ring_secs: self.ring_secs,
            talk_secs: self.talk_secs,
            medians: self
                .latency
                .as_ref()
                .map(|l| l.medians())
                .unwrap_or_default(),
        }
    }
}

/// Makes the summaries of `ids` from their recorded events and keeps them, in one
/// transaction. An attempt no longer in the history is left out.
pub fn keep_summaries(store: &Store, ids: &[AttemptId]) -> Result<(), HistoryError> {
    let mut made = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(attempt) = store.get(id)? else {
            continue;
        };
        let events = store.events(id)?;
        let seq = events.last().map_or(0, |e| e.seq);
        let report = CallReport::from_events(&attempt, &events);
        made.push((id.clone(), seq, report.summary()));
    }
    store.save_summaries(&made)
}

/// Whether recording `event` changes what the attempt's summary says: the call record, the
/// tags and the latency do.
pub fn changes_summary(event: &CallEvent) -> bool {
    matches!(
        event,
        CallEvent::Cdr(_)
            | CallEvent::Extract(_)
            | CallEvent::Latency(_)
            | CallEvent::Status(SessionChange::Record { .. })
    )
}

/// Records `update`, and when it is part of the report, the attempt's summary with it.
pub fn record_with_summary(
    store: &Store,
    id: &AttemptId,
    update: EventUpdate,
) -> Result<(), HistoryError> {
    let summarized = changes_summary(&update.event);
    store.record_event(id, update)?;
    if summarized {
        keep_summaries(store, std::slice::from_ref(id))?;
    }
    Ok(())
}
