//! The Variables pane: key/value rows passed to the agent. Duplicate keys are marked, and so
//! are variables the picked agent declares that are still empty.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, focused, pane_block, problem_lines};
use crate::dialer::Field;
use crate::tui::app::{App, Pane, Target};
use crate::variable;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let vars = &app.draft.variables;
    let mut title = format!(" Variables {} · a add · u c i w dify keys ", vars.len());
    // A narrow pane keeps the whole of a shorter title rather than a cut longer one.
    if title.chars().count() + 2 > area.width as usize {
        title = format!(" Variables {} · a add ", vars.len());
    }
    let block = pane_block(app, Pane::Variables, title, t);
    let inner = block.inner(area);
    let on = focused(app, Pane::Variables);
    if vars.is_empty() {
        let hint = "none · a adds a row; u c i w add dify-inputs-user, -conversation_id, -<name>, welcome-message-delay";
        frame.render_widget(
            Paragraph::new(Line::styled(hint, t.dim()))
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let dups = variable::duplicate_keys(vars);
    let empty = app.empty_declared();
    let key_width = (inner.width as usize / 2).clamp(8, 28);
    let rows = inner.height.max(1) as usize;
    let first = app.var_row.saturating_sub(rows - 1);
    let mut lines = Vec::new();
    for (i, (key, value)) in vars.iter().enumerate().skip(first) {
        if lines.len() >= rows {
            break;
        }
        let y = inner.y + lines.len() as u16;
        let selected = on && app.var_row == i;
        let key_style = if dups.contains(&key.as_str()) {
            t.error()
        } else if empty.contains(&key.as_str()) {
            t.warn()
        } else {
            ratatui::style::Style::new()
        };
        let cell = |text: &str, col: usize, style| {
            let style = if selected && app.var_col == col {
                t.selected()
            } else {
                style
            };
            Span::styled(
                if text.is_empty() {
                    " ".to_string()
                } else {
                    text.to_string()
                },
                style,
            )
        };
        let key_shown = truncate(key, key_width);
        let pad = key_width.saturating_sub(Line::from(key_shown.as_str()).width());
        let mut spans = vec![
            cell(&key_shown, 0, key_style),
            Span::raw(" ".repeat(pad + 1)),
        ];
        if value.is_empty() && empty.contains(&key.as_str()) && !(selected && app.var_col == 1) {
            spans.push(Span::styled("empty, declared by the agent", t.warn()));
        } else {
            spans.push(cell(
                &value.replace('\n', "⏎"),
                1,
                ratatui::style::Style::new(),
            ));
        }
        if let Some(e) = &app.editing {
            let x = match e.target {
                Target::VarKey(r) if r == i => Some(inner.x),
                Target::VarValue(r) if r == i => Some(inner.x + key_width as u16 + 1),
                _ => None,
            };
            if let Some(x) = x {
                let w = Line::from(e.input.before_cursor()).width() as u16;
                frame.set_cursor_position(Position::new(
                    (x + w).min(inner.right().saturating_sub(1)),
                    y,
                ));
            }
        }
        lines.push(Line::from(spans));
        if let Some(p) = app.problem(Field::Variable(i)) {
            lines.extend(problem_lines(p, app.shape().problem_width, t));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// At most `width` columns of `s`, with `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if Line::from(s).width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if Line::from(format!("{out}{c}…").as_str()).width() > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}
