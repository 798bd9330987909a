//! Candidate fixes for each finding: monitoring, automatic failover, synchronous
//! replication, replicas spread over zones or regions. Proposes edits; never measures them.

use super::{Candidate, Ctx, Purpose, list};
use crate::advice::placement::{self, Layout, stretch};
use crate::advice::{FindingRef, Strategy};
use crate::analysis::{DomainKind, Finding, MINUTES_PER_YEAR, Rule};
use crate::edit::Edit;
use crate::model::{Component, Failover, Replication};

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

/// Two availabilities as percentages with enough decimals to tell them apart.
fn percents(a: f64, b: f64) -> (String, String) {
    let show = |x: f64, d: usize| format!("{:.d$} %", x * 100.0);
    let decimals = (2..=9).find(|&d| show(a, d) != show(b, d)).unwrap_or(9);
    (show(a, decimals), show(b, decimals))
}

impl Ctx<'_> {
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

    /// The fixes for finding `f`: each rule has its own, and an always-down component none
    /// (the model must be corrected by hand).
    pub(super) fn finding_fixes(&self, f: &Finding, out: &mut Vec<Candidate>) {
        let Some(c) = self.component(&f.target) else {
            return;
        };
        let resolve = Purpose::Resolve(FindingRef {
            rule: f.rule,
            target: f.target.clone(),
        });
        match f.rule {
            Rule::Unmonitored => out.push(self.monitoring_fix(c, resolve)),
            Rule::ManualFailover => out.push(self.automatic_failover_fix(c, resolve)),
            Rule::AsyncReplication => out.push(self.sync_replication_fix(c, resolve)),
            Rule::UnreplicatedShards => {
                for replication in [Replication::Sync, Replication::Async] {
                    self.replicate(c, replication, &resolve, None, out);
                }
            }
            Rule::SingleZone => out.push(self.spread_fix(c, resolve)),
            Rule::SingleRegion => out.extend(self.stretch_fix(c, resolve)),
            Rule::AlwaysDown => {}
        }
    }

    /// Health checks and alerting for an unmonitored component.
    fn monitoring_fix(&self, c: &Component, resolve: Purpose) -> Candidate {
        let name = c.display_name();
        let mut next = c.clone();
        next.monitored = true;
        Candidate {
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
        }
    }

    /// Automatic failover for a standby promoted by hand.
    fn automatic_failover_fix(&self, c: &Component, resolve: Purpose) -> Candidate {
        let name = c.display_name();
        let mut next = c.clone();
        next.failover = Failover::Automatic;
        Candidate {
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
        }
    }

    /// Synchronous replication, so that a failover loses no writes.
    fn sync_replication_fix(&self, c: &Component, resolve: Purpose) -> Candidate {
        let name = c.display_name();
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
            "Its replicas are in one region, so the extra write latency is about a millisecond."
                .to_owned()
        };
        Candidate {
            id: format!("replication:{}:sync", c.id),
            strategy: Strategy::Replication,
            target: c.id.clone(),
            target_kind: DomainKind::Component,
            summary: format!(
                "Replicate {name} synchronously so a failover loses no writes (RPO 0)"
            ),
            rationale: format!(
                "Asynchronous replication lets a failover lose the writes the replica had not received yet. Synchronous replication loses nothing but adds a replica round trip to every write. {latency} Availability does not change; only the data a failover can lose."
            ),
            edits: vec![Self::update(next)],
            code_change: None,
            process_change: None,
            purpose: resolve,
        }
    }

    /// The replicas spread over zones.
    fn spread_fix(&self, c: &Component, resolve: Purpose) -> Candidate {
        let name = c.display_name();
        let mut layout = Layout::new(self.model);
        let next = layout.spread(c);
        let zones = placement::distinct_zones(&next);
        let mut edits = Vec::new();
        if layout.regions_changed() {
            edits.push(Edit::SetRegions(layout.regions.clone()));
        }
        edits.push(Self::update(next.clone()));
        Candidate {
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
        }
    }

    /// As many replicas again in a second region; none when the component has no region.
    fn stretch_fix(&self, c: &Component, resolve: Purpose) -> Option<Candidate> {
        let name = c.display_name();
        let region = c
            .zones
            .first()
            .and_then(|z| self.model.zone(z))
            .map(|(r, _)| r.id.clone())?;
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
        Some(Candidate {
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
        })
    }
}
