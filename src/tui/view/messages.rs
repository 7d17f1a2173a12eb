//! The message log (m): every notice of this run in full, newest first, wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, popup};
use crate::tui::app::{App, Notice};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: u16, t: &Theme) {
    let r = popup(frame, area, 100, area.height.saturating_sub(4));
    let block = t.block(
        " Messages · newest first · Esc close · ↑↓ scroll ",
        true,
        false,
    );
    let lines: Vec<Line> = if app.log.is_empty() {
        vec![Line::styled("No messages yet.", t.dim())]
    } else {
        app.log
            .iter()
            .rev()
            .map(|n| {
                let at = app.time.clock(n.until_ms - Notice::lasts_ms(n.level));
                Line::styled(format!("{at} {}", n.text), t.level(n.level))
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        r,
    );
}
