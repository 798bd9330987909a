//! The window's frame: menu bar, palette, status bar and the modal dialogs. Every entry comes
//! from the command table and only pushes actions; must not change the document directly.

use std::path::Path;

use egui::{Button, RichText, Ui};
use strum::IntoEnumIterator;

use super::action::Action;
use super::app::{Dialog, Pending, SpofApp};
use super::command::{Command, Menu};
use super::files::{PickerKind, SAMPLES};
use super::look::{AMBER, RED, glyph};
use super::transfer::import_notes_dialog_ui;
use crate::format::plural;
use crate::model::ComponentKind;

impl SpofApp {
    /// A menu entry or button for `command`, with its shortcut, greyed out when it cannot run.
    pub(super) fn command_button(&mut self, ui: &mut Ui, command: Command) {
        let label = match command {
            Command::Undo => self
                .doc
                .history()
                .undo_label()
                .map_or_else(|| "Undo".to_owned(), |l| format!("Undo {l}")),
            Command::Redo => self
                .doc
                .history()
                .redo_label()
                .map_or_else(|| "Redo".to_owned(), |l| format!("Redo {l}")),
            _ => command.label().to_owned(),
        };
        let checked = match command {
            Command::TogglePalette => Some(self.panels.palette),
            Command::ToggleInspector => Some(self.panels.inspector),
            Command::ToggleAnalysis => Some(self.panels.analysis),
            Command::Presentation => Some(self.panels.presentation),
            Command::ToggleWhatIf => Some(self.whatif_mode),
            _ => None,
        };
        let text = match checked {
            Some(true) => format!("✔ {label}"),
            Some(false) => format!("    {label}"),
            None => label,
        };
        let mut button = Button::new(text);
        if let Some(shortcut) = command.shortcuts().first() {
            button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
        }
        let response = ui
            .add_enabled(self.enabled(command), button)
            .on_hover_text(command.tooltip());
        if response.clicked() {
            self.actions.push(Action::Run(command));
            ui.close();
        }
    }

    pub(super) fn menu_bar_ui(&mut self, ui: &mut Ui) {
        egui::Panel::top("menu_bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                for menu in Menu::iter() {
                    ui.menu_button(menu.label(), |ui| self.menu_ui(ui, menu));
                }
            });
        });
    }

    /// The commands the table puts in `menu`, a line between groups.
    fn menu_ui(&mut self, ui: &mut Ui, menu: Menu) {
        let mut last = None;
        for (command, group) in Command::in_menu(menu) {
            if let Some(before) = last
                && before != group
            {
                self.after_group_ui(ui, menu, before);
                ui.separator();
            }
            last = Some(group);
            self.command_button(ui, command);
        }
        if let Some(group) = last {
            self.after_group_ui(ui, menu, group);
        }
    }

    /// Entries that are not commands, after a group of commands: the samples and recent
    /// files under Open, the theme under View.
    fn after_group_ui(&mut self, ui: &mut Ui, menu: Menu, group: u8) {
        match (menu, group) {
            (Menu::File, 0) => self.open_lists_ui(ui),
            (Menu::View, 0) => {
                ui.separator();
                egui::widgets::global_theme_preference_buttons(ui);
            }
            _ => {}
        }
    }

    fn open_lists_ui(&mut self, ui: &mut Ui) {
        ui.menu_button("Open sample", |ui| {
            for (i, sample) in SAMPLES.iter().enumerate() {
                if ui.button(sample.file).clicked() {
                    self.actions.push(Action::OpenSample(i));
                    ui.close();
                }
            }
        });
        ui.add_enabled_ui(!self.settings.recent.is_empty(), |ui| {
            ui.menu_button("Open recent", |ui| {
                for path in self.settings.recent.clone() {
                    if ui.button(path.display().to_string()).clicked() {
                        self.actions.push(Action::OpenFile(path));
                        ui.close();
                    }
                }
            });
        });
    }

    pub(super) fn palette_ui(&mut self, ui: &mut Ui) {
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
                        self.actions.push(Action::AddComponent { kind, at: None });
                    }
                }
                ui.add_space(8.0);
                ui.separator();
                ui.weak("Drag a card to move it. Ctrl-drag from one card to another to connect. Shift-drag for a rubber band. Scroll to zoom.");
            });
    }

    pub(super) fn status_bar_ui(&mut self, ui: &mut Ui) {
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(self.document_label());
                if self.has_unsaved_changes() {
                    ui.label(RichText::new("• unsaved").strong());
                } else {
                    ui.weak("saved");
                }
                ui.separator();
                let m = self.doc.model();
                let (n, d) = (m.components.len(), m.dependencies.len());
                ui.label(format!(
                    "{n} component{} · {d} dependenc{}",
                    plural(n),
                    if d == 1 { "y" } else { "ies" }
                ));
                ui.separator();
                ui.weak(format!("zoom {:.0} %", self.canvas.zoom() * 100.0));
                ui.separator();
                if self.analysis_is_current() {
                    if let Some(done) = self.analysis_done() {
                        ui.label(format!("analysed in {} ms", done.elapsed.as_millis()));
                    }
                } else if self.analysis.failed.is_some() {
                    ui.colored_label(RED, "analysis failed");
                } else if self.analysis_cancelled() {
                    ui.colored_label(AMBER, "analysis cancelled");
                } else {
                    ui.spinner();
                    ui.label("analysing…");
                }
                self.export_progress_ui(ui);
                if let Some((message, error)) = &self.status {
                    ui.separator();
                    if *error {
                        ui.colored_label(RED, message);
                    } else {
                        ui.label(message);
                    }
                }
            });
        });
    }

    pub(super) fn dialogs_ui(&mut self, ctx: &egui::Context) {
        let Some(mut dialog) = self.dialog.take() else {
            return;
        };
        let keep = match &mut dialog {
            Dialog::Unsaved(next) => {
                let next = next.clone();
                self.unsaved_dialog_ui(ctx, next)
            }
            Dialog::LoadError(error) => load_error_dialog_ui(ctx, error),
            Dialog::Failed { title, message } => failed_dialog_ui(ctx, title, message),
            Dialog::ChangedOnDisk(path) => {
                let path = path.clone();
                self.changed_on_disk_dialog_ui(ctx, &path)
            }
            Dialog::Recover => self.recover_dialog_ui(ctx),
            Dialog::ImportFormat { path, text } => self.import_format_dialog_ui(ctx, path, text),
            Dialog::ImportNotes { file, notes } => import_notes_dialog_ui(ctx, file, notes),
            Dialog::Path { kind, text } => self.path_dialog_ui(ctx, *kind, text),
            Dialog::Shortcuts => shortcuts_dialog_ui(ctx),
            Dialog::About => about_dialog_ui(ctx),
        };
        // A button inside may have opened another dialog (Save → Save as): that one wins.
        if keep && self.dialog.is_none() {
            self.dialog = Some(dialog);
        }
    }

    fn unsaved_dialog_ui(&mut self, ctx: &egui::Context, next: Pending) -> bool {
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::new("unsaved_dialog")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Unsaved changes");
            ui.label(format!(
                "{} has changes that are not saved. Save them before you {}?",
                self.document_label(),
                next.describe()
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    keep = false;
                    self.save_then(next.clone(), ctx);
                }
                if ui.button("Discard changes").clicked() {
                    keep = false;
                    self.proceed(next.clone(), ctx);
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
        keep && !modal.should_close()
    }

    fn changed_on_disk_dialog_ui(&mut self, ctx: &egui::Context, path: &Path) -> bool {
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::new("changed_on_disk_dialog")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Changed on disk");
            let file = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            ui.label(format!("{file} was changed on disk since you opened it"));
            ui.weak("Overwrite replaces those changes with this model.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Overwrite").clicked() {
                    keep = false;
                    self.save_now(path, ctx);
                }
                if ui.button(Command::SaveAs.label()).clicked() {
                    keep = false;
                    self.start_picker(PickerKind::SaveAs, ctx);
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                    self.cancel_after_save();
                }
            });
        });
        if modal.should_close() {
            keep = false;
            self.cancel_after_save();
        }
        keep
    }

    fn path_dialog_ui(&mut self, ctx: &egui::Context, kind: PickerKind, text: &mut String) -> bool {
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::new("path_dialog")).show(ctx, |ui| {
            ui.set_min_width(480.0);
            let (title, verb) = kind.title_and_verb();
            ui.heading(title);
            ui.label(kind.prompt());
            let field = ui.add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY));
            if !field.has_focus() && !field.lost_focus() {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if kind == PickerKind::Open && !self.settings.recent.is_empty() {
                ui.add_space(4.0);
                ui.weak("Recent:");
                for path in &self.settings.recent {
                    if ui.link(path.display().to_string()).clicked() {
                        *text = path.display().to_string();
                    }
                }
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let go = ui
                    .add_enabled(!text.trim().is_empty(), Button::new(verb))
                    .clicked();
                if (go || entered) && !text.trim().is_empty() {
                    let path = std::path::PathBuf::from(text.trim());
                    self.actions.push(kind.action(path));
                    keep = false;
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
        keep && !modal.should_close()
    }
}

fn load_error_dialog_ui(ctx: &egui::Context, error: &crate::model::LoadError) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("load_error_dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Cannot open the model");
        ui.label(&error.file);
        if let Some((line, column)) = error.location {
            ui.strong(format!("Line {line}, column {column}"));
        }
        ui.colored_label(RED, &error.message);
        ui.add_space(4.0);
        ui.label("The model you had open is unchanged.");
        if ui.button("OK").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

fn failed_dialog_ui(ctx: &egui::Context, title: &str, message: &str) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("failed_dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading(title);
        ui.colored_label(RED, message);
        if ui.button("OK").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

fn about_dialog_ui(ctx: &egui::Context) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("about_dialog")).show(ctx, |ui| {
        ui.heading("spofscope");
        ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
        ui.label("Find single points of failure in software architectures.");
        ui.weak("MIT licence");
        if ui.button("Close").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

fn shortcuts_dialog_ui(ctx: &egui::Context) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::new("shortcuts_dialog")).show(ctx, |ui| {
        ui.heading("Keyboard shortcuts");
        egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
            for c in Command::all() {
                if c.shortcuts().is_empty() {
                    continue;
                }
                ui.label(c.label());
                let keys: Vec<String> = c
                    .shortcuts()
                    .iter()
                    .map(|s| ctx.format_shortcut(s))
                    .collect();
                ui.monospace(keys.join("  or  "));
                ui.end_row();
            }
            for (gesture, what) in [
                ("Scroll", "zoom at the pointer"),
                ("Drag empty space / middle button", "pan"),
                ("Shift-drag empty space", "rubber-band select"),
                ("Shift-click", "add to the selection"),
                ("Ctrl-drag card to card", "connect"),
                ("Double-click empty space", "add a service"),
                ("Double-click a card", "rename"),
                ("Right-click", "context menu"),
                ("➡  or  Page Down  or  Space", "presentation: next slide"),
                ("⬅  or  Page Up", "presentation: slide before"),
                ("Esc", "presentation: leave"),
            ] {
                ui.label(what);
                ui.monospace(gesture);
                ui.end_row();
            }
        });
        ui.add_space(6.0);
        if ui.button("Close").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

impl Pending {
    pub fn describe(&self) -> String {
        match self {
            Pending::New => "start a new model".to_owned(),
            Pending::Open(_, p, _) => format!("open {}", p.display()),
            Pending::Import(_, p) => format!("import {}", p.display()),
            Pending::OpenSample(i) => {
                format!("open {}", SAMPLES.get(*i).map_or("a sample", |s| s.file))
            }
            Pending::Quit => "quit".to_owned(),
        }
    }
}
