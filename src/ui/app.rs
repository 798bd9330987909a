//! The application type: owns the state (document, selection, background results) and the
//! panels; `show()` only lays regions out, then applies what they asked for. Must not
//! analyse on the UI thread or edit outside `Document`.

use std::path::PathBuf;

use egui::{Pos2, ViewportCommand};

use super::action::Action;
use super::analysis_panel::AnalysisPanel;
use super::autosave::Autosave;
use super::blast::pointed_spof;
use super::canvas::{Canvas, CanvasMarks, CanvasSelection, Overlay};
use super::chaos_dialog::ChaosDialog;
use super::command::Command;
use super::compare::CompareMarks;
use super::dialogs::{Dialog, Pending};
use super::files::{Picker, Settings};
use super::inspector::Inspector;
use super::menu::{menu_bar_ui, palette_ui, status_bar_ui};
use super::present::Presentation;
use super::resident::can_keep;
use super::state::{Selection, State};
use crate::advice::Advice;
use crate::analysis::chaos::ChaosReport;
use crate::analysis::diff::ResilienceDiff;
use crate::analysis::{Report, Spof, WhatIf};
use crate::model::{Event, Model};

pub struct SpofApp {
    pub(super) state: State,
    pub(super) canvas: Canvas,
    pub(super) inspector: Inspector,
    pub(super) analysis_panel: AnalysisPanel,
    pub(super) chaos: ChaosDialog,
    pub(super) present: Presentation,
    pub(super) autosave: Autosave,
    pub(super) dialog: Option<Dialog>,
    pub(super) picker: Option<Picker>,
    /// A save requested from the unsaved-changes prompt: go on with this once saved.
    pub(super) after_save: Option<Pending>,
    /// What the panels asked for this frame, applied at its end.
    pub(super) actions: Vec<Action>,
    title: String,
    /// The unsaved changes were settled: the window may close.
    pub(super) allow_close: bool,
}

impl SpofApp {
    /// Build the app for eframe, restoring the recent files, and open `file` or the built-in sample.
    pub fn new(cc: &eframe::CreationContext<'_>, file: Option<PathBuf>) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self::with_settings(settings);
        // Without glow (egui_kittest's wgpu renderer) or on too old an OpenGL, egui paints
        // the kept meshes like any other.
        if cc.gl.as_ref().is_some_and(|gl| can_keep(gl)) {
            app.keep_meshes_on_gpu();
        }
        app.show_theme(&cc.egui_ctx);
        if let Some(path) = file {
            app.request(Action::OpenFile(path));
        }
        app
    }

    /// The app on the built-in sample, with `settings`; no window needed (tests, benchmarks).
    pub fn with_settings(settings: Settings) -> Self {
        let mut app = Self {
            state: State::new(settings),
            canvas: Canvas::default(),
            inspector: Inspector::default(),
            analysis_panel: AnalysisPanel::default(),
            chaos: ChaosDialog::default(),
            present: Presentation::default(),
            autosave: Autosave::default(),
            dialog: None,
            picker: None,
            after_save: None,
            actions: Vec::new(),
            title: String::new(),
            allow_close: false,
        };
        app.open_sample(0);
        app
    }

    /// Paint the canvas's kept meshes (dependencies, outlines) from buffers in the GPU
    /// through eframe's glow renderer, as [`Self::new`] does when glow runs it. Benchmarks
    /// switch it on to measure the frame a desktop user gets, whose paint callbacks they
    /// never run.
    pub fn keep_meshes_on_gpu(&mut self) {
        self.canvas.keep_meshes_on_gpu();
    }

    /// Keep recovery copies under `root` (a directory of its own per running editor) and
    /// offer the copies that editors which did not close cleanly left there.
    pub fn with_recovery(mut self, root: PathBuf) -> Self {
        if self.autosave.start(root) && self.dialog.is_none() {
            self.dialog = Some(Dialog::Recover);
        }
        self
    }

    // ----- what tests and benchmarks read and ask for -----

    pub fn model(&self) -> &Model {
        self.state.model()
    }

    pub fn selection(&self) -> &Selection {
        &self.state.selection
    }

    pub fn knockouts(&self) -> &[Event] {
        self.state.whatif.knockouts()
    }

    /// Queue an action exactly as a widget would; it runs at the end of the next frame.
    pub fn request(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Whether the analysis shown is the one of the current document content.
    pub fn analysis_is_current(&self) -> bool {
        self.state.analysis_is_current()
    }

    /// Whether the what-if outcome shown matches the current content and knockouts.
    pub fn whatif_is_current(&self) -> bool {
        self.current_whatif().is_some()
    }

    pub fn current_report(&self) -> Option<&Report> {
        self.state.current_report()
    }

    pub fn current_whatif(&self) -> Option<&WhatIf> {
        self.state.current_whatif()
    }

    /// Whether the user cancelled the analysis of the current content.
    pub fn analysis_cancelled(&self) -> bool {
        self.state.analysis_cancelled()
    }

    /// The recommendations for exactly the current document content, once computed.
    pub fn current_advice(&self) -> Option<&Advice> {
        self.state.current_advice()
    }

    /// Whether Apply all is computing its fixes.
    pub fn is_fixing(&self) -> bool {
        self.state.recommendations.is_fixing()
    }

    /// The file name, or the sample's, as in the title bar.
    pub fn document_label(&self) -> String {
        self.state.document_label()
    }

    /// A fresh sample or new model untouched since it opened has nothing to save.
    pub fn has_unsaved_changes(&self) -> bool {
        self.state.has_unsaved_changes()
    }

    /// The document's revision: bumped by every edit, untouched by previews.
    pub fn document_revision(&self) -> u64 {
        self.state.doc.revision()
    }

    /// The recommendation previewed on the canvas, if a row is hovered.
    pub fn previewed_recommendation(&self) -> Option<&str> {
        self.analysis_panel
            .hovered_recommendation()
            .filter(|_| self.state.panels.analysis)
    }

    /// The last status bar message.
    pub fn status_message(&self) -> Option<&str> {
        self.state.status.as_ref().map(|(m, _)| m.as_str())
    }

    /// Whether the scenario comparison shown was computed for the current content.
    pub fn scenario_comparison_is_current(&self) -> bool {
        self.state.comparison.current(self.state.key()).is_some()
    }

    /// The last finished chaos experiment, whatever content it ran on.
    pub fn chaos_report(&self) -> Option<&ChaosReport> {
        self.chaos.report()
    }

    /// Whether a chaos experiment is running.
    pub fn chaos_is_running(&self) -> bool {
        self.chaos.is_running()
    }

    /// The last chaos experiment result read (Scenarios ▸ Read experiment result).
    pub fn chaos_result(&self) -> Option<&crate::io::journal::ChaosResult> {
        self.state.chaos_result.as_ref()
    }

    /// Whether File ▸ Export is writing a file.
    pub fn is_exporting(&self) -> bool {
        self.state.exporting_to().is_some()
    }

    pub fn is_presenting(&self) -> bool {
        self.state.panels.presentation
    }

    /// Where the middle of a component's card is drawn on screen (tests drive the pointer
    /// with it).
    pub fn card_on_screen(&self, id: &str) -> Option<Pos2> {
        self.canvas.card_on_screen(id)
    }

    /// The SPOF whose blast radius the canvas tints now, if any.
    pub fn blast_spof(&self) -> Option<&Spof> {
        let report = self.state.current_report()?;
        let hovered_row = self
            .analysis_panel
            .hovered_spof()
            .filter(|_| self.state.panels.analysis && !self.state.panels.presentation);
        let selected: &[String] = if self.state.panels.presentation {
            &[]
        } else {
            &self.state.selection.components
        };
        pointed_spof(report, hovered_row, self.canvas.hovered_card(), selected)
    }

    /// The components the canvas tints: the pointed SPOF's blast radius, or none.
    pub fn blast_radius(&self) -> &[String] {
        self.blast_spof().map_or(&[], |s| s.blast_radius.as_slice())
    }

    /// The file compared with (File ▸ Compare with…), if any.
    pub fn compared_with(&self) -> Option<&std::path::Path> {
        self.state.compare.baseline().map(|b| b.path.as_path())
    }

    /// The comparison with that file for exactly the current content, once computed.
    pub fn comparison(&self) -> Option<&ResilienceDiff> {
        self.state.compare.current(self.state.key())
    }

    /// What the canvas marks while comparing: components added, changed and removed.
    pub fn compare_marks(&self) -> Option<CompareMarks> {
        self.state.compare.marks()
    }

    pub fn canvas_zoom(&self) -> f32 {
        self.canvas.zoom()
    }

    /// The directory holding this editor's recovery copy, once one was written.
    pub fn recovery_dir(&self) -> Option<PathBuf> {
        self.autosave.dir()
    }

    // ----- the frame -----

    /// One frame: lay the regions out, then apply what they asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.show_theme(&ctx);
        self.poll_background(&ctx);
        // Before the shortcuts, so Esc leaving a presentation does not also clear the selection.
        if self.state.panels.presentation
            && self.dialog.is_none()
            && self.present.keys(&ctx, &self.state, &mut self.canvas)
        {
            self.toggle_presentation(&ctx);
        }
        self.handle_shortcuts(&ctx);
        self.handle_dropped_files(&ctx);
        self.handle_close_request(&ctx);

        if self.state.panels.presentation {
            let blast = self.blast_radius().to_vec();
            self.present.ui(ui, &self.state, &mut self.canvas, blast);
        } else {
            menu_bar_ui(ui, &self.state, &mut self.actions);
            status_bar_ui(ui, &self.state, self.canvas.zoom());
            if self.state.panels.palette {
                palette_ui(ui, &mut self.actions);
            }
            if self.state.panels.analysis {
                self.analysis_panel.ui(ui, &self.state, &mut self.actions);
            }
            if self.state.panels.inspector {
                self.inspector.ui(ui, &self.state, &mut self.actions);
            }
            self.canvas_ui(ui);
            self.chaos.ui(&ctx, &self.state);
        }
        self.dialogs_ui(&ctx);

        self.apply_actions(&ctx);
        self.autosave_tick(&ctx);
        self.update_title(&ctx);
    }

    /// Paint with the theme the settings choose, whatever set the context's before (the
    /// settings restored at start, View ▸ Theme, a test harness).
    pub(super) fn show_theme(&self, ctx: &egui::Context) {
        let theme = self.state.settings.theme;
        if ctx.options(|o| o.theme_preference) != theme {
            ctx.set_theme(theme);
            ctx.request_repaint();
        }
    }

    fn poll_background(&mut self, ctx: &egui::Context) {
        self.poll_export(ctx);
        let comparing = self.analysis_panel.compares_scenarios();
        self.state.poll(ctx, comparing);
        self.chaos.poll(ctx);
        self.poll_picker();
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input() || self.dialog.is_some();
        for (shortcut, command) in Command::shortcut_table() {
            if (typing && !command.works_while_typing())
                || (self.state.panels.presentation && !command.works_while_presenting())
            {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) && self.state.enabled(command) {
                self.actions.push(Action::Run(command));
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let dirty = if self.state.has_unsaved_changes() {
            " •"
        } else {
            ""
        };
        let title = format!("{}{dirty} — spofscope", self.state.document_label());
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui) {
        let marks = CanvasMarks {
            compare: self.state.compare.marks(),
            blast: self.blast_radius().to_vec(),
        };
        self.canvas.set_marks(marks);
        let state = &self.state;
        let preview = if state.panels.analysis {
            self.analysis_panel.hovered_preview(state)
        } else {
            None
        };
        self.canvas.set_preview(preview);
        let frame = egui::Frame::central_panel(ui.style())
            .inner_margin(0.0)
            .fill(ui.visuals().faint_bg_color);
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            let report = state.current_report();
            let knockouts = state.live_knockouts();
            let overlay = Overlay {
                report,
                whatif: state.current_whatif(),
                whatif_mode: state.whatif.is_on(),
                knockouts: &knockouts,
            };
            self.canvas.sync(&state.doc, state.generation, &overlay);
            let selection = CanvasSelection {
                components: &state.selection.components,
                dependency: state.selection.dependency.as_ref(),
            };
            self.canvas.ui(
                ui,
                state.model(),
                report,
                &selection,
                state.whatif.is_on(),
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
}

impl eframe::App for SpofApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// What the canvas shows through its see-through panel: the theme's own background, not
    /// eframe's near-black default, which left light cards and dark lines on a black canvas.
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.extreme_bg_color.to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state.settings);
    }

    /// A clean close: the unsaved work was saved or deliberately dropped by now.
    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        self.autosave.finish();
        if let Some(gl) = gl {
            self.canvas.free_gpu(gl);
        }
    }
}
