//! Quitting: at once when nothing is live; with calls live or dials under way, first a
//! question saying how many and what becomes of them.

use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Overlay};
use super::keymap::is_ctrl;
use super::msg::{Effect, Level};

impl App {
    /// A quitting key: asks first when calls are live, quits when asked already.
    pub(super) fn quit(&mut self) -> Vec<Effect> {
        let asked = matches!(self.overlay, Some(Overlay::Quit));
        let typed = self.finish_typing();
        if !asked && self.quit_question().is_some() {
            self.overlay = Some(Overlay::Quit);
            return typed;
        }
        self.overlay = None;
        self.quit = true;
        vec![self.form.save(), Effect::Quit]
    }

    /// The question before quitting, when something would be left: how many calls are
    /// live or being dialed, and what becomes of them.
    pub fn quit_question(&self) -> Option<String> {
        let live = self.in_flight.live();
        let dialing = self.in_flight.count();
        let mut parts = Vec::new();
        if live > 0 {
            let (n, are) = plural(live, "call", "is", "are");
            parts.push(format!(
                "{n} {are} live (calls go on, and are followed again at next start)"
            ));
        }
        if dialing > 0 {
            let (n, are) = plural(dialing, "dial", "is", "are");
            parts.push(format!(
                "{n} {are} not answered yet (at next start marked unknown: reconcile \
                 before dialing again)"
            ));
        }
        if parts.is_empty() {
            return None;
        }
        Some(format!("Quit? {}", parts.join("; ")))
    }

    /// The key after the question: a quitting key again quits, any other stays.
    pub(super) fn on_quit_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if matches!(key.code, KeyCode::Enter | KeyCode::Char('y' | 'Y' | 'q')) || is_ctrl(&key, 'q')
        {
            return self.quit();
        }
        self.overlay = None;
        self.notify(Level::Info, "Not quit; the calls are followed as before");
        Vec::new()
    }
}

/// `1 call` / `2 calls` with the verb that goes with it.
fn plural(n: usize, noun: &str, one: &'static str, many: &'static str) -> (String, &'static str) {
    if n == 1 {
        (format!("1 {noun}"), one)
    } else {
        (format!("{n} {noun}s"), many)
    }
}
