//! What the tester's screens (Compare, Stats, labels, sweeps) ask of the runtime, and what it
//! answers.

use std::path::PathBuf;

use crate::dialer::DialDraft;
use crate::history::{AttemptId, Filter, Notes};
use crate::results::Run;
use crate::results::stats::Stats;

#[derive(Debug, Clone, PartialEq)]
pub enum BenchEffect {
    /// Read these attempts with their reports, for Compare.
    LoadRuns(Vec<AttemptId>),
    GatherStats(Filter),
    LoadNotes(AttemptId),
    Annotate {
        id: AttemptId,
        add: Vec<String>,
        remove: Vec<String>,
        note: String,
    },
    /// Dial the form once per row of the variables file, one call at a time.
    Sweep {
        draft: DialDraft,
        path: PathBuf,
        /// The backend's label, part of the sweep's id as in `ccc-dial sweep`.
        endpoint: String,
    },
}

#[derive(Debug, Clone)]
pub enum BenchMsg {
    Runs(Result<Vec<Run>, String>),
    Stats(Box<Filter>, Result<Box<Stats>, String>),
    /// The labels of a history page's attempts.
    Labels(Vec<(AttemptId, Vec<String>)>),
    Notes(AttemptId, Result<Notes, String>),
    Annotated(AttemptId, Result<Notes, String>),
    /// The file cannot be swept; nothing was dialed.
    SweepRefused(String),
    /// A line of the sweep's progress.
    SweepProgress(String),
    /// The sweep ended: its runs in the order of the file, and how it ended.
    Swept {
        runs: Vec<AttemptId>,
        ended: Result<String, String>,
    },
}
