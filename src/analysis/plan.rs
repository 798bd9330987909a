//! Exact probability of preprocessed formulas, compiled once and evaluated many times.
//! Each module of [`formula::prepare`] becomes a context over its own leaves (variables
//! and the modules right below it): plain arithmetic when its children are independent,
//! else a reduced diagram, in whichever of two variable orders (depth-first as SCRAM
//! does, and that order improved by FORCE) first fits a node limit that grows fourfold
//! per round. A module whose diagram outgrows the last limit is split on its most shared
//! leaf (Shannon: P = q·P(f | leaf false) + p·P(f | leaf true)) and both cofactors are
//! compiled again from scratch, where they usually fall apart into new modules; a module
//! met twice (same structure over the same leaves) is compiled once.
//! Contexts then give probabilities bottom-up and derivatives (Birnbaum importance)
//! top-down, and re-evaluate only what a change of a few variables touches. Knows
//! nothing of components or zones.

use rustc_hash::FxHashMap;

use super::bdd::{self, Bdd, BudgetExceeded, NodeId};
use super::formula::{self, FALSE, Formula, Lit, Prepared, TRUE};

/// Nodes one context's diagram may make before the context is split on a leaf instead.
const CONTEXT_NODES: usize = 4_000_000;

/// Rounds of the FORCE variable-order heuristic.
const FORCE_ROUNDS: usize = 20;

/// Nodes the first attempt at a context's diagram may make, in each variable order.
const FIRST_ATTEMPT: usize = 20_000;

/// All diagram attempts of one compilation may make this many times the node budget.
const WORK_FACTOR: usize = 8;

/// Where a context's leaf gets its probability from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Leaf {
    Var(u32),
    /// An output of an earlier context.
    Output {
        context: u32,
        output: u32,
    },
}

/// How a context computes its outputs from its leaves.
#[derive(Clone, Debug)]
enum Body {
    /// One output: at least `k` of the (distinct, independent) leaves are true.
    Threshold { k: u32 },
    /// A compacted diagram: node i ≥ 2 tests leaf `leaf[i]`; 0 and 1 are false and true;
    /// every node comes after its children.
    Diagram {
        leaf: Vec<u32>,
        low: Vec<u32>,
        high: Vec<u32>,
        outputs: Vec<u32>,
    },
}

impl Body {
    fn outputs(&self) -> usize {
        match self {
            Body::Threshold { .. } => 1,
            Body::Diagram { outputs, .. } => outputs.len(),
        }
    }

    fn nodes(&self) -> usize {
        match self {
            Body::Threshold { .. } => 0,
            Body::Diagram { leaf, .. } => leaf.len(),
        }
    }
}

/// Independent leaves and the functions computed over them.
#[derive(Clone, Debug)]
struct Context {
    leaves: Vec<Leaf>,
    body: Body,
    /// Whether output 0 is a module: the only way anything above reaches its leaves.
    module: bool,
}

/// Where a requested root's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Const(bool),
    Leaf(Leaf),
}

/// A compiled formula ready for repeated probability evaluation.
#[derive(Clone, Debug)]
pub struct Plan {
    vars: usize,
    /// Every context after the contexts it uses.
    contexts: Vec<Context>,
    roots: Vec<Source>,
    /// The contexts that use each context's outputs.
    parents: Vec<Vec<u32>>,
    /// The contexts that have each variable among their leaves.
    var_contexts: Vec<Vec<u32>>,
    /// Whether only output 0 of each context is used by others.
    single_output: Vec<bool>,
    nodes: usize,
    work: usize,
}

/// Probabilities of every context's leaves, diagram nodes and outputs for one set of
/// variable probabilities. All values are probabilities of being *false*.
#[derive(Clone, Debug)]
pub struct Values {
    var: Vec<f64>,
    leaf: Vec<Vec<f64>>,
    node: Vec<Vec<f64>>,
    output: Vec<Vec<f64>>,
}

/// A root to re-evaluate, with its derivatives from [`Plan::derivatives`].
#[derive(Clone, Copy, Debug)]
pub struct Wanted<'a> {
    pub root: usize,
    pub by_var: &'a [f64],
    pub by_module: &'a [f64],
}

/// How much a compilation may do.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Diagram nodes kept for evaluation, over all contexts.
    pub nodes: usize,
    /// Nodes one diagram attempt may make before its context is split instead.
    pub context_nodes: usize,
    /// Nodes all diagram attempts may make together.
    pub work: usize,
}

impl Limits {
    pub fn for_budget(budget: usize) -> Self {
        Self {
            nodes: budget,
            context_nodes: CONTEXT_NODES.min(budget),
            work: budget.saturating_mul(WORK_FACTOR),
        }
    }
}

impl Plan {
    /// Preprocess `f` for the functions `roots` and compile it within `budget` nodes.
    pub fn compile(f: &Formula, roots: &[Lit], budget: usize) -> Result<Plan, BudgetExceeded> {
        Self::compile_with(f, roots, Limits::for_budget(budget))
    }

    pub fn compile_with(
        f: &Formula,
        roots: &[Lit],
        limits: Limits,
    ) -> Result<Plan, BudgetExceeded> {
        let mut c = Compiler {
            contexts: Vec::new(),
            bdd: Bdd::new(limits.context_nodes),
            limits,
            kept: 0,
            work: 0,
            cofactors: FxHashMap::default(),
            modules: FxHashMap::default(),
        };
        let identity: Vec<Leaf> = (0..f.vars() as u32).map(Leaf::Var).collect();
        let roots = c.compile(f, roots, &identity)?;
        let mut parents = vec![Vec::new(); c.contexts.len()];
        let mut var_contexts = vec![Vec::new(); f.vars()];
        let mut single_output = vec![true; c.contexts.len()];
        for (i, ctx) in c.contexts.iter().enumerate() {
            for leaf in &ctx.leaves {
                match *leaf {
                    Leaf::Var(v) => var_contexts[v as usize].push(i as u32),
                    Leaf::Output { context, output } => {
                        parents[context as usize].push(i as u32);
                        if output != 0 {
                            single_output[context as usize] = false;
                        }
                    }
                }
            }
        }
        for list in parents.iter_mut().chain(var_contexts.iter_mut()) {
            list.dedup();
        }
        Ok(Plan {
            vars: f.vars(),
            contexts: c.contexts,
            roots,
            parents,
            var_contexts,
            single_output,
            nodes: c.kept,
            work: c.work,
        })
    }

    pub fn vars(&self) -> usize {
        self.vars
    }

    /// Diagram nodes kept for evaluation.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// Diagram nodes made while compiling, failed attempts and garbage included.
    pub fn work(&self) -> usize {
        self.work
    }

    /// Contexts there are (the length [`Plan::derivatives`] wants for `by_module`).
    pub fn contexts(&self) -> usize {
        self.contexts.len()
    }

    /// Probabilities for variable probabilities `q` (each the chance a variable is false).
    pub fn evaluate(&self, q: &[f64]) -> Values {
        let mut values = Values {
            var: q.to_vec(),
            leaf: Vec::with_capacity(self.contexts.len()),
            node: Vec::with_capacity(self.contexts.len()),
            output: Vec::with_capacity(self.contexts.len()),
        };
        for ctx in &self.contexts {
            let leaf: Vec<f64> = ctx
                .leaves
                .iter()
                .map(|&l| leaf_value(l, q, &values.output))
                .collect();
            let (node, output) = body_values(&ctx.body, &leaf);
            values.leaf.push(leaf);
            values.node.push(node);
            values.output.push(output);
        }
        values
    }

    /// Probability that root `r` (by its index in the roots given to `compile`) is false.
    pub fn root(&self, values: &Values, r: usize) -> f64 {
        match self.roots[r] {
            Source::Const(true) => 0.0,
            Source::Const(false) => 1.0,
            Source::Leaf(l) => leaf_value(l, &values.var, &values.output),
        }
    }

    /// ∂P(root true)/∂P(x true) for every variable x (Birnbaum importance) into
    /// `by_var`, and with respect to output 0 of every context into `by_module` (both
    /// overwritten).
    pub fn derivatives(
        &self,
        values: &Values,
        r: usize,
        by_var: &mut [f64],
        by_module: &mut [f64],
    ) {
        by_var.fill(0.0);
        by_module.fill(0.0);
        let (top, output) = match self.roots[r] {
            Source::Const(_) => return,
            Source::Leaf(Leaf::Var(v)) => {
                by_var[v as usize] = 1.0;
                return;
            }
            Source::Leaf(Leaf::Output { context, output }) => (context as usize, output),
        };
        // Contexts come after the contexts they use, so walking down from the root's
        // context meets each one after everything that uses it.
        let mut seed: Vec<Vec<f64>> = Vec::with_capacity(top + 1);
        seed.extend(
            self.contexts[..=top]
                .iter()
                .map(|c| vec![0.0; c.body.outputs()]),
        );
        seed[top][output as usize] = 1.0;
        for c in (0..=top).rev() {
            if seed[c].iter().all(|&s| s == 0.0) {
                continue;
            }
            by_module[c] = seed[c][0];
            let local = local_derivatives(&self.contexts[c], values, c, &seed[c]);
            for (leaf, d) in self.contexts[c].leaves.iter().zip(local) {
                match *leaf {
                    Leaf::Var(v) => by_var[v as usize] += d,
                    Leaf::Output { context, output } => {
                        seed[context as usize][output as usize] += d;
                    }
                }
            }
        }
    }

    /// Each wanted root's probability of being false after the variables in `changes`
    /// take new probabilities, given `values` for the old ones and each root's
    /// derivatives. A single variable moves every root by its derivative (the function
    /// is linear in it); otherwise only the contexts above the changed variables are
    /// re-evaluated, and when they all meet in one module, only up to that module: roots
    /// above it move by their derivative times its change.
    pub fn reevaluate(
        &self,
        values: &Values,
        changes: &[(u32, f64)],
        wanted: &[Wanted],
    ) -> Vec<f64> {
        if let [(v, q)] = *changes {
            let dq = q - values.var[v as usize];
            return wanted
                .iter()
                .map(|w| self.root(values, w.root) + w.by_var[v as usize] * dq)
                .collect();
        }
        let changed_q = |v: u32| changes.iter().find(|c| c.0 == v).map(|c| c.1);
        let (touched, meet) = self.touched(changes.iter().map(|c| c.0));
        let mut new_output: Vec<Vec<f64>> = Vec::with_capacity(touched.len());
        for &c in &touched {
            let ctx = &self.contexts[c as usize];
            let leaf: Vec<f64> = ctx
                .leaves
                .iter()
                .zip(&values.leaf[c as usize])
                .map(|(l, &old)| match *l {
                    Leaf::Var(v) => changed_q(v).unwrap_or(old),
                    Leaf::Output { context, output } => touched
                        .binary_search(&context)
                        .map_or(old, |i| new_output[i][output as usize]),
                })
                .collect();
            new_output.push(body_values(&ctx.body, &leaf).1);
        }
        let meet_delta = meet.and_then(|m| {
            let i = touched.binary_search(&m).ok()?;
            Some((m, new_output[i][0] - values.output[m as usize][0]))
        });
        wanted
            .iter()
            .map(|w| match self.roots[w.root] {
                Source::Const(_) => self.root(values, w.root),
                Source::Leaf(Leaf::Var(v)) => changed_q(v).unwrap_or(values.var[v as usize]),
                Source::Leaf(Leaf::Output { context, output }) => {
                    if let Ok(i) = touched.binary_search(&context) {
                        return new_output[i][output as usize];
                    }
                    let old = values.output[context as usize][output as usize];
                    match meet_delta {
                        Some((m, delta)) => old + w.by_module[m as usize] * delta,
                        None => old,
                    }
                }
            })
            .collect()
    }

    /// The contexts to re-evaluate when `vars` change, children first, and the module
    /// where they all meet if there is one (above it, only its output 0 changes).
    fn touched(&self, vars: impl Iterator<Item = u32>) -> (Vec<u32>, Option<u32>) {
        let mut direct: Vec<u32> = vars
            .flat_map(|v| {
                self.var_contexts
                    .get(v as usize)
                    .into_iter()
                    .flatten()
                    .copied()
            })
            .collect();
        direct.sort_unstable();
        direct.dedup();
        // Chains of single parents from each direct context to the top, if all are.
        let chain = |c: u32| -> Option<Vec<u32>> {
            let mut out = vec![c];
            let mut x = c;
            loop {
                match self.parents[x as usize].as_slice() {
                    [] => return Some(out),
                    [p] => {
                        out.push(*p);
                        x = *p;
                    }
                    _ => return None,
                }
            }
        };
        let chains: Option<Vec<Vec<u32>>> = direct.iter().map(|&c| chain(c)).collect();
        if let Some(chains) = chains {
            let meet = chains.iter().fold(None::<Vec<u32>>, |common, c| {
                let top_down: Vec<u32> = c.iter().rev().copied().collect();
                Some(match common {
                    None => top_down,
                    Some(prev) => prev
                        .iter()
                        .zip(&top_down)
                        .take_while(|(a, b)| a == b)
                        .map(|(a, _)| *a)
                        .collect(),
                })
            });
            if let Some(&m) = meet.as_ref().and_then(|p| p.last()) {
                let ctx = &self.contexts[m as usize];
                if ctx.module && self.single_output[m as usize] {
                    let mut touched: Vec<u32> = chains
                        .iter()
                        .flat_map(|c| c.iter().copied().take_while(move |&x| x != m))
                        .collect();
                    touched.push(m);
                    touched.sort_unstable();
                    touched.dedup();
                    return (touched, Some(m));
                }
            }
        }
        let mut seen = vec![false; self.contexts.len()];
        for &c in &direct {
            seen[c as usize] = true;
        }
        let mut touched = direct;
        let mut i = 0;
        while let Some(&c) = touched.get(i) {
            i += 1;
            for &p in &self.parents[c as usize] {
                if !seen[p as usize] {
                    seen[p as usize] = true;
                    touched.push(p);
                }
            }
        }
        touched.sort_unstable();
        (touched, None)
    }

    /// Work of [`Plan::reevaluate`] for changes in `vars`: leaves and diagram nodes of
    /// the contexts it re-evaluates.
    pub fn reevaluation_cost(&self, vars: &[u32]) -> usize {
        if vars.len() <= 1 {
            return 1;
        }
        let (touched, _) = self.touched(vars.iter().copied());
        touched
            .iter()
            .map(|&c| {
                let ctx = &self.contexts[c as usize];
                ctx.leaves.len() + ctx.body.nodes()
            })
            .sum()
    }
}

fn leaf_value(l: Leaf, var: &[f64], output: &[Vec<f64>]) -> f64 {
    match l {
        Leaf::Var(v) => var[v as usize],
        Leaf::Output { context, output: o } => output[context as usize][o as usize],
    }
}

/// Node and output probabilities (of being false) of a body given its leaves'.
fn body_values(body: &Body, leaf_q: &[f64]) -> (Vec<f64>, Vec<f64>) {
    match body {
        Body::Threshold { k } => (Vec::new(), vec![threshold_q(*k as usize, leaf_q)]),
        Body::Diagram {
            leaf,
            low,
            high,
            outputs,
        } => {
            let mut q = vec![0.0; leaf.len()];
            q[0] = 1.0;
            for i in 2..leaf.len() {
                let ql = leaf_q[leaf[i] as usize];
                q[i] = ql * q[low[i] as usize] + (1.0 - ql) * q[high[i] as usize];
            }
            let out = outputs.iter().map(|&o| q[o as usize]).collect();
            (q, out)
        }
    }
}

/// Σ_o seed[o] · ∂P(output o true)/∂P(leaf true), for each leaf of context `c`.
fn local_derivatives(ctx: &Context, values: &Values, c: usize, seed: &[f64]) -> Vec<f64> {
    let leaf_q = &values.leaf[c];
    match &ctx.body {
        Body::Threshold { k } => threshold_derivatives(*k as usize, leaf_q)
            .into_iter()
            .map(|d| d * seed[0])
            .collect(),
        Body::Diagram {
            leaf,
            low,
            high,
            outputs,
        } => {
            let q = &values.node[c];
            let mut out = vec![0.0; leaf_q.len()];
            let mut reach = vec![0.0; leaf.len()];
            for (&o, &s) in outputs.iter().zip(seed) {
                reach[o as usize] += s;
            }
            for i in (2..leaf.len()).rev() {
                let r = reach[i];
                if r == 0.0 {
                    continue;
                }
                let l = leaf[i] as usize;
                let (lo, hi) = (low[i] as usize, high[i] as usize);
                out[l] += r * (q[lo] - q[hi]);
                let ql = leaf_q[l];
                reach[lo] += r * ql;
                reach[hi] += r * (1.0 - ql);
            }
            out
        }
    }
}

/// Probability that fewer than `k` of independent inputs are true, given each input's
/// probability of being false. Every term is a product of probabilities, never a
/// difference, so tiny results keep their precision.
pub fn threshold_q(k: usize, q: &[f64]) -> f64 {
    let n = q.len();
    if k == 0 {
        return 0.0;
    }
    if k > n {
        return 1.0;
    }
    let falses_needed = n - k + 1;
    if k <= falses_needed {
        // Exact counts of true inputs below k.
        let mut dp = vec![0.0; k];
        dp[0] = 1.0;
        for (i, &qi) in q.iter().enumerate() {
            let pi = 1.0 - qi;
            for t in (1..k.min(i + 2)).rev() {
                dp[t] = dp[t] * qi + dp[t - 1] * pi;
            }
            dp[0] *= qi;
        }
        dp.iter().sum()
    } else {
        // Exact counts of false inputs below `falses_needed`, and a bucket for the rest.
        let m = falses_needed;
        let mut dp = vec![0.0; m];
        dp[0] = 1.0;
        let mut bucket = 0.0;
        for &qi in q {
            let pi = 1.0 - qi;
            bucket += dp[m - 1] * qi;
            for f in (1..m).rev() {
                dp[f] = dp[f] * pi + dp[f - 1] * qi;
            }
            dp[0] *= pi;
        }
        bucket
    }
}

/// ∂P(at least k true)/∂P(input i true) = P(exactly k − 1 of the others true), for
/// each input, from prefix and suffix count distributions.
fn threshold_derivatives(k: usize, q: &[f64]) -> Vec<f64> {
    let n = q.len();
    if k == 0 || k > n {
        return vec![0.0; n];
    }
    // Count whichever kind keeps the distributions short: trues up to k − 1, or falses
    // up to n − k (exactly k − 1 of n − 1 others true ⇔ exactly n − k false).
    let (target, counts_true) = if k - 1 <= n - k {
        (k - 1, true)
    } else {
        (n - k, false)
    };
    let width = target + 1;
    let step = |dist: &mut [f64], qi: f64| {
        let (hit, miss) = if counts_true {
            (1.0 - qi, qi)
        } else {
            (qi, 1.0 - qi)
        };
        for t in (1..dist.len()).rev() {
            dist[t] = dist[t] * miss + dist[t - 1] * hit;
        }
        dist[0] *= miss;
    };
    let mut suffix = vec![0.0; (n + 1) * width];
    suffix[n * width] = 1.0;
    for i in (0..n).rev() {
        let (head, tail) = suffix.split_at_mut((i + 1) * width);
        let row = &mut head[i * width..];
        row.copy_from_slice(&tail[..width]);
        step(row, q[i]);
    }
    let mut prefix = vec![0.0; width];
    prefix[0] = 1.0;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let after = &suffix[(i + 1) * width..(i + 2) * width];
        let d: f64 = (0..=target).map(|t| prefix[t] * after[target - t]).sum();
        out.push(d);
        step(&mut prefix, q[i]);
    }
    out
}

/// Builds contexts, recursively for the cofactors of split contexts.
struct Compiler {
    contexts: Vec<Context>,
    bdd: Bdd,
    limits: Limits,
    kept: usize,
    work: usize,
    /// Formulas already compiled, by the structure of their roots over the leaves
    /// they use.
    cofactors: FxHashMap<Vec<u128>, Vec<Source>>,
    /// Modules already compiled, by their structure: their context.
    modules: FxHashMap<u128, u32>,
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
    /// before its own leaves, the most shared first in both (as SCRAM does).
    fn leaf_order(&self, outputs: &[Lit]) -> Vec<Lit> {
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
            by_sharing(&mut list);
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

impl Compiler {
    /// Compile `f` for `roots`, its variable v standing for `leaf_of_var[v]`; returns
    /// where each root's value comes from.
    fn compile(
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
            let dfs = level.leaf_order(&outputs);
            let forced = force_order(f, &members, &dfs);
            self.portfolio(f, &members, &outputs, [forced, dfs], level)?
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

    /// The diagram of the context in the first variable order that fits, trying each
    /// order with a small node limit, then with four times that, up to the context
    /// limit; past it, split the context on a leaf.
    fn portfolio(
        &mut self,
        f: &Formula,
        members: &[Lit],
        outputs: &[Lit],
        orders: [Vec<Lit>; 2],
        level: &Level,
    ) -> Result<(Body, Vec<Leaf>), BudgetExceeded> {
        let indexed: Vec<FxHashMap<Lit, u32>> = orders
            .iter()
            .map(|o| o.iter().enumerate().map(|(i, &l)| (l, i as u32)).collect())
            .collect();
        let mut limit = FIRST_ATTEMPT.min(self.limits.context_nodes);
        loop {
            for (order, index) in orders.iter().zip(&indexed) {
                if self.work >= self.limits.work {
                    return Err(BudgetExceeded);
                }
                if let Ok(body) = self.diagram(f, members, outputs, index, limit) {
                    return Ok((body, order.iter().map(|&l| level.leaf(l)).collect()));
                }
            }
            if limit >= self.limits.context_nodes {
                break;
            }
            limit = (limit * 4).min(self.limits.context_nodes);
        }
        let leaves: Vec<Leaf> = orders[0].iter().map(|&l| level.leaf(l)).collect();
        self.shannon(f, members, outputs, &orders[0], &indexed[0], &leaves)
    }

    /// The diagram of `members` over leaves numbered by `index`, compacted, if it takes
    /// at most `limit` nodes to make.
    fn diagram(
        &mut self,
        f: &Formula,
        members: &[Lit],
        outputs: &[Lit],
        index: &FxHashMap<Lit, u32>,
        limit: usize,
    ) -> Result<Body, BudgetExceeded> {
        let allowed = limit.min(self.limits.work.saturating_sub(self.work));
        self.bdd.reset(allowed);
        let built = self.build(f, members, index);
        self.work += self.bdd.len();
        let built = built?;
        let roots: Vec<NodeId> = outputs.iter().map(|o| built[o]).collect();
        Ok(self.compact(&roots))
    }

    fn build(
        &mut self,
        f: &Formula,
        members: &[Lit],
        index: &FxHashMap<Lit, u32>,
    ) -> Result<FxHashMap<Lit, NodeId>, BudgetExceeded> {
        let mut built: FxHashMap<Lit, NodeId> = FxHashMap::default();
        let mut inputs = Vec::new();
        for &g in members {
            inputs.clear();
            for &c in f.children(g) {
                let node = match built.get(&c) {
                    Some(&n) => n,
                    None => self.bdd.var(index[&c])?,
                };
                inputs.push(node);
            }
            let node = self.bdd.at_least(&inputs, f.threshold(g))?;
            built.insert(g, node);
        }
        Ok(built)
    }

    /// The nodes reachable from `roots`, renumbered children first.
    fn compact(&self, roots: &[NodeId]) -> Body {
        let order = self.bdd.reachable(roots);
        let mut index: FxHashMap<NodeId, u32> = FxHashMap::default();
        index.insert(bdd::FALSE, 0);
        index.insert(bdd::TRUE, 1);
        let mut leaf = vec![0, 0];
        let mut low = vec![0, 0];
        let mut high = vec![0, 0];
        for n in order {
            let node = self.bdd.node(n);
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
        let mut sides = Vec::with_capacity(2);
        for value in [FALSE, TRUE] {
            let (sub, roots) = cofactor(f, members, outputs, index, pivot as u32, value);
            sides.push(self.compile(&sub, &roots, leaves)?);
        }
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
        Ok((self.compact(&roots), chosen))
    }
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

fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Two independent 64-bit mixes of `h` extended by `x`.
fn extend(h: u128, x: u128) -> u128 {
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
    use proptest::prelude::*;

    use super::*;

    /// Probability that each root is false, by enumerating all assignments.
    fn brute(f: &Formula, roots: &[Lit], q: &[f64]) -> Vec<f64> {
        let n = f.vars();
        let mut out = vec![0.0; roots.len()];
        for mask in 0u32..(1 << n) {
            let value = |v: usize| mask & (1 << v) != 0;
            let p: f64 = (0..n)
                .map(|v| if value(v) { 1.0 - q[v] } else { q[v] })
                .product();
            let mut memo: FxHashMap<Lit, bool> = FxHashMap::default();
            for g in f.post_order(roots) {
                let trues = f
                    .children(g)
                    .iter()
                    .filter(|&&c| {
                        if f.is_gate(c) {
                            memo[&c]
                        } else {
                            value(c as usize)
                        }
                    })
                    .count();
                memo.insert(g, trues >= f.threshold(g));
            }
            for (i, &r) in roots.iter().enumerate() {
                let v = match r {
                    TRUE => true,
                    FALSE => false,
                    _ if f.is_gate(r) => memo[&r],
                    _ => value(r as usize),
                };
                if !v {
                    out[i] += p;
                }
            }
        }
        out
    }

    fn sample() -> (Formula, Vec<Lit>) {
        let mut f = Formula::new(7);
        // A shared sub-formula (0 ∧ 1) under two gates, an independent vote, and a
        // chain of ORs that coalesces.
        let shared = f.all(vec![0, 1]);
        let left = f.any(vec![shared, 2]);
        let right = f.any(vec![shared, 3]);
        let vote = f.at_least(2, vec![4, 5, 6]);
        let inner = f.any(vec![left, 4]);
        let top = f.all(vec![inner, right, vote]);
        let other = f.any(vec![vote, 0]);
        (f, vec![top, other, left, vote, 3, TRUE])
    }

    /// Limits that force every diagram with more than a few nodes to be split.
    fn splitting() -> Limits {
        Limits {
            nodes: 100_000,
            context_nodes: 6,
            work: 100_000,
        }
    }

    fn plans(f: &Formula, roots: &[Lit]) -> Vec<Plan> {
        vec![
            Plan::compile(f, roots, 10_000).unwrap(),
            Plan::compile_with(f, roots, splitting()).unwrap(),
        ]
    }

    #[test]
    fn plan_matches_enumeration() {
        let (f, roots) = sample();
        let q = [0.1, 0.2, 0.3, 0.4, 0.5, 0.25, 0.05];
        for plan in plans(&f, &roots) {
            let values = plan.evaluate(&q);
            let expected = brute(&f, &roots, &q);
            for (i, e) in expected.iter().enumerate() {
                assert!((plan.root(&values, i) - e).abs() < 1e-14, "root {i}");
            }
        }
    }

    #[test]
    fn derivatives_match_finite_conditioning() {
        let (f, roots) = sample();
        let q = [0.1, 0.2, 0.3, 0.4, 0.5, 0.25, 0.05];
        for plan in plans(&f, &roots) {
            let values = plan.evaluate(&q);
            let mut by_var = vec![0.0; f.vars()];
            let mut by_module = vec![0.0; plan.contexts()];
            for r in 0..roots.len() {
                plan.derivatives(&values, r, &mut by_var, &mut by_module);
                for v in 0..f.vars() {
                    let mut up = q.to_vec();
                    up[v] = 0.0;
                    let mut down = q.to_vec();
                    down[v] = 1.0;
                    let expected = brute(&f, &roots, &down)[r] - brute(&f, &roots, &up)[r];
                    assert!((by_var[v] - expected).abs() < 1e-14, "root {r} var {v}");
                }
            }
        }
    }

    #[test]
    fn reevaluation_matches_a_fresh_evaluation() {
        let (f, roots) = sample();
        let q = [0.1, 0.2, 0.3, 0.4, 0.5, 0.25, 0.05];
        for plan in plans(&f, &roots) {
            let values = plan.evaluate(&q);
            let mut derivatives = Vec::new();
            for r in 0..roots.len() {
                let mut by_var = vec![0.0; f.vars()];
                let mut by_module = vec![0.0; plan.contexts()];
                plan.derivatives(&values, r, &mut by_var, &mut by_module);
                derivatives.push((by_var, by_module));
            }
            let wanted: Vec<Wanted> = derivatives
                .iter()
                .enumerate()
                .map(|(root, (by_var, by_module))| Wanted {
                    root,
                    by_var,
                    by_module,
                })
                .collect();
            for changes in [
                vec![(5, 1.0), (6, 0.0)],
                vec![(0, 0.9)],
                vec![(2, 1.0), (3, 0.0)],
                vec![(0, 1.0), (1, 0.0), (4, 0.5)],
            ] {
                let mut q2 = q.to_vec();
                for &(v, x) in &changes {
                    q2[v as usize] = x;
                }
                let expected = plan.evaluate(&q2);
                let got = plan.reevaluate(&values, &changes, &wanted);
                for (r, g) in got.iter().enumerate() {
                    assert!(
                        (g - plan.root(&expected, r)).abs() < 1e-14,
                        "{changes:?} root {r}"
                    );
                }
            }
        }
    }

    /// A random formula: gates over earlier nodes, a few of them roots.
    fn random_formula() -> impl Strategy<Value = (Formula, Vec<Lit>, Vec<f64>)> {
        let gate = (
            1usize..5,
            prop::collection::vec(any::<prop::sample::Index>(), 1..5),
        );
        (
            2usize..8,
            prop::collection::vec(gate, 1..12),
            prop::collection::vec(any::<prop::sample::Index>(), 1..4),
            prop::collection::vec(0.0f64..1.0, 8),
        )
            .prop_map(|(vars, gates, roots, q)| {
                let mut f = Formula::new(vars);
                let mut nodes: Vec<Lit> = (0..vars as u32).collect();
                for (k, children) in gates {
                    let children: Vec<Lit> = children.iter().map(|i| *i.get(&nodes)).collect();
                    let k = k.min(children.len());
                    let g = f.at_least(k, children);
                    nodes.push(g);
                }
                let roots = roots.iter().map(|i| *i.get(&nodes)).collect();
                (f, roots, q[..vars].to_vec())
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn random_plans_match_enumeration((f, roots, q) in random_formula()) {
            for plan in plans(&f, &roots) {
                let values = plan.evaluate(&q);
                let expected = brute(&f, &roots, &q);
                let mut derivatives = Vec::new();
                for (r, e) in expected.iter().enumerate() {
                    prop_assert!((plan.root(&values, r) - e).abs() < 1e-12);
                    let mut by_var = vec![0.0; f.vars()];
                    let mut by_module = vec![0.0; plan.contexts()];
                    plan.derivatives(&values, r, &mut by_var, &mut by_module);
                    for v in 0..f.vars() {
                        let mut up = q.clone();
                        up[v] = 0.0;
                        let mut down = q.clone();
                        down[v] = 1.0;
                        let d = brute(&f, &roots, &down)[r] - brute(&f, &roots, &up)[r];
                        prop_assert!((by_var[v] - d).abs() < 1e-12, "root {} var {}", r, v);
                    }
                    derivatives.push((by_var, by_module));
                }
                let wanted: Vec<Wanted> = derivatives
                    .iter()
                    .enumerate()
                    .map(|(root, (by_var, by_module))| Wanted { root, by_var, by_module })
                    .collect();
                let changes: Vec<(u32, f64)> = (0..f.vars() as u32)
                    .filter(|v| v % 2 == 0)
                    .map(|v| (v, 1.0 - q[v as usize]))
                    .collect();
                let mut q2 = q.clone();
                for &(v, x) in &changes {
                    q2[v as usize] = x;
                }
                let fresh = brute(&f, &roots, &q2);
                for (r, got) in plan.reevaluate(&values, &changes, &wanted).iter().enumerate() {
                    prop_assert!((got - fresh[r]).abs() < 1e-12, "reevaluated root {}", r);
                }
            }
        }
    }

    #[test]
    fn threshold_of_tiny_probabilities_keeps_precision() {
        let q = vec![1e-9; 5];
        // An OR of five: false only if all are.
        assert!((threshold_q(1, &q) / 1e-45 - 1.0).abs() < 1e-12);
        // An AND of five: false if any is, about 5e-9.
        let and = threshold_q(5, &q);
        assert!((and / 5e-9 - 1.0).abs() < 1e-8, "{and}");
    }

    #[test]
    fn threshold_derivative_is_exactly_k_minus_one_of_the_others() {
        let q = [0.1, 0.3, 0.5, 0.2];
        for k in 1..=4 {
            let d = threshold_derivatives(k, &q);
            for i in 0..4 {
                let mut up = q.to_vec();
                up[i] = 0.0;
                let mut down = q.to_vec();
                down[i] = 1.0;
                let expected = threshold_q(k, &down) - threshold_q(k, &up);
                assert!((d[i] - expected).abs() < 1e-15, "k {k} input {i}");
            }
        }
    }
}
