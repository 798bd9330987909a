//! Where each component runs and how it recovers: kind, replicas, zones, replication
//! and failover from its resource's attributes. Knows no other component.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::role::Role;
use super::{MANAGED_REPLICAS, Plan, Resource};
use crate::model::{ComponentKind, Failover, MAX_REPLICAS, Replication};

impl<'a> Plan<'a> {
    /// Kind, replicas, zones and failover of component `i`.
    pub(super) fn place(&self, i: usize, members: &HashMap<usize, Vec<usize>>) -> Placement {
        let r = &self.resources[i];
        let balancer_zones: &[&[&str]] = &[
            &["subnets"],
            &["subnet_mapping", "subnet_id"],
            &["availability_zones"],
        ];
        let mut p = Placement::new(ComponentKind::Service);
        match r.role {
            Role::LoadBalancer => {
                p.kind = ComponentKind::LoadBalancer;
                p.zones = self.zones_at(r, balancer_zones).into_iter().collect();
                p.replicas = p.zones.len().max(1) as u32;
            }
            Role::AutoScalingGroup => {
                p.zones = self
                    .zones_at(r, &[&["availability_zones"], &["vpc_zone_identifier"]])
                    .into_iter()
                    .collect();
                p.replicas = self.count(r, &["desired_capacity", "min_size"], &mut p);
            }
            Role::Instance => {
                p.zones = self
                    .zones_at(r, &[&["availability_zone"], &["subnet_id"]])
                    .into_iter()
                    .collect();
                p.replicas = r.instances.len() as u32;
            }
            Role::EcsService => {
                p.zones = self
                    .zones_at(r, &[&["network_configuration", "subnets"]])
                    .into_iter()
                    .collect();
                p.replicas = self.count(r, &["desired_count"], &mut p);
            }
            Role::DbInstance => self.place_db_instance(r, &mut p),
            Role::RdsCluster => {
                p.kind = ComponentKind::Database;
                let members: Vec<&Resource<'a>> = members
                    .get(&i)
                    .into_iter()
                    .flatten()
                    .map(|&m| &self.resources[m])
                    .collect();
                let mut zones = BTreeSet::new();
                for m in &members {
                    zones.extend(self.zones_at(m, &[&["availability_zone"]]));
                }
                if zones.is_empty() {
                    zones = self.zones_at(r, &[&["availability_zones"], &["db_subnet_group_name"]]);
                }
                p.zones = zones.into_iter().collect();
                p.replicas = members
                    .iter()
                    .map(|m| m.instances.len() as u32)
                    .sum::<u32>()
                    .max(1);
                p.replication = Replication::Sync;
                p.failover = Failover::Automatic;
                p.note = Some(format!(
                    "{} cluster instance{}: shared storage, automatic failover to a reader",
                    p.replicas,
                    if p.replicas == 1 { "" } else { "s" }
                ));
            }
            Role::ReplicationGroup => {
                p.kind = ComponentKind::Cache;
                let clusters = self
                    .number(r, "num_cache_clusters")
                    .or_else(|| self.number(r, "number_cache_clusters"))
                    .or_else(|| self.number(r, "replicas_per_node_group").map(|n| n + 1))
                    .unwrap_or(1);
                p.replicas = clusters.min(u64::from(MAX_REPLICAS)) as u32;
                let automatic = self.flag(r, "automatic_failover_enabled") == Some(true);
                p.failover = if automatic {
                    Failover::Automatic
                } else {
                    Failover::Manual
                };
                let preferred = self.zones_at(r, &[&["preferred_cache_cluster_azs"]]);
                let zones = if preferred.is_empty() {
                    self.zones_at(r, &[&["subnet_group_name"]])
                } else {
                    preferred
                };
                let multi_az = self.flag(r, "multi_az_enabled") == Some(true);
                p.zones = zones
                    .into_iter()
                    .take(if multi_az { usize::MAX } else { 1 })
                    .collect();
                if p.replicas > 1 {
                    p.replication = Replication::Async;
                }
                p.note = Some(format!(
                    "{} cache cluster{}, {} failover{}",
                    p.replicas,
                    if p.replicas == 1 { "" } else { "s" },
                    if automatic { "automatic" } else { "manual" },
                    if multi_az { ", Multi-AZ" } else { "" }
                ));
            }
            Role::CacheCluster => {
                p.kind = ComponentKind::Cache;
                p.zones = self
                    .zones_at(
                        r,
                        &[
                            &["availability_zone"],
                            &["preferred_availability_zones"],
                            &["subnet_group_name"],
                        ],
                    )
                    .into_iter()
                    .take(1)
                    .collect();
                p.replicas = self.count(r, &["num_cache_nodes"], &mut p);
                if p.replicas > 1 {
                    p.note = Some(format!(
                        "{} cache nodes of one cluster hold different keys: modelled as unreplicated shards",
                        p.replicas
                    ));
                }
            }
            Role::Dns | Role::Cdn => {
                let (kind, service) = if r.role == Role::Dns {
                    (ComponentKind::Dns, "Route 53")
                } else {
                    (ComponentKind::Cdn, "CloudFront")
                };
                p.kind = kind;
                p.replicas = MANAGED_REPLICAS;
                p.note = Some(format!(
                    "{service} is a global AWS service: modelled as {MANAGED_REPLICAS} replicas in no zone"
                ));
            }
            Role::Regional(kind, service) => {
                p.kind = kind;
                p.replicas = MANAGED_REPLICAS;
                if kind.is_stateful() {
                    p.replication = Replication::Sync;
                }
                let in_vpc = self.zones_at(r, &[&["vpc_config", "subnet_ids"]]);
                if in_vpc.is_empty() {
                    p.regional = Some(service);
                } else {
                    p.zones = in_vpc.into_iter().collect();
                    p.replicas = p.replicas.max(p.zones.len() as u32);
                    p.note = Some(format!(
                        "{service} in a VPC runs in its subnets' zones: modelled as {} replicas",
                        p.replicas
                    ));
                }
            }
            _ => {}
        }
        if p.regional.is_none() && p.zones.is_empty() && !matches!(r.role, Role::Dns | Role::Cdn) {
            let note = "no availability zone or subnet found: in no zone";
            p.note = Some(match p.note.take() {
                Some(n) => format!("{n}; {note}"),
                None => note.to_owned(),
            });
        }
        p
    }

    fn place_db_instance(&self, r: &Resource<'a>, p: &mut Placement) {
        p.kind = ComponentKind::Database;
        let group: Vec<String> = self
            .zones_at(r, &[&["db_subnet_group_name"]])
            .into_iter()
            .collect();
        let primary = self
            .zones_at(r, &[&["availability_zone"]])
            .into_iter()
            .next()
            .or_else(|| group.first().cloned());
        let Some(primary) = primary else {
            p.replicas = if self.flag(r, "multi_az") == Some(true) {
                2
            } else {
                1
            };
            return;
        };
        if self.flag(r, "multi_az") == Some(true) {
            p.replicas = 2;
            p.replication = Replication::Sync;
            p.failover = Failover::Automatic;
            let standby = group.iter().find(|z| **z != primary).cloned();
            p.zones = std::iter::once(primary).chain(standby.clone()).collect();
            p.note = Some(match standby {
                Some(s) => format!("Multi-AZ: a synchronous standby in {s}, automatic failover"),
                None => {
                    "Multi-AZ, but no second zone in its subnet group: both instances in one zone"
                        .to_owned()
                }
            });
        } else {
            p.note = Some(format!(
                "single-AZ (multi_az is off): one instance in {primary}"
            ));
            p.zones = vec![primary];
        }
    }

    /// A replica count from the first of `keys` that is set; 0 is modelled as 1 and noted.
    pub(super) fn count(&self, r: &Resource<'a>, keys: &[&str], p: &mut Placement) -> u32 {
        let n = keys.iter().find_map(|k| self.number(r, k)).unwrap_or(1);
        if n == 0 {
            p.note = Some("0 replicas; modelled with 1".to_owned());
        } else if n > u64::from(MAX_REPLICAS) {
            p.note = Some(format!("{n} replicas; modelled with {MAX_REPLICAS}"));
        }
        n.clamp(1, u64::from(MAX_REPLICAS)) as u32
    }

    /// One note per resource type the importer does not model, with its resources.
    pub(super) fn note_unknown(&mut self) {
        let mut unknown: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in self
            .resources
            .iter()
            .filter(|r| r.managed && r.role == Role::Unknown)
        {
            unknown.entry(&r.resource_type).or_default().push(&r.key);
        }
        for (t, keys) in unknown {
            self.notes
                .push(format!("`{t}` is not modelled ({})", keys.join(", ")));
        }
    }
}

/// Where a component runs and how it recovers.
pub(super) struct Placement {
    pub(super) kind: ComponentKind,
    pub(super) replicas: u32,
    pub(super) zones: Vec<String>,
    pub(super) replication: Replication,
    pub(super) failover: Failover,
    /// An AWS service (named) spread over its region's zones once they are known.
    pub(super) regional: Option<&'static str>,
    pub(super) note: Option<String>,
}

impl Placement {
    fn new(kind: ComponentKind) -> Self {
        Placement {
            kind,
            replicas: 1,
            zones: Vec::new(),
            replication: Replication::None,
            failover: Failover::Automatic,
            regional: None,
            note: None,
        }
    }
}
