//! A dialer over a client and a history, as the tests build one beside a simulator.

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::Client;
use ccc_dial::dialer::{Dialer, DialerEvent, RateLimiter, WatchConfig};
use ccc_dial::history::Store;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// The dialer, calling at most `per_second` a second and recording under `label`, and its
/// events.
pub fn dialer(
    client: Client,
    store: Store,
    per_second: u32,
    label: impl Into<String>,
) -> (Dialer, UnboundedReceiver<DialerEvent>) {
    let (tx, events) = unbounded_channel();
    let dialer = Dialer::new(
        Arc::new(client),
        store,
        Arc::new(RateLimiter::new(per_second)),
        label,
        tx,
    );
    (dialer, events)
}

/// Following a call at the simulator's pace, looks every 10 to 20 ms: fast enough for a test
/// to watch calls to their end.
pub fn fast_watch() -> WatchConfig {
    WatchConfig {
        interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(20),
        record_retry: Duration::from_millis(10),
        record_tries: 20,
        max_errors: 50,
    }
}
