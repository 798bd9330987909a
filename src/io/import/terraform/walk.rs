//! The reference walk from a resource to the components it reaches, within a budget of
//! steps so that an entangled file is refused instead of searched forever.

use std::collections::{HashMap, VecDeque};

use super::role::Role;
use super::{Plan, WALK_BUDGET};

/// The reference walk from a resource to the components it reaches directly or through
/// resources that are not components (launch templates, task definitions, module values),
/// over the references numbered once.
pub(super) struct Walk {
    node: HashMap<String, usize>,
    /// Each node's references, and whether they are soft.
    out: Vec<Vec<(usize, bool)>>,
    /// The component (resource index) a node stands for.
    owner: Vec<Option<usize>>,
    /// Whether the walk goes on through a node that is no component.
    passes: Vec<bool>,
    budget: usize,
    epoch: u32,
    /// Per node: the epoch it was last reached in, and whether only softly.
    reached: Vec<(u32, bool)>,
}

impl Walk {
    pub(super) fn new(plan: &Plan<'_>, owners: &HashMap<String, usize>) -> Self {
        let mut node: HashMap<String, usize> = HashMap::new();
        let intern = |key: &str, node: &mut HashMap<String, usize>| {
            let n = node.len();
            *node.entry(key.to_owned()).or_insert(n)
        };
        let mut out: Vec<Vec<(usize, bool)>> = Vec::new();
        for (from, list) in &plan.edges {
            let f = intern(from, &mut node);
            let targets: Vec<(usize, bool)> = list
                .iter()
                .map(|(to, soft)| (intern(to, &mut node), *soft))
                .collect();
            out.resize(node.len(), Vec::new());
            out[f] = targets;
        }
        out.resize(node.len(), Vec::new());
        let mut owner = vec![None; node.len()];
        let mut passes = vec![true; node.len()];
        for (key, &n) in &node {
            owner[n] = owners.get(key).copied();
            passes[n] = plan
                .resource(key)
                .is_none_or(|r| !matches!(r.role, Role::TargetGroup | Role::NotFollowed));
        }
        let nodes = node.len();
        Walk {
            node,
            out,
            owner,
            passes,
            budget: WALK_BUDGET,
            epoch: 0,
            reached: vec![(0, false); nodes],
        }
    }

    /// The components `from` reaches, each with whether only through soft references, in
    /// index order; `None` when the budget is spent.
    pub(super) fn reach(&mut self, from: &str) -> Option<Vec<(usize, bool)>> {
        let Some(&start) = self.node.get(from) else {
            return Some(Vec::new());
        };
        self.epoch += 1;
        let epoch = self.epoch;
        let mut found: Vec<(usize, bool)> = Vec::new();
        let mut queue: VecDeque<(usize, bool)> = VecDeque::from([(start, false)]);
        self.reached[start] = (epoch, false);
        while let Some((n, soft)) = queue.pop_front() {
            for &(to, edge_soft) in &self.out[n] {
                self.budget = self.budget.checked_sub(1)?;
                let soft = soft || edge_soft;
                let (seen, was_soft) = self.reached[to];
                let better = seen != epoch || (was_soft && !soft);
                if !better {
                    continue;
                }
                self.reached[to] = (epoch, soft);
                if let Some(j) = self.owner[to] {
                    found.push((j, soft));
                } else if self.passes[to] {
                    queue.push_back((to, soft));
                }
            }
        }
        // Hard (`false`) sorts first and is the one kept.
        found.sort_unstable();
        found.dedup_by_key(|(j, _)| *j);
        Some(found)
    }
}
