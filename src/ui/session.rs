//! Documents in and out: new, open, save, import, export and recovery, each asking first
//! about unsaved changes or a file changed on disk. Reading and writing formats is
//! `model`'s and `io`'s job; this only picks, asks and reports.

use std::path::{Path, PathBuf};

use egui::ViewportCommand;

use super::accept::accept_action;
use super::action::Action;
use super::app::SpofApp;
use super::command::Command;
use super::dialogs::{Answer, Choice, Dialog, Pending, dialog_ui};
use super::files::{Picked, Picker, PickerKind, SAMPLES};
use super::state::Selection;
use super::transfer::{experiment_file_name, export_file_name};
use crate::edit::Document;
use crate::edit::recovery::FileStamp;
use crate::format::plural;
use crate::io::export::{ExportError, ExportFormat};
use crate::io::import::{self, ImportFormat, Imported, UnknownFormat, traces};
use crate::model::{self, LoadError, Model};

impl SpofApp {
    /// Go on with `next` now, or first ask what to do with unsaved changes.
    pub(super) fn guard(&mut self, next: Pending, ctx: &egui::Context) {
        if self.state.has_unsaved_changes() {
            self.dialog = Some(Dialog::Unsaved(next));
        } else {
            self.proceed(next, ctx);
        }
    }

    fn proceed(&mut self, next: Pending, ctx: &egui::Context) {
        match next {
            Pending::New => self.replace_document(Document::new(Model::default(), None), None),
            Pending::Open(model, path, disk) => {
                self.state.settings.remember(&path);
                self.replace_document(Document::new(*model, Some(path.clone())), None);
                self.state.disk = disk;
                self.state.say(format!("Opened {}", path.display()), false);
            }
            Pending::OpenSample(i) => self.open_sample(i),
            Pending::Import(imported, path) => self.open_imported(*imported, &path),
            Pending::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
        }
    }

    /// From the unsaved-changes prompt: save, then go on with `next`.
    fn save_then(&mut self, next: Pending, ctx: &egui::Context) {
        self.after_save = Some(next);
        self.run(Command::Save, ctx);
    }

    /// Open the model at `path`, after the unsaved-changes prompt; a file that does not
    /// load is reported and leaves the document alone.
    pub(super) fn open_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        match model::load(&path) {
            Ok(model) => {
                let disk = FileStamp::read(&path).ok();
                self.guard(Pending::Open(Box::new(model), path, disk), ctx);
            }
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }

    /// Compare the model with the file at `path` (the old side); a file that does not load
    /// says where it is wrong.
    pub(super) fn compare_with(&mut self, path: PathBuf) {
        match model::load(&path) {
            Ok(model) => {
                self.state.compare.start(path, model);
                self.state.status = None;
            }
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }

    pub(super) fn open_sample(&mut self, index: usize) {
        let Some(sample) = SAMPLES.get(index) else {
            return;
        };
        match model::from_str(sample.text, sample.file) {
            Ok(model) => self.replace_document(Document::new(model, None), Some(sample.file)),
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }

    /// Put `doc` in place of the document; its recovery copy goes (the old work was saved
    /// or deliberately dropped), and so does everything known about the old one.
    fn replace_document(&mut self, doc: Document, sample: Option<&'static str>) {
        let s = &mut self.state;
        s.doc = doc;
        s.disk = None;
        s.generation += 1;
        s.sample = sample;
        s.selection = Selection::default();
        s.whatif.clear();
        s.analysis.clear();
        s.compare.close();
        s.recommendations.forget();
        s.comparison.forget();
        self.autosave.clear();
        self.analysis_panel.forget();
        self.chaos.forget();
        self.canvas.fit();
    }

    // ----- saving -----

    /// Save to `path`, first asking if someone else changed the document's own file since
    /// it was opened or saved; then go on with what waited for the save.
    pub(super) fn save_checked(&mut self, path: PathBuf, ctx: &egui::Context) {
        let own_file = self.state.doc.path.as_deref() == Some(path.as_path());
        let changed = self
            .state
            .disk
            .is_some_and(|stamp| stamp.changed(&path).unwrap_or(true));
        if own_file && changed {
            self.dialog = Some(Dialog::ChangedOnDisk(path));
        } else {
            self.save_now(&path, ctx);
        }
    }

    /// Save to `path` whatever is there; what waited for the save goes on only if it worked.
    fn save_now(&mut self, path: &Path, ctx: &egui::Context) {
        if self.save_to(path) {
            if let Some(next) = self.after_save.take() {
                self.proceed(next, ctx);
            }
        } else {
            self.after_save = None;
        }
    }

    /// The file is written atomically: on failure the old file and the document stay as they were.
    fn save_to(&mut self, path: &Path) -> bool {
        match model::save(self.state.model(), path) {
            Ok(()) => {
                let s = &mut self.state;
                s.doc.mark_saved(path.to_owned());
                s.disk = FileStamp::read(path).ok();
                s.sample = None;
                s.settings.remember(path);
                self.autosave.clear();
                self.state.say(format!("Saved {}", path.display()), false);
                true
            }
            Err(e) => {
                self.state.say(format!("Cannot save: {e}"), true);
                self.dialog = Some(Dialog::Failed {
                    title: "Cannot save the model".to_owned(),
                    message: format!(
                        "{e}\n\nThe document is still open and unsaved; the file on disk is unchanged."
                    ),
                });
                false
            }
        }
    }

    /// Drop what waited for a save: the save was cancelled.
    fn cancel_after_save(&mut self) {
        self.after_save = None;
    }

    // ----- file dialogs -----

    pub(super) fn start_picker(&mut self, kind: PickerKind, ctx: &egui::Context) {
        if self.picker.is_some() {
            return;
        }
        let name = self.default_path_text(kind);
        let file_name = Path::new(&name)
            .file_name()
            .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
        self.picker = Some(Picker::spawn(
            kind,
            self.state.doc.path.as_deref(),
            &file_name,
            ctx,
        ));
    }

    /// A native dialog that ended: its path becomes an action; where none answered, the
    /// in-app path field opens instead.
    pub(super) fn poll_picker(&mut self) {
        let Some(picker) = &self.picker else {
            return;
        };
        let Some(picked) = picker.poll() else {
            return;
        };
        let kind = picker.kind;
        self.picker = None;
        match picked {
            Picked::Path(path) => self.actions.push(kind.action(path)),
            Picked::Cancelled => self.after_save = None,
            Picked::Unavailable => {
                self.dialog = Some(Dialog::Path {
                    kind,
                    text: self.default_path_text(kind),
                });
            }
        }
    }

    pub(super) fn default_path_text(&self, kind: PickerKind) -> String {
        match (&self.state.doc.path, kind) {
            (
                _,
                PickerKind::Import | PickerKind::Traces | PickerKind::Journal | PickerKind::Compare,
            ) => String::new(),
            (_, PickerKind::Experiment) => experiment_file_name(
                &self.default_path_text(PickerKind::SaveAs),
                self.state.experiment_scenario().unwrap_or_default(),
            ),
            (_, PickerKind::Export) => {
                export_file_name(&self.default_path_text(PickerKind::SaveAs))
            }
            (Some(p), _) => p.display().to_string(),
            (None, PickerKind::SaveAs) => self
                .state
                .sample
                .map_or_else(|| "model.spof.ron".to_owned(), ToOwned::to_owned),
            (None, PickerKind::Open) => String::new(),
        }
    }

    // ----- import and export -----

    /// Read `path` and import it as a new unsaved document (after the unsaved-changes
    /// prompt); asks compose or Kubernetes when a YAML file does not say.
    pub(super) fn import_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        if let Some(text) = self.read_or_show(&path) {
            let guess = import::guess_import_format(&path, &text);
            self.import_guessed(path, text, guess, ctx);
        }
    }

    /// A dropped file that is no model: a traces file over a model of the user's own is
    /// added to it (one undo step, as File ▸ Add traces…); over a built-in sample or an
    /// empty model, where no name could match, it is imported as a new model like any file.
    pub(super) fn import_dropped(&mut self, path: PathBuf, ctx: &egui::Context) {
        let Some(text) = self.read_or_show(&path) else {
            return;
        };
        let own_model = self.state.sample.is_none() && !self.state.model().components.is_empty();
        let guess = import::guess_import_format(&path, &text);
        if own_model && guess == Ok(ImportFormat::Traces) {
            self.add_traces_text(&path, &text);
        } else {
            self.import_guessed(path, text, guess, ctx);
        }
    }

    /// The text of `path`, or `None` with the error shown.
    fn read_or_show(&mut self, path: &Path) -> Option<String> {
        match model::read_text(path) {
            Ok(text) => Some(text),
            Err(error) => {
                self.dialog = Some(Dialog::LoadError(error));
                None
            }
        }
    }

    /// Import `text` in the format guessed from `path` and the text, asking which YAML
    /// when the guess cannot tell.
    fn import_guessed(
        &mut self,
        path: PathBuf,
        text: String,
        guess: Result<ImportFormat, UnknownFormat>,
        ctx: &egui::Context,
    ) {
        match guess {
            Ok(format) => self.import_text(&path, &text, format, ctx),
            Err(UnknownFormat::Yaml) => self.dialog = Some(Dialog::ImportFormat { path, text }),
            Err(UnknownFormat::Extension) => {
                self.dialog = Some(Dialog::LoadError(LoadError {
                    file: path.display().to_string(),
                    location: None,
                    message: "cannot tell the format from the file name or content: import a Docker Compose, Kubernetes or Backstage .yml / .yaml, a Graphviz .dot / .gv, an Open-PSA MEF .xml, a terraform show -json or a traces file".to_owned(),
                }));
            }
        }
    }

    /// Lay the traces in `path` over the open model as one undo step, and list what they
    /// did not account for (names that match no component, edges no trace saw).
    pub(super) fn add_traces(&mut self, path: &Path) {
        if let Some(text) = self.read_or_show(path) {
            self.add_traces_text(path, &text);
        }
    }

    fn add_traces_text(&mut self, path: &Path, text: &str) {
        let file = path.display().to_string();
        let traces = match traces::read(text, &file) {
            Ok(traces) => traces,
            Err(error) => {
                self.dialog = Some(Dialog::LoadError(error));
                return;
            }
        };
        let overlay = traces::overlay(self.state.doc.model(), &traces);
        let edits = overlay.edits(self.state.doc.model());
        if !edits.is_empty() && !self.state.edit("Add traces", &edits) {
            return;
        }
        let n = overlay.dependencies.len();
        self.state.say(
            format!(
                "Added traces from {file}: {n} new dependenc{}",
                if n == 1 { "y" } else { "ies" }
            ),
            false,
        );
        self.dialog = Some(Dialog::ImportNotes {
            file,
            notes: overlay.notes,
        });
    }

    /// Import `text` as `format`; errors go to the error dialog and leave the model alone.
    fn import_text(&mut self, path: &Path, text: &str, format: ImportFormat, ctx: &egui::Context) {
        match import::import(format, text, &path.display().to_string()) {
            Ok(imported) => self.guard(Pending::Import(Box::new(imported), path.to_owned()), ctx),
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }

    /// The imported model as a new, unsaved, untitled document; its notes in a dialog.
    fn open_imported(&mut self, imported: Imported, path: &Path) {
        let Imported { model, notes } = imported;
        let n = model.components.len();
        self.replace_document(Document::unsaved(model, None), None);
        let file = path.display().to_string();
        self.state.say(
            format!("Imported {file}: {n} component{}", plural(n)),
            false,
        );
        if !notes.is_empty() {
            self.dialog = Some(Dialog::ImportNotes { file, notes });
        }
    }

    /// Start writing the model in the format `path`'s extension names, atomically, with the
    /// what-if knockout drawn on a diagram; [`Self::poll_export`] reports how it went.
    pub(super) fn export_to(&mut self, path: &Path, ctx: &egui::Context) {
        let Some(format) = ExportFormat::from_path(path) else {
            let error = ExportError::UnknownExtension(path.display().to_string());
            self.export_failed(error.to_string());
            return;
        };
        let knockouts = if self.state.whatif.is_on() && format.shows_scenario() {
            self.state.live_knockouts()
        } else {
            Vec::new()
        };
        let model = self.state.doc.snapshot();
        if let Err(busy) = self.state.exporting.start(ctx, model, path, knockouts) {
            self.state.say(busy, true);
        }
    }

    /// Report a finished export: the files written in the status bar, an error in the dialog.
    pub(super) fn poll_export(&mut self, ctx: &egui::Context) {
        match self.state.exporting.poll(ctx) {
            None => {}
            Some(Ok(files)) => {
                let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
                self.state
                    .say(format!("Exported to {}", names.join(" and ")), false);
            }
            Some(Err(message)) => self.export_failed(message),
        }
        match self.state.reading.poll(ctx) {
            None => {}
            Some(Ok(result)) => {
                let n = result.findings.len();
                let verdict = if n == 0 {
                    "agrees with the model".to_owned()
                } else {
                    format!(
                        "{n} mismatch{} with the model",
                        if n == 1 { "" } else { "es" }
                    )
                };
                self.state.say(
                    format!("Experiment \"{}\": {verdict}", result.scenario),
                    n > 0,
                );
                self.state.panels.analysis = true;
                self.state.chaos_result = Some(result);
            }
            Some(Err(message)) => {
                self.state.say(
                    format!("Cannot read the experiment result: {message}"),
                    true,
                );
                self.dialog = Some(Dialog::Failed {
                    title: "Cannot read the experiment result".to_owned(),
                    message,
                });
            }
        }
    }

    /// Start writing the experiment scenario (the what-if's, else the first) as a chaos
    /// experiment to `path`; [`Self::poll_export`] reports how it went.
    pub(super) fn export_experiment_to(&mut self, path: &Path, ctx: &egui::Context) {
        let Some(scenario) = self.state.experiment_scenario().map(str::to_owned) else {
            self.export_failed("the model has no scenario; add one first".to_owned());
            return;
        };
        let model = self.state.doc.snapshot();
        if let Err(message) = self
            .state
            .exporting
            .start_experiment(ctx, model, path, scenario)
        {
            self.export_failed(message);
        }
    }

    /// Start comparing the journal at `path` with the model; [`Self::poll_export`] shows
    /// the result beside its scenario.
    pub(super) fn read_result_from(&mut self, path: &Path, ctx: &egui::Context) {
        let model = self.state.doc.snapshot();
        if let Err(busy) = self.state.reading.start(ctx, model, path) {
            self.state.say(busy, true);
        }
    }

    fn export_failed(&mut self, message: String) {
        self.state.say(format!("Cannot export: {message}"), true);
        self.dialog = Some(Dialog::Failed {
            title: "Cannot export the model".to_owned(),
            message,
        });
    }

    // ----- the dialogs -----

    /// Draw the open dialog, then carry out what its buttons chose.
    pub(super) fn dialogs_ui(&mut self, ctx: &egui::Context) {
        let Some(mut dialog) = self.dialog.take() else {
            return;
        };
        let offered = self.autosave.offered();
        match dialog_ui(ctx, &mut dialog, &self.state, offered, &mut self.actions) {
            Answer::Open => self.dialog = Some(dialog),
            Answer::Closed => {}
            Answer::Chose(choice) => self.choose(choice, ctx),
        }
    }

    fn choose(&mut self, choice: Choice, ctx: &egui::Context) {
        match choice {
            Choice::Save(next) => self.save_then(next, ctx),
            Choice::Discard(next) => self.proceed(next, ctx),
            Choice::Overwrite(path) => self.save_now(&path, ctx),
            Choice::SaveAs => self.start_picker(PickerKind::SaveAs, ctx),
            Choice::CancelSave => self.cancel_after_save(),
            Choice::RestoreCopy => self.restore_offered(ctx),
            Choice::DiscardCopy => {
                let more = match self.autosave.discard_offered() {
                    Ok(more) => more,
                    Err(e) => {
                        self.state.say(e, true);
                        self.autosave.offered().is_some()
                    }
                };
                // The next copy left behind is offered in turn.
                if more && self.dialog.is_none() {
                    self.dialog = Some(Dialog::Recover);
                }
            }
            Choice::ImportAs { path, text, format } => {
                self.import_text(&path, &text, format, ctx);
            }
            Choice::Accept(accepted) => {
                let action = accept_action(self.state.model(), accepted);
                self.apply(action, ctx);
            }
        }
    }

    // ----- recovery -----

    /// Write a recovery copy when the unsaved content has been quiet long enough.
    pub(super) fn autosave_tick(&mut self, ctx: &egui::Context) {
        if let Err(message) = self.autosave.tick(ctx, &self.state) {
            self.state.say(message, true);
        }
    }

    /// Open the offered copy as an unsaved document on its original path, safe in this
    /// editor's own copy before the old one goes. Other copies wait for the next start.
    fn restore_offered(&mut self, ctx: &egui::Context) {
        let Some(copy) = self.autosave.take_offered() else {
            return;
        };
        match copy.load() {
            Ok(model) => {
                let meta = copy.meta.clone();
                self.replace_document(Document::unsaved(model, meta.original.clone()), None);
                self.state.disk = meta.disk;
                if let Err(message) = self.autosave.write(ctx.input(|i| i.time), &self.state) {
                    self.state.say(message, true);
                }
                if self.autosave.holds(self.state.key()) {
                    if let Err(e) = copy.discard() {
                        log::warn!("cannot remove the restored recovery copy: {e}");
                    }
                } else {
                    log::warn!("the restored copy stays until this editor keeps its own");
                }
                self.state.say(format!("Recovered {}", meta.label), false);
            }
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }

    // ----- the window -----

    /// A file dropped on the window: a model opens; anything else goes through
    /// [`Self::import_dropped`].
    pub(super) fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            let is_model = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().ends_with(".ron"));
            self.actions.push(if is_model {
                Action::OpenFile(path)
            } else {
                Action::ImportDropped(path)
            });
        }
    }

    pub(super) fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.allow_close
            && self.state.has_unsaved_changes()
        {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved(Pending::Quit));
        }
    }
}
