//! `task watch`: a task's callees counted per state, polled within the request budget, its
//! finished tries brought home (record and AI report) a page at a time as callees finish;
//! and `task results`: one line per callee with its outcome, tries and the record of its
//! last try, fetched a hundred sessions a page.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::service::{Failed, Target, api_failed, connect, escaped, failure, invalid, print_line};
use crate::ccc::actions::{DescribeAutoCalloutTask, DescribeAutoCalloutTaskResponse, TaskState};
use crate::cli::GlobalArgs;
use crate::cli::exit::{EXIT_CODES_HELP, Exit};
use crate::dialer::task_home::{Origin, Try, finished_tries};
use crate::dialer::task_watch::{HomeQueue, Progress};
use crate::dialer::{CallReport, Dialer};

#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct WatchArgs {
    /// The TaskId.
    #[arg(value_name = "TASK_ID")]
    pub task_id: u64,
    #[command(flatten)]
    pub target: Target,
    /// Seconds between looks (one DescribeAutoCalloutTask each; the service allows 20 a second).
    #[arg(long, value_name = "S", default_value_t = 5.0)]
    pub interval: f64,
    /// One JSON object a line, on each change.
    #[arg(long)]
    pub json: bool,
    /// Only follow the counts: bring no tries home (`task results` does it later).
    #[arg(long)]
    pub no_home: bool,
}

#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct ResultsArgs {
    /// The TaskId.
    #[arg(value_name = "TASK_ID")]
    pub task_id: u64,
    #[command(flatten)]
    pub target: Target,
    /// Write CSV (the default).
    #[arg(long, conflicts_with = "jsonl")]
    pub csv: bool,
    /// Write one JSON object a line.
    #[arg(long)]
    pub jsonl: bool,
    /// Write to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Brings `tries` of `task` home: their records, a page per hundred, then the AI report of
/// each answered one. Returns the records, by SessionId.
async fn bring_home(
    dialer: &Dialer,
    origin: &Origin,
    task: &DescribeAutoCalloutTaskResponse,
    tries: &[Try],
) -> Result<std::collections::HashMap<String, crate::ccc::actions::TelCdrInfo>, Failed> {
    let sessions: Vec<String> = tries.iter().map(|t| t.session_id.clone()).collect();
    let records = dialer
        .task_records(origin.sdk_app_id, &sessions, origin.from_s)
        .await
        .map_err(|e| api_failed(&e))?;
    let home = dialer
        .bring_tries_home(origin, task, tries, &records)
        .await
        .map_err(failure)?;
    if home.tries > 0 {
        eprintln!(
            "{} tries brought into the history ({} with an AI report)",
            home.tries, home.reports
        );
    }
    Ok(records)
}

pub async fn watch(global: &GlobalArgs, args: WatchArgs) -> Result<Exit, Failed> {
    let every = Duration::try_from_secs_f64(args.interval)
        .ok()
        .filter(|d| *d >= Duration::from_millis(100))
        .ok_or_else(|| invalid("--interval must be at least 0.1 seconds"))?;
    let (app, connected) = connect(global, &args.target).await?;
    let session = crate::cli::headless::open(connected).map_err(failure)?;
    let dialer = &session.dialer;
    let request = DescribeAutoCalloutTask {
        sdk_app_id: app,
        task_id: args.task_id,
    };
    let bar = (!args.json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} done · {msg} · ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let mut last: Option<Progress> = None;
    let mut queue = HomeQueue::default();
    let mut origin: Option<Origin> = None;
    loop {
        let answer = session.backend.client.send(&request).await;
        let data = answer.map_err(|e| api_failed(&e))?.data;
        let state = data.state;
        let ended = state.is_some_and(TaskState::is_final);
        let progress = Progress::of(state, &data.callees);
        if !args.no_home {
            queue.observe(&data.callees);
        }
        let tries = queue.take(ended);
        if !tries.is_empty() {
            let origin = match &mut origin {
                Some(o) => o,
                None => origin.insert(
                    Origin::of(
                        dialer.store(),
                        dialer.backend_label(),
                        app,
                        args.task_id,
                        data.not_before,
                    )
                    .map_err(failure)?,
                ),
            };
            bring_home(dialer, origin, &data, &tries).await?;
        }
        drop(data);
        if last.as_ref() != Some(&progress) {
            match &bar {
                Some(bar) => {
                    bar.set_length(progress.total);
                    bar.set_position(progress.done());
                    bar.set_message(progress.line());
                }
                None if args.json => print_line(
                    &serde_json::to_string(&progress).map_err(failure)?,
                    "the task goes on",
                )?,
                None => print_line(&progress.line(), "the task goes on")?,
            }
            last = Some(progress);
        }
        if ended {
            break;
        }
        tokio::time::sleep(every).await;
    }
    if let (Some(bar), Some(p)) = (bar, &last) {
        bar.finish_and_clear();
        eprintln!("{}", p.line());
    }
    Ok(Exit::Accepted)
}

/// One callee's outcome, with the AI report of its last try from the history.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CalleeResult {
    pub line: Option<u64>,
    pub callee: String,
    pub state: String,
    pub tries: usize,
    pub session_id: Option<String>,
    pub end_status: Option<String>,
    pub duration: Option<i64>,
    /// The attempt in the history (`ccc-dial history show ID`).
    pub attempt_id: Option<String>,
    /// Extracted tags, `name=value` joined by `; `.
    pub tags: Option<String>,
    /// Median end-to-end latency of the rounds, ms.
    pub ete_median_ms: Option<f64>,
}

/// The report of the try with this SessionId, as the history has it.
fn report_of(store: &crate::history::Store, session: &str) -> Result<Option<CallReport>, Failed> {
    let Some(attempt) = store.find(session).map_err(failure)? else {
        return Ok(None);
    };
    let events = store.events(&attempt.id).map_err(failure)?;
    Ok(Some(CallReport::from_events(&attempt, &events)))
}

pub async fn results(global: &GlobalArgs, args: ResultsArgs) -> Result<Exit, Failed> {
    let (app, connected) = connect(global, &args.target).await?;
    let session = crate::cli::headless::open(connected).map_err(failure)?;
    let dialer = &session.dialer;
    let task = session
        .backend
        .client
        .send(&DescribeAutoCalloutTask {
            sdk_app_id: app,
            task_id: args.task_id,
        })
        .await
        .map_err(|e| api_failed(&e))?
        .data;
    let origin = Origin::of(
        dialer.store(),
        dialer.backend_label(),
        app,
        args.task_id,
        task.not_before,
    )
    .map_err(failure)?;
    // Every try of each finished callee; its last one says how it ended.
    let tries = finished_tries(&task.callees);
    let cdrs = bring_home(dialer, &origin, &task, &tries).await?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| failure(format!("cannot write {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut csv = (!args.jsonl).then(|| csv::Writer::from_writer(Vec::new()));
    for (i, c) in task.callees.iter().enumerate() {
        let cdr = c.sessions.last().and_then(|s| cdrs.get(s));
        let report = match c.sessions.last() {
            Some(s) => report_of(dialer.store(), s)?,
            None => None,
        };
        let tags = report.as_ref().map(|r| {
            r.tags
                .iter()
                .map(|t| format!("{}={}", t.name, t.value))
                .collect::<Vec<_>>()
                .join("; ")
        });
        let r = CalleeResult {
            line: origin.line(i, &c.callee),
            callee: escaped(&c.callee),
            state: c.state.label(),
            tries: c.sessions.len(),
            session_id: c.sessions.last().cloned(),
            end_status: cdr.and_then(|r| r.end_status_string.as_deref().map(escaped)),
            duration: cdr.and_then(|r| r.duration),
            attempt_id: report.as_ref().map(|r| r.id.0.clone()),
            tags: tags.filter(|t| !t.is_empty()).map(|t| escaped(&t)),
            ete_median_ms: report
                .as_ref()
                .and_then(|r| r.latency.as_ref())
                .and_then(|l| l.ete.median),
        };
        match csv.as_mut() {
            Some(w) => w.serialize(&r).map_err(failure)?,
            None => {
                writeln!(out, "{}", serde_json::to_string(&r).map_err(failure)?).map_err(failure)?
            }
        }
    }
    if let Some(w) = csv {
        let bytes = w.into_inner().map_err(failure)?;
        out.write_all(&bytes).map_err(failure)?;
    }
    out.flush().map_err(failure)?;
    Ok(Exit::Accepted)
}
