//! Candidate fixes for each SPOF and finding, and progressive rollout where bad deploys
//! dominate: edits plus the explanation an SRE would give. Never judges what one is worth:
//! only `measure` does.

mod findings;
mod improvements;
mod spofs;

use std::collections::HashSet;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::placement;
use super::{FindingRef, Strategy};
use crate::analysis::{DomainKind, Report, Spof};
use crate::edit::Edit;
use crate::model::{Component, ComponentKind, Dependency, Event, Model};

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
    let mut callers: FxHashMap<&str, Vec<&Dependency>> = FxHashMap::default();
    for d in &model.dependencies {
        callers.entry(d.to.as_str()).or_default().push(d);
    }
    let ctx = Ctx {
        model,
        report,
        scope,
        by_id: model
            .components
            .iter()
            .rev()
            .map(|c| (c.id.as_str(), c))
            .collect(),
        callers,
    };
    // Each SPOF's fixes on their own (a zone or region fix on a large model takes a
    // while), kept in report order.
    let per_spof: Vec<Vec<Candidate>> = report
        .spofs
        .par_iter()
        .map(|spof| {
            let mut out = Vec::new();
            match spof.kind {
                DomainKind::Component => ctx.component_fixes(spof, &mut out),
                DomainKind::Zone => ctx.zone_fix(spof, &mut out),
                DomainKind::Region => ctx.region_fixes(spof, &mut out),
            }
            out
        })
        .collect();
    let mut out: Vec<Candidate> = per_spof.into_iter().flatten().collect();
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
    /// Components by id (the first of an id, as [`Model::component`] finds it).
    by_id: FxHashMap<&'a str, &'a Component>,
    /// The dependencies on each component, in model order.
    callers: FxHashMap<&'a str, Vec<&'a Dependency>>,
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
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
        self.component(id)
            .map_or(id, |c| c.display_name())
            .to_owned()
    }

    fn component(&self, id: &str) -> Option<&Component> {
        self.by_id.get(id).copied()
    }

    fn names(&self, ids: &[String]) -> String {
        list(&ids.iter().map(|id| self.name(id)).collect::<Vec<_>>())
    }

    fn callers(&self, id: &str) -> Vec<&Dependency> {
        self.callers.get(id).cloned().unwrap_or_default()
    }

    fn caller(&self, d: &Dependency) -> Option<&Component> {
        self.component(&d.from)
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
}
