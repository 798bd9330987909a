//! Readers and writers of other formats: analysis reports (text, JSON, Markdown).
//! Pure functions over the core types; never imports egui.

pub mod report;
