//! Where models come from and go to: the built-in samples, the recent-files list persisted with
//! the window, and native file dialogs run off the UI thread. Must not load or save models itself.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use egui::ThemePreference;
use serde::{Deserialize, Serialize};

use super::action::Action;
use crate::io::export::{ChaosFormat, ExportFormat};

/// A sample shipped inside the binary, so `spofscope` works from any directory.
pub struct Sample {
    pub file: &'static str,
    pub text: &'static str,
}

/// Every file in `samples/`; the first is what `spofscope` opens with no FILE.
pub const SAMPLES: [Sample; 4] = [
    Sample {
        file: "webshop.spof.ron",
        text: include_str!("../../samples/webshop.spof.ron"),
    },
    Sample {
        file: "webshop-hardened.spof.ron",
        text: include_str!("../../samples/webshop-hardened.spof.ron"),
    },
    Sample {
        file: "microservices.spof.ron",
        text: include_str!("../../samples/microservices.spof.ron"),
    },
    Sample {
        file: "two-region.spof.ron",
        text: include_str!("../../samples/two-region.spof.ron"),
    },
];

/// Recent files kept.
const RECENT_CAP: usize = 10;

/// What is persisted with the window state between runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    /// View ▸ Theme; following the system by default.
    pub theme: ThemePreference,
}

impl Settings {
    /// Put `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_owned());
        self.recent.truncate(RECENT_CAP);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerKind {
    Open,
    SaveAs,
    Import,
    Traces,
    Export,
    /// Another version of the model to compare with.
    Compare,
    Experiment,
    Journal,
}

impl PickerKind {
    /// What to do with the path the user picked.
    pub fn action(self, path: PathBuf) -> Action {
        match self {
            PickerKind::Open => Action::OpenFile(path),
            PickerKind::SaveAs => Action::SaveTo(path),
            PickerKind::Import => Action::ImportFile(path),
            PickerKind::Traces => Action::AddTraces(path),
            PickerKind::Export => Action::ExportTo(path),
            PickerKind::Compare => Action::CompareWith(path),
            PickerKind::Experiment => Action::ExportExperimentTo(path),
            PickerKind::Journal => Action::ReadResultFrom(path),
        }
    }

    /// The path field's title and button.
    pub fn title_and_verb(self) -> (&'static str, &'static str) {
        match self {
            PickerKind::Open => ("Open a model", "Open"),
            PickerKind::SaveAs => ("Save the model as", "Save"),
            PickerKind::Import => ("Import a model", "Import"),
            PickerKind::Traces => ("Add traces to the model", "Add"),
            PickerKind::Export => ("Export the model", "Export"),
            PickerKind::Compare => ("Compare with another version", "Compare"),
            PickerKind::Experiment => ("Export the scenario as a chaos experiment", "Export"),
            PickerKind::Journal => ("Read a chaos experiment's result", "Read"),
        }
    }

    /// What the path field asks for.
    pub fn prompt(self) -> String {
        match self {
            PickerKind::Open | PickerKind::SaveAs => "Path of the .spof.ron file:".to_owned(),
            PickerKind::Compare => {
                "Path of the other version's .spof.ron file (it is the old side):".to_owned()
            }
            PickerKind::Import => {
                "Path of the compose / Kubernetes / Backstage YAML, .dot, MEF .xml, Terraform or traces file:".to_owned()
            }
            PickerKind::Traces => {
                "Path of the Jaeger / Zipkin dependencies JSON or service-graph metrics file:"
                    .to_owned()
            }
            PickerKind::Export => {
                let kinds: Vec<String> = ExportFormat::ALL
                    .iter()
                    .map(|f| format!("{} for {}", f.extension(), f.label()))
                    .collect();
                format!("Path of the file to write (.{}):", kinds.join(", ."))
            }
            PickerKind::Experiment => {
                "Path of the file to write (.json for a Chaos Toolkit experiment, .yaml for Chaos Mesh):"
                    .to_owned()
            }
            PickerKind::Journal => {
                "Path of the Chaos Toolkit journal (chaos run --journal-path):".to_owned()
            }
        }
    }

    /// The native dialog's filters: (name, extensions).
    fn filters(self) -> Vec<(String, Vec<&'static str>)> {
        let all = ("All files".to_owned(), vec!["*"]);
        match self {
            PickerKind::Open | PickerKind::SaveAs | PickerKind::Compare => {
                vec![("spofscope model".to_owned(), vec!["ron"]), all]
            }
            PickerKind::Import => vec![
                (
                    "Every importable file".to_owned(),
                    vec!["yml", "yaml", "dot", "gv", "xml", "json", "prom", "txt"],
                ),
                (
                    "Docker Compose / Kubernetes / Backstage YAML".to_owned(),
                    vec!["yml", "yaml"],
                ),
                ("Graphviz DOT".to_owned(), vec!["dot", "gv"]),
                ("Open-PSA MEF XML".to_owned(), vec!["xml"]),
                ("Terraform or traces JSON".to_owned(), vec!["json"]),
                ("Service-graph metrics".to_owned(), vec!["prom", "txt"]),
                all,
            ],
            PickerKind::Traces => vec![
                (
                    "Traces (JSON, Prometheus text)".to_owned(),
                    vec!["json", "prom", "txt"],
                ),
                all,
            ],
            PickerKind::Export => ExportFormat::ALL
                .iter()
                .map(|f| (f.label().to_owned(), vec![f.extension()]))
                .collect(),
            PickerKind::Experiment => vec![
                (ChaosFormat::ChaosToolkit.label().to_owned(), vec!["json"]),
                (
                    ChaosFormat::ChaosMesh.label().to_owned(),
                    vec!["yaml", "yml"],
                ),
            ],
            PickerKind::Journal => vec![("Chaos Toolkit journal".to_owned(), vec!["json"]), all],
        }
    }
}

/// A native dialog answered faster than this with nothing was not shown at all: no desktop
/// portal (or zenity) answered, so the app offers its own path field instead.
const NO_PORTAL: Duration = Duration::from_millis(1500);

/// A native file dialog running on its own thread.
pub struct Picker {
    pub kind: PickerKind,
    started: Instant,
    receiver: Receiver<Option<PathBuf>>,
}

/// How a native dialog ended.
pub enum Picked {
    Path(PathBuf),
    Cancelled,
    Unavailable,
}

impl Picker {
    pub fn spawn(
        kind: PickerKind,
        near: Option<&Path>,
        file_name: &str,
        ctx: &egui::Context,
    ) -> Self {
        let (sender, receiver) = channel();
        let directory = near.and_then(Path::parent).map(Path::to_owned);
        let file_name = file_name.to_owned();
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("spofscope-file-dialog".to_owned())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new();
                for (name, extensions) in kind.filters() {
                    dialog = dialog.add_filter(name, &extensions);
                }
                if let Some(dir) = directory {
                    dialog = dialog.set_directory(dir);
                }
                let picked = match kind {
                    PickerKind::Open
                    | PickerKind::Import
                    | PickerKind::Traces
                    | PickerKind::Journal
                    | PickerKind::Compare => dialog.pick_file(),
                    PickerKind::SaveAs | PickerKind::Export | PickerKind::Experiment => {
                        dialog.set_file_name(file_name).save_file()
                    }
                };
                let _ = sender.send(picked);
                repaint.request_repaint();
            });
        if spawned.is_err() {
            log::warn!("cannot start a file dialog thread");
        }
        Self {
            kind,
            started: Instant::now(),
            receiver,
        }
    }

    /// `None` while the dialog is still open.
    pub fn poll(&self) -> Option<Picked> {
        match self.receiver.try_recv() {
            Ok(Some(path)) => Some(Picked::Path(path)),
            Ok(None) if self.started.elapsed() < NO_PORTAL => Some(Picked::Unavailable),
            Ok(None) => Some(Picked::Cancelled),
            Err(TryRecvError::Disconnected) => Some(Picked::Unavailable),
            Err(TryRecvError::Empty) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_keep_the_newest_first_without_duplicates() {
        let mut s = Settings::default();
        for i in 0..12 {
            s.remember(Path::new(&format!("/m/{i}.spof.ron")));
        }
        s.remember(Path::new("/m/5.spof.ron"));
        assert_eq!(s.recent.len(), RECENT_CAP);
        assert_eq!(s.recent[0], PathBuf::from("/m/5.spof.ron"));
        assert_eq!(s.recent[1], PathBuf::from("/m/11.spof.ron"));
        assert_eq!(
            s.recent
                .iter()
                .filter(|p| p.ends_with("5.spof.ron"))
                .count(),
            1
        );
    }

    #[test]
    fn settings_saved_before_the_theme_existed_follow_the_system() {
        let old: Settings =
            ron::from_str(r#"(recent: ["/m/a.spof.ron"])"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.theme, ThemePreference::System);
        assert_eq!(old.recent, [PathBuf::from("/m/a.spof.ron")]);
    }

    #[test]
    fn every_file_in_samples_is_offered() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".spof.ron"))
            .collect();
        on_disk.sort();
        let mut offered: Vec<String> = SAMPLES.iter().map(|s| s.file.to_owned()).collect();
        offered.sort();
        assert_eq!(offered, on_disk);
    }

    #[test]
    fn every_sample_loads() {
        for s in &SAMPLES {
            assert!(crate::model::from_str(s.text, s.file).is_ok(), "{}", s.file);
        }
    }
}
