//! The Options pane: MaxRingTimeoutSecond and AcquireTimeoutSecond.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::{Theme, field_line, focused, pane_block, problem_lines};
use crate::dialer::Field;
use crate::tui::app::{App, Pane, Target};

const FULL_RING_UNIT: &str = " s (default: the service's)";

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let block = pane_block(app, Pane::Options, " Options ", t);
    let inner = block.inner(area);
    let on = focused(app, Pane::Options);
    let mut lines = Vec::new();
    let mut y = inner.y;
    for (i, (label, target, field, unit)) in [
        (
            "Ring timeout  ",
            Target::MaxRing,
            Field::MaxRingTimeout,
            FULL_RING_UNIT,
        ),
        (
            "Queue timeout ",
            Target::Acquire,
            Field::AcquireTimeout,
            " s (0..5)",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let at = Rect::new(inner.x, y, inner.width, 1);
        let mut line = field_line(
            frame,
            app,
            at,
            (label, 14),
            target,
            on && app.options_field == i,
            t,
        );
        // A narrow pane says the unit in fewer words rather than cut them.
        let unit = match unit {
            FULL_RING_UNIT if line.width() + unit.len() > inner.width as usize => {
                " s, blank: default"
            }
            _ => unit,
        };
        line.spans.push(Span::styled(unit, t.dim()));
        lines.push(line);
        y += 1;
        if let Some(p) = app.problem(field) {
            let rows = problem_lines(p, app.shape().problem_width, t);
            y += rows.len() as u16;
            lines.extend(rows);
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
