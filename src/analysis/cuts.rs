//! Single failures (SPOFs with blast radius) and order-2 minimal cut sets, evaluated
//! 64 scenarios per pass. Candidate pairs come from the k-of-n nodes both events weaken.

use super::eval::{Evaluator, Propagator};
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

/// Evaluate the baseline and every structural basic event (region, zone, replica) alone:
/// ⌈E/64⌉ incremental batches, each costing about the cone its 64 events reach. SPOFs and
/// cut sets are structural (DESIGN §2b rule 4): outage events are left out.
pub fn singles(g: &FailureGraph) -> Singles {
    let mut p = Propagator::new(g);
    let e_count = g.structural_events() as usize;
    let baseline_down: Vec<bool> = p.ev.down.iter().map(|w| w & 1 != 0).collect();
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

    let mut events = Vec::with_capacity(64);
    for batch_start in (0..e_count).step_by(64) {
        let batch_end = (batch_start + 64).min(e_count);
        // Bits past the batch evaluate "nothing failed": never report them as events.
        let batch = !0u64 >> (64 - (batch_end - batch_start));
        events.clear();
        events.extend((batch_start..batch_end).map(|e| (e as u32, 1u64 << (e - batch_start))));
        p.run(&events);
        // Untouched components keep their baseline words: nothing new to record.
        for &c in p.touched() {
            let cu = c as usize;
            let new = p.ev.down[cu] & live_mask[cu] & batch;
            if g.is_entry[cu] {
                for_bits(new, |j| by_event[batch_start + j].entries.push(c));
            }
            for_bits(new, |j| by_event[batch_start + j].blast.push(c));
            let (weak_replicas, weak_deps) = p.ev.weakened(c, &live_mask);
            if replica_threshold[cu] {
                let list = &mut weakened[2 * cu];
                for_bits(weak_replicas & batch, |j| {
                    list.push((batch_start + j) as u32)
                });
            }
            if deps_threshold[cu] {
                let list = &mut weakened[2 * cu + 1];
                for_bits(weak_deps & batch, |j| list.push((batch_start + j) as u32));
            }
        }
    }
    Singles {
        baseline_down,
        live_entries,
        by_event,
        weakened,
    }
}

/// Which components are down with nothing failed (left out of the analysis).
pub fn baseline_down(g: &FailureGraph) -> Vec<bool> {
    let mut ev = Evaluator::new(g);
    ev.run(&vec![0; g.events.len()], None);
    ev.down.iter().map(|w| w & 1 != 0).collect()
}

/// Every order-2 minimal cut set, sorted by event pair, and how many candidates were tried.
///
/// Pairs with a region or zone are verified on top of that domain's failure (one full
/// pass per domain), the rest on top of the baseline, 64 at a time, incrementally.
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

    let mut live_entry = vec![false; g.len()];
    for &e in &singles.live_entries {
        live_entry[e as usize] = true;
    }
    let mut p = Propagator::new(g);
    let domains = g.first_replica();
    let mut found = Vec::new();
    let mut events = Vec::with_capacity(128);
    let mut entries: Vec<Vec<u32>> = vec![Vec::new(); 64];
    let mut rest = &candidates[..];
    while let Some(&(a, _)) = rest.first() {
        // Candidates are sorted, so those led by one failure domain are contiguous.
        let (group, base): (&[(u32, u32)], Option<u32>) = if a < domains {
            let n = rest.partition_point(|&(x, _)| x == a);
            (&rest[..n], Some(a))
        } else {
            (rest, None)
        };
        rest = &rest[group.len()..];
        match base {
            Some(a) => p.set_base(&[a]),
            None => p.set_base(&[]),
        }
        for batch in group.chunks(64) {
            events.clear();
            for (j, &(a, b)) in batch.iter().enumerate() {
                if base.is_none() {
                    events.push((a, 1u64 << j));
                }
                events.push((b, 1u64 << j));
            }
            p.run(&events);
            let mask = !0u64 >> (64 - batch.len());
            for &c in p.touched() {
                if live_entry[c as usize] {
                    for_bits(p.ev.down[c as usize] & mask, |j| entries[j].push(c));
                }
            }
            for (j, &(a, b)) in batch.iter().enumerate() {
                if !entries[j].is_empty() {
                    found.push(Pair {
                        events: (a, b),
                        entries: std::mem::take(&mut entries[j]),
                    });
                }
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
