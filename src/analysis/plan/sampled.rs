//! Contexts no diagram fits within the budget: their gates are kept as they are and the
//! probability of their output is sampled. The leaves of a context are independent
//! (variables, and modules whose events appear nowhere else), so drawing each leaf from
//! its exact probability and evaluating the gates gives unbiased trials: everything else
//! in the plan stays exact, and only this context's output carries a sampling error.

use std::sync::{LazyLock, Mutex};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::super::eval::at_least;
use super::super::sample::{Draw, Sampler, Z95};
use super::Stop;
use super::compile::{extend, mix};

/// Trials in one block, in words of 64.
pub(super) const BLOCK_WORDS: usize = 1024;
/// Blocks sampled between two looks at the precision (in parallel).
const ROUND_BLOCKS: usize = 8;
/// Blocks at most: 2^24 trials.
pub(super) const MAX_BLOCKS: usize = 256;
/// Gate evaluations (of 64 trials each) one estimate may take at most: the blocks of a
/// large context are fewer (about 5 s of both cores here). This limit and
/// [`MAX_BLOCKS`] are for one evaluation of a plan: its sampled contexts (and the
/// cofactors of a structure, by weight) share them, each given at least one round, so
/// however many contexts of an input no diagram fits, sampling takes a bounded time.
const MAX_GATE_WORDS: usize = 1 << 29;
/// Sampling stops once the half-width of the 95 % interval is this fraction of the
/// estimate.
const PRECISION: f64 = 0.02;

/// Estimates made in this process, by everything they depend on (the gates, the leaves'
/// probabilities, the share of the limits): the analysis of a recommendation's edited
/// model, or of a GUI edit elsewhere, asks a sampled context the same question again, and
/// being seeded by it, would draw the same scenarios to the same answer.
static ESTIMATES: LazyLock<Mutex<FxHashMap<u128, Sampled>>> = LazyLock::new(Mutex::default);

/// Estimates [`ESTIMATES`] keeps at most (forgotten all at once beyond).
const ESTIMATES_KEPT: usize = 4096;

/// The gates of a context over its leaves.
#[derive(Clone, Debug)]
pub(super) struct Gates {
    /// Children below this are the context's leaves; from it on, earlier gates.
    pub(super) leaves: u32,
    /// Each gate: true when at least `k` of its children are. Every gate comes after its
    /// children; the last one is the output.
    pub(super) gates: Vec<(u32, Vec<u32>)>,
    /// Mixed into the seed: which leaves these are, so that two contexts alike (the two
    /// trains of a redundant system) draw independent scenarios.
    pub(super) salt: u64,
}

/// A sampled probability and the variance of its estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampled {
    pub q: f64,
    pub variance: f64,
}

impl Gates {
    /// P(output false) with each leaf false with probability `leaf_q`, sampled until
    /// [`PRECISION`], [`MAX_BLOCKS`] or [`MAX_GATE_WORDS`]; seeded by the leaves and
    /// their probabilities, so the same question always gets the same answer; within
    /// `share` of those limits (at least one round). Stops after the round under way
    /// once `stop` is set.
    pub(super) fn estimate(&self, leaf_q: &[f64], stop: Stop, share: f64) -> Sampled {
        let question = self.question(leaf_q, share);
        let known = ESTIMATES
            .lock()
            .ok()
            .and_then(|known| known.get(&question).copied());
        if let Some(known) = known {
            return known;
        }
        let sampled = self.sample(leaf_q, stop, share);
        // A stopped estimate is cut short: not the answer to the question.
        if !stop.now()
            && let Ok(mut known) = ESTIMATES.lock()
        {
            if known.len() >= ESTIMATES_KEPT {
                known.clear();
            }
            known.insert(question, sampled);
        }
        sampled
    }

    /// A 128-bit name for everything [`Gates::sample`] depends on.
    fn question(&self, leaf_q: &[f64], share: f64) -> u128 {
        let mut h = extend(u128::from(self.leaves), u128::from(self.salt));
        for (k, children) in &self.gates {
            h = extend(h, u128::from(*k) << 64 | children.len() as u128);
            for &c in children {
                h = extend(h, u128::from(c));
            }
        }
        for q in leaf_q {
            h = extend(h, u128::from(q.to_bits()));
        }
        extend(h, u128::from(share.to_bits()))
    }

    /// [`Gates::estimate`], sampled afresh.
    fn sample(&self, leaf_q: &[f64], stop: Stop, share: f64) -> Sampled {
        let flat = Flat::new(self, leaf_q);
        let start = mix(self.salt ^ 0x5eed);
        let seed = leaf_q.iter().fold(start, |h, q| mix(h ^ q.to_bits()));
        let mut falses = 0u64;
        let mut blocks = 0;
        let per_block = BLOCK_WORDS * self.gates.len().max(1);
        let blocks_for = |limit: usize| (limit as f64 * share.clamp(0.0, 1.0)) as usize;
        let most = blocks_for(MAX_GATE_WORDS / per_block)
            .min(blocks_for(MAX_BLOCKS))
            .max(ROUND_BLOCKS);
        while blocks < most {
            falses += (blocks..blocks + ROUND_BLOCKS)
                .into_par_iter()
                .map(|b| self.block(&flat, mix(seed ^ b as u64)))
                .sum::<u64>();
            blocks += ROUND_BLOCKS;
            stop.sampled((ROUND_BLOCKS * BLOCK_WORDS * 64) as u64);
            let n = (blocks * BLOCK_WORDS * 64) as f64;
            let p = falses as f64 / n;
            if stop.now() || falses > 0 && Z95 * (p * (1.0 - p) / n).sqrt() <= PRECISION * p {
                break;
            }
        }
        let n = (blocks * BLOCK_WORDS * 64) as f64;
        // Never a variance of zero: with no trial false, the estimate 0 is uncertain too.
        let smoothed = (falses as f64 + 1.0) / (n + 2.0);
        Sampled {
            q: falses as f64 / n,
            variance: smoothed * (1.0 - smoothed) / n,
        }
    }

    /// Trials of one block in which the output was false.
    fn block(&self, flat: &Flat, seed: u64) -> u64 {
        let mut sampler = Sampler::new(seed);
        let leaves = self.leaves as usize;
        let mut value = vec![0u64; leaves + flat.k.len()];
        let mut falses = 0u64;
        for _ in 0..BLOCK_WORDS {
            for (v, (draw, true_side)) in value.iter_mut().zip(&flat.draws) {
                // Bits set where the leaf is true.
                let word = sampler.draw(draw);
                *v = if *true_side { word } else { !word };
            }
            for (i, &k) in flat.k.iter().enumerate() {
                let children = &flat.children[flat.start[i] as usize..flat.start[i + 1] as usize];
                let words = children.iter().map(|&c| value[c as usize]);
                value[leaves + i] = match k as usize {
                    1 => words.fold(0, |a, w| a | w),
                    k if k == children.len() => words.fold(!0, |a, w| a & w),
                    k => at_least(words, children.len(), k),
                };
            }
            let output = value.last().copied().unwrap_or(0);
            falses += u64::from((!output).count_ones());
        }
        falses
    }
}

/// What every block of one estimate reads: each leaf's rarer side (and whether that is
/// true), and the gates in flat arrays.
struct Flat {
    draws: Vec<(Draw, bool)>,
    k: Vec<u32>,
    /// Gate i's children are `children[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    children: Vec<u32>,
}

impl Flat {
    fn new(gates: &Gates, leaf_q: &[f64]) -> Self {
        let draws = leaf_q
            .iter()
            .map(|&q| {
                if q > 0.5 {
                    (Draw::new(1.0 - q), true)
                } else {
                    (Draw::new(q), false)
                }
            })
            .collect();
        let mut start = vec![0u32];
        let mut children = Vec::new();
        for (_, c) in &gates.gates {
            children.extend_from_slice(c);
            start.push(children.len() as u32);
        }
        Self {
            draws,
            k: gates.gates.iter().map(|g| g.0).collect(),
            start,
            children,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_of_three_vote_is_sampled_within_its_interval() {
        // Output: at least 2 of 3 leaves true, each false with 0.1: P(false) = 0.028.
        let gates = Gates {
            leaves: 3,
            gates: vec![(2, vec![0, 1, 2])],
            salt: 0,
        };
        let s = gates.estimate(&[0.1; 3], Stop::NEVER, 1.0);
        let exact = 3.0 * 0.1 * 0.1 * 0.9 + 0.1f64.powi(3);
        assert!((s.q - exact).abs() <= 3.0 * s.variance.sqrt(), "{s:?}");
        assert!(Z95 * s.variance.sqrt() <= PRECISION * exact * 1.1, "{s:?}");
        assert_eq!(
            gates.sample(&[0.1; 3], Stop::NEVER, 1.0),
            s,
            "seeded by its question"
        );
    }

    #[test]
    fn a_stopped_estimate_ends_after_one_round() {
        // All three leaves false, each with 0.01: P = 1e-6, far beyond one round's
        // precision, so only the stop ends it there.
        let gates = Gates {
            leaves: 3,
            gates: vec![(1, vec![0, 1, 2])],
            salt: 0,
        };
        let stopped = std::sync::atomic::AtomicBool::new(true);
        let progress = super::super::Progress::default();
        let s = gates.estimate(&[0.01; 3], Stop::on(&stopped).reporting(&progress), 1.0);
        let n = (ROUND_BLOCKS * BLOCK_WORDS * 64) as f64;
        assert_eq!(progress.scenarios() as f64, n, "the round is reported");
        let smoothed = (s.q * n + 1.0) / (n + 2.0);
        assert_eq!(s.variance, smoothed * (1.0 - smoothed) / n, "{s:?}");
        let full = gates.estimate(&[0.01; 3], Stop::NEVER, 1.0);
        assert!(full.variance < s.variance / 4.0, "{full:?} {s:?}");
    }

    #[test]
    fn the_same_question_is_answered_without_drawing_again() {
        let gates = Gates {
            leaves: 4,
            gates: vec![(2, vec![0, 1, 2, 3])],
            salt: 0x0123,
        };
        let q = [0.123, 0.234, 0.345, 0.456];
        let progress = super::super::Progress::default();
        let first = gates.estimate(&q, Stop::NEVER.reporting(&progress), 1.0);
        let drawn = progress.scenarios();
        assert!(drawn > 0);
        let again = gates.estimate(&q, Stop::NEVER.reporting(&progress), 1.0);
        assert_eq!(again, first);
        assert_eq!(progress.scenarios(), drawn, "nothing drawn the second time");
        // Another question is drawn afresh.
        let other = gates.estimate(&q, Stop::NEVER.reporting(&progress), 0.5);
        assert!(progress.scenarios() > drawn, "{other:?}");
    }

    #[test]
    fn gates_over_gates_read_their_children() {
        // (a AND b) OR c, leaves false with 0.5, 0.5, 0.2: false when c is false and
        // not both a and b are true, P = 0.2 · 0.75 = 0.15.
        let gates = Gates {
            leaves: 3,
            gates: vec![(2, vec![0, 1]), (1, vec![3, 2])],
            salt: 0,
        };
        let s = gates.estimate(&[0.5, 0.5, 0.2], Stop::NEVER, 1.0);
        assert!((s.q - 0.15).abs() <= 3.0 * s.variance.sqrt(), "{s:?}");
    }
}
