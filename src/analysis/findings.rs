//! Design findings that are not SPOFs by themselves but weaken an architecture:
//! always-down parts, missing monitoring, manual failover, data-loss risks, placement.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

use crate::model::{Component, Failover, Model, Needs, Replication};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The design rule a finding breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Down with nothing failed.
    AlwaysDown,
    /// No health checks or alerting.
    Unmonitored,
    /// A standby promoted by hand.
    ManualFailover,
    /// A failover can lose the latest writes.
    AsyncReplication,
    /// Replicas that each hold different data.
    UnreplicatedShards,
    /// Every replica in one zone.
    SingleZone,
    /// Every replica in one region of several.
    SingleRegion,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::AlwaysDown,
        Rule::Unmonitored,
        Rule::ManualFailover,
        Rule::AsyncReplication,
        Rule::UnreplicatedShards,
        Rule::SingleZone,
        Rule::SingleRegion,
    ];

    /// How serious a finding of this rule is.
    pub fn severity(self) -> Severity {
        match self {
            Rule::AlwaysDown => Severity::Error,
            Rule::Unmonitored
            | Rule::ManualFailover
            | Rule::UnreplicatedShards
            | Rule::SingleZone => Severity::Warning,
            Rule::AsyncReplication | Rule::SingleRegion => Severity::Info,
        }
    }

    /// What the rule flags, in one line.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::AlwaysDown => "A component is down with nothing failed",
            Rule::Unmonitored => "A component has no health checks or alerting",
            Rule::ManualFailover => "A standby is promoted by hand",
            Rule::AsyncReplication => {
                "Asynchronous replication can lose the latest writes on failover"
            }
            Rule::UnreplicatedShards => "Replicas each hold different data (shards without copies)",
            Rule::SingleZone => "Every replica of a component sits in one zone",
            Rule::SingleRegion => "Every replica of a component sits in one region of several",
        }
    }

    /// Why it matters and which way the fix goes.
    pub fn help(self) -> &'static str {
        match self {
            Rule::AlwaysDown => {
                "Too few replicas or hard dependencies are up to meet the component's minimum with nothing failed, so it is left out of the analysis. Fix: lower min_healthy or needs, add replicas, or repair the dependency that is down."
            }
            Rule::Unmonitored => {
                "An unmonitored failure goes unnoticed for detect_minutes.unmonitored until users report it, so every failure lasts longer. Fix: add health checks and alerting (monitored: true)."
            }
            Rule::ManualFailover => {
                "A person has to notice and promote the standby, so each failover window lasts failover_minutes.manual. Fix: automatic failover (failover: Automatic)."
            }
            Rule::AsyncReplication => {
                "The standby lags behind; a failover loses what it had not yet received. Fix: synchronous replication where the data cannot be lost."
            }
            Rule::UnreplicatedShards => {
                "Replicas without replication each hold different data, so all are needed and each adds a failure point. Fix: replicate the data (replication: Sync or Async) so any replica can serve."
            }
            Rule::SingleZone => {
                "One zone outage takes every replica at once. Fix: spread the replicas over two or more zones."
            }
            Rule::SingleRegion => {
                "One region outage takes every replica at once. Fix: place replicas in a second region (multi-region)."
            }
        }
    }

    /// The name used in JSON, reports and recommendation problems.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::AlwaysDown => "always-down",
            Rule::Unmonitored => "unmonitored",
            Rule::ManualFailover => "manual-failover",
            Rule::AsyncReplication => "async-replication",
            Rule::UnreplicatedShards => "unreplicated-shards",
            Rule::SingleZone => "single-zone",
            Rule::SingleRegion => "single-region",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// By name: a recommendation lists the findings it resolves in this order.
impl Ord for Rule {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub target: String,
    pub severity: Severity,
    pub message: String,
}

/// Every finding, errors first, then by rule and target in model order.
pub fn findings(model: &Model, baseline_down: &[bool]) -> Vec<Finding> {
    let mut out = Vec::new();
    let hard_deps = |c: &Component| {
        model
            .dependencies
            .iter()
            .filter(|d| d.from == c.id && d.kind == crate::model::DependencyKind::Hard)
            .count()
    };
    for (c, &down) in model.components.iter().zip(baseline_down) {
        if down {
            let why = match c.needs {
                Needs::AtLeast(k) if k as usize > hard_deps(c) => format!(
                    "needs at least {k} hard dependencies up but has {}",
                    hard_deps(c)
                ),
                _ => "a hard dependency is down even with nothing failed".to_owned(),
            };
            out.push(Finding {
                rule: Rule::AlwaysDown,
                target: c.id.clone(),
                severity: Rule::AlwaysDown.severity(),
                message: format!(
                    "{} is down with nothing failed: {why}; it is left out of the analysis",
                    c.display_name()
                ),
            });
        }
    }
    for c in model.components.iter().filter(|c| c.kind.has_replicas()) {
        let name = c.display_name();
        if !c.monitored {
            out.push(Finding {
                rule: Rule::Unmonitored,
                target: c.id.clone(),
                severity: Rule::Unmonitored.severity(),
                message: format!(
                    "{name} has no health checks or alerting: a failure goes unnoticed for {:.0} minutes instead of {:.0} until users report it, and a failed replica is not replaced",
                    model.detect_minutes(c),
                    model.defaults.detect_minutes.monitored
                ),
            });
        }
        // Only a replicated store has a standby to promote (DESIGN §2b rule 3): other
        // replicas serve side by side, so `Manual` on them changes nothing.
        if c.failover == Failover::Manual && c.has_failover_window() {
            out.push(Finding {
                rule: Rule::ManualFailover,
                target: c.id.clone(),
                severity: Rule::ManualFailover.severity(),
                message: format!(
                    "{name} fails over only when someone acts: every failure of its primary stops writes until it is noticed and a standby is promoted by hand ({:.0} minutes)",
                    model.failover_window_hours(c) * 60.0
                ),
            });
        }
        if c.kind.is_stateful() && c.replication == Replication::Async && c.replicas > 1 {
            out.push(Finding {
                rule: Rule::AsyncReplication,
                target: c.id.clone(),
                severity: Rule::AsyncReplication.severity(),
                message: format!(
                    "{name} replicates asynchronously: a failover can lose the most recent writes (RPO > 0)"
                ),
            });
        }
        if c.is_unreplicated_shards() {
            out.push(Finding {
                rule: Rule::UnreplicatedShards,
                target: c.id.clone(),
                severity: Rule::UnreplicatedShards.severity(),
                message: format!(
                    "{name} has {} replicas without replication: each holds different data, so all are needed and they add failure points, not redundancy",
                    c.replicas
                ),
            });
        }
        if c.replicas > 1 && !c.zones.is_empty() {
            let mut zones: Vec<&str> = (0..c.replicas)
                .filter_map(|i| c.zone_of_replica(i))
                .collect();
            zones.sort_unstable();
            zones.dedup();
            let mut regions: Vec<&str> = zones
                .iter()
                .filter_map(|z| model.zone(z).map(|(r, _)| r.id.as_str()))
                .collect();
            regions.sort_unstable();
            regions.dedup();
            if zones.len() == 1 {
                out.push(Finding {
                    rule: Rule::SingleZone,
                    target: c.id.clone(),
                    severity: Rule::SingleZone.severity(),
                    message: format!(
                        "all {} replicas of {name} run in zone {}: one zone outage takes them all",
                        c.replicas, zones[0]
                    ),
                });
            }
            // In a one-region model the region shows up as a SPOF; only flag components
            // that stay in one region while the architecture spans several.
            if regions.len() == 1 && model.regions.len() > 1 {
                out.push(Finding {
                    rule: Rule::SingleRegion,
                    target: c.id.clone(),
                    severity: Rule::SingleRegion.severity(),
                    message: format!(
                        "all {} replicas of {name} run in region {}: a region outage takes them all",
                        c.replicas, regions[0]
                    ),
                });
            }
        }
    }
    out.sort_by_key(|f| f.severity);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_and_sort_by_their_kebab_case_names() {
        let all = [
            Rule::AlwaysDown,
            Rule::Unmonitored,
            Rule::ManualFailover,
            Rule::AsyncReplication,
            Rule::UnreplicatedShards,
            Rule::SingleZone,
            Rule::SingleRegion,
        ];
        for rule in all {
            assert_eq!(
                serde_json::to_string(&rule).ok(),
                Some(format!("\"{}\"", rule.as_str()))
            );
        }
        let mut sorted = all;
        sorted.sort();
        assert_eq!(sorted[0], Rule::AlwaysDown);
        assert_eq!(sorted[1], Rule::AsyncReplication);
        assert_eq!(format!("{:<12}|", Rule::SingleZone), "single-zone |");
    }
}
