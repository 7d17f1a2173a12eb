//! Statistics' counts and figures from the kept summaries: attempts counted by agent, outcome
//! and talk-time bucket in one pass over an index and the summaries (never the attempts' long
//! rows), labels grouped in SQL, and the latency medians as plain numbers.

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
            let (outcomes, mut medians, unsummarised) = outcomes(conn, &clause, &values, bounds)?;
            medians.labels = labelled(conn, &clause, &values)?;
            let mut ids: Vec<u64> = outcomes.iter().map(|c| c.agent_id).collect();
            ids.sort_unstable();
            ids.dedup();
            Ok(Tally {
                labels: labels(conn, &clause, &values)?,
                agent_names: names(conn, &clause, &values, ids.into_iter())?,
                medians,
                outcomes,
                unsummarised,
            })
        })
    }
}

/// The attempts counted by agent, outcome and talk-time bucket, their latency medians (but
/// for the labels'), and how many lack a summary: one pass over the attempts' agent, id and status (an index holds
/// them, so the attempts' long rows are not read) and their summaries.
fn outcomes(
    conn: &Connection,
    clause: &str,
    values: &[Value],
    bounds: &[i64],
) -> rusqlite::Result<(Vec<OutcomeCount>, Medians, u64)> {
    let sql = format!(
        "SELECT attempt.agent_id, o.attempt_id IS NULL, o.word,
                CASE WHEN o.word IS NULL THEN attempt.status END, {bucket},
                o.ete_ms, o.asr_ms, o.llm_ms, o.first_token_ms, o.tts_ms
         FROM attempt LEFT JOIN summary o ON o.attempt_id = attempt.id {clause}",
        bucket = bucket_sql(bounds)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    let mut out: Vec<OutcomeCount> = Vec::new();
    let (mut medians, mut unsummarised) = (Medians::default(), 0);
    while let Some(r) = rows.next()? {
        let agent_id = r.get::<_, i64>(0)?.max(0) as u64;
        unsummarised += u64::from(r.get::<_, bool>(1)?);
        // Borrowed: the few distinct words and statuses are copied once, into their group.
        let word = r.get_ref(2)?.as_str_or_null()?;
        let status = r.get_ref(3)?.as_str_or_null()?;
        let bucket = r.get::<_, Option<i64>>(4)?.map(|b| b.max(0) as usize);
        let same = |c: &&mut OutcomeCount| {
            c.agent_id == agent_id
                && c.bucket == bucket
                && c.word.as_deref() == word
                && c.status.map(|s| s.as_str()) == status
        };
        match out.iter_mut().find(same) {
            Some(c) => c.attempts += 1,
            None => out.push(OutcomeCount {
                agent_id,
                word: word.map(str::to_owned),
                status: r.get(3)?,
                bucket,
                attempts: 1,
            }),
        }
        for (i, stage) in medians.stages.iter_mut().enumerate() {
            if let Some(v) = r.get::<_, Option<f64>>(5 + i)? {
                stage.push(v);
            }
        }
        if let Some(ete) = r.get::<_, Option<f64>>(5)? {
            medians.agents.push((agent_id, ete));
        }
    }
    Ok((out, medians, unsummarised))
}

/// Each agent's name: the one on its earliest matching attempt that has one.
fn names(
    conn: &Connection,
    clause: &str,
    values: &[Value],
    agents: impl Iterator<Item = u64>,
) -> rusqlite::Result<Vec<(u64, String)>> {
    let agent = format!("?{}", values.len() + 1);
    let sql = format!(
        "SELECT agent_name FROM attempt {} ORDER BY created_at_ms, attempt.rowid LIMIT 1",
        where_and(
            clause,
            &format!("agent_id = {agent} AND agent_name IS NOT NULL")
        )
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut out = Vec::new();
    for id in agents {
        let mut bound = values.to_vec();
        bound.push(Value::Integer(id as i64));
        let name: Option<String> = stmt
            .query_row(params_from_iter(bound), |r| r.get(0))
            .optional()?;
        out.extend(name.map(|n| (id, n)));
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

/// Each label of a matching attempt with a summary, with the attempt's E2E median.
fn labelled(
    conn: &Connection,
    clause: &str,
    values: &[Value],
) -> rusqlite::Result<Vec<(String, f64)>> {
    let sql = format!(
        "SELECT l.name, o.ete_ms FROM label l JOIN attempt ON attempt.id = l.attempt_id
              JOIN summary o ON o.attempt_id = attempt.id {}",
        where_and(clause, "o.ete_ms IS NOT NULL")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(values), |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}
