//! The background engine that places calls, shared by the TUI and the headless commands.

mod engine;
mod limiter;
mod request;

pub use engine::{Dialer, DialerEvent, Failure, Finished, MAX_RETRIES, now_ms, settle_interrupted};
pub use limiter::{DEFAULT_MARGIN, RateLimiter, WINDOW};
pub use request::{DialDraft, DialRequest, Field, Problem};
