//! The desktop application (eframe): canvas, palette, inspector, analysis panel, what-if.
//! A thin layer over `model`, `edit` and `analysis`; analysis runs off the UI thread.

mod accept;
mod action;
mod advice_panel;
mod analysis_panel;
mod app;
mod apply;
mod autosave;
mod blast;
mod canvas;
mod chaos_dialog;
mod charts;
mod command;
mod compare;
mod compare_panel;
mod comparison;
mod content;
mod dialogs;
mod edges;
mod failures;
mod fields;
mod files;
mod inspector;
mod look;
mod menu;
mod outlines;
mod parts;
mod present;
mod preview;
mod progress;
mod recommendations;
mod resident;
mod rows;
mod scenarios;
mod session;
mod shapes;
mod state;
mod transfer;
mod whatif;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

pub use action::Action;
pub use app::SpofApp;
pub use command::Command;
pub use compare::CompareMarks;
pub use files::{SAMPLES, Settings};
pub use state::Selection;
pub use worker::leave_a_core_to_the_ui;

/// Open the GUI on `file`, or on the built-in sample.
pub fn run(file: Option<PathBuf>) -> ExitCode {
    leave_a_core_to_the_ui();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("spofscope")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        dithering: resident::DITHERING,
        ..Default::default()
    };
    let result = eframe::run_native(
        "spofscope",
        options,
        Box::new(move |cc| {
            let app = SpofApp::new(cc, file);
            // Recovery copies live beside eframe's own state; without a data directory, none.
            Ok(Box::new(match eframe::storage_dir("spofscope") {
                Some(dir) => app.with_recovery(dir.join("recovery")),
                None => app,
            }))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}
