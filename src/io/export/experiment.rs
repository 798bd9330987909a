//! A what-if scenario turned into a chaos experiment against the running system, before
//! any format is chosen: the faults to inject (from the scenario's events and the
//! components' workloads) and the probes of the model's prediction (every entry it says
//! stays up). Shared by the Chaos Toolkit and Chaos Mesh writers; writes nothing.

use crate::analysis::WhatIf;
use crate::analysis::scenario::{Knockout, ScenarioError};
use crate::model::{Component, Event, Model, Workload};

/// The node label Kubernetes sets to a node's zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// The node label Kubernetes sets to a node's region.
pub const REGION_LABEL: &str = "topology.kubernetes.io/region";

/// What the experiment injects and what it expects, for one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    pub model: String,
    pub scenario: String,
    /// The model's prediction for the scenario.
    pub prediction: WhatIf,
    /// One per entry predicted up, in the model's order: the hypothesis.
    pub probes: Vec<Probe>,
    /// One per entry predicted down that can be probed, in the model's order: observed
    /// after the failures are injected, so a result can tell one that stayed up.
    pub observers: Vec<Probe>,
    /// One per failed event, in the scenario's order.
    pub faults: Vec<Fault>,
}

/// How to tell that an entry is up.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The entry's component id: probes are named after it, so results map back.
    pub entry: String,
    pub check: Check,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// The entry's URL answers 200.
    Http { url: String },
    /// At least `min_ready` pods of the workload are available (its min healthy).
    Workload { workload: Workload, min_ready: u32 },
}

/// One failed event, as something to do to the cluster.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Kill pods of a workload: one (a replica `c#i`) or all (a bad deploy `c`).
    Pods {
        event: Event,
        component: String,
        workload: Workload,
        all: bool,
    },
    /// Take out every node whose `label` is `value` (a zone or a region), and so the pods
    /// of `namespaces` on them.
    Nodes {
        event: Event,
        label: &'static str,
        value: String,
        namespaces: Vec<String>,
    },
}

impl Fault {
    pub fn event(&self) -> &Event {
        match self {
            Fault::Pods { event, .. } | Fault::Nodes { event, .. } => event,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExperimentError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("scenario \"{0}\" fails nothing; expected at least one event to inject")]
    Empty(String),
    #[error(
        "component `{component}` (failed by `{event}`) has no workload; expected its Kubernetes namespace, kind, name and labels (Inspector ▸ Workload, or import the model from the manifests)"
    )]
    NoWorkload { component: String, event: Event },
    #[error(
        "component `{component}` (failed by `{event}`) has no workload labels; expected the labels that select its pods"
    )]
    NoLabels { component: String, event: Event },
    #[error(
        "component `{component}` is a Docker Compose service; chaos experiments target Kubernetes workloads (give it a Kubernetes workload in the inspector)"
    )]
    Compose { component: String },
    #[error(
        "event `{0}` cannot be injected into a running system; expected replica, component, zone or region events"
    )]
    NotInjectable(Event),
    #[error(
        "entry `{0}` has neither a workload URL nor a Kubernetes workload to probe; expected a URL (Inspector ▸ Workload ▸ URL) or a workload"
    )]
    NoProbe(String),
}

impl Experiment {
    /// The experiment for the model's scenario `name`.
    pub fn plan(model: &Model, name: &str) -> Result<Self, ExperimentError> {
        let knockout = Knockout::from_scenario(model, name)?;
        let prediction = knockout.outcome;
        if prediction.failed.is_empty() {
            return Err(ExperimentError::Empty(knockout.scenario));
        }
        let faults = prediction
            .failed
            .iter()
            .map(|e| fault(model, e))
            .collect::<Result<Vec<_>, _>>()?;
        let probes = model
            .components
            .iter()
            .filter(|c| c.entry && !prediction.entries_down.contains(&c.id))
            .map(probe)
            .collect::<Result<Vec<_>, _>>()?;
        let observers = model
            .components
            .iter()
            .filter(|c| c.entry && prediction.entries_down.contains(&c.id))
            .filter_map(|c| probe(c).ok())
            .collect();
        Ok(Self {
            model: model.name.clone(),
            scenario: knockout.scenario,
            prediction,
            probes,
            observers,
            faults,
        })
    }

    /// A name for files and Kubernetes objects: the scenario in lower-case letters,
    /// digits and dashes (DNS-1123), never empty.
    pub fn slug(&self) -> String {
        let mut slug = String::new();
        for c in self.scenario.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(50).collect();
        match slug.trim_end_matches('-') {
            "" => "spofscope-scenario".to_owned(),
            slug => format!("spofscope-{slug}"),
        }
    }

    /// The entries the model predicts down.
    pub fn entries_down(&self) -> &[String] {
        &self.prediction.entries_down
    }
}

/// The Kubernetes workload of `component`, for the fault of `event`.
fn target<'m>(
    model: &'m Model,
    component: &str,
    event: &Event,
) -> Result<&'m Workload, ExperimentError> {
    let c = model
        .component(component)
        .ok_or_else(|| ExperimentError::NotInjectable(event.clone()))?;
    let w = c
        .workload
        .as_ref()
        .ok_or_else(|| ExperimentError::NoWorkload {
            component: c.id.clone(),
            event: event.clone(),
        })?;
    if !w.is_kubernetes() {
        return Err(ExperimentError::Compose {
            component: c.id.clone(),
        });
    }
    if w.labels.is_empty() {
        return Err(ExperimentError::NoLabels {
            component: c.id.clone(),
            event: event.clone(),
        });
    }
    Ok(w)
}

fn fault(model: &Model, event: &Event) -> Result<Fault, ExperimentError> {
    let pods = |component: &str, all: bool| {
        Ok(Fault::Pods {
            event: event.clone(),
            component: component.to_owned(),
            workload: target(model, component, event)?.clone(),
            all,
        })
    };
    let nodes = |label: &'static str, value: &str| Fault::Nodes {
        event: event.clone(),
        label,
        value: value.to_owned(),
        namespaces: namespaces(model),
    };
    match event {
        Event::Replica { component, .. } => pods(component, false),
        Event::Component(component) | Event::Common(component) => pods(component, true),
        Event::Zone(zone) => Ok(nodes(ZONE_LABEL, zone)),
        Event::Region(region) => Ok(nodes(REGION_LABEL, region)),
        Event::Failover(_) => Err(ExperimentError::NotInjectable(event.clone())),
    }
}

/// The namespaces of the model's Kubernetes workloads, sorted, each once.
fn namespaces(model: &Model) -> Vec<String> {
    let mut out: Vec<String> = model
        .components
        .iter()
        .filter_map(|c| c.workload.as_ref())
        .filter(|w| w.is_kubernetes())
        .map(|w| namespace(w).to_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The namespace a workload runs in: `default` when none is recorded.
pub fn namespace(w: &Workload) -> &str {
    if w.namespace.is_empty() {
        "default"
    } else {
        &w.namespace
    }
}

fn probe(c: &Component) -> Result<Probe, ExperimentError> {
    let check = match &c.workload {
        Some(Workload { url: Some(url), .. }) => Check::Http { url: url.clone() },
        Some(w) if w.is_kubernetes() && !w.labels.is_empty() => Check::Workload {
            workload: w.clone(),
            min_ready: c.effective_min_healthy(),
        },
        _ => return Err(ExperimentError::NoProbe(c.id.clone())),
    };
    Ok(Probe {
        entry: c.id.clone(),
        check,
    })
}
