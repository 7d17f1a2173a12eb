//! What every task command shares: reaching the service, asking, and showing its text.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;

use crate::ccc::actions::{AutoCalloutTaskInfo, DescribeAutoCalloutTasks};
use crate::ccc::{ApiError, Client};
use crate::cli::GlobalArgs;
use crate::cli::exit::Exit;
use crate::cli::headless;
use crate::config::Settings;
use crate::session::Connected;

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

/// A command's end: its exit code and what to say on stderr.
pub type Failed = (Exit, String);

pub fn invalid(message: impl Into<String>) -> Failed {
    (Exit::Invalid, message.into())
}

pub fn failure(message: impl std::fmt::Display) -> Failed {
    (Exit::Failure, format!("{message:#}"))
}

/// Writes a line of a command's output. A closed or full stdout is told as a failure that
/// says what was already done (`done`), never a panic: the service may have acted already.
pub fn print_line(line: &str, done: &str) -> Result<(), Failed> {
    crate::cli::headless::write_stdout(&format!("{line}\n"))
        .map_err(|e| failure(format!("stdout could not be written ({e}); {done}")))
}

/// An API error as the exit code of its outcome, with its hint.
pub fn api_failed(e: &ApiError) -> Failed {
    (
        Exit::of_outcome(e.class().outcome),
        format!("{e}\n{}", e.hint()),
    )
}

/// The SdkAppId given, else the settings' default, else on the simulator its own instance.
pub fn sdk_app_id(given: Option<&str>, settings: &Settings, sim: bool) -> Result<u64, Failed> {
    let text = crate::session::sdk_app_id(given, settings, sim).map_err(invalid)?;
    text.parse::<u64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| invalid(format!("--sdk-app-id {text:?} is not a positive number")))
}

/// The SdkAppId and the service, with the settings.
pub async fn connect(global: &GlobalArgs, target: &Target) -> Result<(u64, Connected), Failed> {
    let connected = headless::connect(global, target.sim)
        .await
        .map_err(failure)?;
    let app = sdk_app_id(
        target.sdk_app_id.as_deref(),
        &connected.settings,
        target.sim,
    )?;
    Ok((app, connected))
}

/// Server text made safe for a terminal: control characters (escape sequences) are shown
/// escaped instead of acting.
pub fn escaped(text: &str) -> String {
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
pub fn confirm(question: &str) -> Result<bool, Failed> {
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
pub async fn all_tasks(client: &Client, app: u64) -> Result<Vec<AutoCalloutTaskInfo>, ApiError> {
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
