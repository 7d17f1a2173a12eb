//! The mouse: a click focuses the pane under it (and selects the history row under it), the
//! wheel moves through the history or scrolls the open attempt.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::app::App;
use super::keymap::Action;
use super::layout::Layout;
use super::msg::Effect;
use super::pane::Pane;

impl App {
    pub(super) fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if self.overlay.is_some() {
            let down = m.kind == MouseEventKind::ScrollDown;
            if matches!(
                m.kind,
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp
            ) {
                self.on_bench_wheel(down);
            }
            return Vec::new();
        }
        let l = Layout::new(self.size, self.shape());
        let at = Position::new(m.column, m.row);
        let panes = [
            (l.agent, Pane::Agent),
            (l.options, Pane::Options),
            (l.callee, Pane::Callee),
            (l.callers, Pane::Callers),
            (l.variables, Pane::Variables),
            (l.history, Pane::History),
        ];
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let Some((rect, pane)) = panes.into_iter().find(|(r, _)| r.contains(at)) else {
                    return Vec::new();
                };
                let mut effects = self.finish_typing();
                self.focus = pane;
                let row = at.y.saturating_sub(rect.y + 1) as u64;
                if pane == Pane::History && at.y > rect.y && row < l.history_rows as u64 {
                    let index = self.history.scroll + row;
                    if index < self.history.total {
                        let before = self.history.selected;
                        self.history.selected = index;
                        effects.extend(self.after_move(before));
                    }
                }
                effects
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = m.kind == MouseEventKind::ScrollDown;
                if l.history.contains(at) {
                    self.on_history_key(if down { Action::Down } else { Action::Up })
                } else if let Some(d) = self.detail.as_mut().filter(|_| l.detail.contains(at)) {
                    d.scroll = if down {
                        d.scroll + 1
                    } else {
                        d.scroll.saturating_sub(1)
                    };
                    Vec::new()
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }
}
