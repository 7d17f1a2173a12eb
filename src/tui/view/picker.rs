//! The picker: agents (with their variables) or numbers (with why some are not offered).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, popup};
use crate::tui::app::{Picker, PickerKind};

pub fn draw(frame: &mut Frame, area: Rect, p: &Picker, t: &Theme) {
    let r = popup(frame, area, 76, 18);
    let title = match p.kind {
        PickerKind::Agents => " Pick an agent · type to filter · Enter pick · Esc close ",
        PickerKind::Numbers => " Pick a caller number · Enter pick · Esc close ",
    };
    let block = t.block(title, true, false);
    let inner = block.inner(r);
    let mut lines = vec![Line::from(vec![
        Span::styled("Filter ", t.dim()),
        Span::raw(p.filter.text().to_string()),
    ])];
    let x = inner.x + 7 + Line::from(p.filter.before_cursor()).width() as u16;
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
    let matches = p.matches();
    let rows = inner.height.saturating_sub(2) as usize;
    let first = p.selected.saturating_sub(rows.saturating_sub(1));
    for (pos, &i) in matches.iter().enumerate().skip(first).take(rows) {
        let selected = pos == p.selected;
        let line = match p.kind {
            PickerKind::Agents => {
                let a = &p.agents[i];
                let vars = if a.variable_names.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", a.variable_names.join(", "))
                };
                Line::from(vec![
                    Span::raw(format!("{:>6}  {}", a.ai_agent_id, a.ai_agent_name)),
                    Span::styled(vars, t.dim()),
                ])
            }
            PickerKind::Numbers => {
                let n = &p.numbers[i];
                let state = format!(
                    "State {} CostType {}",
                    n.state.map_or("?".into(), |s| s.to_string()),
                    n.cost_type.map_or("?".into(), |s| s.to_string())
                );
                match n.unusable_reason() {
                    None => Line::from(vec![
                        Span::styled("✓ ", t.ok()),
                        Span::raw(format!("{:<18}", n.number)),
                        Span::styled(state, t.dim()),
                    ]),
                    Some(why) => Line::styled(
                        format!("✗ {:<18}{state} · not offered: {why}", n.number),
                        t.dim(),
                    ),
                }
            }
        };
        lines.push(if selected {
            line.style(t.selected())
        } else {
            line
        });
    }
    let footer = if let Some(e) = &p.error {
        Line::styled(e.clone(), t.error())
    } else if p.loading {
        Line::styled("loading…", t.dim())
    } else if matches.is_empty() {
        Line::styled("nothing matches", t.dim())
    } else {
        let total = match p.kind {
            PickerKind::Agents => p.agents.len(),
            PickerKind::Numbers => p.numbers.len(),
        };
        Line::styled(format!("{} of {total}", matches.len()), t.dim())
    };
    lines.push(footer);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
