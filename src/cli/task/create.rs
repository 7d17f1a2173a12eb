//! `ccc-dial task create`: validate the whole CSV, preview, hold back the callees an earlier
//! call or task holds, then create one task per part, each claiming its callees and recorded
//! in the history before its request leaves. A part whose outcome is unknown is looked up by
//! its name; it is never simply sent again.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use clap::Args;

use super::plan::{self, part_name, part_request, task_key};
use super::service::{
    self, Failed, Target, api_failed, confirm, connect, failure, invalid, print_line,
};
use super::tell::{Streams, Tell};
use crate::ccc::actions::CreateAutoCalloutTask;
use crate::ccc::{ApiError, Client, Outcome, unix_now};
use crate::cli::GlobalArgs;
use crate::cli::batch::rows::{self, BadRow, Defaults, Row};
use crate::cli::exit::{EXIT_CODES_HELP, Exit};
use crate::cli::guard::GuardArgs;
use crate::dialer::now_ms;
use crate::endpoint::Flavour;
use crate::history::{ClaimRule, HeldCallee, NewTaskPart, Store, TaskPart, TaskPartStatus};

/// Callees per task when the list is split. The service documents no maximum; its
/// DescribeAutoCalloutTask returns every callee in one unpaged answer, so parts are kept to
/// what one answer comfortably holds.
pub const DEFAULT_PER_TASK: usize = 10_000;

/// Create a server task from a CSV file: the service calls every row within the windows,
/// retries as told, and needs no machine to stay awake.
///
/// Columns: callee (required), var.NAME (one per variable), uui. The whole file is checked
/// first; a preview is shown and confirmed before anything is sent. Running the same command
/// again creates nothing new: it reports the TaskId, finishes a split list that was
/// interrupted, and looks up by name any part whose creation was not confirmed.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct CreateArgs {
    /// The CSV file, with a header line.
    #[arg(value_name = "CALLEES.CSV")]
    pub file: PathBuf,
    #[command(flatten)]
    pub target: Target,
    /// AIAgentId of the agent that talks.
    #[arg(long, value_name = "N")]
    pub agent: String,
    /// A caller number; repeat for a pool (required by the service).
    #[arg(long = "caller", value_name = "NUM", required = true)]
    pub callers: Vec<String>,
    /// Task name [default: the file's name]; a key and the part are appended.
    #[arg(long)]
    pub name: Option<String>,
    /// First moment to call: now, 2026-11-27 09:00 (in --time-zone) or RFC 3339.
    #[arg(long, value_name = "TIME", default_value = "now")]
    pub not_before: String,
    /// Last moment a call may start.
    #[arg(long, value_name = "TIME")]
    pub not_after: Option<String>,
    /// IANA time zone of the task's times and windows.
    #[arg(long, value_name = "ZONE", default_value = "Asia/Shanghai")]
    pub time_zone: String,
    /// Daily windows, e.g. 09:00-12:00,14:00-18:00.
    #[arg(long, value_name = "RANGES")]
    pub window: Option<String>,
    /// Days the windows apply: everyday, business, holiday, custom:Mon,Tue,…
    #[arg(long, value_name = "DAYS")]
    pub work_days: Option<String>,
    /// Tries per callee, 1 to 3.
    #[arg(long, value_name = "N")]
    pub tries: Option<u64>,
    /// Time between tries, 10m to 24h.
    #[arg(long, value_name = "DURATION")]
    pub retry_interval: Option<String>,
    /// Hang-ups to retry on: no-answer, busy, power-off, voicemail, … (or their codes).
    #[arg(long, value_name = "WORDS")]
    pub retry_on: Option<String>,
    /// Seconds to let each phone ring (own numbers only).
    #[arg(long, value_name = "S")]
    pub max_ring: Option<i64>,
    /// The agent's concurrency limit for this task (mainland endpoint only).
    #[arg(long, value_name = "N")]
    pub concurrency: Option<i64>,
    /// Callees per task; longer lists are split into several tasks.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PER_TASK)]
    pub per_task: usize,
    /// Do not ask before creating.
    #[arg(long)]
    pub yes: bool,
    /// Print each part's signed request; send and record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Create the task even though the same list and settings were created before.
    #[arg(long)]
    pub again: bool,
    #[command(flatten)]
    pub guard: GuardArgs,
}

/// The request every part shares, from the options.
pub fn template(
    args: &CreateArgs,
    app: u64,
    now_s: i64,
) -> Result<(CreateAutoCalloutTask, chrono_tz::Tz), String> {
    let zone = plan::zone(&args.time_zone)?;
    let not_before =
        plan::moment(&args.not_before, zone, now_s).map_err(|e| format!("--not-before: {e}"))?;
    let not_after = args
        .not_after
        .as_deref()
        .map(|t| plan::moment(t, zone, now_s).map_err(|e| format!("--not-after: {e}")))
        .transpose()?;
    if let Some(after) = not_after {
        let start = not_before.max(now_s);
        if after <= start {
            return Err(format!(
                "--not-after {} is not after the first moment to call ({}): no call could \
                 start; give a later --not-after or leave it out",
                plan::shown(after, zone),
                plan::shown(start, zone)
            ));
        }
    }
    let ranges = args.window.as_deref().map(plan::windows).transpose()?;
    let (available_time, work) = match (&args.work_days, ranges) {
        (Some(days), ranges) => (
            None,
            Some(vec![plan::work_days(days, ranges.unwrap_or_default())?]),
        ),
        (None, ranges) => (ranges, None),
    };
    let agent = args
        .agent
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|a| *a > 0)
        .ok_or_else(|| format!("--agent {:?} is not a positive AIAgentId", args.agent))?;
    let t = CreateAutoCalloutTask {
        sdk_app_id: app,
        not_before,
        callers: args.callers.iter().map(|c| c.trim().to_string()).collect(),
        not_after,
        tries: args.tries,
        time_zone: Some(zone.name().to_string()),
        available_time,
        available_work_time_config: work,
        ai_agent_id: Some(agent),
        retry_interval: args
            .retry_interval
            .as_deref()
            .map(plan::duration_s)
            .transpose()
            .map_err(|e| format!("--retry-interval: {e}"))?,
        max_ring_timeout_second: args.max_ring,
        retry_hangup_types: args
            .retry_on
            .as_deref()
            .map(plan::retry_codes)
            .transpose()?,
        concurrency_limit: args.concurrency,
        // Validation needs a callee; the parts bring their own.
        callees: vec!["0".into()],
        ..Default::default()
    };
    t.validate().map_err(|e| match plan::flag_of(&e) {
        Some(flag) => format!("{flag}: {e}"),
        None => e.to_string(),
    })?;
    if let Some(n) = args.concurrency.filter(|n| *n < 1) {
        return Err(format!(
            "--concurrency {n}: the agent would take no call at once; give 1 or more, or leave \
             it out for the agent's own limit"
        ));
    }
    if args.tries.unwrap_or(1) == 1 {
        for (option, given) in [
            ("--retry-on", &args.retry_on),
            ("--retry-interval", &args.retry_interval),
        ] {
            if given.is_some() {
                return Err(format!(
                    "{option} retries nothing with one try per callee: add --tries 2 or 3, \
                     or leave {option} out"
                ));
            }
        }
    }
    Ok((
        CreateAutoCalloutTask {
            callees: Vec::new(),
            ..t
        },
        zone,
    ))
}

/// Every row of the file, and those with bad data. A row naming another agent is refused:
/// a task has one agent.
pub fn check_rows(
    args: &CreateArgs,
    app: u64,
    bytes: &[u8],
) -> Result<(Vec<Row>, Vec<BadRow>), String> {
    let defaults = Defaults {
        sdk_app_id: app.to_string(),
        agent: Some(args.agent.trim().to_string()),
        callers: args.callers.clone(),
        ..Default::default()
    };
    let file = args.file.display();
    let (rows, bad) = rows::parse(bytes, &defaults).map_err(|e| format!("{file}: {e}"))?;
    if let Some(other) = rows
        .iter()
        .find(|r| r.request.agent_id.to_string() != args.agent.trim())
    {
        return Err(format!(
            "{file}:{}: a task has one agent; remove the agent column or make it {}",
            other.line, args.agent
        ));
    }
    Ok((rows, bad))
}

/// Reads and checks every row; any bad row stops the command before anything is sent.
fn read_rows(args: &CreateArgs, app: u64, bytes: &[u8]) -> Result<Vec<Row>, Failed> {
    let file = args.file.display();
    let (rows, bad) = check_rows(args, app, bytes).map_err(invalid)?;
    if !bad.is_empty() {
        for b in bad.iter().take(20) {
            eprintln!("{file}:{}: {}", b.line, b.problems.join("; "));
        }
        if bad.len() > 20 {
            eprintln!("… and {} more", bad.len() - 20);
        }
        return Err(invalid(format!(
            "{} rows of {file} have bad data; fix them and run again (nothing was sent)",
            bad.len()
        )));
    }
    if rows.is_empty() {
        return Err(invalid(format!("{file} has no rows")));
    }
    Ok(rows)
}

/// A list read and checked, ready to be created.
pub struct Checked {
    pub bytes: Vec<u8>,
    pub rows: Vec<Row>,
    pub template: CreateAutoCalloutTask,
}

/// The name every part's name starts with: `--name`, else the file's.
fn stem(args: &CreateArgs) -> String {
    args.name.clone().unwrap_or_else(|| {
        args.file
            .file_stem()
            .map_or("task".into(), |s| s.to_string_lossy().into_owned())
    })
}

/// The task key of this list and these options on `endpoint`.
fn key_of(
    args: &CreateArgs,
    bytes: &[u8],
    template: &CreateAutoCalloutTask,
    endpoint: &str,
) -> String {
    let unresolved = CreateAutoCalloutTask {
        not_before: 0,
        not_after: None,
        ..template.clone()
    };
    task_key(bytes, &unresolved, endpoint, &times_as_written(args))
}

pub async fn run(global: &GlobalArgs, args: CreateArgs) -> Result<Exit, Failed> {
    if args.per_task == 0 {
        return Err(invalid("--per-task must be at least 1"));
    }
    let bytes = std::fs::read(&args.file)
        .map_err(|e| invalid(format!("cannot read {}: {e}", args.file.display())))?;
    let env = crate::credentials::Env::from_process();
    let app = service::sdk_app_id(
        args.target.sdk_app_id.as_deref(),
        &crate::cli::headless::settings(&env),
        args.target.sim,
    )?;
    let now_s = unix_now();
    let (template, zone) = template(&args, app, now_s).map_err(invalid)?;
    let rows = read_rows(&args, app, &bytes)?;
    let parts = rows.len().div_ceil(args.per_task);
    eprint!("{}", plan::preview(&template, &rows, parts, zone, now_s));
    let (_, connected) = connect(global, &args.target).await?;
    let backend = &connected.backend;
    let host = backend
        .client
        .endpoint()
        .host_str()
        .unwrap_or("")
        .to_string();
    template
        .check_flavour(Flavour::of_endpoint(&host))
        .map_err(|e| invalid(e.to_string()))?;
    let stem = stem(&args);
    let key = key_of(&args, &bytes, &template, &backend.label());
    if args.dry_run {
        return print_dry_run(
            &backend.client,
            &template,
            &rows,
            &stem,
            &key,
            args.per_task,
        );
    }
    let session = crate::cli::headless::open(connected).map_err(failure)?;
    let ask = |parts: usize, callees: usize| {
        Ok(args.yes || confirm(&format!("Create {parts} task(s) for {callees} callees?"))?)
    };
    let checked = Checked {
        bytes,
        rows,
        template,
    };
    create_checked(&session.dialer, &args, checked, &ask, &Streams).await
}

/// Creates the tasks of a checked list, unless this list and these options were created
/// before: holds back the callees an earlier call or task holds, asks `ask` (parts, callees),
/// then creates each part, claimed and recorded before its request leaves.
pub async fn create_checked(
    dialer: &crate::dialer::Dialer,
    args: &CreateArgs,
    checked: Checked,
    ask: &(dyn Fn(usize, usize) -> Result<bool, Failed> + Sync),
    tell: &dyn Tell,
) -> Result<Exit, Failed> {
    let Checked {
        bytes,
        rows,
        template,
    } = checked;
    let key = key_of(args, &bytes, &template, dialer.backend_label());
    let store = dialer.store();
    let recorded = store.task_parts(&key).map_err(failure)?;
    if already_created(&recorded, &key, tell)? {
        return Ok(Exit::Accepted);
    }
    let fresh_history = args.guard.check_history(store).map_err(failure)?;
    let dialer = dialer.clone().with_claim(args.guard.rule());
    let plans = plan_parts(&dialer, args, &recorded, rows, fresh_history, tell).await?;
    let callees: usize = plans.parts.iter().map(|p| p.rows.len()).sum();
    if plans.parts.is_empty() {
        tell.say("nothing to create: every callee is held back".into());
        return Ok(Exit::Held);
    }
    if !ask(plans.parts.len(), callees)? {
        tell.say("nothing created".into());
        return Ok(Exit::Accepted);
    }
    let creator = Creator {
        client: dialer.client(),
        store,
        app: template.sdk_app_id,
        key: &key,
        stem: &stem(args),
        endpoint: dialer.backend_label().to_string(),
        source: args.file.display().to_string(),
        template: &template,
        rule: dialer.claim_rule().clone(),
        tell,
    };
    let exit = creator.parts(plans.parts).await?;
    Ok(if plans.held > 0 {
        exit.worst(Exit::Held)
    } else {
        exit
    })
}

/// The parts to create, in order, and how many callees were held back.
struct Plans {
    parts: Vec<PartPlan>,
    held: usize,
}

/// One part: recorded earlier (its callees fixed), or new.
struct PartPlan {
    part: u32,
    parts: u32,
    rows: Vec<Row>,
    earlier: Option<TaskPart>,
}

/// Parts recorded by an earlier run keep their callees; the other rows are checked against
/// the history and the service, the held ones listed and left out, the rest split anew.
async fn plan_parts(
    dialer: &crate::dialer::Dialer,
    args: &CreateArgs,
    recorded: &[TaskPart],
    rows: Vec<Row>,
    fresh_history: bool,
    tell: &dyn Tell,
) -> Result<Plans, Failed> {
    let store = dialer.store();
    // Each line an earlier part holds: which part, and where in it. The rows are moved, never
    // copied, so that a long list is held once.
    let mut taken: HashMap<u64, (usize, usize)> = HashMap::new();
    for (index, p) in recorded.iter().enumerate() {
        let lines = store.task_lines(&p.task_key, p.part).map_err(failure)?;
        for (seq, (line, _)) in lines.into_iter().enumerate() {
            taken.insert(line, (index, seq));
        }
    }
    let mut earlier: Vec<(TaskPart, Vec<(usize, Row)>)> =
        recorded.iter().map(|p| (p.clone(), Vec::new())).collect();
    let mut pending = Vec::with_capacity(rows.len() - taken.len().min(rows.len()));
    for row in rows {
        match taken.get(&row.line) {
            Some(&(index, seq)) => earlier[index].1.push((seq, row)),
            None => pending.push(row),
        }
    }
    let earlier: Vec<(TaskPart, Vec<Row>)> = earlier
        .into_iter()
        .map(|(p, mut rows)| {
            rows.sort_by_key(|(seq, _)| *seq);
            (p, rows.into_iter().map(|(_, r)| r).collect())
        })
        .collect();
    pending.sort_by_key(|r| r.line);
    let sdk_app_id = pending.first().map_or(0, |r| r.request.sdk_app_id);
    let callees: Vec<String> = pending.iter().map(|r| r.request.callee.clone()).collect();
    let ask_service = !args.guard.allow_recent || fresh_history;
    let held = dialer
        .held_back(sdk_app_id, &callees, ask_service && !callees.is_empty())
        .await
        .map_err(|e| {
            (
                Exit::Failure,
                format!("nothing was created: the earlier calls could not be checked: {e}"),
            )
        })?;
    let rule = dialer.claim_rule();
    let before = pending.len();
    pending.retain(|row| match held.get(&row.request.callee) {
        Some(h) if h.in_flight() || rule.overridden.is_none() => {
            tell.say(format!("line {}: held back: {h}", row.line));
            false
        }
        _ => true,
    });
    let held = before - pending.len();
    if held > 0 {
        tell.say(format!(
            "{held} callees held back (called recently, in flight or in another task); \
             --allow-recent takes those not in flight"
        ));
    }
    let fresh = split(pending, args.per_task);
    let total = (earlier.len() + fresh.len()) as u32;
    let mut parts: Vec<PartPlan> = earlier
        .into_iter()
        .map(|(p, rows)| PartPlan {
            part: p.part,
            parts: p.parts,
            rows,
            earlier: Some(p),
        })
        .collect();
    let next = parts.iter().map(|p| p.part).max().unwrap_or(0);
    for (i, rows) in fresh.into_iter().enumerate() {
        parts.push(PartPlan {
            part: next + 1 + i as u32,
            parts: total,
            rows,
            earlier: None,
        });
    }
    Ok(Plans { parts, held })
}

/// `rows` in parts of `per_task`, moved rather than copied.
fn split(rows: Vec<Row>, per_task: usize) -> Vec<Vec<Row>> {
    let mut parts: Vec<Vec<Row>> = Vec::new();
    let mut left = rows.len();
    for row in rows {
        match parts.last_mut() {
            Some(part) if part.len() < per_task => part.push(row),
            _ => {
                let mut part = Vec::with_capacity(per_task.min(left));
                part.push(row);
                parts.push(part);
            }
        }
        left -= 1;
    }
    parts
}

/// The times as written: `now` resolves differently on every run, yet names the same task.
fn times_as_written(args: &CreateArgs) -> String {
    format!(
        "{}\0{}\0{}\0{}",
        args.not_before,
        args.not_after.as_deref().unwrap_or(""),
        args.per_task,
        if args.again {
            now_ms().to_string()
        } else {
            String::new()
        }
    )
}

/// Prints each part's signed request; nothing is sent, recorded or claimed.
fn print_dry_run(
    client: &Client,
    template: &CreateAutoCalloutTask,
    rows: &[Row],
    stem: &str,
    key: &str,
    per_task: usize,
) -> Result<Exit, Failed> {
    let parts = rows.len().div_ceil(per_task);
    for (i, chunk) in rows.chunks(per_task).enumerate() {
        let request = part_request(template, chunk, part_name(stem, key, i + 1, parts));
        let prepared = client
            .prepare(&request, unix_now())
            .map_err(|e| api_failed(&e))?;
        let text = format!(
            "# {}\n{}",
            request.name.as_deref().unwrap_or(""),
            crate::cli::headless::dry_run_text(&prepared)
        );
        print_line(&text, "nothing was sent")?;
    }
    Ok(Exit::Accepted)
}

/// Whether every part of this task key was created before; if so its task ids are printed,
/// so running the same command again creates nothing twice.
fn already_created(recorded: &[TaskPart], key: &str, tell: &dyn Tell) -> Result<bool, Failed> {
    let all_created = recorded
        .first()
        .is_some_and(|p| recorded.len() == p.parts as usize)
        && recorded.iter().all(|p| p.status == TaskPartStatus::Created);
    if all_created {
        for p in recorded {
            tell.task(p.task_id.unwrap_or(0))?;
        }
        tell.say(format!(
            "already created from this list and settings (task key {}); add --again to create it anew",
            &key[..12]
        ));
    }
    Ok(all_created)
}

struct Creator<'a> {
    client: &'a Client,
    store: &'a Store,
    app: u64,
    key: &'a str,
    stem: &'a str,
    endpoint: String,
    source: String,
    template: &'a CreateAutoCalloutTask,
    rule: ClaimRule,
    tell: &'a dyn Tell,
}

impl Creator<'_> {
    /// Creates the parts in order, each resumed from its recorded status; an unknown outcome
    /// stops the rest, since the service may hold that task already.
    async fn parts(&self, plans: Vec<PartPlan>) -> Result<Exit, Failed> {
        let mut exit = Exit::Accepted;
        for plan in plans {
            let outcome = self.part(plan).await?;
            exit = exit.worst(outcome);
            if outcome == Exit::Unknown {
                self.tell.say("stopping: run the same command again to look the task up before anything else is sent".into());
                break;
            }
        }
        Ok(exit)
    }

    async fn part(&self, plan: PartPlan) -> Result<Exit, Failed> {
        let PartPlan {
            part,
            parts,
            mut rows,
            earlier,
        } = plan;
        let name = earlier.as_ref().map_or_else(
            || part_name(self.stem, self.key, part as usize, parts as usize),
            |p| p.name.clone(),
        );
        match earlier.as_ref().map(|p| p.status) {
            Some(TaskPartStatus::Created) => {
                let id = earlier.and_then(|p| p.task_id).unwrap_or(0);
                self.tell.task(id)?;
                self.tell
                    .say(format!("part {part}/{parts}: created earlier as task {id}"));
                return Ok(Exit::Accepted);
            }
            Some(TaskPartStatus::Queued | TaskPartStatus::Unknown) => {
                // It may have reached the service: the name says whether it did.
                match self.find(&name).await.map_err(|e| api_failed(&e))? {
                    Some(id) => {
                        self.settle(part, TaskPartStatus::Created, Some(id), None)?;
                        self.tell.task(id)?;
                        self.tell.say(format!(
                            "part {part}/{parts}: found on the service as task {id} (not sent again)"
                        ));
                        return Ok(Exit::Accepted);
                    }
                    None => self.tell.say(format!(
                        "part {part}/{parts}: not on the service; sending it now"
                    )),
                }
            }
            Some(TaskPartStatus::Rejected) => {
                // No task was made: its callees are claimed again, like a new part's.
                self.store
                    .forget_rejected_task_part(self.key, part)
                    .map_err(failure)?;
                if !self.claim(part, parts, &name, &mut rows)? {
                    return Ok(Exit::Held);
                }
            }
            None => {
                if !self.claim(part, parts, &name, &mut rows)? {
                    return Ok(Exit::Held);
                }
            }
        }
        let request = part_request(self.template, &rows, name.clone());
        match self.client.send(&request).await {
            Ok(reply) => {
                let id = reply.data.task_id;
                self.settle(part, TaskPartStatus::Created, Some(id), None)?;
                self.tell.task(id)?;
                self.tell.say(format!(
                    "part {part}/{parts}: created task {id} with {} callees ({name})",
                    rows.len()
                ));
                Ok(Exit::Accepted)
            }
            Err(e) => self.failed(part, parts, &name, &e).await,
        }
    }

    fn settle(
        &self,
        part: u32,
        status: TaskPartStatus,
        id: Option<u64>,
        error: Option<(&str, &str)>,
    ) -> Result<(), Failed> {
        self.store
            .settle_task_part(self.key, part, status, id, error, now_ms())
            .map_err(failure)
    }

    /// Claims the part's callees and records it; a callee taken since the check (another
    /// terminal, another command) is left out. False when none is left.
    fn claim(
        &self,
        part: u32,
        parts: u32,
        name: &str,
        rows: &mut Vec<Row>,
    ) -> Result<bool, Failed> {
        let last_call_s = self
            .template
            .not_after
            .unwrap_or(self.template.not_before)
            .max(unix_now());
        loop {
            if rows.is_empty() {
                self.tell.say(format!(
                    "part {part}/{parts}: every callee is held back; not created"
                ));
                return Ok(false);
            }
            let request = part_request(self.template, rows, name.to_string());
            let held: Vec<HeldCallee> = self
                .store
                .claim_task_part(
                    &NewTaskPart {
                        task_key: self.key.to_string(),
                        part,
                        parts,
                        name: name.to_string(),
                        endpoint: self.endpoint.clone(),
                        sdk_app_id: self.app as i64,
                        source: self.source.clone(),
                        request_json: serde_json::to_string(&request).map_err(failure)?,
                        callees: rows
                            .iter()
                            .map(|r| (r.line, r.request.callee.clone()))
                            .collect(),
                        at_ms: now_ms(),
                        last_call_ms: last_call_s.saturating_mul(1_000),
                    },
                    &self.rule,
                )
                .map_err(failure)?;
            if held.is_empty() {
                return Ok(true);
            }
            let taken: HashSet<u64> = held.iter().map(|h| h.line).collect();
            for h in held {
                let shown = crate::dialer::HeldBack::from_history(&h.callee, h.hold);
                self.tell
                    .say(format!("line {}: held back: {shown}", h.line));
            }
            rows.retain(|r| !taken.contains(&r.line));
        }
    }

    async fn failed(
        &self,
        part: u32,
        parts: u32,
        name: &str,
        e: &ApiError,
    ) -> Result<Exit, Failed> {
        let error = (e.code().unwrap_or(""), e.to_string());
        let settle = |status, id| {
            self.store
                .settle_task_part(
                    self.key,
                    part,
                    status,
                    id,
                    Some((error.0, &error.1)),
                    now_ms(),
                )
                .map_err(failure)
        };
        match e.class().outcome {
            Outcome::Unknown => {
                // Look once right away; the answer may have been lost after the task was made.
                if let Ok(Some(id)) = self.find(name).await {
                    settle(TaskPartStatus::Created, Some(id))?;
                    self.tell.task(id)?;
                    self.tell.say(format!(
                        "part {part}/{parts}: the answer was lost, but the task exists: {id}"
                    ));
                    return Ok(Exit::Accepted);
                }
                settle(TaskPartStatus::Unknown, None)?;
                self.tell
                    .say(format!("part {part}/{parts}: outcome unknown: {e}"));
                Ok(Exit::Unknown)
            }
            Outcome::NotSent => {
                settle(TaskPartStatus::Rejected, None)?;
                self.tell.say(format!("part {part}/{parts}: not sent: {e}"));
                Ok(Exit::NotSent)
            }
            _ => {
                settle(TaskPartStatus::Rejected, None)?;
                self.tell
                    .say(format!("part {part}/{parts}: {e}\n{}", e.hint()));
                Ok(Exit::Rejected)
            }
        }
    }

    /// The TaskId of the task named `name`, if the service has one.
    async fn find(&self, name: &str) -> Result<Option<u64>, ApiError> {
        let tasks = service::all_tasks(self.client, self.app).await?;
        Ok(tasks
            .iter()
            .find(|t| t.name.as_deref() == Some(name))
            .map(|t| t.task_id))
    }
}
