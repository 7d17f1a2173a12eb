use ccc_dial::cli::{Cli, Command};
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    match cli.command {
        None => println!("ccc-dial"),
        Some(Command::History(args)) => {
            if let Err(e) = ccc_dial::cli::history::run(args) {
                eprintln!("error: {e:#}");
                std::process::exit(1);
            }
        }
    }
}
