//! Random failure scenarios, 64 per word: each basic event fails independently with
//! probability 1 − availability. Seeded and reproducible; used for estimates and chaos.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::eval::Evaluator;
use super::graph::FailureGraph;
use super::plan::Stop;

/// Passes between two looks at the stop flag (and reports of progress).
const REPORT_PASSES: usize = 64;

pub struct Sampler {
    rng: Xoshiro256PlusPlus,
}

impl Sampler {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// 64 independent Bernoulli(q) bits. Skips geometrically for small q, so a rare
    /// event costs about one random number per word instead of 64.
    pub fn word(&mut self, q: f64) -> u64 {
        self.skip(q, (1.0 - q).ln(), 0.0)
    }

    /// [`Sampler::word`] for a probability drawn many times: its logarithm is taken
    /// once, and a word with no bit set (the usual one for a rare event) costs no
    /// logarithm at all.
    pub fn draw(&mut self, d: &Draw) -> u64 {
        self.skip(d.q, d.log_keep, d.none)
    }

    /// Geometric skips, `log_keep` = ln(1 − q); a first uniform u with 1 − u ≤ `none`
    /// (= (1 − q)^64, or 0 to always take the logarithm) skips past the word at once.
    fn skip(&mut self, q: f64, log_keep: f64, none: f64) -> u64 {
        if q <= 0.0 {
            return 0;
        }
        if q >= 1.0 {
            return !0;
        }
        if q > 0.25 {
            return (0..64).fold(0, |w, bit| {
                if self.rng.random::<f64>() < q {
                    w | 1 << bit
                } else {
                    w
                }
            });
        }
        let mut word = 0u64;
        let mut pos = 0.0f64;
        loop {
            let u: f64 = self.rng.random();
            if pos == 0.0 && 1.0 - u <= none {
                return 0;
            }
            pos += ((1.0 - u).ln() / log_keep).floor();
            if pos >= 64.0 {
                return word;
            }
            word |= 1 << pos as u32;
            pos += 1.0;
        }
    }
}

/// A probability [`Sampler::draw`] draws words of, with what it needs computed once.
#[derive(Clone, Copy, Debug)]
pub struct Draw {
    q: f64,
    log_keep: f64,
    none: f64,
}

impl Draw {
    pub fn new(q: f64) -> Self {
        let log_keep = (1.0 - q).ln();
        Self {
            q,
            log_keep,
            none: (64.0 * log_keep).exp(),
        }
    }
}

/// How often each entry was down, and how often some part of its service was.
pub struct Counts {
    pub down: Vec<u64>,
    /// Trials in which something the entry reaches (hard or soft) was down.
    pub not_full: Vec<u64>,
    pub trials: u64,
}

/// Monte Carlo estimate of each entry's unavailability and full service from
/// `passes × 64` trials, fewer once `stop` is set (reported to it as they go).
pub fn estimate(
    g: &FailureGraph,
    entries: &[u32],
    baseline_down: &[bool],
    passes: usize,
    seed: u64,
    stop: Stop,
) -> Counts {
    let mut sampler = Sampler::new(seed);
    let mut ev = Evaluator::new(g);
    let q: Vec<f64> = g.availability.iter().map(|a| 1.0 - a).collect();
    let closures: Vec<Vec<u32>> = entries
        .iter()
        .map(|&e| g.closure(e, baseline_down))
        .collect();
    let mut words = vec![0u64; g.events.len()];
    let mut down = vec![0u64; entries.len()];
    let mut not_full = vec![0u64; entries.len()];
    let mut done = 0;
    while done < passes {
        if done % REPORT_PASSES == 0 {
            if stop.now() {
                break;
            }
            stop.sampled((REPORT_PASSES.min(passes - done) * 64) as u64);
        }
        done += 1;
        for (w, &qe) in words.iter_mut().zip(&q) {
            *w = sampler.word(qe);
        }
        ev.run(&words, None);
        for (i, &e) in entries.iter().enumerate() {
            down[i] += u64::from(ev.down[e as usize].count_ones());
            let some_down = closures[i]
                .iter()
                .fold(0u64, |acc, &c| acc | ev.down[c as usize]);
            not_full[i] += u64::from(some_down.count_ones());
        }
    }
    Counts {
        down,
        not_full,
        trials: done as u64 * 64,
    }
}

/// z of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Half-width of the 95 % Wilson score interval around `k / n`, and its centre.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.5, 0.5);
    }
    let z = Z95;
    let n = n as f64;
    let p = k as f64 / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    (centre, half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_draw_gives_the_words_of_its_probability() {
        for q in [0.0, 0.001, 0.01, 0.2, 0.3, 1.0] {
            let (mut a, mut b) = (Sampler::new(11), Sampler::new(11));
            let d = Draw::new(q);
            for _ in 0..20_000 {
                assert_eq!(a.word(q), b.draw(&d), "q {q}");
            }
        }
    }

    #[test]
    fn word_frequency_matches_probability() {
        let mut s = Sampler::new(7);
        for q in [0.001, 0.1, 0.5, 0.9] {
            let n = 20_000;
            let ones: u64 = (0..n).map(|_| u64::from(s.word(q).count_ones())).sum();
            let observed = ones as f64 / (n as f64 * 64.0);
            assert!((observed - q).abs() < 0.01 + q * 0.05, "q {q}: {observed}");
        }
    }
}
