//! The settings screen. The SecretKey is shown as dots only.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, popup, problem_lines};
use crate::tui::app::App;
use crate::tui::settings::{SettingField, SettingsForm};

const LABEL: usize = 21;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &SettingsForm, t: &Theme) {
    let r = popup(frame, area, 90, 22);
    let block = t.block(
        " Settings · Ctrl-S save · Esc cancel ",
        true,
        !form.problems.is_empty(),
    );
    let inner = block.inner(r);
    let mut lines = Vec::new();
    for (i, f) in SettingField::ALL.iter().enumerate() {
        if *f == SettingField::SecretId {
            let from = match &app.backend.credentials {
                Some(c) => format!("Credentials now: {c}"),
                None => "Credentials now: none found, so the simulator runs".to_string(),
            };
            lines.push(Line::styled(from, t.accent()));
            lines.push(Line::styled(
                "New keys are written to ~/.tccli/<profile>.credential (mode 0600):",
                t.dim(),
            ));
        }
        let selected = form.selected == i;
        let style = if selected {
            t.selected()
        } else {
            ratatui::style::Style::new()
        };
        let shown = form.shown(*f);
        if selected && form.editing {
            let before = match f {
                SettingField::SecretKey => "•".repeat(form.input(*f).cursor()),
                _ => form.input(*f).before_cursor().to_string(),
            };
            let x = inner.x + LABEL as u16 + Line::from(before.as_str()).width() as u16;
            let y = inner.y + lines.len() as u16;
            frame.set_cursor_position(Position::new(x.min(inner.right().saturating_sub(1)), y));
        }
        lines.push(Line::from(vec![
            Span::raw(format!("{:<LABEL$}", f.label())),
            Span::styled(if shown.is_empty() { " ".into() } else { shown }, style),
        ]));
        if let Some(p) = form.problem(*f) {
            lines.extend(problem_lines(p, inner.width, t));
        }
    }
    lines.push(Line::raw(""));
    let place = app
        .settings_file
        .as_ref()
        .map_or("nowhere (no settings path)".to_string(), |p| {
            p.display().to_string()
        });
    lines.push(Line::styled(format!("Saved to {place}"), t.dim()));
    lines.push(Line::styled(
        "↑↓ field · Enter edit/toggle · ←→ endpoint · endpoint, region and keys apply at next start",
        t.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        r,
    );
}
