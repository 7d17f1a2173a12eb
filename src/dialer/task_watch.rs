//! Following a server task: its callees counted per state (all a watch keeps of an answer,
//! however many callees it listed), and the finished tries still to bring home, gathered
//! into full pages so that n tries take ceil(n/100) record requests.

use serde::Serialize;

use super::task_home::{CDR_PAGE, Try};
use crate::ccc::actions::{AutoCalloutTaskCalleeInfo, CalleeState, TaskState};

/// Callees per state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub state: String,
    pub total: u64,
    pub initial: u64,
    pub calling: u64,
    pub answered: u64,
    pub unanswered: u64,
    pub pending_retry: u64,
    pub sessions: u64,
}

impl Progress {
    pub fn of(state: Option<TaskState>, callees: &[AutoCalloutTaskCalleeInfo]) -> Progress {
        let mut p = Progress {
            state: state.map_or("unknown".into(), |s| s.label()),
            total: callees.len() as u64,
            ..Progress::default()
        };
        for c in callees {
            p.sessions += c.sessions.len() as u64;
            match c.state {
                CalleeState::Initial | CalleeState::Other(_) => p.initial += 1,
                CalleeState::Calling => p.calling += 1,
                CalleeState::Answered => p.answered += 1,
                CalleeState::Unanswered => p.unanswered += 1,
                CalleeState::PendingRetry => p.pending_retry += 1,
            }
        }
        p
    }

    /// Callees done, answered or not.
    pub fn done(&self) -> u64 {
        self.answered + self.unanswered
    }

    pub fn line(&self) -> String {
        format!(
            "{} · initial {} · calling {} · answered {} · unanswered {} · pending retry {} · tries {}",
            self.state,
            self.initial,
            self.calling,
            self.answered,
            self.unanswered,
            self.pending_retry,
            self.sessions
        )
    }
}

/// The finished tries of a watched task not yet brought home: one byte per callee says how
/// many of its tries were taken, so memory stays flat however long the watch runs.
#[derive(Debug, Default)]
pub struct HomeQueue {
    taken: Vec<u8>,
    pending: Vec<Try>,
}

impl HomeQueue {
    /// Queues the tries of callees that finished since the last look.
    pub fn observe(&mut self, callees: &[AutoCalloutTaskCalleeInfo]) {
        self.taken.resize(callees.len().max(self.taken.len()), 0);
        for (index, c) in callees.iter().enumerate() {
            let taken = usize::from(self.taken[index]);
            if !c.state.is_final() || c.sessions.len() <= taken {
                continue;
            }
            for (n, s) in c.sessions.iter().enumerate().skip(taken) {
                self.pending.push(Try {
                    index,
                    callee: c.callee.clone(),
                    number: n + 1,
                    session_id: s.clone(),
                });
            }
            self.taken[index] = u8::try_from(c.sessions.len()).unwrap_or(u8::MAX);
        }
    }

    /// The tries to fetch now: whole pages only, or everything when the task has ended.
    pub fn take(&mut self, ended: bool) -> Vec<Try> {
        let n = if ended {
            self.pending.len()
        } else {
            self.pending.len() - self.pending.len() % CDR_PAGE
        };
        self.pending.drain(..n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callee(state: u64, tries: usize) -> AutoCalloutTaskCalleeInfo {
        AutoCalloutTaskCalleeInfo {
            callee: "0086".into(),
            state: state.into(),
            sessions: (0..tries).map(|t| format!("s{t}")).collect(),
        }
    }

    #[test]
    fn progress_counts_callees_per_state_and_their_tries() {
        let c = callee;
        let p = Progress::of(
            Some(TaskState::Running),
            &[c(0, 0), c(1, 1), c(2, 3), c(3, 1), c(4, 2), c(4, 1)],
        );
        assert_eq!(
            (
                p.initial,
                p.answered,
                p.unanswered,
                p.calling,
                p.pending_retry
            ),
            (1, 1, 1, 1, 2)
        );
        assert_eq!((p.total, p.sessions, p.done()), (6, 8, 2));
        assert!(p.line().starts_with("running · initial 1"));
    }

    #[test]
    fn finished_tries_are_queued_once_and_taken_in_whole_pages() {
        let mut q = HomeQueue::default();
        // 150 answered, one unanswered after three tries, one still pending retry.
        let mut callees: Vec<_> = (0..150).map(|_| callee(1, 1)).collect();
        callees.push(callee(2, 3));
        callees.push(callee(4, 2));
        q.observe(&callees);
        q.observe(&callees);
        let first = q.take(false);
        assert_eq!(first.len(), 100, "one whole page");
        assert!(q.take(false).is_empty(), "53 left: less than a page");
        callees[151] = callee(2, 3);
        q.observe(&callees);
        let rest = q.take(true);
        assert_eq!(rest.len(), 56, "50 + 3 + the retried callee's 3, each once");
        let last = rest.last().unwrap();
        assert_eq!(
            (last.index, last.number, last.session_id.as_str()),
            (151, 3, "s2")
        );
    }
}
