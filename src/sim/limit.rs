//! The service's request rate limit: at most N requests a second per action and SdkAppId.
//! Real monotonic time, since it compares against how fast a real client sends.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct RateLimit {
    per_sec: u32,
    admitted: HashMap<(String, i64), VecDeque<Instant>>,
}

impl RateLimit {
    pub fn new(per_sec: u32) -> Self {
        RateLimit {
            per_sec,
            admitted: HashMap::new(),
        }
    }

    pub fn per_sec(&self) -> u32 {
        self.per_sec
    }

    /// Admits one `action` request for `sdk_app_id` at `now`, unless the last second already
    /// holds `per_sec` admitted ones. Refused requests do not count.
    pub fn admit(&mut self, action: &str, sdk_app_id: i64, now: Instant) -> bool {
        let window = self
            .admitted
            .entry((action.to_string(), sdk_app_id))
            .or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            window.pop_front();
        }
        if window.len() >= self.per_sec as usize {
            return false;
        }
        window.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_first_in_a_second_is_refused_and_window_slides() {
        let mut l = RateLimit::new(20);
        let t0 = Instant::now();
        for i in 0..20 {
            assert!(
                l.admit("A", 1, t0 + Duration::from_millis(i)),
                "request {i}"
            );
        }
        assert!(!l.admit("A", 1, t0 + Duration::from_millis(500)));
        assert!(
            l.admit("A", 2, t0 + Duration::from_millis(500)),
            "apps are counted apart"
        );
        assert!(
            l.admit("B", 1, t0 + Duration::from_millis(500)),
            "actions are counted apart"
        );
        assert!(l.admit("A", 1, t0 + Duration::from_millis(1_000)));
    }
}
