//! `ccc-dial task`: the service's own batch engine (CreateAutoCalloutTask) for lists that
//! outgrow one machine: create from a CSV, list, watch, stop, pause, resume, results.

mod create;
mod plan;
mod service;
mod tell;
mod watch;

use clap::{Args, Subcommand};

use super::exit::{EXIT_CODES_HELP, Exit};
use crate::cli::GlobalArgs;
use crate::dialer::task_control::{TaskControlError, TaskVerb, control_task};
pub use create::{Checked, CreateArgs, DEFAULT_PER_TASK, check_rows, create_checked, template};
pub use plan::preview;
pub use service::Target;
use service::{Failed, all_tasks, api_failed, confirm, connect, escaped, failure, invalid};
pub use tell::Tell;
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

/// Runs the command and returns its exit code; everything is already printed.
pub async fn run(global: &GlobalArgs, args: TaskArgs) -> i32 {
    let result = match args.command {
        TaskCommand::Create(a) => create::run(global, *a).await,
        TaskCommand::List(a) => list(global, a).await,
        TaskCommand::Watch(a) => watch::watch(global, a).await,
        TaskCommand::Results(a) => watch::results(global, a).await,
        TaskCommand::Stop(a) => control(global, a, TaskVerb::Stop).await,
        TaskCommand::Pause(a) => control(global, a, TaskVerb::Pause).await,
        TaskCommand::Resume(a) => control(global, a, TaskVerb::Resume).await,
    };
    match result {
        Ok(exit) => exit.code(),
        Err((exit, message)) => {
            eprintln!("error: {message}");
            exit.code()
        }
    }
}

async fn list(global: &GlobalArgs, args: ListArgs) -> Result<Exit, Failed> {
    let (app, connected) = connect(global, &args.target).await?;
    let backend = &connected.backend;
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

async fn control(global: &GlobalArgs, args: ControlArgs, verb: TaskVerb) -> Result<Exit, Failed> {
    if verb == TaskVerb::Stop
        && !args.yes
        && !confirm(&format!(
            "Stop task {}? It makes no new calls and cannot be resumed.",
            args.task_id
        ))?
    {
        eprintln!("not stopped");
        return Ok(Exit::Accepted);
    }
    let (app, connected) = connect(global, &args.target).await?;
    let id = args.task_id;
    let request_id = match control_task(&connected.backend.client, app, id, verb).await {
        Ok(r) => r,
        Err(TaskControlError::Api(e)) => return Err(api_failed(&e)),
        Err(e) => return Err(invalid(e.to_string())),
    };
    println!("task {id}: {} sent (RequestId {request_id})", verb.as_str());
    Ok(Exit::Accepted)
}
