//! Exact availability of each entry: the structure function "entry is up" compiled to a
//! BDD over basic events (regions, then zones, then replicas in dependency-DFS order).
//! Past the node budget it reports `BudgetExceeded`; callers fall back to an estimate.

use super::bdd::{Bdd, BudgetExceeded, FALSE, NodeId, TRUE};
use super::graph::FailureGraph;

/// Node budget of one diagram: about 100 MB at most.
pub const NODE_BUDGET: usize = 2_000_000;

pub struct Structure {
    pub bdd: Bdd,
    /// Level of each basic event.
    pub level: Vec<u32>,
    /// Up-function of each component.
    pub up: Vec<NodeId>,
}

impl Structure {
    /// Compile the structure functions; `forced_down[c]` fails component c outright.
    pub fn build(
        g: &FailureGraph,
        forced_down: &[bool],
        budget: usize,
    ) -> Result<Self, BudgetExceeded> {
        let level = variable_order(g);
        let mut bdd = Bdd::new(budget);
        let first = g.first_replica();
        let regions = g.region_ids.len() as u32;
        let mut replica_up = Vec::with_capacity(g.events.len() - first as usize);
        for e in first..g.events.len() as u32 {
            let mut f = bdd.var(level[e as usize])?;
            if let Some(z) = g.zone_of(e) {
                let zone = bdd.var(level[(regions + z) as usize])?;
                let region = bdd.var(level[g.zone_region[z as usize] as usize])?;
                let domain = bdd.and(region, zone)?;
                f = bdd.and(domain, f)?;
            }
            replica_up.push(f);
        }
        let mut replicas_ok = Vec::with_capacity(g.len());
        for c in 0..g.len() as u32 {
            let r = g.replicas(c);
            let inputs = &replica_up[(r.start - first) as usize..(r.end - first) as usize];
            replicas_ok.push(if forced_down[c as usize] {
                FALSE
            } else {
                bdd.at_least(inputs, g.k_replicas[c as usize] as usize)?
            });
        }
        let mut up = vec![TRUE; g.len()];
        let mut inputs = Vec::new();
        let mut rule = |bdd: &mut Bdd, up: &[NodeId], c: u32| -> Result<NodeId, BudgetExceeded> {
            inputs.clear();
            inputs.extend(g.hard_deps(c).iter().map(|&d| up[d as usize]));
            let deps = bdd.at_least(&inputs, g.need[c as usize] as usize)?;
            bdd.and(replicas_ok[c as usize], deps)
        };
        for block in &g.blocks {
            let members = &g.order[block.start as usize..block.end as usize];
            if !block.cyclic {
                up[members[0] as usize] = rule(&mut bdd, &up, members[0])?;
                continue;
            }
            // Greatest fixpoint: start from "up" and narrow until stable.
            loop {
                let mut changed = false;
                for &c in members {
                    let f = rule(&mut bdd, &up, c)?;
                    if f != up[c as usize] {
                        up[c as usize] = f;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
        }
        Ok(Self { bdd, level, up })
    }

    /// Probability that each level's event has happened, from per-event availabilities.
    pub fn level_unavailability(&self, availability: &[f64]) -> Vec<f64> {
        let mut q = vec![0.0; self.level.len()];
        for (e, &l) in self.level.iter().enumerate() {
            q[l as usize] = 1.0 - availability[e];
        }
        q
    }
}

/// Regions, then zones, then each component's replicas together in DFS order from the
/// entries along hard dependencies: failure domains on top keep the diagram small.
fn variable_order(g: &FailureGraph) -> Vec<u32> {
    let first = g.first_replica();
    let mut level = vec![0u32; g.events.len()];
    for (e, l) in level.iter_mut().enumerate().take(first as usize) {
        *l = e as u32;
    }
    let mut next = first;
    let mut seen = vec![false; g.len()];
    let mut stack = Vec::new();
    let roots = (0..g.len() as u32)
        .filter(|&c| g.is_entry[c as usize])
        .chain(0..g.len() as u32);
    for root in roots {
        if seen[root as usize] {
            continue;
        }
        stack.push(root);
        seen[root as usize] = true;
        while let Some(c) = stack.pop() {
            for e in g.replicas(c) {
                level[e as usize] = next;
                next += 1;
            }
            for &d in g.hard_deps(c).iter().rev() {
                if !seen[d as usize] {
                    seen[d as usize] = true;
                    stack.push(d);
                }
            }
        }
    }
    level
}
