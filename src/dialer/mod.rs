//! The background engine that places calls, follows them live and reports them, shared by the
//! TUI and the headless commands.

mod control;
mod engine;
mod held;
mod limiter;
mod reconcile;
pub mod report;
mod request;
mod watch;
mod witness;

pub use control::ControlError;
pub use engine::{Dialer, DialerEvent, Failure, Finished, MAX_RETRIES, now_ms, settle_interrupted};
pub use held::{HeldBack, Witness};
pub use limiter::{DEFAULT_MARGIN, Permit, RateLimiter, WINDOW};
pub use reconcile::{Candidate, ReconcileError, ReconcileOutcome};
pub use report::{
    CallReport, CallWord, END_STATUS, EndStatus, Interactions, LatencyReport, LatencyRound,
    LiveCall, Stat, Steer, Tag, TimelineEntry, Tone, elapsed,
};
pub use request::{DialDraft, DialRequest, Field, Problem};
pub use watch::{CLOCK_SLACK_S, LOOKBACK_S, PushKind, WatchConfig, WatchEnd, WatchEvent};
