//! A call's latency per round as bars (E2E), with its median and P90 drawn across as lines,
//! and each stage's median under the chart. Markers differ (blocks, dots, braille) and the
//! legend carries the figures, so it reads without colour. A draw function over the report's
//! plain data.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Paragraph};

use super::Theme;
use crate::dialer::LatencyReport;
use crate::results::{Stage, ms};

/// The inner area of the attempt pane split for the chart: the text above, the chart below
/// when the pane is tall enough for both.
pub fn beside_text(inner: Rect) -> (Rect, Option<Rect>) {
    if inner.height < 18 {
        return (inner, None);
    }
    let height = (inner.height / 2).min(14);
    let [text, chart] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(inner);
    (text, Some(chart))
}

/// Draws the rounds of `l` in `area`, under a rule that names it.
pub fn draw_titled(frame: &mut Frame, area: Rect, l: &LatencyReport, t: &Theme) {
    let block = ratatui::widgets::Block::new()
        .borders(ratatui::widgets::Borders::TOP)
        .border_style(t.dim())
        .title(" Latency per round, ms ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw(frame, inner, l, t);
}

/// Draws the rounds of `l` in `area`.
pub fn draw(frame: &mut Frame, area: Rect, l: &LatencyReport, t: &Theme) {
    let [chart, stages] = Layout::vertical([Constraint::Min(4), Constraint::Length(1)]).areas(area);
    let bars: Vec<(f64, f64)> = l
        .rounds
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.ete.map(|v| (i as f64 + 1.0, v)))
        .collect();
    let x_max = l.rounds.len().max(1) as f64 + 1.0;
    let across = |v: Option<f64>| {
        v.map(|v| vec![(0.5, v), (x_max - 0.5, v)])
            .unwrap_or_default()
    };
    let (median, p90) = (across(l.ete.median), across(l.ete.p90));
    let y_max = bars
        .iter()
        .map(|b| b.1)
        .chain(l.ete.p90)
        .fold(0.0, f64::max)
        .max(1.0)
        // Headroom above the bars keeps the legend off them.
        * 1.6;
    let datasets = vec![
        Dataset::default()
            .name("E2E per round")
            .marker(Marker::Block)
            .graph_type(GraphType::Bar)
            .style(t.accent())
            .data(&bars),
        Dataset::default()
            .name(format!("median {}", ms(l.ete.median)))
            .marker(Marker::Dot)
            .graph_type(GraphType::Line)
            .style(t.ok())
            .data(&median),
        Dataset::default()
            .name(format!("P90 {}", ms(l.ete.p90)))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.warn())
            .data(&p90),
    ];
    let rounds = l.rounds.len();
    let widget = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .title("round")
                .bounds([0.0, x_max])
                .labels(["0".to_string(), rounds.to_string()]),
        )
        .y_axis(
            Axis::default()
                .title("ms")
                .bounds([0.0, y_max])
                .labels(["0".to_string(), format!("{y_max:.0}")]),
        )
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)));
    frame.render_widget(widget, chart);
    let text: Vec<String> = Stage::ALL[1..]
        .iter()
        .map(|s| format!("{} {}", s.label(), ms(s.stat(l).median)))
        .collect();
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!("medians, ms: {}", text.join(" · ")),
            t.dim(),
        )),
        stages,
    );
}
