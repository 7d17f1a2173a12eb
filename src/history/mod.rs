//! The durable call history: every attempt is committed before its request leaves, and each
//! change of its status is appended as an event, in one SQLite file.
//!
//! The file lives in the platform data directory (`~/.local/share/ccc-dial/history.db` on
//! Linux) unless `CCC_DIAL_HISTORY` or `--db` names another. It is created with mode 0600
//! in a directory created with mode 0700, since it holds people's phone numbers. It runs in
//! WAL mode with `synchronous=FULL`: a committed attempt survives a crash of the process and
//! a loss of power, which is what "never dial twice" leans on after a restart. The events
//! that follow an attempt's claim commit without an fsync of their own: a power cut loses at
//! most the newest of them, which leaves the attempt `queued`, and so held as unknown.
//!
//! [`Store`] is a cheap `Clone` handle (`Arc<Mutex<Connection>>`), `Send + Sync`: hand a clone
//! to each task. Its calls block on SQLite (typically well under a millisecond for reads, one
//! fsync for writes); async code that cannot afford that should call it from
//! `tokio::task::spawn_blocking`.

mod aside;
mod attempt;
pub mod batch;
mod campaign;
mod claim;
mod claim_bulk;
pub mod event;
mod export;
mod label;
mod open;
mod query;
mod read_only;
mod schema;
mod store;
mod summary;
mod tally;
mod task;
mod task_claim;

use std::path::PathBuf;

pub use attempt::{
    Attempt, AttemptId, AttemptStatus, BatchRef, Event, EventUpdate, NewAttempt, ParseStatusError,
};
pub use campaign::{Campaign, LocalBatch};
pub use claim::{ClaimRule, Claimed, DEFAULT_WINDOW, Hold, Holder, Line, Override, TaskHolder};
pub use claim_bulk::Lines;
pub use event::{CallEvent, CallRecord, Fetched, PushKind};
pub use export::{
    CSV_HEADER, ExportFormat, JsonSink, attempt_json, csv_error, csv_record, event_json,
};
pub use label::{Entry, LABEL_MAX, LabelError, NOTE_MAX, Notes, parse_label};
pub use open::QUICK_CHECK_MAX_BYTES;
pub use query::{Filter, Page};
pub use schema::VERSION as SCHEMA_VERSION;
pub use store::Store;
pub use summary::{Summary, SummaryRow};
pub use tally::{LabelCount, Medians, OutcomeCount, Tally};
pub use task::{NewTaskPart, TaskPart, TaskPartStatus};
pub use task_claim::HeldCallee;

/// The environment variable that names the history file, ahead of the default place.
pub const ENV_PATH: &str = "CCC_DIAL_HISTORY";

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file cannot be opened or written: says where, why and what to do.
    #[error("history database {}: {reason}. {hint}", path.display())]
    Unusable {
        path: PathBuf,
        reason: String,
        hint: String,
    },
    #[error("no attempt `{0}` in the history")]
    NotFound(String),
    #[error("`{prefix}` matches {count} attempts; type more of the attempt id")]
    Ambiguous { prefix: String, count: u64 },
    #[error("attempt {0} is already in the history; each attempt needs a new id")]
    Duplicate(String),
    #[error(
        "no home directory to keep the history in; set {ENV_PATH} to a file path or pass --db PATH"
    )]
    NoDataDir,
    #[error(transparent)]
    Label(#[from] LabelError),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("history database: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
