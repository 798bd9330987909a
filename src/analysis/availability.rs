//! Exact availability of each entry: the structure function "entry is up" (and "all of
//! its service is up") written as a monotone formula over basic events and handed to
//! [`formula::Plan`]. Zone and region events, shared by almost everything, are
//! conditioned on when their combinations are few: with them constants, each
//! component's own events matter only through one variable, "its own part is up"
//! ([`Own`]), so one formula over those variables serves every combination, each
//! evaluated with its own probabilities and the results added up weighted by the
//! combination's probability. Past the node budget it reports `BudgetExceeded`; callers
//! fall back to an estimate. Never estimates itself.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::bdd::BudgetExceeded;
use super::formula::{FALSE, Formula, Lit, TRUE};
use super::graph::{FailureGraph, NO_ZONE};
use super::plan::{Limits, Plan, Stop, Values, Wanted, threshold_derivatives_into, threshold_q};

/// Node budget of the diagrams of one analysis: about 100 MB at most.
pub const NODE_BUDGET: usize = 2_000_000;

/// Combinations of zone and region states worth conditioning on, times the size of the
/// failure graph (components plus basic events): each combination evaluates the whole
/// formula, and importance differentiates it once per entry. Past this, zones and
/// regions are ordinary variables of one diagram, which shares nothing between the
/// modules they cross. Two regions of three zones (81 combinations) stay conditioned on
/// a model of 10,000 components.
const MAX_COFACTOR_WORK: usize = 8_000_000;

/// Combinations of zone and region states conditioned on at most, whatever the size.
const MAX_COFACTORS: usize = 1024;

/// Per-cofactor slopes of one-variable components ([`OwnSlopes`]) kept at most:
/// 32 MB.
const MAX_KEPT_SLOPES: usize = 4_000_000;

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
    /// Gives up early once set (see [`Stop`]).
    pub stop: Stop<'a>,
}

/// One combination of zone and region states.
struct Cofactor {
    /// State of each conditioned event: up, down, or irrelevant (a zone of a region
    /// that is down).
    state: Vec<Option<bool>>,
    /// Whether each zone's replicas can be up (zone and region up) or cannot; `None`
    /// for a zone that is a variable of the formulas.
    zones: Vec<Option<bool>>,
}

/// What the structure keeps of the graph to give a component's own part its
/// probability. A component's own events (replicas, `common:`, `failover:`) appear
/// nowhere else in the structure, so where its zones and regions are constants (in
/// every cofactor) everything above sees them only through "its own part is up": that
/// part becomes one variable, number `events + c`, whose probability each cofactor
/// computes here from its zone states. So one formula serves every cofactor, it has one
/// variable per component instead of a vote over replicas, a component's effect on an
/// entry is that variable's slope times the change of its probability, and each own
/// event's importance follows by the chain rule. All exact: the probability of an entry
/// is linear in the probability of any one variable.
struct Own {
    /// Basic events of the graph; lumped variables come after them.
    events: u32,
    first_replica: u32,
    rep_start: Vec<u32>,
    outage_start: Vec<u32>,
    k: Vec<u32>,
    replica_zone: Vec<u32>,
}

impl Own {
    fn new(g: &FailureGraph) -> Self {
        Self {
            events: g.events.len() as u32,
            first_replica: g.first_replica(),
            rep_start: g.rep_start.clone(),
            outage_start: g.outage_start.clone(),
            k: g.k_replicas.clone(),
            replica_zone: g.replica_zone.clone(),
        }
    }

    fn replicas(&self, c: u32) -> std::ops::Range<u32> {
        self.rep_start[c as usize]..self.rep_start[c as usize + 1]
    }

    fn outages(&self, c: u32) -> std::ops::Range<u32> {
        self.outage_start[c as usize]..self.outage_start[c as usize + 1]
    }

    fn events_of(&self, c: u32) -> Vec<u32> {
        self.replicas(c).chain(self.outages(c)).collect()
    }

    /// Whether replica event `r` can be up given each zone's state: `None` when its
    /// zone is still a variable.
    fn alive(&self, r: u32, zones: &[Option<bool>]) -> Option<bool> {
        zone_alive(self.replica_zone[(r - self.first_replica) as usize], zones)
    }

    /// The zone of each of c's replicas, in order ([`NO_ZONE`] for none).
    fn replica_zones(&self, c: u32) -> &[u32] {
        let first = |r: u32| (r - self.first_replica) as usize;
        let replicas = self.replicas(c);
        &self.replica_zone[first(replicas.start)..first(replicas.end)]
    }

    /// c's replica events that can be up given each zone's state.
    fn live<'a>(&'a self, c: u32, zones: &'a [Option<bool>]) -> impl Iterator<Item = u32> + 'a {
        self.replicas(c)
            .filter(move |&r| self.alive(r, zones) == Some(true))
    }

    /// The probability that c's own part is down, given each event's probability `q`
    /// of having happened; the live replicas' probabilities are left in `alive`.
    fn down(&self, c: u32, zones: &[Option<bool>], q: &[f64], alive: &mut Vec<f64>) -> f64 {
        let not_enough = self.down_replicas(c, zones, q, alive);
        with_outages(not_enough, self.outages(c).map(|o| q[o as usize]))
    }

    /// ∂P(c's own part down)/∂q(e) for each of c's own events e, pushed onto `out`.
    fn slopes(
        &self,
        c: u32,
        zones: &[Option<bool>],
        q: &[f64],
        scratch: &mut Scratch,
        out: &mut Vec<(u32, f64)>,
    ) {
        let Scratch {
            alive,
            suffix,
            by_replica,
        } = scratch;
        let not_enough = self.down_replicas(c, zones, q, alive);
        let outages = self.outages(c);
        let none_out: f64 = outages.clone().map(|o| 1.0 - q[o as usize]).product();
        by_replica.clear();
        threshold_derivatives_into(self.k[c as usize] as usize, alive, suffix, by_replica);
        let live = self.live(c, zones);
        for (r, d) in live.zip(by_replica.iter()) {
            out.push((r, none_out * d));
        }
        for o in outages.clone() {
            let others: f64 = outages
                .clone()
                .filter(|&x| x != o)
                .map(|x| 1.0 - q[x as usize])
                .product();
            out.push((o, (1.0 - not_enough) * others));
        }
    }

    /// P(fewer than k of c's replicas up), the live replicas' probabilities left in
    /// `alive`.
    fn down_replicas(
        &self,
        c: u32,
        zones: &[Option<bool>],
        q: &[f64],
        alive: &mut Vec<f64>,
    ) -> f64 {
        alive.clear();
        alive.extend(self.live(c, zones).map(|r| q[r as usize]));
        threshold_q(self.k[c as usize] as usize, alive)
    }

    /// The probability that c's own part is down with every own event happened, or
    /// none: 0 or 1.
    fn down_when_all(&self, c: u32, zones: &[Option<bool>], happened: bool) -> f64 {
        let k = self.k[c as usize] as usize;
        let down = if happened {
            k >= 1 || !self.outages(c).is_empty()
        } else {
            let alive = self.live(c, zones).count();
            alive < k
        };
        if down { 1.0 } else { 0.0 }
    }

    fn zoned(&self, c: u32) -> bool {
        self.replicas(c)
            .any(|r| self.replica_zone[(r - self.first_replica) as usize] != NO_ZONE)
    }

    /// Whether c's own part is one variable: more than a single event, or a replica in
    /// a zone, all of whose zones and regions are constants in every cofactor. Without
    /// events of its own it is a constant.
    fn lumpable(&self, c: u32, zones: &[Option<bool>]) -> bool {
        let own = self.replicas(c).len() + self.outages(c).len();
        own >= 1
            && (self.zoned(c) || own > 1)
            && self.replicas(c).all(|r| self.alive(r, zones).is_some())
    }

    /// c's only own event when it has no zone: then it is c's whole own part in the
    /// formulas, unless lumped.
    fn bare(&self, c: u32) -> Option<u32> {
        let mut own = self.replicas(c).chain(self.outages(c));
        match (own.next(), own.next()) {
            (Some(e), None) if !self.zoned(c) => Some(e),
            _ => None,
        }
    }
}

/// P(a component's own part is down): too few replicas up (`not_enough`) or one of its
/// outage events (probabilities `outages`) happened.
fn with_outages(not_enough: f64, outages: impl Iterator<Item = f64>) -> f64 {
    let none_out: f64 = outages.map(|q| 1.0 - q).product();
    1.0 - none_out * (1.0 - not_enough)
}

/// P(component c's own part is down) in `g` given each zone's state (as a cofactor
/// fixes them) and its events' availabilities; `None` when one of its replicas runs in
/// a zone that is a variable. The computation [`Structure`] makes for a lumped
/// component, to the bit.
pub(super) fn own_down(
    g: &FailureGraph,
    c: u32,
    zones: &[Option<bool>],
    availability: &[f64],
) -> Option<f64> {
    let q = |e: u32| 1.0 - availability[e as usize];
    let mut alive = Vec::new();
    for r in g.replicas(c) {
        let zone = g.replica_zone[(r - g.first_replica()) as usize];
        if zone_alive(zone, zones)? {
            alive.push(q(r));
        }
    }
    let not_enough = threshold_q(g.k_replicas[c as usize] as usize, &alive);
    Some(with_outages(not_enough, g.outages(c).map(q)))
}

/// Whether a replica in zone `z` can be up given each zone's state: `None` when the
/// zone is still a variable.
fn zone_alive(z: u32, zones: &[Option<bool>]) -> Option<bool> {
    match z {
        NO_ZONE => Some(true),
        z => zones[z as usize],
    }
}

/// Which cofactors leave each lumped component the same replicas that can be up. That
/// depends only on the zones its replicas run in, and components placed alike are most
/// of a model: it is worked out once per placement (distinct list of replica zones).
struct Placements {
    /// Per lumped component, in order: its placement.
    of: Vec<u32>,
    /// Per placement: the case (set of replicas that can be up) of each cofactor.
    case: Vec<Vec<u32>>,
    /// Per placement: the first cofactor of each case.
    first: Vec<Vec<u32>>,
}

impl Placements {
    fn new(own: &Own, lumped: &[u32], cofactors: &[Cofactor]) -> Self {
        let mut index: FxHashMap<&[u32], u32> = FxHashMap::default();
        let mut placements: Vec<&[u32]> = Vec::new();
        let of = lumped
            .iter()
            .map(|&x| {
                let zones = own.replica_zones(x);
                *index.entry(zones).or_insert_with(|| {
                    placements.push(zones);
                    placements.len() as u32 - 1
                })
            })
            .collect();
        let (case, first) = placements
            .iter()
            .map(|zones| {
                let mut cases: FxHashMap<Vec<bool>, u32> = FxHashMap::default();
                let mut first = Vec::new();
                let case = cofactors
                    .iter()
                    .enumerate()
                    .map(|(k, c)| {
                        let live = zones
                            .iter()
                            .map(|&z| zone_alive(z, &c.zones) == Some(true))
                            .collect();
                        *cases.entry(live).or_insert_with(|| {
                            first.push(k as u32);
                            first.len() as u32 - 1
                        })
                    })
                    .collect();
                (case, first)
            })
            .unzip();
        Self { of, case, first }
    }
}

/// Buffers [`Own::slopes`] reuses from one component to the next.
#[derive(Default)]
struct Scratch {
    alive: Vec<f64>,
    suffix: Vec<f64>,
    by_replica: Vec<f64>,
}

/// Whether each zone's replicas can be up, given the zone and region events fixed.
fn zone_states(g: &FailureGraph, fixed: &[Option<bool>]) -> Vec<Option<bool>> {
    let regions = g.region_ids.len();
    (0..g.zone_ids.len())
        .map(|z| {
            let zone = fixed[regions + z];
            let region = fixed[g.zone_region[z] as usize];
            match (zone, region) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }
        })
        .collect()
}

/// The compiled structure functions of a model's entries.
pub struct Structure {
    own: Own,
    entries: Vec<u32>,
    /// Events conditioned on (regions and zones), empty when none are.
    domain: Vec<u32>,
    cofactors: Vec<Cofactor>,
    /// Components whose own part is one variable of the formulas ([`Own`]), in order.
    lumped: Vec<u32>,
    placements: Placements,
    /// Each entry's "up".
    plan: Plan,
    /// Each entry's full service, when asked for: compiled apart, because it reaches
    /// every event below the entry and would leave no module in `plan`.
    full: Option<Plan>,
}

/// Every cofactor's probabilities for one set of event availabilities.
pub struct Evaluation {
    weights: Vec<f64>,
    values: Vec<Values>,
    /// Probability that each entry is down.
    down: Vec<f64>,
    /// Probability that some part of each entry's service is down, when asked for.
    not_full: Option<Vec<f64>>,
    /// Variances of `down` and `not_full` from sampled contexts ([`Structure::sampled`]).
    variance: (Vec<f64>, Option<Vec<f64>>),
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
    /// Cofactor by cofactor, the slopes of the one-variable components' own parts, when
    /// they are few enough to keep ([`MAX_KEPT_SLOPES`]).
    pub own_parts: Option<OwnSlopes>,
}

/// Each entry is linear, cofactor by cofactor, in the probability that the own part of
/// a component is down when that part is one variable (lumped, or bare: one event of no
/// zone). So a change to that component alone (its replicas, their zones among those
/// conditioned on, its availability, its outage events) moves each entry by Σ over
/// cofactors k of `w_k · ∂P_k(down)/∂q` times the change of that probability in
/// cofactor k ([`own_down`] before and after): exact, without compiling anything again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OwnSlopes {
    /// The one-variable components: the lumped ones in order, then the bare ones in
    /// order.
    pub components: Vec<u32>,
    /// Each cofactor's zone states: whether a zone's replicas can be up.
    pub zones: Vec<Vec<Option<bool>>>,
    /// Per cofactor: `w · ∂P(down)/∂q` of each component's own part (rows, in
    /// `components` order) for each wanted entry (columns).
    pub by_cofactor: Vec<Vec<f64>>,
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
        let own = Own::new(g);
        let cofactors: Vec<Cofactor> = states
            .into_iter()
            .map(|state| {
                let mut fixed = certain.clone();
                for (&e, &s) in domain.iter().zip(&state) {
                    // A zone of a down region: its replicas are down whatever it does.
                    fixed[e as usize] = Some(s.unwrap_or(false));
                }
                let zones = zone_states(g, &fixed);
                Cofactor { state, zones }
            })
            .collect();
        // Which zones are constants is the same in every cofactor: the domain's are in
        // all of them.
        let lumped: Vec<u32> = match cofactors.first() {
            Some(first) => (0..g.len() as u32)
                .filter(|&c| !request.forced_down[c as usize])
                .filter(|&c| own.lumpable(c, &first.zones))
                .collect(),
            None => Vec::new(),
        };
        let (f, up, full) = structure_formula(g, &entries, request, &certain, &lumped)?;
        let limits = Limits::for_budget(budget);
        let compile = |roots: &[Lit]| Plan::compile_until(&f, roots, limits, request.stop);
        let (plan, full) = match full {
            Some(roots) => {
                let (plan, full) = rayon::join(|| compile(&up), || compile(&roots));
                (plan?, Some(full?))
            }
            None => (compile(&up)?, None),
        };
        // Nodes kept bound the memory, nodes made (failed attempts and garbage included)
        // the time: each within the limit one compilation has for it.
        let spent = plan.work() + full.as_ref().map_or(0, Plan::work);
        let kept = plan.nodes() + full.as_ref().map_or(0, Plan::nodes);
        if spent > limits.work || kept > budget {
            return Err(BudgetExceeded);
        }
        let placements = Placements::new(&own, &lumped, &cofactors);
        Ok(Self {
            own,
            entries,
            domain,
            cofactors,
            lumped,
            placements,
            plan,
            full,
        })
    }

    pub fn entries(&self) -> &[u32] {
        &self.entries
    }

    /// Diagram nodes kept for evaluation.
    pub fn nodes(&self) -> usize {
        self.plan.nodes() + self.full.as_ref().map_or(0, Plan::nodes)
    }

    /// Conditioned combinations of zone and region states (1 when none are).
    pub fn cofactors(&self) -> usize {
        self.cofactors.len()
    }

    pub fn evaluate(&self, availability: &[f64]) -> Evaluation {
        self.evaluate_until(availability, Stop::NEVER)
    }

    /// [`Structure::evaluate`], its sampled contexts stopping early once `stop` is set.
    pub fn evaluate_until(&self, availability: &[f64], stop: Stop) -> Evaluation {
        let q: Vec<f64> = availability.iter().map(|a| 1.0 - a).collect();
        let weights: Vec<f64> = self
            .cofactors
            .iter()
            .map(|c| self.weight(&c.state, availability, None))
            .collect();
        let own_down = self.lumped_down(&q);
        let qs: Vec<Vec<f64>> = (0..self.cofactors.len())
            .into_par_iter()
            .map(|k| self.variables(&self.cofactors[k], &q, &own_down, k))
            .collect();
        let summed = |plan: &Plan, values: &[Values]| -> (Vec<f64>, Vec<f64>) {
            let sum = |f: &dyn Fn(usize, f64, &Values) -> f64| -> Vec<f64> {
                (0..self.entries.len())
                    .map(|r| weights.iter().zip(values).map(|(&w, v)| f(r, w, v)).sum())
                    .collect()
            };
            // Each cofactor is sampled apart: variances add up with the weights squared.
            let variance = if plan.sampled() {
                sum(&|r, w, v| w * w * plan.root_variance(v, r))
            } else {
                vec![0.0; self.entries.len()]
            };
            (sum(&|r, w, v| w * plan.root(v, r)), variance)
        };
        // The full-service plan reads the same variables; the main plan keeps them.
        let not_full = self.full.as_ref().map(|full| {
            let values: Vec<Values> = qs
                .par_iter()
                .zip(&weights)
                .map(|(q, &w)| full.evaluate_owned(q.clone(), stop, w))
                .collect();
            summed(full, &values)
        });
        let values: Vec<Values> = qs
            .into_par_iter()
            .zip(&weights)
            .map(|(q, &w)| self.plan.evaluate_owned(q, stop, w))
            .collect();
        let (down, down_variance) = summed(&self.plan, &values);
        let (not_full, not_full_variance) = not_full.unzip();
        Evaluation {
            weights,
            values,
            down,
            not_full,
            variance: (down_variance, not_full_variance),
        }
    }

    /// Every variable's probability of being false (its event happened) in cofactor
    /// `c`, the k-th: the events' `q`, the conditioned events' states, then each lumped
    /// component's own part, from `own_down` ([`Structure::lumped_down`]).
    fn variables(&self, c: &Cofactor, q: &[f64], own_down: &[f64], k: usize) -> Vec<f64> {
        // Allocated once at full length: growing a copy of `q` would copy it again.
        let mut all = Vec::with_capacity(self.plan.vars());
        all.extend_from_slice(q);
        all.resize(self.plan.vars(), 0.0);
        for (&e, s) in self.domain.iter().zip(&c.state) {
            all[e as usize] = if *s == Some(true) { 0.0 } else { 1.0 };
        }
        let cofactors = self.cofactors.len();
        for (j, &x) in self.lumped.iter().enumerate() {
            all[(self.own.events + x) as usize] = own_down[j * cofactors + k];
        }
        all
    }

    /// P(each lumped component's own part is down) in each cofactor, component by
    /// component (row j, column k: the j-th lumped component in the k-th cofactor).
    /// It depends on the cofactor only through which of the component's replicas can
    /// be up ([`Placements`]), and its few zones make most cofactors repeat one of a few
    /// cases: each case is computed once per component, in its first cofactor, the same
    /// computation (so the same bits) as in every other.
    fn lumped_down(&self, q: &[f64]) -> Vec<f64> {
        let cofactors = self.cofactors.len();
        let mut out = vec![0.0; self.lumped.len() * cofactors];
        if cofactors == 0 {
            return out;
        }
        let p = &self.placements;
        out.par_chunks_mut(cofactors)
            .zip(self.lumped.par_iter().zip(&p.of))
            .for_each_init(
                || (Vec::new(), Vec::new()),
                |(alive, values): &mut (Vec<f64>, Vec<f64>), (row, (&x, &at))| {
                    values.clear();
                    values.extend(p.first[at as usize].iter().map(|&k| {
                        self.own
                            .down(x, &self.cofactors[k as usize].zones, q, alive)
                    }));
                    for (slot, &case) in row.iter_mut().zip(&p.case[at as usize]) {
                        *slot = values[case as usize];
                    }
                },
            );
        out
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

    /// Whether some context is sampled, no diagram fitting it within the budget: the
    /// values are then estimates ([`Structure::variance`]).
    pub fn sampled(&self) -> bool {
        self.plan.sampled() || self.full.as_ref().is_some_and(Plan::sampled)
    }

    /// Variances of the i-th entry's P(down) and P(not full service) when sampled.
    pub fn variance(&self, ev: &Evaluation, i: usize) -> (f64, Option<f64>) {
        let (down, not_full) = &ev.variance;
        (down[i], not_full.as_ref().map(|n| n[i]))
    }

    /// Probability that some part of the i-th entry's service is down, when built.
    pub fn not_full(&self, ev: &Evaluation, i: usize) -> Option<f64> {
        ev.not_full.as_ref().map(|n| n[i])
    }

    /// Each entry's P(down) (in [`Structure::entries`] order) after the own parts of
    /// `changed` components take new probabilities: `own(zones, c)` gives c's P(own
    /// part down) in the cofactor with those zone states. Each changed component's own
    /// part must be one variable (lumped, or bare); only the contexts above those
    /// variables are evaluated again, cofactor by cofactor, and the cofactors summed as
    /// [`Structure::evaluate`] sums them. `None` when a component's own part is not one
    /// variable or `own` has no value.
    pub fn down_after(
        &self,
        ev: &Evaluation,
        changed: &[u32],
        own: impl Fn(&[Option<bool>], u32) -> Option<f64> + Sync,
    ) -> Option<Vec<f64>> {
        let vars: Vec<u32> = changed
            .iter()
            .map(|&c| match self.lumped.binary_search(&c) {
                Ok(_) => Some(self.own.events + c),
                Err(_) => self.own.bare(c),
            })
            .collect::<Option<_>>()?;
        let roots: Vec<usize> = (0..self.entries.len()).collect();
        let per_cofactor: Vec<Vec<f64>> = self
            .cofactors
            .par_iter()
            .zip(&ev.values)
            .map(|(cofactor, values)| {
                let changes: Vec<(u32, f64)> = changed
                    .iter()
                    .zip(&vars)
                    .map(|(&c, &v)| Some((v, own(&cofactor.zones, c)?)))
                    .collect::<Option<_>>()?;
                Some(self.plan.reevaluate_roots(values, &changes, &roots))
            })
            .collect::<Option<_>>()?;
        Some(
            roots
                .iter()
                .map(|&r| {
                    ev.weights
                        .iter()
                        .zip(&per_cofactor)
                        .map(|(w, root)| w * root[r])
                        .sum()
                })
                .collect(),
        )
    }

    /// Birnbaum importance of every event for each of the `wanted` entries (indices
    /// into [`Structure::entries`]), and for each of `components` every wanted entry's
    /// unavailability with the component's own events certain to happen and certain
    /// not to. `None` once `cancelled` says so.
    pub fn importance(
        &self,
        ev: &Evaluation,
        availability: &[f64],
        wanted: &[usize],
        components: &[u32],
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Importance> {
        if wanted.is_empty() && components.is_empty() {
            return Some(Importance::default());
        }
        // Entries whose "up" is the same formula (the same dependencies, made one by
        // hash-consing) have the same importance: each is computed once.
        let twins = self.plan.twins();
        let mut computed: Vec<usize> = Vec::new();
        let mut at: FxHashMap<usize, usize> = FxHashMap::default();
        let position: Vec<usize> = wanted
            .iter()
            .map(|&r| {
                *at.entry(twins[r]).or_insert_with(|| {
                    computed.push(r);
                    computed.len() - 1
                })
            })
            .collect();
        if computed.len() < wanted.len() {
            let once = self.importance(ev, availability, &computed, components, cancelled)?;
            return Some(Importance {
                by_entry: position.iter().map(|&p| once.by_entry[p].clone()).collect(),
                components: once
                    .components
                    .iter()
                    .map(|effect| ComponentEffect {
                        down: position.iter().map(|&p| effect.down[p]).collect(),
                        perfect: position.iter().map(|&p| effect.perfect[p]).collect(),
                    })
                    .collect(),
                own_parts: once.own_parts.map(|l| OwnSlopes {
                    by_cofactor: l
                        .by_cofactor
                        .iter()
                        .map(|table| {
                            table
                                .chunks_exact(computed.len())
                                .flat_map(|row| position.iter().map(|&p| row[p]))
                                .collect()
                        })
                        .collect(),
                    ..l
                }),
            });
        }
        let n = wanted.len();
        // Event by event, each with its n entries side by side: the chain rule adds a
        // component's slope to n neighbours at a time.
        let mut by_event = vec![0.0; availability.len() * n];
        let mut down = vec![0.0; components.len() * n];
        let mut perfect = vec![0.0; components.len() * n];
        // Several cofactors at a time on their own threads, each into its own share,
        // added in cofactor order: the same additions, in the same order, as one thread
        // makes.
        let at_once = 8 * rayon::current_num_threads();
        let indices: Vec<usize> = (0..self.cofactors.len()).collect();
        let bare = self.bare();
        let keep = (self.lumped.len() + bare.len()) * self.cofactors.len() * n <= MAX_KEPT_SLOPES;
        // The bare components' slopes serve only the kept tables.
        let bare_kept = if keep { bare.as_slice() } else { &[] };
        let mut by_cofactor = Vec::new();
        for chunk in indices.chunks(at_once) {
            let shares: Vec<Option<Share>> = chunk
                .par_iter()
                .map(|&k| self.share(k, ev, wanted, components, bare_kept, cancelled))
                .collect();
            for share in shares {
                let share = share?;
                share.add_to(n, &mut by_event, &mut down, &mut perfect);
                if keep {
                    let mut table = share.by_lumped;
                    table.extend_from_slice(&share.by_bare);
                    by_cofactor.push(table);
                }
            }
        }
        let mut by_entry = vec![Vec::with_capacity(availability.len()); n];
        for row in by_event.chunks_exact(n.max(1)) {
            for (column, &x) in by_entry.iter_mut().zip(row) {
                column.push(x);
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
                    b += sign * w * self.plan.root(values, r);
                }
                by_entry[i][e as usize] = b;
            }
        }
        let components = (0..components.len())
            .map(|j| ComponentEffect {
                down: down[j * n..(j + 1) * n].to_vec(),
                perfect: perfect[j * n..(j + 1) * n].to_vec(),
            })
            .collect();
        Some(Importance {
            by_entry,
            components,
            own_parts: keep.then(|| OwnSlopes {
                components: self
                    .lumped
                    .iter()
                    .copied()
                    .chain(bare.iter().map(|b| b.0))
                    .collect(),
                zones: self.cofactors.iter().map(|c| c.zones.clone()).collect(),
                by_cofactor,
            }),
        })
    }

    /// The components whose own part is one event of no zone, not lumped, with that
    /// event ([`Own::bare`]), in order.
    fn bare(&self) -> Vec<(u32, u32)> {
        (0..self.own.rep_start.len().saturating_sub(1) as u32)
            .filter(|c| self.lumped.binary_search(c).is_err())
            .filter_map(|c| self.own.bare(c).map(|e| (c, e)))
            .collect()
    }

    /// Cofactor k's weighted share of [`Structure::importance`], with the slopes of the
    /// `bare` components' events.
    fn share(
        &self,
        k: usize,
        ev: &Evaluation,
        wanted: &[usize],
        components: &[u32],
        bare: &[(u32, u32)],
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Share> {
        let (plan, cofactor) = (&self.plan, &self.cofactors[k]);
        let (w, values) = (ev.weights[k], &ev.values[k]);
        let n = wanted.len();
        let events = self.own.events as usize;
        let q = plan.var_values(values);
        let used = plan.used_vars();
        let used_events = &used[..used.partition_point(|&v| (v as usize) < events)];
        let mut share = Share {
            events: used_events.to_vec(),
            by_event: vec![0.0; n * used_events.len()],
            by_lumped: vec![0.0; n * self.lumped.len()],
            by_bare: vec![0.0; n * bare.len()],
            slopes: Vec::new(),
            starts: vec![0],
            now: wanted.iter().map(|&r| w * plan.root(values, r)).collect(),
            moves: Vec::with_capacity(components.len()),
            reevaluated: Vec::new(),
        };
        let mut scratch = Scratch::default();
        for &c in &self.lumped {
            self.own
                .slopes(c, &cofactor.zones, q, &mut scratch, &mut share.slopes);
            share.starts.push(share.slopes.len());
        }
        // A component whose own part is one variable moves each entry along that
        // variable's slope, from its probability now to its probability with every own
        // event happened, or none; the others the formulas read are re-evaluated once
        // every entry's derivatives are known; the rest leave every entry as it is.
        let mut reevaluated = Vec::new();
        for (j, &c) in components.iter().enumerate() {
            let step = match (self.lumped.binary_search(&c), self.own.bare(c)) {
                (Ok(jl), _) => {
                    let v = events + c as usize;
                    let down = self.own.down_when_all(c, &cofactor.zones, true);
                    let perfect = self.own.down_when_all(c, &cofactor.zones, false);
                    Move::Along(Row::Lumped(jl), down - q[v], perfect - q[v])
                }
                (Err(_), Some(e)) => match used_events.binary_search(&e) {
                    Ok(col) => {
                        let v = e as usize;
                        Move::Along(Row::Event(col), 1.0 - q[v], -q[v])
                    }
                    Err(_) => Move::Still,
                },
                (Err(_), None) => {
                    let own = self.own.events_of(c);
                    if own.iter().any(|e| used.binary_search(e).is_ok()) {
                        reevaluated.push((j, own));
                        Move::Reevaluated(reevaluated.len() - 1)
                    } else {
                        Move::Still
                    }
                }
            };
            share.moves.push(step);
        }
        let mut by_var = vec![0.0; plan.vars()];
        let mut by_module = vec![0.0; plan.contexts()];
        let mut kept = Vec::new();
        for (i, &r) in wanted.iter().enumerate() {
            if cancelled() {
                return None;
            }
            plan.derivatives(values, r, &mut by_var, &mut by_module);
            for (col, &v) in used_events.iter().enumerate() {
                share.by_event[col * n + i] = w * by_var[v as usize];
            }
            for (j, &c) in self.lumped.iter().enumerate() {
                share.by_lumped[j * n + i] = w * by_var[events + c as usize];
            }
            for (j, &(_, e)) in bare.iter().enumerate() {
                share.by_bare[j * n + i] = w * by_var[e as usize];
            }
            if !reevaluated.is_empty() {
                kept.push((by_var.clone(), by_module.clone()));
            }
        }
        if reevaluated.is_empty() {
            return Some(share);
        }
        let roots: Vec<Wanted> = wanted
            .iter()
            .zip(&kept)
            .map(|(&root, (by_var, by_module))| Wanted {
                root,
                by_var,
                by_module,
            })
            .collect();
        for (_, set) in reevaluated {
            if cancelled() {
                return None;
            }
            let [down, perfect] = [1.0, 0.0].map(|x| {
                let changes: Vec<(u32, f64)> = set.iter().map(|&e| (e, x)).collect();
                let after = plan.reevaluate(values, &changes, &roots);
                after.into_iter().map(|a| w * a).collect::<Vec<f64>>()
            });
            share.reevaluated.push((down, perfect));
        }
        Some(share)
    }

    /// Work of [`Structure::importance`] for these components: diagram passes and
    /// re-evaluations, summed over cofactors.
    pub fn importance_cost(&self, wanted: usize, components: &[u32]) -> usize {
        let per_component: usize = components
            .iter()
            .map(|&x| {
                if self.lumped.binary_search(&x).is_ok() || self.own.bare(x).is_some() {
                    wanted
                } else {
                    2 * self.plan.reevaluation_cost(&self.own.events_of(x))
                }
            })
            .sum();
        self.cofactors.len() * (wanted * self.plan.nodes() + per_component)
    }
}

/// One cofactor's weighted part of the importance, kept compact until it is added in
/// cofactor order. Each table holds the n wanted entries side by side.
struct Share {
    /// The events the formulas read.
    events: Vec<u32>,
    /// `w · ∂P(down)/∂q` for each of `events` (rows) and wanted entry.
    by_event: Vec<f64>,
    /// `w · ∂P(down)/∂q` for each lumped component's own part (rows, in the structure's
    /// `lumped` order) and wanted entry.
    by_lumped: Vec<f64>,
    /// The same for each bare component's event ([`Structure::bare`]).
    by_bare: Vec<f64>,
    /// ∂P(own part down)/∂q(e) of each lumped component's own events e, the j-th
    /// component's at `starts[j]..starts[j + 1]`.
    slopes: Vec<(u32, f64)>,
    starts: Vec<usize>,
    /// `w · P(down)` of each wanted entry.
    now: Vec<f64>,
    /// What each component asked about does to the entries.
    moves: Vec<Move>,
    /// `w · P(down)` of each wanted entry with a re-evaluated component down, and
    /// perfect.
    reevaluated: Vec<(Vec<f64>, Vec<f64>)>,
}

/// How a component's own events being all happened, or none, moves the entries.
#[derive(Clone, Copy, Debug)]
enum Move {
    /// Not at all: the formulas do not read them.
    Still,
    /// Along the slopes in a row of the share, by these changes of the variable's
    /// probability.
    Along(Row, f64, f64),
    /// As re-evaluated, at this index of the share's `reevaluated`.
    Reevaluated(usize),
}

#[derive(Clone, Copy, Debug)]
enum Row {
    Event(usize),
    Lumped(usize),
}

impl Share {
    /// Adds this share into `by_event` (events as rows of n entries), `down` and
    /// `perfect` (components as rows of n entries).
    fn add_to(&self, n: usize, by_event: &mut [f64], down: &mut [f64], perfect: &mut [f64]) {
        let width = n.max(1);
        for (&e, row) in self.events.iter().zip(self.by_event.chunks_exact(width)) {
            let e = e as usize;
            for (a, x) in by_event[e * n..(e + 1) * n].iter_mut().zip(row) {
                *a += x;
            }
        }
        // The chain rule: an event moves its component's own part, which moves each
        // entry.
        for (j, part) in self.by_lumped.chunks_exact(width).enumerate() {
            for &(e, d) in &self.slopes[self.starts[j]..self.starts[j + 1]] {
                let e = e as usize;
                for (a, f) in by_event[e * n..(e + 1) * n].iter_mut().zip(part) {
                    *a += f * d;
                }
            }
        }
        let rows = down
            .chunks_exact_mut(width)
            .zip(perfect.chunks_exact_mut(width));
        for (step, (down, perfect)) in self.moves.iter().zip(rows) {
            let (slope, to_down, to_perfect) = match *step {
                Move::Still => (None, 0.0, 0.0),
                Move::Along(Row::Event(i), d, p) => (Some(self.row(&self.by_event, i, n)), d, p),
                Move::Along(Row::Lumped(i), d, p) => (Some(self.row(&self.by_lumped, i, n)), d, p),
                Move::Reevaluated(i) => {
                    let (after_down, after_perfect) = &self.reevaluated[i];
                    for (a, x) in down.iter_mut().zip(after_down) {
                        *a += x;
                    }
                    for (a, x) in perfect.iter_mut().zip(after_perfect) {
                        *a += x;
                    }
                    continue;
                }
            };
            for i in 0..n {
                let b = slope.map_or(0.0, |s| s[i]);
                down[i] += self.now[i] + b * to_down;
                perfect[i] += self.now[i] + b * to_perfect;
            }
        }
    }

    fn row<'a>(&self, table: &'a [f64], i: usize, n: usize) -> &'a [f64] {
        &table[i * n..(i + 1) * n]
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
/// events in `fixed` replaced by constants (`Some(true)`: certainly not happened) and
/// each `lumped` component's own part (sorted) one variable ([`Own`]).
type Roots = (Formula, Vec<Lit>, Option<Vec<Lit>>);

fn structure_formula(
    g: &FailureGraph,
    entries: &[u32],
    request: &Request,
    fixed: &[Option<bool>],
    lumped: &[u32],
) -> Result<Roots, BudgetExceeded> {
    let events = g.events.len();
    let mut f = Formula::new(events + g.len());
    let lit = |e: u32| match fixed[e as usize] {
        Some(true) => TRUE,
        Some(false) => FALSE,
        None => e,
    };
    let regions = g.region_ids.len() as u32;
    // "Enough replicas of c are up and none of its outage events happened".
    let mut own_ok = vec![TRUE; g.len()];
    for &c in lumped {
        own_ok[c as usize] = (events + c as usize) as Lit;
    }
    for c in 0..g.len() as u32 {
        if request.forced_down[c as usize] {
            own_ok[c as usize] = FALSE;
            continue;
        }
        if lumped.binary_search(&c).is_ok() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::NODE_BUDGET;

    /// The table of lumped parts, computed once per case of live replicas, holds for
    /// every cofactor exactly (to the bit) what computing it there gives.
    #[test]
    fn each_lumped_part_is_what_its_cofactor_computes_to_the_bit() {
        let mut conditioned = 0;
        for seed in 1..=4 {
            let model = crate::generate::generate(150, seed);
            let g = FailureGraph::compile(&model);
            let none = vec![false; g.len()];
            let request = Request {
                forced_down: &none,
                full_service: None,
                certain: None,
                stop: Stop::NEVER,
            };
            let Ok(s) = Structure::build(&g, &request, NODE_BUDGET) else {
                panic!("seed {seed}: over budget");
            };
            let q: Vec<f64> = g.availability.iter().map(|a| 1.0 - a).collect();
            let table = s.lumped_down(&q);
            let n = s.cofactors.len();
            assert_eq!(table.len(), s.lumped.len() * n);
            for (k, c) in s.cofactors.iter().enumerate() {
                for (j, &x) in s.lumped.iter().enumerate() {
                    let here = s.own.down(x, &c.zones, &q, &mut Vec::new());
                    assert_eq!(table[j * n + k].to_bits(), here.to_bits(), "seed {seed}");
                }
            }
            if n > 1 && !s.lumped.is_empty() {
                conditioned += 1;
            }
        }
        assert!(conditioned > 0, "some model has zones conditioned on");
    }
}
