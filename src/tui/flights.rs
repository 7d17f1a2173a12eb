//! The dials the dialer is still working on, and the failures seen this run: what the
//! dialer's events say about attempts before the history has them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Index;

use super::msg::{Level, Notice};
use crate::dialer::{DialerEvent, Failure, WatchEvent};
use crate::history::AttemptId;

/// An attempt the dialer is still working on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    pub state: String,
}

#[derive(Debug, Clone, Default)]
pub struct Flights {
    flights: BTreeMap<AttemptId, Flight>,
    /// Dials handed to the dialer that it has not recorded yet.
    pending: u32,
    /// Failures seen this run, for labels the history rows do not store.
    failures: HashMap<AttemptId, Failure>,
    /// Accepted calls this dialer follows until they end.
    live: BTreeSet<AttemptId>,
}

/// What an event of the dialer comes to for the rest of the state.
pub enum Seen {
    /// A new attempt was recorded: it comes first in the list.
    Queued,
    Changed,
    /// The dial was not recorded: there is nothing to show for it.
    NotRecorded,
    /// A followed call changed.
    Watch(WatchEvent),
}

impl Index<&AttemptId> for Flights {
    type Output = Flight;
    fn index(&self, id: &AttemptId) -> &Flight {
        &self.flights[id]
    }
}

impl Flights {
    /// Attempts in flight, including those not yet recorded.
    pub fn count(&self) -> usize {
        self.flights.len() + self.pending as usize
    }

    /// Calls this dialer follows that have not ended.
    pub fn live(&self) -> usize {
        self.live.len()
    }

    pub fn get(&self, id: &AttemptId) -> Option<&Flight> {
        self.flights.get(id)
    }

    pub fn contains_key(&self, id: &AttemptId) -> bool {
        self.flights.contains_key(id)
    }

    pub fn failure(&self, id: &AttemptId) -> Option<&Failure> {
        self.failures.get(id)
    }

    /// A dial handed to the dialer.
    pub fn dialed(&mut self) {
        self.pending += 1;
    }

    /// A dial handed over that the recent-call guard held back before the dialer had it.
    pub fn undialed(&mut self) {
        self.pending = self.pending.saturating_sub(1);
    }

    /// Takes an event; returns what it comes to and what to tell the user.
    pub fn on_event(&mut self, event: DialerEvent) -> (Seen, Option<Notice>) {
        let id = event.id().clone();
        let mut fly = |state: String| {
            self.flights.insert(id.clone(), Flight { state });
        };
        match event {
            DialerEvent::Queued { .. } => {
                self.pending = self.pending.saturating_sub(1);
                fly("queued".into());
                return (Seen::Queued, None);
            }
            DialerEvent::Sent { try_no, .. } => fly(if try_no > 1 {
                format!("sent (try {try_no})")
            } else {
                "sent".into()
            }),
            DialerEvent::Retrying { after, label, .. } => fly(format!(
                "{}, again in {:.1}s",
                label.as_str(),
                after.as_secs_f64()
            )),
            DialerEvent::Accepted { session_id, .. } => {
                self.flights.remove(&id);
                self.live.insert(id);
                let text = format!("Accepted · SessionId {session_id}");
                return (Seen::Changed, Some(Notice::new(Level::Success, text)));
            }
            DialerEvent::Failed { failure, .. } => {
                self.flights.remove(&id);
                let code = failure.code.as_deref().unwrap_or("");
                let text = format!(
                    "{} ({}) {code}: {}",
                    failure.status(),
                    failure.label.as_str(),
                    failure.hint
                );
                self.failures.insert(id, failure);
                return (Seen::Changed, Some(Notice::new(Level::Error, text)));
            }
            DialerEvent::NotRecorded { message, .. } => {
                self.pending = self.pending.saturating_sub(1);
                return (Seen::NotRecorded, Some(Notice::new(Level::Error, message)));
            }
            DialerEvent::Held { held, .. } => {
                self.pending = self.pending.saturating_sub(1);
                let text = format!("Not dialed: {held}");
                return (Seen::NotRecorded, Some(Notice::new(Level::Error, text)));
            }
            DialerEvent::Watch(w) => {
                self.follow(&w);
                return (Seen::Watch(w), None);
            }
        }
        (Seen::Changed, None)
    }

    /// Keeps the count of live calls: a status that is live adds one (a call followed again
    /// after a restart), an end or a watch given up takes it away.
    fn follow(&mut self, w: &WatchEvent) {
        let id = w.id().clone();
        match w {
            WatchEvent::Status { status, .. } if status.is_live() => {
                self.live.insert(id);
            }
            WatchEvent::Status { .. }
            | WatchEvent::Record { .. }
            | WatchEvent::Report { .. }
            | WatchEvent::WatchError { stopped: true, .. } => {
                self.live.remove(&id);
            }
            _ => {}
        }
    }
}
