use ccc_dial::cli::{Cli, Command};
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    match cli.command {
        None => println!("ccc-dial"),
        Some(Command::Sim(args)) => {
            let result = tokio::runtime::Runtime::new()
                .map_err(anyhow::Error::from)
                .and_then(|rt| rt.block_on(ccc_dial::cli::sim::run(args)));
            if let Err(e) = result {
                eprintln!("error: {e:#}");
                std::process::exit(1);
            }
        }
    }
}
