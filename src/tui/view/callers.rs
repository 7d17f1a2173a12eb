//! The Callers pane: the numbers to call from, in the order they are tried.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Theme, field_line, focused, pane_block, problem_lines};
use crate::dialer::Field;
use crate::tui::app::{App, Pane, Target};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let n = app.draft.callers.len();
    let title = format!(" Callers {n} · a add · Ctrl-P pick ");
    let block = pane_block(app, Pane::Callers, title, t);
    let inner = block.inner(area);
    let on = focused(app, Pane::Callers);
    if n == 0 {
        let hint = "none: the service picks one of yours";
        frame.render_widget(
            Paragraph::new(Line::styled(hint, t.dim())).block(block),
            area,
        );
        return;
    }
    // Keep the selected row on screen.
    let rows = inner.height.max(1) as usize;
    let first = app.caller_row.saturating_sub(rows - 1);
    let mut lines = Vec::new();
    let mut y = inner.y;
    for i in first..n {
        if lines.len() >= rows {
            break;
        }
        let at = Rect::new(inner.x, y, inner.width, 1);
        let label = format!("{}. ", i + 1);
        lines.push(field_line(
            frame,
            app,
            at,
            (&label, label.len()),
            Target::Caller(i),
            on && app.caller_row == i,
            t,
        ));
        y += 1;
        if let Some(p) = app.problem(Field::Caller(i)) {
            let rows = problem_lines(p, app.shape().problem_width, t);
            y += rows.len() as u16;
            lines.extend(rows);
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
