//! The live analysis panel (availability, SPOFs, order-2, findings, importance) and what-if controls.
//! Formats numbers like `spofscope check`; never runs analysis, never shows an older revision's result as current.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use super::accept::{accept_menu_ui, acceptance_line_ui, stale_ui};
use super::action::Action;
use super::advice_panel::RecommendationList;
use super::charts::charts_ui;
use super::command::Command;
use super::compare_panel::compare_ui;
use super::look::{DOT, amber_text, event_words, events_words, green_text, red_text, zone_colour};
use super::menu::command_button;
use super::preview::Preview;
use super::progress::analysis_progress_ui;
use super::rows::{ROWS, more};
use super::scenarios::ScenarioList;
use super::state::State;
use crate::analysis::{DomainKind, EntryAvailability, MINUTES_PER_YEAR, Report, Severity, WhatIf};
use crate::format::{availability_text, duration, full_service_text, nines, percent};
use crate::io::report::count_with_accepted;
use crate::io::report::ranking::importance_ranking;
use crate::model::{Event, Model};

/// The panel's own state: the scenario name being typed, its sections' state.
#[derive(Default)]
pub struct AnalysisPanel {
    /// The name for the knockout to save as a scenario.
    scenario_name: String,
    scenarios: ScenarioList,
    recommendations: RecommendationList,
    /// The SPOF whose row the pointer was over when the panel was last drawn.
    hovered_spof: Option<Event>,
}

impl AnalysisPanel {
    /// The recommendation whose row the pointer was over when the panel was last drawn.
    pub fn hovered_recommendation(&self) -> Option<&str> {
        self.recommendations.hovered()
    }

    /// The SPOF whose row the pointer was over when the panel was last drawn: the canvas
    /// tints its blast radius.
    pub fn hovered_spof(&self) -> Option<&Event> {
        self.hovered_spof.as_ref()
    }

    /// The knockout was saved as a scenario: the name field empties.
    pub fn scenario_saved(&mut self) {
        self.scenario_name.clear();
    }

    /// Whether the scenario comparison table shows, so it must be computed.
    pub fn compares_scenarios(&self) -> bool {
        self.scenarios.is_comparing()
    }

    /// The preview of the recommendation whose row the pointer is over.
    pub fn hovered_preview(&mut self, state: &State) -> Option<Arc<Preview>> {
        self.recommendations.hovered_preview(state)
    }

    /// Forget what was typed and previewed for the old content (a new document, analyse
    /// again).
    pub fn forget(&mut self) {
        self.scenarios.forget();
        self.recommendations.forget();
    }

    pub fn ui(&mut self, ui: &mut Ui, state: &State, actions: &mut Vec<Action>) {
        self.recommendations.unhover();
        self.hovered_spof = None;
        egui::Panel::right("analysis")
            .resizable(true)
            .default_size(440.0)
            .min_size(260.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.set_min_width(ui.available_width());
                    self.body_ui(ui, state, actions);
                });
            });
    }

    fn body_ui(&mut self, ui: &mut Ui, state: &State, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            ui.heading("Analysis");
            if state.analysis_is_current() {
                if let Some(done) = state.analysis_done() {
                    ui.weak(format!("{} ms", done.elapsed.as_millis()));
                }
            } else if state.analysis.failed.is_some() {
                ui.colored_label(red_text(ui.visuals()), "failed");
            } else {
                analysis_progress_ui(ui, state, actions);
            }
        });
        let sampled = state.analysis_sampled();
        if sampled > 0 {
            ui.weak(format!(
                "Part of this model fits no diagram within the node budget: sampling it \
                 ({} scenarios so far). The entries that depend on it will be estimates.",
                millions(sampled)
            ));
        }
        let model = state.doc.snapshot();
        let current = state.analysis_is_current();
        let Some(done) = state.analysis_done() else {
            if !state.analysis_cancelled() {
                ui.weak("The first analysis is running.");
            }
            return;
        };
        let report = &done.value.report;
        if !current {
            ui.colored_label(
                amber_text(ui.visuals()),
                if state.analysis_cancelled() {
                    "Showing an earlier edit's results: this edit's analysis was cancelled."
                } else {
                    "Showing the previous edit's results while the new ones are computed."
                },
            );
        }
        ui.add_enabled_ui(current, |ui| {
            compare_ui(ui, state, actions);
            self.whatif_ui(ui, state, &model, actions);
            self.scenarios.ui(ui, state, &model, actions);
            ui.separator();
            entries_ui(ui, &report.entries);
            charts_ui(ui, report, &model);
            ui.separator();
            self.hovered_spof = spofs_ui(ui, state, report, actions);
            order2_ui(ui, report, &model, actions);
            findings_ui(ui, report, actions);
            stale_ui(ui, report);
            self.recommendations.ui(ui, state, report, actions);
            importance_ui(ui, report, &model, actions);
        });
    }

    fn whatif_ui(&mut self, ui: &mut Ui, state: &State, model: &Model, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            let mut on = state.whatif.is_on();
            if ui
                .toggle_value(&mut on, "💥 What-if")
                .on_hover_text(Command::ToggleWhatIf.tooltip())
                .changed()
            {
                actions.push(Action::Run(Command::ToggleWhatIf));
            }
            if state.whatif.is_on() {
                command_button(ui, state, Command::ResetWhatIf, actions);
            }
        });
        if !state.whatif.is_on() {
            return;
        }
        ui.weak("Click components on the canvas, or zones and regions here, to knock them out.");
        domain_chips_ui(ui, state, model, actions);
        let knocked = state.live_knockouts();
        ui.horizontal_wrapped(|ui| {
            ui.label("Knocked out:");
            if knocked.is_empty() {
                ui.weak("nothing");
            }
            for k in &knocked {
                if ui
                    .button(format!("✖ {}", k.in_words(model)))
                    .on_hover_text(format!("Event {k}: click to bring it back"))
                    .clicked()
                {
                    actions.push(Action::ToggleKnockout(k.clone()));
                }
            }
        });
        match state.whatif.outcome(state.key(), model) {
            Some(outcome) => match &outcome.result {
                Ok(w) => whatif_result_ui(ui, w),
                Err(e) => {
                    ui.colored_label(red_text(ui.visuals()), e);
                }
            },
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak("computing the knockout…");
                });
            }
        }
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.scenario_name)
                    .hint_text("scenario name")
                    .desired_width(140.0),
            );
            if ui
                .add_enabled(!knocked.is_empty(), egui::Button::new("Save as scenario"))
                .clicked()
            {
                actions.push(Action::SaveScenario(self.scenario_name.clone()));
            }
        });
    }
}

/// The SPOF rows, each with its acceptance (greyed, with the reason) and a context menu to
/// accept it; the SPOF whose row the pointer is over.
fn spofs_ui(
    ui: &mut Ui,
    state: &State,
    report: &Report,
    actions: &mut Vec<Action>,
) -> Option<Event> {
    let counted = count_with_accepted(report.spofs.len(), report.unaccepted_spofs());
    let title = RichText::new(format!("SPOFs ({counted})")).strong();
    let title = if report.unaccepted_spofs() == 0 {
        title
    } else {
        title.color(red_text(ui.visuals()))
    };
    let mut hovered = None;
    egui::CollapsingHeader::new(title)
        .id_salt("spofs")
        .default_open(true)
        .show(ui, |ui| {
            if report.spofs.is_empty() {
                ui.colored_label(
                    green_text(ui.visuals()),
                    "✔ No single component, zone or region takes an entry down.",
                );
            }
            for spof in report.spofs.iter().take(ROWS) {
                let acceptance = report.acceptance(&spof.risk());
                let held = acceptance.is_some_and(|a| a.holds());
                ui.horizontal(|ui| {
                    let dot = if held {
                        RichText::new(DOT).weak()
                    } else {
                        RichText::new(DOT).color(red_text(ui.visuals()))
                    };
                    ui.label(dot);
                    let text = RichText::new(format!("{} {}", spof.kind.as_str(), spof.id));
                    let text = if held { text.weak() } else { text };
                    let selected = spof.kind == DomainKind::Component
                        && state.selection.components.contains(&spof.id);
                    let response = ui.selectable_label(selected, text).on_hover_ui(|ui| {
                        ui.label(format!("Takes down {}", spof.takes_down.join(", ")));
                        ui.label(format!("Blast radius: {}", spof.blast_radius.join(", ")));
                    });
                    if response.hovered() {
                        hovered = Some(spof.event());
                    }
                    response.context_menu(|ui| {
                        accept_menu_ui(ui, report, spof.risk(), actions);
                    });
                    if response.clicked() {
                        actions.push(match spof.kind {
                            DomainKind::Component => Action::Focus(spof.id.clone()),
                            DomainKind::Zone | DomainKind::Region => {
                                Action::ToggleKnockout(spof.event())
                            }
                        });
                    }
                    let n = spof.takes_down.len();
                    let detail = format!(
                        "{n} entr{} · blast {}",
                        if n == 1 { "y" } else { "ies" },
                        spof.blast_radius.len()
                    );
                    ui.add(egui::Label::new(RichText::new(detail).weak()).truncate());
                });
                if let Some(a) = acceptance {
                    acceptance_line_ui(ui, a);
                }
            }
            more(ui, report.spofs.len());
        });
    hovered
}

fn importance_ui(ui: &mut Ui, report: &Report, model: &Model, actions: &mut Vec<Action>) {
    egui::CollapsingHeader::new(RichText::new("Importance").strong())
        .id_salt("importance")
        .default_open(false)
        .show(ui, |ui| {
            let ranking = importance_ranking(report, model);
            ui.weak(format!("{}:", ranking.unit))
                .on_hover_text(ranking.measure);
            let top = ranking
                .rows
                .first()
                .map_or(1.0, |r| r.value.max(f64::MIN_POSITIVE));
            egui::Grid::new("importance_ranking").show(ui, |ui| {
                for row in &ranking.rows {
                    let ranked = Ranked::of(&row.id, report, model);
                    let link = ui.link(&ranked.name);
                    let link = match &ranked.event {
                        Some(event) => link.on_hover_text(format!("event {event}")),
                        None => link,
                    };
                    if link.clicked()
                        && let Some(id) = ranked.component
                    {
                        actions.push(Action::Focus(id));
                    }
                    let bar = ui.add(
                        egui::ProgressBar::new((row.value / top) as f32)
                            .desired_width(140.0)
                            .text(&row.text),
                    );
                    let mut hover: Vec<String> = ranking
                        .detail
                        .map(|heading| format!("{heading}: {}", row.detail))
                        .into_iter()
                        .collect();
                    hover.extend(time_event_shares(&row.id, report, model));
                    if !hover.is_empty() {
                        bar.on_hover_text(hover.join("\n"));
                    }
                    ui.end_row();
                }
            });
            if ranking.rows.len() < ranking.total {
                ui.weak(format!("… {} more", ranking.total - ranking.rows.len()));
            }
        });
}

/// Zone and region chips that toggle their knockout, and one per failover window.
fn domain_chips_ui(ui: &mut Ui, state: &State, model: &Model, actions: &mut Vec<Action>) {
    zone_chips_ui(ui, state, model, actions);
    let windows: Vec<Event> = model
        .components
        .iter()
        .filter(|c| c.has_failover_window())
        .map(|c| Event::Failover(c.id.clone()))
        .collect();
    if windows.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.weak("Failover windows:");
        for window in windows.iter().take(ROWS) {
            let on = state.whatif.is_knocked_out(window);
            if ui
                .selectable_label(on, window.in_words(model))
                .on_hover_text(format!(
                    "Knock out event {window}: writes wait while a standby takes over"
                ))
                .clicked()
            {
                actions.push(Action::ToggleKnockout(window.clone()));
            }
        }
        more(ui, windows.len());
    });
}

fn zone_chips_ui(ui: &mut Ui, state: &State, model: &Model, actions: &mut Vec<Action>) {
    let mut index = 0;
    for region in &model.regions {
        ui.horizontal_wrapped(|ui| {
            let event = Event::Region(region.id.clone());
            let on = state.whatif.is_knocked_out(&event);
            if ui
                .selectable_label(on, format!("{} (region)", region.id))
                .on_hover_text("Knock the whole region out")
                .clicked()
            {
                actions.push(Action::ToggleKnockout(event));
            }
            for zone in &region.zones {
                let event = Event::Zone(zone.id.clone());
                let on = state.whatif.is_knocked_out(&event);
                let text = RichText::new(&zone.id).color(zone_colour(index));
                if ui
                    .selectable_label(on, text)
                    .on_hover_text("Knock the zone out")
                    .clicked()
                {
                    actions.push(Action::ToggleKnockout(event));
                }
                index += 1;
            }
        });
    }
}

fn entries_ui(ui: &mut Ui, entries: &[EntryAvailability]) {
    ui.strong("Entries");
    if entries.is_empty() {
        ui.weak("No entry yet: mark a user-facing component as an entry.");
    }
    egui::Grid::new("entries")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for e in entries.iter().take(ROWS) {
                ui.label(RichText::new(&e.name).strong())
                    .on_hover_text(&e.id);
                ui.vertical(|ui| {
                    let availability = availability_text(e);
                    ui.label(
                        RichText::new(format!("{availability}   {}", nines(e.availability)))
                            .size(15.0),
                    );
                    ui.weak(format!(
                        "{} / year down",
                        duration(e.downtime_minutes_per_year)
                    ));
                    ui.weak(full_service_line(e)).on_hover_text(
                        "Full service: every component the entry reaches, through hard and soft \
                         dependencies, is up. Degraded: the entry is up but some of them are not.",
                    );
                });
                ui.end_row();
            }
        });
    more(ui, entries.len());
}

/// `full service 98.70 % · 2.3 days / year degraded`, with the error bound of an estimate.
fn full_service_line(e: &EntryAvailability) -> String {
    format!(
        "full service {} · {} / year degraded",
        full_service_text(e),
        duration(e.degraded_minutes_per_year)
    )
}

fn order2_ui(ui: &mut Ui, report: &Report, model: &Model, actions: &mut Vec<Action>) {
    let counted = count_with_accepted(report.order2_total, report.unaccepted_order2());
    egui::CollapsingHeader::new(RichText::new(format!("Order-2 risks ({counted})")).strong())
        .id_salt("order2")
        .default_open(false)
        .show(ui, |ui| {
            if report.order2_total == 0 {
                ui.weak(
                    "No pair of failures takes an entry down without one of them alone doing it.",
                );
            }
            for cut in report.order2.iter().take(ROWS) {
                let risk = cut.risk();
                let acceptance = risk.as_ref().and_then(|r| report.acceptance(r));
                ui.horizontal_wrapped(|ui| {
                    let text = RichText::new(cut.events.join(" + ")).monospace();
                    let text = if acceptance.is_some_and(|a| a.holds()) {
                        text.weak()
                    } else {
                        text
                    };
                    let response = ui
                        .add(egui::Label::new(text).sense(egui::Sense::click()))
                        .on_hover_text(events_words(&cut.events, model, " + "));
                    if let Some(risk) = &risk {
                        response.context_menu(|ui| {
                            accept_menu_ui(ui, report, risk.clone(), actions);
                        });
                    }
                    ui.weak(format!("➡ {}", cut.takes_down.join(", ")));
                });
                if let Some(a) = acceptance {
                    acceptance_line_ui(ui, a);
                }
            }
            more(ui, report.order2_total);
        });
}

fn findings_ui(ui: &mut Ui, report: &Report, actions: &mut Vec<Action>) {
    egui::CollapsingHeader::new(
        RichText::new(format!("Findings ({})", report.findings.len())).strong(),
    )
    .id_salt("findings")
    .default_open(true)
    .show(ui, |ui| {
        for f in report.findings.iter().take(ROWS) {
            let acceptance = report.acceptance(&f.risk());
            let held = acceptance.is_some_and(|a| a.holds());
            let (mark, colour) = match f.severity {
                _ if held => ("✋", ui.visuals().weak_text_color()),
                Severity::Error => ("✖", red_text(ui.visuals())),
                Severity::Warning => ("⚠", amber_text(ui.visuals())),
                Severity::Info => ("ℹ", Color32::GRAY),
            };
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(colour, mark);
                let text = RichText::new(&f.message);
                let text = if held { text.weak() } else { text };
                ui.add(egui::Label::new(text).sense(egui::Sense::click()))
                    .on_hover_text(format!("{} · {}", f.rule, f.target))
                    .context_menu(|ui| {
                        accept_menu_ui(ui, report, f.risk(), actions);
                    });
            });
            if let Some(a) = acceptance {
                acceptance_line_ui(ui, a);
            }
        }
        more(ui, report.findings.len());
    });
}

fn whatif_result_ui(ui: &mut Ui, w: &WhatIf) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Entries down:");
        if w.entries_down.is_empty() {
            ui.colored_label(green_text(ui.visuals()), "✔ none");
        }
        for e in &w.entries_down {
            ui.colored_label(red_text(ui.visuals()), format!("✖ {e}"));
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.weak(format!(
            "{} down · {} degraded",
            w.down.len(),
            w.degraded.len()
        ));
    });
    for e in &w.entries {
        ui.label(format!(
            "{}: {} with this knockout ({} / year down)",
            e.name,
            percent(e.availability),
            duration(e.downtime_minutes_per_year)
        ));
    }
}

/// A row of the importance ranking as the panel names it: a component by its name, a basic
/// event in words (with its id, which what-if takes), and the component to select.
struct Ranked {
    name: String,
    event: Option<String>,
    component: Option<String>,
}

impl Ranked {
    fn of(id: &str, report: &Report, model: &Model) -> Ranked {
        if let Some(c) = model.component(id) {
            return Ranked {
                name: c.display_name().to_owned(),
                event: None,
                component: Some(c.id.clone()),
            };
        }
        Ranked {
            name: event_words(id, model),
            event: Some(id.to_owned()),
            component: report
                .importance
                .iter()
                .find(|i| i.event == id)
                .and_then(|i| i.component.clone()),
        }
    }
}

/// How much of the downtime component `id` causes comes from its bad deploys and its
/// failover window (DESIGN §2b), in words; nothing for a component without them.
fn time_event_shares(id: &str, report: &Report, model: &Model) -> Vec<String> {
    let Some(c) = report
        .component_importance
        .iter()
        .find(|c| c.component == id)
    else {
        return Vec::new();
    };
    [
        (Event::Common(id.to_owned()), c.common_cause_gain),
        (Event::Failover(id.to_owned()), c.failover_gain),
    ]
    .into_iter()
    .filter(|(_, gain)| *gain > 0.0)
    .map(|(event, gain)| {
        format!(
            "of which {}: {} / year ({event})",
            event.in_words(model),
            duration(gain * MINUTES_PER_YEAR)
        )
    })
    .collect()
}

/// A count of scenarios, in millions once past one.
fn millions(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} M", n as f64 / 1e6)
    } else {
        n.to_string()
    }
}
