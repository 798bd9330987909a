//! Readers and writers of other formats: analysis reports (text, JSON, Markdown).
//! Pure functions over the core types; never imports egui.

pub mod compose;
pub mod dot;
mod infer;
pub mod k8s;
pub mod layout;
pub mod mef;
pub mod report;

use crate::model::Model;

/// A model read from another format, with one line per thing that could not be mapped.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub model: Model,
    pub notes: Vec<String>,
}
