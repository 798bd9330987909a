use std::process::ExitCode;

use clap::Parser;
use spofscope::cli::{self, Cli};

fn main() -> ExitCode {
    env_logger::init();
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => spofscope::ui::run(args.file),
    }
}
