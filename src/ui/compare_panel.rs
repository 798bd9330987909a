//! The analysis panel's compare section: the numbers of `spofscope diff` between the file
//! compared with (before) and the open model (after), worded as its text output words them,
//! and the button that closes the comparison. Reads the state; computes nothing.

use egui::{RichText, Ui};

use super::action::Action;
use super::command::Command;
use super::look::{green_text, red_text};
use super::menu::command_button;
use super::state::State;
use crate::analysis::diff::ResilienceDiff;
use crate::io::report::diff::{availability_change, downtime_change, spofs_added};

/// The section, while comparing.
pub fn compare_ui(ui: &mut Ui, state: &State, actions: &mut Vec<Action>) {
    let Some(baseline) = state.compare.baseline() else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Compared with {}", baseline.file_name()))
            .on_hover_text(baseline.path.display().to_string());
        command_button(ui, state, Command::CloseCompare, actions);
    });
    ui.weak("Before: that file. After: this model. Esc closes.");
    match state.compare.latest() {
        Some(diff) => {
            if state.compare.current(state.key()).is_none() {
                ui.weak("Showing the previous edit's comparison while this one is computed.");
            }
            diff_ui(ui, diff);
        }
        None if state.compare.failed() => {
            ui.colored_label(red_text(ui.visuals()), "Comparing failed.");
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("analysing the other version…");
            });
        }
    }
    ui.separator();
}

fn diff_ui(ui: &mut Ui, d: &ResilienceDiff) {
    let verdict = if d.regressed() {
        RichText::new("✖ regression: a new SPOF or an entry less available")
            .color(red_text(ui.visuals()))
    } else {
        RichText::new("✔ no regression").color(green_text(ui.visuals()))
    };
    ui.label(verdict);
    for e in &d.entries {
        let availability = availability_change(
            e.before.map(|n| n.availability),
            e.after.map(|n| n.availability),
        );
        // The default fonts have no `→`: the arrow the slides use instead.
        ui.label(format!("{}: {}", e.name, availability.replace('→', "➡")))
            .on_hover_text(&e.id);
        ui.weak(downtime_change(e).replace('→', "➡"));
    }
    let added = spofs_added(d);
    let removed: Vec<String> = d.spofs_removed.iter().map(ToString::to_string).collect();
    let pairs = |list: &[[String; 2]]| -> Vec<String> {
        list.iter()
            .map(|p| format!("{} + {}", p[0], p[1]))
            .collect()
    };
    let m = &d.model;
    let changed: Vec<String> = m
        .components_changed
        .iter()
        .map(|c| format!("{} ({})", c.id, c.fields.join(", ")))
        .collect();
    egui::Grid::new("compare_counts")
        .num_columns(2)
        .show(ui, |ui| {
            for (title, items) in [
                ("SPOFs added", added),
                ("SPOFs removed", removed),
                ("Order-2 risks added", pairs(&d.order2_added)),
                ("Order-2 risks removed", pairs(&d.order2_removed)),
                ("Components added", m.components_added.clone()),
                ("Components removed", m.components_removed.clone()),
                ("Components changed", changed),
            ] {
                ui.label(format!("{title} ({})", items.len()));
                let shown: Vec<&str> = items.iter().take(4).map(String::as_str).collect();
                let more = items.len().saturating_sub(shown.len());
                let text = if more > 0 {
                    format!("{} … {more} more", shown.join(", "))
                } else {
                    shown.join(", ")
                };
                ui.add(egui::Label::new(RichText::new(text).weak()).truncate())
                    .on_hover_text(items.join("\n"));
                ui.end_row();
            }
        });
}
