//! `ccc-dial stats`: outcomes, answer rate, talk time and latency over any filter of the
//! history, as bar charts that read without colour, or as JSON.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use chrono::Local;
use clap::Args;

use super::history::parse_when;
use crate::history::{ENV_PATH, Filter};
use crate::results::stats::{Group, Stats};
use crate::results::{ms, printable};

/// Statistics over the history: outcomes, answer rate, talk time, latency, per agent and per
/// label.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only attempts made since a date or for a duration back: 2026-11-01, 7d, 24h.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only attempts made before a date or a duration back (as --since).
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only this agent (its id).
    #[arg(long, value_name = "ID")]
    pub agent: Option<u64>,
    /// Only attempts with this label.
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The history file [default: ~/.local/share/ccc-dial/history.db on Linux].
    #[arg(long, env = ENV_PATH, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// The width of the longest bar.
const BAR: usize = 30;

pub fn run(args: StatsArgs) -> anyhow::Result<()> {
    let now = Local::now();
    let when = |flag: &str, v: &Option<String>| -> anyhow::Result<Option<i64>> {
        v.as_deref()
            .map(|v| parse_when(v, now).with_context(|| format!("--{flag} {v}")))
            .transpose()
    };
    let filter = Filter {
        since_ms: when("since", &args.since)?,
        until_ms: when("until", &args.until)?,
        agent_id: args.agent,
        label: args.label.clone(),
        ..Filter::default()
    };
    // Counting only reads; summaries still to make (a history written by an earlier version,
    // attempts recorded without them) need the history open to write.
    let read = Stats::read(&super::history::open_to_read(args.db.clone())?, &filter)?;
    let stats = match read {
        Some(stats) => stats,
        None => Stats::gather(&super::history::open(args.db)?, &filter)?,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &stats.to_json())?;
        writeln!(out)?;
    } else {
        write_stats(&stats, &mut out)?;
        if let Some(label) = args.label.as_deref().filter(|_| stats.all.attempts == 0) {
            writeln!(
                out,
                "No attempt with the label `{}` matches; labels match whole and exactly, and `ccc-dial history label KEY {0}` adds one",
                printable(label)
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A bar of `n` against `max`, at least one block for any non-zero count.
pub fn bar(n: f64, max: f64) -> String {
    if n <= 0.0 || max <= 0.0 {
        return String::new();
    }
    let blocks = ((n / max) * BAR as f64).round().max(1.0) as usize;
    "█".repeat(blocks.min(BAR))
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Writes the statistics as text with bar charts.
pub fn write_stats(s: &Stats, out: &mut dyn Write) -> io::Result<()> {
    let all = &s.all;
    writeln!(
        out,
        "{} attempts · {} placed · {} answered · answer rate {}",
        all.attempts,
        all.placed,
        all.answered,
        percent(all.answered, all.placed)
    )?;
    if all.attempts == 0 {
        return Ok(());
    }
    writeln!(out, "\nOutcomes")?;
    let max = s.outcomes.iter().map(|o| o.1).max().unwrap_or(0) as f64;
    for (word, n) in &s.outcomes {
        let b = bar(*n as f64, max);
        let share = percent(*n, all.attempts);
        writeln!(out, "  {word:<16} {b:<BAR$} {n:>7}  {share:>6}")?;
    }
    writeln!(out, "\nTalk time of answered calls")?;
    let max = s.talk.iter().map(|t| t.1).max().unwrap_or(0) as f64;
    for (bucket, n) in &s.talk {
        writeln!(out, "  {bucket:<16} {:<BAR$} {n:>7}", bar(*n as f64, max))?;
    }
    writeln!(out, "\nLatency, ms: median / P90 of the calls' medians")?;
    let max = s
        .latency
        .iter()
        .filter_map(|(_, st)| st.p90)
        .fold(0.0, f64::max);
    for (stage, st) in &s.latency {
        let figures = format!("{} / {}", ms(st.median), ms(st.p90));
        let b = bar(st.median.unwrap_or(0.0), max);
        writeln!(out, "  {:<16} {b:<BAR$} {figures:>13}", stage.label())?;
    }
    write_groups("Per agent", "AGENT", &s.agents, out)?;
    if !s.labels.is_empty() {
        write_groups("Per label", "LABEL", &s.labels, out)?;
    }
    Ok(())
}

fn write_groups(title: &str, head: &str, groups: &[Group], out: &mut dyn Write) -> io::Result<()> {
    let names: Vec<String> = groups.iter().map(|g| printable(&g.name)).collect();
    let w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(head.len());
    writeln!(out, "\n{title}")?;
    writeln!(
        out,
        "  {head:<w$}  {:>8}  {:>7}  {:>8}  {:>6}  {:>8}",
        "ATTEMPTS", "PLACED", "ANSWERED", "RATE", "E2E MED"
    )?;
    for (g, name) in groups.iter().zip(&names) {
        writeln!(
            out,
            "  {name:<w$}  {:>8}  {:>7}  {:>8}  {:>6}  {:>8}",
            g.attempts,
            g.placed,
            g.answered,
            percent(g.answered, g.placed),
            ms(g.ete.median)
        )?;
    }
    Ok(())
}
