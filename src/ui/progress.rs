//! The running analysis's progress line: a spinner with Cancel, and once cancelled a way to
//! run it again. Only pushes actions.

use egui::Ui;

use super::action::Action;
use super::command::Command;
use super::look::amber_text;
use super::state::State;

/// "analysing…" with a Cancel button, or "analysis cancelled — Re-run" once cancelled.
pub fn analysis_progress_ui(ui: &mut Ui, state: &State, actions: &mut Vec<Action>) {
    if state.analysis_cancelled() {
        ui.colored_label(amber_text(ui.visuals()), "analysis cancelled —");
        if ui
            .button("Re-run")
            .on_hover_text(Command::Reanalyse.tooltip())
            .clicked()
        {
            actions.push(Action::Run(Command::Reanalyse));
        }
    } else {
        ui.spinner();
        ui.weak("analysing…");
        if ui
            .button("Cancel")
            .on_hover_text(Command::CancelAnalysis.tooltip())
            .clicked()
        {
            actions.push(Action::Run(Command::CancelAnalysis));
        }
    }
}
