//! Importers: models read from docker-compose, Kubernetes manifests, Graphviz DOT, Open-PSA
//! MEF, traces (Jaeger, Zipkin, OpenTelemetry service graph), Terraform JSON and Backstage
//! catalogs, checked and laid out.
//! Never writes a file; never imports egui.

pub mod backstage;
pub mod compose;
pub mod dot;
mod ecosystem;
mod infer;
pub mod k8s;
pub mod layout;
pub mod mef;
pub mod terraform;
pub mod traces;

use std::path::Path;

use crate::model::{LoadError, Model};

/// The formats a model can be imported from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    Compose,
    K8s,
    Dot,
    Mef,
    /// A Jaeger or Zipkin dependencies response or OpenTelemetry service-graph metrics.
    Traces,
    /// The JSON of `terraform show -json`, for a plan or a state.
    Terraform,
    /// A Backstage catalog (`catalog-info.yaml`).
    Backstage,
}

/// Why [`guess_import_format`] could not tell the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnknownFormat {
    /// A YAML file with neither `services:` (compose) nor `apiVersion:` or `kind:`
    /// (Kubernetes) at the top level.
    Yaml,
    /// A file name whose extension no importer reads, and content none recognises.
    Extension,
}

/// The import format of `file` from its name, for YAML from its top-level keys (a
/// `backstage.io/` apiVersion is a catalog), and for
/// anything else from its content (Terraform JSON, traces).
pub fn guess_import_format(file: &Path, text: &str) -> Result<ImportFormat, UnknownFormat> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let top_level = |key: &str| text.lines().any(|l| l.starts_with(key));
    if name.ends_with(".xml") {
        Ok(ImportFormat::Mef)
    } else if name.ends_with(".dot") || name.ends_with(".gv") {
        Ok(ImportFormat::Dot)
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        if backstage::detect(text) {
            Ok(ImportFormat::Backstage)
        } else if top_level("services:") {
            Ok(ImportFormat::Compose)
        } else if top_level("apiVersion:") || top_level("kind:") {
            Ok(ImportFormat::K8s)
        } else {
            Err(UnknownFormat::Yaml)
        }
    } else if terraform::detect(text) {
        Ok(ImportFormat::Terraform)
    } else if traces::detect(text).is_some() {
        Ok(ImportFormat::Traces)
    } else {
        Err(UnknownFormat::Extension)
    }
}

/// Read `text` as `format`; `file` names it in errors and notes.
pub fn import(format: ImportFormat, text: &str, file: &str) -> Result<Imported, LoadError> {
    match format {
        ImportFormat::Compose => compose::import(text, file),
        ImportFormat::K8s => k8s::import(text, file),
        ImportFormat::Dot => dot::import(text, file),
        ImportFormat::Mef => mef::import(text, file),
        ImportFormat::Traces => traces::import(text, file),
        ImportFormat::Terraform => terraform::import(text, file),
        ImportFormat::Backstage => backstage::import(text, file),
    }
}

/// A model read from another format, with one line per thing that could not be mapped.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub model: Model,
    pub notes: Vec<String>,
}

/// The last step of every importer: check the model against every rule and limit of
/// the file format (so an import never yields a model that cannot be saved and
/// loaded again), then lay it out.
fn finish(mut model: Model, notes: Vec<String>, file: &str) -> Result<Imported, LoadError> {
    if let Err(problems) = model.validate() {
        let message = problems
            .into_iter()
            .next()
            .map(|p| p.message)
            .unwrap_or_default();
        return Err(LoadError {
            file: file.to_owned(),
            location: None,
            message: format!("the imported model is not valid: {message}"),
        });
    }
    layout::layered(&mut model);
    Ok(Imported { model, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_is_guessed_from_extension_and_top_level_keys() {
        let guess = |name: &str, text: &str| guess_import_format(Path::new(name), text);
        assert_eq!(guess("tree.XML", ""), Ok(ImportFormat::Mef));
        assert_eq!(guess("g.gv", ""), Ok(ImportFormat::Dot));
        assert_eq!(
            guess("docker-compose.yml", "version: '3'\nservices:\n  web: {}\n"),
            Ok(ImportFormat::Compose)
        );
        assert_eq!(
            guess("app.yaml", "apiVersion: v1\nkind: Service\n"),
            Ok(ImportFormat::K8s)
        );
        assert_eq!(guess("x.yaml", "a: 1\n"), Err(UnknownFormat::Yaml));
        assert_eq!(
            guess(
                "catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            ),
            Ok(ImportFormat::Backstage)
        );
        assert_eq!(guess("model.json", "{}"), Err(UnknownFormat::Extension));
        assert_eq!(
            guess(
                "plan.json",
                "{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.8\"}"
            ),
            Ok(ImportFormat::Terraform)
        );
        assert_eq!(
            guess("deps.json", "{\"data\": []}"),
            Ok(ImportFormat::Traces)
        );
        assert_eq!(
            guess(
                "scrape.txt",
                "traces_service_graph_request_total{client=\"a\",server=\"b\"} 1\n"
            ),
            Ok(ImportFormat::Traces)
        );
    }
}
