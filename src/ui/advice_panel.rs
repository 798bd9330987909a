//! Recommendations in the analysis panel: the engine's measured fixes, computed off the UI
//! thread for exactly the shown revision; hovering one previews it on the canvas, Apply and
//! Apply all edit through the document as one undo step each. Never analyses on the UI thread.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use super::action::Action;
use super::analysis_panel::{ROWS, more};
use super::app::{DocKey, SpofApp, plural, same_analysis_input};
use super::command::Command;
use super::look::{AMBER, DOT, GREEN, RED, strategy_colour};
use super::preview::Preview;
use super::worker::Job;
use crate::advice::{self, Advice, EntryEffect, FixOutcome, Recommendation, Strategy, Unfixable};
use crate::analysis::Report;
use crate::format::{cost_text, duration, joined, nines, percent, percents};
use crate::model::Model;

/// The recommendations job, the Apply all job and the hovered row.
#[derive(Default)]
pub struct AdviceState {
    job: Job<DocKey, Arc<Advice>>,
    /// The content and model the newest recommendations request was made for.
    made_for: Option<(DocKey, Arc<Model>)>,
    fixing: Job<DocKey, Arc<FixOutcome>>,
    /// The content Apply all was started on, while it runs.
    fixing_from: Option<DocKey>,
    /// The recommendation whose row the pointer is over this frame.
    hovered: Option<String>,
    /// The last preview drawn: (content, recommendation id, preview).
    preview: Option<(DocKey, String, Option<Arc<Preview>>)>,
}

impl SpofApp {
    // ----- what tests read -----

    /// The recommendations for exactly the current document content, once computed.
    pub fn current_advice(&self) -> Option<&Advice> {
        self.advice.job.get(&self.key()).map(|d| d.value.as_ref())
    }

    /// Whether measuring the recommendations of the current content failed.
    pub(super) fn advice_failed(&self) -> bool {
        self.advice.job.failed == Some(self.key())
    }

    /// Whether Apply all is computing its fixes.
    pub fn is_fixing(&self) -> bool {
        self.advice.fixing_from.is_some()
    }

    /// The document's revision: bumped by every edit, untouched by previews.
    pub fn document_revision(&self) -> u64 {
        self.doc.revision()
    }

    /// The recommendation previewed on the canvas, if a row is hovered.
    pub fn previewed_recommendation(&self) -> Option<&str> {
        self.advice
            .hovered
            .as_deref()
            .filter(|_| self.panels.analysis)
    }

    /// The last status bar message.
    pub fn status_message(&self) -> Option<&str> {
        self.status.as_ref().map(|(m, _)| m.as_str())
    }

    // ----- background work -----

    /// Collect finished work; ask for the recommendations of the current content once its
    /// analysis is there; apply a finished Apply all.
    pub(super) fn poll_advice(&mut self, ctx: &egui::Context) {
        self.advice.job.poll(ctx);
        self.advice.fixing.poll(ctx);
        let key = self.key();
        if let Some(done) = self.analysis.get(&key)
            && self.advice.job.wants(&key)
        {
            self.advice.job.drop_queued();
            let model = self.doc.snapshot();
            if let Some(carried) = self.advice_after_moves(&model) {
                self.advice.job.store(key, Arc::new(carried));
            } else {
                // The analysis may have been carried over from a revision that differs only
                // in positions: the report holds, and the edits start from the current model.
                let analysed = Arc::clone(&done.value);
                let current = Arc::clone(&model);
                self.advice.job.request(key, ctx, move |_| {
                    Some(Arc::new(advice::recommend(&current, &analysed.report)))
                });
            }
            self.advice.made_for = Some((key, model));
        }
        self.finish_fix_all();
    }

    /// The newest recommendations, moved along, when `model` differs from the one they were
    /// made for only in positions and scenarios: moving cards costs no new measurement.
    fn advice_after_moves(&self, model: &Model) -> Option<Advice> {
        let latest = self.advice.job.latest()?;
        let (made_key, made_model) = self.advice.made_for.as_ref()?;
        (*made_key == latest.key && same_analysis_input(made_model, model))
            .then(|| latest.value.follow_moves(made_model, model))
    }

    /// Forget the recommendations (a new document, or analyse again).
    pub(super) fn forget_advice(&mut self) {
        self.advice.job.clear();
        self.advice.made_for = None;
        self.advice.preview = None;
    }

    pub(super) fn can_fix_all(&self) -> bool {
        !self.is_fixing() && self.current_report().is_some_and(|r| !r.spofs.is_empty())
    }

    /// Compute `advice::fix_all` off the UI thread; it applies when done if the document is
    /// still the one it started from.
    pub(super) fn start_fix_all(&mut self, ctx: &egui::Context) {
        let key = self.key();
        let model = self.doc.snapshot();
        self.advice.fixing_from = Some(key);
        self.advice
            .fixing
            .request(key, ctx, move |_| Some(Arc::new(advice::fix_all(&model))));
    }

    fn finish_fix_all(&mut self) {
        let Some(from) = self.advice.fixing_from else {
            return;
        };
        if self.advice.fixing.failed == Some(from) {
            self.advice.fixing_from = None;
            self.advice.fixing.clear();
            self.say("Apply all fixes failed".to_owned(), true);
            return;
        }
        let Some(outcome) = self.advice.fixing.get(&from).map(|d| Arc::clone(&d.value)) else {
            return;
        };
        self.advice.fixing_from = None;
        self.advice.fixing.clear();
        if from != self.key() {
            self.say(
                "Apply all fixes stopped: the model changed while the fixes were computed"
                    .to_owned(),
                true,
            );
            return;
        }
        let n = outcome.applied.len();
        if n > 0 && !self.edit("Apply all fixes", &outcome.edits) {
            return;
        }
        let (message, error) = fix_summary(n, &outcome.unfixable);
        self.say(message, error);
    }

    /// The preview of the hovered recommendation, computed once per content and row.
    pub(super) fn canvas_preview(&mut self) -> Option<Arc<Preview>> {
        let id = self.previewed_recommendation()?.to_owned();
        self.recommendation_preview(id)
    }

    /// The preview of the current recommendation `id`, computed once per content and id.
    pub(super) fn recommendation_preview(&mut self, id: String) -> Option<Arc<Preview>> {
        let key = self.key();
        if let Some((k, i, p)) = &self.advice.preview
            && *k == key
            && *i == id
        {
            return p.clone();
        }
        let rec = self
            .current_advice()?
            .recommendations
            .iter()
            .find(|r| r.id == id)?;
        let model = self.doc.model();
        let preview = Preview::of(model, &rec.edits).ok().map(Arc::new);
        self.advice.preview = Some((key, id, preview.clone()));
        preview
    }

    // ----- the panel section -----

    /// Called before the panel is drawn: no row is hovered until one says so.
    pub(super) fn unhover_recommendation(&mut self) {
        self.advice.hovered = None;
    }

    /// One row per recommendation, in the engine's order, with Apply; Apply all on top.
    pub(super) fn recommendations_ui(&mut self, ui: &mut Ui, report: &Report) {
        let key = self.key();
        let current = self.advice.job.get(&key).is_some();
        let Some(advice) = self.advice.job.latest().map(|d| Arc::clone(&d.value)) else {
            ui.horizontal(|ui| {
                ui.strong("Recommendations");
                self.advice_status_ui(ui, current);
            });
            return;
        };
        let recommendations = &advice.recommendations;
        egui::CollapsingHeader::new(
            RichText::new(format!("Recommendations ({})", recommendations.len())).strong(),
        )
        .id_salt("recommendations")
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                self.command_button(ui, Command::ApplyAllFixes);
                if self.is_fixing() {
                    ui.spinner();
                    ui.weak("fixing…");
                }
                self.advice_status_ui(ui, current);
            });
            if recommendations.is_empty() {
                ui.colored_label(GREEN, "✔ Nothing a model edit can improve.");
            }
            let live = current && ui.is_enabled();
            ui.add_enabled_ui(live, |ui| {
                for r in recommendations.iter().take(ROWS) {
                    self.recommendation_ui(ui, r, report, live);
                }
            });
            more(ui, recommendations.len());
            if !advice.unmeasured.is_empty() {
                ui.weak(format!(
                    "Fixes for {} more SPOFs and findings were not measured on a model this large; Apply all fixes covers every SPOF.",
                    advice.unmeasured.len()
                ));
            }
        });
    }

    /// A spinner while the recommendations of the shown content are computed; none while
    /// they wait for its analysis (which has its own) or when they cannot come.
    fn advice_status_ui(&self, ui: &mut Ui, current: bool) {
        if current {
            return;
        }
        if self.advice_failed() {
            ui.colored_label(RED, "failed");
        } else if self.analysis_is_current() {
            ui.spinner();
            ui.weak("measuring fixes…");
        } else {
            ui.weak("after the analysis");
        }
    }

    fn recommendation_ui(&mut self, ui: &mut Ui, r: &Recommendation, report: &Report, live: bool) {
        let frame = egui::Frame::group(ui.style()).inner_margin(6.0);
        let rect = frame
            .show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    strategy_chip(ui, r.strategy);
                    if let Some(change) = &r.cost.code_change {
                        ui.colored_label(AMBER, "⚠ code change needed")
                            .on_hover_text(change);
                    }
                });
                ui.label(RichText::new(&r.summary).strong())
                    .on_hover_text(&r.rationale);
                if !r.removes_spofs.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.colored_label(RED, DOT);
                        ui.label(format!("removes {}", joined(&r.removes_spofs, ", ")));
                    });
                }
                for e in &r.entries {
                    let name = report.entry(&e.id).map_or(e.id.as_str(), |x| &x.name);
                    ui.label(effect_text(name, e));
                }
                ui.weak(format!(
                    "{} · {}",
                    saving_text(r.downtime_saved_minutes_per_year),
                    cost_text(&r.cost)
                ));
                let apply = ui
                    .button("Apply")
                    .on_hover_text(format!("One undo step: {}", r.summary));
                if apply.clicked() {
                    self.actions.push(Action::Edit {
                        label: r.summary.clone(),
                        edits: r.edits.clone(),
                        select: None,
                    });
                }
            })
            .response
            .rect;
        if live && ui.rect_contains_pointer(rect) {
            self.advice.hovered = Some(r.id.clone());
        }
    }
}

/// What Apply all says in the status bar: how many fixes, and each SPOF left with the
/// reason no edit removed it (an error then: the model still has SPOFs).
fn fix_summary(applied: usize, unfixable: &[Unfixable]) -> (String, bool) {
    let left = match unfixable {
        [] => "no SPOF left".to_owned(),
        rest => {
            let each: Vec<String> = rest
                .iter()
                .map(|u| format!("{} ({})", u.spof.event(), u.reason))
                .collect();
            format!(
                "{} SPOF{} left: {}",
                rest.len(),
                plural(rest.len()),
                each.join("; ")
            )
        }
    };
    let fixes = if applied == 1 { "fix" } else { "fixes" };
    (
        format!("Applied {applied} {fixes}; {left}"),
        !unfixable.is_empty(),
    )
}

/// The strategy's name on its colour.
fn strategy_chip(ui: &mut Ui, strategy: Strategy) {
    egui::Frame::new()
        .fill(strategy_colour(strategy))
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(5, 1))
        .show(ui, |ui| {
            ui.label(
                RichText::new(strategy.label())
                    .color(Color32::WHITE)
                    .small(),
            );
        });
}

/// `Web users: 99.54 % ➡ 99.99 % · 2.3 ➡ 4.0 nines`, or `… (unchanged)`.
fn effect_text(name: &str, e: &EntryEffect) -> String {
    let estimate = if e.exact { "" } else { " (estimate)" };
    if e.downtime_saved_minutes_per_year > 0.0 {
        let (before, after) = percents(e.before, e.after);
        format!(
            "{name}: {before} ➡ {after} · {} ➡ {}{estimate}",
            nines(e.before).trim_end_matches(" nines"),
            nines(e.after)
        )
    } else {
        format!("{name}: {} (unchanged){estimate}", percent(e.before))
    }
}

/// `saves 39 h 16 min / year down`, or that it saves none.
fn saving_text(minutes: f64) -> String {
    if minutes > 0.0 {
        format!("saves {} / year down", duration(minutes))
    } else {
        "no downtime saved".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_all_names_each_spof_left_with_its_reason() {
        assert_eq!(
            fix_summary(3, &[]),
            ("Applied 3 fixes; no SPOF left".to_owned(), false)
        );
        let left = Unfixable {
            spof: crate::analysis::Spof {
                kind: crate::analysis::DomainKind::Zone,
                id: "eu-a".to_owned(),
                takes_down: vec!["users".to_owned()],
                blast_radius: vec!["lb".to_owned()],
            },
            reason: "no component in zone:eu-a can be spread".to_owned(),
        };
        assert_eq!(
            fix_summary(1, &[left]),
            (
                "Applied 1 fix; 1 SPOF left: zone:eu-a (no component in zone:eu-a can be spread)"
                    .to_owned(),
                true
            )
        );
    }

    #[test]
    fn an_effect_reads_like_the_rest_of_the_panel() {
        let e = EntryEffect {
            id: "users".to_owned(),
            before: 0.9954,
            after: 0.9999,
            downtime_saved_minutes_per_year: 2356.0,
            full_service_before: 0.99,
            full_service_after: 0.99,
            exact: true,
        };
        assert_eq!(
            effect_text("Web users", &e),
            "Web users: 99.54 % ➡ 99.99 % · 2.3 ➡ 4.0 nines"
        );
        let same = EntryEffect {
            after: 0.9954,
            downtime_saved_minutes_per_year: 0.0,
            ..e
        };
        assert_eq!(
            effect_text("Web users", &same),
            "Web users: 99.54 % (unchanged)"
        );
        assert_eq!(saving_text(2356.0), "saves 39 h 16 min / year down");
        assert_eq!(saving_text(0.0), "no downtime saved");
    }
}
