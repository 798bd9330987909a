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

/// Limits that let no diagram be made at all: every context that needs one is sampled.
fn starved() -> Limits {
    Limits {
        nodes: 100_000,
        context_nodes: 6,
        work: 0,
    }
}

/// Two trains alike over variables 0-4 and 5-9: each an AND of ORs of neighbours.
fn two_trains() -> (Formula, Lit, Lit) {
    let mut f = Formula::new(10);
    let train = |f: &mut Formula, base: Lit| {
        let ors: Vec<Lit> = (0..3)
            .map(|i| f.any(vec![base + i, base + i + 1]))
            .collect();
        f.all(ors)
    };
    let a = train(&mut f, 0);
    let b = train(&mut f, 5);
    (f, a, b)
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

/// A vote over overlapping pairs of `n` variables from variable `first` on, with one
/// probability per pair position.
fn overlapping_vote(first: u32, n: u32) -> (Formula, Vec<Lit>, Vec<f64>) {
    let mut f = Formula::new((first + n) as usize);
    let pairs: Vec<Lit> = (0..n - 1)
        .map(|i| f.all(vec![first + i, first + i + 1]))
        .collect();
    let top = f.at_least(pairs.len() / 2, pairs);
    let mut q = vec![0.5; (first + n) as usize];
    for i in 0..n {
        q[(first + i) as usize] = 0.02 + 0.9 * f64::from(i) / f64::from(n);
    }
    (f, vec![top], q)
}

#[test]
fn a_costly_context_met_again_over_other_variables_gives_the_same_probability() {
    let (f, roots, q) = overlapping_vote(0, 400);
    let first = Plan::compile(&f, &roots, 2_000_000);
    let (g, shifted, q_shifted) = overlapping_vote(5, 400);
    let second = Plan::compile(&g, &shifted, 2_000_000);
    let (Ok(first), Ok(second)) = (first, second) else {
        panic!("both fit the budget");
    };
    assert!(
        first.work() >= compile::SHAPE_WORK,
        "costly enough to be remembered"
    );
    assert_eq!(first.work(), second.work());
    assert_eq!(first.nodes(), second.nodes());
    let a = first.root(&first.evaluate(&q), 0);
    let b = second.root(&second.evaluate(&q_shifted), 0);
    assert!((a - b).abs() <= 1e-12 * a.max(1e-300), "{a} vs {b}");
}

/// A variable both directly under a gate and deeper below it: decomposing common nodes
/// takes the deeper occurrences as constants, copying the gate shared with another root,
/// and the functions stay those of the enumeration.
#[test]
fn common_nodes_are_decomposed_into_modules() {
    let mut f = Formula::new(7);
    // 0 ∧ ((0 ∧ 1) ∨ 2) = 0 ∧ (1 ∨ 2); the OR is shared with `other`.
    let pair = f.all(vec![0, 1]);
    let shared = f.any(vec![pair, 2]);
    let top = f.all(vec![0, shared]);
    let other = f.any(vec![shared, 3]);
    // 4 ∨ ((4 ∨ 5) ∧ 6) = 4 ∨ (5 ∧ 6).
    let either = f.any(vec![4, 5]);
    let both = f.all(vec![either, 6]);
    let second = f.any(vec![4, both]);
    let roots = vec![top, other, second];
    let p = formula::prepare(&f, &roots);
    // Below `second`, 4 is left only as its direct child: 5 ∧ 6 is a module.
    let children = p.f.children(p.roots[2]);
    assert!(children.contains(&4));
    assert!(children.iter().any(|&c| p.module(c)), "{children:?}");
    let qs = [
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.25, 0.05],
        [0.9, 0.5, 0.01, 0.3, 0.7, 0.6, 0.2],
    ];
    for q in qs {
        assert_eq!(brute(&p.f, &p.roots, &q), brute(&f, &roots, &q));
        for plan in plans(&f, &roots) {
            let values = plan.evaluate(&q);
            for (i, e) in brute(&f, &roots, &q).iter().enumerate() {
                assert!((plan.root(&values, i) - e).abs() < 1e-14, "root {i}");
            }
        }
    }
}

/// A context no diagram fits (no work allowed at all) is sampled: its leaves, a vote
/// compiled exactly among them, are drawn from their exact probabilities, and the
/// root's estimate lies within its interval of the enumeration.
#[test]
fn a_context_no_diagram_fits_is_sampled_around_the_exact_value() {
    let mut f = Formula::new(9);
    // Sharing variables 1, 2 and 3 between the ORs needs a diagram; the vote over 6-8
    // is a module of its own, a threshold needing none.
    let ors: Vec<Lit> = (0..4).map(|i| f.any(vec![i, i + 1, i + 2])).collect();
    let vote = f.at_least(2, vec![6, 7, 8]);
    let mut children = ors;
    children.push(vote);
    let top = f.all(children);
    let starved = starved();
    assert!(Plan::compile_with(&f, &[top], splitting()).is_ok_and(|p| !p.sampled()));
    let plan = Plan::compile_with(&f, &[top], starved).unwrap();
    assert!(plan.sampled());
    for q in [[0.3, 0.2, 0.25, 0.1, 0.4, 0.35, 0.2, 0.3, 0.1], [0.05; 9]] {
        let values = plan.evaluate(&q);
        let estimate = plan.root(&values, 0);
        let sd = plan.root_variance(&values, 0).sqrt();
        let exact = brute(&f, &[top], &q)[0];
        assert!(sd > 0.0 && sd < 0.02 * exact, "{estimate} ± {sd}");
        assert!(
            (estimate - exact).abs() <= 5.0 * sd,
            "{estimate} ± {sd}, {exact}"
        );
    }
    // Several roots in the one context: the budget is exceeded as before.
    let other = f.any(vec![0, 8]);
    assert!(Plan::compile_with(&f, &[top, other], starved).is_err());
}

/// Once stopped, a compilation makes no diagram: the context that fits with work to
/// spare is sampled instead (and sampling, stopped too, does a single round).
#[test]
fn a_stopped_compilation_makes_no_diagram() {
    let mut f = Formula::new(6);
    let ors: Vec<Lit> = (0..4).map(|i| f.any(vec![i, i + 1, i + 2])).collect();
    let top = f.all(ors);
    let stopped = AtomicBool::new(true);
    let plan = Plan::compile_until(&f, &[top], splitting(), Stop::on(&stopped)).unwrap();
    assert!(plan.sampled());
    let going = AtomicBool::new(false);
    let plan = Plan::compile_until(&f, &[top], splitting(), Stop::on(&going)).unwrap();
    assert!(!plan.sampled());
    let q = [0.2; 6];
    assert!((plan.root(&plan.evaluate(&q), 0) - brute(&f, &[top], &q)[0]).abs() < 1e-15);
}

/// The sampled contexts of one evaluation share its sampling work: two rare enough to
/// use all they may take get half the trials each that one alone gets.
#[test]
fn sampled_contexts_share_the_work_of_one_evaluation() {
    let (mut f, a, b) = two_trains();
    let both = f.any(vec![a, b]);
    let starved = starved();
    // Each train is false with about 3 · 0.003^2: too rare for the precision to stop
    // the sampling before its limit.
    let q = [0.003; 10];
    let trials = |plan: &Plan| -> Vec<f64> {
        let values = plan.evaluate(&q);
        plan.contexts
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.body, Body::Sampled(_)))
            .map(|(c, _)| {
                // variance = s (1 - s) / n with s = (q n + 1) / (n + 2): which n.
                let (p, v) = (values.output[c][0], values.node[c][0]);
                [64.0, 128.0, 256.0]
                    .map(|blocks| blocks * sampled::BLOCK_WORDS as f64 * 64.0)
                    .into_iter()
                    .find(|&n| {
                        let s = (p * n + 1.0) / (n + 2.0);
                        (s * (1.0 - s) / n - v).abs() <= 1e-9 * v
                    })
                    .unwrap_or(0.0)
            })
            .collect()
    };
    let alone = Plan::compile_with(&f, &[a], starved).unwrap();
    let full = (sampled::MAX_BLOCKS * sampled::BLOCK_WORDS * 64) as f64;
    assert_eq!(trials(&alone), vec![full]);
    let together = Plan::compile_with(&f, &[both], starved).unwrap();
    assert_eq!(trials(&together), vec![full / 2.0; 2]);
}

/// Two trains alike (the same gates over their own variables, the same probabilities)
/// are sampled independently: their estimates differ, and the system's is within its
/// interval of the enumeration.
#[test]
fn contexts_alike_are_sampled_independently() {
    let (mut f, a, b) = two_trains();
    let top = f.any(vec![a, b]);
    let starved = starved();
    let plan = Plan::compile_with(&f, &[top], starved).unwrap();
    let q = [0.3; 10];
    let values = plan.evaluate(&q);
    let sampled: Vec<f64> = plan
        .contexts
        .iter()
        .zip(&values.output)
        .filter(|(c, _)| matches!(c.body, Body::Sampled(_)))
        .map(|(_, out)| out[0])
        .collect();
    assert_eq!(sampled.len(), 2, "{sampled:?}");
    assert_ne!(sampled[0], sampled[1]);
    let sd = plan.root_variance(&values, 0).sqrt();
    let exact = brute(&f, &[top], &q)[0];
    assert!(
        (plan.root(&values, 0) - exact).abs() <= 5.0 * sd,
        "± {sd}, {exact}"
    );
}
