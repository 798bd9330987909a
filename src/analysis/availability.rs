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
    /// Up-function of the components that needed one (always every entry).
    up: Vec<Option<NodeId>>,
    /// "Everything in the entry's closure is up", for entries when asked for.
    full: Vec<Option<NodeId>>,
}

impl Structure {
    /// Compile the structure function of every entry; `forced_down[c]` fails
    /// component c outright (a what-if of a whole component).
    pub fn build(
        g: &FailureGraph,
        forced_down: &[bool],
        budget: usize,
    ) -> Result<Self, BudgetExceeded> {
        Self::build_with(g, forced_down, None, budget)
    }

    /// [`Structure::build`], plus each entry's full-service function (DESIGN §2: every
    /// component it reaches through hard or soft dependencies up), given which
    /// components are down with nothing failed.
    pub fn build_with_full_service(
        g: &FailureGraph,
        forced_down: &[bool],
        baseline_down: &[bool],
        budget: usize,
    ) -> Result<Self, BudgetExceeded> {
        Self::build_with(g, forced_down, Some(baseline_down), budget)
    }

    fn build_with(
        g: &FailureGraph,
        forced_down: &[bool],
        full_service: Option<&[bool]>,
        budget: usize,
    ) -> Result<Self, BudgetExceeded> {
        let level = variable_order(g);
        let mut b = Builder {
            g,
            bdd: Bdd::new(budget),
            level,
            forced_down,
            replica_up: Vec::new(),
            replicas_ok: vec![None; g.len()],
            up: vec![None; g.len()],
            mark: vec![0; g.len()],
            stamp: 0,
        };
        b.replica_functions()?;
        if cycle_through_threshold(g) {
            b.fixpoint_all()?;
        } else {
            for e in (0..g.len() as u32).filter(|&e| g.is_entry[e as usize]) {
                b.up(e)?;
            }
        }
        let mut full = vec![None; g.len()];
        if let Some(baseline_down) = full_service {
            for e in (0..g.len() as u32).filter(|&e| g.is_entry[e as usize]) {
                full[e as usize] = Some(b.full_service(e, baseline_down)?);
            }
        }
        Ok(Self {
            bdd: b.bdd,
            level: b.level,
            up: b.up,
            full,
        })
    }

    /// The diagram of "component c is up"; every entry has one.
    pub fn root(&self, c: u32) -> NodeId {
        self.up[c as usize].unwrap_or(FALSE)
    }

    /// The diagram of "everything entry c reaches is up", when it was built.
    pub fn full_service_root(&self, c: u32) -> Option<NodeId> {
        self.full[c as usize]
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

/// A component whose hard dependencies are a k-of-n vote rather than "all of them".
fn is_threshold(g: &FailureGraph, c: u32) -> bool {
    g.need[c as usize] as usize != g.hard_deps(c).len()
}

/// Whether some dependency cycle passes through a k-of-n component: only then do
/// structure functions need fixpoint iteration.
fn cycle_through_threshold(g: &FailureGraph) -> bool {
    g.blocks.iter().any(|b| {
        b.cyclic
            && g.order[b.start as usize..b.end as usize]
                .iter()
                .any(|&c| is_threshold(g, c))
    })
}

struct Builder<'a> {
    g: &'a FailureGraph,
    bdd: Bdd,
    level: Vec<u32>,
    forced_down: &'a [bool],
    replica_up: Vec<NodeId>,
    replicas_ok: Vec<Option<NodeId>>,
    up: Vec<Option<NodeId>>,
    mark: Vec<u32>,
    stamp: u32,
}

impl Builder<'_> {
    fn replica_functions(&mut self) -> Result<(), BudgetExceeded> {
        let g = self.g;
        let regions = g.region_ids.len() as u32;
        for e in g.first_replica()..g.structural_events() {
            let mut f = self.bdd.var(self.level[e as usize])?;
            if let Some(z) = g.zone_of(e) {
                let zone = self.bdd.var(self.level[(regions + z) as usize])?;
                let region = self
                    .bdd
                    .var(self.level[g.zone_region[z as usize] as usize])?;
                let domain = self.bdd.and(region, zone)?;
                f = self.bdd.and(domain, f)?;
            }
            self.replica_up.push(f);
        }
        Ok(())
    }

    /// "Enough replicas of c are up and none of its outage events happened" (false when
    /// c is forced down).
    fn replicas_ok(&mut self, c: u32) -> Result<NodeId, BudgetExceeded> {
        if let Some(f) = self.replicas_ok[c as usize] {
            return Ok(f);
        }
        let g = self.g;
        let f = if self.forced_down[c as usize] {
            FALSE
        } else {
            let first = g.first_replica();
            let r = g.replicas(c);
            let inputs =
                self.replica_up[(r.start - first) as usize..(r.end - first) as usize].to_vec();
            let mut f = self
                .bdd
                .at_least(&inputs, g.k_replicas[c as usize] as usize)?;
            // Outage variables sit just above the replicas: conjoin from the bottom up.
            for e in g.outages(c).rev() {
                let v = self.bdd.var(self.level[e as usize])?;
                f = self.bdd.and(v, f)?;
            }
            f
        };
        self.replicas_ok[c as usize] = Some(f);
        Ok(f)
    }

    /// "Every component entry e reaches through hard or soft dependencies is up" (those
    /// down at baseline left out). That is the conjunction of their own rules: each
    /// one's live hard dependencies are in the closure too, and with all of them up its
    /// `needs` holds as it does at baseline.
    fn full_service(&mut self, e: u32, baseline_down: &[bool]) -> Result<NodeId, BudgetExceeded> {
        let closure = self.g.closure(e, baseline_down);
        if closure.is_empty() {
            return Ok(FALSE);
        }
        let mut factors = Vec::with_capacity(closure.len());
        for &x in &closure {
            let f = self.replicas_ok(x)?;
            if f != TRUE {
                factors.push((self.depth_key(x), f));
            }
        }
        self.conjoin(factors)
    }

    /// AND of `(key, f)` factors, deepest key first: each step then only walks the new
    /// factor, and the whole product costs about the size of the result.
    fn conjoin(&mut self, mut factors: Vec<(u32, NodeId)>) -> Result<NodeId, BudgetExceeded> {
        factors.sort_unstable_by_key(|&(key, _)| std::cmp::Reverse(key));
        let mut acc = TRUE;
        for (_, f) in factors {
            acc = self.bdd.and(f, acc)?;
            if acc == FALSE {
                break;
            }
        }
        Ok(acc)
    }

    /// "c is up", built as one conjunction over everything c needs through `All`
    /// dependencies, with k-of-n components as opaque factors. Only the components
    /// that need a diagram get one, so a long chain costs one diagram, not one per link.
    /// Requires that no cycle passes through a k-of-n component.
    fn up(&mut self, c: u32) -> Result<NodeId, BudgetExceeded> {
        if let Some(f) = self.up[c as usize] {
            return Ok(f);
        }
        let g = self.g;
        self.stamp += 1;
        let stamp = self.stamp;
        let mut closure = Vec::new();
        let mut stack = vec![c];
        self.mark[c as usize] = stamp;
        while let Some(x) = stack.pop() {
            closure.push(x);
            if is_threshold(g, x) {
                continue;
            }
            for &d in g.hard_deps(x) {
                if self.mark[d as usize] != stamp {
                    self.mark[d as usize] = stamp;
                    stack.push(d);
                }
            }
        }
        let mut factors = Vec::with_capacity(closure.len());
        for &x in &closure {
            let f = self.replicas_ok(x)?;
            factors.push((self.depth_key(x), f));
            if is_threshold(g, x) {
                let mut inputs = Vec::with_capacity(g.hard_deps(x).len());
                for &d in g.hard_deps(x) {
                    inputs.push(self.up(d)?);
                }
                let votes = self.bdd.at_least(&inputs, g.need[x as usize] as usize)?;
                let key = self.bdd.min_level_from(votes, g.first_replica());
                factors.push((key, votes));
            }
        }
        let acc = self.conjoin(factors)?;
        self.up[c as usize] = Some(acc);
        Ok(acc)
    }

    /// Where c's own variables start in the order (none: after everything).
    fn depth_key(&self, c: u32) -> u32 {
        self.g
            .own_events(c)
            .map(|e| self.level[e as usize])
            .min()
            .unwrap_or(u32::MAX)
    }

    /// General construction for cycles through k-of-n components: every component's
    /// diagram, iterated per strongly connected block to the greatest fixpoint.
    fn fixpoint_all(&mut self) -> Result<(), BudgetExceeded> {
        let g = self.g;
        let mut up = vec![TRUE; g.len()];
        let mut inputs = Vec::new();
        for block in &g.blocks {
            let members = &g.order[block.start as usize..block.end as usize];
            loop {
                let mut changed = false;
                for &c in members {
                    inputs.clear();
                    inputs.extend(g.hard_deps(c).iter().map(|&d| up[d as usize]));
                    let deps = self.bdd.at_least(&inputs, g.need[c as usize] as usize)?;
                    let own = self.replicas_ok(c)?;
                    let f = self.bdd.and(own, deps)?;
                    if f != up[c as usize] {
                        up[c as usize] = f;
                        changed = true;
                    }
                }
                if !block.cyclic || !changed {
                    break;
                }
            }
        }
        self.up = up.into_iter().map(Some).collect();
        Ok(())
    }
}

/// Regions, then zones, then each component's own events together (outage events, then
/// replicas) in DFS order from the entries along hard dependencies: failure domains on
/// top keep the diagram small.
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
            for e in g.outages(c).chain(g.replicas(c)) {
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
