//! File ▸ Import and File ▸ Export: models in from other formats, and out to them. Parsing
//! and writing formats is `io`'s job; this only picks, asks and reports.

use std::path::{Path, PathBuf};

use super::app::{Dialog, Pending, SpofApp};
use super::worker::Job;
use crate::analysis;
use crate::analysis::scenario::Knockout;
use crate::edit::Document;
use crate::format::plural;
use crate::io::export::{self, ExportError, ExportFormat, ExportOptions};
use crate::io::import::{self, ImportFormat, Imported, UnknownFormat};
use crate::model::{self, Event, LoadError, Model};

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

impl SpofApp {
    /// Read `path` and import it as a new unsaved document (after the unsaved-changes
    /// prompt); asks compose or Kubernetes when a YAML file does not say.
    pub(super) fn import_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        let text = match model::read_text(&path) {
            Ok(text) => text,
            Err(error) => {
                self.dialog = Some(Dialog::LoadError(error));
                return;
            }
        };
        match import::guess_import_format(&path, &text) {
            Ok(format) => self.import_text(&path, &text, format, ctx),
            Err(UnknownFormat::Yaml) => self.dialog = Some(Dialog::ImportFormat { path, text }),
            Err(UnknownFormat::Extension) => {
                self.dialog = Some(Dialog::LoadError(LoadError {
                    file: path.display().to_string(),
                    location: None,
                    message: "cannot tell the format from the file name: import a Docker Compose or Kubernetes .yml / .yaml, a Graphviz .dot / .gv or an Open-PSA MEF .xml file".to_owned(),
                }));
            }
        }
    }

    /// Import `text` as `format`; errors go to the error dialog and leave the model alone.
    fn import_text(&mut self, path: &Path, text: &str, format: ImportFormat, ctx: &egui::Context) {
        match import::import(format, text, &path.display().to_string()) {
            Ok(imported) => self.guard(Pending::Import(Box::new(imported), path.to_owned()), ctx),
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }

    /// The imported model as a new, unsaved, untitled document; its notes in a dialog.
    pub(super) fn open_imported(&mut self, imported: Imported, path: &Path) {
        let Imported { model, notes } = imported;
        let n = model.components.len();
        self.replace_document(Document::unsaved(model, None), None);
        let file = path.display().to_string();
        self.say(
            format!("Imported {file}: {n} component{}", plural(n)),
            false,
        );
        if !notes.is_empty() {
            self.dialog = Some(Dialog::ImportNotes { file, notes });
        }
    }

    /// Whether File ▸ Export is writing a file.
    pub fn is_exporting(&self) -> bool {
        self.exporting.to.is_some()
    }

    /// Start writing the model in the format `path`'s extension names, atomically, with the
    /// what-if knockout drawn on a diagram; [`Self::poll_export`] reports how it went.
    pub(super) fn export_to(&mut self, path: &Path, ctx: &egui::Context) {
        let Some(format) = ExportFormat::from_path(path) else {
            let error = ExportError::UnknownExtension(path.display().to_string());
            self.export_failed(error.to_string());
            return;
        };
        if let Some(busy) = &self.exporting.to {
            let message = format!(
                "still exporting {}: try again when it is done",
                busy.display()
            );
            self.say(message, true);
            return;
        }
        let knockouts = if self.whatif_mode && format.shows_scenario() {
            self.live_knockouts()
        } else {
            Vec::new()
        };
        let model = self.doc.snapshot();
        let out = path.to_owned();
        self.exporting.job.clear();
        self.exporting.to = Some(out.clone());
        self.exporting.job.request(out.clone(), ctx, move |_| {
            Some(write_export(&model, &out, &knockouts))
        });
    }

    /// Report a finished export: the files written in the status bar, an error in the dialog.
    pub(super) fn poll_export(&mut self, ctx: &egui::Context) {
        self.exporting.job.poll(ctx);
        let Some(out) = self.exporting.to.clone() else {
            return;
        };
        let finished = if self.exporting.job.failed.is_some() {
            Some(Err("the export stopped unexpectedly".to_owned()))
        } else {
            self.exporting.job.get(&out).map(|done| done.value.clone())
        };
        match finished {
            None => {}
            Some(Ok(files)) => {
                self.finish_export();
                let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
                self.say(format!("Exported to {}", names.join(" and ")), false);
            }
            Some(Err(message)) => {
                self.finish_export();
                self.export_failed(message);
            }
        }
    }

    /// The status bar's progress while exporting.
    pub(super) fn export_progress_ui(&self, ui: &mut egui::Ui) {
        if let Some(out) = &self.exporting.to {
            ui.separator();
            ui.spinner();
            ui.label(format!("exporting {}…", out.display()));
        }
    }

    fn finish_export(&mut self) {
        self.exporting.job.clear();
        self.exporting.to = None;
    }

    fn export_failed(&mut self, message: String) {
        self.say(format!("Cannot export: {message}"), true);
        self.dialog = Some(Dialog::Failed {
            title: "Cannot export the model".to_owned(),
            message,
        });
    }

    /// A YAML file that names neither compose nor Kubernetes keys: the user says which.
    pub(super) fn import_format_dialog_ui(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
        text: &str,
    ) -> bool {
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::new("import_format_dialog")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Which kind of YAML?");
            ui.label(format!(
                "{} has neither `services:` nor `apiVersion:` or `kind:` at the top level.",
                path.display()
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                for (label, format) in [
                    ("Docker Compose", ImportFormat::Compose),
                    ("Kubernetes", ImportFormat::K8s),
                ] {
                    if ui.button(label).clicked() {
                        keep = false;
                        self.import_text(path, text, format, ctx);
                    }
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
        keep && !modal.should_close()
    }
}

/// What the importer could not map, one line each.
pub(super) fn import_notes_dialog_ui(ctx: &egui::Context, file: &str, notes: &[String]) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("import_notes_dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Imported with notes");
        ui.label(format!("{file}: not everything could be mapped."));
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                for note in notes {
                    ui.label(format!("• {note}"));
                }
            });
        ui.add_space(4.0);
        ui.weak("The model is new and unsaved: check it, then Save as.");
        if ui.button("OK").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
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
