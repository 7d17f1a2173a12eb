use ccc_dial::cli::Cli;
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    match cli.command {
        None => println!("ccc-dial"),
    }
}
