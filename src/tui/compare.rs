//! The Compare screen's state: the runs being loaded or compared, the first line shown, and
//! whether variables every run shares are folded away.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::plain_char;
use crate::history::AttemptId;
use crate::results::compare::Comparison;

#[derive(Debug, Clone)]
pub struct CompareView {
    /// The runs asked for, in mark order.
    pub ids: Vec<AttemptId>,
    /// `None` until the runs are read from the history.
    pub comparison: Option<Comparison>,
    pub scroll: usize,
    /// Variables every run shares are left out.
    pub collapse: bool,
    /// The first line that shows the table's end on the screen, as last drawn (it depends on
    /// the screen's size and the transcripts' wrapping): scrolling stops there.
    pub bottom: Cell<Option<usize>>,
}

/// What a key did to the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    Stay,
    Close,
}

impl CompareView {
    pub fn loading(ids: Vec<AttemptId>) -> CompareView {
        CompareView {
            ids,
            comparison: None,
            scroll: 0,
            collapse: false,
            bottom: Cell::new(None),
        }
    }

    /// Lines in the table as shown.
    fn lines(&self) -> usize {
        self.comparison
            .as_ref()
            .map_or(0, |c| c.lines(self.collapse).len())
    }

    /// Scrolls by `delta` lines, keeping the end of the table reachable and no further.
    pub fn scroll_by(&mut self, delta: isize) {
        let last = self.lines().saturating_sub(1);
        let last = self.bottom.get().map_or(last, |b| b.min(last));
        self.scroll = self.scroll.min(last).saturating_add_signed(delta).min(last);
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Compared {
        match (key.code, plain_char(&key)) {
            (KeyCode::Esc, _) | (_, Some('q' | 'C')) => return Compared::Close,
            (KeyCode::Down, _) | (_, Some('j')) => self.scroll_by(1),
            (KeyCode::Up, _) | (_, Some('k')) => self.scroll_by(-1),
            (KeyCode::PageDown, _) => self.scroll_by(10),
            (KeyCode::PageUp, _) => self.scroll_by(-10),
            (KeyCode::Home, _) | (_, Some('g')) => self.scroll = 0,
            (KeyCode::End, _) | (_, Some('G')) => self.scroll_by(isize::MAX),
            (_, Some('v')) => {
                self.collapse = !self.collapse;
                // The end moves with the lines folded or shown; the next frame finds it.
                self.bottom.set(None);
                self.scroll_by(0);
            }
            _ => {}
        }
        Compared::Stay
    }
}
