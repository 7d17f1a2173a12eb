//! `ccc-dial compare`: two or more runs side by side, as a table, JSON or Markdown.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use crate::history::{AttemptId, ENV_PATH, Filter, Page, Store};
use crate::results::compare::{Comparison, Line};
use crate::results::{Run, printable};
use crate::tui::msg::wrap;

/// Compare runs side by side: variables (differences marked *), outcome, ring and talk time,
/// extracted tags, and latency median / P90 per stage.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Attempt ids, SessionIds, or unique starts of attempt ids (8 characters suffice).
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,
    /// Add every attempt with this label.
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,
    /// Add every attempt of this batch or sweep.
    #[arg(long, value_name = "ID")]
    pub batch: Option<String>,
    /// Print JSON, with the service's field names.
    #[arg(long, group = "format")]
    pub json: bool,
    /// Print a Markdown table, to paste into a ticket.
    #[arg(long, group = "format")]
    pub markdown: bool,
    /// Also show the variables every run shares.
    #[arg(long)]
    pub all: bool,
    /// The history file [default: ~/.local/share/ccc-dial/history.db on Linux].
    #[arg(long, env = ENV_PATH, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let store = super::history::open(args.db.clone())?;
    let runs = runs_of(&store, &args)?;
    print(&Comparison::new(runs), args.json, args.markdown, args.all)
}

/// Prints the comparison on stdout: JSON, Markdown, or a table; `all` keeps shared variables.
pub fn print(comparison: &Comparison, json: bool, markdown: bool, all: bool) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if json {
        serde_json::to_writer_pretty(&mut out, &comparison.to_json())?;
        writeln!(out)?;
    } else {
        let lines = comparison.lines(!all);
        if markdown {
            write_markdown(&lines, &mut out)?;
        } else {
            write_table(&lines, &mut out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The runs the keys, the label and the batch name, oldest first, each once.
fn runs_of(store: &Store, args: &CompareArgs) -> anyhow::Result<Vec<Run>> {
    let mut attempts = Vec::new();
    for key in &args.keys {
        attempts.push(super::history::found(store, key)?);
    }
    if let Some(label) = &args.label {
        let filter = Filter {
            label: Some(label.clone()),
            ..Filter::default()
        };
        let labelled = store.list(&filter, Page::all())?;
        if labelled.is_empty() {
            bail!(
                "no attempt has the label `{label}`; `ccc-dial history label KEY {label}` adds it"
            );
        }
        attempts.extend(labelled);
    }
    if let Some(batch) = &args.batch {
        let rows = store.batch_rows(batch)?;
        if rows.is_empty() {
            bail!("no attempt belongs to batch `{batch}`; its id is printed when it starts");
        }
        for (_, _, id) in rows {
            attempts.extend(store.get(&id)?);
        }
    }
    let named = attempts.len();
    let mut seen: HashSet<AttemptId> = HashSet::new();
    attempts.retain(|a| seen.insert(a.id.clone()));
    attempts.sort_by_key(|a| a.created_at_ms);
    if attempts.len() < 2 {
        let twice = if named > attempts.len() {
            " (the keys name the same attempt)"
        } else {
            ""
        };
        bail!(
            "compare needs at least two runs, got {}{twice}; name more attempts, or use --label or --batch",
            attempts.len()
        );
    }
    attempts
        .into_iter()
        .map(|a| Ok(Run::new(store.entry(a)?)))
        .collect()
}

/// The widest a sentence of the transcript runs in the table before it wraps.
const PROSE: usize = 36;

/// The printed lines of a table line: a differing one marked `*` before its heading, its
/// sentences wrapped (the heading on the first line only).
fn headed(line: &Line) -> Vec<(String, Vec<String>)> {
    let mark = if line.differs { "* " } else { "  " };
    let heading = format!("{mark}{}", line.heading);
    let cells = line.cells.iter().map(|c| printable(c));
    if !line.prose {
        return vec![(heading, cells.collect())];
    }
    let wrapped: Vec<Vec<String>> = cells.map(|c| wrap(&c, PROSE)).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    (0..height)
        .map(|i| {
            let heading = if i == 0 {
                heading.clone()
            } else {
                String::new()
            };
            let cells = wrapped
                .iter()
                .map(|w| w.get(i).cloned().unwrap_or_default())
                .collect();
            (heading, cells)
        })
        .collect()
}

fn write_table(lines: &[Line], out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<(String, Vec<String>)> = lines.iter().flat_map(headed).collect();
    let head = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let columns = rows.first().map_or(0, |r| r.1.len());
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .map(|r| r.1.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (heading, cells) in &rows {
        let mut s = format!("{heading:<head$}");
        for (cell, w) in cells.iter().zip(&widths) {
            s.push_str(&format!("  {cell:<w$}"));
        }
        writeln!(out, "{}", s.trim_end())?;
    }
    Ok(())
}

fn write_markdown(lines: &[Line], out: &mut dyn Write) -> io::Result<()> {
    let cell = |s: &str| printable(s).replace('|', "\\|");
    let Some((first, rest)) = lines.split_first() else {
        return Ok(());
    };
    let cells = |l: &Line| {
        l.cells
            .iter()
            .map(|c| cell(c))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    writeln!(out, "| {} | {} |", first.heading, cells(first))?;
    writeln!(out, "|---|{}", "---|".repeat(first.cells.len()))?;
    for l in rest {
        let heading = if l.differs {
            format!("**{}**", l.heading)
        } else {
            l.heading.clone()
        };
        writeln!(out, "| {heading} | {} |", cells(l))?;
    }
    Ok(())
}
