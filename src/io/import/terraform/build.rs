//! From the read plan to the model: which components call which (references, listeners,
//! event sources), their ids, entries and regions. Places no single component.

/// Calls between components (by resource index), `true` when only soft; a pair may come
/// twice until [`Calls::merged`].
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::place::Placement;
use super::role::Role;
use super::values::{Found, region_of};
use super::walk::Walk;
use super::{Plan, Resource, WALK_BUDGET};
use crate::io::import::Imported;
use crate::io::import::infer::IdTable;
use crate::model::{
    Component, Dependency, DependencyKind, LoadError, MAX_DEPENDENCIES, MAX_REPLICAS, Model,
    Region, Zone,
};

#[derive(Default)]
struct Calls(Vec<(usize, usize, bool)>);

impl Calls {
    fn push(&mut self, from: usize, to: usize, soft: bool) -> bool {
        if from != to {
            self.0.push((from, to, soft));
        }
        self.0.len() <= MAX_DEPENDENCIES
    }

    /// Each pair once, in order, hard when any of its calls is.
    fn merged(mut self) -> Vec<(usize, usize, bool)> {
        self.0.sort_unstable();
        self.0.dedup_by_key(|&mut (i, j, _)| (i, j));
        self.0
    }
}

impl<'a> Plan<'a> {
    pub(super) fn build(mut self) -> Result<Imported, LoadError> {
        let owners = self.owners();
        // Cluster instances by cluster.
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (m, r) in self.resources.iter().enumerate() {
            if r.role == Role::RdsClusterInstance
                && let Some(&cluster) = owners.get(&r.key)
            {
                members.entry(cluster).or_default().push(m);
            }
        }
        let components: Vec<usize> = (0..self.resources.len())
            .filter(|&i| {
                let r = &self.resources[i];
                r.managed && r.role.is_component() && !r.instances.is_empty()
            })
            .collect();
        let mut walk = Walk::new(&self, &owners);
        let mut calls = Calls::default();
        for &i in &components {
            let r = &self.resources[i];
            let reached = walk.reach(&r.key).ok_or_else(|| self.too_entangled(r))?;
            for (j, soft) in reached {
                if !calls.push(i, j, soft) {
                    return Err(self.too_many_dependencies(r));
                }
            }
        }
        self.wire_load_balancers(&owners, &mut walk, &mut calls)?;
        self.wire_event_sources(&mut walk, &mut calls)?;
        let mut calls = calls.merged();

        // DNS records that lead to nothing in the file (certificate validation, mail) are
        // no part of the serving path.
        let leads: BTreeSet<usize> = calls.iter().map(|&(i, ..)| i).collect();
        let components: Vec<usize> = components
            .into_iter()
            .filter(|&i| {
                let r = &self.resources[i];
                if r.role == Role::Dns && !leads.contains(&i) {
                    self.notes.push(format!(
                        "`{}` points at nothing in this file: not modelled",
                        r.key
                    ));
                    false
                } else {
                    true
                }
            })
            .collect();
        let kept: BTreeSet<usize> = components.iter().copied().collect();
        calls.retain(|&(i, j, _)| kept.contains(&i) && kept.contains(&j));

        let mut model = Model {
            name: "Imported Terraform".to_owned(),
            description: format!(
                "Imported from {} ({})",
                self.file,
                if self.root.get("planned_values").is_some() {
                    "Terraform plan"
                } else {
                    "Terraform state"
                }
            ),
            ..Model::default()
        };
        let placed: Vec<(usize, Placement)> = components
            .iter()
            .map(|&i| (i, self.place(i, &members)))
            .collect();
        let mut zones: BTreeSet<String> = BTreeSet::new();
        for (_, p) in &placed {
            zones.extend(p.zones.iter().cloned());
        }
        let mut regions: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for z in &zones {
            regions.entry(region_of(z)).or_default().push(z.clone());
        }

        let called: BTreeSet<usize> = calls.iter().map(|&(_, j, _)| j).collect();
        let ids = self.ids(&components);
        let mut new_notes = Vec::new();
        for ((i, mut p), id) in placed.into_iter().zip(&ids) {
            let r = &self.resources[i];
            if let Some(service) = p.regional {
                let region = self.provider_region(r).or_else(|| {
                    (regions.len() == 1)
                        .then(|| regions.keys().next().cloned())
                        .flatten()
                });
                p.zones = region
                    .and_then(|name| regions.get(&name).cloned())
                    .unwrap_or_default();
                p.replicas = p.replicas.max(p.zones.len() as u32);
                let over = if p.zones.is_empty() {
                    "in no zone".to_owned()
                } else {
                    format!("over the region's zones ({})", p.zones.join(", "))
                };
                new_notes.push(format!(
                    "`{}`: {service} is a regional AWS service: modelled as {} replicas {over}",
                    r.key, p.replicas
                ));
            } else if let Some(note) = &p.note {
                new_notes.push(format!("`{}`: {note}", r.key));
            }
            let mut c = Component::new(id, p.kind);
            c.name = r.key.clone();
            c.replicas = p.replicas.clamp(1, MAX_REPLICAS);
            c.zones = p.zones;
            c.replication = p.replication;
            c.failover = p.failover;
            model.components.push(c);
        }
        self.notes.extend(new_notes);
        let id_of: HashMap<usize, &str> = components
            .iter()
            .zip(&ids)
            .map(|(&i, id)| (i, id.as_str()))
            .collect();
        for (i, j, soft) in calls {
            model.dependencies.push(Dependency {
                from: id_of[&i].to_owned(),
                to: id_of[&j].to_owned(),
                kind: if soft {
                    DependencyKind::Soft
                } else {
                    DependencyKind::Hard
                },
            });
        }
        for (c, &i) in model.components.iter_mut().zip(&components) {
            let r = &self.resources[i];
            let front = match r.role {
                Role::Dns | Role::Cdn => true,
                Role::LoadBalancer => self.flag(r, "internal") != Some(true),
                _ => false,
            };
            c.entry = front && !called.contains(&i);
        }
        model.regions = regions
            .into_iter()
            .map(|(id, zones)| Region {
                name: id.clone(),
                id,
                zones: zones.into_iter().map(Zone::new).collect(),
            })
            .collect();
        self.note_unknown();
        if !model.components.iter().any(|c| c.entry) {
            self.notes.push(
                "no DNS record, CDN or internet-facing load balancer in front: no entry point; mark one in the model"
                    .to_owned(),
            );
        }
        crate::io::import::finish(model, self.notes, self.file)
    }

    /// The error at the resource whose calls went over the limit.
    fn too_many_dependencies(&self, r: &Resource<'a>) -> LoadError {
        self.error_at(
            &r.at,
            &format!(
                "more than {MAX_DEPENDENCIES} dependencies in all with those of `{}`; expected fewer",
                r.key
            ),
        )
    }

    /// The error at the resource whose reference walk spent the budget.
    fn too_entangled(&self, r: &Resource<'a>) -> LoadError {
        self.error_at(
            &r.at,
            &format!(
                "references too entangled to follow within {WALK_BUDGET} steps from `{}`; expected a smaller configuration",
                r.key
            ),
        )
    }

    /// Which component each resource key stands for: itself, or (for cluster instances)
    /// its cluster.
    pub(super) fn owners(&self) -> HashMap<String, usize> {
        let mut owners = HashMap::new();
        for (i, r) in self.resources.iter().enumerate() {
            if r.managed && r.role.is_component() && !r.instances.is_empty() {
                owners.insert(r.key.clone(), i);
            }
        }
        for r in self
            .resources
            .iter()
            .filter(|r| r.role == Role::RdsClusterInstance)
        {
            if let Some(cluster) = self.cluster_of(r) {
                owners.insert(r.key.clone(), cluster);
            }
        }
        owners
    }

    /// The cluster an `aws_rds_cluster_instance` belongs to.
    fn cluster_of(&self, r: &Resource<'a>) -> Option<usize> {
        self.found(r, &["cluster_identifier"])
            .into_iter()
            .find_map(|f| match f {
                Found::Ref(key) => self
                    .index
                    .get(&key)
                    .copied()
                    .filter(|&i| self.resources[i].role == Role::RdsCluster),
                Found::Text(name) => self.named.get(&format!("cluster:{name}")).copied(),
                _ => None,
            })
            .or_else(|| {
                let edges = self.edges.get(&r.key)?;
                edges.iter().find_map(|(k, _)| {
                    self.index
                        .get(k)
                        .copied()
                        .filter(|&i| self.resources[i].role == Role::RdsCluster)
                })
            })
    }

    /// Load balancers call what is registered in the target groups their listeners forward
    /// to: groups and services that name the target group, and attachments' targets.
    fn wire_load_balancers(
        &self,
        owners: &HashMap<String, usize>,
        walk: &mut Walk,
        calls: &mut Calls,
    ) -> Result<(), LoadError> {
        let target_groups = |key: &str| -> Vec<String> {
            self.edges
                .get(key)
                .into_iter()
                .flatten()
                .filter(|(k, _)| {
                    self.resource(k)
                        .is_some_and(|r| r.role == Role::TargetGroup)
                })
                .map(|(k, _)| k.clone())
                .collect()
        };
        let mut members: HashMap<String, BTreeSet<usize>> = HashMap::new();
        for r in &self.resources {
            let registered: Vec<usize> = match r.role {
                role if role.is_component() => owners.get(&r.key).copied().into_iter().collect(),
                Role::Attachment => walk
                    .reach(&r.key)
                    .ok_or_else(|| self.too_entangled(r))?
                    .into_iter()
                    .map(|(j, _)| j)
                    .collect(),
                _ => continue,
            };
            for tg in target_groups(&r.key) {
                members
                    .entry(tg)
                    .or_default()
                    .extend(registered.iter().copied());
            }
        }
        for r in self.resources.iter().filter(|r| r.role == Role::Listener) {
            let mut balancers = BTreeSet::new();
            let mut stack = vec![r.key.clone()];
            let mut seen = BTreeSet::new();
            while let Some(k) = stack.pop() {
                if !seen.insert(k.clone()) {
                    continue;
                }
                for (to, _) in self.edges.get(&k).into_iter().flatten() {
                    match self.resource(to).map(|t| t.role) {
                        Some(Role::Listener) => stack.push(to.clone()),
                        Some(Role::LoadBalancer) => balancers.extend(owners.get(to).copied()),
                        _ => {}
                    }
                }
            }
            let mut groups = target_groups(&r.key);
            for k in &seen {
                groups.extend(target_groups(k));
            }
            for lb in balancers {
                for tg in &groups {
                    for &m in members.get(tg).into_iter().flatten() {
                        if !calls.push(lb, m, false) {
                            return Err(self.too_many_dependencies(r));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A function with an event source mapping depends on the queue or stream it reads.
    fn wire_event_sources(&self, walk: &mut Walk, calls: &mut Calls) -> Result<(), LoadError> {
        for r in self
            .resources
            .iter()
            .filter(|r| r.role == Role::EventSource)
        {
            let reached = walk.reach(&r.key).ok_or_else(|| self.too_entangled(r))?;
            let is_function = |j: usize| self.resources[j].resource_type == "aws_lambda_function";
            for &(f, _) in reached.iter().filter(|(j, _)| is_function(*j)) {
                for &(source, _) in reached.iter().filter(|(j, _)| !is_function(*j)) {
                    if !calls.push(f, source, false) {
                        return Err(self.too_many_dependencies(r));
                    }
                }
            }
        }
        Ok(())
    }

    /// Component ids: the resource name (with its module path), with the type when two
    /// components would share it.
    fn ids(&self, components: &[usize]) -> Vec<String> {
        let stem = |r: &Resource<'_>| {
            let modules: Vec<&str> = r
                .module
                .split('.')
                .collect::<Vec<_>>()
                .chunks(2)
                .filter_map(|pair| {
                    (pair.first() == Some(&"module"))
                        .then(|| pair.get(1).copied())
                        .flatten()
                })
                .collect();
            let mut parts = modules;
            parts.push(&r.name);
            parts.join(".")
        };
        let mut count: HashMap<String, usize> = HashMap::new();
        for &i in components {
            *count.entry(stem(&self.resources[i])).or_default() += 1;
        }
        let mut table = IdTable::default();
        components
            .iter()
            .map(|&i| {
                let r = &self.resources[i];
                let s = stem(r);
                if count[&s] > 1 {
                    let short = r
                        .resource_type
                        .strip_prefix("aws_")
                        .unwrap_or(&r.resource_type);
                    table.fresh(&format!("{short}.{s}"))
                } else {
                    table.fresh(&s)
                }
            })
            .collect()
    }
}
