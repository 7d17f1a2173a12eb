//! The Agent pane: SdkAppId and AIAgentId (with the picked agent's name).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, field_line, focused, pane_block, problem_lines};
use crate::dialer::Field;
use crate::tui::app::{App, Pane, Target};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let block = pane_block(app, Pane::Agent, " Agent · Ctrl-P pick ", t);
    let inner = block.inner(area);
    let on = focused(app, Pane::Agent);
    let mut lines = Vec::new();
    let mut y = inner.y;
    for (i, (label, target, field)) in [
        ("SdkAppId  ", Target::SdkAppId, Field::SdkAppId),
        ("AIAgentId ", Target::AgentId, Field::AgentId),
    ]
    .into_iter()
    .enumerate()
    {
        let at = Rect::new(inner.x, y, inner.width, 1);
        let mut line = field_line(
            frame,
            app,
            at,
            (label, 10),
            target,
            on && app.agent_field == i,
            t,
        );
        if target == Target::AgentId
            && let Some(name) = &app.draft.agent_name
        {
            line.spans
                .push(Span::styled(format!(" · {name}"), t.accent()));
        }
        lines.push(line);
        y += 1;
        if let Some(p) = app.problem(field) {
            let rows = problem_lines(p, app.shape().problem_width, t);
            y += rows.len() as u16;
            lines.extend(rows);
        }
    }
    if lines.len() < inner.height as usize && app.draft.agent_name.is_none() && on {
        lines.push(Line::styled("Ctrl-P lists the agents", t.dim()));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
