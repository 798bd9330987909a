//! Candidate fixes for each SPOF: more replicas, a load balancer, replication, a standby,
//! a fallback, spreading over zones, a second region. Proposes edits; never measures them.

use super::{Candidate, Ctx, Purpose, Scope, in_front, is_balancer, list, plural};
use crate::advice::Strategy;
use crate::advice::measure::needed_changes;
use crate::advice::placement::{self, Layout, hit_by, stretch};
use crate::analysis::{DomainKind, Spof};
use crate::edit::Edit;
use crate::model::{
    Component, ComponentKind, Dependency, DependencyKind, Event, Failover, Needs, Replication,
};

impl Ctx<'_> {
    pub(super) fn component_fixes(&self, spof: &Spof, out: &mut Vec<Candidate>) {
        let Some(c) = self.model.component(&spof.id) else {
            return;
        };
        let purpose = Purpose::RemoveSpof(spof.event());
        // An external entry is itself what users reach: only more of it helps.
        if c.kind == ComponentKind::External && !c.entry {
            self.standby(c, spof, &purpose, out);
        } else if c.kind.is_stateful() && c.replication == Replication::None {
            for &replication in self.replication_choices() {
                self.replicate(c, replication, &purpose, Some(spof), out);
            }
        } else if self.needs_balancer(c) {
            self.load_balance(c, spof, &purpose, out);
            if !self.called_by_client(c) {
                self.redundancy(c, spof, &purpose, out);
            }
        } else {
            self.redundancy(c, spof, &purpose, out);
        }
        self.degrade(c, spof, &purpose, out);
    }

    /// Both replication modes are worth showing, but an asynchronous copy never beats a
    /// synchronous one in the ranking (same availability, one more finding), so `fix_all`
    /// does not measure it.
    fn replication_choices(&self) -> &'static [Replication] {
        match self.scope {
            Scope::All => &[Replication::Sync, Replication::Async],
            Scope::Spofs => &[Replication::Sync],
        }
    }

    /// A service or gateway with callers but no balancer among them.
    fn needs_balancer(&self, c: &Component) -> bool {
        let callers = self.callers(&c.id);
        matches!(c.kind, ComponentKind::Service | ComponentKind::Gateway)
            && !callers.is_empty()
            && !callers
                .iter()
                .filter_map(|d| self.caller(d))
                .any(|from| is_balancer(from.kind) && from.id != c.id)
    }

    fn called_by_client(&self, c: &Component) -> bool {
        self.callers(&c.id)
            .iter()
            .filter_map(|d| self.caller(d))
            .any(|from| from.kind == ComponentKind::Client)
    }

    fn redundancy(&self, c: &Component, spof: &Spof, purpose: &Purpose, out: &mut Vec<Candidate>) {
        let layout = Layout::new(self.model);
        let next = layout.with_replicas(c, c.replicas + 1);
        let name = c.display_name();
        let how = match c.kind {
            ComponentKind::LoadBalancer => {
                "Run the balancers as an active/active pair behind a floating IP or DNS (or use a managed, multi-zone balancer)."
            }
            ComponentKind::Dns => {
                "Serve the zone from a second set of name servers (secondary DNS at another provider): resolvers try the next one."
            }
            ComponentKind::Cdn => "Add a second CDN (multi-CDN) with DNS steering between them.",
            ComponentKind::External => {
                "Use a second, independent endpoint of the provider (another of its regions or accounts)."
            }
            _ if c.kind.is_stateful() => {
                "The new replica joins the replica set and takes over automatically when one fails."
            }
            _ => {
                "Callers reach the replicas through service discovery or client-side balancing, which skips a failed replica."
            }
        };
        out.push(Candidate {
            id: format!("redundancy:{}", c.id),
            strategy: Strategy::Redundancy,
            target: c.id.clone(),
            target_kind: DomainKind::Component,
            summary: format!(
                "Run {} replicas of {name} instead of {} (N+1, active/active)",
                next.replicas, c.replicas
            ),
            rationale: format!(
                "{}. With {} replicas any one can fail while the others carry the load; min_healthy stays at {}, the capacity it needs. {how}{}",
                self.why_spof(c, spof),
                next.replicas,
                c.min_healthy,
                Self::placement_note(c, &next)
            ),
            edits: vec![Self::update(next)],
            code_change: None,
            process_change: None,
            purpose: purpose.clone(),
        });
    }

    fn load_balance(
        &self,
        c: &Component,
        spof: &Spof,
        purpose: &Purpose,
        out: &mut Vec<Candidate>,
    ) {
        let mut layout = Layout::new(self.model);
        let next = layout.with_replicas(c, c.replicas + 1);
        let lb_id = layout.fresh(&format!("{}-lb", c.id));
        let callers = self.callers(&c.id);
        let positions: Vec<(f32, f32)> = callers
            .iter()
            .filter_map(|d| self.caller(d))
            .map(|from| from.pos)
            .collect();
        let mut lb = Component::new(&lb_id, ComponentKind::LoadBalancer);
        lb.name = format!("{} load balancer", c.display_name());
        lb.replicas = 2;
        lb.zones = placement::distinct_zones(&next)
            .into_iter()
            .take(2)
            .collect();
        lb.pos = in_front(&positions, c.pos);
        let caller_ids: Vec<String> = callers.iter().map(|d| d.from.clone()).collect();
        let name = c.display_name();
        out.push(Candidate {
            id: format!("load-balancing:{}", c.id),
            strategy: Strategy::LoadBalancing,
            target: c.id.clone(),
            target_kind: DomainKind::Component,
            summary: format!(
                "Run {} replicas of {name} behind a new redundant load balancer ({lb_id}, 2 replicas)",
                next.replicas
            ),
            rationale: format!(
                "{}. A second replica needs something to spread requests over both and stop sending them to a dead one, but {} call {name} directly. A load balancer with health checks in front of {name} takes failed replicas out of rotation; it runs 2 replicas itself so it is no new SPOF, and {} are rewired to it.{}",
                self.why_spof(c, spof),
                self.names(&caller_ids),
                self.names(&caller_ids),
                Self::placement_note(c, &next)
            ),
            edits: vec![
                Edit::AddComponent(lb),
                Self::update(next),
                Edit::Redirect {
                    callers_of: c.id.clone(),
                    to: lb_id.clone(),
                    except: lb_id.clone(),
                },
                Edit::AddDependency(Dependency::hard(&lb_id, &c.id)),
            ],
            code_change: None,
            process_change: None,
            purpose: purpose.clone(),
        });
    }

    pub(super) fn replicate(
        &self,
        c: &Component,
        replication: Replication,
        purpose: &Purpose,
        spof: Option<&Spof>,
        out: &mut Vec<Candidate>,
    ) {
        let layout = Layout::new(self.model);
        let mut next = layout.with_replicas(c, c.replicas.max(c.min_healthy + 1));
        next.replication = replication;
        next.failover = Failover::Automatic;
        let name = c.display_name();
        let (variant, adjective) = match replication {
            Replication::Async => ("async", "asynchronous"),
            _ => ("sync", "synchronous"),
        };
        let problem = if c.is_unreplicated_shards() {
            format!(
                "{name} has {} replicas without replication: each holds different data, so all are needed and every one is a point of failure",
                c.replicas
            )
        } else {
            match spof {
                Some(s) => self.why_spof(c, s),
                None => format!("{name} keeps its data in one place"),
            }
        };
        let change = if next.replicas > c.replicas {
            format!(
                "Give {name} {} with automatic failover",
                if next.replicas - c.replicas == 1 {
                    format!(
                        "{} {adjective} replica",
                        if variant == "async" { "an" } else { "a" }
                    )
                } else {
                    format!("{} {adjective} replicas", next.replicas - c.replicas)
                }
            )
        } else {
            format!(
                "Replicate {name}'s data {}ly across its {} replicas with automatic failover",
                adjective, c.replicas
            )
        };
        let trade_off = match replication {
            Replication::Async => {
                "An asynchronous replica keeps writes fast (nobody waits for it) but lags behind: a failover loses the writes of the last moments (RPO = replication lag, typically under a second to seconds). Choose it when write latency matters more than those writes; choose synchronous replication when no acknowledged write may be lost."
            }
            _ => {
                "A synchronous replica confirms every write before the client gets its answer, so a failover loses nothing (RPO 0); the price is one replica round trip on every write (sub-millisecond within a zone, about a millisecond across zones, tens of milliseconds across regions). Asynchronous replication is the cheaper alternative when the last writes may be lost."
            }
        };
        out.push(Candidate {
            id: format!("replication:{}:{variant}", c.id),
            strategy: Strategy::Replication,
            target: c.id.clone(),
            target_kind: DomainKind::Component,
            summary: change,
            rationale: format!(
                "{problem}. A replica holding a copy of the data can take over when the primary fails, and automatic failover promotes it without waiting for a human. {trade_off}{}",
                Self::placement_note(c, &next)
            ),
            edits: vec![Self::update(next)],
            code_change: None,
            process_change: None,
            purpose: purpose.clone(),
        });
    }

    /// An external provider cannot be replicated by the team: add a second one.
    fn standby(&self, c: &Component, spof: &Spof, purpose: &Purpose, out: &mut Vec<Candidate>) {
        let mut layout = Layout::new(self.model);
        let alt_id = layout.fresh(&format!("{}-alt", c.id));
        let group_id = layout.fresh(&format!("{}-failover", c.id));
        let name = c.display_name();
        let mut alt = Component::new(&alt_id, ComponentKind::External);
        alt.name = format!("{name} (second provider)");
        alt.replicas = c.replicas;
        alt.min_healthy = c.min_healthy;
        alt.availability = c.availability;
        alt.pos = (c.pos.0, c.pos.1 + 90.0);
        let callers = self.callers(&c.id);
        let positions: Vec<(f32, f32)> = callers
            .iter()
            .filter_map(|d| self.caller(d))
            .map(|from| from.pos)
            .collect();
        let mut group = Component::new(&group_id, ComponentKind::Group);
        group.name = format!("{name} or its fallback");
        group.needs = Needs::AtLeast(1);
        group.pos = in_front(&positions, c.pos);
        let caller_ids: Vec<String> = callers.iter().map(|d| d.from.clone()).collect();
        out.push(Candidate {
            id: format!("redundancy:{}:standby", c.id),
            strategy: Strategy::Redundancy,
            target: c.id.clone(),
            target_kind: DomainKind::Component,
            summary: format!("Add a second provider for {name} and fail over to it ({alt_id})"),
            rationale: format!(
                "{name} is an external service: the team cannot add replicas to it, and when it is down so are {}. A second provider on standby (active/passive), reached through a failover group that needs either one, keeps {} working. It is an integration the team must build: a second client, a circuit breaker that notices the first provider failing, and a retry against the second.",
                self.names(&spof.takes_down),
                self.names(&caller_ids)
            ),
            edits: vec![
                Edit::AddComponent(alt),
                Edit::AddComponent(group),
                Edit::Redirect {
                    callers_of: c.id.clone(),
                    to: group_id.clone(),
                    except: group_id.clone(),
                },
                Edit::AddDependency(Dependency::hard(&group_id, &c.id)),
                Edit::AddDependency(Dependency::hard(&group_id, &alt_id)),
            ],
            code_change: Some(format!(
                "integrate {alt_id} and fail over to it when {} fails (circuit breaker, retry on the second provider)",
                c.id
            )),
            process_change: None,
            purpose: purpose.clone(),
        });
    }

    /// Callers that can serve without a cache, queue or external API: soft dependencies.
    fn degrade(&self, c: &Component, spof: &Spof, purpose: &Purpose, out: &mut Vec<Candidate>) {
        let pattern = match c.kind {
            ComponentKind::Cache => {
                "read through to the source of truth (or serve without the cached data) when the cache times out"
            }
            ComponentKind::Queue => {
                "buffer messages locally and publish them when the queue is back (transactional outbox)"
            }
            ComponentKind::External => {
                "wrap the calls in a circuit breaker with a fallback: accept the request and complete it later"
            }
            _ => return,
        };
        if c.entry {
            return;
        }
        let hard: Vec<&Dependency> = self
            .callers(&c.id)
            .into_iter()
            .filter(|d| d.kind == DependencyKind::Hard)
            .collect();
        let callers: Vec<String> = hard
            .iter()
            .filter(|d| self.caller(d).is_some_and(|from| from.kind.has_replicas()))
            .map(|d| d.from.clone())
            .collect();
        if callers.is_empty() || callers.len() < hard.len() {
            return;
        }
        let name = c.display_name();
        let who = self.names(&callers);
        out.push(Candidate {
            id: format!("graceful-degradation:{}", c.id),
            strategy: Strategy::GracefulDegradation,
            target: c.id.clone(),
            target_kind: DomainKind::Component,
            summary: format!("Let {who} keep serving without {name} (code change)"),
            rationale: format!(
                "{}. If {who} can {pattern}, {name} failing only degrades {} instead of taking them down. This is a code change the team must make and test (a timeout, a fallback path, a circuit breaker); the model edit only records that it was made.",
                self.why_spof(c, spof),
                self.names(&spof.takes_down)
            ),
            edits: callers
                .iter()
                .map(|from| Edit::SetDependencyKind {
                    from: from.clone(),
                    to: c.id.clone(),
                    kind: DependencyKind::Soft,
                })
                .collect(),
            code_change: Some(format!("{who}: {pattern}")),
            process_change: None,
            purpose: purpose.clone(),
        });
    }

    /// The members of `hit` that must change (by `build`) for `event` to stop being a
    /// SPOF, dropping one at a time the ones the others make unnecessary; all of `hit`
    /// when even changing every one is not enough.
    fn minimal<'c>(
        &self,
        event: &Event,
        hit: Vec<&'c Component>,
        build: impl Fn(&[&Component]) -> Vec<Edit>,
    ) -> Vec<&'c Component> {
        let mut fixed = self.model.clone();
        if Edit::apply_all_to_valid(&build(&hit), &mut fixed).is_err() {
            return hit;
        }
        let ids: Vec<&str> = hit.iter().map(|c| c.id.as_str()).collect();
        match needed_changes(&fixed, event, &ids) {
            Some(needed) => hit
                .into_iter()
                .zip(needed)
                .filter_map(|(c, n)| n.then_some(c))
                .collect(),
            None => hit,
        }
    }

    fn spread_edits(&self, set: &[&Component]) -> (Vec<Edit>, Layout<'_>) {
        let mut layout = Layout::new(self.model);
        let updates: Vec<Edit> = set.iter().map(|c| Self::update(layout.spread(c))).collect();
        let mut edits = Vec::new();
        if layout.regions_changed() {
            edits.push(Edit::SetRegions(layout.regions.clone()));
        }
        edits.extend(updates);
        (edits, layout)
    }

    pub(super) fn zone_fix(&self, spof: &Spof, out: &mut Vec<Candidate>) {
        let zone = spof.id.as_str();
        let hit: Vec<&Component> = self
            .model
            .components
            .iter()
            .filter(|c| self.live(c) && hit_by(c, |z| z == zone))
            .collect();
        if hit.is_empty() {
            return;
        }
        let set = self.minimal(&Event::Zone(zone.to_owned()), hit, |set| {
            self.spread_edits(set).0
        });
        let (edits, layout) = self.spread_edits(&set);
        let ids: Vec<String> = set.iter().map(|c| c.id.clone()).collect();
        let new_zones = layout.new_zones();
        let mut zones: Vec<String> = Vec::new();
        for e in &edits {
            if let Edit::UpdateComponent { component, .. } = e {
                for z in placement::distinct_zones(component) {
                    if !zones.contains(&z) {
                        zones.push(z);
                    }
                }
            }
        }
        let stores: Vec<String> = set
            .iter()
            .filter(|c| c.kind.is_stateful() && c.replication == Replication::None)
            .map(|c| c.id.clone())
            .collect();
        let region = self
            .model
            .zone(zone)
            .map(|(r, _)| r.id.clone())
            .unwrap_or_default();
        let mut rationale = format!(
            "An outage of zone {zone} takes down {}: {} too few replicas outside it. Spreading {} over {} so that any one zone can fail while min_healthy replicas stay up removes the zone as a SPOF; zones of a region are close enough that this costs no noticeable latency.",
            self.names(&spof.takes_down),
            if set.len() == 1 {
                "it has"
            } else {
                "they have"
            },
            if set.len() == 1 {
                "its replicas"
            } else {
                "their replicas"
            },
            list(&zones)
        );
        if !stores.is_empty() {
            rationale.push_str(&format!(
                " {} must hold the same data in every zone, so {} synchronous replication (RPO 0) with automatic failover.",
                self.names(&stores),
                if stores.len() == 1 { "it gets" } else { "they get" }
            ));
        }
        if !new_zones.is_empty() {
            rationale.push_str(&format!(
                " Region {region} has no other zone in the model, so {} {} added: another availability zone of the same region.",
                list(&new_zones),
                if new_zones.len() == 1 { "is" } else { "are" }
            ));
        }
        out.push(Candidate {
            id: format!("geo-distribution:zone:{zone}"),
            strategy: Strategy::GeoDistribution,
            target: zone.to_owned(),
            target_kind: DomainKind::Zone,
            summary: format!(
                "Spread {} across zones {}{}",
                self.names(&ids),
                list(&zones),
                if new_zones.is_empty() {
                    String::new()
                } else {
                    format!(" (new: {})", list(&new_zones))
                }
            ),
            rationale,
            edits,
            code_change: None,
            process_change: None,
            purpose: Purpose::RemoveSpof(spof.event()),
        });
    }

    fn stretch_edits(
        &self,
        region: &str,
        set: &[&Component],
        replication: Replication,
    ) -> (Vec<Edit>, String, Vec<String>) {
        let mut layout = Layout::new(self.model);
        let (second, map) = layout.second_region(region);
        let mut edits = Vec::new();
        if layout.regions_changed() {
            edits.push(Edit::SetRegions(layout.regions.clone()));
        }
        edits.extend(
            set.iter()
                .map(|c| Self::update(stretch(c, &map, replication))),
        );
        let new_zones = layout.new_zones();
        (edits, second, new_zones)
    }

    pub(super) fn region_fixes(&self, spof: &Spof, out: &mut Vec<Candidate>) {
        let region = spof.id.as_str();
        let in_region = |z: &str| self.model.zone(z).is_some_and(|(r, _)| r.id == region);
        let hit: Vec<&Component> = self
            .model
            .components
            .iter()
            .filter(|c| self.live(c) && hit_by(c, in_region))
            .collect();
        if hit.is_empty() {
            return;
        }
        let set = self.minimal(&Event::Region(region.to_owned()), hit, |set| {
            self.stretch_edits(region, set, Replication::Async).0
        });
        let ids: Vec<String> = set.iter().map(|c| c.id.clone()).collect();
        let stores: Vec<String> = set
            .iter()
            .filter(|c| c.kind.is_stateful())
            .map(|c| c.id.clone())
            .collect();
        let added: u32 = set.iter().map(|c| c.replicas).sum();
        let variants: &[(Replication, &str)] = if stores.is_empty() || self.scope == Scope::Spofs {
            &[(Replication::Sync, "active-active")]
        } else {
            &[
                (Replication::Async, "active-passive"),
                (Replication::Sync, "active-active"),
            ]
        };
        for &(replication, variant) in variants {
            let (edits, second, new_zones) = self.stretch_edits(region, &set, replication);
            let new_region = self.model.region(&second).is_none();
            let place = if new_region {
                format!("a new region {second} (zones {})", list(&new_zones))
            } else {
                format!("region {second}")
            };
            let summary = match variant {
                "active-passive" => format!(
                    "Add a warm standby in {place}: mirror {} there, replicating data asynchronously (active/passive)",
                    self.names(&ids)
                ),
                _ => format!(
                    "Serve from {place} as well: mirror {} there (active/active{})",
                    self.names(&ids),
                    if stores.is_empty() {
                        ""
                    } else {
                        ", synchronous replication"
                    }
                ),
            };
            let how = match variant {
                "active-passive" => format!(
                    "Active/passive: {} replicate asynchronously to {second} and the standby takes over when {region} fails. Writes stay fast, but the writes of the last seconds are lost on failover (RPO = replication lag), and DNS or a global load balancer must move traffic (RTO = detection + switch). The model's one replication field records the cross-region link, so in-region replicas may stay synchronous.",
                    self.names(&stores)
                ),
                _ if stores.is_empty() => format!(
                    "Active/active: both regions serve traffic behind DNS or a global load balancer, so losing {region} only removes capacity."
                ),
                _ => format!(
                    "Active/active: both regions serve traffic and {} replicate synchronously across regions, so a regional failover loses nothing (RPO 0) but every write waits a cross-region round trip (tens of milliseconds); consider a database built for it (consensus across three regions).",
                    self.names(&stores)
                ),
            };
            out.push(Candidate {
                id: format!("geo-distribution:region:{region}:{variant}"),
                strategy: Strategy::GeoDistribution,
                target: region.to_owned(),
                target_kind: DomainKind::Region,
                summary,
                rationale: format!(
                    "An outage of region {region} takes down {}: every replica of {} runs there. Mirroring {} ({}) into {place} removes the region as a SPOF. {how}",
                    self.names(&spof.takes_down),
                    self.names(&ids),
                    if ids.len() == 1 { "it" } else { "them" },
                    plural(added, "more replica", "more replicas"),
                ),
                edits,
                code_change: None,
                process_change: None,
                purpose: Purpose::RemoveSpof(spof.event()),
            });
        }
    }
}
