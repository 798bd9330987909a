//! Importing and analysing an Open-PSA MEF fault tree of about 500 gates and 500 basic
//! events (exact availability, order ≤ 2), the size reliability engineers exchange.

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use spofscope::analysis::{self, Options};
use spofscope::io::import::mef;

/// A fault tree shaped like published ones: mostly a tree of OR and AND gates with
/// some 2-of-3 votes, where a fifth of the inputs are events shared with nearby
/// gates (common causes within a subsystem, as in the Aralia trees).
fn fault_tree(gates: usize, events: usize, seed: u64) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut xml = String::from("<opsa-mef>\n<define-fault-tree name=\"bench\">\n");
    let mut next_event = 0;
    for g in 0..gates {
        let (open, close, inputs) = match rng.random_range(0..10) {
            0 => ("<atleast min=\"2\">", "</atleast>", 3),
            1..=3 => ("<and>", "</and>", 2),
            _ => ("<or>", "</or>", rng.random_range(2..=4)),
        };
        let _ = writeln!(xml, "<define-gate name=\"g{g}\">{open}");
        // Gate g's children are gates 2g+1 and 2g+2 where they exist (a tree), then
        // basic events: new ones while they last, otherwise shared ones.
        let mut children = Vec::new();
        for c in [2 * g + 1, 2 * g + 2] {
            if c < gates && children.len() < inputs {
                children.push(format!("<gate name=\"g{c}\"/>"));
            }
        }
        while children.len() < inputs {
            let e = if next_event < events && !rng.random_bool(0.2) {
                next_event += 1;
                next_event - 1
            } else {
                rng.random_range(next_event.saturating_sub(8)..next_event.max(1))
            };
            let child = format!("<basic-event name=\"e{e}\"/>");
            if !children.contains(&child) {
                children.push(child);
            }
        }
        for c in children {
            let _ = writeln!(xml, "  {c}");
        }
        let _ = writeln!(xml, "{close}</define-gate>");
    }
    for e in 0..next_event.max(1) {
        let p = rng.random_range(1e-4..1e-2);
        let _ = writeln!(
            xml,
            "<define-basic-event name=\"e{e}\"><float value=\"{p}\"/></define-basic-event>"
        );
    }
    xml.push_str("</define-fault-tree>\n</opsa-mef>\n");
    xml
}

fn bench(c: &mut Criterion) {
    let xml = fault_tree(500, 500, 7);
    c.bench_function("mef_500_gates_import_and_analyse", |b| {
        b.iter(|| {
            let imported = mef::import(&xml, "bench.xml").map(|i| i.model);
            imported.map(|m| analysis::analyze(&m, &Options::default()))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
