//! The tooltip of the hovered card.

use super::{Canvas, Gesture};
use crate::analysis::{MINUTES_PER_YEAR, Report};
use crate::format::{duration, percent};
use crate::model::Model;
use crate::ui::failures::failure_sentences;
use crate::ui::look::{DOT, red_text};

impl Canvas {
    pub(super) fn hover_ui(&self, resp: &egui::Response, model: &Model, report: Option<&Report>) {
        if !matches!(self.gesture, Gesture::None) || self.graph.dragged_node().is_some() {
            return;
        }
        let Some(i) = self.graph.hovered_node() else {
            return;
        };
        let Some(c) = self.ids.get(i.index()).and_then(|id| model.component(id)) else {
            return;
        };
        resp.clone().on_hover_ui_at_pointer(|ui| {
            ui.strong(format!("{} ({})", c.display_name(), c.kind.label()));
            ui.label(format!("id: {}", c.id));
            if c.kind.has_replicas() {
                ui.label(format!(
                    "replicas: {} · min healthy: {} · availability {} · fails every {} (MTBF)",
                    c.replicas,
                    c.min_healthy,
                    percent(model.replica_availability(c)),
                    duration(model.mtbf_hours(c) * 60.0)
                ));
            }
            for sentence in failure_sentences(model, c) {
                ui.label(sentence);
            }
            if !c.zones.is_empty() {
                ui.label(format!("zones: {}", c.zones.join(", ")));
            }
            if !c.notes.is_empty() {
                ui.label(&c.notes);
            }
            if let Some(s) = report.and_then(|r| r.component_spof(&c.id)) {
                ui.colored_label(
                    red_text(ui.visuals()),
                    format!(
                        "{DOT} SPOF: takes down {} · blast radius {}",
                        s.takes_down.join(", "),
                        s.blast_radius.len()
                    ),
                );
            }
            if let Some((r, drop)) = report.and_then(|r| {
                r.component_importance
                    .iter()
                    .find(|x| x.component == c.id)
                    .map(|d| (r, d))
            }) {
                for (entry, lost) in &drop.drop_by_entry {
                    if let Some(e) = r.entry(entry) {
                        ui.label(format!(
                            "while it is down, {} is up {} of the time (now {})",
                            e.name,
                            percent((e.availability - lost).max(0.0)),
                            percent(e.availability)
                        ));
                    }
                }
                for (entry, gain) in &drop.gain_by_entry {
                    if let Some(e) = r.entry(entry) {
                        ui.label(format!(
                            "it causes {} of downtime a year for {}",
                            duration(gain * MINUTES_PER_YEAR),
                            e.name
                        ));
                    }
                }
            }
        });
    }
}
