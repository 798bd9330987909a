//! Every export format behind one call, for the command line (`export`, `check --format
//! html`) and the GUI's File ▸ Export: the diagram (SVG, PNG), the review report (HTML,
//! Markdown), Graphviz DOT and Open-PSA MEF, and a scenario as a chaos experiment (Chaos
//! Toolkit, Chaos Mesh). The numbers come from `analysis::analyze`, `analysis::whatif` and
//! `advice::recommend`; nothing is written on an error.

pub mod chaos_mesh;
pub mod chaos_toolkit;
pub mod dot;
pub mod experiment;
pub mod font;
pub mod html;
pub mod markdown;
pub mod mef;
pub mod png;
pub mod svg;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::advice;
use crate::analysis::chaos::{self, ChaosReport};
use crate::analysis::scenario::{Knockout, ScenarioError};
use crate::analysis::{self, Options, Report};
use crate::model::{self, Model, SaveError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Svg,
    Png,
    Html,
    Markdown,
    Dot,
    Mef,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        Self::Svg,
        Self::Png,
        Self::Html,
        Self::Markdown,
        Self::Dot,
        Self::Mef,
    ];

    /// The format a file extension (without the dot, any case) names.
    pub fn from_extension(extension: &str) -> Option<Self> {
        let extension = extension.to_ascii_lowercase();
        Self::ALL.into_iter().find(|f| f.extension() == extension)
    }

    /// The format the extension of `path` names.
    pub fn from_path(path: &Path) -> Option<Self> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Self::from_extension)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Png => "png",
            Self::Html => "html",
            Self::Markdown => "md",
            Self::Dot => "dot",
            Self::Mef => "xml",
        }
    }

    /// What a menu calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Svg => "Diagram (SVG)",
            Self::Png => "Diagram (PNG)",
            Self::Html => "Review report (HTML)",
            Self::Markdown => "Review report (Markdown)",
            Self::Dot => "Graphviz (DOT)",
            Self::Mef => "Fault tree (Open-PSA MEF)",
        }
    }

    /// Whether it draws the diagram, and so can show a scenario's knockout.
    pub fn shows_scenario(self) -> bool {
        matches!(self, Self::Svg | Self::Png | Self::Html | Self::Markdown)
    }
}

/// The extensions `export` accepts, for messages.
pub const EXTENSIONS: &str = ".svg, .png, .html, .md, .dot or .xml";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportOptions {
    /// Draw this scenario's knockout on the diagram (SVG, PNG, HTML, Markdown).
    pub scenario: Option<String>,
    /// Draw this knockout, already evaluated (the GUI's what-if), instead of a scenario's
    /// (SVG, PNG, HTML, Markdown).
    pub knockout: Option<Knockout>,
    /// Pixels per diagram unit (PNG only; 1 when not given).
    pub scale: Option<f32>,
    /// The file name the Markdown report links its diagram as (`diagram.svg` when not
    /// given); [`write_file`] sets it to the report's own name with `.svg`.
    pub diagram_file: Option<String>,
    /// Trials of the chaos experiment in the HTML and Markdown reports (seed 1); 0 leaves it out,
    /// none runs [`chaos::DEFAULT_TRIALS`].
    pub chaos_trials: Option<u64>,
}

/// The bytes of one export.
#[derive(Clone, Debug, PartialEq)]
pub struct Exported {
    pub bytes: Vec<u8>,
    /// Markdown only: the SVG diagram the report links, to be written beside it under
    /// [`ExportOptions::diagram_file`].
    pub diagram: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}: cannot tell the format from the extension; expected {EXTENSIONS}")]
    UnknownExtension(String),
    #[error("--scenario applies to .svg, .png, .html and .md, not to .{}", .0.extension())]
    ScenarioNotApplicable(ExportFormat),
    #[error("--scale applies to .png only, not to .{}", .0.extension())]
    ScaleNotApplicable(ExportFormat),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Png(#[from] png::PngError),
    #[error(transparent)]
    Mef(#[from] mef::ExportError),
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// `model` in `format`.
pub fn export(
    model: &Model,
    format: ExportFormat,
    options: &ExportOptions,
) -> Result<Exported, ExportError> {
    if (options.scenario.is_some() || options.knockout.is_some()) && !format.shows_scenario() {
        return Err(ExportError::ScenarioNotApplicable(format));
    }
    if options.scale.is_some() && format != ExportFormat::Png {
        return Err(ExportError::ScaleNotApplicable(format));
    }
    let knockout = match &options.knockout {
        Some(knockout) => Some(knockout.clone()),
        None => options
            .scenario
            .as_deref()
            .map(|name| Knockout::from_scenario(model, name))
            .transpose()?,
    };
    let diagram =
        |report: &Report| svg::render(model, report, knockout.as_ref(), svg::Embedding::Standalone);
    let plain = |bytes: Vec<u8>| Exported {
        bytes,
        diagram: None,
    };
    Ok(match format {
        ExportFormat::Svg => plain(diagram(&spofs_only(model)).into_bytes()),
        ExportFormat::Png => plain(png::render(
            &diagram(&spofs_only(model)),
            options.scale.unwrap_or(1.0),
        )?),
        ExportFormat::Html => {
            let report = analysis::analyze(model, &Options::default());
            let advice = advice::recommend(model, &report);
            let chaos = chaos_report(model, options.chaos_trials);
            plain(
                html::render(model, &report, &advice, knockout.as_ref(), chaos.as_ref())
                    .into_bytes(),
            )
        }
        ExportFormat::Markdown => {
            let report = analysis::analyze(model, &Options::default());
            let advice = advice::recommend(model, &report);
            let name = options.diagram_file.as_deref().unwrap_or("diagram.svg");
            let chaos = chaos_report(model, options.chaos_trials);
            let text = markdown::render(
                model,
                &report,
                &advice,
                &Knockout::all(model),
                chaos.as_ref(),
                name,
            );
            Exported {
                bytes: text.into_bytes(),
                diagram: Some(diagram(&report).into_bytes()),
            }
        }
        ExportFormat::Dot => plain(dot::render(model, &spofs_only(model)).into_bytes()),
        ExportFormat::Mef => plain(mef::export(model)?.into_bytes()),
    })
}

/// Export `model` to `out` in the format its extension names (the Markdown report's
/// diagram beside it, as `out` with `.svg`), each file written atomically. Returns the
/// files written; on an error none is.
pub fn write_file(
    model: &Model,
    out: &Path,
    options: &ExportOptions,
) -> Result<Vec<PathBuf>, ExportError> {
    let format = ExportFormat::from_path(out)
        .ok_or_else(|| ExportError::UnknownExtension(out.display().to_string()))?;
    let beside = (format == ExportFormat::Markdown).then(|| out.with_extension("svg"));
    let options = ExportOptions {
        diagram_file: beside
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned()),
        ..options.clone()
    };
    let exported = export(model, format, &options)?;
    let mut written = Vec::new();
    if let (Some(path), Some(bytes)) = (beside, &exported.diagram) {
        model::write_atomically(&path, bytes)?;
        written.push(path);
    }
    model::write_atomically(out, &exported.bytes)?;
    written.push(out.to_path_buf());
    Ok(written)
}

/// A chaos experiment format (`export --chaos`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChaosFormat {
    ChaosToolkit,
    ChaosMesh,
}

impl ChaosFormat {
    pub const ALL: [ChaosFormat; 2] = [Self::ChaosToolkit, Self::ChaosMesh];

    pub fn extension(self) -> &'static str {
        match self {
            Self::ChaosToolkit => "json",
            Self::ChaosMesh => "yaml",
        }
    }

    /// What a menu calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ChaosToolkit => "Chaos Toolkit experiment (JSON)",
            Self::ChaosMesh => "Chaos Mesh manifest (YAML)",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChaosExportError {
    #[error(transparent)]
    Experiment(#[from] experiment::ExperimentError),
    #[error(transparent)]
    Mesh(#[from] chaos_mesh::MeshError),
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// The model's scenario `scenario` as an experiment in `format`.
pub fn chaos_experiment(
    model: &Model,
    scenario: &str,
    format: ChaosFormat,
) -> Result<String, ChaosExportError> {
    let experiment = experiment::Experiment::plan(model, scenario)?;
    Ok(match format {
        ChaosFormat::ChaosToolkit => chaos_toolkit::render(&experiment),
        ChaosFormat::ChaosMesh => chaos_mesh::render(&experiment)?,
    })
}

/// Write [`chaos_experiment`] to `out` atomically; nothing is written on an error.
pub fn write_chaos_experiment(
    model: &Model,
    scenario: &str,
    format: ChaosFormat,
    out: &Path,
) -> Result<(), ChaosExportError> {
    let text = chaos_experiment(model, scenario, format)?;
    model::write_atomically(out, text.as_bytes())?;
    Ok(())
}

/// The chaos experiment a report shows: `trials` (default [`chaos::DEFAULT_TRIALS`]) with
/// seed 1, none for 0.
pub fn chaos_report(model: &Model, trials: Option<u64>) -> Option<ChaosReport> {
    let trials = trials.unwrap_or(chaos::DEFAULT_TRIALS);
    if trials == 0 {
        return None;
    }
    chaos::run(model, trials, 1, &|_, _| {}, &AtomicBool::new(false)).ok()
}

/// The analysis the diagram and DOT need: SPOFs, without order-2 sets or importance.
fn spofs_only(model: &Model) -> Report {
    let options = Options {
        order2: false,
        importance: false,
        component_importance_work: 0,
        ..Options::default()
    };
    analysis::analyze(model, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions_in_any_case() {
        assert_eq!(ExportFormat::from_extension("SVG"), Some(ExportFormat::Svg));
        assert_eq!(
            ExportFormat::from_extension("md"),
            Some(ExportFormat::Markdown)
        );
        assert_eq!(ExportFormat::from_extension("xml"), Some(ExportFormat::Mef));
        assert_eq!(ExportFormat::from_extension("txt"), None);
        assert_eq!(
            ExportFormat::from_path(Path::new("out/review.Html")),
            Some(ExportFormat::Html)
        );
        assert_eq!(ExportFormat::from_path(Path::new("review")), None);
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_extension(f.extension()), Some(f));
        }
    }
}
