//! What each attempt's report came to, kept beside it: statistics over a hundred thousand
//! attempts read these small rows instead of re-reading every event. A row is made when the
//! report's parts are recorded, and remembers the last event it was made from; a history
//! written before that is checked once, and rows still missing are made on reading.

use rusqlite::{Connection, params};

use super::attempt::{AttemptId, AttemptStatus};
use super::query::Filter;
use super::{HistoryError, Store};

/// An attempt's results, as statistics read them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The operator word (`answered`, `no answer`, …) once the call record is in.
    pub word: Option<String>,
    pub end_status: Option<i64>,
    pub ring_secs: Option<i64>,
    pub talk_secs: Option<i64>,
    /// The call's latency medians (ms): E2E, ASR, LLM, first token, TTS.
    pub medians: [Option<f64>; 5],
}

/// One attempt for statistics: who it went to, where it stands, and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub created_at_ms: i64,
    pub agent_id: u64,
    pub agent_name: Option<String>,
    pub status: AttemptStatus,
    pub labels: Vec<String>,
    pub summary: Summary,
}

/// The attempts whose summary row is missing or older than their last event.
const STALE: &str = "(NOT EXISTS (SELECT 1 FROM summary o WHERE o.attempt_id = attempt.id \
    AND o.seq >= (SELECT max(seq) FROM event e WHERE e.attempt_id = attempt.id)))";

/// The attempts with no summary row.
const MISSING: &str = "(NOT EXISTS (SELECT 1 FROM summary o WHERE o.attempt_id = attempt.id))";

/// The `meta` key set once every summary has been checked against its events. Until then the
/// history may hold summaries made on reading, before they were made on recording, which a
/// later event may have left stale.
const CHECKED: &str = "summaries_checked";

/// `clause` (a WHERE clause, or empty) with `term` added.
pub(super) fn where_and(clause: &str, term: &str) -> String {
    if clause.is_empty() {
        format!("WHERE {term}")
    } else {
        format!("{clause} AND {term}")
    }
}

impl Store {
    /// The attempts whose summary is to be made: once, every stale one of the whole history;
    /// from then on the matching attempts that have none (summaries are made as reports are
    /// recorded). The second element says whether this is the one check of the whole history.
    pub fn summaries_to_make(
        &self,
        filter: &Filter,
    ) -> Result<(Vec<AttemptId>, bool), HistoryError> {
        let checked = self.summaries_were_checked()?;
        let (clause, values) = if checked {
            filter.to_sql()
        } else {
            (String::new(), Vec::new())
        };
        let sql = format!(
            "SELECT id FROM attempt {}",
            where_and(&clause, if checked { MISSING } else { STALE })
        );
        let ids = self.with(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
                Ok(AttemptId(r.get(0)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        Ok((ids, !checked))
    }

    /// Whether every summary of the history has been checked against its events: until then
    /// some may be stale.
    pub fn summaries_were_checked(&self) -> Result<bool, HistoryError> {
        self.with(|conn| Ok(super::open::meta_value(conn, CHECKED)?.is_some()))
    }

    /// Notes that every summary of the history has been checked against its events.
    pub fn summaries_checked(&self) -> Result<(), HistoryError> {
        self.with(|conn| {
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, '1')",
                [CHECKED],
            )?;
            Ok(())
        })
    }

    /// Keeps each attempt's outcome, made from its events up to `seq`, in one transaction.
    pub fn save_summaries(
        &self,
        summaries: &[(AttemptId, i64, Summary)],
    ) -> Result<(), HistoryError> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            for (id, seq, o) in summaries {
                save(&tx, id, *seq, o)?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}

fn save(conn: &Connection, id: &AttemptId, seq: i64, o: &Summary) -> rusqlite::Result<()> {
    let [ete, asr, llm, first_token, tts] = o.medians;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO summary (attempt_id, seq, word, end_status, ring_secs, talk_secs,
            ete_ms, asr_ms, llm_ms, first_token_ms, tts_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id.0,
        seq,
        o.word,
        o.end_status,
        o.ring_secs,
        o.talk_secs,
        ete,
        asr,
        llm,
        first_token,
        tts
    ])?;
    Ok(())
}
