//! The model's scenarios in the analysis panel: add, rename, reorder, delete, run one in
//! what-if mode, and compare them all side by side. Edits go out as actions; the
//! comparison is computed elsewhere, for exactly the shown revision.

use egui::{RichText, Ui};

use super::action::Action;
use super::look::{amber_text, red_text};
use super::state::State;
use crate::analysis::WhatIf;
use crate::edit::Edit;
use crate::format::{joined, percent};
use crate::io::journal::{ChaosResult, Observed};
use crate::io::report;
use crate::model::{Event, Model, Scenario};

/// The scenario list's own state: a name being typed, and whether the comparison shows.
#[derive(Default)]
pub struct ScenarioList {
    /// "Run all" was pressed: keep the comparison of the current content computed.
    comparing: bool,
    /// The row whose name field holds an uncommitted name.
    renaming: Option<(usize, String)>,
}

impl ScenarioList {
    /// Whether the comparison table shows, so it must be computed.
    pub fn is_comparing(&self) -> bool {
        self.comparing
    }

    /// Forget the comparison and the name being typed (a new document, or analyse again).
    pub fn forget(&mut self) {
        self.comparing = false;
        self.renaming = None;
    }

    pub fn ui(&mut self, ui: &mut Ui, state: &State, model: &Model, actions: &mut Vec<Action>) {
        let n = model.scenarios.len();
        egui::CollapsingHeader::new(RichText::new(format!("Scenarios ({n})")).strong())
            .id_salt("scenarios")
            .default_open(false)
            .show(ui, |ui| {
                if n == 0 {
                    ui.weak("No scenario yet: knock things out in what-if mode and add one.");
                }
                for (i, s) in model.scenarios.iter().enumerate() {
                    self.row_ui(ui, state, model, i, s, actions);
                }
                ui.horizontal(|ui| {
                    let knocked = if state.whatif.is_on() {
                        state.live_knockouts()
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
                        scenario_edit(actions, format!("Add scenario {name}"), all);
                    }
                    if ui
                        .add_enabled(n > 0, egui::Button::new("Run all"))
                        .on_hover_text("Compare every scenario's knockout side by side")
                        .clicked()
                    {
                        self.comparing = true;
                    }
                });
                if self.comparing && n > 0 {
                    comparison_ui(ui, state);
                }
            });
    }

    fn row_ui(
        &mut self,
        ui: &mut Ui,
        state: &State,
        model: &Model,
        i: usize,
        s: &Scenario,
        actions: &mut Vec<Action>,
    ) {
        let n = model.scenarios.len();
        ui.horizontal(|ui| {
            let mut text = match &self.renaming {
                Some((row, typed)) if *row == i => typed.clone(),
                _ => s.name.clone(),
            };
            let field = ui.add(
                egui::TextEdit::singleline(&mut text)
                    .id_salt(("scenario_name", i))
                    .desired_width(130.0),
            );
            if field.changed() {
                self.renaming = Some((i, text.clone()));
            }
            if field.lost_focus()
                && let Some((row, typed)) = self.renaming.take()
            {
                let typed = typed.trim();
                if row == i && !typed.is_empty() && typed != s.name {
                    let mut all = model.scenarios.clone();
                    all[i].name = typed.to_owned();
                    scenario_edit(
                        actions,
                        format!("Rename scenario {} to {typed}", s.name),
                        all,
                    );
                }
            }
            if ui
                .small_button("▶")
                .on_hover_text("Knock these out in what-if mode")
                .clicked()
            {
                actions.push(Action::SetKnockouts(s.fail.clone()));
            }
            if ui
                .add_enabled(i > 0, egui::Button::new("⬆").small())
                .on_hover_text("Move up")
                .clicked()
            {
                let mut all = model.scenarios.clone();
                all.swap(i - 1, i);
                scenario_edit(actions, format!("Move scenario {} up", s.name), all);
            }
            if ui
                .add_enabled(i + 1 < n, egui::Button::new("⬇").small())
                .on_hover_text("Move down")
                .clicked()
            {
                let mut all = model.scenarios.clone();
                all.swap(i, i + 1);
                scenario_edit(actions, format!("Move scenario {} down", s.name), all);
            }
            if ui
                .small_button("🗑")
                .on_hover_text("Delete this scenario")
                .clicked()
            {
                let mut all = model.scenarios.clone();
                all.remove(i);
                scenario_edit(actions, format!("Delete scenario {}", s.name), all);
            }
            if let Some(result) = state.chaos_result_of(&s.name) {
                chaos_result_ui(ui, result);
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
}

/// The last experiment run of this scenario, read this session: agrees, inconclusive (the
/// system was unhealthy before, or nothing was observed) or how many mismatches, the whole
/// comparison on hover.
fn chaos_result_ui(ui: &mut Ui, result: &ChaosResult) {
    let n = result.findings.len();
    let label = if n > 0 {
        RichText::new(format!("⚠ {n} mismatch{}", if n == 1 { "" } else { "es" }))
            .color(red_text(ui.visuals()))
    } else if result.before_met == Some(false)
        || result
            .entries
            .iter()
            .all(|e| e.observed == Observed::NotObserved)
    {
        RichText::new("experiment inconclusive").weak()
    } else {
        RichText::new("✔ experiment agrees")
    };
    ui.label(label)
        .on_hover_text(report::chaos_result::text(result));
}

fn scenario_edit(actions: &mut Vec<Action>, label: String, scenarios: Vec<Scenario>) {
    actions.push(Action::Edit {
        label,
        edits: vec![Edit::SetScenarios(scenarios)],
        select: None,
    });
}

/// Per scenario: each entry's availability with the knockout in place (or that it is
/// down), and how many components are down and degraded.
fn comparison_ui(ui: &mut Ui, state: &State) {
    let Some(comparison) = state.comparison.current(state.key()) else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak("comparing the scenarios…");
        });
        return;
    };
    let outcomes = comparison.outcomes();
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
                                ui.colored_label(red_text(ui.visuals()), e);
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

/// Each entry's availability with the knockout in place ("down" in red when it is down),
/// then how many components are down and degraded.
fn comparison_row_ui(ui: &mut Ui, w: &WhatIf) {
    for e in &w.entries {
        if w.entries_down.contains(&e.id) {
            ui.colored_label(red_text(ui.visuals()), "down");
        } else {
            ui.label(percent(e.availability));
        }
    }
    ui.label(w.down.len().to_string());
    let degraded = w.degraded.len().to_string();
    if w.degraded.is_empty() {
        ui.label(degraded);
    } else {
        ui.colored_label(amber_text(ui.visuals()), degraded);
    }
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
}
