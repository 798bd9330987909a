//! spofscope: find single points of failure in software architectures.
//! The core (`model`, `analysis`) never imports egui; the GUI and CLI are thin layers.

pub mod advice;
pub mod analysis;
pub mod cli;
pub mod edit;
pub mod format;
pub mod generate;
pub mod io;
pub mod model;
pub mod style;
#[cfg(feature = "gui")]
pub mod ui;
