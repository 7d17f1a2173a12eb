//! What a tester reads across runs: each attempt's outcome, tags and latency medians, taken
//! from its call report, with its labels. Exports, comparisons and statistics build on it.

pub mod compare;
pub mod export;
pub mod rounds;
pub mod stats;

use std::collections::BTreeMap;

use crate::dialer::{CallReport, LatencyReport, Stat};
use crate::history::{Attempt, Entry, Notes};

/// A stage of a conversational round whose latency the service measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Ete,
    Asr,
    Llm,
    FirstToken,
    Tts,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Ete,
        Stage::Asr,
        Stage::Llm,
        Stage::FirstToken,
        Stage::Tts,
    ];

    /// The short name on screens and in tables.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Ete => "E2E",
            Stage::Asr => "ASR",
            Stage::Llm => "LLM",
            Stage::FirstToken => "first token",
            Stage::Tts => "TTS",
        }
    }

    /// The service's field name (DescribeAILatency).
    pub fn service_name(self) -> &'static str {
        match self {
            Stage::Ete => "ETELatency",
            Stage::Asr => "ASRLatency",
            Stage::Llm => "LLMLatency",
            Stage::FirstToken => "LLMFirstTokenLatency",
            Stage::Tts => "TTSLatency",
        }
    }

    /// The name in exports: `ete`, `asr`, `llm`, `first_token`, `tts`.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Ete => "ete",
            Stage::Asr => "asr",
            Stage::Llm => "llm",
            Stage::FirstToken => "first_token",
            Stage::Tts => "tts",
        }
    }

    /// This stage's median and P90 in a report.
    pub fn stat(self, latency: &LatencyReport) -> Stat {
        match self {
            Stage::Ete => latency.ete,
            Stage::Asr => latency.asr,
            Stage::Llm => latency.llm,
            Stage::Tts => latency.tts,
            Stage::FirstToken => latency.llm_first_token,
        }
    }
}

/// One attempt with its report and notes.
#[derive(Debug, Clone)]
pub struct Run {
    pub attempt: Attempt,
    pub notes: Notes,
    pub report: CallReport,
}

impl Run {
    pub fn new(entry: Entry) -> Run {
        Run {
            report: CallReport::from_events(&entry.attempt, &entry.events),
            attempt: entry.attempt,
            notes: entry.notes,
        }
    }

    /// The stage's median and P90; empty when the call has no latency data.
    pub fn stat(&self, stage: Stage) -> Stat {
        self.report
            .latency
            .as_ref()
            .map(|l| stage.stat(l))
            .unwrap_or_default()
    }

    /// Each stage's statistics as one JSON object, keyed by `name`.
    pub fn latency_json(
        &self,
        name: fn(Stage) -> &'static str,
        value: fn(Stat) -> serde_json::Value,
    ) -> serde_json::Value {
        Stage::ALL
            .iter()
            .map(|s| (name(*s).to_owned(), value(self.stat(*s))))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }

    /// The rounds with latency data.
    pub fn rounds(&self) -> usize {
        self.report.latency.as_ref().map_or(0, |l| l.rounds.len())
    }

    /// Extracted tags by name (a later tag of the same name wins).
    pub fn tags(&self) -> BTreeMap<&str, &str> {
        self.report
            .tags
            .iter()
            .map(|t| (t.name.as_str(), t.value.as_str()))
            .collect()
    }

    /// `no answer (202 notAnswer)`, or where the call stands when there is no record yet.
    pub fn outcome_line(&self) -> String {
        let r = &self.report;
        match (r.word, r.end_status) {
            (Some(w), Some(code)) => match r.end_status_string.as_deref() {
                Some(name) => format!("{w} ({code} {name})"),
                None => format!("{w} ({code})"),
            },
            _ => self.outcome(),
        }
    }

    /// `answered`, `no answer`, …, or the status while there is no call record.
    pub fn outcome(&self) -> String {
        match self.report.word {
            Some(w) => w.to_string(),
            None => crate::dialer::word::status_words(self.report.status).to_string(),
        }
    }
}

/// Text safe to print on a terminal: control characters (escape sequences included) and the
/// marks that reorder text are shown escaped rather than obeyed.
pub fn printable(s: &str) -> String {
    crate::printable::escape(s).into_owned()
}

/// A latency in ms for tables: `812`, or `-` when unknown.
pub fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.0}"))
}
