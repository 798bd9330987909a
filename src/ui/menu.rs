//! The window's frame: menu bar, palette and status bar, and the button every command
//! gets. Entries come from the command table and only push actions; must not change the
//! document directly.

use egui::{Button, RichText, Ui};
use strum::IntoEnumIterator;

use super::action::Action;
use super::command::{Command, Menu};
use super::files::SAMPLES;
use super::look::{amber_text, glyph, red_text};
use super::state::State;
use crate::format::plural;
use crate::model::ComponentKind;

/// A menu entry or button for `command`, with its shortcut, greyed out when it cannot run.
pub fn command_button(ui: &mut Ui, state: &State, command: Command, actions: &mut Vec<Action>) {
    let label = state.command_label(command);
    let text = match state.checked(command) {
        Some(true) => format!("✔ {label}"),
        Some(false) => format!("    {label}"),
        None => label,
    };
    let mut button = Button::new(text);
    if let Some(shortcut) = command.shortcuts().first() {
        button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
    }
    let response = ui
        .add_enabled(state.enabled(command), button)
        .on_hover_text(command.tooltip());
    if response.clicked() {
        actions.push(Action::Run(command));
        ui.close();
    }
}

pub fn menu_bar_ui(ui: &mut Ui, state: &State, actions: &mut Vec<Action>) {
    egui::Panel::top("menu_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::iter() {
                ui.menu_button(menu.label(), |ui| menu_ui(ui, state, menu, actions));
            }
        });
    });
}

/// The commands the table puts in `menu`, a line between groups; a group with a title
/// opens as a submenu.
fn menu_ui(ui: &mut Ui, state: &State, menu: Menu, actions: &mut Vec<Action>) {
    let commands: Vec<(Command, u8)> = Command::in_menu(menu).collect();
    for (i, group) in commands.chunk_by(|a, b| a.1 == b.1).enumerate() {
        if i > 0 {
            ui.separator();
        }
        let number = group.first().map_or(0, |&(_, g)| g);
        let buttons = |ui: &mut Ui, actions: &mut Vec<Action>| {
            for &(command, _) in group {
                command_button(ui, state, command, actions);
            }
        };
        match menu.submenu(number) {
            Some(title) => {
                ui.menu_button(title, |ui| buttons(ui, actions));
            }
            None => buttons(ui, actions),
        }
        if (menu, number) == (Menu::File, 0) {
            open_lists_ui(ui, state, actions);
        }
    }
}

fn open_lists_ui(ui: &mut Ui, state: &State, actions: &mut Vec<Action>) {
    ui.menu_button("Open sample", |ui| {
        for (i, sample) in SAMPLES.iter().enumerate() {
            if ui.button(sample.file).clicked() {
                actions.push(Action::OpenSample(i));
                ui.close();
            }
        }
    });
    let recent = &state.settings.recent;
    ui.add_enabled_ui(!recent.is_empty(), |ui| {
        ui.menu_button("Open recent", |ui| {
            for path in recent {
                if ui.button(path.display().to_string()).clicked() {
                    actions.push(Action::OpenFile(path.clone()));
                    ui.close();
                }
            }
        });
    });
}

pub fn palette_ui(ui: &mut Ui, actions: &mut Vec<Action>) {
    egui::Panel::left("palette")
        .resizable(false)
        .exact_size(150.0)
        .show(ui, |ui| {
            ui.add_space(4.0);
            ui.strong("Palette");
            ui.weak("click or drag to add");
            ui.add_space(4.0);
            for kind in ComponentKind::ALL {
                let text = format!("{}  {}", glyph(kind), kind.label());
                let button = Button::new(RichText::new(text).size(14.0))
                    .min_size(egui::vec2(ui.available_width(), 26.0))
                    .sense(egui::Sense::click_and_drag());
                let response = ui.add(button).on_hover_text(format!(
                    "Click to add a {} in the middle of the view, or drag it onto the canvas",
                    kind.label()
                ));
                response.dnd_set_drag_payload(kind);
                if response.clicked() {
                    actions.push(Action::AddComponent { kind, at: None });
                }
            }
            ui.add_space(8.0);
            ui.separator();
            ui.weak("Drag a card to move it. Ctrl-drag from one card to another to connect. Shift-drag for a rubber band. Scroll to zoom.");
        });
}

/// The document, its size, the zoom, the analysis's state, an export running and the
/// last message.
pub fn status_bar_ui(ui: &mut Ui, state: &State, zoom: f32) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(state.document_label());
            if state.has_unsaved_changes() {
                ui.label(RichText::new("• unsaved").strong());
            } else {
                ui.weak("saved");
            }
            ui.separator();
            let m = state.model();
            let (n, d) = (m.components.len(), m.dependencies.len());
            ui.label(format!(
                "{n} component{} · {d} dependenc{}",
                plural(n),
                if d == 1 { "y" } else { "ies" }
            ));
            ui.separator();
            ui.weak(format!("zoom {:.0} %", zoom * 100.0));
            ui.separator();
            if state.analysis_is_current() {
                if let Some(done) = state.analysis_done() {
                    ui.label(format!("analysed in {} ms", done.elapsed.as_millis()));
                }
            } else if state.analysis.failed.is_some() {
                ui.colored_label(red_text(ui.visuals()), "analysis failed");
            } else if state.analysis_cancelled() {
                ui.colored_label(amber_text(ui.visuals()), "analysis cancelled");
            } else {
                ui.spinner();
                ui.label("analysing…");
            }
            if let Some(out) = state.exporting_to() {
                ui.separator();
                ui.spinner();
                ui.label(format!("exporting {}…", out.display()));
            }
            if let Some((message, error)) = &state.status {
                ui.separator();
                if *error {
                    ui.colored_label(red_text(ui.visuals()), message);
                } else {
                    ui.label(message);
                }
            }
        });
    });
}
