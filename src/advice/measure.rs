//! Measuring candidates: apply each to a copy of the model, re-run the analysis once, and
//! compare with the report before. The only place advice gets numbers; it never estimates.

use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::candidates::{Candidate, Purpose, Scope, candidates};
use super::{
    Cost, EntryEffect, FindingRef, MIN_MEASURED, MIN_SAVING_MINUTES_PER_YEAR, ROUNDING,
    Recommendation,
};
use crate::analysis::eval::Propagator;
use crate::analysis::{
    self, Baseline, DomainKind, Failure, FailureGraph, MINUTES_PER_YEAR, Options, Report,
};
use crate::edit::Edit;
use crate::model::{Component, Event, Model};

/// A candidate that did not hold up, and why.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub id: String,
    pub purpose: Purpose,
    pub reason: String,
}

pub struct Measured {
    /// Ranked best first.
    pub recommendations: Vec<Recommendation>,
    pub rejected: Vec<Rejection>,
    /// Problems (SPOF events, `rule:target` findings) left unmeasured by the budget.
    pub unmeasured: Vec<String>,
}

/// A measured recommendation, its model, and how much it is preferred when another one
/// makes the same model: fixes for a SPOF over fixes for a finding, then the one aimed
/// at a component over a zone over a region (lower is preferred).
type Kept = (Recommendation, Model, (bool, DomainKind), Footprint);

/// Where a candidate's model differs from the model it was made from, to tell quickly
/// that two candidates' models differ: equal models have equal footprints, so whole
/// models are compared only when footprints match.
#[derive(PartialEq, Eq)]
struct Footprint {
    components: usize,
    dependencies: usize,
    /// Indices of the components that differ from the original's at the same index.
    changed: Vec<usize>,
}

impl Footprint {
    fn of(before: &Model, after: &Model) -> Self {
        Self {
            components: after.components.len(),
            dependencies: after.dependencies.len(),
            changed: after
                .components
                .iter()
                .enumerate()
                .filter(|&(i, c)| before.components.get(i) != Some(c))
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

/// Generate the candidates for `report` (the analysis of `model`) and measure each on
/// its own copy, in parallel, problem by problem in candidate order until `budget` (see
/// `advice::MEASURE_BUDGET`) is spent; drop those that fail and those whose model
/// another candidate already produces (see [`Kept`]), and rank the rest. `model` is
/// valid (it was analysed), so edits are checked only where they touch it. `known`: the
/// [`Baseline`] of `model` when the analysis handed it over; built here otherwise.
pub fn measured(
    model: &Model,
    report: &Report,
    scope: Scope,
    budget: Option<u64>,
    known: Option<Baseline>,
) -> Measured {
    // The baseline does not depend on the candidates: built beside them when not known,
    // unless the analysis estimated (no baseline is then exact).
    let exact = report.entries.iter().all(|e| e.exact);
    let (mut all, baseline) = match known {
        Some(b) => (candidates(model, report, scope), Some(b)),
        None if exact => rayon::join(|| candidates(model, report, scope), || Baseline::new(model)),
        None => (candidates(model, report, scope), None),
    };
    let size = (report.stats.basic_events + report.stats.dependencies + report.stats.components)
        .max(1) as u64;
    let allowed = budget.map_or(usize::MAX, |b| {
        usize::try_from(b / (size * size))
            .unwrap_or(usize::MAX)
            .max(MIN_MEASURED)
    });
    let mut take = all.len();
    for i in allowed..all.len() {
        if all[i].problem() != all[i - 1].problem() {
            take = i;
            break;
        }
    }
    let mut unmeasured: Vec<String> = Vec::new();
    for c in all.drain(take..) {
        let problem = c.problem();
        if !unmeasured.contains(&problem) {
            unmeasured.push(problem);
        }
    }
    // Only worth it when more than one candidate is measured against it.
    let baseline = baseline.filter(|_| all.len() > 1);
    let results: Vec<Result<Kept, Rejection>> = all
        .into_par_iter()
        .map(|c| {
            let preference = (!matches!(c.purpose, Purpose::RemoveSpof(_)), c.target_kind);
            measure(model, report, baseline.as_ref(), c).map(|(rec, m)| {
                let footprint = Footprint::of(model, &m);
                (rec, m, preference, footprint)
            })
        })
        .collect();
    let mut kept: Vec<Kept> = Vec::new();
    let mut rejected = Vec::new();
    for r in results {
        match r {
            Ok(new) => match kept.iter_mut().find(|k| k.3 == new.3 && k.1 == new.1) {
                Some(same) if new.2 < same.2 => *same = new,
                Some(_) => {}
                None => kept.push(new),
            },
            Err(why) => rejected.push(why),
        }
    }
    let (mut recommendations, models): (Vec<Recommendation>, Vec<Model>) =
        kept.into_iter().map(|k| (k.0, k.1)).unzip();
    // The kept copies were only for telling equal models apart. Freeing them (tens of
    // thousands of strings each on a large model, ~30 ms on the 10k one) is no part of
    // the answer: left to the pool while the caller goes on.
    rayon::spawn(move || drop(models));
    // Scores equal to a millionth of a minute a year are equal: which way rounding fell
    // (a candidate measured whole or along its slope) must not reorder them.
    let score = |r: &Recommendation| (r.score * 1e6).round();
    recommendations.sort_by(|a, b| {
        score(b)
            .total_cmp(&score(a))
            .then(b.removes_spofs.len().cmp(&a.removes_spofs.len()))
            .then(a.cost.added_instances.cmp(&b.cost.added_instances))
            .then(a.adds_findings.len().cmp(&b.adds_findings.len()))
            .then_with(|| a.id.cmp(&b.id))
    });
    Measured {
        recommendations,
        rejected,
        unmeasured,
    }
}

fn measure(
    model: &Model,
    report: &Report,
    baseline: Option<&Baseline>,
    c: Candidate,
) -> Result<(Recommendation, Model), Rejection> {
    let reject = |reason: String| Rejection {
        id: c.id.clone(),
        purpose: c.purpose.clone(),
        reason,
    };
    let mut next = model.clone();
    Edit::apply_all_to_valid(&c.edits, &mut next)
        .map_err(|e| reject(format!("its edit is invalid: {e}")))?;
    let after = match baseline {
        Some(b) => analysis::analyze_against(&next, &Options::measuring(), model, b),
        None => analysis::analyze(&next, &Options::measuring()),
    };

    let mut entries = Vec::new();
    for b in &report.entries {
        let Some(a) = after.entry(&b.id) else {
            return Err(reject(format!("entry {} disappears", b.id)));
        };
        if a.availability < b.availability - ROUNDING {
            return Err(reject(format!(
                "it lowers the availability of {} from {} to {}",
                b.id, b.availability, a.availability
            )));
        }
        let changed = (a.availability - b.availability).abs() > ROUNDING;
        entries.push(EntryEffect {
            id: b.id.clone(),
            before: b.availability,
            after: a.availability,
            downtime_saved_minutes_per_year: if changed {
                (a.availability - b.availability) * MINUTES_PER_YEAR
            } else {
                0.0
            },
            full_service_before: b.full_service_availability,
            full_service_after: a.full_service_availability,
            exact: b.exact && a.exact,
        });
    }

    let spofs_before: Vec<Event> = report.spofs.iter().map(|s| s.event()).collect();
    let spofs_after: Vec<Event> = after.spofs.iter().map(|s| s.event()).collect();
    let added: Vec<&Event> = spofs_after
        .iter()
        .filter(|s| !spofs_before.contains(s))
        .collect();
    if let Some(first) = added.first() {
        return Err(reject(format!("it makes {first} a new SPOF")));
    }
    let removes_spofs: Vec<Event> = spofs_before
        .into_iter()
        .filter(|s| !spofs_after.contains(s))
        .collect();

    let refs = |r: &Report| -> BTreeSet<FindingRef> {
        r.findings
            .iter()
            .map(|f| FindingRef {
                rule: f.rule,
                target: f.target.clone(),
            })
            .collect()
    };
    let (findings_before, findings_after) = (refs(report), refs(&after));
    let resolves_findings: Vec<FindingRef> = findings_before
        .difference(&findings_after)
        .cloned()
        .collect();
    let adds_findings: Vec<FindingRef> = findings_after
        .difference(&findings_before)
        .cloned()
        .collect();

    let saved: f64 = entries
        .iter()
        .map(|e| e.downtime_saved_minutes_per_year)
        .sum();
    let worth_it = saved >= MIN_SAVING_MINUTES_PER_YEAR || !removes_spofs.is_empty();
    match &c.purpose {
        Purpose::RemoveSpof(event) if !removes_spofs.contains(event) => {
            return Err(reject(format!("it leaves {event} a SPOF")));
        }
        Purpose::Resolve(f) if !resolves_findings.contains(f) => {
            return Err(reject(format!(
                "it leaves the {} finding on {}",
                f.rule, f.target
            )));
        }
        Purpose::Improve if !worth_it => {
            return Err(reject(format!(
                "it saves {saved:.2e} minutes of downtime a year and removes no SPOF"
            )));
        }
        _ => {}
    }
    let cost = cost(
        model,
        &next,
        c.code_change.clone(),
        c.process_change.clone(),
    );
    if cost.added_instances > 0 && !worth_it {
        return Err(reject(format!(
            "it adds {} instances to save {saved:.2e} minutes of downtime a year",
            cost.added_instances
        )));
    }
    let rec = Recommendation {
        id: c.id,
        strategy: c.strategy,
        target: c.target,
        target_kind: c.target_kind,
        summary: c.summary,
        rationale: c.rationale,
        edits: c.edits,
        removes_spofs,
        resolves_findings,
        adds_findings,
        entries,
        downtime_saved_minutes_per_year: saved,
        score: saved / f64::from(cost.added_instances.max(1)),
        cost,
    };
    Ok((rec, next))
}

/// What `after` adds to `before`, by comparing the two models.
fn cost(
    before: &Model,
    after: &Model,
    code_change: Option<String>,
    process_change: Option<String>,
) -> Cost {
    let mut added_replicas = 0;
    let mut new_components = Vec::new();
    let mut new_instances = 0;
    let old: FxHashMap<&str, &Component> = before
        .components
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    for c in &after.components {
        match old.get(c.id.as_str()) {
            Some(old) => added_replicas += c.replica_count().saturating_sub(old.replica_count()),
            None => {
                new_instances += c.replica_count();
                new_components.push(c.id.clone());
            }
        }
    }
    Cost {
        added_replicas,
        new_components,
        added_instances: added_replicas + new_instances,
        new_zones: after
            .zone_ids()
            .filter(|z| before.zone(z).is_none())
            .map(str::to_owned)
            .collect(),
        new_regions: after
            .regions
            .iter()
            .filter(|r| before.region(&r.id).is_none())
            .map(|r| r.id.clone())
            .collect(),
        code_change,
        process_change,
    }
}

/// Which of `changed` (components `fixed` has changed so that `event` no longer takes
/// them down) must stay changed for `event` to take down no entry, deciding one at a
/// time in order. An unchanged component is one `event` takes down, so each trial forces
/// it down in the one compiled graph instead of rebuilding the model. `None` when
/// `event` still takes down an entry with every change in place.
///
/// The trials run 63 to a pass, one per bit, each guessing how the trials before it in
/// the pass turned out: all dropped after a pass whose trials were mostly dropped, all
/// kept after one whose trials were mostly kept. A pass settles its trials up to the
/// first wrong guess; the next pass starts there. Passes propagate incrementally from a
/// base state (`event` failed, changes dropped earlier forced down): a pass costs the
/// cones of its components, not the whole graph, and so does taking the changes it drops
/// into the base.
pub fn needed_changes(fixed: &Model, event: &Event, changed: &[&str]) -> Option<Vec<bool>> {
    const TRIALS: usize = 63;
    let g = FailureGraph::compile(fixed);
    let Some(Failure::Basic(e)) = g.resolve(event) else {
        return None;
    };
    // A new propagator's base is the state with nothing failed. Entries down in it are
    // not taken down by anything.
    let mut p = Propagator::new(&g);
    let entries: Vec<usize> = (0..g.len())
        .filter(|&c| g.is_entry[c] && p.ev.down[c] == 0)
        .collect();
    p.set_base(&[e]);
    // The changes a pass drops, forced down in the base before the next pass.
    let mut dropped: Vec<u32> = Vec::new();
    // Bits where an entry is down: bit j + 1 for trial j, bit 0 for the base state.
    let entries_down = |p: &Propagator| entries.iter().fold(0, |acc, &c| acc | p.ev.down[c]);
    if entries_down(&p) != 0 {
        return None;
    }
    let index: Vec<Option<u32>> = changed.iter().map(|id| g.component_index(id)).collect();
    let mut needed = vec![true; changed.len()];
    let mut next = 0;
    let mut guess_dropped = true;
    let mut trial: Vec<(u32, u64)> = Vec::with_capacity(TRIALS);
    while next < changed.len() {
        let pass: Vec<usize> = (next..changed.len()).take(TRIALS).collect();
        trial.clear();
        for (j, &i) in pass.iter().enumerate() {
            let Some(c) = index[i] else { continue };
            // Trial j forces its own component down and, guessing the earlier trials of
            // the pass were dropped, theirs too.
            let mine = 1u64 << (j + 1);
            let from_here = if guess_dropped { !(mine - 1) } else { mine };
            trial.push((c, from_here & !1));
        }
        p.run_forced(&[], &trial);
        let down = entries_down(&p);
        let mut settled = 0;
        for (j, &i) in pass.iter().enumerate() {
            let Some(c) = index[i] else {
                // Not in the model: nothing to try, and it changes no other trial.
                settled += 1;
                continue;
            };
            let keep = down & (1u64 << (j + 1)) != 0;
            // The guess for trial j held when every earlier trial went the guessed way.
            if !keep {
                needed[i] = false;
                dropped.push(c);
            }
            settled += 1;
            if keep == guess_dropped {
                break;
            }
        }
        guess_dropped = dropped.len() * 2 >= settled;
        if !dropped.is_empty() {
            p.absorb_forced(&dropped);
            dropped.clear();
        }
        next += settled;
    }
    Some(needed)
}
