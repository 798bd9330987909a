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

/// Every event likely enough to show in the causes: the queue's bad deploys
/// (common:queue, β = 0.2 of q = 0.5) and failover window (T = 60 min of automatic
/// failover, M = 9 h: T / (M + T) = 0.1) as well as its replicas ((1 − β) q = 0.4 each)
/// and the database (0.1).
const SMALL: &str = r#"Model(
    format: 1,
    name: "Small",
    defaults: (replica_availability: 1.0, mtbf_hours: 9.0, failover_minutes: (automatic: 60.0, manual: 30.0)),
    components: [
        (id: "app", kind: Service, entry: true),
        (id: "db", kind: Database, availability: Some(0.9)),
        (id: "queue", kind: Queue, replicas: 2, replication: Sync, availability: Some(0.5), common_cause: Some(0.2)),
    ],
    dependencies: [(from: "app", to: "db"), (from: "app", to: "queue")],
)
"#;

#[test]
fn outages_are_explained_by_minimal_failure_sets() {
    let model = model::from_str(SMALL, "small.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    // A 95 % interval misses the exact value for about one seed in twenty; seed 1's
    // does not.
    let report = run(&model, 100_000, 1);
    let app = &report.entries[0];
    assert_eq!(app.id, "app");
    // Up when the db is (0.9), the queue's failover window is closed (0.9), no bad deploy
    // hit it (0.9) and not both its replicas failed (1 − 0.4²): 0.9³ × 0.84.
    assert!((app.availability - 0.9 * 0.9 * 0.9 * 0.84).abs() < 1e-12);
    assert!(app.interval_contains_availability);
    assert_eq!(report.outage_trials, app.down_trials);
    let names: Vec<&[String]> = report.causes.iter().map(|c| c.failed.as_slice()).collect();
    assert_eq!(
        names,
        [
            &["queue#0".to_owned(), "queue#1".to_owned()][..],
            &["db#0".to_owned()][..],
            &["common:queue".to_owned()][..],
            &["failover:queue".to_owned()][..],
        ]
    );
    let [pair, db, common, failover]: [&Cause; 4] = [
        &report.causes[0],
        &report.causes[1],
        &report.causes[2],
        &report.causes[3],
    ];
    assert_eq!(
        pair.trials + db.trials + common.trials + failover.trials,
        report.outage_trials
    );
    // The db explains every trial it failed in, whatever the queue did; then both
    // replicas explain theirs, then a bad deploy, then the failover window.
    let share = |c: &Cause| c.trials as f64 / report.trials as f64;
    assert!((share(db) - 0.1).abs() < 0.005, "{}", share(db));
    // 0.9 × 0.4²
    assert!((share(pair) - 0.144).abs() < 0.005, "{}", share(pair));
    // 0.9 × 0.84 × 0.1
    assert!((share(common) - 0.0756).abs() < 0.005, "{}", share(common));
    // 0.9 × 0.84 × 0.9 × 0.1
    assert!(
        (share(failover) - 0.06804).abs() < 0.005,
        "{}",
        share(failover)
    );
    assert_eq!(
        report.participants,
        [
            Participant {
                id: "queue".to_owned(),
                trials: pair.trials + common.trials + failover.trials
            },
            Participant {
                id: "db".to_owned(),
                trials: db.trials
            },
        ]
    );
}

/// β on a three-replica service, an unmonitored worker and a database with manual
/// failover, with time defaults of its own, all in no zone so the availability has a
/// closed form.
const TIMED: &str = r#"Model(
    format: 1,
    name: "Timed",
    defaults: (
        replica_availability: 0.99,
        mtbf_hours: 100.0,
        detect_minutes: (monitored: 5.0, unmonitored: 125.0),
        failover_minutes: (automatic: 2.0, manual: 55.0),
        common_cause: 0.1,
    ),
    components: [
        (id: "users", kind: Client, entry: true),
        (id: "api", kind: Service, replicas: 3, min_healthy: 2),
        (id: "db", kind: Database, replicas: 2, replication: Sync, failover: Manual),
        (id: "worker", kind: Service, monitored: false),
    ],
    dependencies: [
        (from: "users", to: "api"),
        (from: "api", to: "db"),
        (from: "api", to: "worker"),
    ],
)
"#;

#[test]
fn sampled_time_events_agree_with_the_exact_availability() {
    let model = model::from_str(TIMED, "timed.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    // Seed 1's 95 % interval is one of the nineteen in twenty that hold the exact value.
    let report = run(&model, 100_000, 1);
    let users = &report.entries[0];
    // DESIGN §2b with q = 1 − 0.99 and β = 0.1. api: no bad deploy (1 − βq) and two of
    // three replicas up, each failing with (1 − β)q. db: no bad deploy, not both replicas
    // down, and no failover window: T = (detect 5 + manual 55) / 60 = 1 h of every
    // M + T = 101 h. worker: one unmonitored replica, A' = 1 / (1/A + Δ/M) with
    // Δ = (125 − 5) / 60 = 2 h.
    let q = 1.0 - 0.99;
    let (common, replica) = (0.1 * q, 0.9 * q);
    let up = 1.0 - replica;
    let api = (1.0 - common) * (up * up * up + 3.0 * up * up * replica);
    let db = (1.0 - common) * (1.0 - replica * replica) * (1.0 - 1.0 / 101.0);
    let worker = 1.0 / (1.0 / 0.99 + 2.0 / 100.0);
    assert!((users.availability - api * db * worker).abs() < 1e-12);
    assert!(users.exact);
    assert!(
        users.interval_contains_availability,
        "exact {} outside [{}, {}]",
        users.availability, users.interval[0], users.interval[1]
    );
    let causes: Vec<&str> = report
        .causes
        .iter()
        .filter(|c| c.failed.len() == 1)
        .map(|c| c.failed[0].as_str())
        .collect();
    for event in ["worker#0", "failover:db", "common:api", "common:db"] {
        assert!(causes.contains(&event), "{event} never caused an outage");
    }
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
        "<p>100000 trials (seed 1): every replica, zone and region, every bad deploy and failover window failed at random with its own probability. {} trials took an entry down.</p>",
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
        "\n## Chaos experiment\n\n100000 trials (seed 1): every replica, zone and region, every bad deploy and failover window failed at random with its own probability. {} trials took an entry down.\n",
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
