//! File ▸ Import and File ▸ Export: models in from other formats, and out to them. Parsing
//! and writing formats is `io`'s job; this only picks, asks and reports.

use std::path::{Path, PathBuf};

use super::app::{Dialog, Pending, SpofApp};
use crate::edit::Document;
use crate::io::{self, ImportFormat, Imported, UnknownFormat};
use crate::model::{self, LoadError, Model};

/// One export format: what the menu and the save dialog call it, its file extension, and
/// how a model becomes the file's bytes.
pub struct Exporter {
    pub label: &'static str,
    pub extension: &'static str,
    pub write: fn(&Model) -> Result<Vec<u8>, String>,
}

/// Every export format, in the save dialog's order; the first is the default. Adding a
/// format is one line.
pub const EXPORTERS: [Exporter; 1] = [Exporter {
    label: "Open-PSA MEF fault tree (.xml)",
    extension: "xml",
    write: mef,
}];

fn mef(model: &Model) -> Result<Vec<u8>, String> {
    io::mef::export(model)
        .map(String::into_bytes)
        .map_err(|e| e.to_string())
}

/// The exporter for the extension of `path`, whatever its case.
fn exporter_for(path: &Path) -> Option<&'static Exporter> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    EXPORTERS.iter().find(|e| e.extension == extension)
}

/// `shop.spof.ron` → `shop.xml` (the default export format's extension).
pub fn export_file_name(model_file: &str) -> String {
    let stem = model_file.strip_suffix(".spof.ron").unwrap_or(model_file);
    Path::new(stem)
        .with_extension(EXPORTERS[0].extension)
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
        match io::guess_import_format(&path, &text) {
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
        match io::import(format, text, &path.display().to_string()) {
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
            format!("Imported {file}: {n} component{}", super::app::plural(n)),
            false,
        );
        if !notes.is_empty() {
            self.dialog = Some(Dialog::ImportNotes { file, notes });
        }
    }

    /// Write the model in the format `path`'s extension names, atomically.
    pub(super) fn export_to(&mut self, path: &Path) {
        let written = match exporter_for(path) {
            Some(exporter) => (exporter.write)(self.doc.model())
                .and_then(|bytes| model::write_atomically(path, &bytes).map_err(|e| e.to_string())),
            None => {
                let known: Vec<String> = EXPORTERS
                    .iter()
                    .map(|e| format!(".{} ({})", e.extension, e.label))
                    .collect();
                Err(format!(
                    "{}: choose a file name ending in {}",
                    path.display(),
                    known.join(" or ")
                ))
            }
        };
        match written {
            Ok(()) => self.say(format!("Exported {}", path.display()), false),
            Err(message) => {
                self.say(format!("Cannot export: {message}"), true);
                self.dialog = Some(Dialog::Failed {
                    title: "Cannot export the model".to_owned(),
                    message,
                });
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_follow_the_model_file() {
        assert_eq!(export_file_name("shop.spof.ron"), "shop.xml");
        assert_eq!(export_file_name("/m/tree.ron"), "/m/tree.xml");
        assert_eq!(
            exporter_for(Path::new("a/T.XML")).map(|e| e.extension),
            Some("xml")
        );
        assert!(exporter_for(Path::new("a/t.svg")).is_none());
    }

    #[test]
    fn every_exporter_has_its_own_extension() {
        for (i, a) in EXPORTERS.iter().enumerate() {
            assert!(
                EXPORTERS[i + 1..]
                    .iter()
                    .all(|b| b.extension != a.extension)
            );
        }
    }
}
