//! Loading a CSV in the Campaigns view: the path prompt, then the preview: the task's
//! settings to edit on the left; on the right what the list holds, its bad rows by line, the
//! callees held back and the task as it would be created.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::bench::input_line;
use crate::tui::app::App;
use crate::tui::campaign_load::{ListRead, Load, SETTINGS};

/// Bad rows and held callees listed at most; the rest are counted.
const LISTED: usize = 8;

pub fn draw(frame: &mut Frame, r: Rect, app: &App, load: &Load, t: &Theme) {
    match &load.list {
        None => path(frame, r, load, t),
        Some(list) => preview(frame, r, app, load, list, t),
    }
}

fn path(frame: &mut Frame, r: Rect, load: &Load, t: &Theme) {
    let block = t.block(
        " Load a CSV · Tab completes · Enter read and check it · Esc back ",
        true,
        load.problem.is_some(),
    );
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let at = Rect::new(inner.x, inner.y, inner.width, 1);
    let mut lines = vec![
        input_line(frame, at, "File ", &load.path, !load.reading, t),
        Line::styled(
            "A CSV with a callee column, var.NAME columns and uui, as ccc-dial task create",
            t.dim(),
        ),
        Line::styled(
            "takes; the whole file is checked and previewed before anything is sent.",
            t.dim(),
        ),
    ];
    if load.reading {
        lines.push(Line::styled("Reading and checking…", t.dim()));
    }
    if let Some(p) = &load.problem {
        lines.extend(p.lines().map(|l| Line::styled(format!("✗ {l}"), t.error())));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn preview(frame: &mut Frame, r: Rect, app: &App, load: &Load, list: &ListRead, t: &Theme) {
    let refusal = load.refusal();
    let title = if r.width >= 120 {
        " Preview · ↑↓ setting · type to edit · Enter start (server task or local batch) · Esc another file "
    } else {
        " Preview · ↑↓ setting · Enter start · Esc back "
    };
    let block = t.block(title, true, refusal.is_some());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let left_w = if inner.width >= 120 { 52 } else { 36 };
    let [left, right] = Layout::horizontal([Constraint::Length(left_w), Constraint::Fill(1)])
        .spacing(1)
        .areas(inner);
    let mut fields = vec![Line::styled("Task settings", t.accent())];
    for (i, ((label, option), input)) in SETTINGS.iter().zip(&load.settings).enumerate() {
        let label = format!("{}{label:<11} ", if i == load.field { "▶" } else { " " });
        // The value starts after its label: the terminal cursor is placed in it.
        let width = label.chars().count() as u16;
        let at = Rect::new(
            left.x + width,
            left.y + 1 + i as u16,
            left.width.saturating_sub(width),
            1,
        );
        let focused = i == load.field && !load.confirm && !load.starting;
        let mut line = input_line(frame, at, "", input, focused, t);
        line.spans.insert(0, label.into());
        fields.push(line);
        if i == load.field && left_w >= 52 {
            fields.push(Line::styled(format!("             as {option}"), t.dim()));
        }
    }
    frame.render_widget(Paragraph::new(fields), left);
    let mut lines = summary(app, load, list, t);
    match load.preview() {
        Ok(text) => lines.extend(text.lines().map(|l| Line::raw(l.to_string()))),
        Err(e) => lines.push(Line::styled(format!("✗ {e}"), t.error())),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), right);
}

/// The state of the start, then the file's problems and the callees held back.
fn summary<'a>(app: &App, load: &'a Load, list: &'a ListRead, t: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if load.confirm {
        lines.push(Line::styled(confirmation(app, list), t.danger()));
    }
    if load.starting {
        lines.push(Line::styled("Creating the task…", t.dim()));
    }
    lines.extend(load.told.iter().map(|l| Line::styled(l.as_str(), t.warn())));
    lines.push(Line::raw(format!(
        "file        {}",
        load.ask().path.display()
    )));
    if let Some(e) = &list.file_error {
        lines.extend(e.lines().map(|l| Line::styled(format!("✗ {l}"), t.error())));
        return lines;
    }
    lines.push(Line::raw(format!(
        "checked     {} rows ready, {} with bad data, no callee twice",
        list.rows.len(),
        list.bad.len(),
    )));
    for b in list.bad.iter().take(LISTED) {
        lines.push(Line::styled(
            format!("✗ line {}: {}", b.line, b.problems.join("; ")),
            t.error(),
        ));
    }
    if list.bad.len() > LISTED {
        lines.push(Line::styled(
            format!("  … and {} more bad rows", list.bad.len() - LISTED),
            t.error(),
        ));
    }
    if let Some(e) = &list.held_unknown {
        lines.push(Line::styled(
            format!("! earlier calls not checked: {e}"),
            t.warn(),
        ));
    }
    if !list.held.is_empty() {
        lines.push(Line::styled(
            format!(
                "held back   {} callees (never twice): left out of the task",
                list.held.len()
            ),
            t.warn(),
        ));
    }
    for (line, why) in list.held.iter().take(LISTED) {
        lines.push(Line::styled(format!("  line {line}: {why}"), t.warn()));
    }
    if list.held.len() > LISTED {
        lines.push(Line::styled(
            format!("  … and {} more held back", list.held.len() - LISTED),
            t.warn(),
        ));
    }
    lines
}

/// The question before anything is sent: how many callees, and whether phones ring.
fn confirmation(app: &App, list: &ListRead) -> String {
    let n = list.callees();
    let target = if app.backend.simulator {
        "on the SIMULATOR (no real phone rings)".to_string()
    } else {
        format!(
            "on the LIVE service {}: real phones ring",
            app.backend.label
        )
    };
    format!(
        "Start {n} callees {target}? y: as a server task · b: as a local batch from this \
         machine (windows and retries are the task's only) · any other key: no"
    )
}
