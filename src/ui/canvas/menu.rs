//! The canvas's context menu: on a card, or on free canvas.

use super::Canvas;
use crate::analysis::Report;
use crate::model::{Component, Event, Model};
use crate::ui::accept::accept_menu_ui;
use crate::ui::action::Action;
use crate::ui::command::Command;

impl Canvas {
    pub(super) fn context_menu(
        &mut self,
        resp: &egui::Response,
        model: &Model,
        report: Option<&Report>,
        whatif_mode: bool,
        actions: &mut Vec<Action>,
    ) {
        if resp.secondary_clicked() {
            self.context_node = resp.interact_pointer_pos().and_then(|p| self.node_at(p));
        }
        let node = self.context_node.and_then(|i| self.ids.get(i).cloned());
        resp.context_menu(|ui| {
            let Some(id) = &node else {
                if ui.button("Add service here").clicked() {
                    actions.push(Action::AddComponent {
                        kind: crate::model::ComponentKind::Service,
                        at: None,
                    });
                    ui.close();
                }
                if ui.button("Fit to view").clicked() {
                    actions.push(Action::Run(Command::FitView));
                    ui.close();
                }
                return;
            };
            ui.label(egui::RichText::new(id).strong());
            let select = Action::SelectOnly(vec![id.clone()]);
            let knock = if whatif_mode {
                "Knock out / bring back"
            } else {
                "Knock out (what-if)"
            };
            let items: [(&str, Vec<Action>); 5] = [
                (
                    knock,
                    vec![Action::ToggleKnockout(Event::Component(id.clone()))],
                ),
                ("Rename", vec![Action::Rename(id.clone())]),
                (
                    Command::MakeRedundant.label(),
                    vec![select.clone(), Action::Run(Command::MakeRedundant)],
                ),
                (
                    Command::Duplicate.label(),
                    vec![select.clone(), Action::Run(Command::Duplicate)],
                ),
                (
                    Command::Delete.label(),
                    vec![select, Action::Run(Command::Delete)],
                ),
            ];
            for (label, list) in items {
                if ui.button(label).clicked() {
                    actions.extend(list);
                    ui.close();
                }
            }
            if model
                .component(id)
                .is_some_and(Component::has_failover_window)
            {
                let window = Event::Failover(id.clone());
                if ui
                    .button(format!("Knock out {}", window.in_words(model)))
                    .on_hover_text(format!("What-if event {window}"))
                    .clicked()
                {
                    actions.push(Action::ToggleKnockout(window));
                    ui.close();
                }
            }
            if let Some((report, spof)) = report.and_then(|r| Some((r, r.component_spof(id)?))) {
                accept_menu_ui(ui, report, spof.risk(), actions);
            }
        });
    }
}
