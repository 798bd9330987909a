//! File ▸ Export and Scenarios ▸ Export experiment writing off the UI thread, Scenarios ▸
//! Read experiment result reading a journal there, and the names they suggest. Writing and
//! reading formats is `io`'s job, and picking files and reporting the app's; this only
//! runs them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::worker::Job;
use crate::analysis;
use crate::analysis::scenario::Knockout;
use crate::io::export::{self, ChaosFormat, ExportFormat, ExportOptions};
use crate::io::journal::{self, ChaosResult};
use crate::model::{self, Event, Model};

/// A file written or read off the UI thread (a big PNG takes seconds; a scenario is
/// evaluated before its experiment is written): the file, and then what came of it.
pub struct FileTask<V> {
    job: Job<PathBuf, Result<V, String>>,
    to: Option<PathBuf>,
    /// What the task does, for the message that refuses a second one: `exporting`.
    verb: &'static str,
}

/// File ▸ Export and Scenarios ▸ Export experiment: the files written.
pub type Exporting = FileTask<Vec<PathBuf>>;
/// Scenarios ▸ Read experiment result: the journal compared with the model.
pub type ReadingResult = FileTask<ChaosResult>;

impl Default for Exporting {
    fn default() -> Self {
        FileTask::new("exporting")
    }
}

impl Default for ReadingResult {
    fn default() -> Self {
        FileTask::new("reading")
    }
}

/// `shop.spof.ron` → `shop.svg` (the first export format's extension).
pub fn export_file_name(model_file: &str) -> String {
    let stem = model_file.strip_suffix(".spof.ron").unwrap_or(model_file);
    Path::new(stem)
        .with_extension(ExportFormat::ALL[0].extension())
        .display()
        .to_string()
}

/// `shop.spof.ron` and scenario `Zone A` → `shop-zone-a.json`.
pub fn experiment_file_name(model_file: &str, scenario: &str) -> String {
    let stem = model_file.strip_suffix(".spof.ron").unwrap_or(model_file);
    let slug: String = scenario
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    let name = if slug.is_empty() {
        stem.to_owned()
    } else {
        format!("{stem}-{slug}")
    };
    format!("{name}.{}", ChaosFormat::ALL[0].extension())
}

/// The experiment format a file's extension names: `.json` Chaos Toolkit, `.yaml` or `.yml`
/// Chaos Mesh.
pub fn experiment_format(path: &Path) -> Option<ChaosFormat> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Some(ChaosFormat::ChaosToolkit),
        Some("yaml" | "yml") => Some(ChaosFormat::ChaosMesh),
        _ => None,
    }
}

impl<V: Clone + Send + 'static> FileTask<V> {
    fn new(verb: &'static str) -> Self {
        Self {
            job: Job::default(),
            to: None,
            verb,
        }
    }

    /// The file being written or read, while it is.
    pub fn to(&self) -> Option<&PathBuf> {
        self.to.as_ref()
    }

    /// Start `work` on `path`; refused while another task runs.
    fn begin(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
        work: impl FnOnce() -> Result<V, String> + Send + 'static,
    ) -> Result<(), String> {
        if let Some(busy) = &self.to {
            return Err(format!(
                "still {} {}: try again when it is done",
                self.verb,
                busy.display()
            ));
        }
        let path = path.to_owned();
        self.job.clear();
        self.to = Some(path.clone());
        self.job.request(path, ctx, move |_| Some(work()));
        Ok(())
    }

    /// A finished task, once: what came of it, or why nothing did.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Result<V, String>> {
        self.job.poll(ctx);
        let out = self.to.clone()?;
        let finished = if self.job.failed.is_some() {
            Some(Err(format!(
                "{} {} stopped unexpectedly",
                self.verb,
                out.display()
            )))
        } else {
            self.job.get(&out).map(|done| done.value.clone())
        }?;
        self.job.clear();
        self.to = None;
        Some(finished)
    }
}

impl Exporting {
    /// Start writing `model` to `out`, with `knockouts` drawn on a diagram; refused while
    /// another export runs.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        model: Arc<Model>,
        out: &Path,
        knockouts: Vec<Event>,
    ) -> Result<(), String> {
        let to = out.to_owned();
        self.begin(ctx, out, move || write_export(&model, &to, &knockouts))
    }

    /// Start writing the model's `scenario` as a chaos experiment in the format `out`'s
    /// extension names.
    pub fn start_experiment(
        &mut self,
        ctx: &egui::Context,
        model: Arc<Model>,
        out: &Path,
        scenario: String,
    ) -> Result<(), String> {
        let format = experiment_format(out).ok_or_else(|| {
            format!(
                "{}: cannot tell the format from the extension; expected .json (Chaos Toolkit) or .yaml (Chaos Mesh)",
                out.display()
            )
        })?;
        let to = out.to_owned();
        self.begin(ctx, out, move || {
            export::write_chaos_experiment(&model, &scenario, format, &to)
                .map(|()| vec![to.clone()])
                .map_err(|e| e.to_string())
        })
    }
}

impl ReadingResult {
    /// Start reading the Chaos Toolkit journal at `path` and comparing it with `model`.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        model: Arc<Model>,
        path: &Path,
    ) -> Result<(), String> {
        let from = path.to_owned();
        self.begin(ctx, path, move || read_result(&model, &from))
    }
}

/// The journal at `path` compared with `model`'s prediction for the scenario it came from.
fn read_result(model: &Model, path: &Path) -> Result<ChaosResult, String> {
    let text = model::read_text(path).map_err(|e| e.to_string())?;
    let name = path.display().to_string();
    let run = journal::read(&text, &name).map_err(|e| e.to_string())?;
    let scenario = run.scenario.clone().ok_or_else(|| {
        format!(
            "{name}: the experiment does not name a spofscope scenario; expected a journal of an experiment exported by spofscope"
        )
    })?;
    journal::compare(model, &run, &scenario).map_err(|e| e.to_string())
}

/// Write `model` to `out` with `knockouts` (what-if events) drawn as a knockout, if any.
fn write_export(model: &Model, out: &Path, knockouts: &[Event]) -> Result<Vec<PathBuf>, String> {
    let knockout = if knockouts.is_empty() {
        None
    } else {
        let outcome = analysis::whatif(model, knockouts).map_err(|e| e.to_string())?;
        Some(Knockout {
            scenario: "what-if".to_owned(),
            outcome,
        })
    };
    let options = ExportOptions {
        knockout,
        ..ExportOptions::default()
    };
    export::write_file(model, out, &options).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_follow_the_model_file() {
        assert_eq!(export_file_name("shop.spof.ron"), "shop.svg");
        assert_eq!(export_file_name("/m/tree.ron"), "/m/tree.svg");
        assert_eq!(
            experiment_file_name("shop.spof.ron", "Zone A outage"),
            "shop-zone-a-outage.json"
        );
    }

    #[test]
    fn experiment_formats_come_from_extensions() {
        assert_eq!(
            experiment_format(Path::new("x.JSON")),
            Some(ChaosFormat::ChaosToolkit)
        );
        assert_eq!(
            experiment_format(Path::new("x.yml")),
            Some(ChaosFormat::ChaosMesh)
        );
        assert_eq!(experiment_format(Path::new("x.svg")), None);
    }
}
