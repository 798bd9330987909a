//! File ▸ Export writing off the UI thread, and the names it suggests. Writing formats is
//! `io`'s job, and picking files and reporting the app's; this only runs the writer.

use std::path::{Path, PathBuf};

use super::worker::Job;
use crate::analysis;
use crate::analysis::scenario::Knockout;
use crate::io::export::{self, ExportFormat, ExportOptions};
use crate::model::{Event, Model};

/// File ▸ Export writing off the UI thread (a big PNG takes seconds): the file being
/// written, and then the files written or why not.
#[derive(Default)]
pub struct Exporting {
    job: Job<PathBuf, Result<Vec<PathBuf>, String>>,
    to: Option<PathBuf>,
}

/// `shop.spof.ron` → `shop.svg` (the first export format's extension).
pub fn export_file_name(model_file: &str) -> String {
    let stem = model_file.strip_suffix(".spof.ron").unwrap_or(model_file);
    Path::new(stem)
        .with_extension(ExportFormat::ALL[0].extension())
        .display()
        .to_string()
}

impl Exporting {
    /// The file being written, while it is.
    pub fn to(&self) -> Option<&PathBuf> {
        self.to.as_ref()
    }

    /// Start writing `model` to `out`, with `knockouts` drawn on a diagram; refused while
    /// another export runs.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        model: std::sync::Arc<Model>,
        out: &Path,
        knockouts: Vec<Event>,
    ) -> Result<(), String> {
        if let Some(busy) = &self.to {
            return Err(format!(
                "still exporting {}: try again when it is done",
                busy.display()
            ));
        }
        let out = out.to_owned();
        self.job.clear();
        self.to = Some(out.clone());
        self.job.request(out.clone(), ctx, move |_| {
            Some(write_export(&model, &out, &knockouts))
        });
        Ok(())
    }

    /// A finished export, once: the files written, or why not.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Result<Vec<PathBuf>, String>> {
        self.job.poll(ctx);
        let out = self.to.clone()?;
        let finished = if self.job.failed.is_some() {
            Some(Err("the export stopped unexpectedly".to_owned()))
        } else {
            self.job.get(&out).map(|done| done.value.clone())
        }?;
        self.job.clear();
        self.to = None;
        Some(finished)
    }
}

/// Write `model` to `out` with `knockouts` (what-if events) drawn as a knockout, if any.
fn write_export(model: &Model, out: &Path, knockouts: &[Event]) -> Result<Vec<PathBuf>, String> {
    let knockout = if knockouts.is_empty() {
        None
    } else {
        let outcome = analysis::whatif(model, knockouts).map_err(|e| e.to_string())?;
        Some(Knockout {
            scenario: "what-if".to_owned(),
            outcome,
        })
    };
    let options = ExportOptions {
        knockout,
        ..ExportOptions::default()
    };
    export::write_file(model, out, &options).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_follow_the_model_file() {
        assert_eq!(export_file_name("shop.spof.ron"), "shop.svg");
        assert_eq!(export_file_name("/m/tree.ron"), "/m/tree.svg");
    }
}
