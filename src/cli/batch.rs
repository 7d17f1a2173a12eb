//! `ccc-dial batch`: one call per CSV row, at most 20 a second, resumable, and never twice.
//!
//! Each row's attempt is recorded under a batch id derived from the file's content and the
//! call settings, with its line. Running the same batch again sends only the rows that never
//! left: a row accepted, rejected, or whose outcome is unknown is skipped.

mod launch;
mod outcomes;
mod pace;
mod results;
pub mod rows;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use launch::{Ended, Launch, Stop};
use outcomes::{HELD_ELSEWHERE, Outcomes, Tally, held_outcome, held_result};
use pace::Pacer;

use super::exit::{EXIT_CODES_HELP, Exit};
use super::guard::GuardArgs;
use super::headless;
use crate::ccc::{Outcome, unix_now};
use crate::cli::GlobalArgs;
use crate::config::MAX_RATE_PER_SEC;
use crate::dialer::word::outcome_words;
use crate::dialer::{DEFAULT_MARGIN, Dialer, HeldBack, WINDOW, now_ms};
use crate::history::batch::{BatchKey, Earlier, RunLock, batch_id};
use crate::history::{AttemptId, AttemptStatus, Store};
use crate::session;
pub use results::{Format, RowResult};
pub use rows::{BadRow, Defaults, Row, parse as parse_rows};

/// Place one call per row of a CSV file; rerun the same command to resume.
///
/// Columns: callee (required); callers (";"-separated, instead of --caller); agent (instead
/// of --agent); var.NAME, one per variable (an empty cell leaves it out). Rows with bad data
/// are reported with their line numbers and skipped. Every attempt is recorded in the history
/// under a batch id made from the file's content, the SdkAppId, the agent, the callers and
/// the endpoint: running the same batch again skips rows accepted, rejected or whose outcome
/// is unknown, and sends only rows that never left.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct BatchArgs {
    /// The CSV file, with a header line.
    #[arg(value_name = "CALLS.CSV")]
    pub file: PathBuf,
    /// SdkAppId of the CCC instance [default: the settings' default_sdk_app_id].
    #[arg(long, value_name = "N")]
    pub sdk_app_id: Option<String>,
    /// AIAgentId for rows with no agent column value.
    #[arg(long, value_name = "N")]
    pub agent: Option<String>,
    /// A caller number for rows with no callers value; repeat for a pool.
    #[arg(long = "caller", value_name = "NUM")]
    pub callers: Vec<String>,
    /// Seconds to let each phone ring (MaxRingTimeoutSecond).
    #[arg(long, value_name = "S")]
    pub max_ring: Option<String>,
    /// Seconds to queue when the agent's concurrency is used up, 0 to 5.
    #[arg(long, value_name = "S")]
    pub queue_timeout: Option<String>,
    /// Calls started per second, 1 to 20 [default: the settings' rate_limit_per_sec, 20].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_RATE_PER_SEC as i64))]
    pub rate: Option<u32>,
    /// Requests waiting for an answer at once.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrency: u32,
    /// Write one result per row to FILE (.csv or .jsonl).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Format of the results: csv or jsonl [default: from --out's extension]. Without
    /// --out, the results go to stdout.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Print each row's signed HTTP request and curl command; send and record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only read and validate the file: list the bad rows and count the good ones; sign,
    /// send and record nothing, and need no credentials.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Use the built-in simulator: no real phone rings.
    #[arg(long)]
    pub sim: bool,
    #[command(flatten)]
    pub guard: GuardArgs,
}

/// Runs the command and returns its exit code; everything is already printed.
pub async fn run(global: &GlobalArgs, args: BatchArgs) -> i32 {
    match run_batch(global, args).await {
        Ok(exit) => exit.code(),
        Err((exit, message)) => {
            eprintln!("error: {message}");
            exit.code()
        }
    }
}

pub(super) type Failed = (Exit, String);

pub(super) fn invalid(message: impl Into<String>) -> Failed {
    (Exit::Invalid, message.into())
}

pub(super) fn failure(message: impl std::fmt::Display) -> Failed {
    (Exit::Failure, format!("{message:#}"))
}

/// The file read and checked, before anything is sent. Its rows are read again as they are
/// needed, so that none is held while the file is checked.
struct Plan {
    bytes: Vec<u8>,
    defaults: Defaults,
    checked: rows::Checked,
    format: Option<Format>,
}

impl Plan {
    fn rows(&self) -> impl Iterator<Item = Row> + '_ {
        rows::rows(&self.bytes, &self.defaults)
    }
}

/// Reads the file and the call settings; bad rows are told on stderr.
fn plan(args: &BatchArgs) -> Result<Plan, Failed> {
    let settings = headless::settings_for_dialing().map_err(failure)?;
    let format = Format::choose(args.format, args.out.as_deref()).map_err(invalid)?;
    // A file that cannot be read is exit 1, as any file; its content decides exit 2.
    let bytes = std::fs::read(&args.file).map_err(|e| {
        failure(format!(
            "cannot read the batch file {}: {e}; give a CSV file with a header line",
            args.file.display()
        ))
    })?;
    let sdk_app_id =
        session::sdk_app_id(args.sdk_app_id.as_deref(), &settings, args.sim).map_err(invalid)?;
    let defaults = Defaults {
        sdk_app_id,
        callee: None,
        agent: args.agent.clone().map(|a| a.trim().to_string()),
        callers: args.callers.clone(),
        max_ring: args.max_ring.clone().unwrap_or_default(),
        queue_timeout: args.queue_timeout.clone().unwrap_or_default(),
    };
    let option_problems = defaults.problems();
    if !option_problems.is_empty() {
        return Err(invalid(format!(
            "nothing was dialed; fix these options and run again:\n  {}",
            option_problems.join("\n  ")
        )));
    }
    same_file_refused(args)?;
    let checked = rows::check(&bytes, &defaults)
        .map_err(|e| invalid(format!("{}: {e}", args.file.display())))?;
    for b in &checked.bad {
        eprintln!(
            "{}:{}: skipped: {}",
            args.file.display(),
            b.line,
            b.problems.join("; ")
        );
    }
    Ok(Plan {
        bytes,
        defaults,
        checked,
        format,
    })
}

async fn run_batch(global: &GlobalArgs, args: BatchArgs) -> Result<Exit, Failed> {
    let plan = plan(&args)?;
    let bad_exit = if plan.checked.bad.is_empty() {
        Exit::Accepted
    } else {
        Exit::Invalid
    };
    if args.check {
        eprintln!(
            "{}: {} rows to dial, {} with bad data; nothing was sent",
            args.file.display(),
            plan.checked.rows,
            plan.checked.bad.len()
        );
        return Ok(bad_exit);
    }
    let connected = headless::connect(global, args.sim).await.map_err(failure)?;
    if args.dry_run {
        print_dry_run(&connected, &plan)?;
        return Ok(bad_exit);
    }
    let session = headless::open(connected).map_err(failure)?;
    let fresh_history = args.guard.check_history(&session.store).map_err(failure)?;
    let batch_id = batch_id(&BatchKey {
        file: &plan.bytes,
        sdk_app_id: &plan.defaults.sdk_app_id,
        agent: plan.defaults.agent.as_deref(),
        callers: &plan.defaults.callers,
        endpoint: &session.backend.label(),
    });
    let mut outcomes = outcomes_of_bad_rows(&plan, &args)?;
    // The rows as they were before joining the batch's runs: queued ones are in flight in
    // another run if one is live, else left by a stopped run. Held to the end of the run.
    let earlier = session.store.batch_rows(&batch_id).map_err(failure)?;
    let (_run, another_run) = match session.store.path() {
        Some(history) => RunLock::join(history, &batch_id)
            .map(|(lock, others)| (Some(lock), others))
            .map_err(|e| {
                failure(format!(
                    "cannot join the batch's runs beside the history: {e}"
                ))
            })?,
        None => (None, false),
    };
    let resume = skip_dialed(
        &session.store,
        &batch_id,
        earlier,
        plan.rows(),
        another_run,
        &mut outcomes,
    )?;

    let rate = args.rate.unwrap_or(session.settings.rate_limit_per_sec);
    // The dialer's own budget paces its retries; first tries are paced by `launch`.
    session.dialer.limiter().set_per_sec(rate);
    // The run resumed may have sent a moment ago (killed, or stopped by Ctrl-C): let its
    // last window pass, so that together they stay within the rate.
    let window = WINDOW + DEFAULT_MARGIN;
    let wait_ms = resume.last_request_ms + window.as_millis() as i64 - now_ms();
    if !resume.to_send.is_empty() && wait_ms > 0 {
        tokio::time::sleep(Duration::from_millis(wait_ms as u64).min(window)).await;
    }
    let dialer = session.dialer.with_claim(args.guard.rule());
    let held = hold_back_witnessed(
        &dialer,
        resume.sdk_app_id,
        &resume.to_send,
        &args.guard,
        fresh_history,
        &mut outcomes,
    )
    .await?;
    let total = resume.to_send.len() - held.len();
    drop(resume.to_send);
    let rows = to_dial(plan.rows(), &resume.skipped, &held);
    let launch = Launch {
        dialer,
        events: session.events,
        batch_id: batch_id.clone(),
        pacer: Pacer::new(rate, window),
        concurrency: args.concurrency as usize,
    };
    let ended = launch
        .run(rows, total, &mut outcomes)
        .await
        .map_err(failure)?;
    summary(&outcomes.tally, &batch_id);
    Ok(conclude(&ended, total, &outcomes).worst(bad_exit))
}

/// Where the results go, with the rows with bad data already counted and written.
fn outcomes_of_bad_rows(plan: &Plan, args: &BatchArgs) -> Result<Outcomes, Failed> {
    let output = plan
        .format
        .map(|f| results::Results::create(f, args.out.as_ref()))
        .transpose()
        .map_err(failure)?;
    let mut outcomes = Outcomes {
        output,
        tally: Tally::default(),
        output_failed: None,
    };
    for b in &plan.checked.bad {
        let result = RowResult {
            line: b.line,
            callee: b.callee.clone(),
            outcome: "invalid".into(),
            message: Some(b.problems.join("; ")),
            ..Default::default()
        };
        outcomes.add(&result, "invalid", Exit::Invalid);
    }
    Ok(outcomes)
}

/// Prints each row's signed request; nothing is sent. The text goes out in blocks of some
/// rows, through one buffer.
fn print_dry_run(connected: &crate::session::Connected, plan: &Plan) -> Result<(), Failed> {
    const BLOCK: usize = 64 * 1024;
    let written = |e: std::io::Error| failure(format!("stdout could not be written ({e})"));
    let mut text = String::with_capacity(BLOCK + 4096);
    for row in plan.rows() {
        let prepared = connected
            .backend
            .client
            .prepare(&row.request.to_action(), unix_now())
            .map_err(failure)?;
        for part in [
            "# line ",
            &row.line.to_string(),
            ": ",
            &row.request.callee,
            "\n",
        ] {
            text.push_str(part);
        }
        headless::write_dry_run(&prepared, &mut text);
        text.push('\n');
        if text.len() >= BLOCK {
            headless::write_stdout(&text).map_err(written)?;
            text.clear();
        }
    }
    headless::write_stdout(&text).map_err(written)
}

/// Tells how the run ended: what the history could not record, what stopped it, and how
/// to resume only when something is left to send. Returns the exit code.
fn conclude(ended: &Ended, total: usize, outcomes: &Outcomes) -> Exit {
    launch::tell_unrecorded(&ended.unrecorded);
    let exit = outcomes.tally.exit.unwrap_or(Exit::Accepted);
    let tally = &outcomes.tally;
    let left = (total - ended.started) as u64 + tally.get("not_sent") + tally.get("not_recorded");
    let resume = if left > 0 {
        format!(
            "{left} rows are left to send; to resume, run the same command again: {}",
            command_line()
        )
    } else {
        "nothing is left to send".into()
    };
    let started = ended.started;
    match ended.stop {
        None => exit,
        Some(Stop::Interrupted | Stop::Abandoned) => {
            eprintln!(
                "stopped after starting {started} of {total} rows; every row started is \
                 recorded; {resume}"
            );
            Exit::Interrupted
        }
        Some(Stop::HistoryFailed) => {
            eprintln!(
                "error: stopped after starting {started} of {total} rows: the history could not \
                 record calls (is the disk full?); the rows in flight were settled; free some \
                 space, then: {resume}"
            );
            exit.worst(Exit::Failure)
        }
        Some(Stop::OutputFailed) => {
            headless::tell(&format!(
                "error: the results could not be written ({}); stopped after starting \
                 {started} of {total} rows, every one recorded; {resume}",
                outcomes.output_failed.as_deref().unwrap_or_default()
            ));
            exit.worst(Exit::Failure)
        }
    }
}

/// What a resumed batch leaves to send.
struct Resume {
    /// The line and callee of each row no run dialed yet, in the order of the file.
    to_send: Vec<(u64, String)>,
    /// The lines an earlier run dialed, or another run has in flight.
    skipped: HashSet<u64>,
    /// When the earlier run last sent.
    last_request_ms: i64,
    /// The SdkAppId the rows call with (every row has the same).
    sdk_app_id: i64,
}

/// The rows to dial, read one at a time: those neither `skipped` nor `held`.
fn to_dial<'a>(
    rows: impl Iterator<Item = Row> + 'a,
    skipped: &'a HashSet<u64>,
    held: &'a HashMap<String, HeldBack>,
) -> impl Iterator<Item = Row> + 'a {
    rows.filter(|row| !skipped.contains(&row.line) && !held.contains_key(&row.request.callee))
}

/// Resume: the rows an earlier run dialed are told and skipped, and those `another_run` of
/// the batch has in flight now are held back. Holds no row, only the callees left to send.
fn skip_dialed(
    store: &Store,
    batch_id: &str,
    earlier: Vec<(u64, AttemptStatus, AttemptId)>,
    rows: impl Iterator<Item = Row>,
    another_run: bool,
    outcomes: &mut Outcomes,
) -> Result<Resume, Failed> {
    let mut by_line: HashMap<u64, Vec<(AttemptStatus, AttemptId)>> = HashMap::new();
    for (line, status, id) in earlier {
        by_line.entry(line).or_default().push((status, id));
    }
    let mut to_send = Vec::new();
    let mut skipped = HashSet::new();
    let mut unknown_earlier = Vec::new();
    let mut last_request_ms = 0i64;
    let mut sdk_app_id = 0;
    for row in rows {
        let Earlier::Dialed { status, id } =
            Earlier::of(by_line.get(&row.line).map(Vec::as_slice).unwrap_or(&[]))
        else {
            sdk_app_id = row.request.sdk_app_id;
            to_send.push((row.line, row.request.callee));
            continue;
        };
        skipped.insert(row.line);
        let attempt = store.get(&id).map_err(failure)?;
        if let Some(a) = &attempt {
            last_request_ms = last_request_ms.max(a.updated_at_ms);
        }
        let (outcome, exit) = match status {
            AttemptStatus::Rejected => ("skipped_rejected", Exit::Rejected),
            AttemptStatus::Queued if another_run => (HELD_ELSEWHERE, Exit::Held),
            // Queued by a run that stopped: it may have left.
            AttemptStatus::Unknown | AttemptStatus::Queued => {
                unknown_earlier.push((row.line, row.request.callee.clone(), id.clone()));
                ("skipped_unknown", Exit::Unknown)
            }
            _ => ("skipped_accepted", Exit::Accepted),
        };
        let message = if outcome == HELD_ELSEWHERE {
            let text = format!(
                "in flight in another run of this batch (attempt {})",
                id.short()
            );
            eprintln!(
                "line {}: not dialed: {}: {text}",
                row.line, row.request.callee
            );
            text
        } else {
            format!("{status} in an earlier run")
        };
        let result = RowResult {
            line: row.line,
            callee: row.request.callee.clone(),
            outcome: outcome.into(),
            session_id: attempt.as_ref().and_then(|a| a.session_id.clone()),
            request_id: attempt.as_ref().and_then(|a| a.request_id.clone()),
            error_code: attempt.as_ref().and_then(|a| a.error_code.clone()),
            message: Some(message),
            attempt_id: Some(id.0.clone()),
        };
        outcomes.add(&result, outcome, exit);
    }
    let tally = &outcomes.tally;
    let dialed = tally.get("skipped_accepted")
        + tally.get("skipped_rejected")
        + tally.get("skipped_unknown");
    if dialed > 0 {
        eprintln!(
            "resuming batch {}: {dialed} rows were dialed by an earlier run and are skipped; {} to send",
            &batch_id[..12],
            to_send.len()
        );
    }
    if !unknown_earlier.is_empty() {
        eprintln!(
            "not dialed again, their outcome is unknown (check the call records before dialing them by hand):"
        );
        for (line, callee, id) in &unknown_earlier {
            eprintln!("  line {line}: {callee} (attempt {})", id.short());
        }
    }
    Ok(Resume {
        to_send,
        skipped,
        last_request_ms,
        sdk_app_id,
    })
}

fn summary(tally: &Tally, batch_id: &str) {
    let lines = [
        ("accepted", "accepted"),
        ("rejected", outcome_words(Outcome::Rejected)),
        ("unknown", outcome_words(Outcome::Unknown)),
        ("not_sent", "not sent (will be sent on a rerun)"),
        ("not_recorded", "not recorded, not sent"),
        ("held", "held back: called recently"),
        (HELD_ELSEWHERE, "held back: in flight in another run"),
        ("invalid", "bad data, skipped"),
        ("skipped_accepted", "accepted earlier, skipped"),
        ("skipped_rejected", "rejected earlier, skipped"),
        ("skipped_unknown", "unknown earlier, skipped"),
    ];
    eprintln!("{:<36} {:>7}", "outcome", "rows");
    for (key, label) in lines {
        let n = tally.get(key);
        if n > 0 || matches!(key, "accepted" | "rejected" | "unknown" | "not_sent") {
            eprintln!("{label:<36} {n:>7}");
        }
    }
    eprintln!("batch {batch_id}");
}

/// `--out` must not overwrite the calls it reads.
fn same_file_refused(args: &BatchArgs) -> Result<(), Failed> {
    let Some(out) = &args.out else { return Ok(()) };
    let same = match (
        std::fs::canonicalize(out),
        std::fs::canonicalize(&args.file),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(invalid(format!(
            "--out {} is the batch file itself; write the results to another file",
            out.display()
        )));
    }
    Ok(())
}

/// Asks the service which of the callees `to_send` were called within the window or are on
/// a call now, from anywhere, and returns those to hold back, recording each as held. A
/// check that fails stops the batch, unless `--allow-recent` was given and the history is
/// the usual one.
async fn hold_back_witnessed(
    dialer: &Dialer,
    sdk_app_id: i64,
    to_send: &[(u64, String)],
    guard: &GuardArgs,
    fresh_history: bool,
    outcomes: &mut Outcomes,
) -> Result<HashMap<String, HeldBack>, Failed> {
    if to_send.is_empty() {
        return Ok(HashMap::new());
    }
    let callees: Vec<String> = to_send.iter().map(|(_, c)| c.clone()).collect();
    let rule = dialer.claim_rule();
    let witnessed = match dialer
        .service_check(sdk_app_id, &callees, rule.window)
        .await
    {
        Ok(w) => w,
        Err(f) if guard.allow_recent && !fresh_history => {
            eprintln!(
                "warning: the service's call records could not be checked ({}); going on \
                 because of --allow-recent",
                f.message
            );
            return Ok(HashMap::new());
        }
        Err(f) => {
            // Unreachable is "not sent" for every row: safe to run again.
            let exit = match f.outcome {
                Outcome::NotSent => Exit::NotSent,
                _ => Exit::Failure,
            };
            return Err((
                exit,
                format!(
                    "nothing was dialed: the service's call records could not be checked for \
                     calls to these callees from elsewhere: {} ({})",
                    f.message, f.hint
                ),
            ));
        }
    };
    let mut held = HashMap::new();
    for (line, callee) in to_send {
        match witnessed.get(callee) {
            Some(h) if h.in_flight() || rule.overridden.is_none() => {
                eprintln!("line {line}: not dialed: {h}");
                outcomes.add(&held_result(*line, callee, h), held_outcome(h), Exit::Held);
                held.insert(callee.clone(), h.clone());
            }
            _ => {}
        }
    }
    Ok(held)
}

/// The command as typed, to rerun it.
pub(super) fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:+@,".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::dialer::Witness;

    /// The rows to dial are read as they are dialed, never gathered first: whatever the
    /// length of the file, taking one row reads only as far as that row.
    #[test]
    fn rows_to_dial_are_read_one_at_a_time_and_skip_the_dialed_and_held() {
        let mut csv = String::from("callee,var.name\n");
        for i in 1..=10_000 {
            csv.push_str(&format!("0086130{i:08},person {i}\n"));
        }
        let defaults = Defaults {
            sdk_app_id: "1400000000".into(),
            agent: Some("15".into()),
            ..Default::default()
        };
        let read = Cell::new(0);
        let counted = rows::rows(csv.as_bytes(), &defaults).inspect(|_| read.set(read.get() + 1));
        let skipped = HashSet::from([2, 3]);
        let callee = "008613000000004".to_string();
        let held = HashMap::from([(
            callee.clone(),
            HeldBack {
                callee,
                at_ms: 0,
                outcome: "accepted".into(),
                witness: Witness::Service {
                    session_id: "s".into(),
                },
            },
        )]);
        let mut dial = to_dial(counted, &skipped, &held);
        assert_eq!(
            dial.next().unwrap().line,
            4,
            "lines 2 and 3 were dialed before"
        );
        assert_eq!(
            read.get(),
            3,
            "only the rows up to the first to dial were read"
        );
        // Line 5 holds the callee the service saw called: it is held back.
        assert_eq!(dial.next().unwrap().line, 6);
        assert_eq!(read.get(), 5);
        assert_eq!(dial.count(), 9_995);
    }
}
