//! The Compare view: two to six runs in columns (variables, outcome, tags, latency, then the
//! transcripts round by round, wrapped in their columns), the differing rows marked, and the
//! runs' E2E medians side by side as bars. A draw function over plain data: the comparison,
//! the first row shown, and whether shared variables fold.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Cell, Paragraph, Row, Table};

use super::Theme;
use super::variables::truncate;
use crate::results::compare::{Comparison, Line as TableLine};
use crate::results::{Stage, printable};
use crate::tui::msg::wrap;

/// The width of the row headings.
const HEADING: u16 = 18;

/// Draws the comparison in `area`, from table row `scroll` on, or from the row that fills the
/// area to the table's end when that comes first; returns that row, the furthest worth
/// scrolling to.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    c: &Comparison,
    scroll: usize,
    collapse: bool,
    t: &Theme,
) -> usize {
    let title = format!(
        " Compare {} runs · * differs · v {} shared · j/k scroll · Esc close ",
        c.runs.len(),
        if collapse { "show" } else { "fold" }
    );
    let block = t.block(title, true, false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let chart_height = if inner.height >= 18 {
        c.runs.len() as u16 + 1
    } else {
        0
    };
    let [table_area, chart_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(chart_height)]).areas(inner);
    let bottom = draw_table(frame, table_area, c, scroll, collapse, t);
    if chart_height > 0 {
        draw_medians(frame, chart_area, c, t);
    }
    bottom
}

fn draw_table(
    frame: &mut Frame,
    area: Rect,
    c: &Comparison,
    scroll: usize,
    collapse: bool,
    t: &Theme,
) -> usize {
    let runs = c.runs.len().max(1) as u16;
    let column = (area.width.saturating_sub(HEADING) / runs)
        .saturating_sub(1)
        .max(4);
    let lines = c.lines(collapse);
    let rows = |from: usize| {
        lines
            .iter()
            .skip(from)
            .map(|l| row(l, column as usize, area.height, t))
    };
    // The rows from the end up that fit: scrolling further would only leave the area empty.
    let mut filled = 0;
    let bottom = lines.len()
        - rows(0)
            .rev()
            .take_while(|(_, h)| {
                filled += h;
                filled <= area.height
            })
            .count();
    // Each row takes a line at least: rows past the area's height are not drawn.
    let shown = rows(scroll.min(bottom))
        .take(area.height as usize)
        .map(|(r, _)| r);
    let widths = std::iter::once(Constraint::Length(HEADING))
        .chain((0..runs).map(|_| Constraint::Length(column)));
    frame.render_widget(Table::new(shown, widths).column_spacing(1), area);
    bottom
}

/// A line of the table and its height: values cut to the column, sentences wrapped in it (as
/// many lines as the area has).
fn row(l: &TableLine, column: usize, height: u16, t: &Theme) -> (Row<'static>, u16) {
    let (mark, style) = if l.differs {
        ("* ", t.warn().add_modifier(Modifier::BOLD))
    } else {
        ("  ", ratatui::style::Style::new())
    };
    let heading = Cell::from(truncate(&format!("{mark}{}", l.heading), HEADING as usize));
    if !l.prose {
        let cells = l
            .cells
            .iter()
            .map(|v| Cell::from(truncate(&printable(v), column)));
        return (
            Row::new(std::iter::once(heading).chain(cells)).style(style),
            1,
        );
    }
    let wrapped: Vec<Vec<String>> = l
        .cells
        .iter()
        .map(|v| wrap(&printable(v), column))
        .collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let lines = (lines.min(u16::MAX as usize) as u16).clamp(1, height.max(1));
    let cells = wrapped.into_iter().map(|w| Cell::from(w.join("\n")));
    // Only the heading is marked: a whole transcript in the warning colour would not read.
    let row = Row::new(std::iter::once(heading.style(style)).chain(cells)).height(lines);
    (row, lines)
}

/// The runs' E2E medians as horizontal bars, each labelled with its run and value.
fn draw_medians(frame: &mut Frame, area: Rect, c: &Comparison, t: &Theme) {
    let [title, bars] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!("{} median, ms", Stage::Ete.label()),
            t.accent(),
        )),
        title,
    );
    let data: Vec<Bar> = c
        .runs
        .iter()
        .map(|r| {
            let median = r.stat(Stage::Ete).median;
            Bar::with_label(
                r.attempt.id.short().to_owned(),
                median.unwrap_or(0.0) as u64,
            )
            .text_value(median.map_or("-".into(), |m| format!("{m:.0}")))
        })
        .collect();
    frame.render_widget(
        BarChart::horizontal(data)
            .bar_gap(0)
            .bar_style(t.accent())
            .direction(Direction::Horizontal),
        bars,
    );
}
