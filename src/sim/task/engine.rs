//! One task's run: callees wait until due and a window is open, at most `concurrency` calls are
//! on at once, an unanswered try is retried after `RetryInterval` when its hang-up code is in
//! `RetryHangupTypes` and tries are left. Time moves only when `advance` is called, event by
//! event up to `now`, so a `ManualClock` jump replays everything in between in order.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use super::window::Schedule;
use crate::ccc::actions::{CalleeState, TaskState};
use crate::sim::faults::{self, Fault};
use crate::sim::session::{Script, Session, Sessions};

/// What every call of a task shares.
#[derive(Debug, Clone)]
pub struct CallPlan {
    pub agent_id: u64,
    pub agent_name: String,
    pub caller: String,
    pub ring_ms: i64,
    pub talk_ms: i64,
    pub max_ring_ms: Option<i64>,
    pub variables: Vec<(String, String)>,
}

/// The rules a task runs by.
#[derive(Debug, Clone)]
pub struct Rules {
    pub not_before_ms: i64,
    pub not_after_ms: Option<i64>,
    pub tries: u64,
    pub retry_interval_ms: i64,
    /// Empty: any unanswered end is retried.
    pub retry_codes: Vec<i64>,
    pub schedule: Schedule,
    pub concurrency: usize,
}

#[derive(Debug, Clone)]
pub struct CalleeRun {
    pub number: String,
    /// Overrides the plan's variables of the same name.
    pub variables: Vec<(String, String)>,
    pub sessions: Vec<String>,
    pub state: CalleeState,
}

#[derive(Debug)]
pub struct Run {
    pub rules: Rules,
    pub plan: CallPlan,
    pub callees: Vec<CalleeRun>,
    /// (due ms, callee index) of callees waiting for their next try.
    waiting: BTreeSet<(i64, usize)>,
    /// (end ms, callee index) of calls on now.
    on_call: BinaryHeap<Reverse<(i64, usize)>>,
    cursor_ms: i64,
    finished: usize,
    paused: bool,
    stopped_ms: Option<i64>,
}

impl Run {
    pub fn new(rules: Rules, plan: CallPlan, callees: Vec<CalleeRun>) -> Self {
        let due = rules.not_before_ms;
        Run {
            waiting: (0..callees.len()).map(|i| (due, i)).collect(),
            on_call: BinaryHeap::new(),
            cursor_ms: due,
            finished: 0,
            paused: false,
            stopped_ms: None,
            rules,
            plan,
            callees,
        }
    }

    /// No call may start at or after this moment.
    fn cutoff_ms(&self) -> Option<i64> {
        match (self.rules.not_after_ms, self.stopped_ms) {
            (Some(a), Some(s)) => Some(a.min(s)),
            (a, s) => a.or(s),
        }
    }

    fn next_start(&self) -> Option<i64> {
        if self.paused || self.on_call.len() >= self.rules.concurrency {
            return None;
        }
        let (due, _) = self.waiting.first()?;
        let at = self.rules.schedule.next_open((*due).max(self.cursor_ms))?;
        self.cutoff_ms().is_none_or(|c| at < c).then_some(at)
    }

    /// Plays every event up to `now_ms`.
    pub fn advance(&mut self, now_ms: i64, sessions: &mut Sessions) {
        loop {
            let next_end = self.on_call.peek().map(|Reverse((t, _))| *t);
            let next_start = self.next_start();
            let next = match (next_end, next_start) {
                (Some(e), Some(s)) => e.min(s),
                (e, s) => match e.or(s) {
                    Some(t) => t,
                    None => break,
                },
            };
            if next > now_ms {
                break;
            }
            self.cursor_ms = self.cursor_ms.max(next);
            while let Some(Reverse((end, i))) = self.on_call.peek().copied()
                && end <= next
            {
                self.on_call.pop();
                self.settle(i, end, sessions);
            }
            if next_start == Some(next) {
                while self.on_call.len() < self.rules.concurrency
                    && let Some((due, i)) = self.waiting.first().copied()
                    && due <= next
                {
                    self.waiting.pop_first();
                    self.start(i, next, sessions);
                }
            }
        }
        self.cursor_ms = self.cursor_ms.max(now_ms);
    }

    fn start(&mut self, i: usize, at_ms: i64, sessions: &mut Sessions) {
        let callee = &mut self.callees[i];
        let ending = match faults::for_callee(&callee.number) {
            Some(Fault::Reject { .. }) => {
                // Refused before it rang: the service records no session.
                callee.state = CalleeState::Unanswered;
                self.finished += 1;
                return;
            }
            Some(Fault::Ends(e)) => Some(e),
            _ => None,
        };
        let plan = &self.plan;
        let mut variables = plan.variables.clone();
        for (k, v) in &callee.variables {
            variables.retain(|(name, _)| name != k);
            variables.push((k.clone(), v.clone()));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let session = Session {
            room_id: (10_000_000 + crate::sim::session::fnv(&id) % 90_000_000).to_string(),
            record_id: crate::sim::session::uuid_from(&format!("{id}#record")),
            id,
            agent_id: plan.agent_id,
            agent_name: plan.agent_name.clone(),
            caller: plan.caller.clone(),
            callee: callee.number.clone(),
            variables,
            created_ms: at_ms,
            script: Script::new(ending, plan.ring_ms, plan.talk_ms, plan.max_ring_ms),
            hung_up_ms: None,
            pushed: Vec::new(),
        };
        callee.sessions.push(session.id.clone());
        callee.state = CalleeState::Calling;
        self.on_call.push(Reverse((session.end_ms(), i)));
        sessions.insert(session);
    }

    fn settle(&mut self, i: usize, end_ms: i64, sessions: &Sessions) {
        let callee = &mut self.callees[i];
        let last = callee.sessions.last().and_then(|id| sessions.get(id));
        let (answered, code) =
            last.map_or((false, 0), |s| (s.accepted_ms().is_some(), s.end().code));
        let retry = !answered
            && (callee.sessions.len() as u64) < self.rules.tries
            && (self.rules.retry_codes.is_empty() || self.rules.retry_codes.contains(&code));
        if retry {
            callee.state = CalleeState::PendingRetry;
            self.waiting
                .insert((end_ms + self.rules.retry_interval_ms, i));
        } else {
            callee.state = if answered {
                CalleeState::Answered
            } else {
                CalleeState::Unanswered
            };
            self.finished += 1;
        }
    }

    pub fn state(&self, now_ms: i64) -> TaskState {
        if self.finished == self.callees.len() {
            TaskState::Completed
        } else if self.stopped_ms.is_some() || self.cutoff_ms().is_some_and(|c| now_ms >= c) {
            if self.on_call.is_empty() {
                TaskState::Terminated
            } else {
                TaskState::Ending
            }
        } else if self.paused {
            TaskState::Paused
        } else if now_ms < self.rules.not_before_ms {
            TaskState::Initial
        } else {
            TaskState::Running
        }
    }

    /// Call after `advance(now_ms)`.
    pub fn pause(&mut self) {
        self.paused = true;
    }

    pub fn resume(&mut self) {
        self.paused = false;
    }

    pub fn stop(&mut self, now_ms: i64) {
        self.stopped_ms = Some(now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::task::window::DEFAULT_TIME_ZONE;

    const MIN: i64 = 60_000;

    fn run(numbers: &[&str], tries: u64, codes: Vec<i64>, concurrency: usize) -> Run {
        let rules = Rules {
            not_before_ms: 0,
            not_after_ms: None,
            tries,
            retry_interval_ms: 10 * MIN,
            retry_codes: codes,
            schedule: Schedule::always(DEFAULT_TIME_ZONE),
            concurrency,
        };
        let plan = CallPlan {
            agent_id: 15,
            agent_name: "Sales bot".into(),
            caller: "008601012345678".into(),
            ring_ms: 2_000,
            talk_ms: 8_000,
            max_ring_ms: Some(20_000),
            variables: vec![("name".into(), "task".into())],
        };
        let callees = numbers
            .iter()
            .map(|n| CalleeRun {
                number: n.to_string(),
                variables: vec![("name".into(), n.to_string())],
                sessions: Vec::new(),
                state: CalleeState::Initial,
            })
            .collect();
        Run::new(rules, plan, callees)
    }

    #[test]
    fn retries_only_the_listed_codes_each_after_the_interval() {
        let mut sessions = Sessions::default();
        // no answer (202), busy (206), rejects (203), answers.
        let mut r = run(
            &[
                "00999200202",
                "00999200206",
                "00999200203",
                "008613000000001",
            ],
            3,
            vec![202, 206],
            10,
        );
        r.advance(500, &mut sessions);
        assert!(r.callees.iter().all(|c| c.state == CalleeState::Calling));
        assert_eq!(r.state(500), TaskState::Running);
        r.advance(MIN, &mut sessions);
        let states: Vec<_> = r.callees.iter().map(|c| c.state).collect();
        assert_eq!(
            states,
            [
                CalleeState::PendingRetry,
                CalleeState::PendingRetry,
                CalleeState::Unanswered,
                CalleeState::Answered
            ]
        );
        r.advance(2 * 60 * MIN, &mut sessions);
        let tries: Vec<_> = r.callees.iter().map(|c| c.sessions.len()).collect();
        assert_eq!(tries, [3, 3, 1, 1]);
        assert_eq!(r.state(2 * 60 * MIN), TaskState::Completed);
        let first = sessions.get(&r.callees[1].sessions[0]).unwrap();
        let second = sessions.get(&r.callees[1].sessions[1]).unwrap();
        assert_eq!(
            second.created_ms,
            first.end_ms() + 10 * MIN,
            "the retry waits RetryInterval"
        );
        let answered = sessions.get(&r.callees[3].sessions[0]).unwrap();
        assert!(
            answered
                .variables
                .contains(&("name".into(), "008613000000001".into())),
            "the callee's variable overrides the task's"
        );
    }

    #[test]
    fn concurrency_bounds_calls_on_at_once() {
        let mut sessions = Sessions::default();
        let numbers: Vec<String> = (0..5).map(|i| format!("00861300000000{i}")).collect();
        let refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
        let mut r = run(&refs, 1, vec![], 2);
        r.advance(1_000, &mut sessions);
        let calling = |r: &Run| {
            r.callees
                .iter()
                .filter(|c| c.state == CalleeState::Calling)
                .count()
        };
        assert_eq!(calling(&r), 2);
        r.advance(10_000, &mut sessions);
        assert_eq!(calling(&r), 2, "two ended, two more started");
        r.advance(60_000, &mut sessions);
        assert_eq!(r.state(60_000), TaskState::Completed);
    }

    #[test]
    fn pause_holds_new_calls_and_stop_ends_the_task() {
        let mut sessions = Sessions::default();
        let mut r = run(&["008613000000001", "008613000000002"], 1, vec![], 1);
        r.advance(1_000, &mut sessions);
        r.pause();
        assert_eq!(r.state(1_000), TaskState::Paused);
        r.advance(60_000, &mut sessions);
        assert_eq!(r.callees[1].state, CalleeState::Initial);
        assert_eq!(r.callees[0].state, CalleeState::Answered);
        r.resume();
        r.advance(61_000, &mut sessions);
        assert_eq!(r.callees[1].state, CalleeState::Calling);
        r.stop(61_000);
        assert_eq!(r.state(61_000), TaskState::Ending);
        r.advance(120_000, &mut sessions);
        assert_eq!(r.state(120_000), TaskState::Completed);
    }

    #[test]
    fn no_call_starts_outside_the_window_or_after_not_after() {
        let mut sessions = Sessions::default();
        let mut r = run(&["00999200202"], 3, vec![202], 1);
        r.rules.not_after_ms = Some(15 * MIN);
        r.advance(3 * 60 * MIN, &mut sessions);
        assert_eq!(
            r.callees[0].sessions.len(),
            2,
            "the third try would be after NotAfter"
        );
        assert_eq!(r.state(3 * 60 * MIN), TaskState::Terminated);
        assert_eq!(r.callees[0].state, CalleeState::PendingRetry);
    }
}
