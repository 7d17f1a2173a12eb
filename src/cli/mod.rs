//! The command line: global options and the headless subcommands.

pub mod batch;
pub mod call;
pub mod compare;
pub mod exit;
pub mod guard;
mod headless;
pub mod history;
mod interrupt;
mod json_keys;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod task;

use clap::{Args, FromArgMatches, Parser, Subcommand};

use crate::backend::{ServiceOverrides, SimChoice};
use crate::config::ThemeName;
use crate::session::Overrides;

/// Launch, watch and record Tencent Cloud Contact Center AI-agent outbound calls.
///
/// With no subcommand, opens the dialer. With no credentials configured, the dialer runs on
/// the built-in simulator, and no real phone rings.
#[derive(Debug, Parser)]
#[command(name = "ccc-dial", version, about, long_about, after_long_help = ENVIRONMENT_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub look: LookArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The dialer's own options.
#[derive(Debug, Clone, Default, Args)]
pub struct LookArgs {
    /// The dialer's colours: dark or light, for the terminal's background. Otherwise the
    /// settings' theme (dark unless chosen in F2). NO_COLOR turns colours off either way.
    #[arg(long, value_name = "dark|light")]
    pub theme: Option<ThemeName>,
}

impl Cli {
    /// The command line of this process, or the process exits with clap's help, version or
    /// error. A call or a batch is read by a parser that knows only those commands, which
    /// builds in a fraction of the time of the whole one; anything it does not take (help,
    /// a typo, another command) goes to the whole parser, so every message is the same.
    pub fn from_env() -> Cli {
        Cli::quick(std::env::args_os()).unwrap_or_else(Cli::parse)
    }

    /// What the parser of the dialer, `call` and `batch` alone makes of `args`, when it
    /// takes them.
    pub fn quick<I, T>(args: I) -> Option<Cli>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        let mut parser =
            LookArgs::augment_args(GlobalArgs::augment_args(clap::Command::new("ccc-dial")));
        // A command can be read only where its name is among the words: the others are not
        // built (most of the parser's cost).
        let named = |name: &str| args.iter().skip(1).any(|a| a == name);
        if named("call") {
            parser = parser.subcommand(call::CallArgs::augment_args(clap::Command::new("call")));
        }
        if named("batch") {
            parser = parser.subcommand(batch::BatchArgs::augment_args(clap::Command::new("batch")));
        }
        let matches = parser.try_get_matches_from(args).ok()?;
        Cli::from_arg_matches(&matches).ok()
    }
}

/// Shown after `--help`: where credentials and settings come from.
const ENVIRONMENT_HELP: &str = "\
Credentials, first found wins (a source that is set but wrong is an error, not skipped):
  1. the environment (not consulted when --profile is given):
       TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY
       TENCENTCLOUD_TOKEN, else TENCENTCLOUD_SECURITY_TOKEN, else TENCENTCLOUD_SESSION_TOKEN
         (the session token of temporary credentials)
  2. tccli's ~/.tccli/<profile>.credential (its ~/.tccli/<profile>.configure also gives the
     region and the ccc endpoint)
  3. the SDKs' INI file, section [<profile>]: $TENCENTCLOUD_CREDENTIALS_FILE, else
     ~/.tencentcloud/credentials
  Keys entered in the app are saved as a tccli profile, readable by you alone.
  None at all: the dialer runs on the built-in simulator.

Environment:
  TENCENTCLOUD_REGION            region, unless --profile is given
  TCCLI_PROFILE                  profile when --profile is not given (default: default)
  TENCENTCLOUD_CREDENTIALS_FILE  path of the INI credentials file
  CCC_DIAL_CONFIG                path of the settings file (default: the user's config
                                 directory, e.g. ~/.config/ccc-dial/settings.toml)";

/// Options every command takes. Each one overrides the saved settings.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// API endpoint: a host (ccc.intl.tencentcloudapi.com; ccc.tencentcloudapi.com for
    /// mainland China) or an https:// URL.
    ///
    /// Without it, the settings' endpoint (by default ccc.intl.tencentcloudapi.com). Plain
    /// http:// is accepted only to this machine (127.0.0.1, ::1, localhost), e.g. a simulator:
    /// elsewhere a signed request would travel in the clear.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Region sent as X-TC-Region (CCC does not require one).
    ///
    /// Otherwise the settings, TENCENTCLOUD_REGION, or the tccli profile's region.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Credential profile: ~/.tccli/NAME.credential, or the INI file's section NAME.
    ///
    /// Given here, the environment's credentials are not consulted (as with tccli).
    /// Otherwise TCCLI_PROFILE, else "default".
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Seconds to wait for each API answer (default 15).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = positive_seconds)]
    pub timeout: Option<f64>,
}

/// A number of seconds above zero: `nan`, `inf`, 0 and below are refused, not bent.
fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 => Ok(s),
        _ => Err(format!(
            "{text:?} is not a positive number of seconds (e.g. 15 or 0.5)"
        )),
    }
}

impl GlobalArgs {
    /// The start-up's overrides: these options, and where the simulator may serve.
    pub fn overrides(&self, sim: SimChoice) -> Overrides {
        Overrides {
            service: ServiceOverrides {
                endpoint: self.endpoint.clone(),
                region: self.region.clone(),
                profile: self.profile.clone(),
                timeout: self.timeout,
            },
            history: None,
            sim,
            strict_settings: false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Place one call (from options, or the API's JSON body with --input) and print its
    /// SessionId and RequestId. Needs credentials, or --sim for the built-in simulator.
    Call(call::CallArgs),
    /// Place one call per row of a CSV file, at most 20 a second; run it again to resume
    /// without dialing any row twice. Needs credentials, or --sim.
    Batch(batch::BatchArgs),
    /// Run a CSV as the service's own batch task (CreateAutoCalloutTask) for lists that
    /// outgrow one machine: create, list, watch, stop, pause, resume, results.
    Task(task::TaskArgs),
    /// List, export, show and prune past call attempts (the durable call history).
    History(history::HistoryArgs),
    /// Call one number once per variable set (a CSV of var.NAME columns), one call at a
    /// time, each followed to its report, then compare the runs. Rerun to resume.
    Sweep(sweep::SweepArgs),
    /// Compare runs side by side: variables, outcome, tags and latency (a table, --json or
    /// --markdown).
    Compare(compare::CompareArgs),
    /// Statistics over the history: outcomes, answer rate, talk time and latency as bar
    /// charts, per agent and per label (--json for scripts).
    Stats(stats::StatsArgs),
    /// Run the local CCC simulator: a stand-in for the API that rings no real phone.
    Sim(crate::cli::sim::SimArgs),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the quick parser takes, the whole one takes the same way; the rest it leaves.
    #[test]
    fn the_quick_parser_reads_as_the_whole_one_or_not_at_all() {
        let lines: &[&[&str]] = &[
            &[],
            &["--theme", "light"],
            &[
                "--endpoint",
                "http://127.0.0.1:9",
                "call",
                "--agent",
                "15",
                "--callee",
                "0086130",
            ],
            &[
                "call", "--agent", "15", "--callee", "0086130", "--var", "a=b", "--var", "c=d",
            ],
            &["call", "--input", "-", "--json", "--wait", "--allow-recent"],
            &[
                "call",
                "--region",
                "ap-x",
                "--profile",
                "p",
                "--timeout",
                "2.5",
                "--input",
                "f",
            ],
            &["--timeout", "0", "call", "--input", "f"],
            &["call", "--input", "f", "--agent", "15"],
            &["call", "--callee", "1"],
            &["call", "--help"],
            &["--help"],
            &["--version"],
            &[
                "batch",
                "rows.csv",
                "--rate",
                "5",
                "--concurrency",
                "3",
                "--dry-run",
                "--sim",
            ],
            &["batch", "rows.csv", "--check", "--dry-run"],
            &["--profile", "call", "batch", "rows.csv"],
            &["batch", "rows.csv", "--rate", "21"],
            &["batch"],
            &["history", "list"],
            &["--theme", "dark", "call", "--agent", "1", "--callee", "2"],
            &["call", "--theme", "dark", "--agent", "1", "--callee", "2"],
            &["cal", "--agent", "1"],
        ];
        let mut quick_taken = 0;
        for line in lines {
            let args = std::iter::once("ccc-dial").chain(line.iter().copied());
            let whole = Cli::try_parse_from(args.clone());
            match Cli::quick(args) {
                Some(quick) => {
                    quick_taken += 1;
                    let whole = whole.unwrap_or_else(|e| panic!("{line:?}: {e}"));
                    assert_eq!(format!("{quick:?}"), format!("{whole:?}"), "{line:?}");
                }
                None => assert!(
                    whole.is_err() || matches!(line.first(), Some(&"history")),
                    "{line:?} is left to the whole parser although it is a call or batch"
                ),
            }
        }
        assert_eq!(quick_taken, 9, "the valid calls, batches and dialer lines");
    }
}
