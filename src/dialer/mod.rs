//! The background engine that places calls, follows them live and reports them, shared by the
//! TUI and the headless commands.

mod control;
mod engine;
mod limiter;
mod reconcile;
pub mod report;
mod request;
mod watch;

pub use crate::history::PushKind;
pub use crate::history::event::Candidate;
pub use control::ControlError;
pub use engine::{Dialer, DialerEvent, Failure, Finished, MAX_RETRIES, now_ms, settle_interrupted};
pub use limiter::{DEFAULT_MARGIN, Permit, RateLimiter, WINDOW};
pub use reconcile::{ReconcileError, ReconcileOutcome};
pub use report::{
    CallReport, CallWord, END_STATUS, EndStatus, Interactions, LatencyReport, LatencyRound,
    LiveCall, Stat, Steer, Tag, Tone, elapsed,
};
pub use request::{DialDraft, DialRequest, Field, Problem};
pub use watch::{CLOCK_SLACK_S, LOOKBACK_S, WatchConfig, WatchEnd, WatchEvent};
