//! The background engine that places calls, follows them live and reports them, shared by the
//! TUI and the headless commands. `ctx` holds what every part shares and `event` what they
//! report; `engine` dials, `watch` follows, `cdr` fetches a finished call's record and
//! details, `control` acts on a live call, `reconcile` settles an unknown outcome: each of
//! these uses `ctx`, `event` and `cdr`, none the others.

mod cdr;
mod control;
mod ctx;
mod engine;
mod event;
mod held;
mod limiter;
mod reconcile;
pub mod report;
mod request;
mod summary;
pub mod task_control;
pub mod task_home;
pub mod task_watch;
mod timeline;
mod transcript;
mod watch;
mod witness;
pub mod word;

pub use crate::history::PushKind;
pub use crate::history::event::Candidate;
pub use cdr::{CLOCK_SLACK_S, LOOKBACK_S};
pub use control::ControlError;
pub use ctx::{Dialer, HistoryUnreadable, Unrecorded, WatchConfig, now_ms};
pub use engine::{MAX_RETRIES, settle_abandoned, settle_interrupted};
pub use event::{DialerEvent, Failure, Finished, ReconcileOutcome, WatchEnd, WatchEvent};
pub use held::{HeldBack, Witness};
pub use limiter::{DEFAULT_MARGIN, Permit, RateLimiter, WINDOW};
pub use reconcile::ReconcileError;
pub use report::{
    CallReport, HungUp, Interactions, LatencyReport, LatencyRound, LiveCall, Stat, Steer, Tag,
};
pub use request::{DialDraft, DialRequest, Field, Problem};
pub use summary::{keep_summaries, record_with_summary};
pub use transcript::{Speaker, TranscriptLine, transcript};
pub use word::{CallWord, END_STATUS, EndStatus, Tone, elapsed};
