//! Colours: a dark and a light theme, each given in RGB so every pair of text and
//! background is known to read at 4.5:1 or better (WCAG AA), whatever the terminal's own
//! palette. Without colour (NO_COLOR) focus and errors are told by border shape and weight,
//! and outcomes by their glyphs.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders};

use super::msg::Level;
use crate::config::ThemeName;

/// A colour as red, green and blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    fn color(self) -> Color {
        Color::Rgb(self.0, self.1, self.2)
    }

    /// Relative luminance, as WCAG 2 defines it.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// The WCAG contrast ratio of two colours, from 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

/// The colours of a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub bg: Rgb,
    pub fg: Rgb,
    /// Hints, frames of panes without the focus, empty fields.
    pub dim: Rgb,
    /// The focus, information.
    pub accent: Rgb,
    pub ok: Rgb,
    pub warn: Rgb,
    pub error: Rgb,
    /// The simulator's banner and questions: text on its own background.
    pub banner: (Rgb, Rgb),
    /// Live: real phones ring.
    pub danger: (Rgb, Rgb),
}

pub const DARK: Palette = Palette {
    bg: Rgb(24, 24, 27),
    fg: Rgb(228, 228, 231),
    dim: Rgb(150, 150, 158),
    accent: Rgb(94, 196, 224),
    ok: Rgb(110, 204, 138),
    warn: Rgb(230, 190, 90),
    error: Rgb(248, 113, 113),
    banner: (Rgb(0, 0, 0), Rgb(230, 190, 90)),
    danger: (Rgb(255, 255, 255), Rgb(185, 28, 28)),
};

pub const LIGHT: Palette = Palette {
    bg: Rgb(255, 255, 255),
    fg: Rgb(24, 24, 27),
    dim: Rgb(92, 92, 100),
    accent: Rgb(0, 94, 140),
    ok: Rgb(0, 112, 50),
    warn: Rgb(140, 80, 0),
    error: Rgb(185, 20, 30),
    banner: (Rgb(0, 0, 0), Rgb(250, 204, 21)),
    danger: (Rgb(255, 255, 255), Rgb(185, 28, 28)),
};

impl Palette {
    pub fn of(name: ThemeName) -> &'static Palette {
        match name {
            ThemeName::Dark => &DARK,
            ThemeName::Light => &LIGHT,
        }
    }

    /// Every text colour with the background it is drawn on, named. A selected row is the
    /// same pairs reversed, so it reads as well.
    pub fn pairs(&self) -> Vec<(&'static str, Rgb, Rgb)> {
        vec![
            ("text", self.fg, self.bg),
            ("dim", self.dim, self.bg),
            ("accent", self.accent, self.bg),
            ("ok", self.ok, self.bg),
            ("warn", self.warn, self.bg),
            ("error", self.error, self.bg),
            ("banner", self.banner.0, self.banner.1),
            ("danger", self.danger.0, self.danger.1),
        ]
    }
}

/// The styles the views draw with, from a palette, or none when colour is off.
pub struct Theme {
    color: bool,
    palette: &'static Palette,
}

impl Theme {
    /// The dark theme, or no colour.
    pub fn new(color: bool) -> Theme {
        Theme::of(ThemeName::Dark, color)
    }

    pub fn of(name: ThemeName, color: bool) -> Theme {
        Theme {
            color,
            palette: Palette::of(name),
        }
    }

    fn fg(&self, c: Rgb) -> Style {
        if self.color {
            Style::new().fg(c.color())
        } else {
            Style::new()
        }
    }

    fn on(&self, (fg, bg): (Rgb, Rgb)) -> Style {
        if self.color {
            Style::new()
                .fg(fg.color())
                .bg(bg.color())
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }

    /// Gives every cell drawn without a colour of its own the theme's text and background,
    /// so a widget that clears its area still reads in the theme.
    pub fn fill(&self, buf: &mut Buffer) {
        if !self.color {
            return;
        }
        let (fg, bg) = (self.palette.fg.color(), self.palette.bg.color());
        for cell in buf.content.iter_mut() {
            if cell.fg == Color::Reset {
                cell.fg = fg;
            }
            if cell.bg == Color::Reset {
                cell.bg = bg;
            }
        }
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }

    pub fn accent(&self) -> Style {
        self.fg(self.palette.accent)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            self.fg(self.palette.dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn banner(&self) -> Style {
        self.on(self.palette.banner)
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
        self.on(self.palette.danger)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_both_themes_reads_at_4_5_to_1() {
        for name in ThemeName::ALL {
            for (what, fg, bg) in Palette::of(name).pairs() {
                let ratio = fg.contrast(bg);
                assert!(ratio >= 4.5, "{name} {what}: {ratio:.2}:1");
            }
        }
    }

    #[test]
    fn contrast_is_wcag_s() {
        let (black, white) = (Rgb(0, 0, 0), Rgb(255, 255, 255));
        assert!((black.contrast(white) - 21.0).abs() < 1e-9);
        assert!((white.contrast(white) - 1.0).abs() < 1e-9);
        // The terminal yellow on white that reads at 1.7:1.
        let yellow = Rgb(229, 229, 16);
        assert!(yellow.contrast(white) < 1.8);
    }
}
