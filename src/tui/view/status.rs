//! The title line (where calls go, attempts in flight) and the bottom line (the latest notice,
//! the confirmation, or key hints).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::dialer::PushKind;
use crate::tui::app::{App, Level, Overlay};
use crate::tui::keymap::{self, Scope};

pub fn title(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let mut spans = vec![Span::raw(" ccc-dial ")];
    if app.backend.simulator {
        spans.push(Span::styled(
            " SIMULATOR · no real phone will ring ",
            t.banner(),
        ));
    } else {
        spans.push(Span::styled(" LIVE · real phones ring ", t.danger()));
        spans.push(Span::raw(format!(" {}", with_port(&app.backend.label))));
        if let Some(c) = &app.backend.credentials {
            spans.push(Span::styled(format!(" · {c}"), t.dim()));
        }
    }
    let n = app.attempts_in_flight();
    let right = if n > 0 {
        Line::from(vec![
            Span::styled(format!("{n} in flight"), t.warn()),
            Span::raw(" · ? help "),
        ])
    } else {
        Line::raw("? help ")
    };
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right.width() as u16)])
        .areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), l);
    frame.render_widget(Paragraph::new(right), r);
}

pub fn bottom(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let line = if let Some(Overlay::Confirm(request)) = &app.overlay {
        let (place, style) = if app.backend.simulator {
            ("SIMULATOR", t.banner())
        } else {
            ("LIVE · a real phone rings", t.danger())
        };
        Line::from(vec![
            Span::styled(format!(" {place} · {} ", app.confirm_text(request)), style),
            Span::raw(format!(" {}", hints(app))),
        ])
    } else if let Some(Overlay::HangUp(id)) = &app.overlay {
        Line::from(vec![
            Span::styled(format!(" Hang up call {}? ", id.short()), t.banner()),
            Span::raw(" y/Enter hang up · any other key cancels"),
        ])
    } else if let Some(Overlay::Steer(line)) = &app.overlay {
        let prompt = match line.kind {
            PushKind::Text => " Say: ",
            PushKind::Llm => " Ask the LLM: ",
        };
        let interrupt = if line.interrupt {
            " [interrupt on]"
        } else {
            " [interrupt off]"
        };
        let x = area.x
            + Line::from(prompt).width() as u16
            + Line::from(line.input.before_cursor()).width() as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        Line::from(vec![
            Span::styled(prompt, t.banner()),
            Span::raw(line.input.text().to_string()),
            Span::styled(format!("{interrupt} {}", hints(app)), t.dim()),
        ])
    } else if let Some(n) = &app.notice {
        let style = match n.level {
            Level::Info => t.accent(),
            Level::Success => t.ok(),
            Level::Warning => t.warn(),
            Level::Error => t.error(),
        };
        Line::styled(format!(" {}", n.text), style)
    } else {
        Line::styled(format!(" {}", hints(app)), t.dim())
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The endpoint with its port, so a test or proxy port is never mistaken for the service.
fn with_port(endpoint: &str) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
    let host = rest.split('/').next().unwrap_or(rest);
    if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:{}", if scheme == "http" { 80 } else { 443 })
    }
}

/// The keys that matter in the current mode, from the key table's hints.
fn hints(app: &App) -> String {
    // Popups name their own keys in their frames; the footer keeps the pane's.
    let scope = match app.scope() {
        Scope::Settings | Scope::Popup => Scope::Pane(app.focus),
        scope => scope,
    };
    let mut parts: Vec<&str> = keymap::hints(scope).iter().map(|(_, h)| *h).collect();
    if scope == Scope::Typing {
        parts.insert(0, "typing");
    }
    parts.join(" · ")
}
