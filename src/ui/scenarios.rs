//! The model's scenarios in the analysis panel: add, rename, reorder, delete, run one in
//! what-if mode, and compare them all side by side. Edits go through the document; the
//! comparison runs off the UI thread for exactly the shown revision, never a stale one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{RichText, Ui};

use super::action::Action;
use super::app::{DocKey, SpofApp};
use super::look::{AMBER, RED};
use super::worker::Job;
use crate::analysis::{self, WhatIf};
use crate::edit::Edit;
use crate::format::{joined, percent};
use crate::model::{Event, Model, Scenario};

/// One scenario's knockout, as `analysis::whatif` sees it.
pub struct ScenarioOutcome {
    pub name: String,
    pub result: Result<WhatIf, String>,
}

/// Every scenario's outcome and the model they were computed on.
pub struct Comparison {
    model: Arc<Model>,
    outcomes: Vec<ScenarioOutcome>,
}

impl Comparison {
    /// The knockout of the `i`th scenario.
    pub(super) fn outcome(&self, i: usize) -> Option<&Result<WhatIf, String>> {
        self.outcomes.get(i).map(|o| &o.result)
    }
}

/// The comparison job, whether the user asked for it, and the name being typed.
#[derive(Default)]
pub struct ScenariosState {
    job: Job<DocKey, Arc<Comparison>>,
    /// "Run all" was pressed: keep the comparison of the current content computed.
    comparing: bool,
    /// The row whose name field holds an uncommitted name.
    renaming: Option<(usize, String)>,
}

impl SpofApp {
    /// Whether the scenario comparison shown was computed for the current content.
    pub fn scenario_comparison_is_current(&self) -> bool {
        self.scenarios.job.get(&self.key()).is_some()
    }

    pub(super) fn poll_scenarios(&mut self, ctx: &egui::Context) {
        self.scenarios.job.poll(ctx);
        let key = self.key();
        // The comparison table and the presentation's scenario slides share one computation.
        let wanted = self.scenarios.comparing || self.is_presenting();
        if !wanted || self.scenarios.job.get(&key).is_some() {
            return;
        }
        // Moving cards changes no outcome: keep the table instead of computing it again.
        let moved_only = self.scenarios.job.latest().is_some_and(|d| {
            let (was, now) = (&d.value.model, self.doc.model());
            was.scenarios == now.scenarios && was.same_analysis_input(now)
        });
        if moved_only {
            self.scenarios.job.relabel(key);
        } else if self.scenarios.job.wants(&key) {
            let model = self.doc.snapshot();
            self.scenarios.job.request(key, ctx, move |cancel| {
                let outcomes = compare(&model, cancel)?;
                Some(Arc::new(Comparison { model, outcomes }))
            });
        }
    }

    /// The comparison of the current content, once computed.
    pub(super) fn scenario_comparison(&self) -> Option<Arc<Comparison>> {
        self.scenarios
            .job
            .get(&self.key())
            .map(|d| Arc::clone(&d.value))
    }

    /// Whether comparing the scenarios of the current content failed.
    pub(super) fn scenario_comparison_failed(&self) -> bool {
        self.scenarios.job.failed == Some(self.key())
    }

    /// Forget the comparison (a new document, or analyse again).
    pub(super) fn forget_scenarios(&mut self) {
        self.scenarios.job.clear();
        self.scenarios.comparing = false;
        self.scenarios.renaming = None;
    }

    pub(super) fn scenario_list_ui(&mut self, ui: &mut Ui, model: &Model) {
        let n = model.scenarios.len();
        egui::CollapsingHeader::new(RichText::new(format!("Scenarios ({n})")).strong())
            .id_salt("scenarios")
            .default_open(false)
            .show(ui, |ui| {
                if n == 0 {
                    ui.weak("No scenario yet: knock things out in what-if mode and add one.");
                }
                for (i, s) in model.scenarios.iter().enumerate() {
                    self.scenario_row_ui(ui, model, i, s);
                }
                ui.horizontal(|ui| {
                    let knocked = if self.whatif_mode {
                        self.live_knockouts()
                    } else {
                        Vec::new()
                    };
                    let hint = if knocked.is_empty() {
                        "Add an empty scenario".to_owned()
                    } else {
                        format!("Add a scenario that knocks out {}", joined(&knocked, ", "))
                    };
                    if ui.button("Add scenario").on_hover_text(hint).clicked() {
                        let name = fresh_name(model);
                        let mut all = model.scenarios.clone();
                        all.push(Scenario {
                            name: name.clone(),
                            fail: knocked,
                        });
                        self.scenario_edit(format!("Add scenario {name}"), all);
                    }
                    if ui
                        .add_enabled(n > 0, egui::Button::new("Run all"))
                        .on_hover_text("Compare every scenario's knockout side by side")
                        .clicked()
                    {
                        self.scenarios.comparing = true;
                    }
                });
                if self.scenarios.comparing && n > 0 {
                    self.comparison_ui(ui);
                }
            });
    }

    fn scenario_row_ui(&mut self, ui: &mut Ui, model: &Model, i: usize, s: &Scenario) {
        let n = model.scenarios.len();
        ui.horizontal(|ui| {
            let mut text = match &self.scenarios.renaming {
                Some((row, typed)) if *row == i => typed.clone(),
                _ => s.name.clone(),
            };
            let field = ui.add(
                egui::TextEdit::singleline(&mut text)
                    .id_salt(("scenario_name", i))
                    .desired_width(130.0),
            );
            if field.changed() {
                self.scenarios.renaming = Some((i, text.clone()));
            }
            if field.lost_focus()
                && let Some((row, typed)) = self.scenarios.renaming.take()
            {
                let typed = typed.trim();
                if row == i && !typed.is_empty() && typed != s.name {
                    let mut all = model.scenarios.clone();
                    all[i].name = typed.to_owned();
                    self.scenario_edit(format!("Rename scenario {} to {typed}", s.name), all);
                }
            }
            if ui
                .small_button("▶")
                .on_hover_text("Knock these out in what-if mode")
                .clicked()
            {
                self.actions.push(Action::SetKnockouts(s.fail.clone()));
            }
            if ui
                .add_enabled(i > 0, egui::Button::new("⬆").small())
                .on_hover_text("Move up")
                .clicked()
            {
                let mut all = model.scenarios.clone();
                all.swap(i - 1, i);
                self.scenario_edit(format!("Move scenario {} up", s.name), all);
            }
            if ui
                .add_enabled(i + 1 < n, egui::Button::new("⬇").small())
                .on_hover_text("Move down")
                .clicked()
            {
                let mut all = model.scenarios.clone();
                all.swap(i, i + 1);
                self.scenario_edit(format!("Move scenario {} down", s.name), all);
            }
            if ui
                .small_button("🗑")
                .on_hover_text("Delete this scenario")
                .clicked()
            {
                let mut all = model.scenarios.clone();
                all.remove(i);
                self.scenario_edit(format!("Delete scenario {}", s.name), all);
            }
            let fail = if s.fail.is_empty() {
                "nothing".to_owned()
            } else {
                Event::list_in_words(&s.fail, model, ", ")
            };
            ui.add(egui::Label::new(RichText::new(fail).weak()).truncate())
                .on_hover_text(format!("Events: {}", joined(&s.fail, ", ")));
        });
    }

    fn scenario_edit(&mut self, label: String, scenarios: Vec<Scenario>) {
        self.actions.push(Action::Edit {
            label,
            edits: vec![Edit::SetScenarios(scenarios)],
            select: None,
        });
    }

    /// Per scenario: each entry's availability with the knockout in place (or that it is
    /// down), and how many components are down and degraded.
    fn comparison_ui(&mut self, ui: &mut Ui) {
        let Some(done) = self.scenarios.job.get(&self.key()) else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("comparing the scenarios…");
            });
            return;
        };
        let comparison = Arc::clone(&done.value);
        let outcomes = &comparison.outcomes;
        let entries: Vec<String> = outcomes
            .iter()
            .find_map(|o| o.result.as_ref().ok())
            .map(|w| w.entries.iter().map(|e| e.name.clone()).collect())
            .unwrap_or_default();
        // Narrow enough for the panel: an entry's column says "down" where the knockout
        // takes it down, so no column lists the entries down by name.
        egui::ScrollArea::horizontal()
            .id_salt("scenario_comparison")
            .show(ui, |ui| {
                egui::Grid::new("scenario_comparison")
                    .striped(true)
                    .spacing([6.0, 4.0])
                    .max_col_width(120.0)
                    .show(ui, |ui| {
                        ui.strong("Scenario");
                        for name in &entries {
                            ui.strong(name);
                        }
                        ui.strong("Down");
                        ui.strong("Degraded");
                        ui.end_row();
                        for o in outcomes.iter() {
                            ui.add(egui::Label::new(&o.name).wrap());
                            match &o.result {
                                Ok(w) => comparison_row_ui(ui, w),
                                Err(e) => {
                                    ui.colored_label(RED, e);
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
    }
}

/// Each entry's availability with the knockout in place ("down" in red when it is down),
/// then how many components are down and degraded.
fn comparison_row_ui(ui: &mut Ui, w: &WhatIf) {
    for e in &w.entries {
        if w.entries_down.contains(&e.id) {
            ui.colored_label(RED, "down");
        } else {
            ui.label(percent(e.availability));
        }
    }
    ui.label(w.down.len().to_string());
    let degraded = w.degraded.len().to_string();
    if w.degraded.is_empty() {
        ui.label(degraded);
    } else {
        ui.colored_label(AMBER, degraded);
    }
}

/// Every scenario's knockout in model order; `None` once cancelled.
fn compare(model: &Model, cancel: &AtomicBool) -> Option<Vec<ScenarioOutcome>> {
    let mut out = Vec::with_capacity(model.scenarios.len());
    for s in &model.scenarios {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        out.push(ScenarioOutcome {
            name: s.name.clone(),
            result: analysis::whatif(model, &s.fail).map_err(|e| e.to_string()),
        });
    }
    Some(out)
}

/// "Scenario N" that no scenario has yet.
fn fresh_name(model: &Model) -> String {
    (model.scenarios.len() + 1..)
        .map(|i| format!("Scenario {i}"))
        .find(|name| model.scenarios.iter().all(|s| s.name != *name))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_name_skips_names_in_use() {
        let mut model = Model::default();
        assert_eq!(fresh_name(&model), "Scenario 1");
        model.scenarios.push(Scenario {
            name: "Scenario 2".to_owned(),
            fail: Vec::new(),
        });
        assert_eq!(fresh_name(&model), "Scenario 3");
    }

    #[test]
    fn the_comparison_is_each_scenarios_whatif_in_order() {
        let model = Model {
            scenarios: vec![
                Scenario {
                    name: "bad".to_owned(),
                    fail: vec![Event::Zone("nowhere".to_owned())],
                },
                Scenario {
                    name: "none".to_owned(),
                    fail: Vec::new(),
                },
            ],
            ..Model::default()
        };
        let outcomes = compare(&model, &AtomicBool::new(false)).unwrap_or_default();
        let names: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["bad", "none"]);
        assert!(outcomes[0].result.is_err());
        assert_eq!(
            outcomes[1].result.as_ref().ok(),
            crate::analysis::whatif(&model, &[]).ok().as_ref()
        );
        assert!(compare(&model, &AtomicBool::new(true)).is_none());
    }
}
