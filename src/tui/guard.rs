//! The recent-call guard on screen. Before each dial the runtime asks this machine's history
//! and the service's records whether the callee was called within the window or is on a
//! call now. A dial held back waits here: the footer says why in words and only an explicit
//! second key dials anyway, recorded on the attempt as an override. The redial key is the
//! user's intent for its one call.

use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Overlay, Pane};
use super::held::{DIAL_ANYWAY, HeldDial, Intent};
use super::msg::{Effect, Level};
use crate::dialer::DialRequest;
use crate::history::Override;

impl App {
    /// The effect that dials `request`: with the redial key's intent when the form still
    /// calls the redialed callee (used up by this one call), else checked under the rule.
    pub(super) fn dial_effect(&mut self, request: DialRequest) -> Effect {
        match self.intent.take() {
            Some(i) if i.callee == request.callee => Effect::DialOverride {
                request,
                overridden: Override::Intent(format!("redial {}", i.attempt.short())),
                check: true,
            },
            _ => Effect::Dial(request),
        }
    }

    /// Loads the selected attempt into the form; the next dial of its callee is the user's
    /// intent to call again.
    pub(super) fn redial(&mut self) -> Vec<Effect> {
        let Some(a) = self.history.selected_attempt() else {
            return Vec::new();
        };
        let text = format!(
            "Loaded attempt {} into the form; Ctrl-S to dial {}",
            a.id.short(),
            a.callee
        );
        self.intent = Some(Intent {
            attempt: a.id.clone(),
            callee: a.callee.clone(),
        });
        self.form.load(&a.clone());
        self.detail_open = false;
        self.focus = Pane::Callee;
        self.notify(Level::Info, text);
        vec![self.form.save()]
    }

    /// The runtime held a dial back: the footer asks.
    pub(super) fn on_held(&mut self, held: HeldDial) -> Vec<Effect> {
        self.in_flight.undialed();
        let text = held.text(self.now_ms);
        self.notify(Level::Warning, text);
        self.overlay = Some(Overlay::Held(Box::new(held)));
        Vec::new()
    }

    /// `a` dials anyway (when a call may be overridden); Esc or `n` leave it. Any other key
    /// leaves the question up, so a habitual `y` or Enter dials nothing.
    pub(super) fn on_held_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Held(held)) = &self.overlay else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Char(DIAL_ANYWAY) if held.can_override() => {
                let held = (**held).clone();
                self.overlay = None;
                self.in_flight.dialed();
                self.notify(
                    Level::Warning,
                    format!(
                        "Dialing {} anyway; recorded as dialed anyway",
                        held.request.callee
                    ),
                );
                let overridden = held
                    .overridden
                    .unwrap_or_else(|| Override::Intent("dial anyway".into()));
                vec![Effect::DialOverride {
                    request: held.request,
                    overridden,
                    check: false,
                }]
            }
            KeyCode::Esc | KeyCode::Char('n' | 'N') => {
                self.overlay = None;
                self.notify(Level::Info, "Not dialed; the form is as you left it");
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
