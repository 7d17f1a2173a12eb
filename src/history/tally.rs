//! Statistics' counts and figures straight from SQL over the kept summaries: attempts grouped
//! by agent, outcome and talk-time bucket, the same per label, and the latency medians as
//! plain numbers, so a hundred thousand attempts are counted without reading them one by one.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::attempt::AttemptStatus;
use super::query::Filter;
use super::summary::where_and;
use super::{HistoryError, Store};

/// Attempts of one agent that ended alike.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeCount {
    pub agent_id: u64,
    /// The call record's word; `None` before there is one.
    pub word: Option<String>,
    /// Where the attempts stand, when there is no word.
    pub status: Option<AttemptStatus>,
    /// The talk-time bucket of answered calls (an index into the bounds asked for).
    pub bucket: Option<usize>,
    pub attempts: u64,
}

/// Attempts with one label: how many, placed (a call record) and answered.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelCount {
    pub name: String,
    pub attempts: u64,
    pub placed: u64,
    pub answered: u64,
}

/// The latency medians kept with the matching attempts' summaries (ms), where present.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Medians {
    /// Per stage (E2E, ASR, LLM, first token, TTS), the calls' medians.
    pub stages: [Vec<f64>; 5],
    /// Each call's agent and E2E median.
    pub agents: Vec<(u64, f64)>,
    /// Each label of a call and the call's E2E median.
    pub labels: Vec<(String, f64)>,
}

/// Everything counted, before it is named and ordered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub outcomes: Vec<OutcomeCount>,
    pub labels: Vec<LabelCount>,
    /// Each agent's name, from its first attempt that has one.
    pub agent_names: Vec<(u64, String)>,
    pub medians: Medians,
    /// Matching attempts with no summary: counted as having no results.
    pub unsummarised: u64,
}

/// Every attempt with its summary, if any.
const JOINED: &str = "attempt LEFT JOIN summary o ON o.attempt_id = attempt.id";

/// The talk-time bucket of an answered call: the first bound its seconds are under, else the
/// last bucket.
fn bucket_sql(bounds: &[i64]) -> String {
    let Some((_, under)) = bounds.split_last() else {
        return "NULL".into();
    };
    let cases: String = under
        .iter()
        .enumerate()
        .map(|(i, b)| format!(" WHEN coalesce(o.talk_secs, 0) < {b} THEN {i}"))
        .collect();
    format!(
        "CASE WHEN o.word = 'answered' THEN CASE{cases} ELSE {} END END",
        bounds.len() - 1
    )
}

impl Store {
    /// Counts the matching attempts by agent, outcome and talk-time bucket (`bounds`: upper
    /// bounds in seconds, the last one open), per label, and gathers their latency medians.
    pub fn tally(&self, filter: &Filter, bounds: &[i64]) -> Result<Tally, HistoryError> {
        let (clause, values) = filter.to_sql();
        self.with(|conn| {
            let (outcomes, named, unsummarised) = outcomes(conn, &clause, &values, bounds)?;
            Ok(Tally {
                outcomes,
                labels: labels(conn, &clause, &values)?,
                agent_names: names(conn, &named)?,
                medians: medians(conn, &clause, &values)?,
                unsummarised,
            })
        })
    }
}

/// The grouped counts, the first named attempt (its rowid) of each agent, and how many
/// attempts lack a summary.
type Grouped = (Vec<OutcomeCount>, Vec<(u64, i64)>, u64);

fn outcomes(
    conn: &Connection,
    clause: &str,
    values: &[Value],
    bounds: &[i64],
) -> rusqlite::Result<Grouped> {
    let sql = format!(
        "SELECT attempt.agent_id, o.word, CASE WHEN o.word IS NULL THEN attempt.status END,
                {bucket}, count(*), count(*) - count(o.attempt_id),
                min(CASE WHEN attempt.agent_name IS NOT NULL THEN attempt.rowid END)
         FROM {JOINED} {clause} GROUP BY 1, 2, 3, 4",
        bucket = bucket_sql(bounds)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    let (mut out, mut named, mut unsummarised) = (Vec::new(), Vec::<(u64, i64)>::new(), 0);
    while let Some(r) = rows.next()? {
        unsummarised += r.get::<_, i64>(5)?.max(0) as u64;
        let agent_id = r.get::<_, i64>(0)?.max(0) as u64;
        if let Some(rowid) = r.get::<_, Option<i64>>(6)? {
            match named.iter_mut().find(|(a, _)| *a == agent_id) {
                Some(first) => first.1 = first.1.min(rowid),
                None => named.push((agent_id, rowid)),
            }
        }
        out.push(OutcomeCount {
            agent_id,
            word: r.get(1)?,
            status: r.get(2)?,
            bucket: r.get::<_, Option<i64>>(3)?.map(|b| b.max(0) as usize),
            attempts: r.get::<_, i64>(4)?.max(0) as u64,
        });
    }
    Ok((out, named, unsummarised))
}

fn names(conn: &Connection, named: &[(u64, i64)]) -> rusqlite::Result<Vec<(u64, String)>> {
    let mut stmt = conn.prepare_cached("SELECT agent_name FROM attempt WHERE rowid = ?1")?;
    let mut out = Vec::with_capacity(named.len());
    for (agent, rowid) in named {
        let name: Option<Option<String>> = stmt.query_row([rowid], |r| r.get(0)).optional()?;
        if let Some(Some(name)) = name {
            out.push((*agent, name));
        }
    }
    Ok(out)
}

fn labels(conn: &Connection, clause: &str, values: &[Value]) -> rusqlite::Result<Vec<LabelCount>> {
    let sql = format!(
        "SELECT l.name, count(*), count(o.word), coalesce(sum(o.word = 'answered'), 0)
         FROM label l JOIN attempt ON attempt.id = l.attempt_id
              LEFT JOIN summary o ON o.attempt_id = attempt.id {clause} GROUP BY l.name"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(values), |r| {
        let count = |i| r.get::<_, i64>(i).map(|n| n.max(0) as u64);
        Ok(LabelCount {
            name: r.get(0)?,
            attempts: count(1)?,
            placed: count(2)?,
            answered: count(3)?,
        })
    })?;
    rows.collect()
}

fn medians(conn: &Connection, clause: &str, values: &[Value]) -> rusqlite::Result<Medians> {
    let any = "(o.ete_ms IS NOT NULL OR o.asr_ms IS NOT NULL OR o.llm_ms IS NOT NULL \
               OR o.first_token_ms IS NOT NULL OR o.tts_ms IS NOT NULL)";
    let sql = format!(
        "SELECT attempt.agent_id, o.ete_ms, o.asr_ms, o.llm_ms, o.first_token_ms, o.tts_ms
         FROM attempt JOIN summary o ON o.attempt_id = attempt.id {}",
        where_and(clause, any)
    );
    let mut out = Medians::default();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    while let Some(r) = rows.next()? {
        for (i, stage) in out.stages.iter_mut().enumerate() {
            if let Some(v) = r.get::<_, Option<f64>>(i + 1)? {
                stage.push(v);
            }
        }
        if let Some(ete) = r.get::<_, Option<f64>>(1)? {
            out.agents.push((r.get::<_, i64>(0)?.max(0) as u64, ete));
        }
    }
    let sql = format!(
        "SELECT l.name, o.ete_ms FROM label l JOIN attempt ON attempt.id = l.attempt_id
              JOIN summary o ON o.attempt_id = attempt.id {}",
        where_and(clause, "o.ete_ms IS NOT NULL")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(values), |r| Ok((r.get(0)?, r.get(1)?)))?;
    out.labels = rows.collect::<rusqlite::Result<_>>()?;
    Ok(out)
}
