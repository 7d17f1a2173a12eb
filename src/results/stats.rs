//! Statistics over any filter of the history: outcomes, answer rate, talk time, latency, per
//! agent and per label. Counted in SQL over the attempts' kept summaries, made first for any
//! attempt whose summary is missing or older than its last event.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Stage;
use crate::dialer::Stat;
use crate::dialer::keep_summaries;
use crate::dialer::word::status_words;
use crate::history::{self, Filter, HistoryError, Store, SummaryRow};

/// Talk-time buckets of answered calls: upper bounds in seconds, and their names.
pub const TALK_BUCKETS: [(i64, &str); 6] = [
    (15, "<15s"),
    (30, "15-30s"),
    (60, "30-60s"),
    (120, "1-2m"),
    (300, "2-5m"),
    (i64::MAX, "5m+"),
];

/// The talk-time buckets' upper bounds, as the history counts them.
fn talk_bounds() -> [i64; TALK_BUCKETS.len()] {
    TALK_BUCKETS.map(|(max, _)| max)
}

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
    fn count(&mut self, attempts: u64, placed: bool, answered: bool) {
        let n = |yes: bool| if yes { attempts } else { 0 };
        self.count_placed(attempts, n(placed), n(answered));
    }

    fn count_placed(&mut self, attempts: u64, placed: u64, answered: u64) {
        self.attempts += attempts;
        self.placed += placed;
        self.answered += answered;
    }

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

/// The statistics being folded, a row at a time, so the rows need not be held.
#[derive(Default)]
struct Folding {
    all: Tally,
    outcomes: BTreeMap<String, u64>,
    talk: [u64; TALK_BUCKETS.len()],
    medians: [Vec<Option<f64>>; 5],
    agents: BTreeMap<u64, (Option<String>, Tally)>,
    labels: BTreeMap<String, Tally>,
}

impl Folding {
    fn add(&mut self, row: SummaryRow) {
        self.all.add(&row);
        let word = match &row.summary.word {
            Some(w) => w.as_str(),
            None => status_words(row.status),
        };
        match self.outcomes.get_mut(word) {
            Some(n) => *n += 1,
            None => {
                self.outcomes.insert(word.to_owned(), 1);
            }
        }
        if row.summary.word.as_deref() == Some("answered") {
            let secs = row.summary.talk_secs.unwrap_or(0);
            let bucket = TALK_BUCKETS.iter().position(|(max, _)| secs < *max);
            self.talk[bucket.unwrap_or(TALK_BUCKETS.len() - 1)] += 1;
        }
        for (v, m) in self.medians.iter_mut().zip(row.summary.medians) {
            if m.is_some() {
                v.push(m);
            }
        }
        let agent = self.agents.entry(row.agent_id).or_default();
        agent.1.add(&row);
        if agent.0.is_none() {
            agent.0 = row.agent_name.clone();
        }
        for label in &row.labels {
            match self.labels.get_mut(label) {
                Some(t) => t.add(&row),
                None => {
                    let mut t = Tally::default();
                    t.add(&row);
                    self.labels.insert(label.clone(), t);
                }
            }
        }
    }

    fn finish(self) -> Stats {
        let mut outcomes: Vec<(String, u64)> = self.outcomes.into_iter().collect();
        outcomes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Stats {
            all: self.all.group("all".into()),
            outcomes,
            talk: TALK_BUCKETS
                .iter()
                .map(|(_, n)| *n)
                .zip(self.talk)
                .collect(),
            latency: Stage::ALL
                .into_iter()
                .zip(self.medians.iter().map(|v| Stat::new(None, v)))
                .collect(),
            agents: self
                .agents
                .into_iter()
                .map(|(id, (name, t))| {
                    t.group(match name {
                        Some(n) => format!("{id} {n}"),
                        None => id.to_string(),
                    })
                })
                .collect(),
            labels: self.labels.into_iter().map(|(l, t)| t.group(l)).collect(),
        }
    }
}

impl Stats {
    /// Folds the rows one at a time: the plain computation that the counts of
    /// [`Stats::gather`] are checked against, and statistics of rows at hand. An agent is named
    /// after its first row that has a name: give the rows in the order they were made.
    pub fn fold(rows: impl IntoIterator<Item = SummaryRow>) -> Stats {
        let mut f = Folding::default();
        rows.into_iter().for_each(|r| f.add(r));
        f.finish()
    }

    /// Makes any missing or stale summary, then counts the matching attempts.
    pub fn gather(store: &Store, filter: &Filter) -> Result<Stats, HistoryError> {
        if !store.summaries_were_checked()? {
            refresh(store, filter)?;
        }
        let tally = store.tally(filter, &talk_bounds())?;
        if tally.unsummarised == 0 {
            return Ok(Stats::counted(tally));
        }
        refresh(store, filter)?;
        Ok(Stats::counted(store.tally(filter, &talk_bounds())?))
    }

    /// Counts the matching attempts without writing to the history (it may be open only to
    /// read); `None` when summaries are to be made first, through [`Stats::gather`].
    pub fn read(store: &Store, filter: &Filter) -> Result<Option<Stats>, HistoryError> {
        if !store.summaries_were_checked()? {
            return Ok(None);
        }
        let tally = store.tally(filter, &talk_bounds())?;
        Ok((tally.unsummarised == 0).then(|| Stats::counted(tally)))
    }

    /// The statistics of the history's counts.
    fn counted(t: history::Tally) -> Stats {
        let mut all = Tally::default();
        let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
        let mut talk = [0; TALK_BUCKETS.len()];
        let mut agents: BTreeMap<u64, Tally> = BTreeMap::new();
        for c in &t.outcomes {
            let answered = c.word.as_deref() == Some("answered");
            for tally in [&mut all, agents.entry(c.agent_id).or_default()] {
                tally.count(c.attempts, c.word.is_some(), answered);
            }
            let word = match (&c.word, c.status) {
                (Some(w), _) => w.as_str(),
                (None, Some(status)) => status_words(status),
                (None, None) => "unknown",
            };
            *outcomes.entry(word.to_owned()).or_default() += c.attempts;
            if let Some(n) = c.bucket.and_then(|b| talk.get_mut(b)) {
                *n += c.attempts;
            }
        }
        let [ete, ..] = &t.medians.stages;
        all.ete = ete.iter().copied().map(Some).collect();
        for (agent, v) in &t.medians.agents {
            agents.entry(*agent).or_default().ete.push(Some(*v));
        }
        let mut labels: BTreeMap<String, Tally> = BTreeMap::new();
        for l in t.labels {
            labels
                .entry(l.name)
                .or_default()
                .count_placed(l.attempts, l.placed, l.answered);
        }
        for (label, v) in t.medians.labels {
            labels.entry(label).or_default().ete.push(Some(v));
        }
        let names: BTreeMap<u64, String> = t.agent_names.into_iter().collect();
        Folding {
            all,
            outcomes,
            talk,
            medians: t.medians.stages.map(|v| v.into_iter().map(Some).collect()),
            agents: agents
                .into_iter()
                .map(|(id, tally)| (id, (names.get(&id).cloned(), tally)))
                .collect(),
            labels,
        }
        .finish()
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
