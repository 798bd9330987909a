//! The one command table: every app-wide user action with its label and keyboard shortcuts.
//! Menus, shortcuts and buttons all come from here; running a command is the app's job, not this file's.

use egui::{Key, KeyboardShortcut, Modifiers};
use strum::{EnumIter, IntoEnumIterator};

/// Every app-wide action, in menu order; [`Command::all`] lists them all by construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter)]
pub enum Command {
    New,
    Open,
    OpenPath,
    Save,
    SaveAs,
    Import,
    AddTraces,
    Export,
    CompareWith,
    CloseCompare,
    Quit,
    Undo,
    Redo,
    Copy,
    Paste,
    Duplicate,
    Delete,
    Rename,
    SelectAll,
    ClearSelection,
    Connect,
    ToggleDependencyKind,
    MakeRedundant,
    ModelProperties,
    FitView,
    ZoomIn,
    ZoomOut,
    TogglePalette,
    ToggleInspector,
    ToggleAnalysis,
    Presentation,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
    ToggleWhatIf,
    KnockOutSelection,
    ResetWhatIf,
    Reanalyse,
    CancelAnalysis,
    ApplyAllFixes,
    ChaosExperiment,
    ExportExperiment,
    ReadExperimentResult,
    Shortcuts,
    About,
}

/// The menus of the menu bar, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter)]
pub enum Menu {
    File,
    Edit,
    View,
    Analysis,
    Help,
}

impl Menu {
    pub fn label(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Analysis => "Analysis",
            Menu::Help => "Help",
        }
    }

    /// The submenu a group of this menu opens from, if it is one: View ▸ Theme.
    pub fn submenu(self, group: u8) -> Option<&'static str> {
        match (self, group) {
            (Menu::View, 1) => Some("Theme"),
            (Menu::Analysis, 1) => Some("Scenarios"),
            _ => None,
        }
    }
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const NONE: Modifiers = Modifiers::NONE;

impl Command {
    /// Every command, in menu order (the order they are declared in).
    pub fn all() -> impl Iterator<Item = Command> {
        Command::iter()
    }

    pub fn label(self) -> &'static str {
        match self {
            Command::New => "New",
            Command::Open => "Open…",
            Command::OpenPath => "Open by path…",
            Command::Save => "Save",
            Command::SaveAs => "Save as…",
            Command::Import => "Import…",
            Command::AddTraces => "Add traces…",
            Command::CompareWith => "Compare with…",
            Command::CloseCompare => "Close compare",
            Command::Export => "Export…",
            Command::Quit => "Quit",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Copy => "Copy",
            Command::Paste => "Paste",
            Command::Duplicate => "Duplicate",
            Command::Delete => "Delete",
            Command::Rename => "Rename",
            Command::MakeRedundant => "Make redundant",
            Command::SelectAll => "Select all",
            Command::ClearSelection => "Clear selection",
            Command::Connect => "Connect selected",
            Command::ToggleDependencyKind => "Toggle hard / soft",
            Command::ModelProperties => "Model, regions and zones…",
            Command::FitView => "Fit to view",
            Command::ZoomIn => "Zoom in",
            Command::ZoomOut => "Zoom out",
            Command::TogglePalette => "Palette",
            Command::ToggleInspector => "Inspector",
            Command::ToggleAnalysis => "Analysis panel",
            Command::Presentation => "Presentation mode",
            Command::ThemeSystem => "Follow the system",
            Command::ThemeLight => "Light",
            Command::ThemeDark => "Dark",
            Command::ToggleWhatIf => "What-if mode",
            Command::ResetWhatIf => "Reset knockouts",
            Command::KnockOutSelection => "Knock out selection",
            Command::Reanalyse => "Analyse again",
            Command::CancelAnalysis => "Cancel analysis",
            Command::ApplyAllFixes => "Apply all fixes",
            Command::ChaosExperiment => "Chaos experiment…",
            Command::ExportExperiment => "Export experiment…",
            Command::ReadExperimentResult => "Read experiment result…",
            Command::Shortcuts => "Keyboard shortcuts",
            Command::About => "About spofscope",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            Command::New => "Start an empty model",
            Command::Open => "Open a .spof.ron model",
            Command::OpenPath => "Type the path of a model to open",
            Command::Save => "Save the model to its file",
            Command::SaveAs => "Save the model to a new file",
            Command::Import => {
                "Open a Docker Compose, Kubernetes YAML, Graphviz DOT, Open-PSA MEF, traces, Terraform JSON or Backstage catalog file as a new model"
            }
            Command::AddTraces => {
                "Lay Jaeger or Zipkin dependencies or OpenTelemetry service-graph metrics over this model: the calls they saw become dependencies, in one undo step"
            }
            Command::CompareWith => {
                "Compare this model with another version of it, as `spofscope diff` does: the canvas marks what was added, changed and removed, the panel the SPOFs and availability before and after"
            }
            Command::CloseCompare => "Stop comparing with the other version",
            Command::Export => "Save the model in another format",
            Command::Quit => "Close the window",
            Command::Undo => "Undo the last edit",
            Command::Redo => "Redo the last undone edit",
            Command::Copy => "Copy the selected components and the dependencies between them",
            Command::Paste => "Paste copied components",
            Command::Duplicate => "Copy and paste the selection in one step",
            Command::Delete => "Delete the selected components or dependency",
            Command::Rename => "Edit the selected component's name",
            Command::MakeRedundant => {
                "Run the selected components with at least two replicas, spread over every zone of their region"
            }
            Command::SelectAll => "Select every component",
            Command::ClearSelection => {
                "Select nothing; cancel a gesture, or the analysis or chaos experiment while it runs"
            }
            Command::Connect => {
                "With two components selected: the first selected depends on the second"
            }
            Command::ToggleDependencyKind => {
                "Make the selected dependency soft (degrades only) or hard (required)"
            }
            Command::ModelProperties => "Edit the model's name, defaults, regions and zones",
            Command::FitView => "Zoom and pan so the whole model is visible",
            Command::ZoomIn => "Zoom in around the centre",
            Command::ZoomOut => "Zoom out around the centre",
            Command::TogglePalette => "Show or hide the palette",
            Command::ToggleInspector => "Show or hide the inspector",
            Command::ToggleAnalysis => "Show or hide the analysis panel",
            Command::Presentation => {
                "Full screen for design reviews: the canvas and the headline numbers, then each scenario and the top recommendations as slides (arrow keys; Esc leaves)"
            }
            Command::ThemeSystem => "Light or dark as the desktop is set",
            Command::ThemeLight => "Dark text on light panels, for bright rooms and projectors",
            Command::ThemeDark => "Light text on dark panels",
            Command::ToggleWhatIf => "Click components, zones and regions to knock them out",
            Command::ResetWhatIf => "Bring every knocked-out part back",
            Command::KnockOutSelection => "Knock out the selected components (what-if)",
            Command::Reanalyse => "Run the analysis again",
            Command::CancelAnalysis => "Stop the running analysis (Esc)",
            Command::ApplyAllFixes => {
                "Apply the best fix for each SPOF, one after another, as one undo step"
            }
            Command::ChaosExperiment => {
                "Fail parts at random in many seeded trials and compare with the exact availability"
            }
            Command::ExportExperiment => {
                "Write the scenario in the what-if (or the first one) as a Chaos Toolkit experiment (.json) or Chaos Mesh manifest (.yaml) against the running system, its hypothesis the model's prediction"
            }
            Command::ReadExperimentResult => {
                "Compare a Chaos Toolkit journal with the model's prediction; the result shows beside the scenario"
            }
            Command::Shortcuts => "List every keyboard shortcut",
            Command::About => "Version and licence",
        }
    }

    /// Where the command sits in the menu bar: its menu and its group there (a line
    /// separates groups); `None` for a command only a key, a button or a gesture runs.
    pub fn menu(self) -> Option<(Menu, u8)> {
        let place = match self {
            Command::New | Command::Open | Command::OpenPath => (Menu::File, 0),
            Command::Save | Command::SaveAs => (Menu::File, 1),
            Command::Import | Command::AddTraces | Command::Export => (Menu::File, 2),
            Command::CompareWith | Command::CloseCompare => (Menu::File, 3),
            Command::Quit => (Menu::File, 4),
            Command::Undo
            | Command::Redo
            | Command::Copy
            | Command::Paste
            | Command::Duplicate
            | Command::Delete
            | Command::Rename
            | Command::SelectAll
            | Command::Connect
            | Command::ToggleDependencyKind
            | Command::MakeRedundant
            | Command::ModelProperties => (Menu::Edit, 0),
            Command::FitView
            | Command::ZoomIn
            | Command::ZoomOut
            | Command::TogglePalette
            | Command::ToggleInspector
            | Command::ToggleAnalysis
            | Command::Presentation => (Menu::View, 0),
            Command::ThemeSystem | Command::ThemeLight | Command::ThemeDark => (Menu::View, 1),
            Command::ToggleWhatIf
            | Command::KnockOutSelection
            | Command::ResetWhatIf
            | Command::Reanalyse
            | Command::CancelAnalysis
            | Command::ApplyAllFixes
            | Command::ChaosExperiment => (Menu::Analysis, 0),
            Command::ExportExperiment | Command::ReadExperimentResult => (Menu::Analysis, 1),
            Command::Shortcuts | Command::About => (Menu::Help, 0),
            Command::ClearSelection => return None,
        };
        Some(place)
    }

    /// The commands of `menu`, in order, each with its group.
    pub fn in_menu(menu: Menu) -> impl Iterator<Item = (Command, u8)> {
        Command::all().filter_map(move |c| match c.menu() {
            Some((m, group)) if m == menu => Some((c, group)),
            _ => None,
        })
    }

    /// Keyboard shortcuts; the first is shown in menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const NEW: [KeyboardShortcut; 1] = [key(CMD, Key::N)];
        const OPEN: [KeyboardShortcut; 1] = [key(CMD, Key::O)];
        const SAVE: [KeyboardShortcut; 1] = [key(CMD, Key::S)];
        const SAVE_AS: [KeyboardShortcut; 1] = [key(CMD_SHIFT, Key::S)];
        const QUIT: [KeyboardShortcut; 1] = [key(CMD, Key::Q)];
        const UNDO: [KeyboardShortcut; 1] = [key(CMD, Key::Z)];
        const REDO: [KeyboardShortcut; 2] = [key(CMD_SHIFT, Key::Z), key(CMD, Key::Y)];
        const COPY: [KeyboardShortcut; 1] = [key(CMD, Key::C)];
        const PASTE: [KeyboardShortcut; 1] = [key(CMD, Key::V)];
        const DUPLICATE: [KeyboardShortcut; 1] = [key(CMD, Key::D)];
        const DELETE: [KeyboardShortcut; 2] = [key(NONE, Key::Delete), key(NONE, Key::Backspace)];
        const RENAME: [KeyboardShortcut; 1] = [key(NONE, Key::F2)];
        const SELECT_ALL: [KeyboardShortcut; 1] = [key(CMD, Key::A)];
        const ESCAPE: [KeyboardShortcut; 1] = [key(NONE, Key::Escape)];
        const CONNECT: [KeyboardShortcut; 1] = [key(NONE, Key::C)];
        const TOGGLE_KIND: [KeyboardShortcut; 1] = [key(NONE, Key::H)];
        const FIT: [KeyboardShortcut; 2] = [key(NONE, Key::F), key(NONE, Key::Home)];
        const ZOOM_IN: [KeyboardShortcut; 2] = [key(CMD, Key::Plus), key(CMD, Key::Equals)];
        const ZOOM_OUT: [KeyboardShortcut; 1] = [key(CMD, Key::Minus)];
        const PRESENT: [KeyboardShortcut; 1] = [key(NONE, Key::F5)];
        const WHATIF: [KeyboardShortcut; 1] = [key(NONE, Key::W)];
        const KNOCK: [KeyboardShortcut; 1] = [key(NONE, Key::K)];
        const SHORTCUTS: [KeyboardShortcut; 1] = [key(NONE, Key::F1)];
        match self {
            Command::New => &NEW,
            Command::Open => &OPEN,
            Command::Save => &SAVE,
            Command::SaveAs => &SAVE_AS,
            Command::Quit => &QUIT,
            Command::Undo => &UNDO,
            Command::Redo => &REDO,
            Command::Copy => &COPY,
            Command::Paste => &PASTE,
            Command::Duplicate => &DUPLICATE,
            Command::Delete => &DELETE,
            Command::Rename => &RENAME,
            Command::SelectAll => &SELECT_ALL,
            Command::ClearSelection => &ESCAPE,
            Command::Connect => &CONNECT,
            Command::ToggleDependencyKind => &TOGGLE_KIND,
            Command::FitView => &FIT,
            Command::ZoomIn => &ZOOM_IN,
            Command::ZoomOut => &ZOOM_OUT,
            Command::Presentation => &PRESENT,
            Command::ToggleWhatIf => &WHATIF,
            Command::KnockOutSelection => &KNOCK,
            Command::Shortcuts => &SHORTCUTS,
            Command::OpenPath
            | Command::Import
            | Command::AddTraces
            | Command::CompareWith
            | Command::CloseCompare
            | Command::Export
            | Command::MakeRedundant
            | Command::ModelProperties
            | Command::TogglePalette
            | Command::ToggleInspector
            | Command::ToggleAnalysis
            | Command::ThemeSystem
            | Command::ThemeLight
            | Command::ThemeDark
            | Command::ResetWhatIf
            | Command::Reanalyse
            | Command::CancelAnalysis
            | Command::ApplyAllFixes
            | Command::ChaosExperiment
            | Command::ExportExperiment
            | Command::ReadExperimentResult
            | Command::About => &[],
        }
    }

    /// Whether the shortcut may fire while a text field has the keyboard: only file commands,
    /// so typing never deletes components or undoes model edits behind the user's back.
    pub fn works_while_typing(self) -> bool {
        matches!(
            self,
            Command::New | Command::Open | Command::Save | Command::SaveAs | Command::Quit
        )
    }

    /// Whether the shortcut works in presentation mode: only viewing, leaving and quitting,
    /// so a key pressed during a review never edits the model.
    pub fn works_while_presenting(self) -> bool {
        matches!(
            self,
            Command::Presentation
                | Command::FitView
                | Command::ZoomIn
                | Command::ZoomOut
                | Command::Quit
        )
    }

    /// Every (shortcut, command) pair, most specific modifiers first, because egui matches
    /// Shift and Alt loosely (Ctrl+Z would otherwise also catch Ctrl+Shift+Z).
    pub fn shortcut_table() -> Vec<(KeyboardShortcut, Command)> {
        let mut table: Vec<(KeyboardShortcut, Command)> = Command::all()
            .flat_map(|c| c.shortcuts().iter().map(move |&s| (s, c)))
            .collect();
        table.sort_by_key(|(s, _)| {
            let m = s.modifiers;
            std::cmp::Reverse(u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl))
        });
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let table = Command::shortcut_table();
        for (i, (a, ca)) in table.iter().enumerate() {
            for (b, cb) in &table[i + 1..] {
                assert!(a != b, "{ca:?} and {cb:?} share a shortcut");
            }
        }
    }

    #[test]
    fn shift_variants_are_matched_before_plain_ones() {
        let table = Command::shortcut_table();
        let pos = |c: Command, s: KeyboardShortcut| table.iter().position(|x| *x == (s, c));
        assert!(pos(Command::Redo, key(CMD_SHIFT, Key::Z)) < pos(Command::Undo, key(CMD, Key::Z)));
        assert!(
            pos(Command::SaveAs, key(CMD_SHIFT, Key::S)) < pos(Command::Save, key(CMD, Key::S))
        );
    }

    #[test]
    fn menus_keep_their_order_and_groups() {
        let file: Vec<(Command, u8)> = Command::in_menu(Menu::File).collect();
        assert_eq!(
            file,
            [
                (Command::New, 0),
                (Command::Open, 0),
                (Command::OpenPath, 0),
                (Command::Save, 1),
                (Command::SaveAs, 1),
                (Command::Import, 2),
                (Command::AddTraces, 2),
                (Command::Export, 2),
                (Command::CompareWith, 3),
                (Command::CloseCompare, 3),
                (Command::Quit, 4),
            ]
        );
        let analysis: Vec<Command> = Command::in_menu(Menu::Analysis).map(|(c, _)| c).collect();
        assert_eq!(
            analysis,
            [
                Command::ToggleWhatIf,
                Command::KnockOutSelection,
                Command::ResetWhatIf,
                Command::Reanalyse,
                Command::CancelAnalysis,
                Command::ApplyAllFixes,
                Command::ChaosExperiment,
                Command::ExportExperiment,
                Command::ReadExperimentResult,
            ]
        );
        assert_eq!(Menu::Analysis.submenu(1), Some("Scenarios"));
    }

    #[test]
    fn view_ends_with_the_theme_submenu_of_three_choices() {
        let view: Vec<(Command, u8)> = Command::in_menu(Menu::View).collect();
        assert_eq!(
            view[view.len() - 3..],
            [
                (Command::ThemeSystem, 1),
                (Command::ThemeLight, 1),
                (Command::ThemeDark, 1),
            ]
        );
        assert_eq!(Menu::View.submenu(1), Some("Theme"));
        assert_eq!(Menu::View.submenu(0), None);
    }

    #[test]
    fn every_command_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for c in Command::all() {
            assert!(seen.insert(c), "{c:?} listed twice");
        }
    }
}
