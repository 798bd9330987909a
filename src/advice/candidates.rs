//! Candidate fixes for each SPOF and finding, and progressive rollout where bad deploys
//! dominate: edits plus the explanation an SRE would give. Never judges what one is worth:
//! only `measure` does.

use std::collections::HashSet;

use super::measure::needed_changes;
use super::placement::{self, Layout, hit_by, stretch};
use super::{FindingRef, Strategy};
use crate::analysis::{DomainKind, Finding, MINUTES_PER_YEAR, Report, Rule, Spof};
use crate::edit::Edit;
use crate::model::{
    Component, ComponentKind, Dependency, DependencyKind, Event, Failover, Model, Needs,
    Replication,
};

/// Which problems to generate candidates for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every SPOF and finding (the recommendation list).
    All,
    /// Only what can remove a SPOF (each step of `fix_all`).
    Spofs,
}

/// What a candidate must achieve to be kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    /// Remove this SPOF, named as a what-if event.
    RemoveSpof(Event),
    /// Resolve this finding.
    Resolve(FindingRef),
    /// Raise an entry's availability or remove a SPOF.
    Improve,
}

#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: String,
    pub strategy: Strategy,
    pub target: String,
    pub target_kind: DomainKind,
    pub summary: String,
    pub rationale: String,
    pub edits: Vec<Edit>,
    pub code_change: Option<String>,
    pub process_change: Option<String>,
    pub purpose: Purpose,
}

impl Candidate {
    /// The SPOF (as a what-if event) or finding (`rule:target`) it is for.
    pub fn problem(&self) -> String {
        match &self.purpose {
            Purpose::RemoveSpof(event) => event.to_string(),
            Purpose::Resolve(f) => format!("{}:{}", f.rule, f.target),
            Purpose::Improve => self.id.clone(),
        }
    }
}

/// Candidates for `report`'s SPOFs in report order (most entries taken down first),
/// then for static content, then (for [`Scope::All`]) for findings; the first
/// candidate of an id wins.
pub fn candidates(model: &Model, report: &Report, scope: Scope) -> Vec<Candidate> {
    let ctx = Ctx {
        model,
        report,
        scope,
    };
    let mut out = Vec::new();
    for spof in &report.spofs {
        match spof.kind {
            DomainKind::Component => ctx.component_fixes(spof, &mut out),
            DomainKind::Zone => ctx.zone_fix(spof, &mut out),
            DomainKind::Region => ctx.region_fixes(spof, &mut out),
        }
    }
    ctx.cdn_fixes(&mut out);
    if scope == Scope::All {
        for f in &report.findings {
            ctx.finding_fixes(f, &mut out);
        }
        ctx.rollout_fixes(&mut out);
    }
    let mut seen = HashSet::new();
    out.retain(|c| seen.insert(c.id.clone()));
    for c in &mut out {
        placement::space_out(model, &mut c.edits);
    }
    out
}

struct Ctx<'a> {
    model: &'a Model,
    report: &'a Report,
    scope: Scope,
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A component rolled out progressively gets the model's default β divided by this. What
/// still reaches every replica is what the canary misses, so it depends on the new
/// process, not on how carelessly the component was deployed before; a canary with
/// automated rollback is taken to stop three in four of the bad releases an ordinary
/// deploy (the default β) spreads. Not above the default, so the lever is offered once.
const ROLLOUT_BETA_DIVISOR: f64 = 4.0;

/// Bad deploys "dominate" a component's downtime from this share of it on.
const DOMINANT_SHARE: f64 = 0.5;

/// The probability that at least `k` of `n` independent replicas, each up with `p`, are up.
fn at_least(k: u32, n: u32, p: f64) -> f64 {
    (k..=n)
        .map(|i| {
            let choose = (0..i).fold(1.0, |acc, j| acc * f64::from(n - j) / f64::from(j + 1));
            choose * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32)
        })
        .sum()
}

/// Of the time `c` is down by itself (its replicas, bad deploys and failover window,
/// DESIGN §2b; not its zones or dependencies), the share its bad deploys (`common:c`)
/// cause. Exact, and from the model alone, so it does not depend on whether the caller's
/// analysis computed importance.
fn common_cause_share(model: &Model, c: &Component) -> f64 {
    let rates = model.rates(c);
    let common = rates.common.unwrap_or(0.0);
    let up_otherwise = (1.0 - rates.failover.unwrap_or(0.0))
        * at_least(
            c.effective_min_healthy(),
            c.replica_count(),
            1.0 - rates.replica,
        );
    let down = 1.0 - (1.0 - common) * up_otherwise;
    if down > 0.0 {
        common * up_otherwise / down
    } else {
        0.0
    }
}

/// Minutes as people say them: `30 seconds`, `1 minute`, `240 minutes`, `6.5 hours`.
fn minutes(m: f64) -> String {
    let (n, one, many) = if m < 1.0 {
        (format!("{:.0}", m * 60.0), "second", "seconds")
    } else if m < 300.0 {
        (format!("{m:.0}"), "minute", "minutes")
    } else {
        (format!("{:.1}", m / 60.0), "hour", "hours")
    };
    let unit = if n == "1" { one } else { many };
    format!("{n} {unit}")
}

/// A share as a percentage to one decimal, rounded down so that most is never `100 %`.
fn share_text(x: f64) -> String {
    let tenths = (x * 1000.0).floor() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0} %")
    } else {
        format!("{tenths:.1} %")
    }
}

/// Two availabilities as percentages with enough decimals to tell them apart.
fn percents(a: f64, b: f64) -> (String, String) {
    let show = |x: f64, d: usize| format!("{:.d$} %", x * 100.0);
    let decimals = (2..=9).find(|&d| show(a, d) != show(b, d)).unwrap_or(9);
    (show(a, decimals), show(b, decimals))
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Balancers spread requests over replicas and stop sending to dead ones.
fn is_balancer(kind: ComponentKind) -> bool {
    matches!(
        kind,
        ComponentKind::LoadBalancer | ComponentKind::Gateway | ComponentKind::Cdn
    )
}

/// Halfway between the callers (on average) and the component, for a new node in front.
fn in_front(callers: &[(f32, f32)], to: (f32, f32)) -> (f32, f32) {
    if callers.is_empty() {
        return (to.0 - 120.0, to.1);
    }
    let n = callers.len() as f32;
    let x = callers.iter().map(|p| p.0).sum::<f32>() / n;
    let y = callers.iter().map(|p| p.1).sum::<f32>() / n;
    ((x + to.0) / 2.0, (y + to.1) / 2.0 + 40.0)
}

impl Ctx<'_> {
    fn name(&self, id: &str) -> String {
        self.model
            .component(id)
            .map_or(id, |c| c.display_name())
            .to_owned()
    }

    fn names(&self, ids: &[String]) -> String {
        list(&ids.iter().map(|id| self.name(id)).collect::<Vec<_>>())
    }

    fn callers(&self, id: &str) -> Vec<&Dependency> {
        self.model
            .dependencies
            .iter()
            .filter(|d| d.to == id)
            .collect()
    }

    fn caller(&self, d: &Dependency) -> Option<&Component> {
        self.model.component(&d.from)
    }

    fn live(&self, c: &Component) -> bool {
        !self.report.always_down.contains(&c.id)
    }

    /// `c` goes down with `s`, taking these entries with it.
    fn why_spof(&self, c: &Component, s: &Spof) -> String {
        let k = c.effective_min_healthy();
        format!(
            "{} runs {} and needs {k} up, so one failure takes it down and with it {}",
            c.display_name(),
            plural(c.replica_count(), "replica", "replicas"),
            self.names(&s.takes_down)
        )
    }

    fn update(c: Component) -> Edit {
        Edit::UpdateComponent {
            id: c.id.clone(),
            component: c,
        }
    }

    /// Placement note for replicas that went to new zones.
    fn placement_note(before: &Component, after: &Component) -> String {
        let added: Vec<String> = placement::distinct_zones(after)
            .into_iter()
            .filter(|z| !before.zones.contains(z))
            .collect();
        if added.is_empty() {
            String::new()
        } else {
            format!(
                " The new replicas run in {} {}, so a zone outage cannot take them all.",
                if added.len() == 1 { "zone" } else { "zones" },
                list(&added)
            )
        }
    }

    fn component_fixes(&self, spof: &Spof, out: &mut Vec<Candidate>) {
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

    fn replicate(
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
        if Edit::apply_all(&build(&hit), &mut fixed).is_err() {
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

    fn zone_fix(&self, spof: &Spof, out: &mut Vec<Candidate>) {
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

    fn region_fixes(&self, spof: &Spof, out: &mut Vec<Candidate>) {
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

    /// Static content served to users straight from storage: put a CDN in front.
    fn cdn_fixes(&self, out: &mut Vec<Candidate>) {
        for store in self
            .model
            .components
            .iter()
            .filter(|c| c.kind == ComponentKind::Storage && self.live(c))
        {
            let entries: Vec<&Component> = self
                .callers(&store.id)
                .into_iter()
                .filter(|d| d.kind == DependencyKind::Hard)
                .filter_map(|d| self.caller(d))
                .filter(|from| from.entry && from.kind == ComponentKind::Client)
                .collect();
            if entries.is_empty() {
                continue;
            }
            let mut layout = Layout::new(self.model);
            let cdn_id = layout.fresh(&format!("{}-cdn", store.id));
            let name = store.display_name();
            let mut cdn = Component::new(&cdn_id, ComponentKind::Cdn);
            cdn.name = format!("CDN for {name}");
            cdn.replicas = 2;
            let positions: Vec<(f32, f32)> = entries.iter().map(|e| e.pos).collect();
            cdn.pos = in_front(&positions, store.pos);
            let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
            let mut edits = vec![Edit::AddComponent(cdn)];
            for e in &ids {
                edits.push(Edit::RemoveDependency {
                    from: e.clone(),
                    to: store.id.clone(),
                });
                edits.push(Edit::AddDependency(Dependency::hard(e, &cdn_id)));
            }
            edits.push(Edit::AddDependency(Dependency::soft(&cdn_id, &store.id)));
            out.push(Candidate {
                id: format!("geo-distribution:cdn:{}", store.id),
                strategy: Strategy::GeoDistribution,
                target: store.id.clone(),
                target_kind: DomainKind::Component,
                summary: format!(
                    "Serve {name} to {} through a CDN ({cdn_id}) that keeps serving cached copies while the origin is down",
                    self.names(&ids)
                ),
                rationale: format!(
                    "{} fetch static content straight from {name}, so its replicas, zone and region are on their path. A CDN caches the content at edge locations around the world and, with stale-if-error, keeps serving it while {name} is unreachable; it also takes load and latency off the origin. Only for static or cacheable content: anything personalised or written must still reach the origin.",
                    self.names(&ids)
                ),
                edits,
                code_change: None,
                process_change: None,
                purpose: Purpose::Improve,
            });
        }
    }

    /// What slow detection costs `c` (DESIGN §2b rule 1) and what health checks buy back.
    fn monitoring_rationale(&self, c: &Component, monitored: &Component) -> String {
        let m = self.model;
        let name = c.display_name();
        let detect = m.defaults.detect_minutes;
        let (before, after) = percents(
            m.effective_replica_availability(c),
            m.effective_replica_availability(monitored),
        );
        let mut s = format!(
            "Nobody is told when {name} fails: users find out first, so a failure goes unnoticed for {} instead of the {} health checks take, {} longer every time. With a failure every {:.0} hours that leaves {} up {before} of the time; with health checks, {after}. Health checks let the platform heal it by itself (restart or replace the replica: Kubernetes liveness probes, auto-scaling group health checks, a database operator), and alerting pages a human for what self-healing cannot fix.",
            minutes(detect.unmonitored),
            minutes(detect.monitored),
            minutes(detect.unmonitored - detect.monitored),
            m.mtbf_hours(c),
            if c.replica_count() > 1 {
                "each replica"
            } else {
                "it"
            },
        );
        if c.failover == Failover::Manual && c.has_failover_window() {
            s.push_str(&format!(
                " Its failover is manual, so noticing sooner also shortens every failover from {} to {}.",
                minutes(m.failover_window_hours(c) * 60.0),
                minutes(m.failover_window_hours(monitored) * 60.0)
            ));
        }
        s
    }

    /// How long `c`'s writes wait for a human (DESIGN §2b rule 3) against automatic
    /// failover.
    fn failover_rationale(&self, c: &Component, automatic: &Component) -> String {
        let m = self.model;
        let name = c.display_name();
        let yearly = |x: &Component| m.rates(x).failover.unwrap_or(0.0) * MINUTES_PER_YEAR;
        let unmonitored = if c.monitored {
            ""
        } else {
            " It has no health checks, so most of that wait is nobody noticing; automatic failover runs its own."
        };
        format!(
            "{name} has a standby but waits for a human to promote it: each failure of its primary stops writes for {} until someone notices plus {} to promote the standby by hand, {} in all.{unmonitored} Automatic failover (health-checked promotion and fencing, e.g. Patroni, RDS Multi-AZ, Redis Sentinel) takes {}. With a failure every {:.0} hours its failovers add up to {} a year instead of {}. Test it regularly: an untested failover is a manual one.",
            minutes(m.detect_minutes(c)),
            minutes(m.defaults.failover_minutes.manual),
            minutes(m.failover_window_hours(c) * 60.0),
            minutes(m.failover_window_hours(automatic) * 60.0),
            m.mtbf_hours(c),
            minutes(yearly(c)),
            minutes(yearly(automatic)),
        )
    }

    /// Progressive rollout (a lower β) for each component whose deploys the model records
    /// as worse than ordinary (a β of its own above the default) and whose bad deploys
    /// cause at least [`DOMINANT_SHARE`] of the downtime it causes by itself: there more
    /// replicas barely help, since one release reaches them all. Not for components at the
    /// default: with two or more replicas nearly every one of them is dominated too, and
    /// the same process change for each would bury the rest of the advice (and the
    /// measuring budget) under a team-wide decision the model knows nothing specific about.
    fn rollout_fixes(&self, out: &mut Vec<Candidate>) {
        let m = self.model;
        for c in m.components.iter() {
            let careless = m.common_cause(c) > m.defaults.common_cause;
            if !self.live(c) || !m.has_common_cause(c) || !careless {
                continue;
            }
            let share = common_cause_share(m, c);
            if share < DOMINANT_SHARE {
                continue;
            }
            let beta = m.common_cause(c);
            let mut next = c.clone();
            let rolled_out = m.defaults.common_cause / ROLLOUT_BETA_DIVISOR;
            next.common_cause = Some(rolled_out);
            let basis = if m.defaults.common_cause > 0.0 {
                format!(
                    "a quarter of the model's default ({}): what still reaches every replica is what the canary misses, and a canary with automated rollback is assumed to stop three in four of the bad releases an ordinary deploy spreads",
                    m.defaults.common_cause
                )
            } else {
                "the model's default, which counts no bad deploy as reaching every replica"
                    .to_owned()
            };
            let name = c.display_name();
            let step = if placement::distinct_zones(c).len() > 1 {
                "one zone at a time"
            } else {
                "one replica at a time"
            };
            out.push(Candidate {
                id: format!("graceful-degradation:{}:rollout", c.id),
                strategy: Strategy::GracefulDegradation,
                target: c.id.clone(),
                target_kind: DomainKind::Component,
                summary: format!(
                    "Roll out changes to {name} progressively: a canary first, then {step} (process change)"
                ),
                rationale: format!(
                    "Bad deploys cause {} of the downtime {name} causes by itself: {} of its failures (common_cause {beta}) are a release, config push or poison message that reaches {} at once, and no number of replicas protects against that. Rolling changes out progressively (a canary replica first, then {step}, each step gated on health checks and error rates, with automated rollback) stops most bad releases while they still hit one replica. The edit records it as common_cause {rolled_out}, {basis}. Put in your own figure if you track failed deploys. This is a process change in the deploy pipeline, not an architecture change: nothing is added to the system.",
                    share_text(share),
                    share_text(beta),
                    match c.replica_count() {
                        2 => "both replicas".to_owned(),
                        n => format!("all {n} replicas"),
                    },
                ),
                edits: vec![Self::update(next)],
                code_change: None,
                process_change: Some(format!(
                    "roll out {} progressively: a canary, then {step}, with automated rollback",
                    c.id
                )),
                purpose: Purpose::Improve,
            });
        }
    }

    fn finding_fixes(&self, f: &Finding, out: &mut Vec<Candidate>) {
        let Some(c) = self.model.component(&f.target) else {
            return;
        };
        let resolve = Purpose::Resolve(FindingRef {
            rule: f.rule,
            target: f.target.clone(),
        });
        let name = c.display_name();
        match f.rule {
            Rule::Unmonitored => {
                let mut next = c.clone();
                next.monitored = true;
                out.push(Candidate {
                    id: format!("monitoring:{}", c.id),
                    strategy: Strategy::Monitoring,
                    target: c.id.clone(),
                    target_kind: DomainKind::Component,
                    summary: format!("Add health checks and alerting to {name}"),
                    rationale: self.monitoring_rationale(c, &next),
                    edits: vec![Self::update(next)],
                    code_change: None,
                    process_change: None,
                    purpose: resolve,
                });
            }
            Rule::ManualFailover => {
                let mut next = c.clone();
                next.failover = Failover::Automatic;
                out.push(Candidate {
                    id: format!("failover:{}", c.id),
                    strategy: Strategy::Failover,
                    target: c.id.clone(),
                    target_kind: DomainKind::Component,
                    summary: format!("Switch {name} to automatic failover"),
                    rationale: self.failover_rationale(c, &next),
                    edits: vec![Self::update(next)],
                    code_change: None,
                    process_change: None,
                    purpose: resolve,
                });
            }
            Rule::AsyncReplication => {
                let mut next = c.clone();
                next.replication = Replication::Sync;
                let mut regions: Vec<String> = placement::distinct_zones(c)
                    .iter()
                    .filter_map(|z| self.model.zone(z).map(|(r, _)| r.id.clone()))
                    .collect();
                regions.dedup();
                let latency = if regions.len() > 1 {
                    format!(
                        "Its replicas span regions {}, so every write would wait a cross-region round trip (tens of milliseconds): worth it only where losing acknowledged writes is unacceptable.",
                        list(&regions)
                    )
                } else {
                    "Its replicas are in one region, so the extra write latency is about a millisecond.".to_owned()
                };
                out.push(Candidate {
                    id: format!("replication:{}:sync", c.id),
                    strategy: Strategy::Replication,
                    target: c.id.clone(),
                    target_kind: DomainKind::Component,
                    summary: format!("Replicate {name} synchronously so a failover loses no writes (RPO 0)"),
                    rationale: format!(
                        "Asynchronous replication lets a failover lose the writes the replica had not received yet. Synchronous replication loses nothing but adds a replica round trip to every write. {latency} Availability does not change; only the data a failover can lose."
                    ),
                    edits: vec![Self::update(next)],
                    code_change: None,
                    process_change: None,
                    purpose: resolve,
                });
            }
            Rule::UnreplicatedShards => {
                for replication in [Replication::Sync, Replication::Async] {
                    self.replicate(c, replication, &resolve, None, out);
                }
            }
            Rule::SingleZone => {
                let mut layout = Layout::new(self.model);
                let next = layout.spread(c);
                let zones = placement::distinct_zones(&next);
                let mut edits = Vec::new();
                if layout.regions_changed() {
                    edits.push(Edit::SetRegions(layout.regions.clone()));
                }
                edits.push(Self::update(next.clone()));
                out.push(Candidate {
                    id: format!("geo-distribution:spread:{}", c.id),
                    strategy: Strategy::GeoDistribution,
                    target: c.id.clone(),
                    target_kind: DomainKind::Component,
                    summary: format!(
                        "Spread {name}'s {} replicas across zones {}",
                        next.replicas,
                        list(&zones)
                    ),
                    rationale: format!(
                        "All replicas of {name} share one zone, so one zone outage takes them all. Spread over {}, any one zone can fail while {} stay up.",
                        list(&zones),
                        next.min_healthy
                    ),
                    edits,
                    code_change: None,
                    process_change: None,
                    purpose: resolve,
                });
            }
            Rule::SingleRegion => {
                let Some(region) = c
                    .zones
                    .first()
                    .and_then(|z| self.model.zone(z))
                    .map(|(r, _)| r.id.clone())
                else {
                    return;
                };
                let mut layout = Layout::new(self.model);
                let (second, map) = layout.second_region(&region);
                let replication = match c.replication {
                    Replication::None => Replication::Async,
                    r => r,
                };
                let next = stretch(c, &map, replication);
                let mut edits = Vec::new();
                if layout.regions_changed() {
                    edits.push(Edit::SetRegions(layout.regions.clone()));
                }
                edits.push(Self::update(next));
                out.push(Candidate {
                    id: format!("geo-distribution:stretch:{}", c.id),
                    strategy: Strategy::GeoDistribution,
                    target: c.id.clone(),
                    target_kind: DomainKind::Component,
                    summary: format!(
                        "Run {} more replicas of {name} in region {second}",
                        c.replicas
                    ),
                    rationale: format!(
                        "All replicas of {name} run in region {region}, so a region outage takes them all. Mirroring them into {second} lets {name} survive it{}.",
                        if c.kind.is_stateful() {
                            ", with the data replicated across regions"
                        } else {
                            ""
                        }
                    ),
                    edits,
                    code_change: None,
                    process_change: None,
                    purpose: resolve,
                });
            }
            Rule::AlwaysDown => {}
        }
    }
}
