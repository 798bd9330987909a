//! The one place panels' actions and commands are applied, at the end of the frame: edits
//! go through the document as one undo step each, then the selection, what-if and views
//! follow. Draws nothing.

use std::collections::HashMap;

use egui::ThemePreference;

use super::accept::AcceptForm;
use super::action::Action;
use super::app::SpofApp;
use super::command::Command;
use super::dialogs::{Dialog, Pending};
use super::files::PickerKind;
use super::state::{Clipboard, Selection};
use crate::advice;
use crate::edit::Edit;
use crate::format::plural;
use crate::model::{
    Component, ComponentKind, Dependency, DependencyKind, Event, Replication, Scenario,
};

impl SpofApp {
    pub(super) fn apply_actions(&mut self, ctx: &egui::Context) {
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

    pub(super) fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Run(command) => self.run(command, ctx),
            Action::Edit {
                label,
                edits,
                select,
            } => {
                if self.state.edit(&label, &edits)
                    && let Some(ids) = select
                {
                    self.select_only(ids);
                }
            }
            Action::AddComponent { kind, at } => self.add_component(kind, at),
            Action::Connect { from, to } => {
                let label = format!("Connect {from} ➡ {to}");
                let edits = [Edit::AddDependency(Dependency::hard(&from, &to))];
                if self.state.edit(&label, &edits) {
                    self.state.selection = Selection {
                        components: Vec::new(),
                        dependency: Some((from, to)),
                    };
                }
            }
            Action::SelectOnly(ids) => self.select_only(ids),
            Action::ToggleSelected(id) => {
                self.state.selection.dependency = None;
                if let Some(i) = self
                    .state
                    .selection
                    .components
                    .iter()
                    .position(|x| *x == id)
                {
                    self.state.selection.components.remove(i);
                } else {
                    self.state.selection.components.push(id);
                }
            }
            Action::SelectDependency { from, to } => {
                self.state.selection = Selection {
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
                self.state.panels.inspector = true;
                self.inspector.focus_name();
            }
            Action::ToggleKnockout(event) => self.state.whatif.toggle(event),
            Action::SetKnockouts(events) => self.state.whatif.set(events),
            Action::SaveScenario(name) => self.save_scenario(name),
            Action::OpenFile(path) => self.open_file(path, ctx),
            Action::OpenSample(i) => self.guard(Pending::OpenSample(i), ctx),
            Action::SaveTo(path) => self.save_checked(path, ctx),
            Action::ImportFile(path) => self.import_file(path, ctx),
            Action::AddTraces(path) => self.add_traces(&path),
            Action::ImportDropped(path) => self.import_dropped(path, ctx),
            Action::ExportTo(path) => self.export_to(&path, ctx),
            Action::CompareWith(path) => self.compare_with(path),
            Action::AcceptRisk(risk) => {
                let form = AcceptForm::new(risk, self.state.model());
                self.dialog = Some(Dialog::AcceptRisk(form));
            }
            Action::ExportExperimentTo(path) => self.export_experiment_to(&path, ctx),
            Action::ReadResultFrom(path) => self.read_result_from(&path, ctx),
            Action::Refuse(message) => self.state.say(message, true),
        }
    }

    pub(super) fn run(&mut self, command: Command, ctx: &egui::Context) {
        if !self.state.enabled(command) {
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
            Command::Save => match self.state.doc.path.clone() {
                Some(path) => self.save_checked(path, ctx),
                None => self.start_picker(PickerKind::SaveAs, ctx),
            },
            Command::SaveAs => self.start_picker(PickerKind::SaveAs, ctx),
            Command::Import => self.start_picker(PickerKind::Import, ctx),
            Command::AddTraces => self.start_picker(PickerKind::Traces, ctx),
            Command::CompareWith => self.start_picker(PickerKind::Compare, ctx),
            Command::CloseCompare => self.state.compare.close(),
            Command::Export => self.start_picker(PickerKind::Export, ctx),
            Command::ExportExperiment => self.start_picker(PickerKind::Experiment, ctx),
            Command::ReadExperimentResult => self.start_picker(PickerKind::Journal, ctx),
            Command::Quit => self.guard(Pending::Quit, ctx),
            Command::Undo => self.state.undo(),
            Command::Redo => self.state.redo(),
            Command::Copy => {
                self.state.clipboard = Some(self.copy_selection());
                let n = self.state.selection.components.len();
                self.state
                    .say(format!("Copied {n} component{}", plural(n)), false);
            }
            Command::Paste => {
                if let Some(clip) = self.state.clipboard.clone() {
                    self.paste(&clip, "Paste");
                }
            }
            Command::Duplicate => {
                let clip = self.copy_selection();
                self.paste(&clip, "Duplicate");
            }
            Command::Delete => self.delete_selection(),
            Command::Rename => {
                if let Some(id) = self.state.selection.components.first().cloned() {
                    self.apply(Action::Rename(id), ctx);
                }
            }
            Command::MakeRedundant => self.make_redundant(),
            Command::SelectAll => {
                let ids = self
                    .state
                    .model()
                    .components
                    .iter()
                    .map(|c| c.id.clone())
                    .collect();
                self.select_only(ids);
            }
            Command::ClearSelection => self.escape(ctx),
            Command::Connect => {
                if let [from, to] = self.state.selection.components.as_slice() {
                    let (from, to) = (from.clone(), to.clone());
                    self.apply(Action::Connect { from, to }, ctx);
                }
            }
            Command::ToggleDependencyKind => self.toggle_dependency_kind(),
            Command::ModelProperties => {
                self.select_only(Vec::new());
                self.state.panels.inspector = true;
                if self.state.panels.presentation {
                    self.toggle_presentation(ctx);
                }
            }
            Command::FitView => self.canvas.fit(),
            Command::ZoomIn => self.canvas.zoom_by(ctx, 1.25),
            Command::ZoomOut => self.canvas.zoom_by(ctx, 0.8),
            Command::TogglePalette => self.state.panels.palette = !self.state.panels.palette,
            Command::ToggleInspector => self.state.panels.inspector = !self.state.panels.inspector,
            Command::ToggleAnalysis => self.state.panels.analysis = !self.state.panels.analysis,
            Command::Presentation => self.toggle_presentation(ctx),
            Command::ThemeSystem => self.choose_theme(ThemePreference::System, ctx),
            Command::ThemeLight => self.choose_theme(ThemePreference::Light, ctx),
            Command::ThemeDark => self.choose_theme(ThemePreference::Dark, ctx),
            Command::ToggleWhatIf => self.state.whatif.toggle_mode(),
            Command::ResetWhatIf => self.state.whatif.reset(),
            Command::KnockOutSelection => {
                let ids = self.state.selection.components.iter().cloned();
                self.state.whatif.knock_out(ids.map(Event::Component));
            }
            Command::Reanalyse => self.reanalyse(),
            Command::CancelAnalysis => {
                self.state.analysis.cancel();
                self.state.say("Analysis cancelled".to_owned(), false);
            }
            Command::ApplyAllFixes => {
                let (key, model) = (self.state.key(), self.state.doc.snapshot());
                self.state.recommendations.start_fix_all(ctx, key, model);
            }
            Command::ChaosExperiment => self.chaos.open(),
            Command::Shortcuts => self.dialog = Some(Dialog::Shortcuts),
            Command::About => self.dialog = Some(Dialog::About),
        }
    }

    /// View ▸ Theme: remembered in the settings, shown from now on.
    fn choose_theme(&mut self, theme: ThemePreference, ctx: &egui::Context) {
        self.state.settings.theme = theme;
        self.show_theme(ctx);
    }

    /// Esc: end a gesture, and cancel the analysis or the chaos experiment running, or
    /// else clear the selection.
    fn escape(&mut self, ctx: &egui::Context) {
        self.canvas.cancel_gesture();
        if self.state.analysis.is_busy() {
            self.run(Command::CancelAnalysis, ctx);
        } else if self.chaos.is_running() {
            self.chaos.cancel();
        } else if self.state.compare.is_on() {
            self.state.compare.close();
        } else {
            self.select_only(Vec::new());
        }
    }

    /// Forget every result about the current content, so it is all computed again.
    fn reanalyse(&mut self) {
        let s = &mut self.state;
        s.analysis.clear();
        s.whatif.forget_results();
        s.recommendations.forget();
        s.comparison.forget();
        self.analysis_panel.forget();
        self.present.forget_preview();
    }

    // ----- edits -----

    /// The selected dependency hard if soft, soft if hard.
    fn toggle_dependency_kind(&mut self) {
        if let Some((from, to)) = self.state.selection.dependency.clone()
            && let Some(d) = self
                .state
                .model()
                .dependencies
                .iter()
                .find(|d| d.from == from && d.to == to)
        {
            let kind = match d.kind {
                DependencyKind::Hard => DependencyKind::Soft,
                DependencyKind::Soft => DependencyKind::Hard,
            };
            let label = format!("Make {from} ➡ {to} {}", kind.as_str());
            self.state
                .edit(&label, &[Edit::SetDependencyKind { from, to, kind }]);
        }
    }

    fn select_only(&mut self, ids: Vec<String>) {
        self.state.selection = Selection {
            components: ids,
            dependency: None,
        };
    }

    fn add_component(&mut self, kind: ComponentKind, at: Option<egui::Pos2>) {
        let model = self.state.doc.model();
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
        let p = at.unwrap_or_else(|| self.canvas.view_centre());
        c.pos = (p.x.round(), p.y.round());
        let mut cards = [c];
        advice::place_new_cards(model, &mut cards);
        let [c] = cards;
        let label = format!("Add {}", kind.label());
        self.actions.push(Action::Edit {
            label,
            edits: vec![Edit::AddComponent(c)],
            select: Some(vec![id]),
        });
    }

    fn copy_selection(&self) -> Clipboard {
        let model = self.state.doc.model();
        let chosen = &self.state.selection.components;
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

    /// Paste copies with fresh ids, offset from the originals and clear of every card; one
    /// undo step.
    fn paste(&mut self, clip: &Clipboard, verb: &str) {
        if clip.components.is_empty() {
            return;
        }
        let model = self.state.doc.model();
        let mut scratch = model.clone();
        let mut renamed = HashMap::new();
        let mut copies = Vec::new();
        for c in &clip.components {
            let id = scratch.fresh_id(&c.id);
            let mut copy = c.clone();
            copy.id = id.clone();
            copy.pos = (c.pos.0 + 40.0, c.pos.1 + 40.0);
            scratch.components.push(copy.clone());
            renamed.insert(c.id.clone(), id);
            copies.push(copy);
        }
        advice::place_new_cards(model, &mut copies);
        let mut edits: Vec<Edit> = copies.into_iter().map(Edit::AddComponent).collect();
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
        if let Some((from, to)) = self.state.selection.dependency.clone() {
            let label = format!("Delete {from} ➡ {to}");
            self.state
                .edit(&label, &[Edit::RemoveDependency { from, to }]);
            return;
        }
        let ids = self.state.selection.components.clone();
        let edits: Vec<Edit> = ids.iter().cloned().map(Edit::RemoveComponent).collect();
        let label = match ids.as_slice() {
            [one] => format!("Delete {one}"),
            many => format!("Delete {} components", many.len()),
        };
        self.state.edit(&label, &edits);
    }

    /// At least two replicas, spread over every zone of the region they run in; stores replicate.
    fn make_redundant(&mut self) {
        let model = self.state.doc.model();
        let edits: Vec<Edit> = self
            .state
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
            let label = format!(
                "Make {} redundant",
                self.state.selection.components.join(", ")
            );
            self.state.edit(&label, &edits);
        }
    }

    fn save_scenario(&mut self, name: String) {
        let events = self.state.live_knockouts();
        if events.is_empty() {
            self.state.say("Knock something out first".to_owned(), true);
            return;
        }
        let name = if name.trim().is_empty() {
            format!("What-if {}", self.state.doc.model().scenarios.len() + 1)
        } else {
            name.trim().to_owned()
        };
        let label = format!("Save scenario {name}");
        if self.state.edit(
            &label,
            &[Edit::AddScenario(Scenario { name, fail: events })],
        ) {
            self.analysis_panel.scenario_saved();
        }
    }

    /// Enter or leave presentation mode: full screen, the canvas fitted larger, view only.
    pub(super) fn toggle_presentation(&mut self, ctx: &egui::Context) {
        let on = !self.state.panels.presentation;
        if on {
            self.present.start(ctx);
        } else {
            self.present.stop(ctx);
        }
        self.state.panels.presentation = on;
        self.canvas.set_presenting(on);
        self.canvas.cancel_gesture();
        self.canvas.fit();
    }
}
