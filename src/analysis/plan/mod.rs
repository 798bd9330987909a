//! Exact probability of preprocessed formulas, compiled once and evaluated many times.
//! Each module of [`formula::prepare`] becomes a context over its own leaves (variables
//! and the modules right below it): plain arithmetic when its children are independent,
//! else a reduced diagram, in whichever of three variable orders (depth-first as SCRAM
//! does, that order improved by FORCE, and depth-first with the largest sub-formulas
//! first) first fits a node limit that grows fourfold per round. A module whose diagram outgrows the last limit is split on its most shared
//! leaf (Shannon: P = q·P(f | leaf false) + p·P(f | leaf true)) and both cofactors are
//! compiled again from scratch, where they usually fall apart into new modules; a module
//! met twice (same structure over the same leaves) is compiled once, and a costly
//! context shaped like one met earlier in the process (the same gates over other
//! events: a recommendation's edited model beside the analysis) takes its diagram.
//! Contexts then give probabilities bottom-up and derivatives (Birnbaum importance)
//! top-down, and re-evaluate only what a change of a few variables touches. Knows
//! nothing of components or zones.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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
    /// One output no diagram fitted: its gates, sampled at each evaluation
    /// ([`sampled`]). Its only node value is the variance of the estimate.
    Sampled(Gates),
}

impl Body {
    fn outputs(&self) -> usize {
        match self {
            Body::Threshold { .. } => 1,
            Body::Diagram { outputs, .. } => outputs.len(),
            Body::Sampled(_) => 1,
        }
    }

    fn nodes(&self) -> usize {
        match self {
            Body::Threshold { .. } => 0,
            Body::Diagram { leaf, .. } => leaf.len(),
            Body::Sampled(_) => 0,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// The variables some context or root reads, in order: the only ones with a
    /// derivative.
    used: Vec<u32>,
    /// Contexts sampled rather than exact ([`sampled`]).
    sampled: usize,
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

/// The caller's hold on a long compilation or evaluation: a flag another thread sets to
/// stop it early (diagram attempts then fail as if out of work and sampling stops at its
/// next round, so what comes back is meaningless and only fit to be dropped by a caller
/// that checks the flag), and where it reports the scenarios it samples.
#[derive(Clone, Copy, Debug)]
pub struct Stop<'a> {
    flag: Option<&'a AtomicBool>,
    progress: Option<&'a Progress>,
}

impl<'a> Stop<'a> {
    /// Never set, nothing reported: the computation always finishes.
    pub const NEVER: Stop<'static> = Stop {
        flag: None,
        progress: None,
    };

    pub fn on(flag: &'a AtomicBool) -> Self {
        Self {
            flag: Some(flag),
            progress: None,
        }
    }

    /// The same, reporting to `progress` too.
    pub fn reporting(self, progress: &'a Progress) -> Self {
        Self {
            progress: Some(progress),
            ..self
        }
    }

    pub fn now(self) -> bool {
        self.flag.is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// `trials` more scenarios of a sampled context drawn.
    pub(crate) fn sampled(self, trials: u64) {
        if let Some(p) = self.progress {
            p.scenarios.fetch_add(trials, Ordering::Relaxed);
        }
    }
}

/// What a computation reports while it runs, read from another thread.
#[derive(Debug, Default)]
pub struct Progress {
    scenarios: AtomicU64,
}

impl Progress {
    /// Scenarios drawn so far for contexts no diagram fits (0 while all is exact).
    pub fn scenarios(&self) -> u64 {
        self.scenarios.load(Ordering::Relaxed)
    }
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
        Self::compile_until(f, roots, limits, Stop::NEVER)
    }

    /// [`Plan::compile_with`], giving up once `stop` is set (see [`Stop`]).
    pub fn compile_until(
        f: &Formula,
        roots: &[Lit],
        limits: Limits,
        stop: Stop,
    ) -> Result<Plan, BudgetExceeded> {
        let mut c = Compiler {
            stop,
            contexts: Vec::new(),
            bdd: Bdd::new(limits.context_nodes),
            limits,
            kept: 0,
            work: 0,
            cofactors: FxHashMap::default(),
            modules: FxHashMap::default(),
            depth: 0,
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
        let mut read: Vec<bool> = var_contexts.iter().map(|c| !c.is_empty()).collect();
        for root in &roots {
            if let Source::Leaf(Leaf::Var(v)) = *root {
                read[v as usize] = true;
            }
        }
        let used: Vec<u32> = (0..f.vars() as u32).filter(|&v| read[v as usize]).collect();
        let sampled = c
            .contexts
            .iter()
            .filter(|c| matches!(c.body, Body::Sampled(_)))
            .count();
        Ok(Plan {
            vars: f.vars(),
            contexts: c.contexts,
            roots,
            parents,
            var_contexts,
            single_output,
            used,
            sampled,
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
        self.evaluate_owned(q.to_vec(), Stop::NEVER, 1.0)
    }

    /// [`Plan::evaluate`], keeping `q` in the values instead of a copy of it. Sampled
    /// contexts share `share` of the sampling work one evaluation may take (1 for all
    /// of it: [`sampled`]) and stop early once `stop` is set (see [`Stop`]).
    pub fn evaluate_owned(&self, q: Vec<f64>, stop: Stop, share: f64) -> Values {
        let share = share / self.sampled.max(1) as f64;
        let mut values = Values {
            var: q,
            leaf: Vec::with_capacity(self.contexts.len()),
            node: Vec::with_capacity(self.contexts.len()),
            output: Vec::with_capacity(self.contexts.len()),
        };
        for ctx in &self.contexts {
            let leaf: Vec<f64> = ctx
                .leaves
                .iter()
                .map(|&l| leaf_value(l, &values.var, &values.output))
                .collect();
            let (node, output) = body_values(&ctx.body, &leaf, stop, share);
            values.leaf.push(leaf);
            values.node.push(node);
            values.output.push(output);
        }
        values
    }

    /// Whether a context is sampled rather than exact ([`sampled`]).
    pub fn sampled(&self) -> bool {
        self.sampled > 0
    }

    /// Variance of root `r`'s probability in `values` from the sampled contexts' (0 when
    /// none is): each context's variance times the square of the root's derivative by
    /// its output, the samples being independent.
    pub fn root_variance(&self, values: &Values, r: usize) -> f64 {
        if !self.sampled() {
            return 0.0;
        }
        let mut by_var = vec![0.0; self.vars];
        let mut by_module = vec![0.0; self.contexts.len()];
        self.derivatives(values, r, &mut by_var, &mut by_module);
        self.contexts
            .iter()
            .zip(&by_module)
            .zip(&values.node)
            .filter(|((c, _), _)| matches!(c.body, Body::Sampled(_)))
            .map(|((_, d), node)| d * d * node.first().copied().unwrap_or(0.0))
            .sum()
    }

    /// The variable probabilities (of being false) `values` were computed from.
    pub fn var_values<'v>(&self, values: &'v Values) -> &'v [f64] {
        &values.var
    }

    /// For each root, the first root with the same function: roots that hash-consing
    /// made one literal have the same probability and derivatives.
    pub fn twins(&self) -> Vec<usize> {
        let mut first: FxHashMap<Source, usize> = FxHashMap::default();
        (0..self.roots.len())
            .map(|r| *first.entry(self.roots[r]).or_insert(r))
            .collect()
    }

    /// Probability that root `r` (by its index in the roots given to `compile`) is false.
    pub fn root(&self, values: &Values, r: usize) -> f64 {
        match self.roots[r] {
            Source::Const(true) => 0.0,
            Source::Const(false) => 1.0,
            Source::Leaf(l) => leaf_value(l, &values.var, &values.output),
        }
    }

    /// The variables the compiled formulas read ([`Plan::derivatives`] writes only
    /// theirs), in order.
    pub fn used_vars(&self) -> &[u32] {
        &self.used
    }

    /// ∂P(root true)/∂P(x true) for every variable x (Birnbaum importance) into
    /// `by_var`, and with respect to output 0 of every context into `by_module`. Both
    /// are overwritten, `by_var` only at [`Plan::used_vars`]: the derivative of any
    /// other variable is zero, so a buffer that starts zeroed and is only ever written
    /// by this plan's calls can be reused without clearing it.
    pub fn derivatives(
        &self,
        values: &Values,
        r: usize,
        by_var: &mut [f64],
        by_module: &mut [f64],
    ) {
        for &v in &self.used {
            by_var[v as usize] = 0.0;
        }
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
        let (touched, meet) = self.touched(changes.iter().map(|c| c.0));
        let new_output = self.new_outputs(values, changes, &touched);
        let meet_delta = meet.and_then(|m| {
            let i = touched.binary_search(&m).ok()?;
            Some((m, new_output[i][0] - values.output[m as usize][0]))
        });
        wanted
            .iter()
            .map(|w| {
                let moved = self.moved_root(changes, &touched, &new_output, w.root);
                let old = self.root(values, w.root);
                match (moved, self.roots[w.root], meet_delta) {
                    (Some(new), ..) => new,
                    // Above the module where the changes meet: its derivative times the change.
                    (None, Source::Leaf(Leaf::Output { .. }), Some((m, delta))) => {
                        old + w.by_module[m as usize] * delta
                    }
                    _ => old,
                }
            })
            .collect()
    }

    /// Each root's probability of being false after the variables in `changes` take new
    /// probabilities, given `values` for the old ones: every context above a changed
    /// variable is evaluated again, nothing else (no derivatives needed).
    pub fn reevaluate_roots(
        &self,
        values: &Values,
        changes: &[(u32, f64)],
        roots: &[usize],
    ) -> Vec<f64> {
        let touched = self.above(self.direct(changes.iter().map(|c| c.0)));
        let new_output = self.new_outputs(values, changes, &touched);
        roots
            .iter()
            .map(|&r| {
                self.moved_root(changes, &touched, &new_output, r)
                    .unwrap_or_else(|| self.root(values, r))
            })
            .collect()
    }

    /// Root r's new probability of being false when what it reads changed: a variable in
    /// `changes`, or an output of the `touched` contexts (their `new_output`). `None`
    /// when it reads neither.
    fn moved_root(
        &self,
        changes: &[(u32, f64)],
        touched: &[u32],
        new_output: &[Vec<f64>],
        r: usize,
    ) -> Option<f64> {
        match self.roots[r] {
            Source::Const(_) => None,
            Source::Leaf(Leaf::Var(v)) => changed(changes, v),
            Source::Leaf(Leaf::Output { context, output }) => touched
                .binary_search(&context)
                .ok()
                .map(|i| new_output[i][output as usize]),
        }
    }

    /// The outputs of the `touched` contexts (sorted, children first, closed upwards)
    /// after the variables in `changes` take new probabilities.
    fn new_outputs(
        &self,
        values: &Values,
        changes: &[(u32, f64)],
        touched: &[u32],
    ) -> Vec<Vec<f64>> {
        let mut new_output: Vec<Vec<f64>> = Vec::with_capacity(touched.len());
        for &c in touched {
            let ctx = &self.contexts[c as usize];
            let leaf: Vec<f64> = ctx
                .leaves
                .iter()
                .zip(&values.leaf[c as usize])
                .map(|(l, &old)| match *l {
                    Leaf::Var(v) => changed(changes, v).unwrap_or(old),
                    Leaf::Output { context, output } => touched
                        .binary_search(&context)
                        .map_or(old, |i| new_output[i][output as usize]),
                })
                .collect();
            new_output.push(body_values(&ctx.body, &leaf, Stop::NEVER, 1.0).1);
        }
        new_output
    }

    /// The contexts that have one of `vars` among their leaves, sorted.
    fn direct(&self, vars: impl Iterator<Item = u32>) -> Vec<u32> {
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
        direct
    }

    /// `direct` and every context above them, sorted (children first).
    fn above(&self, direct: Vec<u32>) -> Vec<u32> {
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
        touched
    }

    /// The contexts to re-evaluate when `vars` change, children first, and the module
    /// where they all meet if there is one (above it, only its output 0 changes).
    fn touched(&self, vars: impl Iterator<Item = u32>) -> (Vec<u32>, Option<u32>) {
        let direct = self.direct(vars);
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
        (self.above(direct), None)
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

/// The new probability of variable `v` in `changes`, if it changes.
fn changed(changes: &[(u32, f64)], v: u32) -> Option<f64> {
    changes.iter().find(|c| c.0 == v).map(|c| c.1)
}

fn leaf_value(l: Leaf, var: &[f64], output: &[Vec<f64>]) -> f64 {
    match l {
        Leaf::Var(v) => var[v as usize],
        Leaf::Output { context, output: o } => output[context as usize][o as usize],
    }
}

/// Node and output probabilities (of being false) of a body given its leaves'.
fn body_values(body: &Body, leaf_q: &[f64], stop: Stop, share: f64) -> (Vec<f64>, Vec<f64>) {
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
        Body::Sampled(gates) => {
            let s = gates.estimate(leaf_q, stop, share);
            (vec![s.variance], vec![s.q])
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
        // Its leaves get no derivative: a sampled plan gives no importance, and the
        // derivative by its own output (its variance's weight) is its parents' to give.
        Body::Sampled(_) => vec![0.0; leaf_q.len()],
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
pub fn threshold_derivatives(k: usize, q: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(q.len());
    threshold_derivatives_into(k, q, &mut Vec::new(), &mut out);
    out
}

/// [`threshold_derivatives`] pushed onto `out`, with `suffix` as scratch space: for
/// callers that take many small ones.
pub fn threshold_derivatives_into(k: usize, q: &[f64], suffix: &mut Vec<f64>, out: &mut Vec<f64>) {
    let n = q.len();
    if k == 0 || k > n {
        out.extend(std::iter::repeat_n(0.0, n));
        return;
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
    suffix.clear();
    suffix.resize((n + 1) * width, 0.0);
    suffix[n * width] = 1.0;
    for i in (0..n).rev() {
        let (head, tail) = suffix.split_at_mut((i + 1) * width);
        let row = &mut head[i * width..];
        row.copy_from_slice(&tail[..width]);
        step(row, q[i]);
    }
    // The prefix distribution lives after the suffixes, in the same scratch space.
    suffix.resize((n + 2) * width, 0.0);
    let (suffix, prefix) = suffix.split_at_mut((n + 1) * width);
    prefix[0] = 1.0;
    for i in 0..n {
        let after = &suffix[(i + 1) * width..(i + 2) * width];
        let d: f64 = (0..=target).map(|t| prefix[t] * after[target - t]).sum();
        out.push(d);
        step(prefix, q[i]);
    }
}

mod compile;
mod sampled;
#[cfg(test)]
mod tests;

use compile::Compiler;
use sampled::Gates;
