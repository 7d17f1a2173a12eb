//! The steering line: text typed at the bottom to be said by the agent or given to its LLM
//! during a live call.

use crossterm::event::KeyEvent;

use super::input::Input;
use super::keymap::Action;
use super::msg::Effect;
use crate::dialer::PushKind;
use crate::history::AttemptId;

#[derive(Debug, Clone, PartialEq)]
pub struct SteerLine {
    pub id: AttemptId,
    pub kind: PushKind,
    pub input: Input,
    /// Cut the agent short (Tab toggles).
    pub interrupt: bool,
}

/// What a key on the line comes to.
pub enum Steered {
    Stay,
    /// Closed; the line is kept when something was typed.
    Cancelled(Option<SteerLine>),
    /// Enter on an empty line.
    Empty,
    Send(Box<Effect>),
}

impl SteerLine {
    /// The line for `kind` into call `id`: the one not yet sent if it was for the same.
    pub fn open(unsent: &mut Option<SteerLine>, id: AttemptId, kind: PushKind) -> SteerLine {
        match unsent.take() {
            Some(u) if u.id == id && u.kind == kind => u,
            other => {
                *unsent = other;
                SteerLine {
                    id,
                    kind,
                    input: Input::default(),
                    interrupt: false,
                }
            }
        }
    }

    pub fn on_key(&mut self, action: Option<Action>, key: KeyEvent) -> Steered {
        match action {
            Some(Action::Cancel) => {
                Steered::Cancelled((!self.input.text().is_empty()).then(|| self.clone()))
            }
            Some(Action::ToggleInterrupt) => {
                self.interrupt = !self.interrupt;
                Steered::Stay
            }
            Some(Action::Send) if self.input.text().trim().is_empty() => Steered::Empty,
            Some(Action::Send) => Steered::Send(Box::new(Effect::Steer {
                id: self.id.clone(),
                kind: self.kind,
                text: self.input.text().to_string(),
                interrupt: self.interrupt,
            })),
            _ => {
                self.input.handle(key);
                Steered::Stay
            }
        }
    }

    /// Whether an accepted push was this line.
    pub fn is(&self, id: &AttemptId, kind: PushKind, text: &str) -> bool {
        self.id == *id && self.kind == kind && self.input.text() == text
    }
}
