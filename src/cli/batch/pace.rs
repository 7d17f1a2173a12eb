//! When the next row may start. The service counts requests as they arrive, so the window
//! here is kept over the moments requests were actually sent, not over when rows started: a
//! row records its attempt (an fsync or two) before it sends, and that delay varies. A row
//! starts only while fewer than `per_window` requests were sent in the last window or are
//! started and not yet sent; since a row sends after it starts, no window of sends ever holds
//! more than `per_window`.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use crate::history::AttemptId;

#[derive(Debug)]
pub struct Pacer {
    per_window: usize,
    span: Duration,
    sent: VecDeque<Instant>,
    started: HashSet<AttemptId>,
}

/// Whether a row may start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Now,
    /// Once the oldest send in the window is this old.
    After(Duration),
    /// When a started row sends (or ends without sending).
    WhenSent,
}

impl Pacer {
    pub fn new(per_sec: u32, span: Duration) -> Pacer {
        Pacer {
            per_window: per_sec.max(1) as usize,
            span,
            sent: VecDeque::new(),
            started: HashSet::new(),
        }
    }

    pub fn turn(&mut self, now: Instant) -> Turn {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.span)
        {
            self.sent.pop_front();
        }
        let busy = self.sent.len() + self.started.len();
        if busy < self.per_window {
            return Turn::Now;
        }
        // Sends that must leave the window before one more fits.
        let excess = busy + 1 - self.per_window;
        match self.sent.get(excess - 1) {
            Some(t) => Turn::After(self.span - now.duration_since(*t)),
            None => Turn::WhenSent,
        }
    }

    pub fn started(&mut self, id: AttemptId) {
        self.started.insert(id);
    }

    /// A request left, the first try of a started row or a retry.
    pub fn sent(&mut self, id: &AttemptId, at: Instant) {
        self.started.remove(id);
        self.sent.push_back(at);
    }

    /// The row ended; if it never sent, it no longer holds a place.
    pub fn ended(&mut self, id: &AttemptId) {
        self.started.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_sends_and_rows_not_yet_sent() {
        let span = Duration::from_millis(1020);
        let mut p = Pacer::new(3, span);
        let t0 = Instant::now();
        let ids: Vec<AttemptId> = (0..4).map(|i| AttemptId(i.to_string())).collect();
        for id in &ids[..3] {
            assert_eq!(p.turn(t0), Turn::Now);
            p.started(id.clone());
        }
        assert_eq!(p.turn(t0), Turn::WhenSent);
        // The first sends late: its window starts then, not when it started.
        p.sent(&ids[0], t0 + Duration::from_millis(300));
        p.sent(&ids[1], t0 + Duration::from_millis(310));
        assert_eq!(
            p.turn(t0 + Duration::from_millis(400)),
            Turn::After(Duration::from_millis(920))
        );
        p.ended(&ids[2]);
        assert_eq!(p.turn(t0 + Duration::from_millis(400)), Turn::Now);
        p.started(ids[3].clone());
        assert_eq!(
            p.turn(t0 + Duration::from_millis(1320)),
            Turn::Now,
            "the first send left the window"
        );
    }
}
