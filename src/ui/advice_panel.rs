//! Recommendations in the analysis panel: the engine's measured fixes for exactly the shown
//! revision; hovering one previews it on the canvas, Apply and Apply all edit through the
//! document as one undo step each. Never analyses on the UI thread.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use super::action::Action;
use super::command::Command;
use super::look::{DOT, amber_text, green_text, red_text, strategy_colour};
use super::menu::command_button;
use super::preview::{Preview, PreviewCache};
use super::rows::{ROWS, more};
use super::state::State;
use crate::advice::{EntryEffect, Recommendation, Strategy};
use crate::analysis::Report;
use crate::format::{cost_text, duration, joined, nines, percent, percents};

/// The recommendations section's own state: the row the pointer is over and its preview.
#[derive(Default)]
pub struct RecommendationList {
    /// The recommendation whose row the pointer is over this frame.
    hovered: Option<String>,
    preview: PreviewCache,
}

impl RecommendationList {
    pub fn hovered(&self) -> Option<&str> {
        self.hovered.as_deref()
    }

    /// The preview of the hovered recommendation, computed once per content and row.
    pub fn hovered_preview(&mut self, state: &State) -> Option<Arc<Preview>> {
        let id = self.hovered.as_deref()?;
        self.preview
            .get(state.key(), id, state.current_advice(), state.model())
    }

    /// Forget the preview (a new document, or analyse again).
    pub fn forget(&mut self) {
        self.preview.clear();
    }

    /// Called before the panel is drawn: no row is hovered until one says so.
    pub fn unhover(&mut self) {
        self.hovered = None;
    }

    /// One row per recommendation, in the engine's order, with Apply; Apply all on top.
    pub fn ui(&mut self, ui: &mut Ui, state: &State, report: &Report, actions: &mut Vec<Action>) {
        let current = state.current_advice().is_some();
        let Some(advice) = state.recommendations.latest() else {
            ui.horizontal(|ui| {
                ui.strong("Recommendations");
                advice_status_ui(ui, state, current);
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
                command_button(ui, state, Command::ApplyAllFixes, actions);
                if state.recommendations.is_fixing() {
                    ui.spinner();
                    ui.weak("fixing…");
                }
                advice_status_ui(ui, state, current);
            });
            if recommendations.is_empty() {
                ui.colored_label(green_text(ui.visuals()), "✔ Nothing a model edit can improve.");
            }
            let live = current && ui.is_enabled();
            ui.add_enabled_ui(live, |ui| {
                for r in recommendations.iter().take(ROWS) {
                    self.row_ui(ui, r, report, live, actions);
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

    fn row_ui(
        &mut self,
        ui: &mut Ui,
        r: &Recommendation,
        report: &Report,
        live: bool,
        actions: &mut Vec<Action>,
    ) {
        let frame = egui::Frame::group(ui.style()).inner_margin(6.0);
        let rect = frame
            .show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    strategy_chip(ui, r.strategy);
                    if let Some(change) = &r.cost.code_change {
                        ui.colored_label(amber_text(ui.visuals()), "⚠ code change needed")
                            .on_hover_text(change);
                    }
                });
                ui.label(RichText::new(&r.summary).strong())
                    .on_hover_text(&r.rationale);
                if !r.removes_spofs.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.colored_label(red_text(ui.visuals()), DOT);
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
                    actions.push(Action::Edit {
                        label: r.summary.clone(),
                        edits: r.edits.clone(),
                        select: None,
                    });
                }
            })
            .response
            .rect;
        if live && ui.rect_contains_pointer(rect) {
            self.hovered = Some(r.id.clone());
        }
    }
}

/// A spinner while the recommendations of the shown content are computed; none while
/// they wait for its analysis (which has its own) or when they cannot come.
fn advice_status_ui(ui: &mut Ui, state: &State, current: bool) {
    if current {
        return;
    }
    if state.advice_failed() {
        ui.colored_label(red_text(ui.visuals()), "failed");
    } else if state.analysis_is_current() {
        ui.spinner();
        ui.weak("measuring fixes…");
    } else {
        ui.weak("after the analysis");
    }
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
