//! `ccc-dial sweep`: one call per variable set to the same callee, one at a time, each
//! followed to its report; then the runs compared. Resumable like a batch, and never twice: a
//! rerun skips every set an earlier run may have dialed.

use std::path::PathBuf;

use clap::Args;
use sha2::{Digest, Sha256};

use super::batch::{Defaults, Failed, Row, command_line, failure, invalid, parse_rows};
use super::exit::{EXIT_CODES_HELP, Exit};
use super::guard::GuardArgs;
use super::headless;
use crate::ccc::Outcome;
use crate::dialer::{Dialer, Finished, WatchEnd};
use crate::history::batch::{BatchKey, batch_id};
use crate::history::{AttemptId, AttemptStatus, BatchRef, Store};
use crate::history::{ClaimRule, Override};
use crate::results::Run;
use crate::results::compare::Comparison;
use crate::session;

/// Call one number once per variable set, one call at a time, then compare the runs.
///
/// The file is a CSV with one `var.NAME` column per variable (as in `batch`) and one row per
/// set; an empty cell leaves the variable out. Each call is followed to its report before the
/// next is placed. Every attempt is recorded under a sweep id made from the file, the callee,
/// the agent, the callers and the endpoint: running the same sweep again skips the sets an
/// earlier run dialed, first waiting for a call it left live.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct SweepArgs {
    /// The variable sets: a CSV with var.NAME columns, one row per set.
    #[arg(long, value_name = "SETS.CSV")]
    pub vars_file: PathBuf,
    /// SdkAppId of the CCC instance [default: the settings' default_sdk_app_id].
    #[arg(long, value_name = "N")]
    pub sdk_app_id: Option<String>,
    /// AIAgentId to call with.
    #[arg(long, value_name = "N")]
    pub agent: String,
    /// The number to call (00 + country code + number).
    #[arg(long, value_name = "NUM")]
    pub callee: String,
    /// A caller number; repeat for a pool.
    #[arg(long = "caller", value_name = "NUM")]
    pub callers: Vec<String>,
    /// Seconds to let the phone ring (MaxRingTimeoutSecond).
    #[arg(long, value_name = "S")]
    pub max_ring: Option<String>,
    /// Seconds to queue when the agent's concurrency is used up, 0 to 5.
    #[arg(long, value_name = "S")]
    pub queue_timeout: Option<String>,
    /// Print the comparison as JSON, with the service's field names.
    #[arg(long, group = "format")]
    pub json: bool,
    /// Print the comparison as a Markdown table.
    #[arg(long, group = "format")]
    pub markdown: bool,
    /// Use the built-in simulator: no real phone rings.
    #[arg(long)]
    pub sim: bool,
    #[command(flatten)]
    pub guard: GuardArgs,
}

pub async fn run(global: &super::GlobalArgs, args: SweepArgs) -> i32 {
    match sweep(global, args).await {
        Ok(exit) => exit.code(),
        Err((exit, message)) => {
            eprintln!("error: {message}");
            exit.code()
        }
    }
}

/// The sweep id: the batch id of the same file and settings, bound to the callee.
fn sweep_id(file: &[u8], defaults: &Defaults, endpoint: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"ccc-dial sweep 1\0");
    let batch = batch_id(&BatchKey {
        file,
        sdk_app_id: &defaults.sdk_app_id,
        agent: defaults.agent.as_deref(),
        callers: &defaults.callers,
        endpoint,
    });
    h.update(batch.as_bytes());
    h.update(b"\0");
    h.update(defaults.callee.as_deref().unwrap_or("").as_bytes());
    hex::encode(h.finalize())
}

/// `dify-inputs-tone=formal, name=Bob`, for progress lines.
fn set_text(row: &Row) -> String {
    let vars: Vec<String> = row
        .request
        .variables
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    crate::results::printable(&vars.join(", "))
}

async fn sweep(global: &super::GlobalArgs, args: SweepArgs) -> Result<Exit, Failed> {
    let env = crate::credentials::Env::from_process();
    let settings = headless::settings(&env);
    let bytes = std::fs::read(&args.vars_file)
        .map_err(|e| invalid(format!("cannot read {}: {e}", args.vars_file.display())))?;
    let sdk_app_id =
        session::sdk_app_id(args.sdk_app_id.as_deref(), &settings, args.sim).map_err(invalid)?;
    let defaults = Defaults {
        sdk_app_id,
        callee: Some(args.callee.trim().to_string()),
        agent: Some(args.agent.trim().to_string()),
        callers: args.callers.clone(),
        max_ring: args.max_ring.clone().unwrap_or_default(),
        queue_timeout: args.queue_timeout.clone().unwrap_or_default(),
    };
    let file = args.vars_file.display();
    let (rows, bad) = parse_rows(&bytes, &defaults).map_err(|e| invalid(format!("{file}: {e}")))?;
    if !bad.is_empty() {
        for b in &bad {
            eprintln!("{file}:{}: {}", b.line, b.problems.join("; "));
        }
        return Err(invalid(format!(
            "{file}: {} bad variable set(s); fix them, nothing was dialed",
            bad.len()
        )));
    }
    if rows.is_empty() {
        return Err(invalid(format!(
            "{file}: no variable sets; add rows under the var.NAME header"
        )));
    }

    let connected = headless::connect(global, args.sim).await.map_err(failure)?;
    let session = headless::open(connected).map_err(failure)?;
    args.guard.check_history(&session.store).map_err(failure)?;
    let dialer = session.dialer.clone().with_claim(args.guard.rule());
    let sweep_id = sweep_id(&bytes, &defaults, &session.backend.label());
    let exit = dial_sets(&dialer, &session.store, &sweep_id, rows).await?;
    if exit == Exit::Interrupted {
        eprintln!(
            "stopped; to resume, run the same command again: {}",
            command_line()
        );
        return Ok(exit);
    }
    print_comparison(&session.store, &sweep_id, &args)?;
    eprintln!("sweep {sweep_id}");
    Ok(exit)
}

/// Dials each set no earlier run dialed, one at a time, following each to its report.
async fn dial_sets(
    dialer: &Dialer,
    store: &Store,
    sweep_id: &str,
    rows: Vec<Row>,
) -> Result<Exit, Failed> {
    let earlier = store.batch_rows(sweep_id).map_err(failure)?;
    let total = rows.len();
    let mut exit = Exit::Accepted;
    for (n, row) in rows.into_iter().enumerate() {
        let set = format!("set {}/{total} (line {})", n + 1, row.line);
        let before: Vec<&(u64, AttemptStatus, AttemptId)> = earlier
            .iter()
            .filter(|(line, status, _)| *line == row.line && status.may_have_dialed())
            .collect();
        if let Some((_, status, id)) = before.last() {
            if status.is_live() {
                eprintln!("{set}: waiting for the call an earlier run left live");
                follow(dialer, id, &set).await;
            } else {
                eprintln!("{set}: dialed by an earlier run ({status}), skipped");
            }
            continue;
        }
        eprintln!("{set}: {}", set_text(&row));
        let id = AttemptId::new();
        let batch = BatchRef {
            batch_id: sweep_id.to_owned(),
            row: row.line,
        };
        // One sweep is one intent: its first call claims the callee as any dial does, and
        // the sets after it call again under the sweep's name.
        let dialed_before = earlier
            .iter()
            .any(|(_, status, _)| status.may_have_dialed());
        let dialer = if dialed_before || n > 0 {
            dialer.clone().with_claim(ClaimRule {
                overridden: Some(Override::Intent(format!("sweep {sweep_id}"))),
                ..dialer.claim_rule().clone()
            })
        } else {
            dialer.clone()
        };
        let finished = tokio::select! {
            f = dialer.run(id.clone(), row.request, Some(batch)) => f,
            _ = tokio::signal::ctrl_c() => return Ok(Exit::Interrupted),
        };
        match finished {
            Finished::Accepted { .. } => {
                tokio::select! {
                    _ = follow(&dialer, &id, &set) => {}
                    _ = tokio::signal::ctrl_c() => return Ok(Exit::Interrupted),
                }
            }
            Finished::Failed(f) => {
                eprintln!("{set}: {}: {} ({})", f.status(), f.message, f.hint);
                exit = exit.worst(Exit::of_outcome(f.outcome));
                if f.outcome == Outcome::Unknown {
                    eprintln!("{set}: a call may be ringing; the sweep stops here");
                    return Ok(exit);
                }
            }
            Finished::NotRecorded(message) => return Err(failure(message)),
            Finished::Held(held) => {
                eprintln!("{set}: not dialed: {held}; --allow-recent dials it all the same");
                return Ok(exit.worst(Exit::Held));
            }
        }
    }
    Ok(exit)
}

/// Follows an accepted call to its report, saying how it ended.
async fn follow(dialer: &Dialer, id: &AttemptId, set: &str) {
    match dialer.follow(id).await {
        WatchEnd::Reported { .. } | WatchEnd::NotLive(_) | WatchEnd::AlreadyWatched => {
            match dialer.store().find(id.as_str()) {
                Ok(Some(a)) => match dialer.store().entry(a) {
                    Ok(entry) => eprintln!("{set}: {}", Run::new(entry).outcome_line()),
                    Err(e) => eprintln!("{set}: {e}"),
                },
                Ok(None) => {}
                Err(e) => eprintln!("{set}: {e}"),
            }
        }
        WatchEnd::GaveUp(why) => eprintln!("{set}: stopped following the call: {why}"),
    }
}

/// Every set's latest run, compared, on stdout.
fn print_comparison(store: &Store, sweep_id: &str, args: &SweepArgs) -> Result<(), Failed> {
    let mut latest: Vec<(u64, AttemptId)> = Vec::new();
    for (line, status, id) in store.batch_rows(sweep_id).map_err(failure)? {
        if status.may_have_dialed() {
            latest.retain(|(l, _)| *l != line);
            latest.push((line, id));
        }
    }
    let mut runs = Vec::new();
    for (_, id) in latest {
        if let Some(a) = store.get(&id).map_err(failure)? {
            runs.push(Run::new(store.entry(a).map_err(failure)?));
        }
    }
    let comparison = Comparison::new(runs);
    super::compare::print(&comparison, args.json, args.markdown, false).map_err(failure)
}
