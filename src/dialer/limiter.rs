//! The client-side request budget: at most N requests a second as the service counts them.
//!
//! The service counts requests when they arrive, which we never see. We do know that a request
//! arrived before its answer came back (or before we gave up on it). So a slot is held from the
//! start of a request until one second after its end: the N+1st request starts at least a second
//! after the 1st arrived, whatever the transit jitter. A token bucket of N would let N through
//! at once and then one every 1/N s, which a server counting over a sliding second can see as
//! nearly 2N. Waiters are served in arrival order.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

pub const WINDOW: Duration = Duration::from_secs(1);
/// Slack for timer granularity.
pub const DEFAULT_MARGIN: Duration = Duration::from_millis(20);

#[derive(Debug)]
pub struct RateLimiter {
    per_window: AtomicU32,
    margin: Duration,
    slots: Mutex<Slots>,
    turn: tokio::sync::Mutex<()>,
    ended: Notify,
}

#[derive(Debug, Default)]
struct Slots {
    next_id: u64,
    /// Requests in flight (`None`) or ended within the last window.
    held: VecDeque<(u64, Option<Instant>)>,
}

/// A slot of the budget, held while its request is in flight. Drop it when the answer (or the
/// failure) is in; the slot frees a second later.
#[must_use = "the slot is released when the permit drops; hold it until the answer is in"]
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a RateLimiter,
    id: u64,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut slots = self.limiter.lock();
        if let Some(slot) = slots.held.iter_mut().find(|(id, _)| *id == self.id) {
            slot.1 = Some(Instant::now());
        }
        drop(slots);
        self.limiter.ended.notify_one();
    }
}

impl RateLimiter {
    pub fn new(per_sec: u32) -> Self {
        RateLimiter::with_margin(per_sec, DEFAULT_MARGIN)
    }

    pub fn with_margin(per_sec: u32, margin: Duration) -> Self {
        RateLimiter {
            per_window: AtomicU32::new(per_sec.max(1)),
            margin,
            slots: Mutex::new(Slots::default()),
            turn: tokio::sync::Mutex::new(()),
            ended: Notify::new(),
        }
    }

    pub fn per_sec(&self) -> u32 {
        self.per_window.load(Ordering::Relaxed)
    }

    pub fn set_per_sec(&self, per_sec: u32) {
        self.per_window.store(per_sec.max(1), Ordering::Relaxed);
        self.ended.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a slot and takes it.
    pub async fn acquire(&self) -> Permit<'_> {
        let _turn = self.turn.lock().await;
        let span = WINDOW + self.margin;
        loop {
            let wait = {
                let mut slots = self.lock();
                let now = Instant::now();
                slots
                    .held
                    .retain(|(_, ended)| ended.is_none_or(|t| now.duration_since(t) < span));
                if slots.held.len() < self.per_sec() as usize {
                    let id = slots.next_id;
                    slots.next_id += 1;
                    slots.held.push_back((id, None));
                    return Permit { limiter: self, id };
                }
                slots
                    .held
                    .iter()
                    .filter_map(|(_, ended)| *ended)
                    .min()
                    .map(|t| span - now.duration_since(t))
            };
            match wait {
                Some(d) => {
                    tokio::select! {
                        _ = tokio::time::sleep(d) => {}
                        _ = self.ended.notified() => {}
                    }
                }
                // Every slot is in flight: wait for one to end.
                None => self.ended.notified().await,
            }
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
            drop(limiter.acquire().await);
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
    async fn a_slot_is_held_until_a_second_after_its_answer() {
        let limiter = RateLimiter::new(2);
        let a = limiter.acquire().await;
        let _b = limiter.acquire().await;
        // Both in flight: a third waits however long they take.
        let third = tokio::time::timeout(Duration::from_secs(30), limiter.acquire()).await;
        assert!(
            third.is_err(),
            "a third request started while two were in flight"
        );
        let answered = Instant::now();
        drop(a);
        let _c = limiter.acquire().await;
        assert!(Instant::now() - answered >= WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lower_rate_takes_effect() {
        let limiter = RateLimiter::new(20);
        limiter.set_per_sec(2);
        let start = Instant::now();
        for _ in 0..5 {
            drop(limiter.acquire().await);
        }
        assert!(Instant::now() - start >= Duration::from_secs(2));
    }
}
