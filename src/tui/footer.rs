//! The footer: the latest notice until it times out (every notice stays in the log), or
//! the question being asked, wrapped, above the mode line.

use std::time::Duration;

use super::app::{App, Overlay};
use super::msg::{Notice, wrap};

/// Notices kept in the message log.
const MESSAGE_LOG: usize = 200;
/// Lines of a message in the footer; `m` shows all of it.
pub const FOOTER_MESSAGE_LINES: usize = 3;

impl App {
    /// Puts a notice in the footer until it times out, and in the log.
    pub(super) fn show(&mut self, mut notice: Notice) {
        notice.until_ms = self.now_ms + Notice::lasts_ms(notice.level);
        self.log.push(notice.clone());
        if self.log.len() > MESSAGE_LOG {
            self.log.remove(0);
        }
        self.notice = Some(notice);
    }

    /// How long the runtime may sleep before the screen changes by itself: a live call's
    /// clock, or a notice timing out. `None` when nothing changes until something happens.
    pub fn next_wake(&self, now_ms: i64) -> Option<Duration> {
        let notice = self
            .notice
            .as_ref()
            .map(|n| (n.until_ms - now_ms).max(0) as u64);
        let clock = self.ticking().then_some(1_000);
        notice
            .into_iter()
            .chain(clock)
            .min()
            .map(Duration::from_millis)
    }

    /// The text above the mode line: a question to answer, or the latest notice.
    pub fn footer_message(&self) -> Option<String> {
        match &self.overlay {
            Some(Overlay::Confirm(request)) => {
                let place = if self.backend.simulator {
                    "SIMULATOR"
                } else {
                    "LIVE · a real phone rings"
                };
                Some(format!("{place} · {}", self.confirm_text(request)))
            }
            Some(Overlay::HangUp(id)) => Some(format!("Hang up call {}?", id.short())),
            Some(Overlay::Quit) => self.quit_question(),
            Some(Overlay::Held(held)) => Some(held.text(self.now_ms)),
            Some(Overlay::Undeclared(q)) => Some(q.text()),
            Some(Overlay::Steer(_)) => None,
            _ => self.notice.as_ref().map(|n| n.text.clone()),
        }
    }

    /// Lines of the footer: the message, wrapped (at most [`FOOTER_MESSAGE_LINES`]), and
    /// the mode line.
    pub fn footer_lines(&self) -> u16 {
        let message = self.footer_message().map_or(0, |m| {
            wrap(&m, self.size.0.saturating_sub(1) as usize)
                .len()
                .min(FOOTER_MESSAGE_LINES)
        });
        1 + message as u16
    }
}
