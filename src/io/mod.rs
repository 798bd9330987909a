//! Other formats, each way: importers (`import`), exporters of diagrams and review reports
//! (`export`), the reports `check`, `whatif` and `chaos` print (`report`), and Chaos Toolkit
//! journals read back (`journal`). No egui.

pub mod export;
pub mod import;
pub mod journal;
pub mod report;
