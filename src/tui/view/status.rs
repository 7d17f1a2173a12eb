//! The title line (where calls go, attempts in flight) and the bottom line (the latest notice,
//! the confirmation, or key hints).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::dialer::PushKind;
use crate::tui::app::{App, Level, Overlay, Pane};

pub fn title(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let mut spans = vec![Span::raw(" ccc-dial ")];
    if app.backend.simulator {
        spans.push(Span::styled(
            " SIMULATOR · no real phone will ring ",
            t.banner(),
        ));
    } else {
        spans.push(Span::styled(format!("live {}", app.backend.label), t.ok()));
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
        Line::from(vec![
            Span::styled(format!(" {} ", app.confirm_text(request)), t.banner()),
            Span::raw(" Enter/y dial · Esc/n cancel"),
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
            PushKind::LastWords => " Say, then hang up: ",
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
            Span::styled(
                format!("{interrupt} Tab interrupt · Enter send · Esc cancel"),
                t.dim(),
            ),
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

/// The keys that matter where the focus is.
fn hints(app: &App) -> &'static str {
    if app.editing.is_some() {
        return "typing · Enter/Esc done · Ctrl-S dial · Tab next pane";
    }
    match app.focus {
        Pane::Agent => {
            "Ctrl-S dial · Enter edit · Ctrl-P agents · Tab pane · F2 settings · ? help · q quit"
        }
        Pane::Options | Pane::Callee => {
            "Ctrl-S dial · Enter edit · Tab pane · F2 settings · ? help · q quit"
        }
        Pane::Callers => {
            "Ctrl-S dial · a add · e edit · d delete · K/J move · Ctrl-P numbers · ? help"
        }
        Pane::Variables => "Ctrl-S dial · a add · e edit · d delete · u c i w dify keys · ? help",
        Pane::History => {
            "Enter open · r redial · / filter · Ctrl-S dial · Tab pane · ? help · q quit"
        }
    }
}
