//! Chaos experiments: observed availability agrees with the exact value, the causes of
//! outages are minimal failure sets, and a seed reproduces the output exactly.

use std::sync::atomic::{AtomicBool, Ordering};

use spofscope::analysis::chaos::{self, Cancelled, Cause, ChaosReport, Participant};
use spofscope::model::{self, Model};

use crate::support::{SAMPLES, sample, sample_path, spofscope, temp_dir};

fn run(model: &Model, trials: u64, seed: u64) -> ChaosReport {
    chaos::run(model, trials, seed, &|_, _| {}, &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_samples_exact_availability_lies_inside_the_interval_of_100_000_trials() {
    for name in SAMPLES {
        let report = run(&sample(name), 100_000, 1);
        assert_eq!(report.trials, 100_000);
        assert!(!report.entries.is_empty(), "{name}");
        for e in &report.entries {
            assert!(e.exact, "{name}: {}", e.id);
            assert!(
                e.interval_contains_availability,
                "{name}: {} exact {} outside [{}, {}] (observed {})",
                e.id, e.availability, e.interval[0], e.interval[1], e.observed_availability
            );
            assert!(e.interval[0] <= e.observed_availability);
            assert!(e.observed_availability <= e.interval[1]);
        }
        let causes: u64 = report.causes.iter().map(|c| c.trials).sum();
        assert!(causes <= report.outage_trials, "{name}");
        if report.distinct_causes <= chaos::MAX_CAUSES {
            assert_eq!(causes, report.outage_trials, "{name}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_report_on_any_number_of_threads() {
    let model = sample("microservices");
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .install(|| run(&model, 30_000, 42))
    };
    let one = on(1);
    assert_eq!(one, on(3));
    assert_eq!(one, run(&model, 30_000, 42));
    assert_ne!(one, run(&model, 30_000, 43));
}

const SMALL: &str = r#"Model(
    format: 1,
    name: "Small",
    defaults: (replica_availability: 1.0),
    components: [
        (id: "app", kind: Service, entry: true),
        (id: "db", kind: Database, availability: Some(0.9)),
        (id: "queue", kind: Queue, replicas: 2, replication: Sync, availability: Some(0.5)),
    ],
    dependencies: [(from: "app", to: "db"), (from: "app", to: "queue")],
)
"#;

#[test]
fn outages_are_explained_by_minimal_failure_sets() {
    let model = model::from_str(SMALL, "small.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    let report = run(&model, 100_000, 7);
    let app = &report.entries[0];
    assert_eq!(app.id, "app");
    // Down when db fails (0.1) or both queue replicas fail (0.25): 1 − 0.9 × 0.75.
    assert!((app.availability - 0.675).abs() < 1e-12);
    assert!(app.interval_contains_availability);
    assert_eq!(report.outage_trials, app.down_trials);
    let names: Vec<&[String]> = report.causes.iter().map(|c| c.failed.as_slice()).collect();
    assert_eq!(
        names,
        [
            &["queue#0".to_owned(), "queue#1".to_owned()][..],
            &["db#0".to_owned()][..]
        ]
    );
    let [pair, db]: [&Cause; 2] = [&report.causes[0], &report.causes[1]];
    assert_eq!(pair.trials + db.trials, report.outage_trials);
    // The db explains every trial it failed in, with or without the queue.
    let share = db.trials as f64 / report.trials as f64;
    assert!((share - 0.1).abs() < 0.005, "{share}");
    let share = pair.trials as f64 / report.trials as f64;
    assert!((share - 0.225).abs() < 0.005, "{share}");
    assert_eq!(
        report.participants,
        [
            Participant {
                id: "queue".to_owned(),
                trials: pair.trials
            },
            Participant {
                id: "db".to_owned(),
                trials: db.trials
            },
        ]
    );
}

#[test]
fn progress_reaches_the_total_and_cancel_stops_the_run() {
    let model = sample("webshop");
    let last = std::sync::atomic::AtomicU64::new(0);
    let report = chaos::run(
        &model,
        5_000,
        1,
        &|done, total| {
            assert_eq!(total, 5_000);
            last.fetch_max(done, Ordering::Relaxed);
        },
        &AtomicBool::new(false),
    );
    assert!(report.is_ok());
    assert_eq!(last.load(Ordering::Relaxed), 5_000);
    let cancelled = chaos::run(&model, 5_000, 1, &|_, _| {}, &AtomicBool::new(true));
    assert_eq!(cancelled, Err(Cancelled));
}

#[test]
fn cli_chaos_is_reproducible_and_rejects_bad_trial_counts() {
    let file = sample_path("webshop");
    let once = || {
        let out = spofscope()
            .args([
                "chaos", "--trials", "20000", "--seed", "9", "--format", "json",
            ])
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let first = once();
    assert_eq!(first, once());
    let json: serde_json::Value = serde_json::from_slice(&first).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["trials"], 20_000);
    assert_eq!(json["seed"], 9);
    assert_eq!(json["entries"][0]["id"], "users");
    assert_eq!(json["entries"][0]["interval_contains_availability"], true);

    let text = spofscope()
        .args(["chaos", "--trials", "2000"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(
        shown.starts_with("Chaos experiment on Web shop (single zone): 2000 trials, seed 1\n"),
        "{shown}"
    );

    let zero = spofscope()
        .args(["chaos", "--trials", "0"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(zero.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&zero.stderr),
        "error: --trials is 0; expected 1..=100000000\n"
    );
}

#[test]
fn the_html_report_shows_the_chaos_experiment_unless_left_out() {
    let file = sample_path("webshop");
    let dir = temp_dir();
    let export = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let status = spofscope()
            .arg("export")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        (status, std::fs::read_to_string(&out).unwrap_or_default())
    };
    let (status, html) = export("full.html", &[]);
    assert!(status.status.success());
    let report = run(&sample("webshop"), chaos::DEFAULT_TRIALS, 1);
    assert!(html.contains(&format!(
        "<p>100000 trials (seed 1): every replica, zone and region failed at random with its own probability. {} trials took an entry down.</p>",
        report.outage_trials
    )));
    let users = &report.entries[0];
    assert!(html.contains(&format!(
        "<tr><td><code>users</code></td><td class=\"num\" data-value=\"{}\">",
        users.observed_availability
    )));
    let (status, small) = export("none.html", &["--chaos-trials", "0"]);
    assert!(status.status.success());
    assert!(!small.contains("id=\"chaos\""));
    assert!(html.contains("id=\"chaos\""));
    let (status, markdown) = export("review.md", &[]);
    assert!(status.status.success());
    assert!(markdown.contains(&format!(
        "\n## Chaos experiment\n\n100000 trials (seed 1): every replica, zone and region failed at random with its own probability. {} trials took an entry down.\n",
        report.outage_trials
    )));
    let (status, svg) = export("x.svg", &["--chaos-trials", "10"]);
    assert_eq!(status.status.code(), Some(2));
    assert!(svg.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&status.stderr),
        format!(
            "error: --chaos-trials applies to .html and .md only; {} is neither\n",
            dir.path().join("x.svg").display()
        )
    );
}
