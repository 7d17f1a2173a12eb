//! `ccc-dial task`: the service's own batch engine (CreateAutoCalloutTask) for lists that
//! outgrow one machine: create from a CSV, list, watch, stop, pause, resume, results.

mod create;
mod plan;
mod watch;

use std::io::{BufRead, IsTerminal, Write};

use clap::{Args, Subcommand};

use super::exit::{EXIT_CODES_HELP, Exit};
use super::headless;
use crate::backend::Backend;
use crate::ccc::actions::{
    DescribeAutoCalloutTasks, PauseAutoCalloutTask, ResumeAutoCalloutTask, StopAutoCalloutTask,
};
use crate::ccc::{ApiError, Client};
use crate::cli::GlobalArgs;
use crate::config::Settings;
pub use create::CreateArgs;
pub use watch::{ResultsArgs, WatchArgs};

#[derive(Debug, Clone, Args)]
pub struct TaskArgs {
    #[command(subcommand)]
    pub command: TaskCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum TaskCommand {
    /// Create a server task from a CSV file (the same columns as `batch`, plus `uui`).
    Create(Box<CreateArgs>),
    /// List the instance's tasks.
    List(ListArgs),
    /// Follow a task: callees per state, the task's state, until it ends.
    Watch(WatchArgs),
    /// Stop a task: no new calls (asks first).
    Stop(ControlArgs),
    /// Pause a running task.
    Pause(ControlArgs),
    /// Resume a paused task.
    Resume(ControlArgs),
    /// Write one line per callee with its final outcome and tries.
    Results(ResultsArgs),
}

/// What every task command needs to reach the service.
#[derive(Debug, Clone, Args)]
pub struct Target {
    /// SdkAppId of the CCC instance [default: the settings' default_sdk_app_id].
    #[arg(long, value_name = "N")]
    pub sdk_app_id: Option<String>,
    /// Use the built-in simulator (its tasks live as long as this command).
    #[arg(long)]
    pub sim: bool,
}

#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct ListArgs {
    #[command(flatten)]
    pub target: Target,
    /// One JSON object a line, with the service's field names.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct ControlArgs {
    /// The TaskId.
    #[arg(value_name = "TASK_ID")]
    pub task_id: u64,
    #[command(flatten)]
    pub target: Target,
    /// Do not ask before stopping.
    #[arg(long)]
    pub yes: bool,
}

/// A command's end: its exit code and what to say on stderr.
pub(crate) type Failed = (Exit, String);

pub(crate) fn invalid(message: impl Into<String>) -> Failed {
    (Exit::Invalid, message.into())
}

pub(crate) fn failure(message: impl std::fmt::Display) -> Failed {
    (Exit::Failure, format!("{message:#}"))
}

/// An API error as the exit code of its outcome, with its hint.
pub(crate) fn api_failed(e: &ApiError) -> Failed {
    (
        Exit::of_outcome(e.class().outcome),
        format!("{e}\n{}", e.hint()),
    )
}

/// Runs the command and returns its exit code; everything is already printed.
pub async fn run(global: &GlobalArgs, args: TaskArgs) -> i32 {
    let result = match args.command {
        TaskCommand::Create(a) => create::run(global, *a).await,
        TaskCommand::List(a) => list(global, a).await,
        TaskCommand::Watch(a) => watch::watch(global, a).await,
        TaskCommand::Results(a) => watch::results(global, a).await,
        TaskCommand::Stop(a) => control(global, a, "stop").await,
        TaskCommand::Pause(a) => control(global, a, "pause").await,
        TaskCommand::Resume(a) => control(global, a, "resume").await,
    };
    match result {
        Ok(exit) => exit.code(),
        Err((exit, message)) => {
            eprintln!("error: {message}");
            exit.code()
        }
    }
}

pub(crate) fn sdk_app_id(given: Option<&str>, settings: &Settings) -> Result<u64, Failed> {
    let text = match (given, settings.default_sdk_app_id) {
        (Some(id), _) => id.trim().to_string(),
        (None, Some(id)) => id.to_string(),
        (None, None) => {
            return Err(invalid(
                "--sdk-app-id is required (or set default_sdk_app_id in the settings)",
            ));
        }
    };
    text.parse::<u64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| invalid(format!("--sdk-app-id {text:?} is not a positive number")))
}

/// The settings, the SdkAppId and the backend.
pub(crate) async fn connect(
    global: &GlobalArgs,
    target: &Target,
) -> Result<(u64, Backend), Failed> {
    let env = crate::credentials::Env::from_process();
    let settings = headless::settings(&env);
    let app = sdk_app_id(target.sdk_app_id.as_deref(), &settings)?;
    let backend = headless::connect(global, &settings, target.sim)
        .await
        .map_err(failure)?;
    if backend.is_simulator() {
        eprintln!("using the built-in simulator: no real phone rings");
    }
    Ok((app, backend))
}

/// Server text made safe for a terminal: control characters (escape sequences) are shown
/// escaped instead of acting.
pub(crate) fn escaped(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let shown: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            shown
        })
        .collect()
}

/// Asks on the terminal; without one, refuses and says how to go on.
pub(crate) fn confirm(question: &str) -> Result<bool, Failed> {
    if !std::io::stdin().is_terminal() {
        return Err(invalid(format!(
            "{question} Not asking without a terminal: add --yes to go ahead"
        )));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(failure)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Every task of the instance, page by page.
pub(crate) async fn all_tasks(
    client: &Client,
    app: u64,
) -> Result<Vec<crate::ccc::actions::AutoCalloutTaskInfo>, ApiError> {
    let mut out = Vec::new();
    for page in 0.. {
        let r = client
            .send(&DescribeAutoCalloutTasks {
                sdk_app_id: app,
                page_size: 100,
                page_number: page,
            })
            .await?
            .data;
        let got = r.tasks.len();
        out.extend(r.tasks);
        if got == 0 || out.len() as u64 >= r.total_count {
            break;
        }
    }
    Ok(out)
}

async fn list(global: &GlobalArgs, args: ListArgs) -> Result<Exit, Failed> {
    let (app, backend) = connect(global, &args.target).await?;
    let tasks = all_tasks(&backend.client, app)
        .await
        .map_err(|e| api_failed(&e))?;
    for t in &tasks {
        if args.json {
            println!("{}", serde_json::to_string(t).map_err(failure)?);
        } else {
            println!(
                "{:>8}  {:<11} {:>7} callees  {}",
                t.task_id,
                t.state.map_or("-".into(), |s| s.label()),
                t.callee_count.unwrap_or(0),
                escaped(t.name.as_deref().unwrap_or(""))
            );
        }
    }
    if !args.json && tasks.is_empty() {
        eprintln!("no tasks");
    }
    Ok(Exit::Accepted)
}

async fn control(global: &GlobalArgs, args: ControlArgs, verb: &str) -> Result<Exit, Failed> {
    if verb == "stop"
        && !args.yes
        && !confirm(&format!(
            "Stop task {}? It makes no new calls and cannot be resumed.",
            args.task_id
        ))?
    {
        eprintln!("not stopped");
        return Ok(Exit::Accepted);
    }
    let (app, backend) = connect(global, &args.target).await?;
    let client = &backend.client;
    let id = args.task_id;
    let signed = |v: u64| i64::try_from(v).map_err(|_| invalid(format!("{v} is too large")));
    let sent = match verb {
        "stop" => client
            .send(&StopAutoCalloutTask {
                sdk_app_id: app,
                task_id: id,
            })
            .await
            .map(|r| r.request_id),
        "pause" => client
            .send(&PauseAutoCalloutTask {
                task_id: signed(id)?,
                sdk_app_id: signed(app)?,
            })
            .await
            .map(|r| r.request_id),
        _ => client
            .send(&ResumeAutoCalloutTask {
                task_id: signed(id)?,
                sdk_app_id: signed(app)?,
            })
            .await
            .map(|r| r.request_id),
    };
    let request_id = sent.map_err(|e| api_failed(&e))?;
    println!("task {id}: {verb} sent (RequestId {request_id})");
    Ok(Exit::Accepted)
}
