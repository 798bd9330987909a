//! Other formats, each way: importers (`import`), exporters of diagrams and review reports
//! (`export`), and the reports `check`, `whatif` and `chaos` print (`report`). No egui.

pub mod export;
pub mod import;
pub mod report;
