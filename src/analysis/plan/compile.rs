//! Building a plan: contexts, their diagrams and the cofactors of split contexts.

use std::sync::{Arc, LazyLock, Mutex};

use super::*;

/// Builds contexts, recursively for the cofactors of split contexts.
pub(super) struct Compiler<'a> {
    /// Once set, every attempt fails as if the work were used up.
    pub(super) stop: Stop<'a>,
    pub(super) contexts: Vec<Context>,
    pub(super) bdd: Bdd,
    pub(super) limits: Limits,
    pub(super) kept: usize,
    pub(super) work: usize,
    /// Formulas already compiled, by the structure of their roots over the leaves
    /// they use.
    pub(super) cofactors: FxHashMap<Vec<u128>, Vec<Source>>,
    /// Modules already compiled, by their structure: their context.
    pub(super) modules: FxHashMap<u128, u32>,
    /// How many splits the context being built is inside: only contexts of the formula
    /// itself (depth 0) are sampled when no diagram fits them.
    pub(super) depth: u32,
}

/// One formula being compiled: its preprocessed form and where its variables' values
/// come from.
struct Level<'a> {
    p: &'a Prepared,
    leaf_of_var: &'a [Leaf],
    /// Gates using each variable or gate.
    parents: Vec<u32>,
    /// Context of each module once built.
    module_context: FxHashMap<Lit, u32>,
    /// Context and output of every output built so far.
    output_of: FxHashMap<Lit, (u32, u32)>,
    /// Requested roots that are not modules, by the module whose context holds them
    /// (`TRUE` for the top).
    extra: FxHashMap<Lit, Vec<Lit>>,
}

impl Level<'_> {
    fn leaf(&self, x: Lit) -> Leaf {
        if self.p.f.is_gate(x) {
            Leaf::Output {
                context: self.module_context[&x],
                output: 0,
            }
        } else {
            self.leaf_of_var[x as usize]
        }
    }

    fn source(&self, r: Lit) -> Source {
        match r {
            TRUE => Source::Const(true),
            FALSE => Source::Const(false),
            _ if !self.p.f.is_gate(r) => Source::Leaf(self.leaf_of_var[r as usize]),
            _ => {
                let (context, output) = self.output_of.get(&r).copied().unwrap_or((0, 0));
                Source::Leaf(Leaf::Output { context, output })
            }
        }
    }

    /// Non-module gates below `outputs` without crossing a module, each after its
    /// children, and the leaves (variables and modules) they use.
    fn members(&self, outputs: &[Lit]) -> (Vec<Lit>, Vec<Lit>) {
        let f = &self.p.f;
        let mut members = Vec::new();
        let mut leaves = Vec::new();
        let mut seen: FxHashMap<Lit, ()> = FxHashMap::default();
        let mut stack: Vec<(Lit, usize)> = Vec::new();
        for &o in outputs {
            if seen.insert(o, ()).is_some() {
                continue;
            }
            stack.push((o, 0));
            while let Some(top) = stack.last_mut() {
                let (g, i) = *top;
                let children = f.children(g);
                if i < children.len() {
                    top.1 += 1;
                    let c = children[i];
                    if seen.insert(c, ()).is_none() {
                        if f.is_gate(c) && !self.p.module(c) {
                            stack.push((c, 0));
                        } else {
                            leaves.push(c);
                        }
                    }
                } else {
                    members.push(g);
                    stack.pop();
                }
            }
        }
        (members, leaves)
    }

    /// Leaves below `outputs` in variable order: depth-first, each gate's inner gates
    /// before its own leaves, the most shared first in both (as SCRAM does). With
    /// `sizes`, inner gates equally shared go largest first: the big sub-formulas then
    /// sit together at the top instead of being interleaved by the small ones.
    fn leaf_order(&self, outputs: &[Lit], sizes: Option<&FxHashMap<Lit, u64>>) -> Vec<Lit> {
        let f = &self.p.f;
        let by_sharing = |list: &mut Vec<Lit>| {
            list.sort_by_key(|&x| std::cmp::Reverse(self.parents[x as usize]));
        };
        let inner = |g: Lit| -> Vec<Lit> {
            let mut list: Vec<Lit> = f
                .children(g)
                .iter()
                .copied()
                .filter(|&c| f.is_gate(c) && !self.p.module(c))
                .collect();
            match sizes {
                Some(sizes) => list.sort_by_key(|&x| {
                    let size = sizes.get(&x).copied().unwrap_or(0);
                    std::cmp::Reverse((self.parents[x as usize], size))
                }),
                None => by_sharing(&mut list),
            }
            list
        };
        let mut order = Vec::new();
        let mut placed: FxHashMap<Lit, ()> = FxHashMap::default();
        let mut stack: Vec<(Lit, Vec<Lit>, usize)> = Vec::new();
        for &o in outputs {
            if placed.insert(o, ()).is_some() {
                continue;
            }
            stack.push((o, inner(o), 0));
            while let Some(top) = stack.last_mut() {
                if top.2 < top.1.len() {
                    let c = top.1[top.2];
                    top.2 += 1;
                    if placed.insert(c, ()).is_none() {
                        stack.push((c, inner(c), 0));
                    }
                    continue;
                }
                let g = top.0;
                stack.pop();
                let mut leaves: Vec<Lit> = f
                    .children(g)
                    .iter()
                    .copied()
                    .filter(|&c| !f.is_gate(c) || self.p.module(c))
                    .collect();
                by_sharing(&mut leaves);
                for l in leaves {
                    if placed.insert(l, ()).is_none() {
                        order.push(l);
                    }
                }
            }
        }
        order
    }
}

impl Compiler<'_> {
    /// Compile `f` for `roots`, its variable v standing for `leaf_of_var[v]`; returns
    /// where each root's value comes from.
    pub(super) fn compile(
        &mut self,
        f: &Formula,
        roots: &[Lit],
        leaf_of_var: &[Leaf],
    ) -> Result<Vec<Source>, BudgetExceeded> {
        let p = formula::prepare(f, roots);
        let hash = structure_hashes(&p.f, &p.roots, leaf_of_var);
        let roots_key: Vec<u128> = p.roots.iter().map(|&r| node_hash(&hash, r)).collect();
        if let Some(sources) = self.cofactors.get(&roots_key) {
            return Ok(sources.clone());
        }
        let mut parents = vec![0u32; p.f.vars() + p.f.gate_count()];
        for g in p.f.post_order(&p.roots) {
            for &c in p.f.children(g) {
                parents[c as usize] += 1;
            }
        }
        let mut level = Level {
            p: &p,
            leaf_of_var,
            parents,
            module_context: FxHashMap::default(),
            output_of: FxHashMap::default(),
            extra: FxHashMap::default(),
        };
        let owner = owners(&p);
        for &r in &p.roots {
            if p.f.is_gate(r) && !p.module(r) {
                let m = owner.get(&r).copied().unwrap_or(TRUE);
                let list = level.extra.entry(m).or_default();
                if !list.contains(&r) {
                    list.push(r);
                }
            }
        }
        // Modules in post-order, so each context comes after the modules it uses. A module
        // met before (same structure over the same leaves) is not built again, nor is
        // anything inside it.
        let modules: Vec<Lit> =
            p.f.post_order(&p.roots)
                .into_iter()
                .filter(|&g| p.module(g))
                .collect();
        let reusable = level.extra.keys().all(|&k| k == TRUE);
        let mut skip: FxHashMap<Lit, ()> = FxHashMap::default();
        if reusable {
            for &m in modules.iter().rev() {
                let known = self.modules.contains_key(&hash[m as usize]);
                if skip.contains_key(&m) || known {
                    for inner in below_modules(&p, m) {
                        skip.insert(inner, ());
                    }
                }
            }
        }
        for m in modules {
            if skip.contains_key(&m) {
                continue;
            }
            let key = hash[m as usize];
            let id = match self.modules.get(&key) {
                Some(&id) if reusable => id,
                _ => {
                    let id = self.context(&mut level, Some(m))?;
                    if reusable {
                        self.modules.insert(key, id);
                    }
                    id
                }
            };
            level.module_context.insert(m, id);
            level.output_of.insert(m, (id, 0));
        }
        if level.extra.contains_key(&TRUE) {
            self.context(&mut level, None)?;
        }
        let sources: Vec<Source> = p.roots.iter().map(|&r| level.source(r)).collect();
        self.cofactors.insert(roots_key, sources.clone());
        Ok(sources)
    }

    /// Build the context of module `m` (or of the top when `None`).
    fn context(&mut self, level: &mut Level, m: Option<Lit>) -> Result<u32, BudgetExceeded> {
        let p = level.p;
        let f = &p.f;
        let mut outputs: Vec<Lit> = m.into_iter().collect();
        if let Some(extra) = level.extra.get(&m.unwrap_or(TRUE)) {
            outputs.extend_from_slice(extra);
        }
        let (members, found) = level.members(&outputs);
        let simple = members.len() == 1 && outputs.len() == 1 && {
            let children = f.children(members[0]);
            children.len() == found.len()
        };
        let (body, leaves) = if simple {
            // The gate's children are its leaves, distinct and independent.
            let leaves = f
                .children(members[0])
                .iter()
                .map(|&l| level.leaf(l))
                .collect();
            (
                Body::Threshold {
                    k: f.threshold(members[0]) as u32,
                },
                leaves,
            )
        } else {
            let dfs = level.leaf_order(&outputs, None);
            let before = (self.contexts.len(), self.work, self.kept);
            match self.shaped(f, &members, &outputs, dfs, level) {
                Ok(built) => built,
                Err(BudgetExceeded) if self.depth == 0 && outputs.len() == 1 => {
                    self.forget_since(before);
                    log::debug!(
                        "a context of {} gates over {} leaves is sampled",
                        members.len(),
                        found.len()
                    );
                    sampled_body(f, &members, &found, level)
                }
                Err(e) => return Err(e),
            }
        };
        self.kept += body.nodes();
        if self.kept > self.limits.nodes {
            return Err(BudgetExceeded);
        }
        let id = self.contexts.len() as u32;
        for (i, &o) in outputs.iter().enumerate() {
            level.output_of.insert(o, (id, i as u32));
        }
        self.contexts.push(Context {
            leaves,
            body,
            module: m.is_some(),
        });
        Ok(id)
    }

    /// Drop what a context that is sampled instead made: the contexts of its splits (and
    /// the caches naming them) and its nodes, as at `before`. Of its work only half is
    /// given back, so the contexts after it keep half of what was left: however many are
    /// sampled, all attempts together make at most twice the work limit.
    fn forget_since(&mut self, before: (usize, usize, usize)) {
        let (contexts, work, kept) = before;
        self.contexts.truncate(contexts);
        let kept_context = |s: &Source| match *s {
            Source::Leaf(Leaf::Output { context, .. }) => (context as usize) < contexts,
            _ => true,
        };
        self.cofactors
            .retain(|_, sources| sources.iter().all(kept_context));
        self.modules.retain(|_, &mut id| (id as usize) < contexts);
        self.work = work + self.limits.work.saturating_sub(work) / 2;
        self.kept = kept;
    }

    /// The diagram of the context, or its split on a leaf, as [`Compiler::attempts`]
    /// decides; a context shaped like one that took much work earlier in this process
    /// (the same gates over leaves in the same depth-first positions) takes that
    /// outcome instead of its attempts, and is charged the same work, so budgets give
    /// way exactly where they would have.
    fn shaped(
        &mut self,
        f: &Formula,
        members: &[Lit],
        outputs: &[Lit],
        dfs: Vec<Lit>,
        level: &Level,
    ) -> Result<(Body, Vec<Leaf>), BudgetExceeded> {
        let key = shape_key(f, members, outputs, &dfs);
        let known = SHAPES
            .lock()
            .ok()
            .and_then(|shapes| shapes.map.get(&key).cloned());
        if let Some(shape) = known
            && self.work + shape.made <= self.limits.work
        {
            self.work += shape.made;
            if let Some((order, body)) = &shape.diagram {
                let leaves = order.iter().map(|&i| level.leaf(dfs[i as usize])).collect();
                return Ok((body.clone(), leaves));
            }
            let forced = force_order(f, members, &dfs);
            return self.split(f, members, outputs, &forced, level);
        }
        let start = self.work;
        let forced = force_order(f, members, &dfs);
        let mut orders = vec![forced, dfs];
        let sized = || level.leaf_order(outputs, Some(&tree_sizes(f, members)));
        let outcome = self.attempts(f, members, outputs, &mut orders, sized)?;
        let made = self.work - start;
        let diagram = outcome.map(|(which, body)| (orders[which].clone(), body));
        if made >= SHAPE_WORK {
            let position: FxHashMap<Lit, u32> = orders[1]
                .iter()
                .enumerate()
                .map(|(i, &l)| (l, i as u32))
                .collect();
            let kept = diagram
                .as_ref()
                .map(|(order, body)| (order.iter().map(|l| position[l]).collect(), body.clone()));
            remember(
                key,
                Shape {
                    made,
                    diagram: kept,
                },
            );
        }
        match diagram {
            Some((order, body)) => Ok((body, order.iter().map(|&l| level.leaf(l)).collect())),
            None => self.split(f, members, outputs, &orders[0], level),
        }
    }

    /// The diagram of the context in the first variable order that fits, trying the
    /// first two orders with a small node limit, then with four times that, up to the
    /// context limit: the index of the order and the diagram, or `None` when none fits.
    /// After a round where both failed, the one that built more of the gates before
    /// running out goes first: it is the likelier to fit, and the other's attempt is
    /// skipped when it does. Each order's diagram is resumed where the last round
    /// stopped, so a larger limit only pays for the nodes beyond the smaller one.
    ///
    /// The last round brings a third order (`further`, made only then and kept in
    /// `orders` when it differs from the second; it waits so that contexts the first two
    /// fit keep their usually smaller diagrams) and goes up to the context limit in
    /// [`LAST_STEPS`] steps, every order resumed at each: the first to fit wins while the
    /// others have gone no further than it, where one step would have taken each of
    /// them to the context limit before the next was tried.
    fn attempts(
        &mut self,
        f: &Formula,
        members: &[Lit],
        outputs: &[Lit],
        orders: &mut Vec<Vec<Lit>>,
        further: impl FnOnce() -> Vec<Lit>,
    ) -> Result<Option<(usize, Body)>, BudgetExceeded> {
        let mut tries: Vec<Attempt> = orders.iter().map(|o| Attempt::new(o)).collect();
        let mut limit = FIRST_ATTEMPT.min(self.limits.context_nodes);
        let mut previous = 0;
        let mut first = 0;
        while limit < self.limits.context_nodes {
            let mut built = [0; 2];
            for which in [first, 1 - first] {
                if self.out_of_work() {
                    return Err(BudgetExceeded);
                }
                match self.diagram(f, members, outputs, &mut tries[which], limit) {
                    Ok(body) => return Ok(Some((which, body))),
                    Err(gates) => built[which] = gates,
                }
            }
            if built[1 - first] > built[first] {
                first = 1 - first;
            }
            previous = limit;
            limit = (limit * 4).min(self.limits.context_nodes);
        }
        let order = further();
        if order != orders[1] {
            tries.push(Attempt::new(&order));
            orders.push(order);
        }
        for step in 1..=LAST_STEPS {
            let cap = previous + (limit - previous) * step / LAST_STEPS;
            for which in [first, 1 - first].into_iter().chain(2..orders.len()) {
                if self.out_of_work() {
                    return Err(BudgetExceeded);
                }
                if let Ok(body) = self.diagram(f, members, outputs, &mut tries[which], cap) {
                    return Ok(Some((which, body)));
                }
            }
        }
        Ok(None)
    }

    /// Whether the work is used up; it is, from then on, once the compilation is stopped.
    fn out_of_work(&mut self) -> bool {
        if self.stop.now() {
            self.work = self.work.max(self.limits.work);
        }
        self.work >= self.limits.work
    }

    /// Split the context on a leaf of `order` ([`Compiler::shannon`]).
    fn split(
        &mut self,
        f: &Formula,
        members: &[Lit],
        outputs: &[Lit],
        order: &[Lit],
        level: &Level,
    ) -> Result<(Body, Vec<Leaf>), BudgetExceeded> {
        let leaves: Vec<Leaf> = order.iter().map(|&l| level.leaf(l)).collect();
        self.shannon(f, members, outputs, order, &indexed(order), &leaves)
    }

    /// The diagram of `members` in `attempt`'s order, compacted, if it takes at most
    /// `limit` nodes to make; otherwise how many gates are built when the limit is
    /// reached (the attempt keeps them for a larger limit).
    fn diagram(
        &mut self,
        f: &Formula,
        members: &[Lit],
        outputs: &[Lit],
        attempt: &mut Attempt,
        limit: usize,
    ) -> Result<Body, usize> {
        let before = attempt.bdd.len();
        let allowed = limit.min(before + self.limits.work.saturating_sub(self.work));
        attempt.bdd.set_budget(allowed);
        let outcome = attempt.build(f, members);
        self.work += attempt.bdd.len() - before;
        if outcome.is_err() {
            return Err(attempt.built.len());
        }
        let roots: Vec<NodeId> = outputs.iter().map(|o| attempt.built[o]).collect();
        Ok(compact(&attempt.bdd, &roots))
    }

    /// Split the context on its most shared leaf: compile both cofactors, then a small
    /// diagram choosing between them.
    fn shannon(
        &mut self,
        f: &Formula,
        members: &[Lit],
        outputs: &[Lit],
        order: &[Lit],
        index: &FxHashMap<Lit, u32>,
        leaves: &[Leaf],
    ) -> Result<(Body, Vec<Leaf>), BudgetExceeded> {
        let mut uses = vec![0u32; order.len()];
        for &g in members {
            for c in f.children(g) {
                if let Some(&i) = index.get(c) {
                    uses[i as usize] += 1;
                }
            }
        }
        let pivot = (0..order.len())
            .max_by_key(|&i| (uses[i], std::cmp::Reverse(i)))
            .unwrap_or(0);
        log::trace!(
            "split a context of {} gates and {} leaves on a leaf used {} times",
            members.len(),
            order.len(),
            uses[pivot]
        );
        self.depth += 1;
        let sides: Result<Vec<Vec<Source>>, BudgetExceeded> = [FALSE, TRUE]
            .into_iter()
            .map(|value| {
                let (sub, roots) = cofactor(f, members, outputs, index, pivot as u32, value);
                self.compile(&sub, &roots, leaves)
            })
            .collect();
        self.depth -= 1;
        let sides = sides?;
        // Leaves: the pivot, then every distinct leaf the cofactors' roots come from.
        let mut chosen = vec![leaves[pivot]];
        for s in sides.iter().flatten() {
            if let Source::Leaf(l) = *s
                && !chosen.contains(&l)
            {
                chosen.push(l);
            }
        }
        // One node per leaf and one decision per output at most.
        self.bdd.reset(2 + chosen.len() + outputs.len());
        let mut roots = Vec::with_capacity(outputs.len());
        for (low, high) in sides[0].iter().zip(&sides[1]) {
            let node = |bdd: &mut Bdd, s: &Source| -> Result<NodeId, BudgetExceeded> {
                match *s {
                    Source::Const(true) => Ok(bdd::TRUE),
                    Source::Const(false) => Ok(bdd::FALSE),
                    Source::Leaf(l) => {
                        let level = chosen.iter().position(|&x| x == l).unwrap_or(0);
                        bdd.var(level as u32)
                    }
                }
            };
            let lo = node(&mut self.bdd, low)?;
            let hi = node(&mut self.bdd, high)?;
            roots.push(self.bdd.decision(0, lo, hi)?);
        }
        self.work += self.bdd.len();
        Ok((compact(&self.bdd, &roots), chosen))
    }
}

/// One variable order's diagram of a context, built gate by gate; when a node limit
/// stops it, it is resumed from the gate that ran out (the nodes already made and the
/// gates already built stay), so raising the limit never builds anything twice. The
/// attempts at one context keep their diagrams until one fits: up to three times the
/// context limit in memory.
struct Attempt {
    /// Each leaf's level.
    index: FxHashMap<Lit, u32>,
    bdd: Bdd,
    /// The members built so far, a prefix of the context's members.
    built: FxHashMap<Lit, NodeId>,
}

impl Attempt {
    fn new(order: &[Lit]) -> Self {
        Self {
            index: indexed(order),
            bdd: Bdd::new(0),
            built: FxHashMap::default(),
        }
    }

    /// Each member's node into `built`, in `members` order from the first not built
    /// yet, until the diagram's budget is reached.
    fn build(&mut self, f: &Formula, members: &[Lit]) -> Result<(), BudgetExceeded> {
        let mut inputs = Vec::new();
        for &g in &members[self.built.len()..] {
            inputs.clear();
            for &c in f.children(g) {
                let node = match self.built.get(&c) {
                    Some(&n) => n,
                    None => self.bdd.var(self.index[&c])?,
                };
                inputs.push(node);
            }
            let node = self.bdd.at_least(&inputs, f.threshold(g))?;
            self.built.insert(g, node);
        }
        Ok(())
    }
}

/// The gates of a context (`members`, each after its children, the output last) over
/// its leaves `found`, to be sampled, and those leaves.
fn sampled_body(f: &Formula, members: &[Lit], found: &[Lit], level: &Level) -> (Body, Vec<Leaf>) {
    let mut place = indexed(found);
    let leaves = found.len() as u32;
    let mut gates = Vec::with_capacity(members.len());
    for (i, &g) in members.iter().enumerate() {
        let children = f.children(g).iter().map(|c| place[c]).collect();
        gates.push((f.threshold(g) as u32, children));
        place.insert(g, leaves + i as u32);
    }
    let leaves_of: Vec<Leaf> = found.iter().map(|&l| level.leaf(l)).collect();
    let salt = leaves_of.iter().fold(0u64, |h, l| {
        mix(h ^ match *l {
            Leaf::Var(v) => u64::from(v),
            Leaf::Output { context, output } => {
                1 << 63 | u64::from(context) << 24 | u64::from(output)
            }
        })
    });
    let body = Body::Sampled(Gates {
        leaves,
        gates,
        salt,
    });
    (body, leaves_of)
}

/// The nodes of `bdd` reachable from `roots`, renumbered children first.
fn compact(bdd: &Bdd, roots: &[NodeId]) -> Body {
    let order = bdd.reachable(roots);
    let mut index: FxHashMap<NodeId, u32> = FxHashMap::default();
    index.insert(bdd::FALSE, 0);
    index.insert(bdd::TRUE, 1);
    let mut leaf = vec![0, 0];
    let mut low = vec![0, 0];
    let mut high = vec![0, 0];
    for n in order {
        let node = bdd.node(n);
        index.insert(n, leaf.len() as u32);
        leaf.push(node.level);
        low.push(index[&node.low]);
        high.push(index[&node.high]);
    }
    Body::Diagram {
        leaf,
        low,
        high,
        outputs: roots.iter().map(|r| index[r]).collect(),
    }
}

/// Steps of the last round of attempts, from the limit of the round before to the
/// context limit.
const LAST_STEPS: usize = 8;

/// Work a context's attempts must have taken for its outcome to be remembered: cheaper
/// contexts are built again faster than their shape is compared.
pub(super) const SHAPE_WORK: usize = 100_000;

/// Diagram nodes remembered over all shapes (12 bytes each).
const SHAPE_NODES: usize = 4_000_000;

/// What the attempts at a costly context gave: the work they took, and the diagram with
/// its leaves' order (positions in the depth-first order) unless it had to be split.
struct Shape {
    made: usize,
    diagram: Option<(Vec<u32>, Body)>,
}

#[derive(Default)]
struct Shapes {
    map: FxHashMap<Vec<u32>, Arc<Shape>>,
    nodes: usize,
}

/// Costly contexts met in this process, by shape. A recommendation's edited model, the
/// baseline and the analysis compile the same large modules over and over; their
/// diagrams depend only on their shape, not on which events fill the leaves.
static SHAPES: LazyLock<Mutex<Shapes>> = LazyLock::new(Mutex::default);

fn remember(key: Vec<u32>, shape: Shape) {
    let nodes = shape.diagram.as_ref().map_or(0, |(_, body)| body.nodes());
    if let Ok(mut shapes) = SHAPES.lock()
        && shapes.nodes + nodes <= SHAPE_NODES
    {
        shapes.nodes += nodes;
        shapes.map.insert(key, Arc::new(shape));
    }
}

/// The context's gates written out exactly: each member's threshold and children, a
/// child being another member (by its place in `members`, top bit set) or a leaf (by
/// its place in `dfs`), then the outputs. Equal keys are equal functions of the leaves
/// in those places.
fn shape_key(f: &Formula, members: &[Lit], outputs: &[Lit], dfs: &[Lit]) -> Vec<u32> {
    let leaf = indexed(dfs);
    let member = indexed(members);
    let place = |x: &Lit| -> u32 {
        member
            .get(x)
            .map(|&i| i | 1 << 31)
            .or_else(|| leaf.get(x).copied())
            .unwrap_or(u32::MAX)
    };
    let mut key = vec![dfs.len() as u32, members.len() as u32];
    for &g in members {
        let children = f.children(g);
        key.push(f.threshold(g) as u32);
        key.push(children.len() as u32);
        key.extend(children.iter().map(place));
    }
    key.extend(outputs.iter().map(place));
    key
}

/// The size of each member as a tree: leaves counted once per path to them.
fn tree_sizes(f: &Formula, members: &[Lit]) -> FxHashMap<Lit, u64> {
    let mut sizes: FxHashMap<Lit, u64> = FxHashMap::default();
    for &g in members {
        let size = f
            .children(g)
            .iter()
            .map(|c| sizes.get(c).copied().unwrap_or(1))
            .fold(0u64, u64::saturating_add);
        sizes.insert(g, size);
    }
    sizes
}

/// Each literal's place in `list`.
fn indexed(list: &[Lit]) -> FxHashMap<Lit, u32> {
    list.iter()
        .enumerate()
        .map(|(i, &l)| (l, i as u32))
        .collect()
}

/// FORCE (Aloul, Markov & Sakallah 2003): starting from `order`, move every leaf and
/// member gate towards the centre of gravity of the gates it takes part in.
fn force_order(f: &Formula, members: &[Lit], order: &[Lit]) -> Vec<Lit> {
    let mut pos: FxHashMap<Lit, f64> = FxHashMap::default();
    for (i, &l) in order.iter().enumerate() {
        pos.insert(l, i as f64);
    }
    // Gates start after the leaves they use.
    for &g in members {
        let c: f64 = f
            .children(g)
            .iter()
            .map(|c| pos.get(c).copied().unwrap_or(0.0))
            .sum::<f64>()
            / f.children(g).len().max(1) as f64;
        pos.insert(g, c);
    }
    for _ in 0..FORCE_ROUNDS {
        let mut sum: FxHashMap<Lit, (f64, f64)> = FxHashMap::default();
        for &g in members {
            let edge: Vec<Lit> = std::iter::once(g)
                .chain(f.children(g).iter().copied())
                .collect();
            let cog = edge.iter().map(|x| pos[x]).sum::<f64>() / edge.len() as f64;
            for x in edge {
                let e = sum.entry(x).or_insert((0.0, 0.0));
                e.0 += cog;
                e.1 += 1.0;
            }
        }
        let mut all: Vec<(f64, Lit)> = sum.iter().map(|(&x, &(s, n))| (s / n, x)).collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (i, (_, x)) in all.into_iter().enumerate() {
            pos.insert(x, i as f64);
        }
    }
    let mut out = order.to_vec();
    out.sort_by(|a, b| pos[a].total_cmp(&pos[b]));
    out
}

/// The module whose context holds each non-module gate reachable from the roots
/// (`TRUE` standing for the top).
fn owners(p: &Prepared) -> FxHashMap<Lit, Lit> {
    let f = &p.f;
    let mut owner: FxHashMap<Lit, Lit> = FxHashMap::default();
    let mut stack: Vec<(Lit, Lit)> = p
        .roots
        .iter()
        .filter(|&&r| f.is_gate(r))
        .map(|&r| (r, if p.module(r) { r } else { TRUE }))
        .collect();
    let mut seen_module: FxHashMap<Lit, ()> = FxHashMap::default();
    while let Some((g, m)) = stack.pop() {
        if p.module(g) {
            if seen_module.insert(g, ()).is_some() {
                continue;
            }
        } else if owner.insert(g, m).is_some() {
            continue;
        }
        let here = if p.module(g) { g } else { m };
        for &c in f.children(g) {
            if f.is_gate(c) {
                let owner_of_child = if p.module(c) { c } else { here };
                stack.push((c, owner_of_child));
            }
        }
    }
    owner
}

/// The context's gates as a formula over its leaves (variable i is leaf i), with leaf
/// `pivot` fixed to `value`.
fn cofactor(
    f: &Formula,
    members: &[Lit],
    outputs: &[Lit],
    index: &FxHashMap<Lit, u32>,
    pivot: u32,
    value: Lit,
) -> (Formula, Vec<Lit>) {
    let mut sub = Formula::new(index.len());
    let mut map: FxHashMap<Lit, Lit> = FxHashMap::default();
    for &g in members {
        let children: Vec<Lit> = f
            .children(g)
            .iter()
            .map(|c| match index.get(c) {
                Some(&i) if i == pivot => value,
                Some(&i) => i,
                None => map[c],
            })
            .collect();
        let x = sub.at_least(f.threshold(g), children);
        map.insert(g, x);
    }
    let roots = outputs.iter().map(|o| map[o]).collect();
    (sub, roots)
}

/// Modules strictly inside module `m` (reached from it through non-module gates and
/// modules alike).
fn below_modules(p: &Prepared, m: Lit) -> Vec<Lit> {
    let f = &p.f;
    let mut out = Vec::new();
    let mut seen: FxHashMap<Lit, ()> = FxHashMap::default();
    let mut stack = vec![m];
    while let Some(g) = stack.pop() {
        for &c in f.children(g) {
            if f.is_gate(c) && seen.insert(c, ()).is_none() {
                if p.module(c) {
                    out.push(c);
                }
                stack.push(c);
            }
        }
    }
    out
}

/// The splitmix64 finaliser.
pub(super) fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Two independent 64-bit mixes of `h` extended by `x`.
pub(super) fn extend(h: u128, x: u128) -> u128 {
    let (a, b) = ((h >> 64) as u64, h as u64);
    let (xa, xb) = ((x >> 64) as u64, x as u64);
    let a = mix(a.rotate_left(5) ^ xa ^ 0x9E37_79B9_7F4A_7C15);
    let b = mix(b.rotate_left(23) ^ xb.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ 0x2545_F491_4F6C_DD1D);
    u128::from(a) << 64 | u128::from(b)
}

/// A 128-bit name for the function of every variable and gate: variables by the leaf
/// they stand for, gates by their threshold and their children's names (in any order).
/// Equal names are taken for equal functions of the same leaves.
fn structure_hashes(f: &Formula, roots: &[Lit], leaf_of_var: &[Leaf]) -> Vec<u128> {
    let mut hash = vec![0u128; f.vars() + f.gate_count()];
    for (v, leaf) in leaf_of_var.iter().enumerate().take(f.vars()) {
        hash[v] = match *leaf {
            Leaf::Var(x) => extend(1, u128::from(x)),
            Leaf::Output { context, output } => {
                extend(2, u128::from(context) << 32 | u128::from(output))
            }
        };
    }
    for g in f.post_order(roots) {
        let mut children: Vec<u128> = f.children(g).iter().map(|&c| node_hash(&hash, c)).collect();
        children.sort_unstable();
        let mut h = extend(3, f.threshold(g) as u128);
        for c in children {
            h = extend(h, c);
        }
        hash[g as usize] = h;
    }
    hash
}

fn node_hash(hash: &[u128], x: Lit) -> u128 {
    match x {
        TRUE => 4,
        FALSE => 5,
        _ => hash[x as usize],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_attempt_builds_what_a_fresh_one_does() {
        // Pairs (i, i + 6) in a 3-of-6 vote, with the order keeping each pair's ends
        // far apart: a diagram of a few hundred nodes.
        let mut f = Formula::new(12);
        let pairs: Vec<Lit> = (0..6).map(|i| f.all(vec![i, i + 6])).collect();
        let vote = f.at_least(3, pairs);
        let top = f.any(vec![vote, 5]);
        let members = f.post_order(&[top]);
        let order: Vec<Lit> = (0..12).collect();

        let mut fresh = Attempt::new(&order);
        fresh.bdd.set_budget(usize::MAX);
        assert_eq!(fresh.build(&f, &members), Ok(()));

        let mut resumed = Attempt::new(&order);
        let mut limit = 4;
        let mut stops = 0;
        loop {
            resumed.bdd.set_budget(limit);
            match resumed.build(&f, &members) {
                Ok(()) => break,
                Err(BudgetExceeded) => {
                    stops += 1;
                    limit += 5;
                }
            }
        }
        assert!(stops > 10, "stopped {stops} times");
        // The same nodes, none made twice, and the same compacted diagram.
        assert_eq!(resumed.bdd.len(), fresh.bdd.len());
        assert_eq!(
            format!("{:?}", compact(&resumed.bdd, &[resumed.built[&top]])),
            format!("{:?}", compact(&fresh.bdd, &[fresh.built[&top]]))
        );
    }
}
