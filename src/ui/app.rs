//! The application type: document, selection, background analysis; `ui()` only lays regions out.
//! Panels push actions applied at the end of the frame; must not analyse on the UI thread or edit outside `Document`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::ViewportCommand;

use super::action::Action;
use super::advice_panel::AdviceState;
use super::autosave::Autosave;
use super::canvas::{Canvas, CanvasSelection, Overlay};
use super::chaos_dialog::ChaosState;
use super::command::Command;
use super::files::{Picked, Picker, PickerKind, SAMPLES, Settings};
use super::present::PresentState;
use super::scenarios::ScenariosState;
use super::transfer::{Exporting, export_file_name};
use super::worker::{Done, Job};
use crate::analysis::{self, Options, Report, WhatIf};
use crate::edit::recovery::FileStamp;
use crate::edit::{Document, Edit};
use crate::io::import::Imported;
use crate::model::{
    self, Component, ComponentKind, Dependency, DependencyKind, Event, LoadError, Model,
    Replication, Scenario,
};

/// Identifies a document's content: which document (a new one per open) and its revision.
pub type DocKey = (u64, u64);

/// A result's content and the current content.
type ContentPair = (DocKey, DocKey);

/// An analysis and the model it was computed from.
pub struct Analysed {
    pub model: Arc<Model>,
    pub report: Report,
}

pub struct WhatIfOutcome {
    pub model: Arc<Model>,
    pub result: Result<WhatIf, String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// In the order they were selected (connecting uses it).
    pub components: Vec<String>,
    pub dependency: Option<(String, String)>,
}

/// Components and the dependencies among them, ready to paste.
#[derive(Clone, Debug)]
struct Clipboard {
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panels {
    pub palette: bool,
    pub inspector: bool,
    pub analysis: bool,
    pub presentation: bool,
}

pub struct SpofApp {
    pub(super) doc: Document,
    /// The document's file as it was when opened or last saved: Save asks before
    /// overwriting changes someone else made since.
    pub(super) disk: Option<FileStamp>,
    pub(super) autosave: Autosave,
    /// Bumped for every newly opened document, so results for an old one never apply.
    pub(super) generation: u64,
    /// The built-in sample the document came from, if any.
    pub(super) sample: Option<&'static str>,
    pub(super) settings: Settings,
    pub(super) canvas: Canvas,
    pub(super) selection: Selection,
    pub(super) analysis: Job<DocKey, Arc<Analysed>>,
    pub(super) whatif: Job<(DocKey, Vec<Event>), Arc<WhatIfOutcome>>,
    /// Recommendations and Apply all, computed off the UI thread.
    pub(super) advice: AdviceState,
    pub(super) exporting: Exporting,
    /// The scenario comparison, computed off the UI thread.
    pub(super) scenarios: ScenariosState,
    /// The chaos experiment dialog and its background run.
    pub(super) chaos: ChaosState,
    /// Content pairs (result's, current) already found to differ beyond positions, for the
    /// analysis and the what-if: comparing 10,000 components every frame is not free.
    known_different: (Option<ContentPair>, Option<ContentPair>),
    pub(super) whatif_mode: bool,
    pub(super) knockouts: Vec<Event>,
    pub(super) scenario_name: String,
    clipboard: Option<Clipboard>,
    pub(super) dialog: Option<Dialog>,
    picker: Option<Picker>,
    /// A save requested from the unsaved-changes prompt: go on with this once saved.
    after_save: Option<Pending>,
    pub(super) status: Option<(String, bool)>,
    pub(super) panels: Panels,
    pub(super) present: PresentState,
    pub(super) focus_name: bool,
    pub(super) actions: Vec<Action>,
    title: String,
    allow_close: bool,
}

impl SpofApp {
    /// Build the app for eframe, restoring the recent files, and open `file` or the built-in sample.
    pub fn new(cc: &eframe::CreationContext<'_>, file: Option<PathBuf>) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self::with_settings(settings);
        if let Some(path) = file {
            app.request(Action::OpenFile(path));
        }
        app
    }

    /// The app on the built-in sample, with `settings`; no window needed (tests, benchmarks).
    pub fn with_settings(settings: Settings) -> Self {
        let mut app = Self {
            doc: Document::new(Model::default(), None),
            disk: None,
            autosave: Autosave::default(),
            generation: 0,
            sample: None,
            settings,
            canvas: Canvas::default(),
            selection: Selection::default(),
            analysis: Job::default(),
            whatif: Job::default(),
            advice: AdviceState::default(),
            exporting: Exporting::default(),
            scenarios: ScenariosState::default(),
            chaos: ChaosState::default(),
            known_different: (None, None),
            whatif_mode: false,
            knockouts: Vec::new(),
            scenario_name: String::new(),
            clipboard: None,
            dialog: None,
            picker: None,
            after_save: None,
            status: None,
            panels: Panels {
                palette: true,
                inspector: true,
                analysis: true,
                presentation: false,
            },
            present: PresentState::default(),
            focus_name: false,
            actions: Vec::new(),
            title: String::new(),
            allow_close: false,
        };
        app.open_sample(0);
        app
    }

    // ----- what tests and benchmarks read and ask for -----

    pub fn model(&self) -> &Model {
        self.doc.model()
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    pub fn knockouts(&self) -> &[Event] {
        &self.knockouts
    }

    /// Queue an action exactly as a widget would; it runs at the end of the next frame.
    pub fn request(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Whether the analysis shown is the one of the current document content.
    pub fn analysis_is_current(&self) -> bool {
        self.current_report().is_some()
    }

    /// Whether the what-if outcome shown matches the current content and knockouts.
    pub fn whatif_is_current(&self) -> bool {
        self.current_whatif().is_some()
    }

    pub fn current_report(&self) -> Option<&Report> {
        self.analysis.get(&self.key()).map(|d| &d.value.report)
    }

    pub fn current_whatif(&self) -> Option<&WhatIf> {
        self.whatif
            .get(&(self.key(), self.live_knockouts()))
            .and_then(|d| d.value.result.as_ref().ok())
    }

    /// The outcome record behind [`Self::current_whatif`], cheap to hold across a frame.
    pub(super) fn current_whatif_outcome(&self) -> Option<Arc<WhatIfOutcome>> {
        self.whatif
            .get(&(self.key(), self.live_knockouts()))
            .map(|d| Arc::clone(&d.value))
    }

    /// The file name, or the sample's, as in the title bar.
    pub fn document_label(&self) -> String {
        match (&self.doc.path, self.sample) {
            (Some(p), _) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            (None, Some(sample)) => format!("{sample} (sample)"),
            (None, None) => "Untitled".to_owned(),
        }
    }

    /// A fresh sample or new model untouched since it opened has nothing to save.
    pub fn has_unsaved_changes(&self) -> bool {
        self.doc.is_dirty() && !(self.doc.path.is_none() && self.doc.revision() == 0)
    }

    pub(super) fn key(&self) -> DocKey {
        (self.generation, self.doc.revision())
    }

    /// Knockouts that still name something in the model (edits may remove their targets).
    pub(super) fn live_knockouts(&self) -> Vec<Event> {
        let model = self.doc.model();
        self.knockouts
            .iter()
            .filter(|k| k.check(model).is_ok())
            .cloned()
            .collect()
    }

    /// Whether the user cancelled the analysis of the current content.
    pub fn analysis_cancelled(&self) -> bool {
        self.analysis.cancelled == Some(self.key())
    }

    pub(super) fn analysis_done(&self) -> Option<&Done<DocKey, Arc<Analysed>>> {
        self.analysis.latest()
    }

    // ----- the frame -----

    /// One frame: lay the regions out, then apply what they asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_background(&ctx);
        self.presentation_keys(&ctx);
        self.handle_shortcuts(&ctx);
        self.handle_dropped_files(&ctx);
        self.handle_close_request(&ctx);

        if self.panels.presentation {
            self.presentation_ui(ui);
        } else {
            self.menu_bar_ui(ui);
            self.status_bar_ui(ui);
            if self.panels.palette {
                self.palette_ui(ui);
            }
            if self.panels.analysis {
                self.analysis_ui(ui);
            }
            if self.panels.inspector {
                self.inspector_ui(ui);
            }
            self.canvas_ui(ui);
            self.chaos_ui(&ctx);
        }
        self.dialogs_ui(&ctx);

        self.apply_actions(&ctx);
        self.autosave_tick(&ctx);
        self.update_title(&ctx);
    }

    fn poll_background(&mut self, ctx: &egui::Context) {
        self.analysis.poll(ctx);
        self.whatif.poll(ctx);
        self.poll_export(ctx);
        let key = self.key();
        if self.analysis.get(&key).is_none() {
            let latest = self.analysis.latest().map(|d| d.key);
            let unchanged = match latest {
                Some(from) if self.known_different.0 != Some((from, key)) => {
                    let same = self
                        .analysis
                        .latest()
                        .is_some_and(|d| same_analysis_input(&d.value.model, self.doc.model()));
                    if !same {
                        self.known_different.0 = Some((from, key));
                    }
                    same
                }
                _ => false,
            };
            if unchanged {
                // A request still waiting is for content older than this.
                self.analysis.drop_queued();
                self.analysis.relabel(key);
            } else if self.analysis.wants(&key) {
                self.analysis.drop_queued();
                let model = self.doc.snapshot();
                self.analysis.request(key, ctx, move |cancel| {
                    let report =
                        analysis::analyze_cancellable(&model, &Options::default(), cancel).ok()?;
                    Some(Arc::new(Analysed { report, model }))
                });
            }
        }
        self.poll_advice(ctx);
        self.poll_scenarios(ctx);
        self.poll_chaos(ctx);
        if self.whatif_mode {
            let events = self.live_knockouts();
            let wkey = (key, events.clone());
            if self.whatif.get(&wkey).is_none() {
                let latest = self.whatif.latest().map(|d| d.key.0);
                let unchanged = match latest {
                    Some(from) if self.known_different.1 != Some((from, key)) => {
                        let same = from == key
                            || self.whatif.latest().is_some_and(|d| {
                                same_analysis_input(&d.value.model, self.doc.model())
                            });
                        if !same {
                            self.known_different.1 = Some((from, key));
                        }
                        same && self.whatif.latest().is_some_and(|d| d.key.1 == events)
                    }
                    _ => false,
                };
                if unchanged {
                    self.whatif.relabel(wkey);
                } else if self.whatif.wants(&wkey) {
                    self.whatif.drop_queued();
                    let model = self.doc.snapshot();
                    self.whatif.request(wkey, ctx, move |_| {
                        let result = analysis::whatif(&model, &events).map_err(|e| e.to_string());
                        Some(Arc::new(WhatIfOutcome { model, result }))
                    });
                }
            }
        }
        if let Some(picker) = &self.picker
            && let Some(picked) = picker.poll()
        {
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
    }

    pub(super) fn default_path_text(&self, kind: PickerKind) -> String {
        match (&self.doc.path, kind) {
            (_, PickerKind::Import) => String::new(),
            (_, PickerKind::Export) => {
                export_file_name(&self.default_path_text(PickerKind::SaveAs))
            }
            (Some(p), _) => p.display().to_string(),
            (None, PickerKind::SaveAs) => self
                .sample
                .map_or_else(|| "model.spof.ron".to_owned(), ToOwned::to_owned),
            (None, PickerKind::Open) => String::new(),
        }
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input() || self.dialog.is_some();
        for (shortcut, command) in Command::shortcut_table() {
            if (typing && !command.works_while_typing())
                || (self.panels.presentation && !command.works_while_presenting())
            {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) && self.enabled(command) {
                self.actions.push(Action::Run(command));
            }
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            // A model opens; anything else goes through the importers, which name the
            // formats they read when they cannot tell this one.
            let is_model = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().ends_with(".ron"));
            self.actions.push(if is_model {
                Action::OpenFile(path)
            } else {
                Action::ImportFile(path)
            });
        }
    }

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.allow_close
            && self.has_unsaved_changes()
        {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved(Pending::Quit));
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let dirty = if self.has_unsaved_changes() {
            " •"
        } else {
            ""
        };
        let title = format!("{}{dirty} — spofscope", self.document_label());
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui) {
        let preview = self.canvas_preview();
        self.canvas.set_preview(preview);
        let frame = egui::Frame::central_panel(ui.style())
            .inner_margin(0.0)
            .fill(ui.visuals().faint_bg_color);
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            let key = self.key();
            let report = self.analysis.get(&key).map(|d| &d.value.report);
            let knockouts = self.live_knockouts();
            let whatif = self
                .whatif
                .get(&(key, knockouts.clone()))
                .and_then(|d| d.value.result.as_ref().ok());
            let overlay = Overlay {
                report,
                whatif,
                whatif_mode: self.whatif_mode,
                knockouts: &knockouts,
            };
            let structure = (self.generation, self.doc.structure());
            self.canvas.sync(self.doc.model(), key, structure, &overlay);
            let selection = CanvasSelection {
                components: &self.selection.components,
                dependency: self.selection.dependency.as_ref(),
            };
            self.canvas.ui(
                ui,
                self.doc.model(),
                report,
                &selection,
                self.whatif_mode,
                &mut self.actions,
            );
            if ui.input(|i| !i.raw.hovered_files.is_empty()) {
                let rect = ui.max_rect();
                ui.painter().rect_filled(
                    rect,
                    0.0,
                    ui.visuals().selection.bg_fill.gamma_multiply(0.3),
                );
                ui.painter().text(
                    rect.center(),
                    egui::Align2::CENTER_CENTER,
                    "Drop a .spof.ron file to open it",
                    egui::FontId::proportional(22.0),
                    ui.visuals().strong_text_color(),
                );
            }
        });
    }

    // ----- commands -----

    pub(super) fn enabled(&self, command: Command) -> bool {
        let one_or_more = !self.selection.components.is_empty();
        match command {
            Command::Undo => !self.doc.history().is_empty(),
            Command::Redo => self.doc.history().redo_label().is_some(),
            Command::Copy
            | Command::Duplicate
            | Command::MakeRedundant
            | Command::KnockOutSelection => one_or_more,
            Command::Delete => one_or_more || self.selection.dependency.is_some(),
            Command::Rename => self.selection.components.len() == 1,
            Command::Paste => self.clipboard.is_some(),
            Command::Connect => self.selection.components.len() == 2,
            Command::ToggleDependencyKind => self.selection.dependency.is_some(),
            Command::ResetWhatIf => !self.knockouts.is_empty(),
            Command::CancelAnalysis => self.analysis.is_busy(),
            Command::ApplyAllFixes => self.can_fix_all(),
            _ => true,
        }
    }

    fn apply_actions(&mut self, ctx: &egui::Context) {
        // Actions may queue more actions (a command that opens a file): run until quiet.
        for _ in 0..8 {
            if self.actions.is_empty() {
                break;
            }
            for action in std::mem::take(&mut self.actions) {
                self.apply(action, ctx);
            }
        }
    }

    fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Run(command) => self.run(command, ctx),
            Action::Edit {
                label,
                edits,
                select,
            } => {
                if self.edit(&label, &edits)
                    && let Some(ids) = select
                {
                    self.select_only(ids);
                }
            }
            Action::AddComponent { kind, at } => self.add_component(kind, at),
            Action::Connect { from, to } => {
                let label = format!("Connect {from} ➡ {to}");
                let edits = [Edit::AddDependency(Dependency::hard(&from, &to))];
                if self.edit(&label, &edits) {
                    self.selection = Selection {
                        components: Vec::new(),
                        dependency: Some((from, to)),
                    };
                }
            }
            Action::SelectOnly(ids) => self.select_only(ids),
            Action::ToggleSelected(id) => {
                self.selection.dependency = None;
                if let Some(i) = self.selection.components.iter().position(|x| *x == id) {
                    self.selection.components.remove(i);
                } else {
                    self.selection.components.push(id);
                }
            }
            Action::SelectDependency { from, to } => {
                self.selection = Selection {
                    components: Vec::new(),
                    dependency: Some((from, to)),
                };
            }
            Action::Focus(id) => {
                self.canvas.centre_on(&id);
                self.select_only(vec![id]);
            }
            Action::Rename(id) => {
                self.select_only(vec![id]);
                self.panels.inspector = true;
                self.focus_name = true;
            }
            Action::ToggleKnockout(event) => {
                self.whatif_mode = true;
                if let Some(i) = self.knockouts.iter().position(|k| *k == event) {
                    self.knockouts.remove(i);
                } else {
                    self.knockouts.push(event);
                }
            }
            Action::SetKnockouts(events) => {
                self.whatif_mode = true;
                self.knockouts = events;
            }
            Action::SaveScenario(name) => self.save_scenario(name),
            Action::OpenFile(path) => match model::load(&path) {
                Ok(model) => {
                    let disk = FileStamp::read(&path).ok();
                    self.guard(Pending::Open(Box::new(model), path, disk), ctx);
                }
                Err(error) => self.dialog = Some(Dialog::LoadError(error)),
            },
            Action::OpenSample(i) => self.guard(Pending::OpenSample(i), ctx),
            Action::SaveTo(path) => self.save_checked(path, ctx),
            Action::ImportFile(path) => self.import_file(path, ctx),
            Action::ExportTo(path) => self.export_to(&path, ctx),
        }
    }

    fn run(&mut self, command: Command, ctx: &egui::Context) {
        if !self.enabled(command) {
            return;
        }
        match command {
            Command::New => self.guard(Pending::New, ctx),
            Command::Open => self.start_picker(PickerKind::Open, ctx),
            Command::OpenPath => {
                self.dialog = Some(Dialog::Path {
                    kind: PickerKind::Open,
                    text: self.default_path_text(PickerKind::Open),
                });
            }
            Command::Save => match self.doc.path.clone() {
                Some(path) => self.save_checked(path, ctx),
                None => self.start_picker(PickerKind::SaveAs, ctx),
            },
            Command::SaveAs => self.start_picker(PickerKind::SaveAs, ctx),
            Command::Import => self.start_picker(PickerKind::Import, ctx),
            Command::Export => self.start_picker(PickerKind::Export, ctx),
            Command::Quit => self.guard(Pending::Quit, ctx),
            Command::Undo => {
                let label = self.doc.history().undo_label().map(ToOwned::to_owned);
                if self.doc.undo() {
                    self.after_document_change();
                    self.say(format!("Undid: {}", label.unwrap_or_default()), false);
                }
            }
            Command::Redo => {
                let label = self.doc.history().redo_label().map(ToOwned::to_owned);
                if self.doc.redo() {
                    self.after_document_change();
                    self.say(format!("Redid: {}", label.unwrap_or_default()), false);
                }
            }
            Command::Copy => {
                self.clipboard = Some(self.copy_selection());
                let n = self.selection.components.len();
                self.say(format!("Copied {n} component{}", plural(n)), false);
            }
            Command::Paste => {
                if let Some(clip) = self.clipboard.clone() {
                    self.paste(&clip, "Paste");
                }
            }
            Command::Duplicate => {
                let clip = self.copy_selection();
                self.paste(&clip, "Duplicate");
            }
            Command::Delete => self.delete_selection(),
            Command::Rename => {
                if let Some(id) = self.selection.components.first().cloned() {
                    self.apply(Action::Rename(id), ctx);
                }
            }
            Command::MakeRedundant => self.make_redundant(),
            Command::SelectAll => {
                let ids = self
                    .doc
                    .model()
                    .components
                    .iter()
                    .map(|c| c.id.clone())
                    .collect();
                self.select_only(ids);
            }
            Command::ClearSelection => {
                self.canvas.cancel_gesture();
                if self.analysis.is_busy() {
                    self.run(Command::CancelAnalysis, ctx);
                } else if self.chaos_is_running() {
                    self.cancel_chaos();
                } else {
                    self.select_only(Vec::new());
                }
            }
            Command::Connect => {
                if let [from, to] = self.selection.components.as_slice() {
                    let (from, to) = (from.clone(), to.clone());
                    self.apply(Action::Connect { from, to }, ctx);
                }
            }
            Command::ToggleDependencyKind => {
                if let Some((from, to)) = self.selection.dependency.clone()
                    && let Some(d) = self
                        .doc
                        .model()
                        .dependencies
                        .iter()
                        .find(|d| d.from == from && d.to == to)
                {
                    let kind = match d.kind {
                        DependencyKind::Hard => DependencyKind::Soft,
                        DependencyKind::Soft => DependencyKind::Hard,
                    };
                    let label = format!("Make {from} ➡ {to} {}", kind_word(kind));
                    self.edit(&label, &[Edit::SetDependencyKind { from, to, kind }]);
                }
            }
            Command::ModelProperties => {
                self.select_only(Vec::new());
                self.panels.inspector = true;
                if self.panels.presentation {
                    self.toggle_presentation(ctx);
                }
            }
            Command::FitView => self.canvas.fit(),
            Command::ZoomIn => self.canvas.zoom_by(ctx, 1.25),
            Command::ZoomOut => self.canvas.zoom_by(ctx, 0.8),
            Command::TogglePalette => self.panels.palette = !self.panels.palette,
            Command::ToggleInspector => self.panels.inspector = !self.panels.inspector,
            Command::ToggleAnalysis => self.panels.analysis = !self.panels.analysis,
            Command::Presentation => self.toggle_presentation(ctx),
            Command::ToggleWhatIf => self.whatif_mode = !self.whatif_mode,
            Command::ResetWhatIf => self.knockouts.clear(),
            Command::KnockOutSelection => {
                self.whatif_mode = true;
                for id in self.selection.components.clone() {
                    let event = Event::Component(id);
                    if !self.knockouts.contains(&event) {
                        self.knockouts.push(event);
                    }
                }
            }
            Command::Reanalyse => {
                self.analysis.clear();
                self.whatif.clear();
                self.forget_advice();
                self.forget_scenarios();
            }
            Command::CancelAnalysis => {
                self.analysis.cancel();
                self.say("Analysis cancelled".to_owned(), false);
            }
            Command::ApplyAllFixes => self.start_fix_all(ctx),
            Command::ChaosExperiment => self.open_chaos(),
            Command::Shortcuts => self.dialog = Some(Dialog::Shortcuts),
            Command::About => self.dialog = Some(Dialog::About),
        }
    }

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
            self.doc.path.as_deref(),
            &file_name,
            ctx,
        ));
    }

    /// Go on with `next` now, or first ask what to do with unsaved changes.
    pub(super) fn guard(&mut self, next: Pending, ctx: &egui::Context) {
        if self.has_unsaved_changes() {
            self.dialog = Some(Dialog::Unsaved(next));
        } else {
            self.proceed(next, ctx);
        }
    }

    pub(super) fn proceed(&mut self, next: Pending, ctx: &egui::Context) {
        match next {
            Pending::New => self.replace_document(Document::new(Model::default(), None), None),
            Pending::Open(model, path, disk) => {
                self.settings.remember(&path);
                self.replace_document(Document::new(*model, Some(path.clone())), None);
                self.disk = disk;
                self.say(format!("Opened {}", path.display()), false);
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
    pub(super) fn save_then(&mut self, next: Pending, ctx: &egui::Context) {
        self.after_save = Some(next);
        self.run(Command::Save, ctx);
    }

    fn open_sample(&mut self, index: usize) {
        let Some(sample) = SAMPLES.get(index) else {
            return;
        };
        match model::from_str(sample.text, sample.file) {
            Ok(model) => self.replace_document(Document::new(model, None), Some(sample.file)),
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }

    /// Put `doc` in place of the document; its recovery copy goes (the old work was saved
    /// or deliberately dropped).
    pub(super) fn replace_document(&mut self, doc: Document, sample: Option<&'static str>) {
        self.doc = doc;
        self.disk = None;
        self.autosave.clear();
        self.generation += 1;
        self.sample = sample;
        self.selection = Selection::default();
        self.knockouts.clear();
        self.whatif_mode = false;
        self.analysis.clear();
        self.whatif.clear();
        self.forget_advice();
        self.forget_scenarios();
        self.forget_chaos();
        self.canvas.fit();
    }

    /// Save to `path`, first asking if someone else changed the document's own file since
    /// it was opened or saved; then go on with what waited for the save.
    fn save_checked(&mut self, path: PathBuf, ctx: &egui::Context) {
        let own_file = self.doc.path.as_deref() == Some(path.as_path());
        let changed = self
            .disk
            .is_some_and(|stamp| stamp.changed(&path).unwrap_or(true));
        if own_file && changed {
            self.dialog = Some(Dialog::ChangedOnDisk(path));
        } else {
            self.save_now(&path, ctx);
        }
    }

    /// Save to `path` whatever is there; what waited for the save goes on only if it worked.
    pub(super) fn save_now(&mut self, path: &Path, ctx: &egui::Context) {
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
        match model::save(self.doc.model(), path) {
            Ok(()) => {
                self.doc.mark_saved(path.to_owned());
                self.disk = FileStamp::read(path).ok();
                self.autosave.clear();
                self.sample = None;
                self.settings.remember(path);
                self.say(format!("Saved {}", path.display()), false);
                true
            }
            Err(e) => {
                self.say(format!("Cannot save: {e}"), true);
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
    pub(super) fn cancel_after_save(&mut self) {
        self.after_save = None;
    }

    pub(super) fn say(&mut self, message: String, error: bool) {
        self.status = Some((message, error));
    }

    // ----- edits -----

    /// Apply one undo step; an edit the model rejects is reported, never half-applied.
    pub(super) fn edit(&mut self, label: &str, edits: &[Edit]) -> bool {
        match self.doc.apply(label, edits) {
            Ok(()) => {
                self.after_document_change();
                self.status = None;
                true
            }
            Err(e) => {
                self.say(format!("{label}: {e}"), true);
                false
            }
        }
    }

    /// Drop selected and knocked-out things that no longer exist.
    fn after_document_change(&mut self) {
        let model = self.doc.model();
        self.selection
            .components
            .retain(|id| model.component(id).is_some());
        if let Some((f, t)) = &self.selection.dependency
            && !model
                .dependencies
                .iter()
                .any(|d| d.from == *f && d.to == *t)
        {
            self.selection.dependency = None;
        }
        let live = self.live_knockouts();
        self.knockouts = live;
    }

    fn select_only(&mut self, ids: Vec<String>) {
        self.selection = Selection {
            components: ids,
            dependency: None,
        };
    }

    fn add_component(&mut self, kind: ComponentKind, at: Option<egui::Pos2>) {
        let model = self.doc.model();
        let id = model.fresh_id(&kind.as_str().to_ascii_lowercase());
        let mut c = Component::new(id.clone(), kind);
        c.name = if id == kind.as_str().to_ascii_lowercase() {
            kind.label().to_owned()
        } else {
            format!(
                "{} {}",
                kind.label(),
                id.rsplit('-').next().unwrap_or_default()
            )
        };
        c.entry = kind == ComponentKind::Client;
        let mut p = at.unwrap_or_else(|| self.canvas.view_centre());
        while model
            .components
            .iter()
            .any(|o| (o.pos.0 - p.x).abs() < 10.0 && (o.pos.1 - p.y).abs() < 10.0)
        {
            p += egui::vec2(24.0, 24.0);
        }
        c.pos = (p.x.round(), p.y.round());
        let label = format!("Add {}", kind.label());
        self.actions.push(Action::Edit {
            label,
            edits: vec![Edit::AddComponent(c)],
            select: Some(vec![id]),
        });
    }

    fn copy_selection(&self) -> Clipboard {
        let model = self.doc.model();
        let chosen = &self.selection.components;
        Clipboard {
            components: chosen
                .iter()
                .filter_map(|id| model.component(id).cloned())
                .collect(),
            dependencies: model
                .dependencies
                .iter()
                .filter(|d| chosen.contains(&d.from) && chosen.contains(&d.to))
                .cloned()
                .collect(),
        }
    }

    /// Paste copies with fresh ids, offset so they do not hide the originals; one undo step.
    fn paste(&mut self, clip: &Clipboard, verb: &str) {
        if clip.components.is_empty() {
            return;
        }
        let mut scratch = self.doc.model().clone();
        let mut renamed = std::collections::HashMap::new();
        let mut edits = Vec::new();
        for c in &clip.components {
            let id = scratch.fresh_id(&c.id);
            let mut copy = c.clone();
            copy.id = id.clone();
            copy.pos = (c.pos.0 + 40.0, c.pos.1 + 40.0);
            scratch.components.push(copy.clone());
            renamed.insert(c.id.clone(), id);
            edits.push(Edit::AddComponent(copy));
        }
        for d in &clip.dependencies {
            if let (Some(f), Some(t)) = (renamed.get(&d.from), renamed.get(&d.to)) {
                edits.push(Edit::AddDependency(Dependency {
                    from: f.clone(),
                    to: t.clone(),
                    kind: d.kind,
                }));
            }
        }
        let ids: Vec<String> = clip
            .components
            .iter()
            .filter_map(|c| renamed.get(&c.id).cloned())
            .collect();
        let n = ids.len();
        self.actions.push(Action::Edit {
            label: format!("{verb} {n} component{}", plural(n)),
            edits,
            select: Some(ids),
        });
    }

    fn delete_selection(&mut self) {
        if let Some((from, to)) = self.selection.dependency.clone() {
            let label = format!("Delete {from} ➡ {to}");
            self.edit(&label, &[Edit::RemoveDependency { from, to }]);
            return;
        }
        let ids = self.selection.components.clone();
        let edits: Vec<Edit> = ids.iter().cloned().map(Edit::RemoveComponent).collect();
        let label = match ids.as_slice() {
            [one] => format!("Delete {one}"),
            many => format!("Delete {} components", many.len()),
        };
        self.edit(&label, &edits);
    }

    /// At least two replicas, spread over every zone of the region they run in; stores replicate.
    fn make_redundant(&mut self) {
        let model = self.doc.model();
        let edits: Vec<Edit> = self
            .selection
            .components
            .iter()
            .filter_map(|id| model.component(id))
            .filter(|c| c.kind.has_replicas())
            .map(|c| {
                let mut next = c.clone();
                let zones: Vec<String> = c
                    .zones
                    .first()
                    .and_then(|z| model.zone(z))
                    .map(|(region, _)| region.zones.iter().map(|z| z.id.clone()).collect())
                    .unwrap_or_else(|| c.zones.clone());
                next.replicas = c.replicas.max(2).max(zones.len() as u32);
                next.zones = zones;
                if c.kind.is_stateful() && c.replication == Replication::None {
                    next.replication = Replication::Sync;
                }
                Edit::UpdateComponent {
                    id: c.id.clone(),
                    component: next,
                }
            })
            .collect();
        if !edits.is_empty() {
            let label = format!("Make {} redundant", self.selection.components.join(", "));
            self.edit(&label, &edits);
        }
    }

    fn save_scenario(&mut self, name: String) {
        let events = self.live_knockouts();
        if events.is_empty() {
            self.say("Knock something out first".to_owned(), true);
            return;
        }
        let name = if name.trim().is_empty() {
            format!("What-if {}", self.doc.model().scenarios.len() + 1)
        } else {
            name.trim().to_owned()
        };
        let label = format!("Save scenario {name}");
        if self.edit(
            &label,
            &[Edit::AddScenario(Scenario { name, fail: events })],
        ) {
            self.scenario_name.clear();
        }
    }
}

impl eframe::App for SpofApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    /// A clean close: the unsaved work was saved or deliberately dropped by now.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.autosave.finish();
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn kind_word(kind: DependencyKind) -> &'static str {
    match kind {
        DependencyKind::Hard => "hard",
        DependencyKind::Soft => "soft",
    }
}

/// Whether two models analyse the same: equal but for canvas positions and scenarios,
/// which no analysis reads (moving and editing scenarios are free).
pub(super) fn same_analysis_input(a: &Model, b: &Model) -> bool {
    let Model {
        format,
        name,
        description,
        defaults,
        regions,
        components,
        dependencies,
        scenarios: _,
    } = a;
    *format == b.format
        && *name == b.name
        && *description == b.description
        && *defaults == b.defaults
        && *regions == b.regions
        && *dependencies == b.dependencies
        && components.len() == b.components.len()
        && components.iter().zip(&b.components).all(|(x, y)| {
            let Component {
                id,
                name,
                kind,
                entry,
                replicas,
                min_healthy,
                zones,
                needs,
                replication,
                availability,
                monitored,
                failover,
                mtbf_hours,
                common_cause,
                pos: _,
                notes,
            } = x;
            *id == y.id
                && *name == y.name
                && *kind == y.kind
                && *entry == y.entry
                && *replicas == y.replicas
                && *min_healthy == y.min_healthy
                && *zones == y.zones
                && *needs == y.needs
                && *replication == y.replication
                && *availability == y.availability
                && *monitored == y.monitored
                && *failover == y.failover
                && *mtbf_hours == y.mtbf_hours
                && *common_cause == y.common_cause
                && *notes == y.notes
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_a_component_keeps_the_analysis_input() {
        let model = model::from_str(SAMPLES[0].text, "s").unwrap_or_default();
        let mut moved = model.clone();
        moved.components[0].pos = (1.0, 2.0);
        assert!(same_analysis_input(&model, &moved));
        moved.components[0].replicas = 5;
        assert!(!same_analysis_input(&model, &moved));
    }

    #[test]
    fn editing_scenarios_keeps_the_analysis_input() {
        let model = model::from_str(SAMPLES[0].text, "s").unwrap_or_default();
        let mut edited = model.clone();
        edited.scenarios.push(Scenario {
            name: "new".to_owned(),
            fail: vec![Event::Component("db".to_owned())],
        });
        assert!(same_analysis_input(&model, &edited));
    }
}
