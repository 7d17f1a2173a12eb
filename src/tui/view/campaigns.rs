//! The Campaigns view (F3): one line per local batch or server task, newest first, with a
//! bar of calls done, the counts and the state; the selected one's keys at the foot.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, popup};
use crate::history::{Campaign, TaskPartStatus};
use crate::tui::app::App;
use crate::tui::campaigns::Campaigns;

/// A bar of `done` out of `total` in `width` cells, in glyphs that read without colour.
fn bar(done: u64, total: u64, width: usize) -> String {
    let filled = (done.min(total) as usize * width)
        .checked_div(total as usize)
        .unwrap_or(0);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// What a campaign's line says after its name: its bar, counts and state.
fn progress(c: &Campaign, view: &Campaigns, width: usize) -> (String, String) {
    match c {
        Campaign::Local(b) => {
            let done = b.attempts - b.live;
            let state = if b.live > 0 { "dialing" } else { "done" };
            (
                format!("{} {done}/{}", bar(done, b.attempts, width), b.attempts),
                format!("{state} · {} finished · {} failed", b.finished, b.failed),
            )
        }
        Campaign::Server { part, home, .. } => {
            match (part.task_id, view.live.get(&part.task_id.unwrap_or(0))) {
                (Some(_), Some((_, p))) => (
                    format!("{} {}/{}", bar(p.done(), p.total, width), p.done(), p.total),
                    format!(
                        "{} · answered {} · unanswered {} · calling {} · retry {} · home {home}",
                        p.state, p.answered, p.unanswered, p.calling, p.pending_retry
                    ),
                ),
                (Some(_), None) => (
                    format!("{} ?/{}", bar(0, 1, width), part.callees),
                    "asking the service…".into(),
                ),
                (None, _) => (
                    format!("{} 0/{}", bar(0, 1, width), part.callees),
                    match part.status {
                        TaskPartStatus::Queued => "being created".into(),
                        TaskPartStatus::Unknown => "creation unknown: rerun task create".into(),
                        _ => format!("rejected: {}", part.error_code.as_deref().unwrap_or("")),
                    },
                ),
            }
        }
    }
}

fn name(c: &Campaign) -> String {
    match c {
        Campaign::Local(b) => format!("batch {}", &b.batch_id[..b.batch_id.len().min(12)]),
        Campaign::Server { part, .. } => match part.task_id {
            Some(id) => format!("task {id} {}", part.name),
            None => format!("task {}", part.name),
        },
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &Campaigns, t: &Theme) {
    let r = popup(frame, area, 150, area.height.saturating_sub(2));
    let inner_w = r.width.saturating_sub(2) as usize;
    let wide = inner_w >= 120;
    let title = if wide {
        " Campaigns · Enter its calls in History · S stats · l load a CSV · p pause · r resume · s stop · g reload · Esc close "
    } else {
        " Campaigns · Enter calls · S stats · l load · p/r/s pause/resume/stop "
    };
    if let Some(load) = &view.load {
        return super::campaign_load::draw(frame, r, app, load, t);
    }
    let block = t.block(title, true, false);
    let (bar_w, name_w) = if wide { (20, 34) } else { (8, 22) };
    let mut lines: Vec<Line> = Vec::new();
    if let Some(task) = view.confirm_stop {
        lines.push(Line::styled(
            format!("Stop task {task}? It makes no new calls and cannot be resumed. y stop · any other key: no"),
            t.danger(),
        ));
    }
    if let Some(e) = &view.error {
        lines.push(Line::styled(e.clone(), t.error()));
    }
    if view.list.is_empty() {
        let text = if view.loading {
            "Reading the history…"
        } else {
            "No campaigns yet: l loads a CSV (or run ccc-dial task create, or batch)."
        };
        lines.push(Line::styled(text, t.dim()));
    }
    for (i, c) in view.list.iter().enumerate() {
        let (bar, state) = progress(c, view, bar_w);
        let when = app.time.clock(c.started_ms());
        let style = if i == view.selected {
            t.selected()
        } else {
            ratatui::style::Style::new()
        };
        let mark = if i == view.selected { "▶ " } else { "  " };
        let head = format!("{mark}{when} {:<name_w$.name_w$} {bar} ", name(c));
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::styled(state, t.dim()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
