//! Readers and writers of other formats: analysis reports (text, JSON, Markdown).
//! Pure functions over the core types; never imports egui.

pub mod compose;
pub mod dot;
mod infer;
pub mod k8s;
pub mod layout;
pub mod mef;
pub mod report;

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
