//! Single failures (SPOFs with blast radius) and order-2 minimal cut sets, evaluated
//! 64 scenarios per pass. Candidate pairs come from the k-of-n nodes both events weaken.

use super::eval::Evaluator;
use super::graph::{BasicEvent, FailureGraph};

/// What failing one basic event alone does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SingleFailure {
    /// Live entries it takes down.
    pub entries: Vec<u32>,
    /// Components down because of it (up at baseline).
    pub blast: Vec<u32>,
}

/// A pair of basic events that together, and neither alone, put entries down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub events: (u32, u32),
    pub entries: Vec<u32>,
}

pub struct Singles {
    pub baseline_down: Vec<bool>,
    pub live_entries: Vec<u32>,
    pub by_event: Vec<SingleFailure>,
    /// For each k-of-n node (two per component: replicas, hard dependencies), the
    /// events that weaken it without failing it.
    weakened: Vec<Vec<u32>>,
}

/// Evaluate the baseline and every basic event alone.
pub fn singles(g: &FailureGraph) -> Singles {
    let mut ev = Evaluator::new(g);
    let e_count = g.events.len();
    let mut words = vec![0u64; e_count];
    ev.run(&words, None);
    let baseline_down: Vec<bool> = ev.down.iter().map(|w| w & 1 != 0).collect();
    let live_entries: Vec<u32> = (0..g.len() as u32)
        .filter(|&c| g.is_entry[c as usize] && !baseline_down[c as usize])
        .collect();
    let live_mask: Vec<u64> = baseline_down
        .iter()
        .map(|&d| if d { 0 } else { !0 })
        .collect();

    let mut by_event = vec![SingleFailure::default(); e_count];
    let mut weakened = vec![Vec::new(); 2 * g.len()];
    let replica_threshold: Vec<bool> = (0..g.len())
        .map(|c| {
            let r = g.replicas(c as u32);
            let m = r.end - r.start;
            m > 0 && m - g.k_replicas[c] + 1 >= 2
        })
        .collect();
    let deps_threshold: Vec<bool> = (0..g.len())
        .map(|c| {
            let m = g.hard_deps(c as u32).len() as u32;
            g.need[c] <= m && m - g.need[c] + 1 >= 2
        })
        .collect();

    for batch_start in (0..e_count).step_by(64) {
        let batch_end = (batch_start + 64).min(e_count);
        // Bits past the batch evaluate "nothing failed": never report them as events.
        let batch = !0u64 >> (64 - (batch_end - batch_start));
        for (j, w) in words[batch_start..batch_end].iter_mut().enumerate() {
            *w = 1 << j;
        }
        ev.run(&words, None);
        for &e in &live_entries {
            for_bits(ev.down[e as usize], |j| {
                by_event[batch_start + j].entries.push(e)
            });
        }
        for &c in &g.order {
            let new = ev.down[c as usize] & live_mask[c as usize];
            for_bits(new, |j| by_event[batch_start + j].blast.push(c));
            let (weak_replicas, weak_deps) = ev.weakened(c, &live_mask);
            let (weak_replicas, weak_deps) = (weak_replicas & batch, weak_deps & batch);
            if replica_threshold[c as usize] {
                let list = &mut weakened[2 * c as usize];
                for_bits(weak_replicas, |j| list.push((batch_start + j) as u32));
            }
            if deps_threshold[c as usize] {
                let list = &mut weakened[2 * c as usize + 1];
                for_bits(weak_deps, |j| list.push((batch_start + j) as u32));
            }
        }
        words[batch_start..batch_end].fill(0);
    }
    Singles {
        baseline_down,
        live_entries,
        by_event,
        weakened,
    }
}

/// Every order-2 minimal cut set, sorted by event pair, and how many candidates were tried.
pub fn pairs(g: &FailureGraph, singles: &Singles) -> (Vec<Pair>, usize) {
    let alone_fatal = |e: u32| !singles.by_event[e as usize].entries.is_empty();
    let mut candidates = Vec::new();
    for list in &singles.weakened {
        let events: Vec<u32> = list.iter().copied().filter(|&e| !alone_fatal(e)).collect();
        for (i, &a) in events.iter().enumerate() {
            for &b in &events[i + 1..] {
                candidates.push(if a < b { (a, b) } else { (b, a) });
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates.retain(|(a, b)| !same_failure(g, *a, *b));

    let mut ev = Evaluator::new(g);
    let mut words = vec![0u64; g.events.len()];
    let mut found = Vec::new();
    for batch in candidates.chunks(64) {
        for (j, &(a, b)) in batch.iter().enumerate() {
            words[a as usize] |= 1 << j;
            words[b as usize] |= 1 << j;
        }
        ev.run(&words, None);
        let mut entries: Vec<Vec<u32>> = vec![Vec::new(); batch.len()];
        for &e in &singles.live_entries {
            for_bits(ev.down[e as usize], |j| entries[j].push(e));
        }
        for (j, &(a, b)) in batch.iter().enumerate() {
            words[a as usize] = 0;
            words[b as usize] = 0;
            if !entries[j].is_empty() {
                found.push(Pair {
                    events: (a, b),
                    entries: std::mem::take(&mut entries[j]),
                });
            }
        }
    }
    (found, candidates.len())
}

/// A zone and a replica in it (or a region and its zone) fail together anyway: the
/// pair adds nothing the larger domain does not do alone, so it can never be minimal.
fn same_failure(g: &FailureGraph, a: u32, b: u32) -> bool {
    let contains =
        |outer: u32, inner: u32| match (g.events[outer as usize], g.events[inner as usize]) {
            (BasicEvent::Region(r), BasicEvent::Zone(z)) => g.zone_region[z as usize] == r,
            (BasicEvent::Region(r), BasicEvent::Replica { .. }) => g
                .zone_of(inner)
                .is_some_and(|z| g.zone_region[z as usize] == r),
            (BasicEvent::Zone(z), BasicEvent::Replica { .. }) => g.zone_of(inner) == Some(z),
            _ => false,
        };
    contains(a, b) || contains(b, a)
}

/// Call `f` with the index of every set bit.
pub fn for_bits(mut word: u64, mut f: impl FnMut(usize)) {
    while word != 0 {
        f(word.trailing_zeros() as usize);
        word &= word - 1;
    }
}
