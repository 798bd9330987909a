//! Candidates that raise availability without a SPOF or finding behind them: a CDN in front
//! of static content, progressive rollout. Proposes edits; never measures them.

use super::{Candidate, Ctx, Purpose, in_front};
use crate::advice::Strategy;
use crate::advice::placement::{self, Layout};
use crate::analysis::DomainKind;
use crate::edit::Edit;
use crate::model::{Component, ComponentKind, Dependency, DependencyKind, Model};

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

/// A share as a percentage to one decimal, rounded down so that most is never `100 %`.
fn share_text(x: f64) -> String {
    let tenths = (x * 1000.0).floor() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0} %")
    } else {
        format!("{tenths:.1} %")
    }
}

impl Ctx<'_> {
    /// Static content served to users straight from storage: put a CDN in front.
    pub(super) fn cdn_fixes(&self, out: &mut Vec<Candidate>) {
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

    /// Progressive rollout (a lower β) for each component whose deploys the model records
    /// as worse than ordinary (a β of its own above the default) and whose bad deploys
    /// cause at least [`DOMINANT_SHARE`] of the downtime it causes by itself: there more
    /// replicas barely help, since one release reaches them all. Not for components at the
    /// default: with two or more replicas nearly every one of them is dominated too, and
    /// the same process change for each would bury the rest of the advice (and the
    /// measuring budget) under a team-wide decision the model knows nothing specific about.
    pub(super) fn rollout_fixes(&self, out: &mut Vec<Candidate>) {
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
}
