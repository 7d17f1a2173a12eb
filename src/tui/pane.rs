//! The panes of the main screen, in the order Tab visits them.

use crate::dialer::Field;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Agent,
    Options,
    Callee,
    Callers,
    Variables,
    History,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Agent,
        Pane::Options,
        Pane::Callee,
        Pane::Callers,
        Pane::Variables,
        Pane::History,
    ];

    pub fn step(self, forward: bool) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let n = Pane::ALL.len();
        Pane::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// The pane a field of the draft is shown in.
    pub fn of(field: Field) -> Pane {
        match field {
            Field::SdkAppId | Field::AgentId => Pane::Agent,
            Field::MaxRingTimeout | Field::AcquireTimeout => Pane::Options,
            Field::Callee => Pane::Callee,
            Field::Caller(_) => Pane::Callers,
            Field::Variable(_) => Pane::Variables,
        }
    }
}
