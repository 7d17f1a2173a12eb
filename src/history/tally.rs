//! Statistics' counts and figures from the kept summaries: attempts counted by agent, outcome,
//! talk-time bucket and label in one pass that reads an index of the attempts (never their
//! long rows), the summaries and the labels side by side in id order, and the latency medians
//! as plain numbers.

use std::cmp::Ordering;

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use rustc_hash::FxHashMap;

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

/// The talk-time bucket of an answered call of `talk_secs`: the first bound it is under, else
/// the last bucket.
fn bucket(talk_secs: Option<i64>, bounds: &[i64]) -> Option<usize> {
    let secs = talk_secs.unwrap_or(0);
    let last = bounds.len().checked_sub(1)?;
    Some(bounds.iter().position(|b| secs < *b).unwrap_or(last))
}

impl Store {
    /// Counts the matching attempts by agent, outcome and talk-time bucket (`bounds`: upper
    /// bounds in seconds, the last one open), per label, and gathers their latency medians.
    pub fn tally(&self, filter: &Filter, bounds: &[i64]) -> Result<Tally, HistoryError> {
        let (clause, values) = filter.to_sql();
        self.with(|conn| {
            let mut tally = merged(conn, &clause, &values, bounds)?;
            let mut ids: Vec<u64> = tally.outcomes.iter().map(|c| c.agent_id).collect();
            ids.sort_unstable();
            ids.dedup();
            tally.agent_names = names(conn, &clause, &values, ids.into_iter())?;
            Ok(tally)
        })
    }
}

/// An attempt's summary as the pass needs it: its word interned.
struct Kept {
    word: Option<usize>,
    answered: bool,
    talk_secs: Option<i64>,
    medians: [Option<f64>; 5],
}

/// An outcome group: agent, interned word, status (without a word) and talk-time bucket.
type GroupKey = (u64, Option<usize>, Option<AttemptStatus>, Option<usize>);

/// The tally being counted: groups found by key rather than by searching every group, and
/// the few distinct words kept once.
#[derive(Default)]
struct Counting {
    words: Vec<String>,
    groups: FxHashMap<GroupKey, usize>,
    tally: Tally,
}

impl Counting {
    fn word(&mut self, word: &str) -> usize {
        match self.words.iter().position(|w| w == word) {
            Some(i) => i,
            None => {
                self.words.push(word.to_owned());
                self.words.len() - 1
            }
        }
    }

    fn count(
        &mut self,
        agent_id: u64,
        kept: Option<&Kept>,
        status: Option<AttemptStatus>,
        b: Option<usize>,
    ) {
        let word = kept.and_then(|k| k.word);
        let key = (agent_id, word, status, b);
        let outcomes = &mut self.tally.outcomes;
        let i = *self.groups.entry(key).or_insert_with(|| {
            outcomes.push(OutcomeCount {
                agent_id,
                word: word.map(|w| self.words[w].clone()),
                status,
                bucket: b,
                attempts: 0,
            });
            outcomes.len() - 1
        });
        outcomes[i].attempts += 1;
    }
}

/// Everything but the agents' names, in one pass over the matching attempts in id order,
/// merged with the summaries and the labels read in the same order: each table is read
/// once, in the order of its key, rather than a summary looked up by its text key for every
/// attempt (which costs more than reading it). Attempts without a summary are counted as
/// `unsummarised`.
fn merged(
    conn: &Connection,
    clause: &str,
    values: &[Value],
    bounds: &[i64],
) -> rusqlite::Result<Tally> {
    let mut attempts = conn.prepare_cached(&format!(
        "SELECT attempt.id, attempt.agent_id, attempt.status FROM attempt {clause}
         ORDER BY attempt.id"
    ))?;
    let mut summaries = conn.prepare_cached(
        "SELECT attempt_id, word, talk_secs, ete_ms, asr_ms, llm_ms, first_token_ms, tts_ms
         FROM summary ORDER BY attempt_id",
    )?;
    let mut labels =
        conn.prepare_cached("SELECT attempt_id, name FROM label ORDER BY attempt_id")?;
    let mut a_rows = attempts.query(params_from_iter(values))?;
    let mut s_rows = summaries.query([])?;
    let mut l_rows = labels.query([])?;
    let (mut s, mut l) = (s_rows.next()?, l_rows.next()?);
    let mut c = Counting::default();
    while let Some(a) = a_rows.next()? {
        let id = a.get_ref(0)?.as_bytes()?;
        let agent_id = a.get::<_, i64>(1)?.max(0) as u64;
        let mut kept = None;
        while let Some(r) = s {
            match r.get_ref(0)?.as_bytes()?.cmp(id) {
                Ordering::Less => s = s_rows.next()?,
                Ordering::Equal => {
                    kept = Some(read_kept(r, &mut c)?);
                    s = s_rows.next()?;
                    break;
                }
                Ordering::Greater => break,
            }
        }
        let status = match &kept {
            Some(Kept { word: Some(_), .. }) => None,
            _ => Some(a.get::<_, AttemptStatus>(2)?),
        };
        let b = match &kept {
            Some(k) if k.answered => bucket(k.talk_secs, bounds),
            _ => None,
        };
        c.tally.unsummarised += u64::from(kept.is_none());
        c.count(agent_id, kept.as_ref(), status, b);
        let medians = kept.as_ref().map_or([None; 5], |k| k.medians);
        for (stage, v) in c.tally.medians.stages.iter_mut().zip(medians) {
            stage.extend(v);
        }
        if let Some(ete) = medians[0] {
            c.tally.medians.agents.push((agent_id, ete));
        }
        while let Some(r) = l {
            match r.get_ref(0)?.as_bytes()?.cmp(id) {
                Ordering::Less => l = l_rows.next()?,
                Ordering::Equal => {
                    let word = kept
                        .as_ref()
                        .and_then(|k| k.word)
                        .map(|w| c.words[w].as_str());
                    count_label(&mut c.tally, r.get_ref(1)?.as_str()?, word, medians[0]);
                    l = l_rows.next()?;
                }
                Ordering::Greater => break,
            }
        }
    }
    Ok(c.tally)
}

/// The summary columns of `merged`, from the second on.
fn read_kept(r: &rusqlite::Row<'_>, c: &mut Counting) -> rusqlite::Result<Kept> {
    let text = r.get_ref(1)?.as_str_or_null()?;
    let word = text.map(|w| c.word(w));
    let mut medians = [None; 5];
    for (i, m) in medians.iter_mut().enumerate() {
        *m = number(r.get_ref(3 + i)?);
    }
    Ok(Kept {
        word,
        answered: text == Some("answered"),
        talk_secs: r.get(2)?,
        medians,
    })
}

/// A stored number read in place (a REAL column may hand back an integer).
fn number(v: ValueRef<'_>) -> Option<f64> {
    match v {
        ValueRef::Real(f) => Some(f),
        ValueRef::Integer(i) => Some(i as f64),
        _ => None,
    }
}

/// Counts one label of an attempt that ended with `word` (none before its call record) and
/// had `ete` as its E2E median.
fn count_label(tally: &mut Tally, name: &str, word: Option<&str>, ete: Option<f64>) {
    let counts = &mut tally.labels;
    let i = match counts.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            counts.push(LabelCount {
                name: name.to_owned(),
                attempts: 0,
                placed: 0,
                answered: 0,
            });
            counts.len() - 1
        }
    };
    let count = &mut counts[i];
    count.attempts += 1;
    count.placed += u64::from(word.is_some());
    count.answered += u64::from(word == Some("answered"));
    if let Some(ete) = ete {
        tally.medians.labels.push((count.name.clone(), ete));
    }
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
