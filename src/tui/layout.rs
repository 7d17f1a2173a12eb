//! Where each part of the screen goes, from the terminal's size and the few facts of the
//! state that change it. The view draws into it; the state asks it how many history rows
//! fit, to page and scroll.

use ratatui::layout::{Constraint, Layout as Split, Rect};

/// The facts of the state the layout depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// Problem lines under the Agent, Options and Callee fields.
    pub agent_problems: u16,
    pub options_problems: u16,
    pub callee_problems: u16,
    /// Caller rows plus their problem lines.
    pub caller_lines: u16,
    /// The attempt fills the right-hand side.
    pub detail_open: bool,
    /// The footer: a message, wrapped, above the mode line.
    pub footer_lines: u16,
}

/// Where each part of the screen goes at a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub title: Rect,
    pub agent: Rect,
    pub options: Rect,
    pub callee: Rect,
    pub callers: Rect,
    pub variables: Rect,
    pub history: Rect,
    pub detail: Rect,
    pub status: Rect,
    /// History rows that fit inside its borders.
    pub history_rows: u16,
}

impl Layout {
    /// The layout for a terminal of `size` (columns, rows).
    pub fn new(size: (u16, u16), shape: Shape) -> Layout {
        let area = Rect::new(0, 0, size.0, size.1);
        let [title, body, status] = Split::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(shape.footer_lines.max(1)),
        ])
        .areas(area);
        let left_width = if size.0 >= 120 {
            60
        } else {
            (size.0 * 9 / 20).max(30)
        };
        let [left, right] =
            Split::horizontal([Constraint::Length(left_width), Constraint::Min(0)]).areas(body);
        let [agent, options, callee, callers, variables] = Split::vertical([
            Constraint::Length(4 + shape.agent_problems),
            Constraint::Length(4 + shape.options_problems),
            Constraint::Length(3 + shape.callee_problems),
            Constraint::Length(2 + shape.caller_lines.min(6)),
            Constraint::Min(3),
        ])
        .areas(left);
        let (history, detail) = if shape.detail_open {
            (Rect::new(right.x, right.y, right.width, 0), right)
        } else {
            let [h, d] = Split::vertical([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(right);
            (h, d)
        };
        Layout {
            title,
            agent,
            options,
            callee,
            callers,
            variables,
            history,
            detail,
            status,
            history_rows: history.height.saturating_sub(2),
        }
    }
}
