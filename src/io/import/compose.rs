//! docker-compose import (v2, v3 and the Compose Specification): services become
//! components, with replicas, dependencies and entry points. Reports what it skips.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::Imported;
use super::ecosystem::{self, Role};
use super::infer::{IdTable, hosts, kind_from_image, yaml_error, yaml_options};
use crate::model::{
    Component, ComponentKind, Dependency, DependencyKind, LoadError, Model, Workload,
};

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    services: BTreeMap<String, Service>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Service {
    image: Option<String>,
    build: Option<Value>,
    ports: Vec<Value>,
    depends_on: Option<Value>,
    links: Vec<String>,
    environment: Option<Value>,
    command: Option<Value>,
    entrypoint: Option<Value>,
    deploy: Option<Deploy>,
    scale: Option<u32>,
    healthcheck: Option<Value>,
    network_mode: Option<String>,
    volumes_from: Vec<String>,
    extends: Option<Value>,
    container_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Deploy {
    replicas: Option<u32>,
    placement: Option<Value>,
    mode: Option<String>,
}

/// Largest replica count taken from a file; more is almost certainly a typo.
const MAX_REPLICAS: u32 = 1000;

pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let parsed: File = serde_saphyr::from_str_with_options(text, yaml_options())
        .map_err(|e| yaml_error(&e, file))?;
    if parsed.services.is_empty() {
        return Err(LoadError {
            file: file.to_owned(),
            location: None,
            message: "no services; expected a compose file with a `services:` map".to_owned(),
        });
    }
    let mut notes = Vec::new();
    for key in parsed.other.keys() {
        if !matches!(key.as_str(), "version") && !key.starts_with("x-") {
            notes.push(format!("top-level `{key}` is not modelled"));
        }
    }
    let mut ids = IdTable::default();
    let id_of: BTreeMap<&str, String> = parsed
        .services
        .keys()
        .map(|name| (name.as_str(), ids.fresh(name)))
        .collect();
    // Other services may be addressed by container name too.
    let mut address: BTreeMap<&str, &str> = parsed
        .services
        .iter()
        .filter_map(|(name, s)| s.container_name.as_deref().map(|c| (c, name.as_str())))
        .collect();
    for name in parsed.services.keys() {
        address.insert(name.as_str(), name.as_str());
    }

    let roles: BTreeMap<&str, Role> = parsed
        .services
        .iter()
        .map(|(name, s)| {
            let role = ecosystem::role(name, s.image.as_deref().unwrap_or(""));
            (name.as_str(), role)
        })
        .collect();
    let mut published: Vec<(usize, bool)> = Vec::new();

    let mut model = Model {
        name: parsed
            .name
            .clone()
            .unwrap_or_else(|| "Imported compose file".to_owned()),
        description: format!("Imported from {file}"),
        ..Model::default()
    };
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for (name, s) in &parsed.services {
        let id = id_of[name.as_str()].clone();
        let role = roles[name.as_str()];
        let kind = match role {
            Role::LoadGenerator(_) => ComponentKind::Client,
            Role::Discovery(_) => ComponentKind::Service,
            Role::Telemetry(_) | Role::Workload => s
                .image
                .as_deref()
                .map_or(ComponentKind::Service, kind_from_image),
        };
        let mut c = Component::new(&id, kind);
        c.name = name.clone();
        c.workload = Some(compose_workload(name));
        let replicas = s
            .deploy
            .as_ref()
            .and_then(|d| d.replicas)
            .or(s.scale)
            .unwrap_or(1);
        if replicas == 0 {
            notes.push(format!("service `{name}` has 0 replicas; modelled with 1"));
        } else if replicas > MAX_REPLICAS {
            notes.push(format!(
                "service `{name}` asks for {replicas} replicas; modelled with {MAX_REPLICAS}"
            ));
        }
        c.replicas = replicas.clamp(1, MAX_REPLICAS);
        if kind.is_stateful() && c.replicas > 1 {
            notes.push(format!(
                "service `{name}`: {} replicas of a store with unknown replication are modelled as unreplicated shards",
                c.replicas
            ));
        }
        c.monitored = s.healthcheck.as_ref().is_some_and(|h| {
            h.get("disable") != Some(&Value::Bool(true))
                && h.get("test") != Some(&Value::String("NONE".into()))
        });
        if matches!(role, Role::Discovery(_)) {
            c.min_healthy = ecosystem::quorum(c.replicas);
        }
        c.entry = matches!(role, Role::LoadGenerator(_));
        if role == Role::Workload && !s.ports.is_empty() {
            let ports: Vec<u64> = s.ports.iter().filter_map(container_port).collect();
            let front = ecosystem::is_front_end(name, kind, &ports);
            published.push((model.components.len(), front));
        }
        let mut notes_for = |what: &str| notes.push(format!("service `{name}`: {what}"));
        if let Some(d) = &s.deploy {
            if d.placement.is_some() {
                notes_for("placement constraints are not modelled (no zones)");
            }
            if d.mode.as_deref() == Some("global") {
                notes_for(
                    "`deploy.mode: global` runs one replica per node; modelled with the replica count only",
                );
            }
        }
        if s.extends.is_some() {
            notes_for("`extends` is not followed");
        }
        if s.image.is_none() && s.build.is_none() {
            notes_for("has neither image nor build");
        }

        let mut targets: Vec<(String, &'static str)> = Vec::new();
        match &s.depends_on {
            Some(Value::Array(list)) => targets.extend(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(|t| (t.to_owned(), "depends_on")),
            ),
            Some(Value::Object(map)) => {
                targets.extend(map.keys().map(|t| (t.clone(), "depends_on")))
            }
            _ => {}
        }
        for link in &s.links {
            let target = link.split(':').next().unwrap_or(link);
            targets.push((target.to_owned(), "links"));
        }
        for v in &s.volumes_from {
            if let Some(t) = v.strip_prefix("service:").or(Some(v.as_str())) {
                targets.push((t.split(':').next().unwrap_or(t).to_owned(), "volumes_from"));
            }
        }
        if let Some(t) = s
            .network_mode
            .as_deref()
            .and_then(|m| m.strip_prefix("service:"))
        {
            targets.push((t.to_owned(), "network_mode"));
        }
        let mut strings = Vec::new();
        match &s.environment {
            Some(Value::Object(map)) => strings.extend(map.values().filter_map(scalar_text)),
            Some(Value::Array(list)) => strings.extend(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(|kv| kv.split_once('=').map_or("", |(_, v)| v).to_owned()),
            ),
            _ => {}
        }
        for v in [&s.command, &s.entrypoint].into_iter().flatten() {
            match v {
                Value::String(text) => strings.push(text.clone()),
                Value::Array(list) => strings.extend(list.iter().filter_map(scalar_text)),
                _ => {}
            }
        }
        for text in &strings {
            for host in hosts(text) {
                if let Some(&target) = address.get(host) {
                    targets.push((target.to_owned(), "configuration"));
                }
            }
        }
        for (target, source) in targets {
            match id_of.get(target.as_str()) {
                Some(to) if *to != id => {
                    if edges.insert((id.clone(), to.clone())) {
                        let kind = match roles.get(target.as_str()) {
                            Some(Role::Telemetry(_)) => DependencyKind::Soft,
                            _ => DependencyKind::Hard,
                        };
                        model.dependencies.push(Dependency {
                            from: id.clone(),
                            to: to.clone(),
                            kind,
                        });
                    }
                }
                Some(_) => {}
                None => notes.push(format!(
                    "service `{name}`: {source} names unknown service `{target}`"
                )),
            }
        }
        model.components.push(c);
    }
    mark_entries(&mut model, &published, &mut notes);
    for (name, role) in &roles {
        let id = &id_of[name];
        let callers = model.dependencies.iter().filter(|d| d.to == *id).count();
        if let Some(decision) = role.decision(callers) {
            notes.push(format!("service `{name}`: {decision}"));
        }
    }
    if !model.components.iter().any(|c| c.entry) {
        let any_ports = parsed.services.values().any(|s| !s.ports.is_empty());
        notes.push(if any_ports {
            "only telemetry and discovery services publish ports: no entry point; mark one in the model"
        } else {
            "no service publishes ports: no entry point; mark one in the model"
        }.to_owned());
    }
    super::finish(model, notes, file)
}

/// Services that publish ports are entries; when some of them are front ends, only those
/// are (the others publish admin or debugging ports), and each other one is noted.
fn mark_entries(model: &mut Model, published: &[(usize, bool)], notes: &mut Vec<String>) {
    let fronts: Vec<usize> = published.iter().filter(|p| p.1).map(|p| p.0).collect();
    let names = |list: &[usize]| {
        list.iter()
            .map(|&i| model.components[i].name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let front_names = names(&fronts);
    for &(i, front) in published {
        if fronts.is_empty() || front {
            model.components[i].entry = true;
        } else {
            notes.push(format!(
                "service `{}` publishes ports but is no front end: not an entry (front ends: {front_names})",
                model.components[i].name
            ));
        }
    }
}

/// The container side of a `ports` entry: `8080`, `"8081:8080"`, `"127.0.0.1:80:80/tcp"`,
/// `"3000-3005"` or `{target: 80, published: 8080}`.
fn container_port(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => {
            let no_protocol = text.split('/').next().unwrap_or(text);
            let container = no_protocol.rsplit(':').next().unwrap_or(no_protocol);
            container.split('-').next()?.trim().parse().ok()
        }
        Value::Object(map) => match map.get("target")? {
            Value::Number(n) => n.as_u64(),
            Value::String(t) => t.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A Compose service as a workload: its name, and the label Compose puts on its containers
/// (left out when the name could not be a label value).
fn compose_workload(name: &str) -> Workload {
    let mut labels = BTreeMap::new();
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        labels.insert("com.docker.compose.service".to_owned(), name.to_owned());
    }
    Workload {
        namespace: String::new(),
        kind: Workload::COMPOSE.to_owned(),
        name: if name.trim().is_empty() {
            "service".to_owned()
        } else {
            name.to_owned()
        },
        labels,
        url: None,
    }
}
