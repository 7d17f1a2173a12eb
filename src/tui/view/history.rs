//! The History pane: attempts, newest first. Only the rows on screen are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{Theme, focused};
use crate::ccc::catalog::{self, Label};
use crate::history::{Attempt, AttemptStatus};
use crate::tui::app::{App, Pane};

/// A status as a glyph and a style, so it reads without colour too.
pub fn glyph(status: AttemptStatus, t: &Theme) -> (&'static str, Style) {
    match status {
        AttemptStatus::Queued => ("○", t.dim()),
        AttemptStatus::Accepted => ("●", t.ok()),
        AttemptStatus::Ringing | AttemptStatus::SeatJoining => ("◐", t.warn()),
        AttemptStatus::InProgress => ("●", t.accent()),
        AttemptStatus::Finished => ("✓", t.ok()),
        AttemptStatus::Rejected => ("✗", t.error()),
        AttemptStatus::NotSent => ("✗", t.warn()),
        AttemptStatus::Unknown => ("?", t.error()),
    }
}

/// The label of a failed attempt: its code's kind, which tells rate-limited (sent again by
/// itself) from capacity-limited (the agent is busy).
pub fn failure_label(app: &App, a: &Attempt) -> Option<Label> {
    if let Some(f) = app.failures.get(&a.id) {
        return Some(f.label);
    }
    let code = a.error_code.as_deref()?;
    Some(catalog::lookup(code).label)
}

/// What the status column says: the status, and for failures the code or its kind.
pub fn status_text(app: &App, a: &Attempt) -> String {
    if let Some(f) = app.in_flight.get(&a.id) {
        return f.state.clone();
    }
    match (a.status, failure_label(app, a), a.error_code.as_deref()) {
        (AttemptStatus::Rejected, Some(l @ (Label::RateLimited | Label::CapacityLimited)), _) => {
            l.as_str().to_string()
        }
        (AttemptStatus::Rejected | AttemptStatus::Unknown, _, Some(code)) => {
            code.rsplit('.').next().unwrap_or(code).to_string()
        }
        (s, _, _) => s.as_str().replace('_', " "),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let h = &app.history;
    let filter = match &h.filtering {
        Some(input) => format!(" · /{}▏", input.text()),
        None if !h.filter.is_empty() => format!(" · /{}", h.filter),
        None => " · / filter".into(),
    };
    let title = format!(" History {}{filter} ", h.total);
    let block = t.block(title, focused(app, Pane::History), false);
    let inner = block.inner(area);
    if h.total == 0 {
        let text = if h.filter.is_empty() && h.filtering.is_none() {
            "No attempts yet. Fill the form and press Ctrl-S."
        } else {
            "Nothing matches the filter (Esc in / clears it)."
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, t.dim())).block(block),
            area,
        );
        return;
    }
    let wide = inner.width >= 60;
    let rows: Vec<Row> = (h.scroll..(h.scroll + inner.height as u64).min(h.total))
        .map(|i| match h.row(i) {
            Some(a) => row(
                app,
                a,
                i == h.selected && focused(app, Pane::History),
                wide,
                t,
            ),
            None => Row::new(vec![Cell::from(Span::styled("…", t.dim()))]),
        })
        .collect();
    let widths: Vec<Constraint> = if wide {
        vec![
            Constraint::Length(8),
            Constraint::Length(1),
            Constraint::Length(16),
            Constraint::Fill(1),
            Constraint::Length(20),
        ]
    } else {
        vec![
            Constraint::Length(8),
            Constraint::Length(1),
            Constraint::Length(15),
            Constraint::Fill(1),
        ]
    };
    frame.render_widget(Table::new(rows, widths).block(block), area);
}

fn row<'a>(app: &App, a: &'a Attempt, selected: bool, wide: bool, t: &Theme) -> Row<'a> {
    let (g, style) = glyph(a.status, t);
    let g = if app.in_flight.contains_key(&a.id) {
        "◌"
    } else {
        g
    };
    let agent = a
        .agent_name
        .clone()
        .unwrap_or_else(|| a.agent_id.to_string());
    let mut cells = vec![
        Cell::from(app.time.clock(a.created_at_ms)),
        Cell::from(Span::styled(g, style)),
        Cell::from(a.callee.as_str()),
        Cell::from(agent),
    ];
    if wide {
        cells.push(Cell::from(Span::styled(status_text(app, a), style)));
    }
    let r = Row::new(cells);
    if selected { r.style(t.selected()) } else { r }
}
