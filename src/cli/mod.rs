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

use clap::{Args, Parser, Subcommand};

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
    /// The dialer's colours: dark or light, for the terminal's background. Otherwise the
    /// settings' theme (dark unless chosen in F2). NO_COLOR turns colours off either way.
    #[arg(long, value_name = "dark|light")]
    pub theme: Option<ThemeName>,
    #[command(subcommand)]
    pub command: Option<Command>,
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
