//! Kubernetes manifest import: workloads become components, Services resolve which
//! workload a name reaches, Ingress / Gateway routes and LoadBalancer Services make
//! entries, zone spreading and PodDisruptionBudgets set placement and min healthy.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Imported;
use super::ecosystem::{self, Role};
use super::infer::{IdTable, hosts, kind_from_image, yaml_error, yaml_options};
use crate::model::{
    self, Component, ComponentKind, Dependency, DependencyKind, LoadError, Model, Region,
    Replication, Zone,
};

const ZONE_KEY: &str = "topology.kubernetes.io/zone";
const ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];
const MAX_REPLICAS: u64 = 1000;

/// One workload (Deployment, StatefulSet, DaemonSet, ReplicaSet) as read.
struct Workload {
    id: String,
    name: String,
    kind: ComponentKind,
    role: Role,
    replicas: u32,
    stateful_set: bool,
    pod_labels: BTreeMap<String, String>,
    /// Where it runs, kept on the component for chaos experiments.
    target: model::Workload,
    spread: bool,
    strings: Vec<String>,
    config_maps: Vec<String>,
}

/// A Service: the pods its selector picks, whether it is exposed as a LoadBalancer, and
/// its ports.
struct Service {
    selector: BTreeMap<String, String>,
    external: bool,
    ports: Vec<u64>,
}

/// Something that routes traffic in from outside (an Ingress or a Gateway) and the
/// Services it sends it to.
struct Route {
    name: String,
    kind: &'static str,
    backends: Vec<String>,
}

/// What the manifests say, object by object, before it becomes a model.
#[derive(Default)]
struct Manifests {
    workloads: Vec<Workload>,
    services: BTreeMap<String, Service>,
    config_maps: BTreeMap<String, Vec<String>>,
    budgets: Vec<(String, Value)>,
    routes: Vec<Route>,
    notes: Vec<String>,
    ids: IdTable,
}

pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, yaml_options())
        .map_err(|e| yaml_error(&e, file))?;
    let mut objects = Vec::new();
    for doc in docs {
        flatten(doc, &mut objects);
    }
    let mut manifests = Manifests::default();
    for obj in &objects {
        manifests.read(obj);
    }
    if manifests.workloads.is_empty() {
        return Err(LoadError {
            file: file.to_owned(),
            location: None,
            message: "no Deployment, StatefulSet, DaemonSet or ReplicaSet; expected Kubernetes workload manifests".to_owned(),
        });
    }
    let mut model = Model {
        name: "Imported Kubernetes manifests".to_owned(),
        description: format!("Imported from {file}"),
        ..Model::default()
    };
    let mut edges = Edges::default();
    manifests.add_workloads(&mut model);
    manifests.apply_budgets(&mut model);
    manifests.add_configured_dependencies(&mut model, &mut edges);
    manifests.mark_load_balancers(&mut model);
    manifests.add_routes(&mut model, &mut edges);
    manifests.note_roles(&model);
    if !model.components.iter().any(|c| c.entry) {
        manifests.notes.push("no Ingress, Gateway route or LoadBalancer Service: no entry point; mark one in the model".to_owned());
    }
    super::finish(model, manifests.notes, file)
}

impl Manifests {
    /// Take in one object, by its kind; one without a name or of a kind not modelled is
    /// noted and skipped.
    fn read(&mut self, obj: &Value) {
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if name.is_empty() && !kind.is_empty() {
            self.notes
                .push(format!("a {kind} without metadata.name is skipped"));
            return;
        }
        match kind {
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => {
                let workload = self.workload(obj, kind, name);
                self.workloads.push(workload);
            }
            "Service" => {
                let selector = labels(obj.pointer("/spec/selector"));
                let external =
                    obj.pointer("/spec/type").and_then(Value::as_str) == Some("LoadBalancer");
                if selector.is_empty() {
                    self.notes.push(format!(
                        "Service `{name}` has no selector (external endpoints are not modelled)"
                    ));
                }
                let ports = obj
                    .pointer("/spec/ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.get("port").and_then(Value::as_u64))
                    .collect();
                self.services.insert(
                    name,
                    Service {
                        selector,
                        external,
                        ports,
                    },
                );
            }
            "ConfigMap" => {
                self.config_maps.insert(name, config_map_values(obj));
            }
            "PodDisruptionBudget" => self.budgets.push((name, obj.clone())),
            "Ingress" => self.routes.push(Route {
                name,
                kind: "Ingress",
                backends: ingress_backends(obj),
            }),
            "HTTPRoute" | "GRPCRoute" | "TCPRoute" | "TLSRoute" => {
                let gateway = obj
                    .pointer("/spec/parentRefs/0/name")
                    .and_then(Value::as_str)
                    .map_or(name, str::to_owned);
                self.routes.push(Route {
                    name: gateway,
                    kind: "Gateway",
                    backends: route_backends(obj),
                });
            }
            "Gateway" => self.routes.push(Route {
                name,
                kind: "Gateway",
                backends: Vec::new(),
            }),
            "" => self
                .notes
                .push("a document without `kind` is skipped".to_owned()),
            other => self.notes.push(format!("{other} `{name}` is not modelled")),
        }
    }

    /// A Deployment, StatefulSet, DaemonSet or ReplicaSet: its kind from the first
    /// container's image, its replicas, and the strings and ConfigMaps that may name the
    /// Services it calls.
    fn workload(&mut self, obj: &Value, kind: &str, name: String) -> Workload {
        let spec = obj.get("spec").unwrap_or(&Value::Null);
        let pod = spec.pointer("/template/spec").unwrap_or(&Value::Null);
        let containers: Vec<&Value> = pod
            .get("containers")
            .and_then(Value::as_array)
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        let image = containers
            .first()
            .and_then(|c| c.get("image"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let role = ecosystem::role(&name, image);
        let mut component_kind = match role {
            Role::LoadGenerator(_) => ComponentKind::Client,
            Role::Discovery(_) => ComponentKind::Service,
            Role::Telemetry(_) | Role::Workload => kind_from_image(image),
        };
        if kind == "StatefulSet"
            && component_kind == ComponentKind::Service
            && role == Role::Workload
        {
            component_kind = ComponentKind::Database;
        }
        let replicas = if kind == "DaemonSet" {
            self.notes.push(format!(
                "DaemonSet `{name}` runs one pod per node; modelled with 3 replicas"
            ));
            3
        } else {
            let r = spec.get("replicas").and_then(Value::as_u64).unwrap_or(1);
            if r > MAX_REPLICAS {
                self.notes.push(format!(
                    "{kind} `{name}` asks for {r} replicas; modelled with {MAX_REPLICAS}"
                ));
            }
            r.clamp(1, MAX_REPLICAS) as u32
        };
        let (strings, mut config_maps) = container_references(&containers);
        for v in pod
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(m) = v.pointer("/configMap/name").and_then(Value::as_str) {
                config_maps.push(m.to_owned());
            }
        }
        let pod_labels = labels(spec.pointer("/template/metadata/labels"));
        let selector = labels(spec.pointer("/selector/matchLabels"));
        let target = model::Workload {
            namespace: obj
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default")
                .to_owned(),
            kind: kind.to_owned(),
            name: name.clone(),
            labels: if selector.is_empty() {
                pod_labels.clone()
            } else {
                selector
            }
            .into_iter()
            .filter(|(k, v)| {
                !k.is_empty()
                    && model::Workload::is_label_text(k)
                    && model::Workload::is_label_text(v)
            })
            .collect(),
            url: None,
        };
        Workload {
            id: self.ids.fresh(&name),
            name,
            kind: component_kind,
            role,
            replicas,
            stateful_set: kind == "StatefulSet",
            pod_labels,
            target,
            spread: spreads_across_zones(pod),
            strings,
            config_maps,
        }
    }

    /// The workloads a Service name reaches: those its selector matches.
    fn reach(&self, service: &str) -> Vec<usize> {
        self.services
            .get(service)
            .map(|s| {
                (0..self.workloads.len())
                    .filter(|&i| selects(&s.selector, &self.workloads[i]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// One component per workload, in a three-zone cluster region when any workload
    /// spreads over zones.
    fn add_workloads(&mut self, model: &mut Model) {
        if self.workloads.iter().any(|w| w.spread) {
            model.regions.push(Region {
                id: "cluster".to_owned(),
                name: "Cluster region".to_owned(),
                zones: ZONES.iter().map(|z| Zone::new(*z)).collect(),
            });
        }
        for w in &self.workloads {
            let mut c = Component::new(&w.id, w.kind);
            c.name = w.name.clone();
            c.replicas = w.replicas;
            c.workload = Some(w.target.clone());
            c.entry = matches!(w.role, Role::LoadGenerator(_));
            if matches!(w.role, Role::Discovery(_)) {
                c.min_healthy = ecosystem::quorum(w.replicas);
            }
            if w.spread {
                c.zones = ZONES
                    .iter()
                    .take(w.replicas.min(3) as usize)
                    .map(|z| (*z).to_owned())
                    .collect();
            }
            if w.stateful_set && c.replicas > 1 && c.kind.is_stateful() {
                c.replication = Replication::Async;
                self.notes.push(format!(
                    "StatefulSet `{}`: replication mode is not in the manifest; assumed Async",
                    w.name
                ));
            }
            model.components.push(c);
        }
    }

    /// Each PodDisruptionBudget sets min healthy of the workloads it selects.
    fn apply_budgets(&mut self, model: &mut Model) {
        for (name, pdb) in &self.budgets {
            let selector = labels(pdb.pointer("/spec/selector/matchLabels"));
            for (i, w) in self.workloads.iter().enumerate() {
                if !selects(&selector, w) {
                    continue;
                }
                let replicas = model.components[i].replicas;
                let min = match (
                    pdb.pointer("/spec/minAvailable"),
                    pdb.pointer("/spec/maxUnavailable"),
                ) {
                    (Some(v), _) => count(v, replicas, false),
                    (None, Some(v)) => count(v, replicas, true).map(|u| replicas.saturating_sub(u)),
                    _ => None,
                };
                match min {
                    Some(m) => model.components[i].min_healthy = m.clamp(1, replicas),
                    None => self.notes.push(format!(
                        "PodDisruptionBudget `{name}`: no readable minAvailable/maxUnavailable"
                    )),
                }
            }
        }
    }

    /// A workload depends on each workload a Service name in its environment, arguments or
    /// ConfigMaps reaches.
    fn add_configured_dependencies(&mut self, model: &mut Model, edges: &mut Edges) {
        for (i, w) in self.workloads.iter().enumerate() {
            let mut texts = w.strings.clone();
            for m in &w.config_maps {
                match self.config_maps.get(m) {
                    Some(values) => texts.extend(values.iter().cloned()),
                    None => self.notes.push(format!(
                        "`{}` uses ConfigMap `{m}`, which is not in the manifests",
                        w.name
                    )),
                }
            }
            for text in &texts {
                for host in hosts(text) {
                    let service = host.split('.').next().unwrap_or(host);
                    for target in self.reach(service) {
                        let to = &self.workloads[target];
                        edges.add(model, &self.workloads[i].id, &to.id, to.role);
                    }
                }
            }
        }
    }

    /// The workloads a LoadBalancer Service exposes are entries, but never telemetry or
    /// discovery; when some of them are front ends, only those are (the others expose admin
    /// or debugging ports), and each other one is noted.
    fn mark_load_balancers(&mut self, model: &mut Model) {
        let mut exposed: BTreeMap<usize, bool> = BTreeMap::new();
        for (name, service) in &self.services {
            if service.external {
                for target in self.reach(name) {
                    let w = &self.workloads[target];
                    if w.role == Role::Workload {
                        let front = ecosystem::is_front_end(&w.name, w.kind, &service.ports)
                            || ecosystem::is_front_end(name, w.kind, &[]);
                        *exposed.entry(target).or_default() |= front;
                    }
                }
            }
        }
        let fronts: Vec<&str> = exposed
            .iter()
            .filter(|(_, front)| **front)
            .map(|(&i, _)| self.workloads[i].name.as_str())
            .collect();
        for (&i, &front) in &exposed {
            if fronts.is_empty() || front {
                model.components[i].entry = true;
            } else {
                self.notes.push(format!(
                    "workload `{}` is exposed by a LoadBalancer Service but is no front end: not an entry (front ends: {})",
                    self.workloads[i].name,
                    fronts.join(", ")
                ));
            }
        }
    }

    /// One line for each workload whose role set its kind, its callers' dependency kind or
    /// whether it is an entry.
    fn note_roles(&mut self, model: &Model) {
        for w in &self.workloads {
            let callers = model.dependencies.iter().filter(|d| d.to == w.id).count();
            if let Some(decision) = w.role.decision(callers) {
                self.notes
                    .push(format!("workload `{}`: {decision}", w.name));
            }
            if matches!(w.role, Role::Discovery(_)) && w.replicas > 1 {
                self.notes.push(format!(
                    "workload `{}`: {} replicas answer while a quorum of {} is up",
                    w.name,
                    w.replicas,
                    ecosystem::quorum(w.replicas)
                ));
            }
        }
    }

    /// One entry gateway per Ingress or Gateway, depending on the workloads its routes
    /// reach.
    fn add_routes(&mut self, model: &mut Model, edges: &mut Edges) {
        for route in std::mem::take(&mut self.routes) {
            let Route {
                name,
                kind,
                backends,
            } = route;
            let id = format!("{}-{}", kind.to_ascii_lowercase(), name);
            let id = match model.component(&id) {
                Some(_) => id,
                None => {
                    let id = self.ids.fresh(&id);
                    let mut c = Component::new(&id, ComponentKind::Gateway);
                    c.name = format!("{kind} {name}");
                    c.entry = true;
                    self.notes.push(format!(
                        "{kind} `{name}`: the controller's replicas are not in the manifests; modelled with 1 (set them in the model)"
                    ));
                    model.components.push(c);
                    id
                }
            };
            for b in backends {
                let targets = self.reach(&b);
                if targets.is_empty() {
                    self.notes.push(format!(
                        "{kind} `{name}` routes to Service `{b}`, which selects no workload"
                    ));
                }
                for t in targets {
                    let to = &self.workloads[t];
                    edges.add(model, &id, &to.id, to.role);
                }
            }
        }
    }
}

/// Dependencies added so far, so that each pair is added once.
#[derive(Default)]
struct Edges(BTreeSet<(String, String)>);

impl Edges {
    /// `from` depends on `to`: softly when `to` is telemetry, else hard.
    fn add(&mut self, model: &mut Model, from: &str, to: &str, role: Role) {
        if from != to && self.0.insert((from.to_owned(), to.to_owned())) {
            let kind = match role {
                Role::Telemetry(_) => DependencyKind::Soft,
                _ => DependencyKind::Hard,
            };
            model.dependencies.push(Dependency {
                from: from.to_owned(),
                to: to.to_owned(),
                kind,
            });
        }
    }
}

/// Whether a Service selector picks the workload's pods.
fn selects(selector: &BTreeMap<String, String>, w: &Workload) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| w.pod_labels.get(k) == Some(v))
}

/// The containers' literal environment values, commands and arguments, and the ConfigMaps
/// their environment reads.
fn container_references(containers: &[&Value]) -> (Vec<String>, Vec<String>) {
    let mut strings = Vec::new();
    let mut config_maps = Vec::new();
    for c in containers {
        for env in c.get("env").and_then(Value::as_array).into_iter().flatten() {
            if let Some(v) = env.get("value").and_then(Value::as_str) {
                strings.push(v.to_owned());
            }
            if let Some(m) = env
                .pointer("/valueFrom/configMapKeyRef/name")
                .and_then(Value::as_str)
            {
                config_maps.push(m.to_owned());
            }
        }
        for from in c
            .get("envFrom")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(m) = from.pointer("/configMapRef/name").and_then(Value::as_str) {
                config_maps.push(m.to_owned());
            }
        }
        for key in ["command", "args"] {
            for a in c.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(a) = a.as_str() {
                    strings.push(a.to_owned());
                }
            }
        }
    }
    (strings, config_maps)
}

/// A ConfigMap's string values.
fn config_map_values(obj: &Value) -> Vec<String> {
    obj.get("data")
        .and_then(Value::as_object)
        .map(|m| {
            m.values()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The Services an Ingress sends traffic to: its default backend and each path's.
fn ingress_backends(obj: &Value) -> Vec<String> {
    let mut backends: Vec<String> = Vec::new();
    if let Some(s) = obj
        .pointer("/spec/defaultBackend/service/name")
        .and_then(Value::as_str)
    {
        backends.push(s.to_owned());
    }
    for rule in obj
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for path in rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let svc = path
                .pointer("/backend/service/name")
                .or_else(|| path.pointer("/backend/serviceName"))
                .and_then(Value::as_str);
            if let Some(svc) = svc {
                backends.push(svc.to_owned());
            }
        }
    }
    backends
}

/// The Services a Gateway API route sends traffic to.
fn route_backends(obj: &Value) -> Vec<String> {
    let mut backends = Vec::new();
    for rule in obj
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for b in rule
            .get("backendRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = b.get("name").and_then(Value::as_str) {
                backends.push(n.to_owned());
            }
        }
    }
    backends
}

/// Documents, with `List` kinds unpacked.
fn flatten(doc: Value, out: &mut Vec<Value>) {
    match doc {
        Value::Null => {}
        Value::Object(ref m)
            if m.get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List")) =>
        {
            if let Some(items) = m.get("items").and_then(Value::as_array) {
                for item in items {
                    flatten(item.clone(), out);
                }
            }
        }
        other => out.push(other),
    }
}

fn labels(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a pod spec asks to spread replicas over zones (topology spread
/// constraints or pod anti-affinity on the zone label).
fn spreads_across_zones(pod: &Value) -> bool {
    let spread = pod
        .get("topologySpreadConstraints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c.get("topologyKey").and_then(Value::as_str) == Some(ZONE_KEY));
    let anti = [
        "requiredDuringSchedulingIgnoredDuringExecution",
        "preferredDuringSchedulingIgnoredDuringExecution",
    ]
    .iter()
    .filter_map(|k| {
        pod.pointer(&format!("/affinity/podAntiAffinity/{k}"))
            .and_then(Value::as_array)
    })
    .flatten()
    .any(|term| {
        let key = term
            .get("topologyKey")
            .or_else(|| term.pointer("/podAffinityTerm/topologyKey"))
            .and_then(Value::as_str);
        key == Some(ZONE_KEY)
    });
    spread || anti
}

/// An integer or percentage of `replicas` (rounded up for minAvailable, down for
/// maxUnavailable, as Kubernetes does).
fn count(v: &Value, replicas: u32, round_down: bool) -> Option<u32> {
    if let Some(n) = v.as_u64() {
        return Some(n.min(u64::from(u32::MAX)) as u32);
    }
    let pct: f64 = v.as_str()?.strip_suffix('%')?.trim().parse().ok()?;
    let exact = pct / 100.0 * f64::from(replicas);
    Some(if round_down {
        exact.floor()
    } else {
        exact.ceil()
    } as u32)
}
