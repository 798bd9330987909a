//! A reduced ordered binary decision diagram specialised for monotone structure
//! functions and their probability. Only AND and OR are needed: k-of-n over monotone
//! inputs is `(f ∧ T(n-1, k-1)) ∨ T(n-1, k)`. Node count is capped by a budget.

use std::collections::HashMap;

pub type NodeId = u32;
pub const FALSE: NodeId = 0;
pub const TRUE: NodeId = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Node {
    level: u32,
    low: NodeId,
    high: NodeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Op {
    And,
    Or,
}

/// The diagram grew past its node budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetExceeded;

pub struct Bdd {
    nodes: Vec<Node>,
    unique: HashMap<Node, NodeId>,
    cache: HashMap<(Op, NodeId, NodeId), NodeId>,
    budget: usize,
}

impl Bdd {
    pub fn new(budget: usize) -> Self {
        let terminal = Node {
            level: u32::MAX,
            low: 0,
            high: 0,
        };
        Self {
            nodes: vec![terminal, terminal],
            unique: HashMap::new(),
            cache: HashMap::new(),
            budget,
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    /// The function "variable at `level` is true" (the event has not happened).
    pub fn var(&mut self, level: u32) -> Result<NodeId, BudgetExceeded> {
        self.make(level, FALSE, TRUE)
    }

    fn make(&mut self, level: u32, low: NodeId, high: NodeId) -> Result<NodeId, BudgetExceeded> {
        if low == high {
            return Ok(low);
        }
        let node = Node { level, low, high };
        if let Some(&id) = self.unique.get(&node) {
            return Ok(id);
        }
        if self.nodes.len() >= self.budget {
            return Err(BudgetExceeded);
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        self.unique.insert(node, id);
        Ok(id)
    }

    pub fn and(&mut self, a: NodeId, b: NodeId) -> Result<NodeId, BudgetExceeded> {
        self.apply(Op::And, a, b)
    }

    pub fn or(&mut self, a: NodeId, b: NodeId) -> Result<NodeId, BudgetExceeded> {
        self.apply(Op::Or, a, b)
    }

    fn apply(&mut self, op: Op, a: NodeId, b: NodeId) -> Result<NodeId, BudgetExceeded> {
        match (op, a, b) {
            (Op::And, FALSE, _) | (Op::And, _, FALSE) => return Ok(FALSE),
            (Op::And, TRUE, x) | (Op::And, x, TRUE) => return Ok(x),
            (Op::Or, TRUE, _) | (Op::Or, _, TRUE) => return Ok(TRUE),
            (Op::Or, FALSE, x) | (Op::Or, x, FALSE) => return Ok(x),
            _ if a == b => return Ok(a),
            _ => {}
        }
        let key = (op, a.min(b), a.max(b));
        if let Some(&r) = self.cache.get(&key) {
            return Ok(r);
        }
        let (na, nb) = (self.nodes[a as usize], self.nodes[b as usize]);
        let level = na.level.min(nb.level);
        let (a_low, a_high) = if na.level == level {
            (na.low, na.high)
        } else {
            (a, a)
        };
        let (b_low, b_high) = if nb.level == level {
            (nb.low, nb.high)
        } else {
            (b, b)
        };
        let low = self.apply(op, a_low, b_low)?;
        let high = self.apply(op, a_high, b_high)?;
        let r = self.make(level, low, high)?;
        self.cache.insert(key, r);
        Ok(r)
    }

    /// The smallest level at or below `from` that `f` tests, or `u32::MAX` if none.
    pub fn min_level_from(&self, f: NodeId, from: u32) -> u32 {
        let mut best = u32::MAX;
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![f];
        while let Some(n) = stack.pop() {
            if n < 2 || !seen.insert(n) {
                continue;
            }
            let node = self.nodes[n as usize];
            if node.level >= from {
                best = best.min(node.level);
                continue;
            }
            stack.push(node.low);
            stack.push(node.high);
        }
        best
    }

    /// AND of all inputs.
    pub fn all(&mut self, inputs: &[NodeId]) -> Result<NodeId, BudgetExceeded> {
        let mut acc = TRUE;
        for &f in inputs {
            acc = self.and(acc, f)?;
        }
        Ok(acc)
    }

    /// True where at least `k` of the monotone `inputs` are true: O(n · k) operations.
    pub fn at_least(&mut self, inputs: &[NodeId], k: usize) -> Result<NodeId, BudgetExceeded> {
        let n = inputs.len();
        if k == 0 {
            return Ok(TRUE);
        }
        if k > n {
            return Ok(FALSE);
        }
        if k == n {
            return self.all(inputs);
        }
        // row[j] = at least j of inputs[i..] are true, built from the last input back.
        let mut row = vec![FALSE; k + 1];
        row[0] = TRUE;
        for (i, &f) in inputs.iter().enumerate().rev() {
            let remaining = n - i;
            for j in (1..=k.min(remaining)).rev() {
                let with = self.and(f, row[j - 1])?;
                row[j] = self.or(with, row[j])?;
            }
        }
        Ok(row[k])
    }

    /// Probability that each node's function is false, given per-level probabilities
    /// that the variable is false. Returned for every node (children come first).
    pub fn unavailability(&self, q_level: &[f64]) -> Vec<f64> {
        let mut q = vec![0.0; self.nodes.len()];
        q[FALSE as usize] = 1.0;
        q[TRUE as usize] = 0.0;
        for (i, n) in self.nodes.iter().enumerate().skip(2) {
            let ql = q_level[n.level as usize];
            q[i] = ql * q[n.low as usize] + (1.0 - ql) * q[n.high as usize];
        }
        q
    }

    /// Birnbaum importance of every level for `root`: ∂P(root true)/∂P(level true),
    /// i.e. P(up | variable up) − P(up | variable down). Uses the per-node
    /// unavailabilities from [`Bdd::unavailability`].
    pub fn birnbaum(&self, root: NodeId, q_level: &[f64], q_node: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        if root < 2 {
            return;
        }
        let mut reach = vec![0.0; root as usize + 1];
        reach[root as usize] = 1.0;
        for i in (2..=root as usize).rev() {
            let r = reach[i];
            if r == 0.0 {
                continue;
            }
            let n = self.nodes[i];
            let ql = q_level[n.level as usize];
            out[n.level as usize] += r * (q_node[n.low as usize] - q_node[n.high as usize]);
            // Children are always created before their parents: lower ids.
            reach[n.low as usize] += r * ql;
            reach[n.high as usize] += r * (1.0 - ql);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_of_three_has_the_textbook_probability() {
        let mut bdd = Bdd::new(1000);
        let vars: Vec<NodeId> = (0..3).map(|l| bdd.var(l).unwrap_or(FALSE)).collect();
        let f = bdd.at_least(&vars, 2).unwrap_or(FALSE);
        let q = [0.1, 0.1, 0.1];
        let qn = bdd.unavailability(&q);
        let p: f64 = 0.9;
        let expected = p.powi(3) + 3.0 * p * p * 0.1;
        assert!((1.0 - qn[f as usize] - expected).abs() < 1e-15);
    }

    #[test]
    fn birnbaum_of_a_series_pair_is_the_other_availability() {
        let mut bdd = Bdd::new(1000);
        let a = bdd.var(0).unwrap_or(FALSE);
        let b = bdd.var(1).unwrap_or(FALSE);
        let f = bdd.and(a, b).unwrap_or(FALSE);
        let q = [0.1, 0.2];
        let qn = bdd.unavailability(&q);
        let mut imp = [0.0; 2];
        bdd.birnbaum(f, &q, &qn, &mut imp);
        assert!((imp[0] - 0.8).abs() < 1e-15);
        assert!((imp[1] - 0.9).abs() < 1e-15);
    }

    #[test]
    fn budget_stops_growth() {
        let mut bdd = Bdd::new(3);
        assert!(bdd.var(0).is_ok());
        assert_eq!(bdd.var(1), Err(BudgetExceeded));
    }
}
