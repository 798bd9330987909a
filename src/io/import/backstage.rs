//! Backstage import: a multi-document `catalog-info.yaml` whose Components and Resources
//! become components, APIs the calls between them and Systems groups. A catalog says nothing
//! of replicas or zones; this never guesses them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use super::Imported;
use super::infer::{IdTable, kind_from_image, yaml_error, yaml_options};
use crate::model::{Component, ComponentKind, Dependency, LoadError, Model, Needs};

/// Whether `text` looks like a Backstage catalog (used to guess an import's format).
pub fn detect(text: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("apiVersion:")
            .map(|v| v.trim().trim_matches(['"', '\'']))
            .is_some_and(|v| v.starts_with("backstage.io/"))
    })
}

#[derive(Deserialize)]
struct Entity {
    kind: String,
    metadata: Metadata,
    #[serde(default)]
    spec: Spec,
}

#[derive(Deserialize)]
struct Metadata {
    name: String,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Spec {
    #[serde(rename = "type")]
    entity_type: Option<String>,
    system: Option<String>,
    depends_on: Vec<String>,
    dependency_of: Vec<String>,
    consumes_apis: Vec<String>,
    provides_apis: Vec<String>,
    subcomponent_of: Option<String>,
}

const DEFAULT_NAMESPACE: &str = "default";

/// `kind:namespace/name`, lower case: how Backstage compares entity references.
type Key = String;

fn key(kind: &str, namespace: &str, name: &str) -> Key {
    format!("{kind}:{namespace}/{name}").to_ascii_lowercase()
}

/// The parts of a reference `[kind:][namespace/]name`; the namespace defaults to the
/// referring entity's.
fn parse_ref<'r>(reference: &'r str, namespace: &'r str) -> (Option<&'r str>, &'r str, &'r str) {
    let (kind, rest) = match reference.split_once(':') {
        Some((k, rest)) if !k.contains('/') => (Some(k), rest),
        _ => (None, reference),
    };
    let (ns, name) = rest.split_once('/').unwrap_or((namespace, rest));
    (kind, ns, name)
}

fn namespace(e: &Entity) -> &str {
    e.metadata.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE)
}

/// The model kind of a Resource from its `spec.type`, else its name; `None` when neither says.
fn resource_kind(resource_type: &str, name: &str) -> Option<ComponentKind> {
    let t = resource_type.to_ascii_lowercase();
    let kind = match t.as_str() {
        "database" | "db" | "rds" | "datastore" => ComponentKind::Database,
        "cache" => ComponentKind::Cache,
        "queue" | "topic" | "kafka-topic" | "stream" | "message-broker" => ComponentKind::Queue,
        "s3-bucket" | "bucket" | "storage" | "object-storage" | "filesystem" => {
            ComponentKind::Storage
        }
        "load-balancer" | "loadbalancer" => ComponentKind::LoadBalancer,
        "cdn" => ComponentKind::Cdn,
        "dns" => ComponentKind::Dns,
        _ => [t.as_str(), name]
            .into_iter()
            .map(kind_from_image)
            .find(|k| *k != ComponentKind::Service)?,
    };
    Some(kind)
}

pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let docs: Vec<Option<Entity>> = serde_saphyr::from_multiple_with_options(text, yaml_options())
        .map_err(|e| yaml_error(&e, file))?;
    let entities: Vec<Entity> = docs.into_iter().flatten().collect();
    let mut catalog = Catalog::default();
    for (i, e) in entities.iter().enumerate() {
        catalog.read(i, e);
    }
    if catalog.components.is_empty() {
        return Err(LoadError {
            file: file.to_owned(),
            location: None,
            message: "no Component or Resource; expected a Backstage catalog (catalog-info.yaml)"
                .to_owned(),
        });
    }
    catalog.build(&entities, file)
}

/// The model being built and the ids it has taken.
struct Draft {
    model: Model,
    ids: IdTable,
}

/// The entities by kind, before they become a model.
#[derive(Default)]
struct Catalog {
    /// Components and Resources that run, in file order (entity index).
    components: Vec<usize>,
    by_key: HashMap<Key, usize>,
    apis: HashMap<Key, usize>,
    systems: BTreeMap<Key, usize>,
    others: BTreeMap<String, usize>,
    notes: Vec<String>,
}

impl Catalog {
    fn read(&mut self, i: usize, e: &Entity) {
        let ns = namespace(e);
        let name = &e.metadata.name;
        match e.kind.as_str() {
            "Component" if e.spec.entity_type.as_deref() == Some("library") => {
                self.notes.push(format!(
                    "Component `{name}` is a library: it does not run, not modelled"
                ));
            }
            "Component" | "Resource" => {
                self.by_key.insert(key(&e.kind, ns, name), i);
                self.components.push(i);
            }
            "API" => {
                self.apis.insert(key("api", ns, name), i);
            }
            "System" => {
                self.systems.insert(key("system", ns, name), i);
            }
            other => *self.others.entry(other.to_owned()).or_default() += 1,
        }
    }

    /// The Component or Resource a `dependsOn`-style reference names (a reference without
    /// a kind may name either).
    fn find(&self, reference: &str, namespace: &str) -> Option<usize> {
        let (kind, ns, name) = parse_ref(reference, namespace);
        match kind {
            Some(k) => self.by_key.get(&key(k, ns, name)).copied(),
            None => ["component", "resource"]
                .iter()
                .find_map(|k| self.by_key.get(&key(k, ns, name)).copied()),
        }
    }

    fn build(mut self, entities: &[Entity], file: &str) -> Result<Imported, LoadError> {
        let mut draft = Draft {
            model: Model {
                name: "Imported Backstage catalog".to_owned(),
                description: format!("Imported from {file}"),
                ..Model::default()
            },
            ids: IdTable::default(),
        };
        let mut id_of: HashMap<usize, String> = HashMap::new();
        let mut websites = Vec::new();
        for &i in &self.components {
            let e = &entities[i];
            let ns = namespace(e);
            let stem = if ns.eq_ignore_ascii_case(DEFAULT_NAMESPACE) {
                e.metadata.name.clone()
            } else {
                format!("{ns}.{}", e.metadata.name)
            };
            let id = draft.ids.fresh(&stem);
            let spec_type = e.spec.entity_type.as_deref().unwrap_or("");
            let kind = if e.kind == "Resource" {
                resource_kind(spec_type, &e.metadata.name).unwrap_or_else(|| {
                    self.notes.push(format!(
                        "Resource `{}` of type `{spec_type}`: no kind known; modelled as External",
                        e.metadata.name
                    ));
                    ComponentKind::External
                })
            } else {
                match spec_type {
                    "gateway" | "api-gateway" => ComponentKind::Gateway,
                    _ => ComponentKind::Service,
                }
            };
            if e.kind == "Component" && matches!(spec_type, "website" | "frontend") {
                websites.push(draft.model.components.len());
            }
            let mut c = Component::new(&id, kind);
            c.name = e
                .metadata
                .title
                .clone()
                .unwrap_or_else(|| e.metadata.name.clone());
            draft.model.components.push(c);
            id_of.insert(i, id);
        }

        let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
        let mut providers: HashMap<Key, Vec<usize>> = HashMap::new();
        for &i in &self.components {
            let e = &entities[i];
            for api in &e.spec.provides_apis {
                let (_, ns, name) = parse_ref(api, namespace(e));
                providers.entry(key("api", ns, name)).or_default().push(i);
            }
        }
        let mut api_ids: HashMap<Key, Option<String>> = HashMap::new();
        for i in self.components.clone() {
            let e = &entities[i];
            let ns = namespace(e);
            let from = &id_of[&i];
            let name = &e.metadata.name;
            let mut depends: Vec<(&str, usize)> = Vec::new();
            for r in &e.spec.depends_on {
                match self.find(r, ns) {
                    Some(j) => depends.push((r, j)),
                    None => self.notes.push(format!(
                        "`{name}` depends on `{r}`, which is not in the catalog: left out"
                    )),
                }
            }
            for r in &e.spec.dependency_of {
                match self.find(r, ns) {
                    Some(j) => {
                        edges.insert((id_of[&j].clone(), from.clone()));
                    }
                    None => self.notes.push(format!(
                        "`{name}` is a dependency of `{r}`, which is not in the catalog: left out"
                    )),
                }
            }
            if let Some(parent) = &e.spec.subcomponent_of {
                match self.find(parent, ns).filter(|&j| j != i) {
                    Some(j) => {
                        edges.insert((id_of[&j].clone(), from.clone()));
                    }
                    None => self.notes.push(format!(
                        "`{name}` is a subcomponent of `{parent}`, which is not in the catalog: left out"
                    )),
                }
            }
            for (_, j) in depends {
                if j != i {
                    edges.insert((from.clone(), id_of[&j].clone()));
                }
            }
            for api in &e.spec.consumes_apis {
                let (_, api_ns, api_name) = parse_ref(api, ns);
                let api_key = key("api", api_ns, api_name);
                let target = match api_ids.get(&api_key) {
                    Some(t) => t.clone(),
                    None => {
                        let t = self.api_target(
                            &mut draft,
                            (&api_key, api_name),
                            providers.get(&api_key).map_or(&[][..], Vec::as_slice),
                            &id_of,
                            entities,
                        );
                        api_ids.insert(api_key, t.clone());
                        t
                    }
                };
                if let Some(to) = target.filter(|to| to != from) {
                    edges.insert((from.clone(), to));
                }
            }
        }
        for (from, to) in &edges {
            draft
                .model
                .dependencies
                .push(Dependency::hard(from.clone(), to.clone()));
        }
        // Groups depend on their members after the calls, so entries are computed first.
        let called: BTreeSet<&str> = edges.iter().map(|(_, to)| to.as_str()).collect();
        let fronts: Vec<usize> = if websites.is_empty() {
            let list: Vec<usize> = self
                .components
                .iter()
                .enumerate()
                .filter(|&(_, &i)| {
                    entities[i].kind == "Component" && !called.contains(id_of[&i].as_str())
                })
                .map(|(n, _)| n)
                .collect();
            if !list.is_empty() {
                let names: Vec<&str> = list
                    .iter()
                    .map(|&n| draft.model.components[n].id.as_str())
                    .collect();
                self.notes.push(format!(
                    "no website Component: the Components nothing depends on are entries ({})",
                    names.join(", ")
                ));
            }
            list
        } else {
            websites
        };
        for n in fronts {
            draft.model.components[n].entry = true;
        }
        self.add_systems(entities, &id_of, &mut draft);
        for (kind, n) in &self.others {
            let s = if *n == 1 { "y" } else { "ies" };
            self.notes
                .push(format!("{n} `{kind}` entit{s}: not modelled"));
        }
        self.notes.push(
            "a catalog says nothing of replicas or zones: every component has 1 replica; set them in the model".to_owned(),
        );
        if !draft.model.components.iter().any(|c| c.entry) {
            self.notes.push(
                "every Component is a dependency of another: no entry point; mark one in the model"
                    .to_owned(),
            );
        }
        super::finish(draft.model, self.notes, file)
    }

    /// What consuming an API means: a call to its one provider, to any of several (a
    /// group that needs one), or to an External API when the catalog provides it nowhere.
    fn api_target(
        &mut self,
        draft: &mut Draft,
        (api_key, api_name): (&str, &str),
        providers: &[usize],
        id_of: &HashMap<usize, String>,
        entities: &[Entity],
    ) -> Option<String> {
        let title = self
            .apis
            .get(api_key)
            .and_then(|&a| entities[a].metadata.title.clone())
            .unwrap_or_else(|| api_name.to_owned());
        match providers {
            [] if !self.apis.contains_key(api_key) => {
                self.notes.push(format!(
                    "API `{api_name}` is consumed but not in the catalog: left out"
                ));
                None
            }
            [] => {
                let id = draft.ids.fresh(api_name);
                let mut c = Component::new(&id, ComponentKind::External);
                c.name = title;
                draft.model.components.push(c);
                self.notes.push(format!(
                    "API `{api_name}` is provided by no Component: modelled as an External API"
                ));
                Some(id)
            }
            [one] => Some(id_of[one].clone()),
            many => {
                let id = draft.ids.fresh(api_name);
                let mut c = Component::new(&id, ComponentKind::Group);
                c.name = title;
                c.needs = Needs::AtLeast(1);
                draft.model.components.push(c);
                for p in many {
                    draft
                        .model
                        .dependencies
                        .push(Dependency::hard(id.clone(), id_of[p].clone()));
                }
                self.notes.push(format!(
                    "API `{api_name}` is provided by {} Components: a group that needs any one of them",
                    many.len()
                ));
                Some(id)
            }
        }
    }

    /// A group per System, depending on its Components and Resources.
    fn add_systems(
        &mut self,
        entities: &[Entity],
        id_of: &HashMap<usize, String>,
        draft: &mut Draft,
    ) {
        let mut members: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
        for &i in &self.components {
            let e = &entities[i];
            if let Some(system) = &e.spec.system {
                let (_, ns, name) = parse_ref(system, namespace(e));
                members.entry(key("system", ns, name)).or_default().push(i);
            }
        }
        for (system, &s) in &self.systems {
            if !members.contains_key(system) {
                self.notes.push(format!(
                    "System `{}` has no Component or Resource: not modelled",
                    entities[s].metadata.name
                ));
            }
        }
        for (system, list) in members {
            let entity = self.systems.get(&system).map(|&s| &entities[s]);
            let name = system.rsplit('/').next().unwrap_or(&system).to_owned();
            let stem = entity.map_or(name.clone(), |e| e.metadata.name.clone());
            if entity.is_none() {
                self.notes.push(format!(
                    "System `{name}` is not in the catalog: its members are grouped anyway"
                ));
            }
            let id = draft.ids.fresh(&stem);
            let mut c = Component::new(&id, ComponentKind::Group);
            c.name = entity
                .and_then(|e| e.metadata.title.clone())
                .unwrap_or(stem);
            draft.model.components.push(c);
            for i in list {
                draft
                    .model
                    .dependencies
                    .push(Dependency::hard(id.clone(), id_of[&i].clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_take_the_referrers_namespace_by_default() {
        assert_eq!(
            parse_ref("resource:artists-db", "default"),
            (Some("resource"), "default", "artists-db")
        );
        assert_eq!(
            parse_ref("component:ops/pager", "default"),
            (Some("component"), "ops", "pager")
        );
        assert_eq!(parse_ref("pager", "ops"), (None, "ops", "pager"));
    }

    #[test]
    fn resource_types_become_kinds() {
        assert_eq!(
            resource_kind("database", "x"),
            Some(ComponentKind::Database)
        );
        assert_eq!(
            resource_kind("kafka-topic", "x"),
            Some(ComponentKind::Queue)
        );
        assert_eq!(resource_kind("redis", "x"), Some(ComponentKind::Cache));
        assert_eq!(
            resource_kind("vault", "artists-postgres"),
            Some(ComponentKind::Database)
        );
        assert_eq!(resource_kind("vault", "secrets"), None);
    }
}
