//! Terraform import: the JSON of `terraform show -json` (a plan or a state) read for AWS
//! resources, their zones, the provider's region and the references between them. Never
//! runs terraform or reads HCL; a resource type it does not know is listed, never guessed.

mod build;
mod locate;
mod place;
mod read;
mod role;
mod values;
mod walk;

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::Imported;
use super::infer::located;
use crate::model::LoadError;
use locate::{Step, field};
use role::Role;

/// Whether `text` looks like the JSON of `terraform show -json` (used to guess an import's
/// format); a raw state file is claimed too, so that its error can say what to run.
pub fn detect(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && (text.contains("\"format_version\"") || text.contains("\"terraform_version\""))
}

/// The major `format_version`s this reader knows (`0.x` up to Terraform 1.0, `1.x` since).
const KNOWN_MAJORS: [&str; 2] = ["0", "1"];

/// Steps of the reference walk through resources that are not components, in all: a file
/// whose references are more entangled than this is refused instead of searched forever.
const WALK_BUDGET: usize = 20_000_000;

/// Replicas of an AWS-managed service spread over several zones or edge locations.
const MANAGED_REPLICAS: u32 = 3;

/// One resource block (all its `count` or `for_each` instances), by its address without
/// instance keys.
struct Resource<'a> {
    key: String,
    resource_type: String,
    name: String,
    /// The module path the block is in: `module.a.module.b.`, or empty at the root.
    module: String,
    managed: bool,
    role: Role,
    /// Each instance's `values`, in file order.
    instances: Vec<&'a Value>,
    /// Where the block's first instance is in the file, and where each instance is.
    at: Vec<Step>,
    instances_at: Vec<Vec<Step>>,
    /// The block's configuration (plans only).
    config: Option<&'a Value>,
    provider_key: String,
}

/// A resource or module value another one may reference, with what it references
/// (`soft`: only through an attribute about logs).
type Edges = HashMap<String, Vec<(String, bool)>>;

struct Plan<'a> {
    file: &'a str,
    text: &'a str,
    root: &'a Value,
    resources: Vec<Resource<'a>>,
    index: HashMap<String, usize>,
    edges: Edges,
    subnet_zone: HashMap<String, String>,
    /// Subnet groups by `group:NAME` and clusters by `cluster:IDENTIFIER`, as states name them.
    named: HashMap<String, usize>,
    notes: Vec<String>,
}

pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let root: Value = serde_json::from_str(text).map_err(|e| LoadError {
        file: file.to_owned(),
        location: Some((e.line(), e.column())).filter(|&(l, _)| l > 0),
        message: format!("invalid Terraform JSON: {e}")
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned(),
    })?;
    let Some(top) = root.as_object() else {
        return Err(located(
            text,
            file,
            locate::offset(text, &[]),
            "expected an object: the JSON of `terraform show -json`",
        ));
    };
    check_version(top, text, file)?;
    let mut plan = Plan {
        file,
        text,
        root: &root,
        resources: Vec::new(),
        index: HashMap::new(),
        edges: Edges::new(),
        subnet_zone: HashMap::new(),
        named: HashMap::new(),
        notes: Vec::new(),
    };
    let values_key = if top.contains_key("planned_values") {
        "planned_values"
    } else {
        "values"
    };
    let values_at = [field(values_key), field("root_module")];
    if let Some(module) = top.get(values_key).and_then(|v| v.get("root_module")) {
        plan.read_values(module, "", &values_at)?;
    }
    if let Some(module) = top.get("configuration").and_then(|c| c.get("root_module")) {
        plan.read_config(
            module,
            "",
            &[field("configuration"), field("root_module")],
            0,
        )?;
    } else {
        plan.read_state_dependencies();
    }
    for list in plan.edges.values_mut() {
        list.sort();
        list.dedup();
    }
    if !plan.resources.iter().any(|r| r.managed) {
        return Err(located(
            text,
            file,
            locate::offset(text, &values_at),
            "no resources; expected the JSON of `terraform show -json` for a plan or a state",
        ));
    }
    plan.check_attributes()?;
    plan.index_names();
    plan.build()
}

fn check_version(top: &Map<String, Value>, text: &str, file: &str) -> Result<(), LoadError> {
    let at = |name: &str| locate::offset(text, &[field(name)]);
    match top.get("format_version") {
        Some(Value::String(v)) => {
            let major = v.split('.').next().unwrap_or_default();
            if KNOWN_MAJORS.contains(&major) {
                Ok(())
            } else {
                Err(located(
                    text,
                    file,
                    at("format_version"),
                    &format!(
                        "format_version {v} is not supported; expected 0.x or 1.x (a newer Terraform JSON format)"
                    ),
                ))
            }
        }
        Some(_) => Err(located(
            text,
            file,
            at("format_version"),
            "format_version is not a string; expected \"1.x\"",
        )),
        None if top.contains_key("lineage") => Err(located(
            text,
            file,
            locate::offset(text, &[]),
            "a raw state file; expected the JSON of `terraform show -json` (run it on the state)",
        )),
        None => Err(located(
            text,
            file,
            locate::offset(text, &[]),
            "no `format_version`; expected the JSON of `terraform show -json`",
        )),
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

impl<'a> Plan<'a> {
    /// An error about the value at `path`, with its line and column.
    fn error_at(&self, path: &[Step], message: &str) -> LoadError {
        located(
            self.text,
            self.file,
            locate::offset(self.text, path),
            message,
        )
    }
}
