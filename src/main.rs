use std::process::ExitCode;

use clap::Parser;
use spofscope::cli::{self, Cli};

/// mimalloc: the analysis' many small allocations (models cloned per recommendation,
/// formula and plan vectors) cost a fifth of a check in the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    env_logger::init();
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => gui(args.file),
    }
}

#[cfg(feature = "gui")]
fn gui(file: Option<std::path::PathBuf>) -> ExitCode {
    spofscope::ui::run(file)
}

#[cfg(not(feature = "gui"))]
fn gui(_file: Option<std::path::PathBuf>) -> ExitCode {
    eprintln!(
        "error: this spofscope was built without the GUI (feature `gui`); use a subcommand, e.g. `spofscope check FILE`"
    );
    ExitCode::from(2)
}
