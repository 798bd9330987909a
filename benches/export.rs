//! Export benchmarks on the 1,000-component `generate` model (seed 1): the SVG diagram
//! (its SPOF analysis included) and the PNG rasterised from it at scale 1. Figures are
//! in BENCHMARKS.md ("Export").
//!
//! cargo bench --bench export

// A benchmark that cannot set up panics: there is nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use spofscope::generate::generate;
use spofscope::io::export::{self, ExportFormat, ExportOptions};

fn export_1000(c: &mut Criterion) {
    let m = generate(1_000, 1);
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    for format in [ExportFormat::Svg, ExportFormat::Png] {
        group.bench_function(format!("{}/1000", format.extension()), |b| {
            b.iter(|| export::export(black_box(&m), format, &ExportOptions::default()).unwrap())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    targets = export_1000
}
criterion_main!(benches);
