//! Analysis ▸ Chaos experiment…: seeded random failure trials on all cores, with a progress
//! bar and Cancel, and the same numbers as `spofscope chaos`. Runs off the UI thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use egui::{RichText, Ui};

use super::content::DocKey;
use super::look::{amber_text, events_words, green_text, red_text};
use super::state::State;
use super::worker::Job;
use crate::analysis::chaos::{self, ChaosReport, DEFAULT_TRIALS};
use crate::format::{chaos_interval, chaos_reference, percent};
use crate::model::Model;

/// Failure sets and participants listed, as in the CLI's report.
const TOP: usize = 10;

/// The content, trials and seed an experiment ran with.
type ChaosKey = (DocKey, u64, u64);

/// The dialog's fields and the experiment job with its progress counter.
pub struct ChaosDialog {
    open: bool,
    trials: String,
    seed: String,
    job: Job<ChaosKey, Arc<ChaosReport>>,
    /// Trials done so far, written from the experiment's worker threads.
    done: Arc<AtomicU64>,
    total: u64,
}

impl Default for ChaosDialog {
    fn default() -> Self {
        Self {
            open: false,
            trials: DEFAULT_TRIALS.to_string(),
            seed: "1".to_owned(),
            job: Job::default(),
            done: Arc::new(AtomicU64::new(0)),
            total: 0,
        }
    }
}

impl ChaosDialog {
    /// The last finished experiment, whatever content it ran on.
    pub fn report(&self) -> Option<&ChaosReport> {
        self.job.latest().map(|d| d.value.as_ref())
    }

    /// Whether an experiment is running.
    pub fn is_running(&self) -> bool {
        self.job.is_busy()
    }

    pub fn open(&mut self) {
        self.open = true;
    }

    pub fn poll(&mut self, ctx: &egui::Context) {
        self.job.poll(ctx);
    }

    /// Stop the running experiment (Cancel, or Esc).
    pub fn cancel(&mut self) {
        self.job.cancel();
    }

    /// Stop what runs and forget the result (a new document).
    pub fn forget(&mut self) {
        self.job.clear();
    }

    pub fn ui(&mut self, ctx: &egui::Context, state: &State) {
        let mut open = self.open;
        egui::Window::new("Chaos experiment")
            .open(&mut open)
            .resizable(true)
            .default_width(520.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.body_ui(ui, state));
            });
        // Closing the window stops its experiment: nothing would show the result.
        if self.open && !open && self.is_running() {
            self.cancel();
        }
        self.open = open;
    }

    fn body_ui(&mut self, ui: &mut Ui, state: &State) {
        ui.weak(
            "Every trial fails each replica, zone and region at random with its own probability \
             (1 − availability), then sees which entries go down.",
        );
        let trials = self
            .trials
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=chaos::MAX_TRIALS).contains(n));
        let seed = self.seed.trim().parse::<u64>().ok();
        let busy = self.job.is_busy();
        egui::Grid::new("chaos_settings")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("Trials");
                ui.add_enabled(
                    !busy,
                    egui::TextEdit::singleline(&mut self.trials).desired_width(120.0),
                )
                .labelled_by(label.id);
                if trials.is_none() {
                    ui.colored_label(
                        red_text(ui.visuals()),
                        format!("a whole number from 1 to {}", chaos::MAX_TRIALS),
                    );
                }
                ui.end_row();
                let label = ui.label("Seed");
                ui.add_enabled(
                    !busy,
                    egui::TextEdit::singleline(&mut self.seed).desired_width(120.0),
                )
                .labelled_by(label.id);
                if seed.is_none() {
                    ui.colored_label(red_text(ui.visuals()), "a whole number");
                }
                ui.end_row();
            });
        ui.horizontal(|ui| {
            if busy {
                let done = self.done.load(Ordering::Relaxed);
                let total = self.total.max(1);
                ui.add(
                    egui::ProgressBar::new(done as f32 / total as f32)
                        .desired_width(260.0)
                        .text(format!("{done} / {} trials", self.total)),
                );
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop the experiment (Esc)")
                    .clicked()
                {
                    self.cancel();
                }
            } else if let (Some(trials), Some(seed)) = (trials, seed)
                && ui.button("Run").clicked()
            {
                self.start(ui.ctx(), state, trials, seed);
            }
        });
        if !busy && self.job.cancelled.is_some() {
            ui.colored_label(amber_text(ui.visuals()), "Cancelled.");
        }
        if let Some(done) = self.job.latest() {
            let (key, report) = (done.key.0, Arc::clone(&done.value));
            ui.separator();
            if key != state.key() {
                ui.colored_label(
                    amber_text(ui.visuals()),
                    "Ran on an earlier version of the model.",
                );
            }
            chaos_report_ui(ui, &report, state.model());
        }
    }

    fn start(&mut self, ctx: &egui::Context, state: &State, trials: u64, seed: u64) {
        let key = (state.key(), trials, seed);
        let model = state.doc.snapshot();
        let done = Arc::new(AtomicU64::new(0));
        self.done = Arc::clone(&done);
        self.total = trials;
        self.job.clear();
        let repaint = ctx.clone();
        self.job.request(key, ctx, move |cancel| {
            let progress = |finished: u64, _total: u64| {
                // Chunks finish out of order across threads: keep the highest count.
                done.fetch_max(finished, Ordering::Relaxed);
                repaint.request_repaint();
            };
            chaos::run(&model, trials, seed, &progress, cancel)
                .ok()
                .map(Arc::new)
        });
    }
}

/// Each entry's observed availability beside the exact one, the most frequent failure sets
/// (in words, with `model`'s names), and who took part in outages most often: the numbers
/// `spofscope chaos` prints.
fn chaos_report_ui(ui: &mut Ui, c: &ChaosReport, model: &Model) {
    ui.strong(format!("{} trials, seed {}", c.trials, c.seed));
    egui::Grid::new("chaos_entries")
        .striped(true)
        .show(ui, |ui| {
            for title in ["Entry", "Observed", "95 % interval", "Exact", "Inside"] {
                ui.strong(title);
            }
            ui.end_row();
            for e in &c.entries {
                ui.label(RichText::new(&e.name).strong())
                    .on_hover_text(&e.id);
                ui.label(percent(e.observed_availability));
                ui.label(chaos_interval(e));
                ui.label(chaos_reference(e));
                if e.interval_contains_availability {
                    ui.colored_label(green_text(ui.visuals()), "yes");
                } else {
                    ui.colored_label(red_text(ui.visuals()), "NO");
                }
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    ui.label(format!(
        "Outages: {} of {} trials, from {} distinct minimal failure sets",
        c.outage_trials, c.trials, c.distinct_causes
    ));
    if !c.causes.is_empty() {
        egui::Grid::new("chaos_causes")
            .striped(true)
            .show(ui, |ui| {
                ui.strong("Trials");
                ui.strong("Failed together");
                ui.end_row();
                for k in c.causes.iter().take(TOP) {
                    ui.label(k.trials.to_string());
                    ui.label(events_words(&k.failed, model, " + "))
                        .on_hover_text(format!("Events: {}", k.failed.join(" + ")));
                    ui.end_row();
                }
            });
    }
    if !c.participants.is_empty() {
        ui.add_space(6.0);
        ui.strong("Took part in outages most often");
        egui::Grid::new("chaos_participants")
            .striped(true)
            .show(ui, |ui| {
                ui.strong("Trials");
                ui.strong("Component, zone or region");
                ui.end_row();
                for p in c.participants.iter().take(TOP) {
                    ui.label(p.trials.to_string());
                    ui.label(&p.id);
                    ui.end_row();
                }
            });
    }
}
