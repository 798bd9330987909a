//! What identifies a document's content across frames, and an analysis held with the model
//! it was computed from: the keys and values the background work shares. Computes nothing.

use std::sync::Arc;

use crate::analysis::Report;
use crate::model::Model;

/// Identifies a document's content: which document (a new one per open) and its revision.
pub type DocKey = (u64, u64);

/// An analysis and the model it was computed from.
pub struct Analysed {
    pub model: Arc<Model>,
    /// The model's analysis print ([`Model::analysis_print`]).
    pub print: u64,
    pub report: Report,
}
