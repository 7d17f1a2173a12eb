//! `ccc-dial sweep`: one call per variable set to the same callee, one at a time, each
//! followed to its report; then the runs compared. Resumable like a batch, and never twice: a
//! rerun skips every set an earlier run may have dialed.

use std::path::{Path, PathBuf};

use clap::Args;

use super::batch::{Defaults, Failed, command_line, failure, invalid, parse_rows};
use super::exit::{EXIT_CODES_HELP, Exit};
use super::guard::GuardArgs;
use super::headless;
use crate::dialer::Dialer;
use crate::history::Store;
use crate::results::compare::Comparison;
use crate::session;
use crate::sweep::{self, SweepKey, SweepSet};

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

async fn sweep(global: &super::GlobalArgs, args: SweepArgs) -> Result<Exit, Failed> {
    let env = crate::credentials::Env::from_process();
    let settings = headless::settings(&env);
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
    let (bytes, rows) = read_sets(&args.vars_file, &defaults).map_err(invalid)?;

    let connected = headless::connect(global, args.sim).await.map_err(failure)?;
    let session = headless::open(connected).map_err(failure)?;
    args.guard.check_history(&session.store).map_err(failure)?;
    let dialer = session.dialer.clone().with_claim(args.guard.rule());
    let endpoint = session.backend.label();
    let sweep_id = sweep_id_of(&bytes, &defaults, &endpoint);
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

/// The sweep id of a variables file read with `defaults`, sent to `endpoint`: the same for
/// `ccc-dial sweep` and the dialer's sweep, so either resumes the other.
pub fn sweep_id_of(file: &[u8], defaults: &Defaults, endpoint: &str) -> String {
    sweep::sweep_id(&SweepKey {
        file,
        sdk_app_id: &defaults.sdk_app_id,
        agent: defaults.agent.as_deref().unwrap_or(""),
        callers: &defaults.callers,
        callee: defaults.callee.as_deref().unwrap_or(""),
        endpoint,
    })
}

/// Reads and checks every variable set of `path` before anything is dialed: the file's
/// bytes (part of the sweep's id) and its sets, or every problem, one line each, then what to
/// do.
pub fn read_sets(path: &Path, defaults: &Defaults) -> Result<(Vec<u8>, Vec<SweepSet>), String> {
    let file = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {file}: {e}"))?;
    let (rows, bad) = parse_rows(&bytes, defaults).map_err(|e| format!("{file}: {e}"))?;
    if !bad.is_empty() {
        let mut lines: Vec<String> = bad
            .iter()
            .map(|b| format!("{file}:{}: {}", b.line, b.problems.join("; ")))
            .collect();
        lines.push(format!(
            "{file}: {} bad variable set(s); fix them, nothing was dialed",
            bad.len()
        ));
        return Err(lines.join("\n"));
    }
    if rows.is_empty() {
        return Err(format!(
            "{file}: no variable sets; add rows under the var.NAME header"
        ));
    }
    let sets = rows
        .into_iter()
        .map(|r| SweepSet {
            line: r.line,
            request: r.request,
        })
        .collect();
    Ok((bytes, sets))
}

/// Dials the sets (see [`crate::sweep::dial_sets`]) until done or Ctrl-C, telling progress
/// on stderr.
async fn dial_sets(
    dialer: &Dialer,
    store: &Store,
    sweep_id: &str,
    sets: Vec<SweepSet>,
) -> Result<Exit, Failed> {
    let mut say = |line: String| eprintln!("{line}");
    let end = tokio::select! {
        end = sweep::dial_sets(dialer, store, sweep_id, sets, &mut say) => end.map_err(failure)?,
        _ = tokio::signal::ctrl_c() => return Ok(Exit::Interrupted),
    };
    let mut exit = end
        .failed
        .iter()
        .fold(Exit::Accepted, |exit, o| exit.worst(Exit::of_outcome(*o)));
    if end.held {
        eprintln!("--allow-recent dials it all the same");
        exit = exit.worst(Exit::Held);
    }
    Ok(exit)
}

/// Every set's latest run, compared, on stdout.
fn print_comparison(store: &Store, sweep_id: &str, args: &SweepArgs) -> Result<(), Failed> {
    let runs = sweep::latest_runs(store, sweep_id).map_err(failure)?;
    let comparison = Comparison::new(runs);
    super::compare::print(&comparison, args.json, args.markdown, false).map_err(failure)
}
