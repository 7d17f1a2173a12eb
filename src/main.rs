use ccc_dial::cli::{Cli, Command};

fn main() {
    let cli = Cli::from_env();
    let result = match cli.command {
        None => tokio::runtime::Runtime::new()
            .map_err(anyhow::Error::from)
            .and_then(|rt| rt.block_on(ccc_dial::tui::run(cli.global, cli.look.theme))),
        Some(Command::Call(args)) => std::process::exit(headless(|rt| {
            rt.block_on(ccc_dial::cli::call::run(&cli.global, args))
        })),
        Some(Command::Batch(args)) => std::process::exit(headless(|rt| {
            rt.block_on(ccc_dial::cli::batch::run(&cli.global, args))
        })),
        Some(Command::Task(args)) => std::process::exit(headless(|rt| {
            rt.block_on(ccc_dial::cli::task::run(&cli.global, args))
        })),
        Some(Command::Sweep(args)) => std::process::exit(headless(|rt| {
            rt.block_on(ccc_dial::cli::sweep::run(&cli.global, args))
        })),
        Some(Command::History(args)) => ccc_dial::cli::history::run(args),
        Some(Command::Compare(args)) => ccc_dial::cli::compare::run(args),
        Some(Command::Stats(args)) => ccc_dial::cli::stats::run(args),
        Some(Command::Sim(args)) => tokio::runtime::Runtime::new()
            .map_err(anyhow::Error::from)
            .and_then(|rt| rt.block_on(ccc_dial::cli::sim::run(&cli.global, args))),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Runs a headless command, which prints its own outcome and returns its exit code. One
/// thread serves it: its requests wait on the network, and starting workers costs more than
/// a call.
fn headless(command: impl FnOnce(&tokio::runtime::Runtime) -> i32) -> i32 {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => command(&rt),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            1
        }
    }
}
