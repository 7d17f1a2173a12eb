//! The clock that drives call lifecycles. Tests use [`ManualClock`] so a call rings, connects
//! and ends exactly when they say, without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, as the simulator sees them.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// The machine's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        wall_ms()
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    ms: AtomicI64,
}

impl ManualClock {
    pub fn new(start_ms: i64) -> Self {
        ManualClock {
            ms: AtomicI64::new(start_ms),
        }
    }

    /// Starts at the current wall-clock time, so time windows near "now" behave as in life.
    pub fn starting_now() -> Self {
        Self::new(wall_ms())
    }

    pub fn set_ms(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }

    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.ms.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// Wall-clock time running `scale` times faster from the moment it is made, so a task of
/// three days with ten-minute retries can be rehearsed in minutes.
#[derive(Debug)]
pub struct ScaledClock {
    start_ms: i64,
    scale: f64,
}

impl ScaledClock {
    pub fn new(scale: f64) -> Self {
        ScaledClock {
            start_ms: wall_ms(),
            scale,
        }
    }
}

impl Clock for ScaledClock {
    fn now_ms(&self) -> i64 {
        let real = wall_ms() - self.start_ms;
        self.start_ms + (real as f64 * self.scale) as i64
    }
}

/// Real wall-clock milliseconds; the signature check always compares against this.
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(1_000);
        assert_eq!(c.now_ms(), 1_000);
        c.advance(Duration::from_millis(2_500));
        assert_eq!(c.now_ms(), 3_500);
        c.set_ms(10);
        assert_eq!(c.now_ms(), 10);
    }

    #[test]
    fn a_scaled_clock_starts_now_and_runs_faster() {
        let c = ScaledClock::new(1_000.0);
        let t0 = c.now_ms();
        assert!((t0 - wall_ms()).abs() < 1_000);
        std::thread::sleep(Duration::from_millis(20));
        assert!(c.now_ms() - t0 >= 20_000);
    }
}
