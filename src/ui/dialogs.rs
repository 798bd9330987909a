//! The modal dialogs: unsaved changes, a file changed on disk, errors, recovery, import
//! questions, the in-app path field, shortcuts and about; and what waits behind them. The
//! buttons answer with a choice the app carries out; none changes the document directly.

use std::path::{Path, PathBuf};

use egui::Button;

use super::accept::{AcceptForm, accept_dialog_ui};
use super::action::Action;
use super::autosave::recover_dialog_ui;
use super::command::Command;
use super::files::{PickerKind, SAMPLES};
use super::look::red_text;
use super::state::State;
use crate::edit::recovery::{FileStamp, RecoveryCopy};
use crate::io::import::{ImportFormat, Imported};
use crate::model::{Accepted, LoadError, Model};

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
    /// Accept a risk: a reason and an optional last day.
    AcceptRisk(AcceptForm),
    Shortcuts,
    About,
}

/// What a dialog's button asked for, carried out by the app once the dialogs are drawn.
pub enum Choice {
    /// Unsaved changes: save them, then go on.
    Save(Pending),
    /// Unsaved changes: drop them and go on.
    Discard(Pending),
    /// Changed on disk: write over it.
    Overwrite(PathBuf),
    /// Changed on disk: save somewhere else.
    SaveAs,
    /// Changed on disk: do not save after all.
    CancelSave,
    RestoreCopy,
    DiscardCopy,
    /// A YAML file read as the format the user named.
    ImportAs {
        path: PathBuf,
        text: String,
        format: ImportFormat,
    },
    /// Accept a risk (or change its acceptance) as one undo step.
    Accept(Accepted),
}

/// A dialog after this frame.
#[must_use]
pub enum Answer {
    Open,
    Closed,
    Chose(Choice),
}

impl Answer {
    fn open_if(keep: bool) -> Self {
        if keep { Self::Open } else { Self::Closed }
    }
}

/// Draw `dialog`, reading `state` and the recovery copy `offered`; the path field pushes
/// its action to `actions`, the other buttons answer with a [`Choice`].
pub fn dialog_ui(
    ctx: &egui::Context,
    dialog: &mut Dialog,
    state: &State,
    offered: Option<&RecoveryCopy>,
    actions: &mut Vec<Action>,
) -> Answer {
    match dialog {
        Dialog::Unsaved(next) => unsaved_dialog_ui(ctx, state, next),
        Dialog::LoadError(error) => Answer::open_if(load_error_dialog_ui(ctx, error)),
        Dialog::Failed { title, message } => Answer::open_if(failed_dialog_ui(ctx, title, message)),
        Dialog::ChangedOnDisk(path) => changed_on_disk_dialog_ui(ctx, path),
        Dialog::Recover => match offered.map(|copy| recover_dialog_ui(ctx, copy)) {
            None => Answer::Closed,
            Some(None) => Answer::Open,
            Some(Some(true)) => Answer::Chose(Choice::RestoreCopy),
            Some(Some(false)) => Answer::Chose(Choice::DiscardCopy),
        },
        Dialog::ImportFormat { path, text } => import_format_dialog_ui(ctx, path, text),
        Dialog::ImportNotes { file, notes } => {
            Answer::open_if(import_notes_dialog_ui(ctx, file, notes))
        }
        Dialog::Path { kind, text } => {
            Answer::open_if(path_dialog_ui(ctx, state, *kind, text, actions))
        }
        Dialog::AcceptRisk(form) => match accept_dialog_ui(ctx, form) {
            (_, Some(accepted)) => Answer::Chose(Choice::Accept(accepted)),
            (keep, None) => Answer::open_if(keep),
        },
        Dialog::Shortcuts => Answer::open_if(shortcuts_dialog_ui(ctx)),
        Dialog::About => Answer::open_if(about_dialog_ui(ctx)),
    }
}

fn unsaved_dialog_ui(ctx: &egui::Context, state: &State, next: &Pending) -> Answer {
    let mut answer = Answer::Open;
    let modal = egui::Modal::new(egui::Id::new("unsaved_dialog")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading("Unsaved changes");
        ui.label(format!(
            "{} has changes that are not saved. Save them before you {}?",
            state.document_label(),
            next.describe()
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                answer = Answer::Chose(Choice::Save(next.clone()));
            }
            if ui.button("Discard changes").clicked() {
                answer = Answer::Chose(Choice::Discard(next.clone()));
            }
            if ui.button("Cancel").clicked() {
                answer = Answer::Closed;
            }
        });
    });
    match answer {
        Answer::Open if modal.should_close() => Answer::Closed,
        answer => answer,
    }
}

fn changed_on_disk_dialog_ui(ctx: &egui::Context, path: &Path) -> Answer {
    let mut answer = Answer::Open;
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
                answer = Answer::Chose(Choice::Overwrite(path.to_owned()));
            }
            if ui.button(Command::SaveAs.label()).clicked() {
                answer = Answer::Chose(Choice::SaveAs);
            }
            if ui.button("Cancel").clicked() {
                answer = Answer::Chose(Choice::CancelSave);
            }
        });
    });
    if modal.should_close() {
        answer = Answer::Chose(Choice::CancelSave);
    }
    answer
}

fn path_dialog_ui(
    ctx: &egui::Context,
    state: &State,
    kind: PickerKind,
    text: &mut String,
    actions: &mut Vec<Action>,
) -> bool {
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
        if kind == PickerKind::Open && !state.settings.recent.is_empty() {
            ui.add_space(4.0);
            ui.weak("Recent:");
            for path in &state.settings.recent {
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
                let path = PathBuf::from(text.trim());
                actions.push(kind.action(path));
                keep = false;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
    });
    keep && !modal.should_close()
}

/// A YAML file that names neither compose nor Kubernetes keys: the user says which.
fn import_format_dialog_ui(ctx: &egui::Context, path: &Path, text: &str) -> Answer {
    let mut answer = Answer::Open;
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
                ("Backstage", ImportFormat::Backstage),
            ] {
                if ui.button(label).clicked() {
                    answer = Answer::Chose(Choice::ImportAs {
                        path: path.to_owned(),
                        text: text.to_owned(),
                        format,
                    });
                }
            }
            if ui.button("Cancel").clicked() {
                answer = Answer::Closed;
            }
        });
    });
    match answer {
        Answer::Open if modal.should_close() => Answer::Closed,
        answer => answer,
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
        ui.colored_label(red_text(ui.visuals()), &error.message);
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
        ui.colored_label(red_text(ui.visuals()), message);
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
