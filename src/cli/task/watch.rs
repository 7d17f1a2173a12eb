//! `task watch`: a task's callees counted per state, polled within the request budget; and
//! `task results`: one line per callee with its outcome, tries and the record of its last
//! try, fetched a hundred sessions a page.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::home::{Origin, bring_home};
use super::service::{Failed, Target, api_failed, connect, escaped, failure, invalid};
use crate::ccc::actions::{
    AutoCalloutTaskCalleeInfo, CalleeState, DescribeAutoCalloutTask, DescribeTelCdr, TaskState,
    TelCdrInfo,
};
use crate::ccc::{ApiError, Client};
use crate::cli::GlobalArgs;
use crate::cli::exit::{EXIT_CODES_HELP, Exit};

/// Most SessionIds one DescribeTelCdr carries (its page size).
const CDR_PAGE: usize = 100;
/// DescribeTelCdr's widest window is under 90 days.
const CDR_WINDOW_S: i64 = 89 * 86_400;

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

/// Callees per state: all a watch keeps of an answer, however many callees it listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub state: String,
    pub total: u64,
    pub initial: u64,
    pub calling: u64,
    pub answered: u64,
    pub unanswered: u64,
    pub pending_retry: u64,
    pub sessions: u64,
}

impl Progress {
    pub fn of(state: Option<TaskState>, callees: &[AutoCalloutTaskCalleeInfo]) -> Progress {
        let mut p = Progress {
            state: state.map_or("unknown".into(), |s| s.label()),
            total: callees.len() as u64,
            ..Progress::default()
        };
        for c in callees {
            p.sessions += c.sessions.len() as u64;
            match c.state {
                CalleeState::Initial | CalleeState::Other(_) => p.initial += 1,
                CalleeState::Calling => p.calling += 1,
                CalleeState::Answered => p.answered += 1,
                CalleeState::Unanswered => p.unanswered += 1,
                CalleeState::PendingRetry => p.pending_retry += 1,
            }
        }
        p
    }

    fn line(&self) -> String {
        format!(
            "{} · initial {} · calling {} · answered {} · unanswered {} · pending retry {} · tries {}",
            self.state,
            self.initial,
            self.calling,
            self.answered,
            self.unanswered,
            self.pending_retry,
            self.sessions
        )
    }
}

pub async fn watch(global: &GlobalArgs, args: WatchArgs) -> Result<Exit, Failed> {
    let every = Duration::try_from_secs_f64(args.interval)
        .ok()
        .filter(|d| *d >= Duration::from_millis(100))
        .ok_or_else(|| invalid("--interval must be at least 0.1 seconds"))?;
    let (app, connected) = connect(global, &args.target).await?;
    let backend = &connected.backend;
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
    loop {
        let answer = backend.client.send(&request).await;
        let data = answer.map_err(|e| api_failed(&e))?.data;
        let state = data.state;
        let progress = Progress::of(state, &data.callees);
        drop(data);
        if last.as_ref() != Some(&progress) {
            match &bar {
                Some(bar) => {
                    bar.set_length(progress.total);
                    bar.set_position(progress.answered + progress.unanswered);
                    bar.set_message(progress.line());
                }
                None if args.json => {
                    println!("{}", serde_json::to_string(&progress).map_err(failure)?)
                }
                None => println!("{}", progress.line()),
            }
            last = Some(progress);
        }
        if state.is_some_and(TaskState::is_final) {
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

/// One callee's outcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CalleeResult {
    pub line: Option<u64>,
    pub callee: String,
    pub state: String,
    pub tries: usize,
    pub session_id: Option<String>,
    pub end_status: Option<String>,
    pub duration: Option<i64>,
}

/// Records of these sessions, a page of a hundred per request, in a window from `from_s`.
pub async fn records(
    client: &Client,
    app: u64,
    sessions: &[String],
    from_s: i64,
) -> Result<HashMap<String, TelCdrInfo>, ApiError> {
    let mut out = HashMap::new();
    for chunk in sessions.chunks(CDR_PAGE) {
        let page = client
            .send(&DescribeTelCdr {
                start_time_stamp: from_s,
                end_time_stamp: from_s + CDR_WINDOW_S,
                sdk_app_id: app as i64,
                page_size: CDR_PAGE as i64,
                page_number: 0,
                session_ids: Some(chunk.to_vec()),
                ..Default::default()
            })
            .await?
            .data;
        for cdr in page.tel_cdr_list {
            if let Some(id) = cdr.session_id.clone() {
                out.insert(id, cdr);
            }
        }
    }
    Ok(out)
}

pub async fn results(global: &GlobalArgs, args: ResultsArgs) -> Result<Exit, Failed> {
    let (app, connected) = connect(global, &args.target).await?;
    let session = crate::cli::headless::open(connected).map_err(failure)?;
    let (backend, store) = (&session.backend, &session.store);
    let client = &backend.client;
    let task = client
        .send(&DescribeAutoCalloutTask {
            sdk_app_id: app,
            task_id: args.task_id,
        })
        .await
        .map_err(|e| api_failed(&e))?
        .data;
    // Every try of each finished callee; its last one says how it ended.
    let tries: Vec<String> = task
        .callees
        .iter()
        .filter(|c| c.state.is_final())
        .flat_map(|c| c.sessions.iter().cloned())
        .collect();
    let from_s = task.not_before.unwrap_or(0) - 3_600;
    let cdrs = records(client, app, &tries, from_s)
        .await
        .map_err(|e| api_failed(&e))?;
    let endpoint = backend.label();
    let part = store
        .task_part_by_id(&endpoint, args.task_id)
        .map_err(failure)?;
    let lines = match &part {
        Some(p) => store.task_lines(&p.task_key, p.part).map_err(failure)?,
        None => Vec::new(),
    };
    let origin = Origin {
        endpoint: &endpoint,
        sdk_app_id: app,
        task_id: args.task_id,
        part: part.as_ref(),
        lines: &lines,
    };
    let added = bring_home(store, &origin, &task, &cdrs).map_err(failure)?;
    if added > 0 {
        eprintln!("{added} tries brought into the history");
    }
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
        let r = CalleeResult {
            line: lines
                .get(i)
                .filter(|(_, n)| *n == c.callee)
                .map(|(l, _)| *l),
            callee: escaped(&c.callee),
            state: c.state.label(),
            tries: c.sessions.len(),
            session_id: c.sessions.last().cloned(),
            end_status: cdr.and_then(|r| r.end_status_string.as_deref().map(escaped)),
            duration: cdr.and_then(|r| r.duration),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_callees_per_state_and_their_tries() {
        let c = |state: u64, tries: usize| AutoCalloutTaskCalleeInfo {
            callee: "0086".into(),
            state: state.into(),
            sessions: vec!["s".into(); tries],
        };
        let p = Progress::of(
            Some(TaskState::Running),
            &[c(0, 0), c(1, 1), c(2, 3), c(3, 1), c(4, 2), c(4, 1)],
        );
        assert_eq!(
            (
                p.initial,
                p.answered,
                p.unanswered,
                p.calling,
                p.pending_retry
            ),
            (1, 1, 1, 1, 2)
        );
        assert_eq!((p.total, p.sessions), (6, 8));
        assert!(p.line().starts_with("running · initial 1"));
    }
}
