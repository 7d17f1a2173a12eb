//! Drawing: a pure function of the [`App`] onto a frame, a file per pane. Only the rows on
//! screen are turned into widgets, so a long history costs nothing to draw.

mod agent;
mod bench;
mod callee;
mod callers;
mod campaign_load;
mod campaigns;
pub mod compare;
mod detail;
mod help;
mod history;
pub mod latency;
mod messages;
mod options;
mod picker;
mod settings;
pub mod stats;
mod status;
mod variables;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};

use super::app::{App, Overlay, Pane, Target};
use super::layout::Layout;
pub use super::theme::Theme;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let l = Layout::new((area.width, area.height), app.shape());
    let t = Theme::of(app.settings.theme, app.color);
    status::title(frame, l.title, app, &t);
    agent::draw(frame, l.agent, app, &t);
    options::draw(frame, l.options, app, &t);
    callee::draw(frame, l.callee, app, &t);
    callers::draw(frame, l.callers, app, &t);
    variables::draw(frame, l.variables, app, &t);
    if l.history.height > 0 {
        history::draw(frame, l.history, app, &t);
    }
    detail::draw(frame, l.detail, app, &t);
    status::bottom(frame, l.status, app, &t);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => help::draw(frame, area, *scroll, &t),
        Some(Overlay::Settings(form)) => settings::draw(frame, area, app, form, &t),
        Some(Overlay::Picker(p)) => picker::draw(frame, area, p, &t),
        Some(Overlay::Messages { scroll }) => messages::draw(frame, area, app, *scroll, &t),
        Some(Overlay::Campaigns(c)) => campaigns::draw(frame, area, app, c, &t),
        Some(
            o @ (Overlay::Compare(_) | Overlay::Stats(_) | Overlay::Notes(_) | Overlay::Sweep(_)),
        ) => bench::draw(frame, area, o, &t),
        // Confirmations and the steering line are one line in the status bar.
        Some(
            Overlay::Confirm(_)
            | Overlay::HangUp(_)
            | Overlay::Quit
            | Overlay::Steer(_)
            | Overlay::Held(_)
            | Overlay::Undeclared(_),
        )
        | None => {}
    }
    t.fill(frame.buffer_mut());
}

/// The block for a form pane.
fn pane_block<'a>(app: &App, pane: Pane, title: impl Into<Line<'a>>, t: &Theme) -> Block<'a> {
    t.block(title, focused(app, pane), app.pane_has_problem(pane))
}

/// A `label value` line; the value is highlighted when selected, and the terminal cursor is
/// placed in it while it is typed into.
fn field_line<'a>(
    frame: &mut Frame,
    app: &App,
    at: Rect,
    (label, label_width): (&str, usize),
    target: Target,
    selected: bool,
    t: &Theme,
) -> Line<'a> {
    let value = app.text_of(target);
    let editing = app.editing.as_ref().filter(|e| e.target == target);
    let style = if selected { t.selected() } else { Style::new() };
    if let Some(e) = editing {
        let x = at.x + label_width as u16 + Line::from(e.input.before_cursor()).width() as u16;
        frame.set_cursor_position(Position::new(x.min(at.right().saturating_sub(1)), at.y));
    }
    let shown = if value.is_empty() && !selected {
        Span::styled("—", t.dim())
    } else {
        Span::styled(
            if value.is_empty() {
                " ".to_string()
            } else {
                value
            },
            style,
        )
    };
    Line::from(vec![Span::raw(format!("{label:<label_width$}")), shown])
}

/// The line under a field that has a problem.
/// A field's problem, wrapped to a pane `width` wide as the layout counted it.
fn problem_lines<'a>(message: &str, width: u16, t: &Theme) -> Vec<Line<'a>> {
    crate::tui::layout::problem_rows(message, width)
        .into_iter()
        .map(|row| Line::styled(row, t.error()))
        .collect()
}

/// A box in the middle of `area`, cleared.
fn popup(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, r);
    r
}

/// Whether `pane` has the keyboard (no popup in front).
fn focused(app: &App, pane: Pane) -> bool {
    app.focus == pane && app.overlay.is_none()
}
