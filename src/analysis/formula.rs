//! Monotone formulas over independent events: gates are "at least k of these children
//! are true" (AND, OR and votes alike), hash-consed with constants folded as they are
//! made. [`prepare`] rewrites a formula the way fault-tree engines do before building
//! diagrams: nested gates of the same kind coalesced, arguments that always appear
//! together merged into one gate, modules found by Dutuit & Rauzy's linear-time visit
//! dates and children that only their gate reaches regrouped into new modules. Knows
//! nothing of components, zones or probabilities; every walk is iterative.

use rustc_hash::FxHashMap;

/// A variable (below [`Formula::vars`]), a gate, or a constant.
pub type Lit = u32;
pub const TRUE: Lit = u32::MAX;
pub const FALSE: Lit = u32::MAX - 1;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Gate {
    /// True when at least `k` children are true.
    k: u32,
    children: Vec<Lit>,
}

impl Gate {
    fn is_and(&self) -> bool {
        self.k as usize == self.children.len()
    }

    fn is_or(&self) -> bool {
        self.k == 1
    }

    /// The threshold of this gate rebuilt over `children` children: an AND stays an AND
    /// over all of them, any other gate keeps its k.
    fn rebuilt_k(&self, children: usize) -> usize {
        if self.is_and() {
            children
        } else {
            self.k as usize
        }
    }
}

/// A DAG of threshold gates over variables `0..vars`.
#[derive(Clone, Debug, Default)]
pub struct Formula {
    vars: u32,
    gates: Vec<Gate>,
    consing: FxHashMap<Gate, Lit>,
}

impl Formula {
    pub fn new(vars: usize) -> Self {
        Self {
            vars: vars as u32,
            ..Self::default()
        }
    }

    pub fn vars(&self) -> usize {
        self.vars as usize
    }

    pub fn gate_count(&self) -> usize {
        self.gates.len()
    }

    pub fn is_gate(&self, x: Lit) -> bool {
        x >= self.vars && x < FALSE
    }

    fn gate(&self, x: Lit) -> &Gate {
        &self.gates[(x - self.vars) as usize]
    }

    /// Children of gate `g`.
    pub fn children(&self, g: Lit) -> &[Lit] {
        &self.gate(g).children
    }

    /// The gate is true when at least this many children are.
    pub fn threshold(&self, g: Lit) -> usize {
        self.gate(g).k as usize
    }

    /// True when at least `k` of `children` are; constants folded, AND and OR children
    /// deduplicated, a gate of one child replaced by the child, equal gates shared.
    pub fn at_least(&mut self, k: usize, mut children: Vec<Lit>) -> Lit {
        let mut trues = 0;
        children.retain(|&c| match c {
            TRUE => {
                trues += 1;
                false
            }
            FALSE => false,
            _ => true,
        });
        if trues >= k {
            return TRUE;
        }
        let k = k - trues;
        let n = children.len();
        if k > n {
            return FALSE;
        }
        children.sort_unstable();
        let k = if k == n || k == 1 {
            children.dedup();
            if k == 1 { 1 } else { children.len() }
        } else {
            k
        };
        if children.len() == 1 {
            return children[0];
        }
        let gate = Gate {
            k: k as u32,
            children,
        };
        if let Some(&id) = self.consing.get(&gate) {
            return id;
        }
        let id = self.vars + self.gates.len() as u32;
        self.gates.push(gate.clone());
        self.consing.insert(gate, id);
        id
    }

    pub fn all(&mut self, children: Vec<Lit>) -> Lit {
        let n = children.len();
        self.at_least(n, children)
    }

    pub fn any(&mut self, children: Vec<Lit>) -> Lit {
        self.at_least(1, children)
    }

    /// Parents of each gate among those reachable from `roots`; roots count as shared.
    fn parent_counts(&self, roots: &[Lit]) -> Vec<u32> {
        let mut count = vec![0u32; self.gates.len()];
        let mut stack = Vec::new();
        for &r in roots {
            if self.is_gate(r) {
                let i = (r - self.vars) as usize;
                if count[i] == 0 {
                    stack.push(r);
                }
                count[i] = count[i].saturating_add(2);
            }
        }
        while let Some(g) = stack.pop() {
            for &c in &self.gate(g).children {
                if self.is_gate(c) {
                    let i = (c - self.vars) as usize;
                    if count[i] == 0 {
                        stack.push(c);
                    }
                    count[i] = count[i].saturating_add(1);
                }
            }
        }
        count
    }

    /// Gates reachable from `roots`, each after its children.
    pub fn post_order(&self, roots: &[Lit]) -> Vec<Lit> {
        let mut seen = vec![false; self.gates.len()];
        let mut out = Vec::new();
        let mut stack: Vec<(Lit, usize)> = Vec::new();
        for &r in roots {
            if !self.is_gate(r) || seen[(r - self.vars) as usize] {
                continue;
            }
            seen[(r - self.vars) as usize] = true;
            stack.push((r, 0));
            while let Some(top) = stack.last_mut() {
                let (g, i) = *top;
                let children = &self.gate(g).children;
                if i < children.len() {
                    top.1 += 1;
                    let c = children[i];
                    if self.is_gate(c) && !seen[(c - self.vars) as usize] {
                        seen[(c - self.vars) as usize] = true;
                        stack.push((c, 0));
                    }
                } else {
                    out.push(g);
                    stack.pop();
                }
            }
        }
        out
    }

    /// The same functions with arguments that always appear together under AND gates
    /// (OR gates likewise) merged into one new gate of that kind: a node's AND parents
    /// are its signature, and nodes sharing a signature of two or more gates move
    /// together. Such a group often becomes a module.
    fn merged(&self, roots: &[Lit]) -> (Formula, Vec<Lit>) {
        let mut current = self.clone();
        let mut roots = roots.to_vec();
        for and in [true, false] {
            let order = current.post_order(&roots);
            let size = current.vars as usize + current.gates.len();
            let mut parents: Vec<Vec<Lit>> = vec![Vec::new(); size];
            for &g in &order {
                let gate = current.gate(g);
                let kind = if and { gate.is_and() } else { gate.is_or() };
                if !kind {
                    continue;
                }
                for &c in &gate.children {
                    if c < FALSE {
                        parents[c as usize].push(g);
                    }
                }
            }
            let mut groups: FxHashMap<Vec<Lit>, Vec<Lit>> = FxHashMap::default();
            for (x, p) in parents.into_iter().enumerate() {
                if p.len() >= 2 {
                    let mut p = p;
                    p.sort_unstable();
                    p.dedup();
                    if p.len() >= 2 {
                        groups.entry(p).or_default().push(x as Lit);
                    }
                }
            }
            groups.retain(|_, members| members.len() >= 2);
            if groups.is_empty() {
                continue;
            }
            // For each gate: which of its children go into which new gate.
            let mut out = Formula::new(current.vars as usize);
            let mut map: FxHashMap<Lit, Lit> = FxHashMap::default();
            let mut group_of: FxHashMap<Lit, usize> = FxHashMap::default();
            let mut group_list: Vec<(Vec<Lit>, Vec<Lit>)> = groups.into_iter().collect();
            group_list.sort_unstable();
            for (i, (_, members)) in group_list.iter().enumerate() {
                for &m in members {
                    group_of.insert(m, i);
                }
            }
            let mut group_gate: Vec<Option<Lit>> = vec![None; group_list.len()];
            let lookup = |map: &FxHashMap<Lit, Lit>, x: Lit| -> Lit {
                if current.is_gate(x) { map[&x] } else { x }
            };
            for &g in &order {
                let gate = current.gate(g);
                let kind = if and { gate.is_and() } else { gate.is_or() };
                let mut children = Vec::with_capacity(gate.children.len());
                let mut used: Vec<usize> = Vec::new();
                for &c in &gate.children {
                    match group_of.get(&c) {
                        Some(&i) if kind && group_list[i].0.binary_search(&g).is_ok() => {
                            if !used.contains(&i) {
                                used.push(i);
                            }
                        }
                        _ => children.push(lookup(&map, c)),
                    }
                }
                for i in used {
                    let id = match group_gate[i] {
                        Some(id) => id,
                        None => {
                            let members: Vec<Lit> =
                                group_list[i].1.iter().map(|&m| lookup(&map, m)).collect();
                            let id = if and {
                                out.all(members)
                            } else {
                                out.any(members)
                            };
                            group_gate[i] = Some(id);
                            id
                        }
                    };
                    children.push(id);
                }
                let new = out.at_least(gate.rebuilt_k(children.len()), children);
                map.insert(g, new);
            }
            roots = roots.iter().map(|&r| lookup(&map, r)).collect();
            current = out;
        }
        (current, roots)
    }

    /// The same functions with every AND gate used once by an AND gate merged into it
    /// (OR into OR likewise), keeping only what `roots` reach. Returns the new roots.
    fn coalesced(&self, roots: &[Lit]) -> (Formula, Vec<Lit>) {
        let parents = self.parent_counts(roots);
        let mut out = Formula::new(self.vars as usize);
        let mut map: FxHashMap<Lit, Lit> = FxHashMap::default();
        let lookup = |map: &FxHashMap<Lit, Lit>, x: Lit| -> Lit {
            if self.is_gate(x) { map[&x] } else { x }
        };
        for g in self.post_order(roots) {
            let gate = self.gate(g);
            let (and, or) = (gate.is_and(), gate.is_or());
            let mut children = Vec::with_capacity(gate.children.len());
            let mut k = gate.k as usize;
            for &c in &gate.children {
                let mapped = lookup(&map, c);
                let single = self.is_gate(c) && parents[(c - self.vars) as usize] == 1;
                if single && out.is_gate(mapped) {
                    let inner = out.gate(mapped);
                    if (and && inner.is_and()) || (or && inner.is_or()) {
                        children.extend_from_slice(&inner.children);
                        continue;
                    }
                }
                children.push(mapped);
            }
            if and {
                k = children.len();
            }
            let new = out.at_least(k, children);
            map.insert(g, new);
        }
        let roots = roots.iter().map(|&r| lookup(&map, r)).collect();
        (out, roots)
    }
}

/// Nodes below a gate, each hashed to one of 256 bits: a clear bit proves the node is
/// not below, so a restriction skips whole sub-graphs without walking them.
type Below = [u64; 4];

fn below_bit(x: Lit) -> Below {
    let h = (u64::from(x).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize;
    let mut b = [0; 4];
    b[h >> 6] = 1 << (h & 63);
    b
}

/// Rebuilds a formula while substituting constants for shared nodes.
struct Decomposer {
    out: Formula,
    below: Vec<Below>,
    /// Gates rebuilt by restrictions so far, and how many they may be.
    work: usize,
    limit: usize,
}

impl Decomposer {
    fn make(&mut self, k: usize, children: Vec<Lit>) -> Lit {
        let x = self.out.at_least(k, children);
        while self.below.len() < self.out.gates.len() {
            let mut b = [0; 4];
            for &c in &self.out.gates[self.below.len()].children {
                let own = below_bit(c);
                let inner = if self.out.is_gate(c) {
                    self.below[(c - self.out.vars) as usize]
                } else {
                    [0; 4]
                };
                for i in 0..4 {
                    b[i] |= own[i] | inner[i];
                }
            }
            self.below.push(b);
        }
        x
    }

    /// Whether `x` may be strictly below `g` (never wrong when it says no). Gates are
    /// made after their children, so a gate is never below an older one.
    fn may_contain(&self, g: Lit, x: Lit) -> bool {
        if !self.out.is_gate(g) || (self.out.is_gate(x) && x >= g) {
            return false;
        }
        let b = self.below[(g - self.out.vars) as usize];
        let bit = below_bit(x);
        (0..4).any(|i| b[i] & bit[i] != 0)
    }

    /// `root` with every occurrence of `x` below it replaced by `value`; shared gates on
    /// the way are copied, the rest of the formula keeps the originals.
    fn restrict(&mut self, root: Lit, x: Lit, value: Lit) -> Lit {
        if root == x {
            return value;
        }
        if !self.may_contain(root, x) {
            return root;
        }
        let mut memo: FxHashMap<Lit, Lit> = FxHashMap::default();
        let mut stack = vec![(root, false)];
        while let Some((g, expanded)) = stack.pop() {
            if memo.contains_key(&g) {
                continue;
            }
            if !expanded {
                stack.push((g, true));
                for &c in &self.out.gate(g).children {
                    if self.may_contain(c, x) && !memo.contains_key(&c) {
                        stack.push((c, false));
                    }
                }
                continue;
            }
            self.work += 1;
            let gate = self.out.gate(g);
            let children: Vec<Lit> = gate
                .children
                .iter()
                .map(|&c| {
                    if c == x {
                        value
                    } else {
                        memo.get(&c).copied().unwrap_or(c)
                    }
                })
                .collect();
            let k = gate.k as usize;
            let new = self.make(k, children);
            memo.insert(g, new);
        }
        memo.get(&root).copied().unwrap_or(root)
    }
}

impl Formula {
    /// The same functions with shared nodes decomposed (as SCRAM's preprocessor does):
    /// below an AND gate with child x, every deeper occurrence of x may be taken as
    /// true, since the gate is false whenever x is (x ∧ f(x) = x ∧ f(1)); below an OR
    /// gate, as false (x ∨ f(x) = x ∨ f(0)). Gates shared with other parents are copied
    /// rather than changed. Fewer occurrences of a shared node mean fewer nodes tying
    /// sub-graphs together, hence more and smaller modules. Restrictions stop after
    /// rebuilding a number of gates proportional to the formula's size.
    fn decomposed(&self, roots: &[Lit]) -> (Formula, Vec<Lit>) {
        let order = self.post_order(roots);
        let mut d = Decomposer {
            out: Formula::new(self.vars as usize),
            below: Vec::new(),
            work: 0,
            limit: DECOMPOSE_WORK * (self.vars as usize + order.len()),
        };
        let mut map: FxHashMap<Lit, Lit> = FxHashMap::default();
        let lookup = |map: &FxHashMap<Lit, Lit>, x: Lit| -> Lit {
            if self.is_gate(x) { map[&x] } else { x }
        };
        for g in order {
            let gate = self.gate(g);
            let mut children: Vec<Lit> = gate.children.iter().map(|&c| lookup(&map, c)).collect();
            let value = if gate.is_and() {
                Some(TRUE)
            } else if gate.is_or() {
                Some(FALSE)
            } else {
                None
            };
            if let Some(value) = value {
                for i in 0..children.len() {
                    let x = children[i];
                    if x >= FALSE || d.work >= d.limit {
                        continue;
                    }
                    for (j, child) in children.iter_mut().enumerate() {
                        if j != i {
                            *child = d.restrict(*child, x, value);
                        }
                    }
                }
            }
            let new = d.make(gate.rebuilt_k(children.len()), children);
            map.insert(g, new);
        }
        log::trace!("decomposed common nodes rebuilding {} gates", d.work);
        let roots = roots.iter().map(|&r| lookup(&map, r)).collect();
        (d.out, roots)
    }
}

/// Gates that decomposing common nodes may rebuild, per node of the formula.
const DECOMPOSE_WORK: usize = 64;

/// A formula after preprocessing: coalesced, common arguments merged, modules
/// flagged (and new modules made of children that only their gate reaches).
pub struct Prepared {
    pub f: Formula,
    pub roots: Vec<Lit>,
    /// Per gate (indexed from 0 at `f.vars()`).
    pub is_module: Vec<bool>,
}

impl Prepared {
    pub fn module(&self, x: Lit) -> bool {
        self.f.is_gate(x) && self.is_module[(x - self.f.vars) as usize]
    }
}

/// Preprocess `f` for the functions `roots`.
pub fn prepare(f: &Formula, roots: &[Lit]) -> Prepared {
    let (f, roots) = f.coalesced(roots);
    let (f, roots) = f.decomposed(&roots);
    let (f, roots) = f.coalesced(&roots);
    let (f, roots) = f.merged(&roots);
    let (mut f, roots) = f.coalesced(&roots);
    let dates = visit_dates(&f, &roots);
    let mut is_module = module_flags(&f, &dates);
    regroup(&mut f, &dates, &mut is_module);
    Prepared {
        f,
        roots,
        is_module,
    }
}

/// Visit dates of one depth-first walk, for module detection.
struct Dates {
    enter: Vec<u32>,
    exit: Vec<u32>,
    last: Vec<u32>,
}

/// Enter, exit and last-visit dates of a depth-first walk from `roots` (variables and
/// gates alike, indexed by literal; 0 = never visited).
fn visit_dates(f: &Formula, roots: &[Lit]) -> Dates {
    let size = f.vars as usize + f.gates.len();
    let mut d = Dates {
        enter: vec![0; size],
        exit: vec![0; size],
        last: vec![0; size],
    };
    let mut time = 0u32;
    let mut stack: Vec<(Lit, usize)> = Vec::new();
    let visit = |x: Lit, time: &mut u32, d: &mut Dates, stack: &mut Vec<(Lit, usize)>| {
        *time += 1;
        let i = x as usize;
        if d.enter[i] == 0 {
            d.enter[i] = *time;
            d.last[i] = *time;
            if f.is_gate(x) {
                stack.push((x, 0));
            } else {
                d.exit[i] = *time;
            }
        } else {
            d.last[i] = *time;
        }
    };
    for &r in roots {
        if r >= FALSE {
            continue;
        }
        visit(r, &mut time, &mut d, &mut stack);
        while let Some(top) = stack.last_mut() {
            let (g, i) = *top;
            let children = &f.gate(g).children;
            if i < children.len() {
                top.1 += 1;
                visit(children[i], &mut time, &mut d, &mut stack);
            } else {
                stack.pop();
                time += 1;
                d.exit[g as usize] = time;
            }
        }
    }
    d
}

/// The span of visit dates of `x` and everything below it.
fn span(f: &Formula, d: &Dates, below: &[(u32, u32)], x: Lit) -> (u32, u32) {
    let i = x as usize;
    if f.is_gate(x) {
        let (lo, hi) = below[(x - f.vars) as usize];
        (lo.min(d.enter[i]), hi.max(d.last[i]))
    } else {
        (d.enter[i], d.last[i])
    }
}

/// Dates of everything strictly below each gate, children first (gates ordered by exit).
fn spans_below(f: &Formula, d: &Dates) -> Vec<(u32, u32)> {
    let mut order: Vec<Lit> = (0..f.gates.len() as u32)
        .map(|i| i + f.vars)
        .filter(|&g| d.enter[g as usize] != 0)
        .collect();
    order.sort_unstable_by_key(|&g| d.exit[g as usize]);
    let mut below = vec![(u32::MAX, 0u32); f.gates.len()];
    for g in order {
        let mut lo = u32::MAX;
        let mut hi = 0;
        for &c in &f.gate(g).children {
            let (a, b) = span(f, d, &below, c);
            lo = lo.min(a);
            hi = hi.max(b);
        }
        below[(g - f.vars) as usize] = (lo, hi);
    }
    below
}

/// A gate is a module when everything below it is visited only between its own enter
/// and exit dates: nothing outside reaches its variables (Dutuit & Rauzy 1996).
fn module_flags(f: &Formula, d: &Dates) -> Vec<bool> {
    let below = spans_below(f, d);
    (0..f.gates.len())
        .map(|i| {
            let g = i + f.vars as usize;
            let (lo, hi) = below[i];
            d.enter[g] != 0 && lo > d.enter[g] && hi < d.exit[g]
        })
        .collect()
}

/// Children of an AND or OR gate whose sub-graphs are visited only inside the gate and
/// overlap no other child's become a new gate of the same kind: a new module.
fn regroup(f: &mut Formula, d: &Dates, is_module: &mut Vec<bool>) {
    let below = spans_below(f, d);
    let original = f.gates.len();
    for i in 0..original {
        let g = i + f.vars as usize;
        if d.enter[g] == 0 {
            continue;
        }
        let gate = &f.gates[i];
        if gate.children.len() < 3 || !(gate.is_and() || gate.is_or()) {
            continue;
        }
        let and = gate.is_and();
        let n = gate.children.len();
        let (enter, exit) = (d.enter[g], d.exit[g]);
        let mut spans: Vec<(u32, u32, Lit)> = gate
            .children
            .iter()
            .map(|&c| {
                let (lo, hi) = span(f, d, &below, c);
                (lo, hi, c)
            })
            .collect();
        spans.sort_unstable();
        let mut groups: Vec<(u32, u32, Vec<Lit>)> = Vec::new();
        for (lo, hi, c) in spans {
            match groups.last_mut() {
                Some(last) if lo <= last.1 => {
                    last.1 = last.1.max(hi);
                    last.2.push(c);
                }
                _ => groups.push((lo, hi, vec![c])),
            }
        }
        let mut nonlocal = Vec::new();
        let mut local = Vec::new();
        let mut changed = false;
        for (lo, hi, members) in groups {
            if lo > enter && hi < exit {
                if members.len() >= 2 && members.len() < n {
                    local.push(new_gate(f, is_module, and, members));
                    changed = true;
                } else {
                    local.extend(members);
                }
            } else {
                nonlocal.extend(members);
            }
        }
        // Everything only this gate reaches becomes one module beside what is shared.
        if !nonlocal.is_empty() && local.len() >= 2 {
            let group = new_gate(f, is_module, and, std::mem::take(&mut local));
            local.push(group);
            changed = true;
        }
        if changed {
            nonlocal.extend(local);
            let k = if and { nonlocal.len() } else { 1 };
            f.gates[i] = Gate {
                k: k as u32,
                children: nonlocal,
            };
        }
    }
    // The consing table no longer describes the gates; nothing is added after this.
    f.consing.clear();
}

/// A new AND (or OR) gate over `children`, known to be a module.
fn new_gate(f: &mut Formula, is_module: &mut Vec<bool>, and: bool, children: Vec<Lit>) -> Lit {
    let k = if and { children.len() } else { 1 };
    let id = f.vars + f.gates.len() as u32;
    f.gates.push(Gate {
        k: k as u32,
        children,
    });
    is_module.push(true);
    id
}
