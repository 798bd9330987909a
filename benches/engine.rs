//! The exact engine alone: compiling and evaluating every entry's structure function on
//! the published fault trees in `tests/fixtures/mef` and on `generate` models of 1,000
//! and 10,000 components. Whole-process figures against SCRAM are in BENCHMARKS.md
//! ("Engine").
//!
//! cargo bench --bench engine

// A benchmark that cannot set up panics: there is nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use spofscope::analysis::{FailureGraph, NODE_BUDGET, Request, Stop, Structure};
use spofscope::generate::generate;
use spofscope::io::import::mef;

/// Published Aralia trees among the fixtures.
const TREES: [&str; 6] = [
    "baobab1", "baobab2", "chinese", "das9201", "edf9202", "isp9605",
];

fn tree(name: &str) -> FailureGraph {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mef")
        .join(format!("{name}.xml"));
    let text = std::fs::read_to_string(&path).unwrap();
    FailureGraph::compile(&mef::import(&text, name).unwrap().model)
}

/// Every entry's exact unavailability, from a fresh compilation.
fn exact(g: &FailureGraph) -> Vec<f64> {
    let forced_down = vec![false; g.len()];
    let request = Request {
        forced_down: &forced_down,
        full_service: None,
        certain: None,
        stop: Stop::NEVER,
    };
    let s = Structure::build(g, &request, NODE_BUDGET).unwrap();
    let ev = s.evaluate(&g.availability);
    (0..s.entries().len()).map(|i| s.down(&ev, i)).collect()
}

fn fault_trees(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_trees");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for name in TREES {
        let g = tree(name);
        group.bench_with_input(BenchmarkId::from_parameter(name), &g, |b, g| {
            b.iter(|| exact(g))
        });
    }
    group.finish();
}

fn generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_generated");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for n in [1_000, 10_000] {
        let g = FailureGraph::compile(&generate(n, 1));
        group.bench_with_input(BenchmarkId::from_parameter(n), &g, |b, g| {
            b.iter(|| exact(g))
        });
    }
    group.finish();
}

criterion_group!(benches, fault_trees, generated);
criterion_main!(benches);
