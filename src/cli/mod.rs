//! The command line: global options and the headless subcommands.

pub mod sim;

use clap::{Args, Parser, Subcommand};

/// Launch, watch and record Tencent Cloud Contact Center AI-agent outbound calls.
///
/// With no subcommand, opens the dialer. With no credentials configured, the dialer runs on
/// the built-in simulator, and no real phone rings.
#[derive(Debug, Parser)]
#[command(name = "ccc-dial", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// API endpoint: a host (ccc.intl.tencentcloudapi.com, ccc.tencentcloudapi.com) or a URL.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Region sent as X-TC-Region (CCC does not require one).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Profile of the credential files (~/.tccli/<NAME>.credential).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Seconds to wait for each API answer.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the local CCC simulator: a stand-in for the API that rings no real phone.
    Sim(crate::cli::sim::SimArgs),
}
