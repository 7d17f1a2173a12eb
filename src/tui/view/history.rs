//! The History pane: attempts, newest first. Only the rows on screen are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use super::{Theme, focused};
use crate::ccc::catalog::{self, Label};
use crate::dialer::{CallWord, Tone};
use crate::history::{Attempt, AttemptStatus};
use crate::tui::app::{App, Pane};
use crate::tui::attempts::Outcome;
use crate::tui::msg::wrap;

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

/// How a call ended as a glyph and a style of its own, so each reads without colour too.
fn word_glyph(word: CallWord, t: &Theme) -> (&'static str, Style) {
    let style = match word.tone() {
        Tone::Good => t.ok(),
        Tone::Warn => t.warn(),
        Tone::Bad => t.error(),
    };
    let g = match word {
        CallWord::Answered => "✓",
        CallWord::NoAnswer => "∅",
        CallWord::Busy => "≡",
        CallWord::Rejected => "⊘",
        CallWord::Voicemail => "✉",
        CallWord::InvalidNumber => "#",
        CallWord::Blocked => "⊗",
        CallWord::Failed => "✗",
    };
    (g, style)
}

/// An attempt's glyph and style, from how it ended when it did.
pub fn outcome_glyph(app: &App, a: &Attempt, t: &Theme) -> (&'static str, Style) {
    if app.in_flight.contains_key(&a.id) {
        return ("◌", glyph(a.status, t).1);
    }
    match app.history.outcome(a) {
        Outcome::Call(word) => word_glyph(word, t),
        Outcome::NoRecord => ("?", t.warn()),
        Outcome::Ended | Outcome::Status(_) => glyph(a.status, t),
    }
}

/// The label of a failed attempt: its code's kind, which tells rate-limited (sent again by
/// itself) from capacity-limited (the agent is busy).
pub fn failure_label(app: &App, a: &Attempt) -> Option<Label> {
    if let Some(f) = app.in_flight.failure(&a.id) {
        return Some(f.label);
    }
    let code = a.error_code.as_deref()?;
    Some(catalog::lookup(code).label)
}

/// What the status column says: how the call ended, where it stands, or for failures the
/// code or its kind.
pub fn status_text(app: &App, a: &Attempt) -> String {
    if let Some(f) = app.in_flight.get(&a.id) {
        return f.state.clone();
    }
    match app.history.outcome(a) {
        Outcome::Call(word) => return word.as_str().to_string(),
        Outcome::NoRecord => return "no record".into(),
        Outcome::Ended | Outcome::Status(_) => {}
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
    let marked = match app.marks.len() {
        0 => String::new(),
        n => format!(" · {n} marked"),
    };
    let title = format!(" History {}{filter}{marked} ", h.total);
    let block = t.block(title, focused(app, Pane::History), false);
    let inner = block.inner(area);
    if h.total == 0 && h.problem.is_none() {
        let text = if h.filter.is_empty() && h.filtering.is_none() {
            "No attempts yet. Fill the form and press Ctrl-S."
        } else {
            "Nothing matches the filter (Esc clears it; ? lists the filter keys)."
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, t.dim()))
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    // A filter that does not read says why above the rows it left in place.
    let (problem, inner) = match &h.problem {
        Some(p) => {
            let lines: Vec<Line> = wrap(&format!("✗ {p}"), inner.width as usize)
                .into_iter()
                .map(|l| Line::styled(l, t.error()))
                .collect();
            let text = Paragraph::new(lines.clone());
            let lines = (lines.len() as u16).min(inner.height);
            let [top, rest] =
                ratatui::layout::Layout::vertical([Constraint::Length(lines), Constraint::Fill(1)])
                    .areas(inner);
            (Some((text, top)), rest)
        }
        None => (None, inner),
    };
    let columns = Columns::for_width(inner.width);
    let rows: Vec<Row> = (h.scroll..(h.scroll + inner.height as u64).min(h.total))
        .map(|i| match h.row(i) {
            Some(a) => row(
                app,
                a,
                i == h.selected && focused(app, Pane::History),
                columns,
                t,
            ),
            None => Row::new(vec![Cell::from(Span::styled("…", t.dim()))]),
        })
        .collect();
    frame.render_widget(block, area);
    if let Some((text, top)) = problem {
        frame.render_widget(text, top);
    }
    frame.render_widget(Table::new(rows, columns.widths()), inner);
}

/// Which columns fit: the outcome always does; the agent and then the variables come as
/// the pane widens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Columns {
    Narrow,
    Agent,
    Variables,
}

impl Columns {
    fn for_width(width: u16) -> Columns {
        match width {
            0..60 => Columns::Narrow,
            60..90 => Columns::Agent,
            _ => Columns::Variables,
        }
    }

    fn widths(self) -> Vec<Constraint> {
        let mut w = vec![
            // The mark for Compare, then the time.
            Constraint::Length(9),
            Constraint::Length(1),
            Constraint::Length(15),
        ];
        match self {
            Columns::Narrow => w.push(Constraint::Fill(1)),
            Columns::Agent => w.extend([Constraint::Fill(1), Constraint::Length(20)]),
            Columns::Variables => w.extend([
                Constraint::Length(16),
                Constraint::Length(16),
                Constraint::Fill(1),
            ]),
        }
        w
    }
}

/// The words for an attempt let through a claim that held its callee; the row marks it
/// with ⚑ too, so it reads without colour.
fn override_mark(a: &Attempt) -> Option<&'static str> {
    let o = a.claim_override.as_deref()?;
    Some(match o {
        "allow-recent" => "allow-recent",
        "intent:dial anyway" => "dialed anyway",
        _ if o.starts_with("intent:redial") => "redial",
        _ if o.starts_with("intent:sweep") => "sweep",
        _ => "override",
    })
}

fn row<'a>(app: &App, a: &'a Attempt, selected: bool, columns: Columns, t: &Theme) -> Row<'a> {
    let (g, style) = outcome_glyph(app, a, t);
    let agent = a
        .agent_name
        .clone()
        .unwrap_or_else(|| a.agent_id.to_string());
    let labels = match app.history.labels.get(&a.id) {
        Some(l) if !l.is_empty() => format!("#{} ", l.join(" #")),
        _ => String::new(),
    };
    let mut status = vec![Span::styled(status_text(app, a), style)];
    if override_mark(a).is_some() {
        status.push(Span::styled(" ⚑", t.warn()));
    }
    if columns == Columns::Narrow && !labels.is_empty() {
        status.push(Span::styled(format!(" {}", labels.trim_end()), style));
    }
    let status = Cell::from(Line::from(status));
    // Marked for Compare: a glyph of its own, so it reads without colour.
    let mark = if app.marks.contains(&a.id) {
        "◆"
    } else {
        " "
    };
    let mut cells = vec![
        Cell::from(Line::from(vec![
            Span::styled(mark, t.accent()),
            Span::raw(app.time.clock(a.created_at_ms)),
        ])),
        Cell::from(Span::styled(g, style)),
        Cell::from(a.callee.as_str()),
    ];
    match columns {
        Columns::Narrow => cells.push(status),
        Columns::Agent => cells.extend([Cell::from(format!("{labels}{agent}")), status]),
        Columns::Variables => {
            let vars: Vec<String> = a
                .variables
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            // The override in words, where there is room for it.
            let mut last = vec![Span::raw(labels)];
            if let Some(mark) = override_mark(a) {
                last.push(Span::styled(format!("{mark} · "), t.warn()));
            }
            last.push(Span::styled(vars.join(" "), t.dim()));
            cells.extend([Cell::from(agent), status, Cell::from(Line::from(last))]);
        }
    }
    let r = Row::new(cells);
    if selected { r.style(t.selected()) } else { r }
}
