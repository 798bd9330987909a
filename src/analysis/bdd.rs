//! A reduced ordered binary decision diagram manager for monotone structure functions:
//! nodes in one array, a flat open-addressing unique table, a lossy direct-mapped
//! computed table, and apply loops on explicit stacks (two operands, or all the large
//! inputs of a gate at once), so depth never touches the thread's stack. It builds
//! diagrams only; probabilities are computed elsewhere over compacted copies. The node
//! count is capped by a budget.

use rustc_hash::FxHashMap;

pub type NodeId = u32;
pub const FALSE: NodeId = 0;
pub const TRUE: NodeId = 1;

/// Level of the terminals: below every variable.
const TERMINAL_LEVEL: u32 = u32::MAX;
/// Computed-table slots at most (16 bytes each).
const MAX_CACHE_SLOTS: usize = 1 << 22;
const EMPTY: u32 = u32::MAX;
/// Large inputs one n-ary apply takes at most; a wider gate is folded pairwise.
const NARY_WIDTH: usize = 64;
/// An n-ary apply gives up (the gate is folded pairwise instead) once it has met this
/// many distinct operand sets more than four per node it made: its sets then mostly
/// lead to nodes that exist already, where pairwise steps share the work.
const NARY_SLACK: usize = 1 << 14;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub level: u32,
    pub low: NodeId,
    pub high: NodeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    And = 0,
    Or = 1,
}

impl Op {
    /// The operand that changes nothing and the one that decides the result.
    fn unit_and_zero(self) -> (NodeId, NodeId) {
        match self {
            Op::And => (TRUE, FALSE),
            Op::Or => (FALSE, TRUE),
        }
    }
}

/// The diagram grew past its node budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetExceeded;

#[derive(Clone, Copy)]
struct CacheSlot {
    /// Smaller operand with the operation in the top bit; `EMPTY` when unused.
    a: u32,
    b: u32,
    result: NodeId,
}

/// A step of [`Bdd::nary`].
enum Tuple {
    /// Combine these operands (not yet normalised).
    Apply(Vec<NodeId>),
    /// Both cofactors of the (normalised) operands are on the result stack.
    Make(u32, Vec<NodeId>),
}

#[derive(Clone, Copy)]
enum Task {
    Apply(NodeId, NodeId),
    /// Both cofactors are on the result stack: make the node and remember it for (a, b).
    Make(u32, NodeId, NodeId),
}

pub struct Bdd {
    nodes: Vec<Node>,
    /// Node ids by hash of (level, low, high); 0 marks an empty slot (FALSE is never stored).
    unique: Vec<NodeId>,
    cache: Vec<CacheSlot>,
    budget: usize,
    tasks: Vec<Task>,
    results: Vec<NodeId>,
}

/// A slot in a table of `1 << bits` for the key (a, b, c): multiply-xorshift, top bits.
fn slot(a: u32, b: u32, c: u32, bits: u32) -> usize {
    let mut h = (u64::from(a) << 32 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= u64::from(c).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (h >> (64 - bits)) as usize
}

impl Bdd {
    pub fn new(budget: usize) -> Self {
        let terminal = Node {
            level: TERMINAL_LEVEL,
            low: FALSE,
            high: FALSE,
        };
        Self {
            nodes: vec![terminal, terminal],
            unique: vec![0; 1 << 10],
            cache: vec![
                CacheSlot {
                    a: EMPTY,
                    b: 0,
                    result: 0
                };
                1 << 10
            ],
            budget,
            tasks: Vec::new(),
            results: Vec::new(),
        }
    }

    /// Nodes made so far, terminals included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    pub fn node(&self, id: NodeId) -> Node {
        self.nodes[id as usize]
    }

    /// Level of the variable `id` tests first; terminals are below every level.
    pub fn level(&self, id: NodeId) -> u32 {
        self.nodes[id as usize].level
    }

    /// The function "variable at `level` is true".
    pub fn var(&mut self, level: u32) -> Result<NodeId, BudgetExceeded> {
        self.make(level, FALSE, TRUE)
    }

    /// Let the diagram grow to `budget` nodes (terminals included), keeping every node.
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
    }

    /// Forget every node and start again within `budget`; tables shrink back if large.
    pub fn reset(&mut self, budget: usize) {
        self.nodes.truncate(2);
        self.budget = budget;
        if self.unique.len() > 1 << 16 {
            self.unique = vec![0; 1 << 10];
            self.cache = vec![
                CacheSlot {
                    a: EMPTY,
                    b: 0,
                    result: 0
                };
                1 << 10
            ];
        } else {
            self.unique.fill(0);
            self.cache.fill(CacheSlot {
                a: EMPTY,
                b: 0,
                result: 0,
            });
        }
    }

    /// The node "if the variable at `level` then `high` else `low`"; `level` must be
    /// above every level `low` and `high` test.
    pub fn decision(
        &mut self,
        level: u32,
        low: NodeId,
        high: NodeId,
    ) -> Result<NodeId, BudgetExceeded> {
        self.make(level, low, high)
    }

    fn make(&mut self, level: u32, low: NodeId, high: NodeId) -> Result<NodeId, BudgetExceeded> {
        if low == high {
            return Ok(low);
        }
        let mask = self.unique.len() - 1;
        let mut slot = slot(level, low, high, self.unique.len().trailing_zeros());
        loop {
            let id = self.unique[slot];
            if id == 0 {
                break;
            }
            let n = self.nodes[id as usize];
            if n.level == level && n.low == low && n.high == high {
                return Ok(id);
            }
            slot = (slot + 1) & mask;
        }
        if self.nodes.len() >= self.budget {
            return Err(BudgetExceeded);
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node { level, low, high });
        self.unique[slot] = id;
        if self.nodes.len() * 2 > self.unique.len() {
            self.grow();
        }
        Ok(id)
    }

    /// Double the unique table (and the computed table up to its cap) and rehash.
    fn grow(&mut self) {
        let size = self.unique.len() * 2;
        let mask = size - 1;
        let bits = size.trailing_zeros();
        let mut unique = vec![0; size];
        for (id, n) in self.nodes.iter().enumerate().skip(2) {
            let mut slot = slot(n.level, n.low, n.high, bits);
            while unique[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            unique[slot] = id as NodeId;
        }
        self.unique = unique;
        if self.cache.len() < MAX_CACHE_SLOTS && self.cache.len() < size {
            // The results computed so far move into the larger table: dropping them at
            // each doubling made a growing diagram compute its early operations again.
            let old = std::mem::replace(
                &mut self.cache,
                vec![
                    CacheSlot {
                        a: EMPTY,
                        b: 0,
                        result: 0
                    };
                    size
                ],
            );
            for entry in old.into_iter().filter(|e| e.a != EMPTY) {
                let slot = self.cache_slot(entry.a, entry.b);
                self.cache[slot] = entry;
            }
        }
    }

    /// `f` with the variable at `level` false and true; `f` itself twice when it does
    /// not test that variable first (`level` must not be below `f`'s top).
    fn cofactors(&self, f: NodeId, level: u32) -> (NodeId, NodeId) {
        let n = self.nodes[f as usize];
        if n.level == level {
            (n.low, n.high)
        } else {
            (f, f)
        }
    }

    pub fn and(&mut self, a: NodeId, b: NodeId) -> Result<NodeId, BudgetExceeded> {
        self.apply(Op::And, a, b)
    }

    pub fn or(&mut self, a: NodeId, b: NodeId) -> Result<NodeId, BudgetExceeded> {
        self.apply(Op::Or, a, b)
    }

    fn terminal_case(op: Op, a: NodeId, b: NodeId) -> Option<NodeId> {
        if a == b {
            return Some(a);
        }
        match op {
            Op::And => {
                if a == FALSE || b == FALSE {
                    Some(FALSE)
                } else if a == TRUE {
                    Some(b)
                } else if b == TRUE {
                    Some(a)
                } else {
                    None
                }
            }
            Op::Or => {
                if a == TRUE || b == TRUE {
                    Some(TRUE)
                } else if a == FALSE {
                    Some(b)
                } else if b == FALSE {
                    Some(a)
                } else {
                    None
                }
            }
        }
    }

    fn cache_slot(&self, key_a: u32, b: NodeId) -> usize {
        slot(key_a, b, 0x5bd1_e995, self.cache.len().trailing_zeros())
    }

    fn apply(&mut self, op: Op, a: NodeId, b: NodeId) -> Result<NodeId, BudgetExceeded> {
        if let Some(r) = Self::terminal_case(op, a, b) {
            return Ok(r);
        }
        let mut tasks = std::mem::take(&mut self.tasks);
        let mut results = std::mem::take(&mut self.results);
        tasks.clear();
        results.clear();
        tasks.push(Task::Apply(a, b));
        let outcome = self.run(op, &mut tasks, &mut results);
        self.tasks = tasks;
        self.results = results;
        outcome
    }

    fn run(
        &mut self,
        op: Op,
        tasks: &mut Vec<Task>,
        results: &mut Vec<NodeId>,
    ) -> Result<NodeId, BudgetExceeded> {
        let tag = (op as u32) << 31;
        while let Some(task) = tasks.pop() {
            match task {
                Task::Apply(a, b) => {
                    if let Some(r) = Self::terminal_case(op, a, b) {
                        results.push(r);
                        continue;
                    }
                    let (a, b) = if a < b { (a, b) } else { (b, a) };
                    let slot = self.cache_slot(a | tag, b);
                    let c = self.cache[slot];
                    if c.a == a | tag && c.b == b {
                        results.push(c.result);
                        continue;
                    }
                    let level = self.level(a).min(self.level(b));
                    let (a_low, a_high) = self.cofactors(a, level);
                    let (b_low, b_high) = self.cofactors(b, level);
                    tasks.push(Task::Make(level, a, b));
                    tasks.push(Task::Apply(a_high, b_high));
                    tasks.push(Task::Apply(a_low, b_low));
                }
                Task::Make(level, a, b) => {
                    let high = results.pop().unwrap_or(FALSE);
                    let low = results.pop().unwrap_or(FALSE);
                    let r = self.make(level, low, high)?;
                    let slot = self.cache_slot(a | tag, b);
                    self.cache[slot] = CacheSlot {
                        a: a | tag,
                        b,
                        result: r,
                    };
                    results.push(r);
                }
            }
        }
        Ok(results.pop().unwrap_or(FALSE))
    }

    /// AND of all inputs ([`Bdd::fold`]).
    pub fn all(&mut self, inputs: &[NodeId]) -> Result<NodeId, BudgetExceeded> {
        self.fold(Op::And, inputs)
    }

    /// OR of all inputs ([`Bdd::fold`]).
    pub fn any(&mut self, inputs: &[NodeId]) -> Result<NodeId, BudgetExceeded> {
        self.fold(Op::Or, inputs)
    }

    /// The operation over all inputs. With three or more that are not single
    /// variables, those are combined first in one n-ary apply ([`Bdd::nary`]) and the
    /// variables folded onto the result: a chain of pairwise steps makes every partial
    /// product, which on the largest published trees (an AND of twenty sub-functions
    /// sharing their events) came to eight times the size of the result.
    fn fold(&mut self, op: Op, inputs: &[NodeId]) -> Result<NodeId, BudgetExceeded> {
        let is_large = |f: NodeId| {
            let n = self.nodes[f as usize];
            f > TRUE && (n.low > TRUE || n.high > TRUE)
        };
        // Counted first so that most gates, which go pairwise, allocate nothing more.
        if (3..=NARY_WIDTH).contains(&inputs.iter().filter(|&&f| is_large(f)).count()) {
            let (large, mut rest): (Vec<NodeId>, Vec<NodeId>) =
                inputs.iter().partition(|&&f| is_large(f));
            if let Some(combined) = self.nary(op, &large, NARY_SLACK)? {
                rest.push(combined);
                return self.fold_pairwise(op, &rest);
            }
        }
        self.fold_pairwise(op, inputs)
    }

    /// The operation over all `inputs` at once: each step splits every operand on the
    /// topmost variable among them and memoises the operand set, so only nodes of the
    /// result's sub-functions are made. `None` when it gave up: more than `slack` sets
    /// beyond four per node made ([`NARY_SLACK`]).
    fn nary(
        &mut self,
        op: Op,
        inputs: &[NodeId],
        slack: usize,
    ) -> Result<Option<NodeId>, BudgetExceeded> {
        let (unit, zero) = op.unit_and_zero();
        let start = self.nodes.len();
        let mut memo: FxHashMap<Vec<NodeId>, NodeId> = FxHashMap::default();
        let mut tasks = vec![Tuple::Apply(inputs.to_vec())];
        let mut results: Vec<NodeId> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Tuple::Apply(mut t) => {
                    if t.contains(&zero) {
                        results.push(zero);
                        continue;
                    }
                    t.retain(|&x| x != unit);
                    t.sort_unstable();
                    t.dedup();
                    match *t.as_slice() {
                        [] => results.push(unit),
                        [f] => results.push(f),
                        [a, b] => results.push(self.apply(op, a, b)?),
                        _ => {
                            if let Some(&r) = memo.get(&t) {
                                results.push(r);
                                continue;
                            }
                            if memo.len() > 4 * (self.nodes.len() - start) + slack {
                                return Ok(None);
                            }
                            let level = t
                                .iter()
                                .map(|&x| self.level(x))
                                .min()
                                .unwrap_or(TERMINAL_LEVEL);
                            let mut low = Vec::with_capacity(t.len());
                            let mut high = Vec::with_capacity(t.len());
                            for &x in &t {
                                let (x_low, x_high) = self.cofactors(x, level);
                                low.push(x_low);
                                high.push(x_high);
                            }
                            tasks.push(Tuple::Make(level, t));
                            tasks.push(Tuple::Apply(high));
                            tasks.push(Tuple::Apply(low));
                        }
                    }
                }
                Tuple::Make(level, t) => {
                    let high = results.pop().unwrap_or(FALSE);
                    let low = results.pop().unwrap_or(FALSE);
                    let r = self.make(level, low, high)?;
                    memo.insert(t, r);
                    results.push(r);
                }
            }
        }
        Ok(Some(results.pop().unwrap_or(unit)))
    }

    /// Inputs combined one at a time, from the one whose top variable is deepest up, so
    /// each step adds a factor above what is already built.
    fn fold_pairwise(&mut self, op: Op, inputs: &[NodeId]) -> Result<NodeId, BudgetExceeded> {
        let mut sorted = inputs.to_vec();
        sorted.sort_unstable_by_key(|&f| std::cmp::Reverse(self.level(f)));
        let (unit, zero) = op.unit_and_zero();
        let mut acc = unit;
        for f in sorted {
            acc = self.apply(op, acc, f)?;
            if acc == zero {
                break;
            }
        }
        Ok(acc)
    }

    /// True where at least `k` of the monotone `inputs` are true: O(n · k) operations,
    /// the inputs taken from the deepest top variable up.
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
        if k == 1 {
            return self.any(inputs);
        }
        let mut sorted = inputs.to_vec();
        sorted.sort_unstable_by_key(|&f| self.level(f));
        // row[j] = at least j of sorted[i..] are true, built from the last input back.
        let mut row = vec![FALSE; k + 1];
        row[0] = TRUE;
        for (i, &f) in sorted.iter().enumerate().rev() {
            let remaining = n - i;
            for j in (1..=k.min(remaining)).rev() {
                let with = self.and(f, row[j - 1])?;
                row[j] = self.or(with, row[j])?;
            }
        }
        Ok(row[k])
    }

    /// Every node reachable from `roots`, each after its children (terminals left out).
    pub fn reachable(&self, roots: &[NodeId]) -> Vec<NodeId> {
        let mut seen = vec![false; self.nodes.len()];
        let mut out = Vec::new();
        let mut stack: Vec<(NodeId, bool)> = Vec::new();
        for &r in roots {
            stack.push((r, false));
            while let Some((n, expanded)) = stack.pop() {
                if n <= TRUE {
                    continue;
                }
                if expanded {
                    out.push(n);
                    continue;
                }
                if seen[n as usize] {
                    continue;
                }
                seen[n as usize] = true;
                let node = self.nodes[n as usize];
                stack.push((n, true));
                stack.push((node.high, false));
                stack.push((node.low, false));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Probability that `f` is true when each level is true with `p[level]`.
    fn probability(bdd: &Bdd, f: NodeId, p: &[f64]) -> f64 {
        let mut value = vec![0.0; bdd.len()];
        value[TRUE as usize] = 1.0;
        for n in bdd.reachable(&[f]) {
            let node = bdd.node(n);
            let pl = p[node.level as usize];
            value[n as usize] =
                pl * value[node.high as usize] + (1.0 - pl) * value[node.low as usize];
        }
        value[f as usize]
    }

    #[test]
    fn two_of_three_has_the_textbook_probability() {
        let mut bdd = Bdd::new(1000);
        let vars: Vec<NodeId> = (0..3).map(|l| bdd.var(l).unwrap_or(FALSE)).collect();
        let f = bdd.at_least(&vars, 2).unwrap_or(FALSE);
        let p: f64 = 0.9;
        let expected = p.powi(3) + 3.0 * p * p * 0.1;
        assert!((probability(&bdd, f, &[p; 3]) - expected).abs() < 1e-15);
    }

    #[test]
    fn and_or_are_canonical() {
        let mut bdd = Bdd::new(1000);
        let (a, b, c) = (
            bdd.var(0).unwrap_or(FALSE),
            bdd.var(1).unwrap_or(FALSE),
            bdd.var(2).unwrap_or(FALSE),
        );
        // a(b + c) = ab + ac
        let left = bdd.or(b, c).and_then(|bc| bdd.and(a, bc)).unwrap_or(FALSE);
        let ab = bdd.and(a, b).unwrap_or(FALSE);
        let ac = bdd.and(a, c).unwrap_or(FALSE);
        let right = bdd.or(ab, ac).unwrap_or(TRUE);
        assert_eq!(left, right);
        assert_eq!(bdd.all(&[a, b, c]), bdd.at_least(&[c, b, a], 3));
        assert_eq!(bdd.any(&[a, b, c]), bdd.at_least(&[b, a, c], 1));
    }

    #[test]
    fn long_chains_need_no_deep_stack() {
        let mut bdd = Bdd::new(1_000_000);
        let vars: Vec<NodeId> = (0..50_000).map(|l| bdd.var(l).unwrap_or(FALSE)).collect();
        let all = bdd.all(&vars).unwrap_or(FALSE);
        // Applying across the whole chain recurses once per level in a recursive apply.
        let half = bdd.all(&vars[..25_000]).unwrap_or(FALSE);
        let other = bdd.all(&vars[25_000..]).unwrap_or(FALSE);
        assert_eq!(bdd.and(half, other), Ok(all));
        let either = bdd.or(all, half).unwrap_or(FALSE);
        assert_eq!(either, half);
        // Three large inputs go to the n-ary apply, which goes down all 50,000 levels.
        let thirds: Vec<NodeId> = vars
            .chunks(16_667)
            .map(|c| bdd.all(c).unwrap_or(FALSE))
            .collect();
        assert_eq!(bdd.all(&thirds), Ok(all));
    }

    /// Sub-functions sharing their variables: ORs of ANDs of pairs from 24 variables,
    /// drawn by a fixed xorshift so the test is the same every run.
    fn shared_functions(bdd: &mut Bdd, count: usize, seed: u64) -> Vec<NodeId> {
        let vars: Vec<NodeId> = (0..24).map(|l| bdd.var(l).unwrap_or(FALSE)).collect();
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 24) as usize
        };
        (0..count)
            .map(|_| {
                let terms: Vec<NodeId> = (0..4)
                    .map(|_| {
                        let (a, b) = (vars[next()], vars[next()]);
                        bdd.and(a, b).unwrap_or(FALSE)
                    })
                    .collect();
                bdd.fold_pairwise(Op::Or, &terms).unwrap_or(FALSE)
            })
            .collect()
    }

    #[test]
    fn nary_apply_makes_the_same_diagram_as_pairwise_steps() {
        for seed in 1..20 {
            let mut bdd = Bdd::new(1_000_000);
            let mut inputs = shared_functions(&mut bdd, 6, seed);
            inputs.push(bdd.var(3).unwrap_or(FALSE));
            for op in [Op::And, Op::Or] {
                let pairwise = bdd.fold_pairwise(op, &inputs);
                assert_eq!(bdd.fold(op, &inputs), pairwise, "seed {seed}, {op:?}");
                let nary = bdd.nary(op, &inputs[..6], NARY_SLACK);
                assert!(matches!(nary, Ok(Some(_))), "seed {seed}, {op:?}");
            }
        }
    }

    #[test]
    fn nary_apply_gives_way_to_pairwise_steps_when_its_sets_lead_nowhere_new() {
        let mut bdd = Bdd::new(1_000_000);
        let inputs = shared_functions(&mut bdd, 8, 7);
        let expected = bdd.fold_pairwise(Op::And, &inputs);
        // Built once, every node exists: a second n-ary apply makes none, so with no
        // slack it gives up at its first memoised set.
        assert!(bdd.nary(Op::And, &inputs, NARY_SLACK).is_ok());
        assert_eq!(bdd.nary(Op::And, &inputs, 0), Ok(None));
        assert_eq!(bdd.all(&inputs), expected);
    }

    #[test]
    fn nary_apply_stops_at_the_budget() {
        let mut bdd = Bdd::new(1_000_000);
        let inputs = shared_functions(&mut bdd, 6, 3);
        bdd.set_budget(bdd.len());
        assert_eq!(bdd.nary(Op::And, &inputs, NARY_SLACK), Err(BudgetExceeded));
    }

    #[test]
    fn budget_stops_growth() {
        let mut bdd = Bdd::new(3);
        assert!(bdd.var(0).is_ok());
        assert_eq!(bdd.var(1), Err(BudgetExceeded));
    }
}
