//! The title line (where calls go, attempts in flight) and the bottom line (the latest notice,
//! the confirmation, or key hints).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::variables::truncate;
use crate::dialer::PushKind;
use crate::tui::app::{App, Overlay, Pane, SteerLine};
use crate::tui::footer::FOOTER_MESSAGE_LINES;
use crate::tui::keymap::{self, Scope};
use crate::tui::msg::wrap;

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

/// The footer: the question or the latest message, wrapped, above the mode line that
/// names the mode and its keys.
pub fn bottom(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let style = match (&app.overlay, &app.notice) {
        (Some(Overlay::Confirm(_)), _) if !app.backend.simulator => t.danger(),
        (
            Some(
                Overlay::Confirm(_)
                | Overlay::HangUp(_)
                | Overlay::Quit
                | Overlay::Held(_)
                | Overlay::Undeclared(_),
            ),
            _,
        ) => t.banner(),
        (_, Some(n)) => t.level(n.level),
        _ => t.dim(),
    };
    let mut lines: Vec<Line> = Vec::new();
    if let Some(m) = app.footer_message() {
        let width = area.width.saturating_sub(1) as usize;
        let mut wrapped = wrap(&m, width);
        if wrapped.len() > FOOTER_MESSAGE_LINES {
            wrapped.truncate(FOOTER_MESSAGE_LINES);
            let tail = " … m: in full";
            let last = &mut wrapped[FOOTER_MESSAGE_LINES - 1];
            let keep = width.saturating_sub(Line::from(tail).width());
            *last = format!("{}{tail}", truncate(last, keep));
        }
        lines.extend(
            wrapped
                .into_iter()
                .map(|l| Line::styled(format!(" {l}"), style)),
        );
    }
    let mode_y = area.y + lines.len() as u16;
    lines.push(match &app.overlay {
        Some(Overlay::Steer(line)) => steer_line(frame, area.x, mode_y, area, line, app, t),
        _ => {
            let mode = format!(" {} · ", mode(app));
            let room = (area.width as usize).saturating_sub(Line::from(mode.as_str()).width());
            Line::styled(format!("{mode}{}", fit(&hints(app), room)), t.dim())
        }
    });
    frame.render_widget(Paragraph::new(lines), area);
}

fn steer_line<'a>(
    frame: &mut Frame,
    x: u16,
    y: u16,
    area: Rect,
    line: &SteerLine,
    app: &App,
    t: &Theme,
) -> Line<'a> {
    let prompt = match line.kind {
        PushKind::Text => " Say: ",
        PushKind::Llm => " Ask the LLM: ",
        PushKind::LastWords => " Say, then hang up: ",
    };
    let interrupt = if line.interrupt {
        " [interrupt on]"
    } else {
        " [interrupt off]"
    };
    let x = x
        + Line::from(prompt).width() as u16
        + Line::from(line.input.before_cursor()).width() as u16;
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), y));
    Line::from(vec![
        Span::styled(prompt, t.banner()),
        Span::raw(line.input.text().to_string()),
        Span::styled(format!("{interrupt} {}", hints(app)), t.dim()),
    ])
}

/// The mode keys are read in, in a word.
fn mode(app: &App) -> &'static str {
    match app.scope() {
        Scope::Pane(Pane::Agent) => "Agent",
        Scope::Pane(Pane::Options) => "Options",
        Scope::Pane(Pane::Callee) => "Callee",
        Scope::Pane(Pane::Callers) => "Callers",
        Scope::Pane(Pane::Variables) => "Variables",
        Scope::Pane(Pane::History) => "History",
        Scope::Typing => "typing",
        Scope::Confirm => "confirm",
        Scope::SteerLine => "say",
        Scope::Settings => "settings",
        Scope::Filter => "filter",
        Scope::Popup => match app.overlay {
            Some(Overlay::Help { .. }) => "help",
            Some(Overlay::Picker(_)) => "pick",
            Some(Overlay::HangUp(_)) => "hang up?",
            Some(Overlay::Quit) => "quit?",
            Some(Overlay::Held(_)) => "held back",
            Some(Overlay::Undeclared(_)) => "drop rows?",
            _ => "messages",
        },
    }
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

/// The keys of the current mode: the key table's hints, or a popup's own keys.
fn hints(app: &App) -> String {
    let own = match app.overlay {
        Some(Overlay::Help { .. } | Overlay::Messages { .. }) => "↑↓ scroll · Esc close",
        Some(Overlay::Picker(_)) => "type to filter · Enter pick · Esc close",
        Some(Overlay::HangUp(_)) => "y/Enter hang up · any other key cancels",
        Some(Overlay::Quit) => "q/y/Enter quit · any other key stays",
        _ => "",
    };
    if !own.is_empty() {
        return own.to_string();
    }
    let parts: Vec<&str> = keymap::hints(app.scope()).iter().map(|(_, h)| *h).collect();
    parts.join(" · ")
}

/// Hints that fit in `room` columns: whole ones, in order, and `? help` always, since
/// help lists every key that did not fit.
fn fit(hints: &str, room: usize) -> String {
    const HELP: &str = "? help";
    let width = |s: &str| Line::from(s).width();
    if width(hints) <= room {
        return hints.to_string();
    }
    let parts: Vec<&str> = hints.split(" · ").collect();
    let help = parts.contains(&HELP);
    let mut room = room.saturating_sub(if help { width(HELP) + 3 } else { 0 });
    let mut kept: Vec<&str> = Vec::new();
    for p in parts.into_iter().filter(|p| *p != HELP) {
        let w = width(p) + 3;
        if w > room {
            break;
        }
        room -= w;
        kept.push(p);
    }
    if help {
        kept.push(HELP);
    }
    kept.join(" · ")
}
