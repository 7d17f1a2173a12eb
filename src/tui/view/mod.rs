//! Drawing: a pure function of the [`App`] onto a frame, a file per pane. Only the rows on
//! screen are turned into widgets, so a long history costs nothing to draw.

mod agent;
mod callee;
mod callers;
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
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear};

use super::app::{App, Level, Overlay, Pane, Target};
use super::layout::Layout;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let l = Layout::new((area.width, area.height), app.shape());
    let t = Theme::new(app.color);
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
}

/// Colours, or none when NO_COLOR is set: then focus and errors are told by border shape and
/// weight, and statuses by their glyphs.
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn banner(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }

    /// A notice's colour by its level.
    pub fn level(&self, level: Level) -> Style {
        match level {
            Level::Info => self.accent(),
            Level::Success => self.ok(),
            Level::Warning => self.warn(),
            Level::Error => self.error(),
        }
    }

    /// The live backend: real phones ring.
    pub fn danger(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }

    /// A pane's frame: doubled and red when it has a problem, thick when focused.
    pub fn block<'a>(&self, title: impl Into<Line<'a>>, focused: bool, problem: bool) -> Block<'a> {
        let (kind, style) = if problem {
            (BorderType::Double, self.error())
        } else if focused {
            (
                BorderType::Thick,
                self.accent().add_modifier(Modifier::BOLD),
            )
        } else {
            (BorderType::Plain, self.dim())
        };
        Block::new()
            .borders(Borders::ALL)
            .border_type(kind)
            .border_style(style)
            .title(title)
    }
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
fn problem_line<'a>(message: &str, t: &Theme) -> Line<'a> {
    Line::styled(format!("  ✗ {message}"), t.error())
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
