//! The tester's screens over the dialer: Compare and Stats fill the screen; the labels form
//! and the sweep prompt are boxes in the middle.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, compare, popup, stats};
use crate::tui::app::Overlay;
use crate::tui::input::Input;
use crate::tui::notes::NotesForm;
use crate::tui::sweep::SweepPrompt;

pub fn draw(frame: &mut Frame, area: Rect, overlay: &Overlay, t: &Theme) {
    match overlay {
        Overlay::Compare(c) => {
            frame.render_widget(Clear, area);
            match &c.comparison {
                Some(cmp) => c.bottom.set(Some(compare::draw(
                    frame, area, cmp, c.scroll, c.collapse, t,
                ))),
                None => waiting(frame, area, format!("Reading {} runs…", c.ids.len()), t),
            }
        }
        Overlay::Stats(s) => {
            frame.render_widget(Clear, area);
            match &s.stats {
                Some(st) => stats::draw(frame, area, st, &s.scope, t),
                None => waiting(
                    frame,
                    area,
                    format!("Gathering statistics over {}…", s.scope),
                    t,
                ),
            }
        }
        Overlay::Notes(form) => notes(frame, area, form, t),
        Overlay::Sweep(prompt) => sweep(frame, area, prompt, t),
        _ => {}
    }
}

fn waiting(frame: &mut Frame, area: Rect, text: String, t: &Theme) {
    let block = t.block(" Esc close ", true, false);
    frame.render_widget(
        Paragraph::new(Line::styled(text, t.dim())).block(block),
        area,
    );
}

/// `label text`, with the terminal cursor in the text when it has the keyboard.
fn input_line<'a>(
    frame: &mut Frame,
    at: Rect,
    label: &'a str,
    input: &'a Input,
    focused: bool,
    t: &Theme,
) -> Line<'a> {
    if focused {
        let x = at.x
            + Line::from(label).width() as u16
            + Line::from(input.before_cursor()).width() as u16;
        frame.set_cursor_position(Position::new(x.min(at.right().saturating_sub(1)), at.y));
    }
    let style = if focused { t.selected() } else { t.dim() };
    Line::from(vec![
        Span::raw(label),
        Span::styled(format!("{} ", input.text()), style),
    ])
}

fn notes(frame: &mut Frame, area: Rect, form: &NotesForm, t: &Theme) {
    let r = popup(frame, area, 72, 9);
    let title = format!(" Labels and note of {} ", form.id.short());
    let block = t.block(title, true, form.problem.is_some());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let row = |i: u16| Rect::new(inner.x, inner.y + i, inner.width, 1);
    let mut lines = vec![
        input_line(frame, row(0), "Labels ", &form.labels, !form.on_note, t),
        Line::styled(
            "       words such as prompt-v2, separated by spaces",
            t.dim(),
        ),
        input_line(frame, row(2), "Note   ", &form.note, form.on_note, t),
    ];
    if let Some(p) = &form.problem {
        lines.push(Line::styled(format!("✗ {p}"), t.error()));
    }
    lines.push(Line::styled(
        "Tab other line · Enter save · Esc cancel",
        t.dim(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn sweep(frame: &mut Frame, area: Rect, prompt: &SweepPrompt, t: &Theme) {
    let height = if prompt.problem.is_some() { 12 } else { 7 };
    let r = popup(frame, area, 76, height);
    let block = t.block(
        " Sweep: dial the form once per variable set ",
        true,
        prompt.problem.is_some(),
    );
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let at = Rect::new(inner.x, inner.y, inner.width, 1);
    let mut lines = vec![
        input_line(frame, at, "File ", &prompt.path, true, t),
        Line::styled(
            "A CSV with one var.NAME column per variable and one row per set, as",
            t.dim(),
        ),
        Line::styled(
            "ccc-dial sweep --vars-file; one call at a time, each set once.",
            t.dim(),
        ),
    ];
    if let Some(p) = &prompt.problem {
        lines.extend(p.lines().map(|l| Line::styled(format!("✗ {l}"), t.error())));
    }
    lines.push(Line::styled("Enter sweep · Esc cancel", t.dim()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
