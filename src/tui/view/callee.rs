//! The Callee pane: the number to call.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::{Theme, field_line, focused, pane_block, problem_lines};
use crate::dialer::Field;
use crate::tui::app::{App, Pane, Target};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let block = pane_block(app, Pane::Callee, " Callee ", t);
    let inner = block.inner(area);
    let at = Rect::new(inner.x, inner.y, inner.width, 1);
    let on = focused(app, Pane::Callee);
    let mut lines = vec![field_line(frame, app, at, ("", 0), Target::Callee, on, t)];
    if let Some(p) = app.problem(Field::Callee) {
        lines.extend(problem_lines(p, app.shape().problem_width, t));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
