//! What every panel reads each frame: the document, the selection, the what-if and the
//! results computed from them off the UI thread. Panels get it read-only (`&State`) and
//! push actions; only the app applying them changes it. Must not draw anything.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::ThemePreference;

use super::command::Command;
use super::compare::Compare;
use super::comparison::ScenarioComparison;
use super::content::{Analysed, DocKey};
use super::files::Settings;
use super::recommendations::{FixAllEnd, Recommendations, fix_summary};
use super::transfer::{Exporting, ReadingResult};
use super::whatif::WhatIfState;
use super::worker::{Done, Job, KnownDifferent};
use crate::advice::Advice;
use crate::analysis::{self, Options, Progress, Report, Stop, WhatIf};
use crate::edit::recovery::FileStamp;
use crate::edit::{Document, Edit};
use crate::io::journal::ChaosResult;
use crate::model::{Component, Dependency, Event, Model};

/// An analysis or what-if running this long for older content is stopped when an edit
/// or a knockout asks for a newer one (a model over the node budget takes seconds);
/// quicker ones finish, so the panel keeps up during quick successive edits.
pub(super) const SUPERSEDE_AFTER: Duration = Duration::from_secs(1);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// In the order they were selected (connecting uses it).
    pub components: Vec<String>,
    pub dependency: Option<(String, String)>,
}

/// Components and the dependencies among them, ready to paste.
#[derive(Clone, Debug)]
pub struct Clipboard {
    pub components: Vec<Component>,
    pub dependencies: Vec<Dependency>,
}

/// Which regions of the window show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panels {
    pub palette: bool,
    pub inspector: bool,
    pub analysis: bool,
    pub presentation: bool,
}

/// The document and everything known about it.
pub struct State {
    pub(super) doc: Document,
    /// The document's file as it was when opened or last saved: Save asks before
    /// overwriting changes someone else made since.
    pub(super) disk: Option<FileStamp>,
    /// Bumped for every newly opened document, so results for an old one never apply.
    pub(super) generation: u64,
    /// The built-in sample the document came from, if any.
    pub(super) sample: Option<&'static str>,
    pub(super) settings: Settings,
    pub(super) selection: Selection,
    pub(super) clipboard: Option<Clipboard>,
    pub(super) whatif: WhatIfState,
    pub(super) analysis: Job<DocKey, Arc<Analysed>>,
    /// What the newest analysis requested reports while it runs.
    pub(super) analysis_progress: Arc<Progress>,
    /// Moving cards changes no analysis: the last one is carried over unless known to differ.
    analysis_different: KnownDifferent<DocKey>,
    /// Recommendations and Apply all, computed off the UI thread.
    pub(super) recommendations: Recommendations,
    /// The scenario comparison, computed off the UI thread.
    pub(super) comparison: ScenarioComparison,
    /// File ▸ Compare with…: this model against another file, computed off the UI thread.
    pub(super) compare: Compare,
    pub(super) exporting: Exporting,
    /// Scenarios ▸ Read experiment result, reading off the UI thread.
    pub(super) reading: ReadingResult,
    /// The last chaos experiment result read this session (never saved in the model).
    pub(super) chaos_result: Option<ChaosResult>,
    /// The status bar's message, and whether it reports an error.
    pub(super) status: Option<(String, bool)>,
    pub(super) panels: Panels,
}

impl State {
    pub fn new(settings: Settings) -> Self {
        Self {
            doc: Document::new(Model::default(), None),
            disk: None,
            generation: 0,
            sample: None,
            settings,
            selection: Selection::default(),
            clipboard: None,
            whatif: WhatIfState::default(),
            analysis: Job::superseding(SUPERSEDE_AFTER),
            analysis_progress: Arc::default(),
            analysis_different: KnownDifferent::default(),
            recommendations: Recommendations::default(),
            comparison: ScenarioComparison::default(),
            compare: Compare::default(),
            exporting: Exporting::default(),
            reading: ReadingResult::default(),
            chaos_result: None,
            status: None,
            panels: Panels {
                palette: true,
                inspector: true,
                analysis: true,
                presentation: false,
            },
        }
    }

    pub fn model(&self) -> &Model {
        self.doc.model()
    }

    pub fn key(&self) -> DocKey {
        (self.generation, self.doc.revision())
    }

    /// Knockouts that still name something in the model (edits may remove their targets).
    pub fn live_knockouts(&self) -> Vec<Event> {
        self.whatif.live(self.doc.model())
    }

    /// The scenario Scenarios ▸ Export experiment writes: the one whose events are knocked
    /// out in the what-if, else the first.
    pub fn experiment_scenario(&self) -> Option<&str> {
        let scenarios = &self.doc.model().scenarios;
        let live: BTreeSet<Event> = if self.whatif.is_on() {
            self.live_knockouts().into_iter().collect()
        } else {
            BTreeSet::new()
        };
        scenarios
            .iter()
            .find(|s| !live.is_empty() && s.fail.iter().cloned().collect::<BTreeSet<_>>() == live)
            .or_else(|| scenarios.first())
            .map(|s| s.name.as_str())
    }

    /// The last chaos experiment result read, when it is about `scenario`.
    pub fn chaos_result_of(&self, scenario: &str) -> Option<&ChaosResult> {
        self.chaos_result
            .as_ref()
            .filter(|r| r.scenario == scenario)
    }

    // ----- the analysis -----

    pub fn current_report(&self) -> Option<&Report> {
        self.analysis.get(&self.key()).map(|d| &d.value.report)
    }

    /// The analysis of exactly the current content, as held across a frame.
    pub fn current_analysis(&self) -> Option<Arc<Analysed>> {
        self.analysis.get(&self.key()).map(|d| Arc::clone(&d.value))
    }

    /// The newest analysis, whatever content it was computed for.
    pub fn analysis_done(&self) -> Option<&Done<DocKey, Arc<Analysed>>> {
        self.analysis.latest()
    }

    pub fn analysis_is_current(&self) -> bool {
        self.current_report().is_some()
    }

    /// Whether the user cancelled the analysis of the current content.
    pub fn analysis_cancelled(&self) -> bool {
        self.analysis.cancelled == Some(self.key())
    }

    /// Scenarios the running analysis has sampled so far, for parts of the model no
    /// diagram fits (0 when none, or when no analysis runs).
    pub fn analysis_sampled(&self) -> u64 {
        if self.analysis.is_busy() {
            self.analysis_progress.scenarios()
        } else {
            0
        }
    }

    pub fn current_whatif(&self) -> Option<&WhatIf> {
        self.whatif.current(self.key(), self.doc.model())
    }

    pub fn current_advice(&self) -> Option<&Advice> {
        self.recommendations.current(self.key())
    }

    pub fn advice_failed(&self) -> bool {
        self.recommendations.failed(self.key())
    }

    pub fn can_fix_all(&self) -> bool {
        !self.recommendations.is_fixing()
            && self.current_report().is_some_and(|r| !r.spofs.is_empty())
    }

    // ----- the document -----

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

    /// The file being exported, while it is written.
    pub fn exporting_to(&self) -> Option<&PathBuf> {
        self.exporting.to()
    }

    // ----- commands -----

    /// Whether `command` can run now: menus grey it out, shortcuts skip it.
    pub fn enabled(&self, command: Command) -> bool {
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
            Command::ResetWhatIf => !self.whatif.knockouts().is_empty(),
            Command::CancelAnalysis => self.analysis.is_busy(),
            Command::ApplyAllFixes => self.can_fix_all(),
            Command::CloseCompare => self.compare.is_on(),
            Command::ExportExperiment | Command::ReadExperimentResult => {
                !self.doc.model().scenarios.is_empty()
            }
            _ => true,
        }
    }

    /// `command`'s menu text: Undo and Redo name the edit.
    pub fn command_label(&self, command: Command) -> String {
        let history = self.doc.history();
        match command {
            Command::Undo => history
                .undo_label()
                .map_or_else(|| "Undo".to_owned(), |l| format!("Undo {l}")),
            Command::Redo => history
                .redo_label()
                .map_or_else(|| "Redo".to_owned(), |l| format!("Redo {l}")),
            _ => command.label().to_owned(),
        }
    }

    /// Whether a toggle command is on; `None` for a command that is no toggle.
    pub fn checked(&self, command: Command) -> Option<bool> {
        match command {
            Command::TogglePalette => Some(self.panels.palette),
            Command::ToggleInspector => Some(self.panels.inspector),
            Command::ToggleAnalysis => Some(self.panels.analysis),
            Command::Presentation => Some(self.panels.presentation),
            Command::ToggleWhatIf => Some(self.whatif.is_on()),
            Command::ThemeSystem => Some(self.settings.theme == ThemePreference::System),
            Command::ThemeLight => Some(self.settings.theme == ThemePreference::Light),
            Command::ThemeDark => Some(self.settings.theme == ThemePreference::Dark),
            _ => None,
        }
    }

    // ----- background work -----

    /// Collect finished work and ask for what the current content lacks: its analysis (or
    /// the last one carried over when only positions or scenarios changed), what-if,
    /// recommendations, and the scenario comparison while the panel's table (`comparing`)
    /// or a presentation shows it.
    pub fn poll(&mut self, ctx: &egui::Context, comparing: bool) {
        self.analysis.poll(ctx);
        let key = self.key();
        if self.analysis.get(&key).is_none() {
            let unchanged = match self.analysis.latest() {
                // Different prints, different input: the models are compared only when
                // they may be the same.
                Some(latest) => self.analysis_different.same(latest.key, key, || {
                    latest.value.print == self.doc.analysis_print()
                        && latest.value.model.same_analysis_input(self.doc.model())
                }),
                None => false,
            };
            if unchanged {
                // A request still waiting is for content older than this.
                self.analysis.drop_queued();
                self.analysis.relabel(key);
            } else if self.analysis.wants(&key) {
                self.analysis.drop_queued();
                let model = self.doc.snapshot();
                let print = self.doc.analysis_print();
                let progress = Arc::new(Progress::default());
                self.analysis_progress = Arc::clone(&progress);
                self.analysis.request(key, ctx, move |cancel| {
                    let stop = Stop::on(cancel).reporting(&progress);
                    let report = analysis::analyze_until(&model, &Options::default(), stop).ok()?;
                    Some(Arc::new(Analysed {
                        report,
                        model,
                        print,
                    }))
                });
            }
        }
        let analysed = self.analysis.get(&key).map(|d| &d.value);
        self.recommendations.poll(ctx, key, &self.doc, analysed);
        self.finish_fix_all();
        // After Apply all's edit: these ask for the content it made.
        let key = self.key();
        let compare = comparing || self.panels.presentation;
        self.comparison.poll(ctx, key, &self.doc, compare);
        self.whatif.poll(ctx, &self.doc, key);
        let analysed = self.current_analysis();
        self.compare.poll(ctx, key, analysed);
    }

    // ----- changing it, only where actions are applied -----

    /// Apply one undo step; an edit the model rejects is reported, never half-applied.
    pub fn edit(&mut self, label: &str, edits: &[Edit]) -> bool {
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

    pub fn undo(&mut self) {
        let label = self.doc.history().undo_label().map(ToOwned::to_owned);
        if self.doc.undo() {
            self.after_document_change();
            self.say(format!("Undid: {}", label.unwrap_or_default()), false);
        }
    }

    pub fn redo(&mut self) {
        let label = self.doc.history().redo_label().map(ToOwned::to_owned);
        if self.doc.redo() {
            self.after_document_change();
            self.say(format!("Redid: {}", label.unwrap_or_default()), false);
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
        self.whatif.retain_live(model);
    }

    /// Put `message` in the status bar.
    pub fn say(&mut self, message: String, error: bool) {
        self.status = Some((message, error));
    }

    /// Apply a finished Apply all as one undo step, and say how it went.
    fn finish_fix_all(&mut self) {
        let Some(end) = self.recommendations.finish_fix_all(self.key()) else {
            return;
        };
        match end {
            FixAllEnd::Failed => self.say("Apply all fixes failed".to_owned(), true),
            FixAllEnd::Stale => self.say(
                "Apply all fixes stopped: the model changed while the fixes were computed"
                    .to_owned(),
                true,
            ),
            FixAllEnd::Done(outcome) => {
                let n = outcome.applied.len();
                if n > 0 && !self.edit("Apply all fixes", &outcome.edits) {
                    return;
                }
                let (message, error) = fix_summary(n, &outcome.unfixable);
                self.say(message, error);
            }
        }
    }
}
