//! Analysis benchmarks on `generate` models of 100, 1,000 and 10,000 components and on
//! the samples. Figures and targets are in BENCHMARKS.md ("Analysis").
//!
//! cargo bench --bench analysis

// A benchmark that cannot set up panics: there is nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use spofscope::analysis::{
    self, FailureGraph, NODE_BUDGET, Options, Request, Stop, Structure, chaos, cuts,
};
use spofscope::generate::generate;
use spofscope::model::{self, Model};

const SIZES: [usize; 3] = [100, 1_000, 10_000];
const SAMPLES: [&str; 4] = ["webshop", "webshop-hardened", "microservices", "two-region"];

fn generated(n: usize) -> (String, Model) {
    let m = generate(n, 1);
    (model::to_string(&m), m)
}

fn sample(name: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{name}.spof.ron"));
    model::load(&path).unwrap()
}

fn load_and_validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_validate");
    for n in SIZES {
        let (text, _) = generated(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| model::from_str(black_box(text), "bench.spof.ron").unwrap())
        });
    }
    group.finish();
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for n in SIZES {
        let (_, m) = generated(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| {
            b.iter(|| FailureGraph::compile(black_box(m)))
        });
    }
    group.finish();
}

fn all_spofs(c: &mut Criterion) {
    let mut group = c.benchmark_group("spofs");
    for n in SIZES {
        let (_, m) = generated(n);
        let g = FailureGraph::compile(&m);
        group.bench_with_input(BenchmarkId::from_parameter(n), &g, |b, g| {
            b.iter(|| cuts::singles(black_box(g)))
        });
    }
    group.finish();
}

fn all_order2(c: &mut Criterion) {
    let mut group = c.benchmark_group("order2");
    for n in SIZES {
        let (_, m) = generated(n);
        let g = FailureGraph::compile(&m);
        let singles = cuts::singles(&g);
        group.bench_with_input(BenchmarkId::from_parameter(n), &g, |b, g| {
            b.iter(|| cuts::pairs(black_box(g), &singles))
        });
    }
    group.finish();
}

fn full_analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for n in SIZES {
        let (_, m) = generated(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| {
            b.iter(|| analysis::analyze(black_box(m), &Options::default()))
        });
    }
    group.finish();
}

/// Exact availability of every entry: build the diagrams, one probability pass.
fn sample_availability(c: &mut Criterion) {
    let mut group = c.benchmark_group("availability");
    for name in SAMPLES {
        let m = sample(name);
        let g = FailureGraph::compile(&m);
        group.bench_with_input(BenchmarkId::from_parameter(name), &g, |b, g| {
            b.iter(|| {
                let forced_down = vec![false; g.len()];
                let request = Request {
                    forced_down: &forced_down,
                    full_service: None,
                    certain: None,
                    stop: Stop::NEVER,
                };
                let s = Structure::build(g, &request, NODE_BUDGET).unwrap();
                let ev = s.evaluate(&g.availability);
                (0..s.entries().len())
                    .map(|i| 1.0 - s.down(&ev, i))
                    .collect::<Vec<f64>>()
            })
        });
    }
    group.finish();
}

fn sample_analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze_sample");
    for name in SAMPLES {
        let m = sample(name);
        group.bench_with_input(BenchmarkId::from_parameter(name), &m, |b, m| {
            b.iter(|| analysis::analyze(black_box(m), &Options::default()))
        });
    }
    group.finish();
}

/// `chaos::run` with the default 100,000 trials, on all cores.
fn chaos_experiment(c: &mut Criterion) {
    let mut group = c.benchmark_group("chaos");
    group.sample_size(10);
    for n in SIZES {
        let (_, m) = generated(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| {
            b.iter(|| {
                chaos::run(
                    black_box(m),
                    chaos::DEFAULT_TRIALS,
                    1,
                    &|_, _| {},
                    &AtomicBool::new(false),
                )
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = load_and_validate, compile, all_spofs, all_order2, full_analysis,
        sample_availability, sample_analysis, chaos_experiment
}
criterion_main!(benches);
