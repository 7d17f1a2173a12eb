//! `ccc-dial sim`: the local CCC simulator as a standalone server.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::cli::GlobalArgs;
use crate::credentials::Env;
use crate::sim::{self, Fixtures, Flavour, SimConfig};

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 18081)]
    pub port: u16,
    /// Append every request received to FILE, one JSON object a line.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// SecretId clients must sign with (default: the simulator's documented one).
    #[arg(long, value_name = "ID", requires = "secret_key")]
    pub secret_id: Option<String>,
    /// SecretKey clients must sign with (default: the simulator's documented one).
    #[arg(long, value_name = "KEY", requires = "secret_id")]
    pub secret_key: Option<String>,
    /// Agents and numbers to serve instead of the built-in ones (format: assets/sim-fixtures.json).
    #[arg(long, value_name = "FILE")]
    pub fixtures: Option<PathBuf>,
    /// Seconds a normal call rings before it is answered.
    #[arg(long, value_name = "SECONDS", default_value_t = sim::DEFAULT_RING.as_secs_f64())]
    pub ring: f64,
    /// Seconds a normal call talks before the callee hangs up.
    #[arg(long, value_name = "SECONDS", default_value_t = sim::DEFAULT_TALK.as_secs_f64())]
    pub talk: f64,
    /// Seconds the slow-answer fault (callee 00999300001) keeps the client waiting.
    #[arg(long, value_name = "SECONDS", default_value_t = sim::DEFAULT_SLOW_ANSWER.as_secs_f64())]
    pub slow_answer: f64,
    /// Seconds after a call ends before its record, tags, latency and interaction records
    /// appear (0: at once).
    #[arg(long, value_name = "SECONDS", default_value_t = sim::DEFAULT_RECORD_LAG.as_secs_f64())]
    pub record_lag: f64,
    /// Which API model to serve: international lacks DescribeAICallInteractionRecords,
    /// AcquireTimeoutSecond and CostType (default: the flavour of the configured endpoint;
    /// international when none).
    #[arg(long, value_enum)]
    pub flavour: Option<Flavour>,
    /// Run the simulator's clock N times faster: calls, task windows and retry intervals all
    /// speed up (signatures still use real time). 60 rehearses an hour in a minute.
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    pub time_scale: f64,
    /// Callees one CreateAutoCalloutTask may carry (undocumented by the service).
    #[arg(long, value_name = "N", default_value_t = sim::task::DEFAULT_MAX_CALLEES)]
    pub task_max_callees: usize,
}

fn seconds(name: &str, value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        anyhow::anyhow!("--{name} must be a number of seconds, 0 or more; got {value}")
    })
}

fn clock(scale: f64) -> anyhow::Result<std::sync::Arc<dyn sim::Clock>> {
    if !(scale.is_finite() && (0.001..=1_000_000.0).contains(&scale)) {
        anyhow::bail!("--time-scale must be a number from 0.001 to 1000000; got {scale}");
    }
    Ok(if scale == 1.0 {
        std::sync::Arc::new(sim::SystemClock)
    } else {
        std::sync::Arc::new(sim::ScaledClock::new(scale))
    })
}

/// The flavour asked for, else that of `--endpoint`, else that of the settings' endpoint.
fn flavour(global: &GlobalArgs, args: &SimArgs) -> Flavour {
    if let Some(f) = args.flavour {
        return f;
    }
    let endpoint = match &global.endpoint {
        Some(e) => e.clone(),
        None => crate::cli::headless::settings(&Env::from_process())
            .endpoint
            .host_or_url()
            .to_string(),
    };
    Flavour::of_endpoint(&endpoint)
}

pub async fn run(global: &GlobalArgs, args: SimArgs) -> anyhow::Result<()> {
    let flavour = flavour(global, &args);
    let fixtures = match &args.fixtures {
        Some(path) => Fixtures::load(path)?,
        None => Fixtures::default(),
    };
    let custom_key = args.secret_key.is_some();
    let config = SimConfig {
        secret_id: args.secret_id.unwrap_or_else(|| sim::SIM_SECRET_ID.into()),
        secret_key: args
            .secret_key
            .unwrap_or_else(|| sim::SIM_SECRET_KEY.into()),
        port: args.port,
        fixtures,
        ring: seconds("ring", args.ring)?,
        talk: seconds("talk", args.talk)?,
        slow_answer: seconds("slow-answer", args.slow_answer)?,
        record_lag: seconds("record-lag", args.record_lag)?,
        flavour,
        log_file: args.log.clone(),
        clock: clock(args.time_scale)?,
        max_task_callees: args.task_max_callees,
        ..SimConfig::default()
    };
    let (ring, talk, lag) = (config.ring, config.talk, config.record_lag);
    let app = config.fixtures.sdk_app_id;
    let handle = sim::start(config)
        .await
        .context("the simulator could not start")?;
    println!("listening on {}", handle.url());
    let cred = handle.credential();
    println!("SecretId:  {}", cred.secret_id);
    if custom_key {
        println!("SecretKey: the one given with --secret-key");
    } else {
        println!("SecretKey: {}", sim::SIM_SECRET_KEY);
    }
    println!("SdkAppId:  {app}");
    println!("API model: {} (--flavour)", flavour.name());
    println!(
        "calls ring {:.1} s, then talk {:.1} s; records appear {:.1} s after a call ends; callees starting {} fail on purpose (see \"The simulator\" in README.md)",
        ring.as_secs_f64(),
        talk.as_secs_f64(),
        lag.as_secs_f64(),
        sim::faults::FAULT_PREFIX
    );
    if let Some(path) = &args.log {
        println!("request log: {}", path.display());
    }
    if args.time_scale != 1.0 {
        println!("time runs {} times faster", args.time_scale);
    }
    println!("stop with Ctrl-C");
    wait_for_stop().await?;
    handle.shutdown().await;
    Ok(())
}

async fn wait_for_stop() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("cannot watch for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("cannot watch for Ctrl-C")?;
    Ok(())
}
