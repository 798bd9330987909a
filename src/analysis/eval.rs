//! Failure propagation for 64 scenarios at once: bit j of every word says "down in
//! scenario j". Greatest fixpoint over cycles. No allocation per pass.

use super::graph::{FailureGraph, NO_ZONE};

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
    /// Where the component's own replicas are too few.
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
            replica: vec![0; g.events.len() - g.first_replica() as usize],
            down: vec![0; n],
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
            let reps = g.replicas(c as u32);
            let m = (reps.end - reps.start) as usize;
            let words = &self.replica[reps.start as usize - first..reps.end as usize - first];
            let mut fail = too_few_up(words.iter().copied(), m, g.k_replicas[c] as usize);
            if let Some(f) = forced {
                fail |= f[c];
            }
            self.replicas_fail[c] = fail;
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
}
