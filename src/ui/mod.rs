//! The desktop application (eframe): canvas, palette, inspector, analysis panel.
//! A thin layer over `model`, `edit` and `analysis`; analysis runs off the UI thread.

use std::path::PathBuf;
use std::process::ExitCode;

/// Open the GUI on `file`, or on a built-in sample.
pub fn run(file: Option<PathBuf>) -> ExitCode {
    let _ = file;
    eprintln!("error: the desktop window is not built yet; use `spofscope check FILE`");
    ExitCode::from(2)
}
