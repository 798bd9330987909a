//! The modal dialogs: unsaved changes, a file changed on disk, errors, recovery, import
//! questions, the in-app path field, shortcuts and about; and what waits behind them. The
//! buttons go on with the file flows; none changes the document directly.

use std::path::{Path, PathBuf};

use egui::Button;

use super::app::SpofApp;
use super::autosave::recover_dialog_ui;
use super::command::Command;
use super::files::{PickerKind, SAMPLES};
use super::look::RED;
use crate::edit::recovery::FileStamp;
use crate::io::import::{ImportFormat, Imported};
use crate::model::{LoadError, Model};

/// Something that replaces the document: asked for only after unsaved changes are settled.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    New,
    /// A model already loaded (a file that fails to load never gets as far as the prompt),
    /// with its file as it was read.
    Open(Box<Model>, PathBuf, Option<FileStamp>),
    OpenSample(usize),
    /// A model read from another format: a new, unsaved document.
    Import(Box<Imported>, PathBuf),
    Quit,
}

pub enum Dialog {
    Unsaved(Pending),
    LoadError(LoadError),
    /// Something failed that the user must hear about (a save, an export).
    Failed {
        title: String,
        message: String,
    },
    /// Save would overwrite a file someone else changed since it was opened or saved.
    ChangedOnDisk(PathBuf),
    /// Copies of unsaved work left by an editor that did not close cleanly.
    Recover,
    /// A YAML file that could be compose or Kubernetes: the user says which.
    ImportFormat {
        path: PathBuf,
        text: String,
    },
    /// What an importer could not map.
    ImportNotes {
        file: String,
        notes: Vec<String>,
    },
    /// The in-app path field: where no native dialog answers, or asked for directly.
    Path {
        kind: PickerKind,
        text: String,
    },
    Shortcuts,
    About,
}

impl SpofApp {
    pub(super) fn dialogs_ui(&mut self, ctx: &egui::Context) {
        let Some(mut dialog) = self.dialog.take() else {
            return;
        };
        let keep = match &mut dialog {
            Dialog::Unsaved(next) => {
                let next = next.clone();
                self.unsaved_dialog_ui(ctx, next)
            }
            Dialog::LoadError(error) => load_error_dialog_ui(ctx, error),
            Dialog::Failed { title, message } => failed_dialog_ui(ctx, title, message),
            Dialog::ChangedOnDisk(path) => {
                let path = path.clone();
                self.changed_on_disk_dialog_ui(ctx, &path)
            }
            Dialog::Recover => self.recover_dialog_ui(ctx),
            Dialog::ImportFormat { path, text } => self.import_format_dialog_ui(ctx, path, text),
            Dialog::ImportNotes { file, notes } => import_notes_dialog_ui(ctx, file, notes),
            Dialog::Path { kind, text } => self.path_dialog_ui(ctx, *kind, text),
            Dialog::Shortcuts => shortcuts_dialog_ui(ctx),
            Dialog::About => about_dialog_ui(ctx),
        };
        // A button inside may have opened another dialog (Save → Save as): that one wins.
        if keep && self.dialog.is_none() {
            self.dialog = Some(dialog);
        }
    }

    fn unsaved_dialog_ui(&mut self, ctx: &egui::Context, next: Pending) -> bool {
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::new("unsaved_dialog")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Unsaved changes");
            ui.label(format!(
                "{} has changes that are not saved. Save them before you {}?",
                self.state.document_label(),
                next.describe()
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    keep = false;
                    self.save_then(next.clone(), ctx);
                }
                if ui.button("Discard changes").clicked() {
                    keep = false;
                    self.proceed(next.clone(), ctx);
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
        keep && !modal.should_close()
    }

    fn changed_on_disk_dialog_ui(&mut self, ctx: &egui::Context, path: &Path) -> bool {
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::new("changed_on_disk_dialog")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Changed on disk");
            let file = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            ui.label(format!("{file} was changed on disk since you opened it"));
            ui.weak("Overwrite replaces those changes with this model.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Overwrite").clicked() {
                    keep = false;
                    self.save_now(path, ctx);
                }
                if ui.button(Command::SaveAs.label()).clicked() {
                    keep = false;
                    self.start_picker(PickerKind::SaveAs, ctx);
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                    self.cancel_after_save();
                }
            });
        });
        if modal.should_close() {
            keep = false;
            self.cancel_after_save();
        }
        keep
    }

    fn path_dialog_ui(&mut self, ctx: &egui::Context, kind: PickerKind, text: &mut String) -> bool {
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::new("path_dialog")).show(ctx, |ui| {
            ui.set_min_width(480.0);
            let (title, verb) = kind.title_and_verb();
            ui.heading(title);
            ui.label(kind.prompt());
            let field = ui.add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY));
            if !field.has_focus() && !field.lost_focus() {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if kind == PickerKind::Open && !self.state.settings.recent.is_empty() {
                ui.add_space(4.0);
                ui.weak("Recent:");
                for path in &self.state.settings.recent {
                    if ui.link(path.display().to_string()).clicked() {
                        *text = path.display().to_string();
                    }
                }
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let go = ui
                    .add_enabled(!text.trim().is_empty(), Button::new(verb))
                    .clicked();
                if (go || entered) && !text.trim().is_empty() {
                    let path = std::path::PathBuf::from(text.trim());
                    self.actions.push(kind.action(path));
                    keep = false;
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
        keep && !modal.should_close()
    }

    /// Restore or discard the newest copy left behind; the dialog stays while more are offered.
    fn recover_dialog_ui(&mut self, ctx: &egui::Context) -> bool {
        let Some(copy) = self.autosave.offered() else {
            return false;
        };
        match recover_dialog_ui(ctx, copy) {
            Some(true) => {
                self.restore_offered(ctx);
                false
            }
            Some(false) => match self.autosave.discard_offered() {
                Ok(more) => more,
                Err(e) => {
                    self.state.say(e, true);
                    self.autosave.offered().is_some()
                }
            },
            None => true,
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
fn import_notes_dialog_ui(ctx: &egui::Context, file: &str, notes: &[String]) -> bool {
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

fn load_error_dialog_ui(ctx: &egui::Context, error: &crate::model::LoadError) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("load_error_dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Cannot open the model");
        ui.label(&error.file);
        if let Some((line, column)) = error.location {
            ui.strong(format!("Line {line}, column {column}"));
        }
        ui.colored_label(RED, &error.message);
        ui.add_space(4.0);
        ui.label("The model you had open is unchanged.");
        if ui.button("OK").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

fn failed_dialog_ui(ctx: &egui::Context, title: &str, message: &str) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("failed_dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading(title);
        ui.colored_label(RED, message);
        if ui.button("OK").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

fn about_dialog_ui(ctx: &egui::Context) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("about_dialog")).show(ctx, |ui| {
        ui.heading("spofscope");
        ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
        ui.label("Find single points of failure in software architectures.");
        ui.weak("MIT licence");
        if ui.button("Close").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

fn shortcuts_dialog_ui(ctx: &egui::Context) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("shortcuts_dialog")).show(ctx, |ui| {
        ui.heading("Keyboard shortcuts");
        egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
            for c in Command::all() {
                if c.shortcuts().is_empty() {
                    continue;
                }
                ui.label(c.label());
                let keys: Vec<String> = c
                    .shortcuts()
                    .iter()
                    .map(|s| ctx.format_shortcut(s))
                    .collect();
                ui.monospace(keys.join("  or  "));
                ui.end_row();
            }
            for (gesture, what) in [
                ("Scroll", "zoom at the pointer"),
                ("Drag empty space / middle button", "pan"),
                ("Shift-drag empty space", "rubber-band select"),
                ("Shift-click", "add to the selection"),
                ("Ctrl-drag card to card", "connect"),
                ("Double-click empty space", "add a service"),
                ("Double-click a card", "rename"),
                ("Right-click", "context menu"),
                ("➡  or  Page Down  or  Space", "presentation: next slide"),
                ("⬅  or  Page Up", "presentation: slide before"),
                ("Esc", "presentation: leave"),
            ] {
                ui.label(what);
                ui.monospace(gesture);
                ui.end_row();
            }
        });
        ui.add_space(6.0);
        if ui.button("Close").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

impl Pending {
    pub fn describe(&self) -> String {
        match self {
            Pending::New => "start a new model".to_owned(),
            Pending::Open(_, p, _) => format!("open {}", p.display()),
            Pending::Import(_, p) => format!("import {}", p.display()),
            Pending::OpenSample(i) => {
                format!("open {}", SAMPLES.get(*i).map_or("a sample", |s| s.file))
            }
            Pending::Quit => "quit".to_owned(),
        }
    }
}
