//! The attempt pane: its timeline, ids, the request exactly as sent, the answer, and what
//! to do about an error. Built as sections, so a live call's controls can slot in after the
//! timeline.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::history::{failure_label, glyph};
use crate::ccc::catalog;
use crate::tui::app::{App, Detail};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let Some(d) = app.detail.as_ref() else {
        let block = t.block(" Attempt ", false, false);
        let text = Line::styled("Select an attempt in History to see it here.", t.dim());
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    let hint = if app.detail_open {
        " · Esc close · j/k scroll"
    } else {
        " · Enter open"
    };
    let title = format!(" Attempt {}{hint} ", d.attempt.id.short());
    let block = t.block(title, app.detail_open, false);
    let mut lines = Vec::new();
    for section in [header, timeline, ids, error, request, response] {
        section(app, d, t, &mut lines);
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((d.scroll, 0))
            .block(block),
        area,
    );
}

fn heading<'a>(text: &'a str, t: &Theme) -> Line<'a> {
    Line::styled(text, t.accent().add_modifier(Modifier::BOLD))
}

fn header<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    let a = &d.attempt;
    let (g, style) = glyph(a.status, t);
    let agent = match &a.agent_name {
        Some(n) => format!("{} · {n}", a.agent_id),
        None => a.agent_id.to_string(),
    };
    out.push(Line::from(vec![
        Span::styled(format!("{g} {}", a.status), style),
        Span::raw(format!("  {}", app.time.date_time(a.created_at_ms))),
        Span::styled(format!("  {}", a.endpoint), t.dim()),
    ]));
    out.push(Line::raw(format!("Callee {}  Agent {agent}", a.callee)));
}

fn timeline<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(heading("Timeline", t));
    for e in &d.events {
        let what = match (&e.status, e.detail.get("try").and_then(|v| v.as_u64())) {
            (_, Some(n)) if n > 1 => format!("{} (try {n})", e.kind),
            (Some(s), _) if s.as_str() != e.kind => format!("{} → {s}", e.kind),
            _ => e.kind.clone(),
        };
        out.push(Line::from(vec![
            Span::styled(app.time.precise(e.at_ms), t.dim()),
            Span::raw(format!(" {what}")),
        ]));
    }
}

fn ids<'a>(_: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    let a = &d.attempt;
    let none = || Span::styled("—", t.dim());
    let value = |v: &'a Option<String>| v.as_deref().map_or_else(none, Span::raw);
    out.push(Line::from(vec![
        Span::raw("SessionId "),
        value(&a.session_id),
    ]));
    out.push(Line::from(vec![
        Span::raw("RequestId "),
        value(&a.request_id),
    ]));
}

fn error<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    let a = &d.attempt;
    let Some(code) = &a.error_code else { return };
    let label = failure_label(app, a).map(|l| l.as_str()).unwrap_or("");
    out.push(Line::from(vec![
        Span::styled(format!("Error {code}"), t.error()),
        Span::styled(format!(" ({label})"), t.warn()),
    ]));
    if let Some(m) = &a.error_message {
        out.push(Line::raw(m.as_str()));
    }
    // The hint recorded with the failure, else the catalog's for the code.
    let recorded = d
        .events
        .iter()
        .rev()
        .find_map(|e| e.detail.get("hint").and_then(|h| h.as_str()));
    let hint = match recorded {
        Some(h) => h.to_string(),
        None => catalog::lookup(code).hint.to_string(),
    };
    out.push(Line::from(vec![
        Span::styled("Hint ", t.warn()),
        Span::raw(hint),
    ]));
}

fn request<'a>(_: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(heading("Request (as sent)", t));
    out.push(Line::raw(d.attempt.request_json.as_str()));
}

fn response<'a>(_: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(heading("Response", t));
    match &d.attempt.response_json {
        Some(r) => out.push(Line::raw(r.as_str())),
        None => out.push(Line::styled("none", t.dim())),
    }
}
