//! A scenario as Chaos Mesh manifests (YAML, `chaos-mesh.org/v1alpha1`): one `PodChaos`
//! for a single failure, a `Workflow` running one `PodChaos` template per failure in
//! parallel when the scenario fails several things at once. Writes no file itself.

use std::collections::BTreeMap;

use serde::Serialize;

use super::experiment::{Experiment, Fault, namespace};

pub const API_VERSION: &str = "chaos-mesh.org/v1alpha1";
/// How long each failure is held: what the what-if assumes is a failure that lasts.
pub const DURATION: &str = "5m";

#[derive(Debug, thiserror::Error)]
#[error("cannot write the Chaos Mesh manifest: {0}")]
pub struct MeshError(String);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Object<S> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: S,
}

#[derive(Serialize)]
struct Metadata {
    name: String,
    namespace: String,
    labels: BTreeMap<&'static str, &'static str>,
    annotations: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodChaos {
    action: &'static str,
    mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<&'static str>,
    selector: Selector,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Selector {
    namespaces: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    label_selectors: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    node_selectors: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct WorkflowSpec {
    entry: &'static str,
    templates: Vec<Template>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Template {
    name: String,
    template_type: &'static str,
    deadline: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_chaos: Option<PodChaos>,
}

/// The manifest as YAML: a `PodChaos` when the scenario fails one thing, else a `Workflow`.
pub fn render(experiment: &Experiment) -> Result<String, MeshError> {
    let name = experiment.slug();
    let home = experiment
        .faults
        .iter()
        .find_map(|f| home_namespace(f))
        .unwrap_or("default")
        .to_owned();
    let metadata = Metadata {
        name: name.clone(),
        namespace: home,
        labels: BTreeMap::from([("app.kubernetes.io/managed-by", "spofscope")]),
        annotations: BTreeMap::from([
            ("spofscope/model", experiment.model.clone()),
            ("spofscope/scenario", experiment.scenario.clone()),
            (
                "spofscope/predicted-up",
                experiment
                    .probes
                    .iter()
                    .map(|p| p.entry.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (
                "spofscope/predicted-down",
                experiment.entries_down().join(","),
            ),
        ]),
    };
    let yaml = match experiment.faults.as_slice() {
        [single] => serde_saphyr::to_string(&Object {
            api_version: API_VERSION,
            kind: "PodChaos",
            metadata,
            spec: pod_chaos(single, Some(DURATION)),
        }),
        faults => {
            let children: Vec<String> = faults
                .iter()
                .enumerate()
                .map(|(i, f)| template_name(i, f))
                .collect();
            let mut templates = vec![Template {
                name: "entry".to_owned(),
                template_type: "Parallel",
                deadline: DURATION,
                children: children.clone(),
                pod_chaos: None,
            }];
            templates.extend(faults.iter().zip(children).map(|(f, name)| Template {
                name,
                template_type: "PodChaos",
                deadline: DURATION,
                children: Vec::new(),
                pod_chaos: Some(pod_chaos(f, None)),
            }));
            serde_saphyr::to_string(&Object {
                api_version: API_VERSION,
                kind: "Workflow",
                metadata,
                spec: WorkflowSpec {
                    entry: "entry",
                    templates,
                },
            })
        }
    };
    yaml.map_err(|e| MeshError(e.to_string()))
}

/// The namespace of the pods a fault selects, when it names one workload.
fn home_namespace(fault: &Fault) -> Option<&str> {
    match fault {
        Fault::Pods { workload, .. } => Some(namespace(workload)),
        Fault::Nodes { namespaces, .. } => namespaces.first().map(String::as_str),
    }
}

/// `fault-1-cart-0`: its place and event, in DNS-1123 characters.
fn template_name(i: usize, fault: &Fault) -> String {
    let mut name = format!("fault-{}-", i + 1);
    for c in fault.event().to_string().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name: String = name.chars().take(60).collect();
    name.trim_end_matches('-').to_owned()
}

/// `pod-failure` holds the pods down for the duration, as the what-if assumes: one pod
/// for a replica, every pod for a bad deploy, every pod on the zone's or region's nodes.
fn pod_chaos(fault: &Fault, duration: Option<&'static str>) -> PodChaos {
    match fault {
        Fault::Pods { workload, all, .. } => PodChaos {
            action: "pod-failure",
            mode: if *all { "all" } else { "one" },
            duration,
            selector: Selector {
                namespaces: vec![namespace(workload).to_owned()],
                label_selectors: workload.labels.clone(),
                node_selectors: BTreeMap::new(),
            },
        },
        Fault::Nodes {
            label,
            value,
            namespaces,
            ..
        } => PodChaos {
            action: "pod-failure",
            mode: "all",
            duration,
            selector: Selector {
                namespaces: namespaces.clone(),
                label_selectors: BTreeMap::new(),
                node_selectors: BTreeMap::from([((*label).to_owned(), value.clone())]),
            },
        },
    }
}
