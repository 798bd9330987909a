//! Chaos experiments on the model: every trial fails each basic event independently with
//! probability 1 − availability, then propagates. Reports each entry's observed
//! availability with a 95 % Wilson interval beside the exact value, the minimal failure
//! sets behind the outages ranked by frequency, and who took part in them most often.
//!
//! Trials run in chunks of a fixed size, each with its own random stream derived from the
//! seed and the chunk's index, on all cores (rayon). The output therefore depends on the
//! seed and the number of trials only, never on the number of threads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::eval::Evaluator;
use super::graph::FailureGraph;
use super::sample::{Sampler, wilson};
use super::{Options, analyze};
use crate::model::Model;

/// Trials when the user names no number.
pub const DEFAULT_TRIALS: u64 = 100_000;

/// Most trials an experiment runs (about 100,000 chunks of tallies; minutes on a large
/// model): the command line and the GUI both refuse more.
pub const MAX_TRIALS: u64 = 100_000_000;

/// Most distinct failure sets kept in a report (their total is always given).
pub const MAX_CAUSES: usize = 50;

/// Passes of 64 trials per chunk: the unit of parallel work, progress and cancelling.
const CHUNK_PASSES: u64 = 16;
const CHUNK_TRIALS: u64 = CHUNK_PASSES * 64;

/// A chaos experiment stopped by its caller before it finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the chaos experiment was cancelled")]
pub struct Cancelled;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChaosReport {
    pub model: String,
    pub trials: u64,
    pub seed: u64,
    pub entries: Vec<ChaosEntry>,
    /// Trials in which at least one entry that is up with nothing failed went down.
    pub outage_trials: u64,
    /// Distinct minimal failure sets behind those outages.
    pub distinct_causes: usize,
    /// The most frequent of them (at most [`MAX_CAUSES`]), most frequent first.
    pub causes: Vec<Cause>,
    /// Components, zones and regions by the number of outages whose cause they were part of.
    pub participants: Vec<Participant>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChaosEntry {
    pub id: String,
    pub name: String,
    pub down_trials: u64,
    pub observed_availability: f64,
    /// The 95 % Wilson score interval of the availability, low then high.
    pub interval: [f64; 2],
    /// The analysis's value: exact, or its own estimate when the exact method was over budget.
    pub availability: f64,
    pub exact: bool,
    pub interval_contains_availability: bool,
}

/// A minimal set of failed basic events that took an entry down in some trials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// Event ids as `whatif --fail` takes them (`db#0`, `zone:eu-a`, `region:eu`), sorted.
    pub failed: Vec<String>,
    pub trials: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Participant {
    /// A component id, `zone:ID` or `region:ID`.
    pub id: String,
    pub trials: u64,
}

/// Run `trials` seeded trials on a valid model. `progress(done, total)` is called from
/// worker threads as chunks finish; setting `cancel` stops the experiment soon after.
pub fn run(
    model: &Model,
    trials: u64,
    seed: u64,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
) -> Result<ChaosReport, Cancelled> {
    let g = FailureGraph::compile(model);
    let analysis = analyze(
        model,
        &Options {
            order2: false,
            importance: false,
            ..Options::default()
        },
    );
    let live = live_entries(&g);
    let q: Vec<f64> = g.availability.iter().map(|a| 1.0 - a).collect();
    let chunks = trials.div_ceil(CHUNK_TRIALS);
    let done = AtomicU64::new(0);
    let tallies: Vec<Option<Tally>> = (0..chunks)
        .into_par_iter()
        .map_init(
            || Evaluator::new(&g),
            |ev, chunk| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let size = CHUNK_TRIALS.min(trials - chunk * CHUNK_TRIALS);
                let tally = run_chunk(ev, &live, &q, chunk_seed(seed, chunk), size);
                let finished = done.fetch_add(size, Ordering::Relaxed) + size;
                progress(finished, trials);
                Some(tally)
            },
        )
        .collect();
    if cancel.load(Ordering::Relaxed) {
        return Err(Cancelled);
    }
    let mut total = Tally::new(live.len());
    for tally in tallies.into_iter().flatten() {
        total.merge(tally);
    }
    Ok(total.report(&g, model, &analysis.entries, &live, trials, seed))
}

/// Entries that are up with nothing failed; an always-down entry is a finding, not chaos.
fn live_entries(g: &FailureGraph) -> Vec<u32> {
    let mut ev = Evaluator::new(g);
    ev.run(&vec![0; g.events.len()], None);
    (0..g.len() as u32)
        .filter(|&c| g.is_entry[c as usize] && ev.down[c as usize] & 1 == 0)
        .collect()
}

/// SplitMix64 of the seed and the chunk index: independent streams per chunk.
fn chunk_seed(seed: u64, chunk: u64) -> u64 {
    let mut z = seed ^ chunk.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Counts from some trials, merged across chunks.
struct Tally {
    down: Vec<u64>,
    outages: u64,
    causes: HashMap<Vec<u32>, u64>,
}

impl Tally {
    fn new(entries: usize) -> Self {
        Self {
            down: vec![0; entries],
            outages: 0,
            causes: HashMap::new(),
        }
    }

    fn merge(&mut self, other: Tally) {
        for (d, o) in self.down.iter_mut().zip(other.down) {
            *d += o;
        }
        self.outages += other.outages;
        for (cause, n) in other.causes {
            *self.causes.entry(cause).or_default() += n;
        }
    }

    fn report(
        self,
        g: &FailureGraph,
        model: &Model,
        analysed: &[super::EntryAvailability],
        live: &[u32],
        trials: u64,
        seed: u64,
    ) -> ChaosReport {
        let entries = live
            .iter()
            .zip(&self.down)
            .map(|(&e, &down)| {
                let id = &g.ids[e as usize];
                let (centre, half) = wilson(down, trials);
                let interval = [
                    (1.0 - centre - half).max(0.0),
                    (1.0 - centre + half).min(1.0),
                ];
                let known = analysed.iter().find(|a| &a.id == id);
                let availability = known.map_or(1.0, |a| a.availability);
                ChaosEntry {
                    id: id.clone(),
                    name: model
                        .component(id)
                        .map_or_else(|| id.clone(), |c| c.name.clone()),
                    down_trials: down,
                    observed_availability: 1.0 - down as f64 / trials.max(1) as f64,
                    interval,
                    availability,
                    exact: known.is_none_or(|a| a.exact),
                    interval_contains_availability: interval[0] <= availability
                        && availability <= interval[1],
                }
            })
            .collect();
        let mut participation: HashMap<String, u64> = HashMap::new();
        let mut causes: Vec<Cause> = self
            .causes
            .into_iter()
            .map(|(events, n)| {
                let mut parts: Vec<String> = events.iter().map(|&e| participant(g, e)).collect();
                parts.dedup();
                for p in parts {
                    *participation.entry(p).or_default() += n;
                }
                let mut failed: Vec<String> = events.iter().map(|&e| g.event_name(e)).collect();
                failed.sort();
                Cause { failed, trials: n }
            })
            .collect();
        causes.sort_by(|a, b| {
            b.trials
                .cmp(&a.trials)
                .then_with(|| a.failed.cmp(&b.failed))
        });
        let distinct_causes = causes.len();
        causes.truncate(MAX_CAUSES);
        let mut participants: Vec<Participant> = participation
            .into_iter()
            .map(|(id, trials)| Participant { id, trials })
            .collect();
        participants.sort_by(|a, b| b.trials.cmp(&a.trials).then_with(|| a.id.cmp(&b.id)));
        ChaosReport {
            model: model.name.clone(),
            trials,
            seed,
            entries,
            outage_trials: self.outages,
            distinct_causes,
            causes,
            participants,
        }
    }
}

/// Who a basic event belongs to: its component (for a replica, common-cause or failover
/// event), or the zone or region itself.
fn participant(g: &FailureGraph, e: u32) -> String {
    match g.owner(e) {
        Some(c) => g.ids[c as usize].clone(),
        None => g.event_name(e),
    }
}

/// `size` trials (at most one chunk) from the stream `seed`.
fn run_chunk(ev: &mut Evaluator<'_>, live: &[u32], q: &[f64], seed: u64, size: u64) -> Tally {
    let mut sampler = Sampler::new(seed);
    let mut tally = Tally::new(live.len());
    let mut words = vec![0u64; q.len()];
    let mut left = size;
    while left > 0 {
        let lanes = left.min(64);
        left -= lanes;
        let mask = if lanes == 64 { !0 } else { (1u64 << lanes) - 1 };
        for (w, &qe) in words.iter_mut().zip(q) {
            *w = sampler.word(qe) & mask;
        }
        ev.run(&words, None);
        let mut outage = 0u64;
        for (count, &e) in tally.down.iter_mut().zip(live) {
            let down = ev.down[e as usize] & mask;
            *count += u64::from(down.count_ones());
            outage |= down;
        }
        if outage != 0 {
            tally.outages += u64::from(outage.count_ones());
            for cause in minimal_causes(ev, live, &words, outage) {
                *tally.causes.entry(cause).or_default() += 1;
            }
        }
    }
    tally
}

/// For each trial (bit) in `outage`, a minimal subset of its failed events that still
/// takes a live entry down: drop events one at a time, zones and regions last, keeping a
/// drop whenever the outage stays. All 64 trials advance together, one pass per step.
fn minimal_causes(
    ev: &mut Evaluator<'_>,
    live: &[u32],
    words: &[u64],
    outage: u64,
) -> Vec<Vec<u32>> {
    let lanes: Vec<u32> = (0..64).filter(|&j| outage >> j & 1 == 1).collect();
    let mut sets: Vec<Vec<u32>> = vec![Vec::new(); lanes.len()];
    for (e, &w) in words.iter().enumerate().rev() {
        // A failed replica of a component that stayed up changes nothing: the greedy
        // pass would drop it, so it is left out from the start.
        let owner_down = ev.g.owner(e as u32).map_or(!0, |c| ev.down[c as usize]);
        let relevant = w & outage & owner_down;
        if relevant != 0 {
            for (set, &j) in sets.iter_mut().zip(&lanes) {
                if relevant >> j & 1 == 1 {
                    set.push(e as u32);
                }
            }
        }
    }
    let mut kept: Vec<Vec<bool>> = sets.iter().map(|s| vec![true; s.len()]).collect();
    let steps = sets.iter().map(Vec::len).max().unwrap_or(0);
    let mut trial = vec![0u64; words.len()];
    for step in 0..steps {
        for ((set, keep), &j) in sets.iter().zip(&kept).zip(&lanes) {
            for (i, &e) in set.iter().enumerate() {
                if keep[i] && i != step {
                    trial[e as usize] |= 1 << j;
                }
            }
        }
        ev.run(&trial, None);
        let still = live.iter().fold(0u64, |acc, &e| acc | ev.down[e as usize]);
        for ((set, keep), &j) in sets.iter().zip(kept.iter_mut()).zip(&lanes) {
            if step < set.len() && still >> j & 1 == 1 {
                keep[step] = false;
            }
            for &e in set {
                trial[e as usize] = 0;
            }
        }
    }
    sets.into_iter()
        .zip(kept)
        .map(|(set, keep)| {
            let mut cause: Vec<u32> = set
                .into_iter()
                .zip(keep)
                .filter_map(|(e, k)| k.then_some(e))
                .collect();
            cause.sort_unstable();
            cause
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_seeds_differ_and_are_stable() {
        assert_ne!(chunk_seed(1, 0), chunk_seed(1, 1));
        assert_ne!(chunk_seed(1, 0), chunk_seed(2, 0));
        assert_eq!(chunk_seed(7, 3), chunk_seed(7, 3));
    }
}
