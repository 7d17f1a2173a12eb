//! Where each part of the screen goes, from the terminal's size and the few facts of the
//! state that change it. The view draws into it; the state asks it how many history rows
//! fit, to page and scroll.

use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::text::Span;

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
    /// The width problem lines wrap at: the panes' own, or none when the wrapped lines
    /// would not all fit and each problem keeps one row.
    pub problem_width: u16,
}

impl Shape {
    /// Whether the form's panes fit a terminal `rows` high with this shape.
    pub fn fits(&self, rows: u16) -> bool {
        let form = 4
            + self.agent_problems
            + 4
            + self.options_problems
            + 3
            + self.callee_problems
            + 2
            + self.caller_lines.min(6)
            + 3;
        1 + form + self.footer_lines.max(1) <= rows
    }
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
        let left_width = form_width(size.0) + 2;
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

/// The width inside the borders of the form's panes, for a terminal `cols` wide.
pub fn form_width(cols: u16) -> u16 {
    let outer = if cols >= 120 {
        60
    } else {
        (cols * 9 / 20).max(30)
    };
    outer - 2
}

/// A field's problem as the rows it takes in a pane `width` wide: wrapped at words, so the
/// part that says what to do is never cut off.
pub fn problem_rows(message: &str, width: u16) -> Vec<String> {
    let width = (width as usize).max(8);
    let mut rows = vec![String::from("  ✗")];
    for word in message.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word.to_string();
        loop {
            let row = rows.last_mut().expect("never empty");
            let used = Span::raw(row.as_str()).width();
            let need = Span::raw(word.as_str()).width();
            if used + 1 + need <= width {
                row.push(' ');
                row.push_str(&word);
                break;
            }
            if used > 4 {
                rows.push(String::from("   "));
                continue;
            }
            // A word longer than a row is split where the row ends.
            let room = width.saturating_sub(used + 1).max(1);
            let split = word.char_indices().nth(room).map_or(word.len(), |(i, _)| i);
            row.push(' ');
            row.push_str(&word[..split]);
            word = word[split..].to_string();
            if word.is_empty() {
                break;
            }
            rows.push(String::from("   "));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_wraps_at_words_and_keeps_every_word() {
        let message = "12 lacks the country code; write 00 + country code + number";
        let rows = problem_rows(message, 34);
        assert!(rows.len() > 1, "{rows:?}");
        for row in &rows {
            assert!(Span::raw(row.as_str()).width() <= 34, "{row:?}");
        }
        assert!(rows[0].starts_with("  ✗ 12 lacks"));
        assert!(rows[1].starts_with("    "));
        let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
        assert_eq!(words[1..].join(" "), message);
        assert_eq!(problem_rows("short", 34), vec!["  ✗ short".to_string()]);
    }

    #[test]
    fn a_word_longer_than_a_row_is_split_not_lost() {
        let rows = problem_rows(&"9".repeat(50), 20);
        assert!(
            rows.iter().all(|r| Span::raw(r.as_str()).width() <= 20),
            "{rows:?}"
        );
        let digits: usize = rows.iter().map(|r| r.matches('9').count()).sum();
        assert_eq!(digits, 50);
    }
}
