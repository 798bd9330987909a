//! Exact availability of each entry: the structure function "entry is up" (and "all of
//! its service is up") written as a monotone formula over basic events and handed to
//! [`formula::Plan`]. Zone and region events, shared by almost everything, are
//! conditioned on when their combinations are few: each combination leaves a formula
//! whose components fall apart into independent modules, and the combinations' results
//! add up weighted by their probability. Past the node budget it reports
//! `BudgetExceeded`; callers fall back to an estimate. Never estimates itself.

use rayon::prelude::*;

use super::bdd::BudgetExceeded;
use super::formula::{FALSE, Formula, Lit, TRUE};
use super::graph::FailureGraph;
use super::plan::{Limits, Plan, Values, Wanted};

/// Node budget of the diagrams of one analysis: about 100 MB at most.
pub const NODE_BUDGET: usize = 2_000_000;

/// Combinations of zone and region states worth conditioning on, times the size of the
/// failure graph (components plus basic events): each combination builds a formula of
/// the whole graph. Past this, zones and regions are ordinary variables of one diagram,
/// which shares nothing between the modules they cross. Two regions of three zones
/// (81 combinations) stay conditioned on a model of 10,000 components.
const MAX_COFACTOR_WORK: usize = 8_000_000;

/// Combinations of zone and region states conditioned on at most, whatever the size.
const MAX_COFACTORS: usize = 1024;

/// Gates a cycle through k-of-n components may unroll into before giving up.
const MAX_CYCLE_GATES: usize = 1_000_000;

/// What to compile.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// Components failed outright (a what-if of a whole component).
    pub forced_down: &'a [bool],
    /// Components down with nothing failed, when each entry's full-service function is
    /// wanted too (DESIGN §2: every component it reaches through hard or soft
    /// dependencies up).
    pub full_service: Option<&'a [bool]>,
    /// Event availabilities known now: events certain to happen or not become
    /// constants. Only for callers that need no importance of those events.
    pub certain: Option<&'a [f64]>,
}

/// One combination of zone and region states, with its compiled formulas.
struct Cofactor {
    /// State of each conditioned event: up, down, or irrelevant (a zone of a region
    /// that is down).
    state: Vec<Option<bool>>,
    /// Each entry's "up".
    plan: Plan,
    /// Each entry's full service, when asked for: compiled apart, because it reaches
    /// every event below the entry and would leave no module in `plan`.
    full: Option<Plan>,
}

/// The compiled structure functions of a model's entries.
pub struct Structure {
    entries: Vec<u32>,
    /// Events conditioned on (regions and zones), empty when none are.
    domain: Vec<u32>,
    cofactors: Vec<Cofactor>,
}

/// Every cofactor's probabilities for one set of event availabilities.
pub struct Evaluation {
    weights: Vec<f64>,
    values: Vec<Values>,
    /// Probability that each entry is down.
    down: Vec<f64>,
    /// Probability that some part of each entry's service is down, when asked for.
    not_full: Option<Vec<f64>>,
}

/// What one component means to each wanted entry: its unavailability with the
/// component's own events certain to happen, and certain not to.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentEffect {
    pub down: Vec<f64>,
    pub perfect: Vec<f64>,
}

/// Birnbaum importance of every event for each wanted entry, and what each component's
/// own events do to them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Importance {
    /// `by_entry[i][e]`: importance of event e for the i-th wanted entry.
    pub by_entry: Vec<Vec<f64>>,
    /// For each component asked about, in order.
    pub components: Vec<ComponentEffect>,
}

impl Structure {
    pub fn build(
        g: &FailureGraph,
        request: &Request,
        budget: usize,
    ) -> Result<Self, BudgetExceeded> {
        let entries: Vec<u32> = (0..g.len() as u32)
            .filter(|&c| g.is_entry[c as usize])
            .collect();
        let domain: Vec<u32> = (0..g.first_replica())
            .filter(|&e| {
                request
                    .certain
                    .is_none_or(|a| a[e as usize] > 0.0 && a[e as usize] < 1.0)
            })
            .collect();
        let size = g.len() + g.events.len();
        let (domain, states) = match domain_states(g, &domain, size) {
            Some(s) => (domain, s),
            None => (Vec::new(), vec![Vec::new()]),
        };
        let mut certain = vec![None; g.events.len()];
        if let Some(a) = request.certain {
            for (fixed, &x) in certain.iter_mut().zip(a) {
                if x <= 0.0 {
                    *fixed = Some(false);
                } else if x >= 1.0 {
                    *fixed = Some(true);
                }
            }
        }
        // Each combination on its own thread; the budget holds for their sum, checked
        // once all are made so the outcome does not depend on which finished first.
        let cofactors = states
            .into_par_iter()
            .map(|state| {
                let mut fixed = certain.clone();
                for (&e, &s) in domain.iter().zip(&state) {
                    // A zone of a down region: its replicas are down whatever it does.
                    fixed[e as usize] = Some(s.unwrap_or(false));
                }
                let (f, up, full) = structure_formula(g, &entries, request, &fixed)?;
                let plan = Plan::compile(&f, &up, budget)?;
                let full = match full {
                    Some(roots) => Some(Plan::compile(&f, &roots, budget)?),
                    None => None,
                };
                Ok(Cofactor { state, plan, full })
            })
            .collect::<Result<Vec<Cofactor>, BudgetExceeded>>()?;
        // Nodes kept bound the memory, nodes made (failed attempts and garbage included)
        // the time: each within the limit one compilation has for it.
        let spent: usize = cofactors
            .iter()
            .map(|c| c.plan.work() + c.full.as_ref().map_or(0, Plan::work))
            .sum();
        let kept: usize = cofactors
            .iter()
            .map(|c| c.plan.nodes() + c.full.as_ref().map_or(0, Plan::nodes))
            .sum();
        if spent > Limits::for_budget(budget).work || kept > budget {
            return Err(BudgetExceeded);
        }
        Ok(Self {
            entries,
            domain,
            cofactors,
        })
    }

    pub fn entries(&self) -> &[u32] {
        &self.entries
    }

    /// Diagram nodes kept for evaluation, over all cofactors.
    pub fn nodes(&self) -> usize {
        self.cofactors
            .iter()
            .map(|c| c.plan.nodes() + c.full.as_ref().map_or(0, Plan::nodes))
            .sum()
    }

    /// Conditioned combinations of zone and region states (1 when none are).
    pub fn cofactors(&self) -> usize {
        self.cofactors.len()
    }

    pub fn evaluate(&self, availability: &[f64]) -> Evaluation {
        let q: Vec<f64> = availability.iter().map(|a| 1.0 - a).collect();
        let weights: Vec<f64> = self
            .cofactors
            .iter()
            .map(|c| self.weight(&c.state, availability, None))
            .collect();
        let values: Vec<Values> = self.cofactors.iter().map(|c| c.plan.evaluate(&q)).collect();
        let weighted = |plans: &[Option<&Plan>], values: &[Option<Values>], r: usize| -> f64 {
            plans
                .iter()
                .zip(values)
                .zip(&weights)
                .map(|((p, v), w)| match (p, v) {
                    (Some(p), Some(v)) => w * p.root(v, r),
                    _ => 0.0,
                })
                .sum()
        };
        let up_plans: Vec<Option<&Plan>> = self.cofactors.iter().map(|c| Some(&c.plan)).collect();
        let up_values: Vec<Option<Values>> = values.iter().cloned().map(Some).collect();
        let down = (0..self.entries.len())
            .map(|r| weighted(&up_plans, &up_values, r))
            .collect();
        let full_plans: Vec<Option<&Plan>> =
            self.cofactors.iter().map(|c| c.full.as_ref()).collect();
        let not_full = full_plans.iter().all(Option::is_some).then(|| {
            let full_values: Vec<Option<Values>> = full_plans
                .iter()
                .map(|p| p.map(|p| p.evaluate(&q)))
                .collect();
            (0..self.entries.len())
                .map(|r| weighted(&full_plans, &full_values, r))
                .collect()
        });
        Evaluation {
            weights,
            values,
            down,
            not_full,
        }
    }

    /// Probability of the conditioned states, leaving out event `skip`'s own factor.
    fn weight(&self, state: &[Option<bool>], availability: &[f64], skip: Option<u32>) -> f64 {
        self.domain
            .iter()
            .zip(state)
            .filter(|(e, _)| Some(**e) != skip)
            .map(|(&e, s)| match s {
                Some(true) => availability[e as usize],
                Some(false) => 1.0 - availability[e as usize],
                None => 1.0,
            })
            .product()
    }

    /// Probability that the i-th entry (in [`Structure::entries`] order) is down.
    pub fn down(&self, ev: &Evaluation, i: usize) -> f64 {
        ev.down[i]
    }

    /// Probability that some part of the i-th entry's service is down, when built.
    pub fn not_full(&self, ev: &Evaluation, i: usize) -> Option<f64> {
        ev.not_full.as_ref().map(|n| n[i])
    }

    /// Birnbaum importance of every event for each of the `wanted` entries (indices
    /// into [`Structure::entries`]), and for each event set in `components` (each a
    /// component's own events) every wanted entry's unavailability with the set certain
    /// to happen and certain not to. `None` once `cancelled` says so.
    pub fn importance(
        &self,
        ev: &Evaluation,
        availability: &[f64],
        wanted: &[usize],
        components: &[Vec<u32>],
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Importance> {
        let events = availability.len();
        let zero = || Importance {
            by_entry: vec![vec![0.0; events]; wanted.len()],
            components: components
                .iter()
                .map(|_| ComponentEffect {
                    down: vec![0.0; wanted.len()],
                    perfect: vec![0.0; wanted.len()],
                })
                .collect(),
        };
        let mut out = zero();
        // A few cofactors at a time on their own threads, each into its own sums, added
        // in cofactor order: the same additions, in the same order, as one thread makes.
        let at_once = 2 * rayon::current_num_threads();
        let indices: Vec<usize> = (0..self.cofactors.len()).collect();
        for chunk in indices.chunks(at_once) {
            let parts: Vec<Option<Importance>> = chunk
                .par_iter()
                .map(|&k| {
                    let mut part = zero();
                    self.cofactor_importance(k, ev, wanted, components, cancelled, &mut part)?;
                    Some(part)
                })
                .collect();
            for part in parts {
                let part = part?;
                for (acc, p) in out.by_entry.iter_mut().zip(&part.by_entry) {
                    for (a, x) in acc.iter_mut().zip(p) {
                        *a += x;
                    }
                }
                for (acc, p) in out.components.iter_mut().zip(&part.components) {
                    for (a, x) in acc.down.iter_mut().zip(&p.down) {
                        *a += x;
                    }
                    for (a, x) in acc.perfect.iter_mut().zip(&p.perfect) {
                        *a += x;
                    }
                }
            }
        }
        // Conditioned events: the difference between the cofactors where each is down
        // and those where it is up, weighted by everything else.
        for (d, &e) in self.domain.iter().enumerate() {
            for (i, &r) in wanted.iter().enumerate() {
                let mut b = 0.0;
                for (cofactor, values) in self.cofactors.iter().zip(&ev.values) {
                    let sign = match cofactor.state[d] {
                        Some(false) => 1.0,
                        Some(true) => -1.0,
                        None => continue,
                    };
                    let w = self.weight(&cofactor.state, availability, Some(e));
                    b += sign * w * cofactor.plan.root(values, r);
                }
                out.by_entry[i][e as usize] = b;
            }
        }
        Some(out)
    }

    /// Cofactor k's weighted share of [`Structure::importance`], added into `out`.
    fn cofactor_importance(
        &self,
        k: usize,
        ev: &Evaluation,
        wanted: &[usize],
        components: &[Vec<u32>],
        cancelled: &(dyn Fn() -> bool + Sync),
        out: &mut Importance,
    ) -> Option<()> {
        let (plan, w, values) = (&self.cofactors[k].plan, ev.weights[k], &ev.values[k]);
        let mut derivatives = Vec::with_capacity(wanted.len());
        for (i, &r) in wanted.iter().enumerate() {
            if cancelled() {
                return None;
            }
            let mut by_var = vec![0.0; plan.vars()];
            let mut by_module = vec![0.0; plan.contexts()];
            plan.derivatives(values, r, &mut by_var, &mut by_module);
            for (acc, d) in out.by_entry[i].iter_mut().zip(&by_var) {
                *acc += w * d;
            }
            derivatives.push((by_var, by_module));
        }
        if w == 0.0 {
            return Some(());
        }
        let roots: Vec<Wanted> = wanted
            .iter()
            .zip(&derivatives)
            .map(|(&root, (by_var, by_module))| Wanted {
                root,
                by_var,
                by_module,
            })
            .collect();
        for (set, effect) in components.iter().zip(&mut out.components) {
            if cancelled() {
                return None;
            }
            for (q, target) in [(1.0, &mut effect.down), (0.0, &mut effect.perfect)] {
                let changes: Vec<(u32, f64)> = set.iter().map(|&e| (e, q)).collect();
                let after = plan.reevaluate(values, &changes, &roots);
                for (t, a) in target.iter_mut().zip(after) {
                    *t += w * a;
                }
            }
        }
        Some(())
    }

    /// Work of [`Structure::importance`] for these component event sets: diagram
    /// passes and re-evaluations, summed over cofactors.
    pub fn importance_cost(&self, wanted: usize, components: &[Vec<u32>]) -> usize {
        self.cofactors
            .iter()
            .map(|c| {
                let per_component: usize = components
                    .iter()
                    .map(|set| c.plan.reevaluation_cost(set))
                    .sum();
                wanted * c.plan.nodes() + 2 * per_component
            })
            .sum()
    }
}

/// Every combination of states of the conditioned events, a region down standing for
/// all states of its zones; `None` when there would be more than [`MAX_COFACTORS`] or
/// more than [`MAX_COFACTOR_WORK`] for a graph of this `size`.
fn domain_states(g: &FailureGraph, domain: &[u32], size: usize) -> Option<Vec<Vec<Option<bool>>>> {
    let most = MAX_COFACTORS.min(MAX_COFACTOR_WORK / size.max(1)).max(1);
    let regions = g.region_ids.len() as u32;
    let mut states: Vec<Vec<Option<bool>>> = vec![vec![None; domain.len()]];
    // Regions in the domain, each with the positions of its zones in the domain.
    let position = |e: u32| domain.iter().position(|&d| d == e);
    let mut handled = vec![false; domain.len()];
    for (i, &e) in domain.iter().enumerate() {
        if e >= regions || handled[i] {
            continue;
        }
        handled[i] = true;
        let zones: Vec<usize> = (0..g.zone_ids.len() as u32)
            .filter(|&z| g.zone_region[z as usize] == e)
            .filter_map(|z| position(regions + z))
            .collect();
        for &z in &zones {
            handled[z] = true;
        }
        let count = 1 + (1usize << zones.len().min(20));
        if states.len().saturating_mul(count) > most {
            return None;
        }
        let mut next = Vec::with_capacity(states.len() * count);
        for s in &states {
            let mut down = s.clone();
            down[i] = Some(false);
            next.push(down);
            for mask in 0..1usize << zones.len() {
                let mut up = s.clone();
                up[i] = Some(true);
                for (bit, &z) in zones.iter().enumerate() {
                    up[z] = Some(mask & (1 << bit) == 0);
                }
                next.push(up);
            }
        }
        states = next;
    }
    // Zones whose region is certain (not conditioned): up or down on their own.
    for (i, _) in domain.iter().enumerate().filter(|(i, _)| !handled[*i]) {
        if states.len() * 2 > most {
            return None;
        }
        let mut next = Vec::with_capacity(states.len() * 2);
        for s in &states {
            for v in [true, false] {
                let mut x = s.clone();
                x[i] = Some(v);
                next.push(x);
            }
        }
        states = next;
    }
    Some(states)
}

/// The formula of every entry's "up" and, when asked, its full service, with the
/// events in `fixed` replaced by constants (`Some(true)`: certainly not happened).
type Roots = (Formula, Vec<Lit>, Option<Vec<Lit>>);

fn structure_formula(
    g: &FailureGraph,
    entries: &[u32],
    request: &Request,
    fixed: &[Option<bool>],
) -> Result<Roots, BudgetExceeded> {
    let mut f = Formula::new(g.events.len());
    let lit = |e: u32| match fixed[e as usize] {
        Some(true) => TRUE,
        Some(false) => FALSE,
        None => e,
    };
    let regions = g.region_ids.len() as u32;
    // "Enough replicas of c are up and none of its outage events happened".
    let mut own_ok = vec![TRUE; g.len()];
    for c in 0..g.len() as u32 {
        if request.forced_down[c as usize] {
            own_ok[c as usize] = FALSE;
            continue;
        }
        let replicas: Vec<Lit> = g
            .replicas(c)
            .map(|e| match g.zone_of(e) {
                Some(z) => {
                    let zone = lit(regions + z);
                    let region = lit(g.zone_region[z as usize]);
                    f.all(vec![lit(e), zone, region])
                }
                None => lit(e),
            })
            .collect();
        let enough = f.at_least(g.k_replicas[c as usize] as usize, replicas);
        let mut factors: Vec<Lit> = g.outages(c).map(lit).collect();
        factors.push(enough);
        own_ok[c as usize] = f.all(factors);
    }
    let mut up = vec![TRUE; g.len()];
    let mut gates = 0usize;
    for block in &g.blocks {
        let members = &g.order[block.start as usize..block.end as usize];
        let rule = |f: &mut Formula, c: u32, up: &[Lit]| {
            let deps: Vec<Lit> = g.hard_deps(c).iter().map(|&d| up[d as usize]).collect();
            let votes = f.at_least(g.need[c as usize] as usize, deps);
            f.all(vec![own_ok[c as usize], votes])
        };
        if !block.cyclic {
            let c = members[0];
            up[c as usize] = rule(&mut f, c, &up);
            continue;
        }
        let threshold = members
            .iter()
            .any(|&c| g.need[c as usize] as usize != g.hard_deps(c).len());
        if !threshold {
            // A cycle of components that each need all their dependencies: all up
            // together exactly when every member's own replicas and every dependency
            // outside the cycle are.
            let mut factors = Vec::new();
            for &c in members {
                factors.push(own_ok[c as usize]);
                for &d in g.hard_deps(c) {
                    if !members.contains(&d) {
                        factors.push(up[d as usize]);
                    }
                }
            }
            let all = f.all(factors);
            for &c in members {
                up[c as usize] = all;
            }
            continue;
        }
        // Greatest fixpoint by iteration from "all up": each round can only take members
        // down, so after as many rounds as members nothing changes any more.
        for &c in members {
            up[c as usize] = TRUE;
        }
        for _ in 0..members.len() {
            let next: Vec<Lit> = members.iter().map(|&c| rule(&mut f, c, &up)).collect();
            let same = members
                .iter()
                .zip(&next)
                .all(|(&c, &x)| up[c as usize] == x);
            for (&c, x) in members.iter().zip(next) {
                up[c as usize] = x;
            }
            gates += members.len();
            if same {
                break;
            }
            if gates > MAX_CYCLE_GATES {
                return Err(BudgetExceeded);
            }
        }
    }
    let roots: Vec<Lit> = entries.iter().map(|&e| up[e as usize]).collect();
    let full = request.full_service.map(|baseline_down| {
        entries
            .iter()
            .map(|&e| {
                let closure = g.closure(e, baseline_down);
                if closure.is_empty() {
                    FALSE
                } else {
                    f.all(closure.iter().map(|&x| own_ok[x as usize]).collect())
                }
            })
            .collect()
    });
    Ok((f, roots, full))
}
