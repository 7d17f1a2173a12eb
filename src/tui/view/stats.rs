//! The Stats view: the outcome breakdown and talk time as bar charts, the answer rate, the
//! latency per stage, and the same per agent and per label. Under NO_COLOR every bar carries
//! its number, so the charts still read. A draw function over plain data.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Paragraph, Row, Table};

use super::Theme;
use super::variables::truncate;
use crate::results::stats::{Group, Stats};
use crate::results::{ms, printable};

/// Draws the statistics in `area`; `scope` says which attempts they cover.
pub fn draw(frame: &mut Frame, area: Rect, s: &Stats, scope: &str, t: &Theme) {
    let title = format!(" Stats · {} · Esc close ", printable(scope));
    let block = t.block(title, true, false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rate = match s.all.answer_rate() {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "-".into(),
    };
    let headline = format!(
        "{} attempts · {} placed · {} answered · answer rate {rate}",
        s.all.attempts, s.all.placed, s.all.answered
    );
    let charts_height = (s.outcomes.len().max(s.talk.len()) as u16 + 1).min(10);
    let [head, charts, tables] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(charts_height),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(Line::styled(headline, t.accent())), head);
    let [outcomes, talk] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(charts);
    let outcome_bars: Vec<Bar> = s
        .outcomes
        .iter()
        .map(|(w, n)| Bar::with_label(truncate(w, 14), *n).text_value(n.to_string()))
        .collect();
    frame.render_widget(
        BarChart::horizontal(outcome_bars)
            .block(ratatui::widgets::Block::new().title("Outcomes"))
            .bar_gap(0)
            .bar_style(t.accent())
            .direction(Direction::Horizontal),
        outcomes,
    );
    let talk_bars: Vec<Bar> = s
        .talk
        .iter()
        .map(|(b, n)| Bar::with_label(*b, *n).text_value(n.to_string()))
        .collect();
    frame.render_widget(
        BarChart::horizontal(talk_bars)
            .block(ratatui::widgets::Block::new().title("Talk time, answered"))
            .bar_gap(0)
            .bar_style(t.ok())
            .direction(Direction::Horizontal),
        talk,
    );
    draw_tables(frame, tables, s, t);
}

fn group_row(g: &Group) -> Row<'static> {
    let rate = g
        .answer_rate()
        .map_or("-".into(), |r| format!("{:.0}%", r * 100.0));
    Row::new(vec![
        truncate(&printable(&g.name), 22),
        g.attempts.to_string(),
        g.answered.to_string(),
        rate,
        ms(g.ete.median),
    ])
}

fn draw_tables(frame: &mut Frame, area: Rect, s: &Stats, t: &Theme) {
    let [latency, groups] =
        Layout::horizontal([Constraint::Length(26), Constraint::Min(0)]).areas(area);
    let rows = s
        .latency
        .iter()
        .map(|(stage, st)| Row::new(vec![stage.label().to_owned(), ms(st.median), ms(st.p90)]));
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(11),
                Constraint::Length(6),
                Constraint::Length(6),
            ],
        )
        .header(Row::new(vec!["latency ms", "median", "P90"]).style(t.accent())),
        latency,
    );
    let mut rows: Vec<Row> = s.agents.iter().map(group_row).collect();
    if !s.labels.is_empty() {
        rows.push(Row::new(vec!["label"]).style(t.accent()));
        rows.extend(s.labels.iter().map(group_row));
    }
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(22),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Length(5),
                Constraint::Length(7),
            ],
        )
        .header(
            Row::new(vec!["agent", "attempts", "answered", "rate", "E2E med"]).style(t.accent()),
        ),
        groups,
    );
}
