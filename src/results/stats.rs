//! Statistics over any filter of the history: outcomes, answer rate, talk time, latency, per
//! agent and per label. Read from the attempts' kept summaries, made first for any attempt
//! whose summary is missing or older than its last event.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Stage;
use crate::dialer::Stat;
use crate::dialer::keep_summaries;
use crate::dialer::word::status_words;
use crate::history::{Filter, HistoryError, Store, SummaryRow};

/// Talk-time buckets of answered calls: upper bounds in seconds, and their names.
pub const TALK_BUCKETS: [(i64, &str); 6] = [
    (15, "<15s"),
    (30, "15-30s"),
    (60, "30-60s"),
    (120, "1-2m"),
    (300, "2-5m"),
    (i64::MAX, "5m+"),
];

/// Makes the summaries still to make among the matching attempts (the first time, every
/// stale one of the history), a chunk per transaction so an interrupted run keeps its
/// progress; returns how many.
pub fn refresh(store: &Store, filter: &Filter) -> Result<usize, HistoryError> {
    let (ids, whole) = store.summaries_to_make(filter)?;
    for chunk in ids.chunks(500) {
        keep_summaries(store, chunk)?;
    }
    if whole {
        store.summaries_checked()?;
    }
    Ok(ids.len())
}

/// Counts for one agent or label.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub attempts: u64,
    /// Calls with a call record: they reached the phone network.
    pub placed: u64,
    pub answered: u64,
    /// Median and P90 of the calls' E2E medians.
    pub ete: Stat,
}

impl Group {
    pub fn answer_rate(&self) -> Option<f64> {
        (self.placed > 0).then(|| self.answered as f64 / self.placed as f64)
    }
}

#[derive(Debug, Default)]
struct Tally {
    attempts: u64,
    placed: u64,
    answered: u64,
    ete: Vec<Option<f64>>,
}

impl Tally {
    fn add(&mut self, row: &SummaryRow) {
        self.attempts += 1;
        if row.summary.word.is_some() {
            self.placed += 1;
        }
        if row.summary.word.as_deref() == Some("answered") {
            self.answered += 1;
        }
        if row.summary.medians[0].is_some() {
            self.ete.push(row.summary.medians[0]);
        }
    }

    fn group(self, name: String) -> Group {
        Group {
            name,
            attempts: self.attempts,
            placed: self.placed,
            answered: self.answered,
            ete: Stat::new(None, &self.ete),
        }
    }
}

/// Everything `stats` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub all: Group,
    /// How the attempts ended: the call record's word, else where the attempt stands; most
    /// frequent first.
    pub outcomes: Vec<(String, u64)>,
    /// Answered calls per talk-time bucket, in [`TALK_BUCKETS`] order.
    pub talk: Vec<(&'static str, u64)>,
    /// Per stage, the median and P90 of the calls' medians.
    pub latency: Vec<(Stage, Stat)>,
    pub agents: Vec<Group>,
    pub labels: Vec<Group>,
}

impl Stats {
    /// Folds the rows; they may come in any order.
    pub fn fold(rows: impl IntoIterator<Item = SummaryRow>) -> Stats {
        let mut all = Tally::default();
        let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
        let mut talk = [0u64; TALK_BUCKETS.len()];
        let mut medians: [Vec<Option<f64>>; 5] = Default::default();
        let mut agents: BTreeMap<u64, (Option<String>, Tally)> = BTreeMap::new();
        let mut labels: BTreeMap<String, Tally> = BTreeMap::new();
        for row in rows {
            all.add(&row);
            let word = match &row.summary.word {
                Some(w) => w.clone(),
                None => status_words(row.status).to_owned(),
            };
            *outcomes.entry(word).or_default() += 1;
            if row.summary.word.as_deref() == Some("answered") {
                let secs = row.summary.talk_secs.unwrap_or(0);
                let bucket = TALK_BUCKETS.iter().position(|(max, _)| secs < *max);
                talk[bucket.unwrap_or(TALK_BUCKETS.len() - 1)] += 1;
            }
            for (v, m) in medians.iter_mut().zip(row.summary.medians) {
                if m.is_some() {
                    v.push(m);
                }
            }
            let agent = agents.entry(row.agent_id).or_default();
            if agent.0.is_none() {
                agent.0 = row.agent_name.clone();
            }
            agent.1.add(&row);
            for label in &row.labels {
                labels.entry(label.clone()).or_default().add(&row);
            }
        }
        let mut outcomes: Vec<(String, u64)> = outcomes.into_iter().collect();
        outcomes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Stats {
            all: all.group("all".into()),
            outcomes,
            talk: TALK_BUCKETS.iter().map(|(_, n)| *n).zip(talk).collect(),
            latency: Stage::ALL
                .into_iter()
                .zip(medians.iter().map(|v| Stat::new(None, v)))
                .collect(),
            agents: agents
                .into_iter()
                .map(|(id, (name, t))| {
                    t.group(match name {
                        Some(n) => format!("{id} {n}"),
                        None => id.to_string(),
                    })
                })
                .collect(),
            labels: labels.into_iter().map(|(l, t)| t.group(l)).collect(),
        }
    }

    /// Makes any missing summary, then folds the matching attempts.
    pub fn gather(store: &Store, filter: &Filter) -> Result<Stats, HistoryError> {
        refresh(store, filter)?;
        let mut rows = Vec::new();
        store.for_each_summary(filter, |r| rows.push(r))?;
        Ok(Stats::fold(rows))
    }

    pub fn to_json(&self) -> Value {
        let stat = |s: &Stat| json!({ "median_ms": s.median, "p90_ms": s.p90 });
        let group = |g: &Group| {
            json!({
                "name": g.name,
                "attempts": g.attempts,
                "placed": g.placed,
                "answered": g.answered,
                "answer_rate": g.answer_rate(),
                "ete": stat(&g.ete),
            })
        };
        json!({
            "attempts": self.all.attempts,
            "placed": self.all.placed,
            "answered": self.all.answered,
            "answer_rate": self.all.answer_rate(),
            "outcomes": self.outcomes.iter()
                .map(|(w, n)| json!({ "outcome": w, "count": n }))
                .collect::<Vec<_>>(),
            "talk_time": self.talk.iter()
                .map(|(b, n)| json!({ "bucket": b, "count": n }))
                .collect::<Vec<_>>(),
            "latency": self.latency.iter()
                .map(|(s, st)| (s.key().to_owned(), stat(st)))
                .collect::<serde_json::Map<_, _>>(),
            "agents": self.agents.iter().map(group).collect::<Vec<_>>(),
            "labels": self.labels.iter().map(group).collect::<Vec<_>>(),
        })
    }
}
