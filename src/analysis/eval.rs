//! Failure propagation for 64 scenarios at once: bit j of every word says "down in
//! scenario j". Greatest fixpoint over cycles. No allocation per pass.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::graph::{BasicEvent, FailureGraph, NO_ZONE};

/// Bits set where at least `t` of the `m` words are set: a bit-sliced saturating counter.
/// O(m · t), with shortcuts for OR (t = 1) and AND (t = m).
pub fn at_least(words: impl Iterator<Item = u64>, m: usize, t: usize) -> u64 {
    if t == 0 {
        return !0;
    }
    if t > m {
        return 0;
    }
    if t == 1 {
        return words.fold(0, |a, w| a | w);
    }
    if t == m {
        return words.fold(!0, |a, w| a & w);
    }
    let mut small = [0u64; 16];
    let mut large;
    let counters: &mut [u64] = if t <= small.len() {
        &mut small[..t]
    } else {
        large = vec![0u64; t];
        &mut large
    };
    for w in words {
        for j in (1..t).rev() {
            counters[j] |= counters[j - 1] & w;
        }
        counters[0] |= w;
    }
    counters[t - 1]
}

/// Bits where fewer than `need` of the `m` inputs are up, given their down-words.
fn too_few_up(down: impl Iterator<Item = u64>, m: usize, need: usize) -> u64 {
    if need > m {
        return !0;
    }
    let down_threshold = m - need + 1;
    if down_threshold <= need {
        at_least(down, m, down_threshold)
    } else {
        !at_least(down.map(|w| !w), m, need)
    }
}

/// Working state for repeated passes over one graph.
pub struct Evaluator<'g> {
    pub g: &'g FailureGraph,
    /// Down-word of each replica, indexed by `event - first_replica`.
    pub replica: Vec<u64>,
    /// Down-word of each component.
    pub down: Vec<u64>,
    /// Where the component is down by itself: one of its outage events (DESIGN §2b) or a
    /// what-if of the whole component.
    pub outage: Vec<u64>,
    /// Where the component's own replicas are too few, or it is down by itself.
    pub replicas_fail: Vec<u64>,
    /// Where its hard dependencies do not satisfy `needs`.
    pub deps_fail: Vec<u64>,
    zone: Vec<u64>,
}

impl<'g> Evaluator<'g> {
    pub fn new(g: &'g FailureGraph) -> Self {
        let n = g.len();
        Self {
            g,
            replica: vec![0; g.replica_count()],
            down: vec![0; n],
            outage: vec![0; n],
            replicas_fail: vec![0; n],
            deps_fail: vec![0; n],
            zone: vec![0; g.zone_ids.len()],
        }
    }

    /// Propagate: `events[e]` is the down-word of basic event e; `forced[c]`, when given,
    /// fails component c outright in those scenarios.
    pub fn run(&mut self, events: &[u64], forced: Option<&[u64]>) {
        let g = self.g;
        let regions = g.region_ids.len();
        for (z, word) in self.zone.iter_mut().enumerate() {
            *word = events[regions + z] | events[g.zone_region[z] as usize];
        }
        let first = g.first_replica() as usize;
        for (r, word) in self.replica.iter_mut().enumerate() {
            let z = g.replica_zone[r];
            *word = events[first + r]
                | if z == NO_ZONE {
                    0
                } else {
                    self.zone[z as usize]
                };
        }
        for c in 0..g.len() {
            let mut outage = forced.map_or(0, |f| f[c]);
            for e in g.outages(c as u32) {
                outage |= events[e as usize];
            }
            self.outage[c] = outage;
            self.replicas_fail[c] = self.replicas_rule(c) | outage;
        }
        for block in &g.blocks {
            let members = &g.order[block.start as usize..block.end as usize];
            if !block.cyclic {
                let c = members[0] as usize;
                self.deps_fail[c] = self.deps_rule(c);
                self.down[c] = self.replicas_fail[c] | self.deps_fail[c];
                continue;
            }
            for &c in members {
                self.down[c as usize] = 0;
            }
            // Greatest fixpoint: start from "all up" and only ever add failures.
            loop {
                let mut changed = false;
                for &c in members {
                    let c = c as usize;
                    self.deps_fail[c] = self.deps_rule(c);
                    let word = self.replicas_fail[c] | self.deps_fail[c];
                    if word != self.down[c] {
                        self.down[c] = word;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
        }
    }

    /// Where fewer than effective-k of component c's replicas are up.
    fn own_rule(&self, c: usize) -> u64 {
        self.replicas_rule(c) | self.outage[c]
    }

    fn replicas_rule(&self, c: usize) -> u64 {
        let g = self.g;
        let first = g.first_replica() as usize;
        let reps = g.replicas(c as u32);
        let m = (reps.end - reps.start) as usize;
        let words = &self.replica[reps.start as usize - first..reps.end as usize - first];
        too_few_up(words.iter().copied(), m, g.k_replicas[c] as usize)
    }

    fn deps_rule(&self, c: usize) -> u64 {
        let deps = self.g.hard_deps(c as u32);
        let need = self.g.need[c] as usize;
        too_few_up(
            deps.iter().map(|&d| self.down[d as usize]),
            deps.len(),
            need,
        )
    }

    /// Where component c is up but something it uses is down (DESIGN §2 rule 4).
    pub fn degraded(&self, c: u32) -> u64 {
        let g = self.g;
        let first = g.first_replica();
        let reps = g.replicas(c);
        let mut weak = self.replica[(reps.start - first) as usize..(reps.end - first) as usize]
            .iter()
            .fold(0, |a, w| a | w);
        for &d in g.soft_deps(c).iter().chain(g.hard_deps(c)) {
            weak |= self.down[d as usize];
        }
        weak & !self.down[c as usize]
    }

    /// Where component c's replicas or hard dependencies are down without failing it:
    /// the only places an order-2 cut set can first take effect. `live[d]` masks out
    /// dependencies down at baseline: they weaken c in every scenario, so they never
    /// tell which events do.
    pub fn weakened(&self, c: u32, live: &[u64]) -> (u64, u64) {
        let g = self.g;
        let first = g.first_replica();
        let reps = g.replicas(c);
        let any_replica = self.replica[(reps.start - first) as usize..(reps.end - first) as usize]
            .iter()
            .fold(0, |a, w| a | w);
        let any_dep = g
            .hard_deps(c)
            .iter()
            .fold(0, |a, &d| a | (self.down[d as usize] & live[d as usize]));
        (
            any_replica & !self.replicas_fail[c as usize],
            any_dep & !self.deps_fail[c as usize],
        )
    }
}

/// Incremental evaluation over a fixed base state (nothing failed, or one failure
/// domain down). A batch recomputes only the components its events reach, in
/// evaluation order, and stops wherever a word comes out as it was: most single
/// failures are absorbed by redundancy next to where they happen, so a batch costs
/// about the size of its cone instead of the whole graph.
pub struct Propagator<'g> {
    /// The current words: the base state plus the last batch.
    pub ev: Evaluator<'g>,
    base_replica: Vec<u64>,
    base_zone: Vec<u64>,
    base_down: Vec<u64>,
    base_outage: Vec<u64>,
    base_replicas_fail: Vec<u64>,
    base_deps_fail: Vec<u64>,
    /// Hard dependents of each component (reverse edges).
    dependents_start: Vec<u32>,
    dependents: Vec<u32>,
    /// Replicas (indexed from the first replica event) running in each zone.
    zone_replicas_start: Vec<u32>,
    zone_replicas: Vec<u32>,
    replica_owner: Vec<u32>,
    block_of: Vec<u32>,
    queued: Vec<bool>,
    heap: BinaryHeap<Reverse<u32>>,
    replica_extra: Vec<u64>,
    replica_touched: Vec<bool>,
    touched_replicas: Vec<u32>,
    zone_extra: Vec<u64>,
    touched_zones: Vec<u32>,
    touched: Vec<u32>,
}

impl<'g> Propagator<'g> {
    /// O(V + E) to set up, then the base state is "nothing failed".
    pub fn new(g: &'g FailureGraph) -> Self {
        let n = g.len();
        let mut counts = vec![0u32; n + 1];
        for &d in &g.hard {
            counts[d as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let dependents_start = counts.clone();
        let mut fill = counts;
        let mut dependents = vec![0u32; g.hard.len()];
        for c in 0..n as u32 {
            for &d in g.hard_deps(c) {
                dependents[fill[d as usize] as usize] = c;
                fill[d as usize] += 1;
            }
        }

        let zones = g.zone_ids.len();
        let mut zcounts = vec![0u32; zones + 1];
        for &z in &g.replica_zone {
            if z != NO_ZONE {
                zcounts[z as usize + 1] += 1;
            }
        }
        for i in 0..zones {
            zcounts[i + 1] += zcounts[i];
        }
        let zone_replicas_start = zcounts.clone();
        let mut zfill = zcounts;
        let mut zone_replicas = vec![0u32; zone_replicas_start[zones] as usize];
        for (r, &z) in g.replica_zone.iter().enumerate() {
            if z != NO_ZONE {
                zone_replicas[zfill[z as usize] as usize] = r as u32;
                zfill[z as usize] += 1;
            }
        }

        let first = g.first_replica();
        let mut replica_owner = vec![0u32; g.replica_count()];
        for c in 0..n as u32 {
            for e in g.replicas(c) {
                replica_owner[(e - first) as usize] = c;
            }
        }
        let mut block_of = vec![0u32; n];
        for (b, block) in g.blocks.iter().enumerate() {
            for &c in &g.order[block.start as usize..block.end as usize] {
                block_of[c as usize] = b as u32;
            }
        }

        let replicas = replica_owner.len();
        let mut p = Self {
            ev: Evaluator::new(g),
            base_replica: vec![0; replicas],
            base_zone: vec![0; zones],
            base_down: vec![0; n],
            base_outage: vec![0; n],
            base_replicas_fail: vec![0; n],
            base_deps_fail: vec![0; n],
            dependents_start,
            dependents,
            zone_replicas_start,
            zone_replicas,
            replica_owner,
            block_of,
            queued: vec![false; g.blocks.len()],
            heap: BinaryHeap::new(),
            replica_extra: vec![0; replicas],
            replica_touched: vec![false; replicas],
            touched_replicas: Vec::new(),
            zone_extra: vec![0; zones],
            touched_zones: Vec::new(),
            touched: Vec::new(),
        };
        p.set_base(&[]);
        p
    }

    /// Make "these basic events have happened" the state every batch starts from:
    /// one full pass.
    pub fn set_base(&mut self, failed: &[u32]) {
        self.reset();
        let g = self.ev.g;
        let mut words = vec![0u64; g.events.len()];
        for &e in failed {
            words[e as usize] = !0;
        }
        self.ev.run(&words, None);
        self.base_replica.copy_from_slice(&self.ev.replica);
        self.base_zone.copy_from_slice(&self.ev.zone);
        self.base_down.copy_from_slice(&self.ev.down);
        self.base_outage.copy_from_slice(&self.ev.outage);
        self.base_replicas_fail
            .copy_from_slice(&self.ev.replicas_fail);
        self.base_deps_fail.copy_from_slice(&self.ev.deps_fail);
    }

    /// Make the base state with `forced` failed outright as well the new base: one batch
    /// over their cones instead of a full pass.
    pub fn absorb_forced(&mut self, forced: &[u32]) {
        let all: Vec<(u32, u64)> = forced.iter().map(|&c| (c, !0)).collect();
        self.run_forced(&[], &all);
        // No event was given: only components changed, and only those the batch touched.
        for &c in &self.touched {
            let c = c as usize;
            self.base_down[c] = self.ev.down[c];
            self.base_outage[c] = self.ev.outage[c];
            self.base_replicas_fail[c] = self.ev.replicas_fail[c];
            self.base_deps_fail[c] = self.ev.deps_fail[c];
        }
    }

    /// Components recomputed by the last batch, in evaluation order. Every other
    /// component has its base word.
    pub fn touched(&self) -> &[u32] {
        &self.touched
    }

    /// Evaluate the base state plus `events` (basic event, scenarios it fails in).
    pub fn run(&mut self, events: &[(u32, u64)]) {
        self.run_forced(events, &[]);
    }

    /// [`Propagator::run`], with components failed outright as well (component,
    /// scenarios it fails in).
    pub fn run_forced(&mut self, events: &[(u32, u64)], forced: &[(u32, u64)]) {
        self.reset();
        let g = self.ev.g;
        let first = g.first_replica();
        for &(c, w) in forced {
            self.ev.outage[c as usize] |= w;
            self.queue(c);
        }
        for &(e, w) in events {
            match g.events[e as usize] {
                BasicEvent::Region(r) => {
                    for z in 0..g.zone_ids.len() {
                        if g.zone_region[z] == r {
                            self.touch_zone(z as u32, w);
                        }
                    }
                }
                BasicEvent::Zone(z) => self.touch_zone(z, w),
                BasicEvent::Replica { .. } => self.touch_replica(e - first, w),
                BasicEvent::Common(c) | BasicEvent::Failover(c) => {
                    self.ev.outage[c as usize] |= w;
                    self.queue(c);
                }
            }
        }
        for i in 0..self.touched_zones.len() {
            let z = self.touched_zones[i] as usize;
            self.ev.zone[z] = self.base_zone[z] | self.zone_extra[z];
            let (start, end) = (
                self.zone_replicas_start[z] as usize,
                self.zone_replicas_start[z + 1] as usize,
            );
            for k in start..end {
                let r = self.zone_replicas[k];
                self.touch_replica(r, 0);
            }
        }
        for i in 0..self.touched_replicas.len() {
            let r = self.touched_replicas[i] as usize;
            let z = g.replica_zone[r];
            let zone = if z == NO_ZONE {
                0
            } else {
                self.ev.zone[z as usize]
            };
            self.ev.replica[r] = self.base_replica[r] | self.replica_extra[r] | zone;
            self.queue(self.replica_owner[r]);
        }
        while let Some(Reverse(b)) = self.heap.pop() {
            self.queued[b as usize] = false;
            let block = g.blocks[b as usize];
            let members = &g.order[block.start as usize..block.end as usize];
            for &c in members {
                self.ev.replicas_fail[c as usize] = self.ev.own_rule(c as usize);
                self.touched.push(c);
            }
            if block.cyclic {
                for &c in members {
                    self.ev.down[c as usize] = 0;
                }
                loop {
                    let mut changed = false;
                    for &c in members {
                        let c = c as usize;
                        self.ev.deps_fail[c] = self.ev.deps_rule(c);
                        let word = self.ev.replicas_fail[c] | self.ev.deps_fail[c];
                        if word != self.ev.down[c] {
                            self.ev.down[c] = word;
                            changed = true;
                        }
                    }
                    if !changed {
                        break;
                    }
                }
            } else {
                let c = members[0] as usize;
                self.ev.deps_fail[c] = self.ev.deps_rule(c);
                self.ev.down[c] = self.ev.replicas_fail[c] | self.ev.deps_fail[c];
            }
            for &c in members {
                if self.ev.down[c as usize] == self.base_down[c as usize] {
                    continue;
                }
                let (start, end) = (
                    self.dependents_start[c as usize] as usize,
                    self.dependents_start[c as usize + 1] as usize,
                );
                for k in start..end {
                    let d = self.dependents[k];
                    let db = self.block_of[d as usize];
                    if db != b && !self.queued[db as usize] {
                        self.queued[db as usize] = true;
                        self.heap.push(Reverse(db));
                    }
                }
            }
        }
    }

    /// Recompute component c's block in this batch.
    fn queue(&mut self, c: u32) {
        let b = self.block_of[c as usize];
        if !self.queued[b as usize] {
            self.queued[b as usize] = true;
            self.heap.push(Reverse(b));
        }
    }

    fn touch_zone(&mut self, z: u32, w: u64) {
        if !self.touched_zones.contains(&z) {
            self.touched_zones.push(z);
        }
        self.zone_extra[z as usize] |= w;
    }

    fn touch_replica(&mut self, r: u32, w: u64) {
        if !self.replica_touched[r as usize] {
            self.replica_touched[r as usize] = true;
            self.touched_replicas.push(r);
        }
        self.replica_extra[r as usize] |= w;
    }

    /// Back to the base state: undo only what the last batch changed.
    fn reset(&mut self) {
        for &c in &self.touched {
            let c = c as usize;
            self.ev.down[c] = self.base_down[c];
            self.ev.outage[c] = self.base_outage[c];
            self.ev.replicas_fail[c] = self.base_replicas_fail[c];
            self.ev.deps_fail[c] = self.base_deps_fail[c];
        }
        self.touched.clear();
        for &r in &self.touched_replicas {
            let r = r as usize;
            self.ev.replica[r] = self.base_replica[r];
            self.replica_extra[r] = 0;
            self.replica_touched[r] = false;
        }
        self.touched_replicas.clear();
        for &z in &self.touched_zones {
            self.ev.zone[z as usize] = self.base_zone[z as usize];
            self.zone_extra[z as usize] = 0;
        }
        self.touched_zones.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_counts_per_bit() {
        let words = [0b1011u64, 0b0110, 0b0011];
        assert_eq!(at_least(words.iter().copied(), 3, 1), 0b1111);
        assert_eq!(at_least(words.iter().copied(), 3, 2), 0b0011 | 0b0010);
        assert_eq!(at_least(words.iter().copied(), 3, 3), 0b0010);
        assert_eq!(at_least(words.iter().copied(), 3, 4), 0);
        assert_eq!(at_least(words.iter().copied(), 3, 0), !0);
    }

    #[test]
    fn too_few_up_matches_both_formulations() {
        let words = [0b1011u64, 0b0110, 0b0011, 0b1000];
        for need in 0..=5 {
            let expected: u64 = (0..4)
                .filter(|bit| {
                    let up = words.iter().filter(|w| (*w >> bit) & 1 == 0).count();
                    up < need
                })
                .map(|bit| 1 << bit)
                .sum();
            let got = too_few_up(words.iter().copied(), 4, need) & 0b1111;
            assert_eq!(got, expected, "need {need}");
        }
    }

    /// The incremental propagator must leave exactly the words a full pass computes.
    #[test]
    fn propagator_matches_a_full_pass_with_events_and_components_failed() {
        use rand::{RngExt, SeedableRng};
        let model = crate::generate::generate(150, 3);
        let g = FailureGraph::compile(&model);
        let mut full = Evaluator::new(&g);
        let mut p = Propagator::new(&g);
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        let e_count = g.events.len() as u32;
        let domains = g.first_replica();
        for round in 0..200 {
            let base: Vec<u32> = if round % 3 == 0 {
                vec![rng.random_range(0..domains)]
            } else {
                Vec::new()
            };
            // Components failed outright, in the base (odd rounds) and in the batch.
            let n = g.len() as u32;
            let base_forced: Vec<u32> = if round % 2 == 1 {
                (0..rng.random_range(1..6))
                    .map(|_| rng.random_range(0..n))
                    .collect()
            } else {
                Vec::new()
            };
            p.set_base(&base);
            p.absorb_forced(&base_forced);
            let mut words = vec![0u64; g.events.len()];
            for &b in &base {
                words[b as usize] = !0;
            }
            let mut forced_words = vec![0u64; g.len()];
            for &c in &base_forced {
                forced_words[c as usize] = !0;
            }
            let mut events = Vec::new();
            for _ in 0..rng.random_range(1..80) {
                let e = rng.random_range(0..e_count);
                let w: u64 = rng.random();
                events.push((e, w));
                words[e as usize] |= w;
            }
            let mut forced = Vec::new();
            for _ in 0..rng.random_range(0..10) {
                let c = rng.random_range(0..n);
                let w: u64 = rng.random();
                forced.push((c, w));
                forced_words[c as usize] |= w;
            }
            // Half the time the base's components come in two batches.
            if round % 4 == 1 && base_forced.len() > 1 {
                let (first, then) = base_forced.split_at(base_forced.len() / 2);
                p.set_base(&base);
                p.absorb_forced(first);
                p.absorb_forced(then);
            }
            p.run_forced(&events, &forced);
            full.run(&words, Some(&forced_words));
            assert_eq!(p.ev.down, full.down, "round {round}");
            assert_eq!(p.ev.replica, full.replica, "round {round}");
            assert_eq!(p.ev.replicas_fail, full.replicas_fail, "round {round}");
            assert_eq!(p.ev.outage, full.outage, "round {round}");
            assert_eq!(p.ev.deps_fail, full.deps_fail, "round {round}");
        }
    }
}
