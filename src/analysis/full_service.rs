//! Full-service availability (DESIGN §2) without a diagram: every component in an entry's
//! closure up. Pure arithmetic over the failure graph; must not build BDDs or evaluate scenarios.
//!
//! "Everything in the closure is up" is the conjunction of each member's own rule (enough
//! replicas up, none of its §2b outage events), because each member's live hard
//! dependencies are in the closure too. Those rules share only failure domains (zones and
//! regions): a replica or outage event belongs to one component. So, conditioned on which
//! domains are up, the members are independent, and
//! P(full) = Σ over domain states d of P(d) · Π over members x of P(x's rule | d).
//! Each P(x's rule | d) is a k-of-n tail over x's replicas; the sum runs over the domains
//! the closure touches, so it is exact and cheap while they are few.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::cases::Cases;
use super::graph::FailureGraph;

/// Most failure domains (zones and regions) one entry's closure may touch before the sum
/// over their states (2^n terms) is left to the diagram instead.
pub const MAX_DOMAINS: usize = 12;

/// One component's rule as a table over the states of the domains it depends on.
struct Rule {
    /// The set of domain events (regions and zones) its replicas depend on, as its
    /// number in [`DomainSets`].
    set: u32,
    /// P(the rule holds | domain state), indexed by a bit mask over the set (bit set:
    /// that domain is up).
    holds: Vec<f64>,
}

/// The distinct sets of domains that components depend on, each numbered once: members
/// of a closure are grouped by number, not by comparing their lists.
#[derive(Default)]
struct DomainSets {
    sets: Vec<Vec<u32>>,
    numbers: FxHashMap<Vec<u32>, u32>,
}

impl DomainSets {
    fn number(&mut self, domains: Vec<u32>) -> u32 {
        if let Some(&n) = self.numbers.get(&domains) {
            return n;
        }
        let n = self.sets.len() as u32;
        self.sets.push(domains.clone());
        self.numbers.insert(domains, n);
        n
    }
}

/// Each of `entries`' closure ([`FailureGraph::closure`]), on all cores.
pub fn closures(g: &FailureGraph, baseline_down: &[bool], entries: &[u32]) -> Vec<Vec<u32>> {
    entries
        .par_iter()
        .map(|&e| g.closure(e, baseline_down))
        .collect()
}

/// Probability that some component in each closure ([`closures`]) is down, given
/// per-event availabilities (a knocked-out event has availability 0) and components
/// failed outright. `None` when a closure touches more than [`MAX_DOMAINS`] domains.
/// Rules and sums run on all cores.
pub fn unavailability(
    g: &FailureGraph,
    availability: &[f64],
    forced_down: &[bool],
    closures: &[Vec<u32>],
) -> Option<Vec<f64>> {
    let mut needed = vec![false; g.len()];
    for &x in closures.iter().flatten() {
        needed[x as usize] = true;
    }
    // Components alike in everything their rule reads share one table: on a large model
    // most components are one of a few shapes.
    let mut distinct: FxHashMap<Vec<u64>, u32> = FxHashMap::default();
    let mut first_of: Vec<u32> = Vec::new();
    let mut key = Vec::new();
    let rule_of: Vec<Option<u32>> = (0..g.len() as u32)
        .map(|x| {
            if !needed[x as usize] {
                return None;
            }
            rule_key(g, availability, forced_down, x, &mut key);
            if let Some(&i) = distinct.get(key.as_slice()) {
                return Some(i);
            }
            let i = first_of.len() as u32;
            first_of.push(x);
            distinct.insert(key.clone(), i);
            Some(i)
        })
        .collect();
    let tables: Vec<(Vec<u32>, Vec<f64>)> = first_of
        .into_par_iter()
        .map_init(Vec::new, |scratch, x| {
            rule(g, availability, forced_down, x, scratch)
        })
        .collect();
    let mut sets = DomainSets::default();
    let rules: Vec<Rule> = tables
        .into_iter()
        .map(|(domains, holds)| Rule {
            set: sets.number(domains),
            holds,
        })
        .collect();
    closures
        .par_iter()
        .map(|closure| {
            if closure.is_empty() {
                return Some(1.0);
            }
            let members: Vec<&Rule> = closure
                .iter()
                .filter_map(|&x| rule_of[x as usize].map(|i| &rules[i as usize]))
                .collect();
            full_service(availability, &sets.sets, &members).map(|p| 1.0 - p)
        })
        .collect()
}

/// P(every rule in `members` holds): the sum over the states of the domains they touch.
/// Members that depend on the same domains multiply into one table first, so the sum
/// runs over the few distinct domain sets instead of every member.
fn full_service(availability: &[f64], sets: &[Vec<u32>], members: &[&Rule]) -> Option<f64> {
    // One table per domain set, in the order the members first meet them.
    let mut index: FxHashMap<u32, usize> = FxHashMap::default();
    let mut tables: Vec<(&[u32], Vec<f64>)> = Vec::new();
    for r in members {
        match index.get(&r.set) {
            Some(&i) => {
                for (p, h) in tables[i].1.iter_mut().zip(&r.holds) {
                    *p *= h;
                }
            }
            None => {
                index.insert(r.set, tables.len());
                tables.push((&sets[r.set as usize], r.holds.clone()));
            }
        }
    }
    let mut domains: Vec<u32> = tables.iter().flat_map(|(d, _)| d.iter().copied()).collect();
    domains.sort_unstable();
    domains.dedup();
    if domains.len() > MAX_DOMAINS {
        return None;
    }
    // Where each table's domains sit in the closure's list, to project a state onto it.
    let tables: Vec<(Vec<usize>, Vec<f64>)> = tables
        .into_iter()
        .map(|(ds, holds)| {
            let pos = ds
                .iter()
                .filter_map(|d| domains.binary_search(d).ok())
                .collect();
            (pos, holds)
        })
        .collect();
    let mut total = 0.0;
    for state in 0u32..1 << domains.len() {
        let mut p = 1.0;
        for (bit, &d) in domains.iter().enumerate() {
            let a = availability[d as usize];
            p *= if state >> bit & 1 == 1 { a } else { 1.0 - a };
        }
        for (pos, holds) in &tables {
            if p == 0.0 {
                break;
            }
            let local = pos
                .iter()
                .enumerate()
                .fold(0usize, |m, (i, &b)| m | ((state as usize >> b & 1) << i));
            p *= holds[local];
        }
        total += p;
    }
    Some(total)
}

/// Everything [`rule`] reads of component x, written into `key`: components with equal
/// keys have equal rules.
fn rule_key(
    g: &FailureGraph,
    availability: &[f64],
    forced_down: &[bool],
    x: u32,
    key: &mut Vec<u64>,
) {
    key.clear();
    key.push(u64::from(forced_down[x as usize]));
    key.push(u64::from(g.k_replicas[x as usize]));
    key.extend(g.outages(x).map(|e| availability[e as usize].to_bits()));
    key.push(u64::MAX);
    for r in g.replicas(x) {
        key.push(availability[r as usize].to_bits());
        key.push(g.zone_of(r).map_or(u64::MAX, u64::from));
    }
}

/// Component x's own rule as a table over the states of its replicas' domains: the
/// domains (sorted) and P(the rule holds) per state. `scratch` is [`at_least`]'s.
fn rule(
    g: &FailureGraph,
    availability: &[f64],
    forced_down: &[bool],
    x: u32,
    scratch: &mut Vec<f64>,
) -> (Vec<u32>, Vec<f64>) {
    let replicas: Vec<u32> = g.replicas(x).collect();
    // The zone and region each replica needs up, if it runs in a zone.
    let needs: Vec<Option<(u32, u32)>> = replicas
        .iter()
        .map(|&r| {
            g.zone_of(r).map(|z| {
                let zone_event = g.region_ids.len() as u32 + z;
                (zone_event, g.zone_region[z as usize])
            })
        })
        .collect();
    let mut domains: Vec<u32> = needs.iter().flatten().flat_map(|&(z, r)| [z, r]).collect();
    domains.sort_unstable();
    domains.dedup();
    let own_outages: f64 = g.outages(x).map(|e| availability[e as usize]).product();
    let k = g.k_replicas[x as usize] as usize;
    // The bits a state must have set for each replica to be up: its zone's and its
    // region's (both among `domains`); none for a replica in no zone.
    let bit = |domain: u32| 1usize << domains.partition_point(|&d| d < domain);
    let masks: Vec<Option<usize>> = needs
        .iter()
        .map(|need| need.map(|(zone, region)| bit(zone) | bit(region)))
        .collect();
    // The rule depends on the state only through which replicas can be up: each such
    // case is computed once.
    let mut cases = Cases::default();
    cases.reset(replicas.len());
    let mut p_up = Vec::with_capacity(replicas.len());
    let holds = (0..1usize << domains.len())
        .map(|state| {
            if forced_down[x as usize] {
                return 0.0;
            }
            let alive = |i: usize| masks[i].is_none_or(|m| state & m == m);
            cases.value((0..replicas.len()).map(alive), || {
                p_up.clear();
                p_up.extend(replicas.iter().enumerate().map(|(i, &r)| {
                    if alive(i) {
                        availability[r as usize]
                    } else {
                        0.0
                    }
                }));
                own_outages * at_least(&p_up, k, scratch)
            })
        })
        .collect();
    (domains, holds)
}

/// P(component x's own rule holds) when none of its replicas runs in a zone: its outage
/// events all absent and at least k of its replicas up.
pub(super) fn own_up(g: &FailureGraph, availability: &[f64], x: u32) -> f64 {
    let own_outages: f64 = g.outages(x).map(|e| availability[e as usize]).product();
    let p_up: Vec<f64> = g.replicas(x).map(|r| availability[r as usize]).collect();
    own_outages * at_least(&p_up, g.k_replicas[x as usize] as usize, &mut Vec::new())
}

/// P(at least k of independent events with probabilities `p` happen): O(n · k).
/// `exactly` is scratch space, reused between calls.
fn at_least(p: &[f64], k: usize, exactly: &mut Vec<f64>) -> f64 {
    if k == 0 {
        return 1.0;
    }
    // exactly[j]: P(exactly j so far) for j < k; `enough`: P(at least k so far).
    exactly.clear();
    exactly.resize(k, 0.0);
    exactly[0] = 1.0;
    let mut enough = 0.0;
    for &pi in p {
        enough += exactly[k - 1] * pi;
        for j in (1..k).rev() {
            exactly[j] = exactly[j] * (1.0 - pi) + exactly[j - 1] * pi;
        }
        exactly[0] *= 1.0 - pi;
    }
    enough
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{NODE_BUDGET, Request, Structure, cuts};

    /// [`rule`] as it is defined: every state computed on its own.
    fn rule_state_by_state(g: &FailureGraph, x: u32) -> (Vec<u32>, Vec<f64>) {
        let replicas: Vec<u32> = g.replicas(x).collect();
        let mut domains: Vec<u32> = replicas
            .iter()
            .filter_map(|&r| g.zone_of(r))
            .flat_map(|z| [g.region_ids.len() as u32 + z, g.zone_region[z as usize]])
            .collect();
        domains.sort_unstable();
        domains.dedup();
        let up =
            |d: u32, state: usize| domains.binary_search(&d).is_ok_and(|i| state >> i & 1 == 1);
        let own_outages: f64 = g.outages(x).map(|e| g.availability[e as usize]).product();
        let holds = (0..1usize << domains.len())
            .map(|state| {
                let p_up: Vec<f64> = replicas
                    .iter()
                    .map(|&r| match g.zone_of(r) {
                        Some(z)
                            if !(up(g.region_ids.len() as u32 + z, state)
                                && up(g.zone_region[z as usize], state)) =>
                        {
                            0.0
                        }
                        _ => g.availability[r as usize],
                    })
                    .collect();
                own_outages * at_least(&p_up, g.k_replicas[x as usize] as usize, &mut Vec::new())
            })
            .collect();
        (domains, holds)
    }

    /// Each case of live replicas is computed once: the table is the state-by-state one
    /// to the bit.
    #[test]
    fn a_rule_computed_once_per_case_is_the_state_by_state_rule() {
        for seed in 1..=3 {
            let model = crate::generate::generate(150, seed);
            let g = FailureGraph::compile(&model);
            let none = vec![false; g.len()];
            for x in 0..g.len() as u32 {
                let (domains, holds) = rule(&g, &g.availability, &none, x, &mut Vec::new());
                let (want_domains, want) = rule_state_by_state(&g, x);
                assert_eq!(domains, want_domains);
                let bits = |v: &[f64]| v.iter().map(|h| h.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&holds), bits(&want), "seed {seed}, component {x}");
            }
        }
    }

    /// Components with equal keys have rules equal to the bit (so one table serves them
    /// all), and on a generated model most components share their key with another.
    #[test]
    fn components_with_equal_rule_keys_have_equal_rules() {
        for seed in 1..=3 {
            let model = crate::generate::generate(150, seed);
            let g = FailureGraph::compile(&model);
            let mut forced = vec![false; g.len()];
            forced[g.len() / 2] = true;
            let mut first: FxHashMap<Vec<u64>, (Vec<u32>, Vec<u64>)> = FxHashMap::default();
            let mut key = Vec::new();
            for x in 0..g.len() as u32 {
                rule_key(&g, &g.availability, &forced, x, &mut key);
                let (domains, holds) = rule(&g, &g.availability, &forced, x, &mut Vec::new());
                let bits: Vec<u64> = holds.iter().map(|h| h.to_bits()).collect();
                let known = first
                    .entry(key.clone())
                    .or_insert((domains.clone(), bits.clone()));
                assert_eq!(*known, (domains, bits), "seed {seed}, component {x}");
            }
            assert!(
                first.len() * 2 < g.len(),
                "seed {seed}: {} keys for {} components",
                first.len(),
                g.len()
            );
        }
    }

    /// The sum over domain states against the full-service diagrams, on models with
    /// replicas across zones, soft dependencies and §2b events.
    #[test]
    fn the_sum_over_domains_equals_the_diagram() {
        for seed in 1..=4 {
            let model = crate::generate::generate(80, seed);
            let g = FailureGraph::compile(&model);
            let base = cuts::baseline_down(&g);
            let none = vec![false; g.len()];
            let entries: Vec<u32> = (0..g.len() as u32)
                .filter(|&c| g.is_entry[c as usize])
                .collect();
            let summed = unavailability(&g, &g.availability, &none, &closures(&g, &base, &entries));
            let request = Request {
                forced_down: &none,
                full_service: Some(&base),
                certain: None,
                stop: crate::analysis::Stop::NEVER,
            };
            let s = Structure::build(&g, &request, NODE_BUDGET);
            let (Some(summed), Ok(s)) = (summed, s) else {
                panic!("seed {seed}: both methods must apply");
            };
            let ev = s.evaluate(&g.availability);
            assert_eq!(s.entries(), entries.as_slice());
            for (i, (&e, q)) in entries.iter().zip(summed).enumerate() {
                let diagram = s.not_full(&ev, i).unwrap_or(s.down(&ev, i));
                assert!(
                    (q - diagram).abs() < 1e-12,
                    "seed {seed}, entry {}: {q} vs {diagram}",
                    g.ids[e as usize]
                );
            }
        }
    }

    #[test]
    fn two_of_three_is_the_binomial_tail() {
        let p: f64 = 0.9;
        let expected = p.powi(3) + 3.0 * p * p * (1.0 - p);
        let scratch = &mut Vec::new();
        assert!((at_least(&[p, p, p], 2, scratch) - expected).abs() < 1e-15);
        assert_eq!(at_least(&[0.5], 0, scratch), 1.0);
        assert_eq!(at_least(&[0.5], 2, scratch), 0.0);
    }
}
