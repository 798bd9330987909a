//! Readers and writers of other formats: models, reports (text, JSON, Markdown, HTML), diagrams.
//! Pure functions over the core types; never imports egui.

pub mod compose;
pub mod dot;
pub mod export;
pub mod font;
pub mod html;
mod infer;
pub mod k8s;
pub mod layout;
pub mod mef;
pub mod png;
pub mod report;
pub mod svg;

use crate::model::{LoadError, Model};

/// A model read from another format, with one line per thing that could not be mapped.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub model: Model,
    pub notes: Vec<String>,
}

/// The last step of every importer: check the model against every rule and limit of
/// the file format (so an import never yields a model that cannot be saved and
/// loaded again), then lay it out.
fn finish(mut model: Model, notes: Vec<String>, file: &str) -> Result<Imported, LoadError> {
    if let Err(problems) = model.validate() {
        let message = problems
            .into_iter()
            .next()
            .map(|p| p.message)
            .unwrap_or_default();
        return Err(LoadError {
            file: file.to_owned(),
            location: None,
            message: format!("the imported model is not valid: {message}"),
        });
    }
    layout::layered(&mut model);
    Ok(Imported { model, notes })
}
