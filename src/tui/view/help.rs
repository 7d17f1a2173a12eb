//! The help screen: every key, from the table that dispatches them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table};

use super::{Theme, popup};
use crate::tui::filter::KEYS;
use crate::tui::keymap::BINDINGS;

pub fn draw(frame: &mut Frame, area: Rect, scroll: u16, t: &Theme) {
    let r = popup(frame, area, 100, (BINDINGS.len() + KEYS.len()) as u16 + 3);
    let block = t.block(" Keys · Esc close · ↑↓ scroll ", true, false);
    let keys = BINDINGS.iter().map(|b| (b.keys, b.place, b.what));
    // The filter's terms, after the key that opens it.
    let terms = KEYS
        .iter()
        .map(|(term, what)| (*term, "History filter", *what));
    let rows = keys
        .chain(terms)
        .skip(scroll as usize)
        .map(|(keys, place, what)| {
            Row::new(vec![
                Span::styled(keys, t.accent().add_modifier(Modifier::BOLD)),
                Span::styled(place, t.dim()),
                Span::raw(what),
            ])
        });
    let widths = [
        Constraint::Length(22),
        Constraint::Length(18),
        Constraint::Fill(1),
    ];
    frame.render_widget(
        Table::new(rows, widths)
            .header(
                Row::new(vec![
                    Line::raw("Key"),
                    Line::raw("Where"),
                    Line::raw("What"),
                ])
                .style(t.dim()),
            )
            .block(block),
        r,
    );
}
