//! The client-side request budget: at most N requests in any one-second window.
//!
//! A token bucket of N lets N through at once and then one every 1/N s, so a server counting
//! over a sliding second can see nearly 2N; this keeps the send times of the last N requests
//! instead, and waits until the oldest is more than a second (plus a margin for transit
//! jitter) old. Waiters are served in arrival order.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

pub const WINDOW: Duration = Duration::from_secs(1);
/// Slack for timer and network jitter between our clock and the service's.
pub const DEFAULT_MARGIN: Duration = Duration::from_millis(20);

#[derive(Debug)]
pub struct RateLimiter {
    per_window: AtomicU32,
    margin: Duration,
    sent: Mutex<VecDeque<Instant>>,
    turn: tokio::sync::Mutex<()>,
}

impl RateLimiter {
    pub fn new(per_sec: u32) -> Self {
        RateLimiter::with_margin(per_sec, DEFAULT_MARGIN)
    }

    pub fn with_margin(per_sec: u32, margin: Duration) -> Self {
        RateLimiter {
            per_window: AtomicU32::new(per_sec.max(1)),
            margin,
            sent: Mutex::new(VecDeque::new()),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    pub fn per_sec(&self) -> u32 {
        self.per_window.load(Ordering::Relaxed)
    }

    pub fn set_per_sec(&self, per_sec: u32) {
        self.per_window.store(per_sec.max(1), Ordering::Relaxed);
    }

    /// Waits for a slot and takes it.
    pub async fn acquire(&self) {
        let _turn = self.turn.lock().await;
        loop {
            let wait = {
                let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let span = WINDOW + self.margin;
                while sent.front().is_some_and(|t| now.duration_since(*t) >= span) {
                    sent.pop_front();
                }
                if sent.len() < self.per_sec() as usize {
                    sent.push_back(now);
                    return;
                }
                span - now.duration_since(sent[sent.len() - self.per_sec() as usize])
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_n_in_any_window() {
        let limiter = RateLimiter::new(20);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..100 {
            limiter.acquire().await;
            times.push(Instant::now() - start);
        }
        for (i, t) in times.iter().enumerate().skip(20) {
            assert!(*t - times[i - 20] >= WINDOW, "request {i} came too soon");
        }
        // 100 requests at 20 a second: four full windows after the first burst.
        let total = *times.last().unwrap();
        assert!(
            total >= Duration::from_secs(4) && total < Duration::from_millis(4200),
            "{total:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_lower_rate_takes_effect() {
        let limiter = RateLimiter::new(20);
        limiter.set_per_sec(2);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert!(Instant::now() - start >= Duration::from_secs(2));
    }
}
