//! The command line (DESIGN §3) as a user runs it: every subcommand and format, exit
//! codes 0/1/2, the JSON keys, `--out`, and bad input that writes nothing.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{sample_path, spofscope, temp_dir};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn check_json(path: &Path) -> Value {
    let out = spofscope()
        .arg("check")
        .arg(path)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// (kind, id) of every SPOF, in report order.
fn spof_list(report: &Value) -> Vec<(String, String)> {
    report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap().to_owned(),
                s["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, i)| ((*k).to_owned(), (*i).to_owned()))
        .collect()
}

/// No SPOF, one order-2 risk: two replicas of one service in no zone.
const REDUNDANT: &str = r#"Model(format: 1, name: "Redundant",
    components: [(id: "users", kind: Client, entry: true), (id: "app", replicas: 2)],
    dependencies: [(from: "users", to: "app")])"#;

/// Nothing that can fail.
const NOTHING: &str = r#"Model(format: 1, name: "Nothing",
    components: [(id: "users", kind: Client, entry: true)])"#;

const BROKEN: &str =
    "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"a\", replicas: 0)],\n)\n";

// ---------------------------------------------------------------------------------
// Expected SPOFs of every sample.

#[test]
fn single_zone_webshop_spofs_are_the_region_zone_and_every_single_replica_tier() {
    let report = check_json(&sample_path("webshop"));
    assert_eq!(
        spof_list(&report),
        pairs(&[
            ("region", "eu"),
            ("zone", "eu-a"),
            ("component", "db"),
            ("component", "files"),
            ("component", "dns"),
            ("component", "lb"),
        ])
    );
    let db = &report["spofs"][2];
    assert_eq!(strings(&db["takes_down"]), vec!["users"]);
    assert_eq!(
        strings(&db["blast_radius"]),
        vec!["db", "web", "lb", "users"]
    );
    assert_eq!(report["order2_total"], 1);
    assert_eq!(
        strings(&report["order2"][0]["events"]),
        vec!["web#0", "web#1"]
    );
}

#[test]
fn hardened_webshop_has_only_the_region_left() {
    let report = check_json(&sample_path("webshop-hardened"));
    assert_eq!(spof_list(&report), pairs(&[("region", "eu")]));
    assert_eq!(report["order2_total"], 12);
}

#[test]
fn microservices_spofs_are_the_region_two_zones_and_four_components() {
    let report = check_json(&sample_path("microservices"));
    assert_eq!(
        spof_list(&report),
        pairs(&[
            ("region", "us"),
            ("component", "redis-cart"),
            ("zone", "us-b"),
            ("component", "payment"),
            ("zone", "us-a"),
            ("component", "users-db"),
            ("component", "cdn"),
        ])
    );
    assert_eq!(
        strings(&report["spofs"][6]["takes_down"]),
        vec!["web-users"],
        "mobile users bypass the CDN"
    );
}

#[test]
fn two_region_spofs_are_the_global_cdn_and_dns() {
    let report = check_json(&sample_path("two-region"));
    assert_eq!(
        spof_list(&report),
        pairs(&[("component", "cdn"), ("component", "dns")])
    );
    assert_eq!(report["order2_total"], 14);
}

// ---------------------------------------------------------------------------------
// check: formats.

#[test]
fn check_json_has_every_design_key() {
    let report = check_json(&sample_path("webshop"));
    for key in [
        "model",
        "entries",
        "spofs",
        "order2",
        "order2_total",
        "findings",
        "recommendations",
    ] {
        assert!(report.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(report["model"], "Web shop (single zone)");
    let entry = &report["entries"][0];
    assert_eq!(entry["id"], "users");
    assert!(entry["availability"].is_f64());
    assert!(entry["downtime_minutes_per_year"].is_f64());
    assert!(entry["full_service_availability"].is_f64());
    assert!(entry["degraded_minutes_per_year"].is_f64());
    for spof in report["spofs"].as_array().unwrap() {
        for key in ["kind", "id", "takes_down", "blast_radius"] {
            assert!(spof.get(key).is_some(), "spof without {key}");
        }
    }
    for cut in report["order2"].as_array().unwrap() {
        assert_eq!(cut["events"].as_array().unwrap().len(), 2);
        assert!(cut["takes_down"].is_array());
    }
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for key in ["rule", "target", "severity", "message"] {
            assert!(f.get(key).is_some(), "finding without {key}");
        }
    }
    for r in report["recommendations"].as_array().unwrap() {
        for key in [
            "strategy",
            "target",
            "summary",
            "removes_spofs",
            "availability_after",
        ] {
            assert!(r.get(key).is_some(), "recommendation without {key}");
        }
    }
}

#[test]
fn check_json_lists_the_findings_of_the_webshop() {
    let report = check_json(&sample_path("webshop"));
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["target"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        pairs(&[
            ("single-zone", "web"),
            ("unmonitored", "cache"),
            ("unmonitored", "db"),
        ])
    );
}

/// The webshop sample's users, by hand from DESIGN §2 and §2b: (availability, full
/// service). Everything runs in zone eu-a of region eu. dns, lb and files are single
/// monitored replicas (A = 0.999). db is unmonitored with MTBF 2160 h, so
/// A' = 1 / (1/A + Δ/M) with Δ = (240 − 2) / 60 h. web has two replicas, one needed, and
/// β = 0.2: up unless common:web (β q) or both replicas ((1 − β) q each) fail. Full
/// service also needs the cache, reached through a soft dependency: one unmonitored
/// replica with the default MTBF of 720 h.
fn webshop_users_by_hand() -> (f64, f64) {
    let (region, zone, a) = (0.9999, 0.9995, 0.999);
    let late = (240.0 - 2.0) / 60.0;
    let db = 1.0 / (1.0 / a + late / 2160.0);
    let q = 1.0 - a;
    let web = (1.0 - 0.2 * q) * (1.0 - (0.8 * q) * (0.8 * q));
    let availability = region * zone * a * a * a * db * web;
    let cache = 1.0 / (1.0 / a + late / 720.0);
    (availability, availability * cache)
}

#[test]
fn check_json_gives_each_entrys_full_service_availability_and_degraded_minutes() {
    let report = check_json(&sample_path("webshop"));
    let users = &report["entries"][0];
    let number = |key: &str| {
        users[key]
            .as_f64()
            .unwrap_or_else(|| panic!("entry without {key}"))
    };
    let (availability, full_service) = webshop_users_by_hand();
    assert!((number("availability") - availability).abs() < 1e-12);
    assert!((number("full_service_availability") - full_service).abs() < 1e-12);
    // The availabilities' 1e-12, in minutes a year: 5.3e-7.
    assert!(
        (number("degraded_minutes_per_year") - (availability - full_service) * 525_600.0).abs()
            < 1e-6
    );
    assert_eq!(users["full_service_error_bound"], 0.0);
}

#[test]
fn check_text_shows_entries_spofs_and_order2_tables() {
    // 9 structural events (region eu, zone eu-a, 7 replicas) and common:web (β = 0.2 on
    // its two replicas); no store has a second replica, so no failover window.
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Web shop (single zone)\n7 components, 6 dependencies, 10 basic events\n",
        ))
        .stdout(predicate::str::contains("SPOFs (6)"))
        .stdout(predicate::str::contains(
            "  component   db      users        4\n",
        ))
        .stdout(predicate::str::contains("Order-2 risks (1)"))
        .stdout(predicate::str::contains("  web#0 + web#1   users\n"));
}

#[test]
fn check_text_shows_full_service_and_degraded_time_beside_availability() {
    // webshop_users_by_hand: 99.34 % up (2.4 days down), 98.70 % full service, and
    // (availability − full service) × 525600 = 3377 min ≈ 2.3 days degraded.
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Entries\n  entry   availability   nines       downtime          full service   degraded\n  users   99.34 %        2.2 nines   2.4 days / year   98.70 %        2.3 days / year\n",
        ));
}

#[test]
fn check_markdown_shows_full_service_and_degraded_time_beside_availability() {
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .args(["--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "| Entry | Availability | Nines | Downtime per year | Full service | Degraded per year |\n|---|---:|---:|---:|---:|---:|\n| users | 99.34 % | 2.2 nines | 2.4 days | 98.70 % | 2.3 days |\n",
        ));
}

#[test]
fn check_markdown_has_headed_sections() {
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .args(["--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# Web shop (single zone)\n"))
        .stdout(predicate::str::contains("## Single points of failure (6)"))
        .stdout(predicate::str::contains(
            "| component | `db` | users | 4 (db, web, lb, users) |",
        ))
        .stdout(predicate::str::contains("## Order-2 risks (1)"))
        .stdout(predicate::str::contains("| `web#0` + `web#1` | users |"));
}

#[test]
fn check_max_order2_truncates_the_list_but_not_the_total() {
    let out = spofscope()
        .arg("check")
        .arg(sample_path("webshop-hardened"))
        .args(["--format", "json", "--max-order2", "3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["order2"].as_array().unwrap().len(), 3);
    assert_eq!(report["order2_total"], 12);
}

// ---------------------------------------------------------------------------------
// check: exit codes.

#[test]
fn fail_on_defaults_to_none() {
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .assert()
        .code(0);
}

#[test]
fn fail_on_spof_exits_1_when_there_is_a_spof() {
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .args(["--fail-on", "spof"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("SPOFs (6)"));
}

/// `check FILE --fail-on WHAT` on a model written from `text`: its exit code.
fn fail_on_exit_code(text: &str, what: &str) -> Option<i32> {
    let dir = temp_dir();
    let path = write(dir.path(), "model.spof.ron", text);
    spofscope()
        .arg("check")
        .arg(&path)
        .args(["--fail-on", what])
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
        .status
        .code()
}

fn sample_text(name: &str) -> String {
    std::fs::read_to_string(sample_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn fail_on_spof_exits_0_with_only_order2_risks() {
    assert_eq!(fail_on_exit_code(REDUNDANT, "spof"), Some(0));
}

#[test]
fn fail_on_order2_exits_1_with_only_order2_risks() {
    assert_eq!(fail_on_exit_code(REDUNDANT, "order2"), Some(1));
}

#[test]
fn fail_on_order2_exits_1_with_a_spof() {
    assert_eq!(
        fail_on_exit_code(&sample_text("two-region"), "order2"),
        Some(1)
    );
}

#[test]
fn fail_on_order2_exits_0_when_nothing_can_fail() {
    assert_eq!(fail_on_exit_code(NOTHING, "order2"), Some(0));
}

#[test]
fn fail_on_none_exits_0_despite_spofs() {
    assert_eq!(fail_on_exit_code(&sample_text("webshop"), "none"), Some(0));
}

// ---------------------------------------------------------------------------------
// check: --out and bad input.

#[test]
fn check_out_writes_the_report_to_the_file_instead_of_stdout() {
    let dir = temp_dir();
    let out = dir.path().join("report.json");
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .args(["--format", "json", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written, check_json(&sample_path("webshop")));
}

#[test]
fn check_out_is_written_even_when_fail_on_triggers() {
    let dir = temp_dir();
    let out = dir.path().join("report.md");
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .args(["--format", "markdown", "--fail-on", "spof", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("# Web shop (single zone)\n")
    );
}

#[test]
fn check_of_a_bad_file_exits_2_names_the_location_and_writes_nothing() {
    let dir = temp_dir();
    let path = write(dir.path(), "broken.spof.ron", BROKEN);
    let out = dir.path().join("report.json");
    spofscope()
        .arg("check")
        .arg(&path)
        .args(["--format", "json", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "{}:4:38: \"a\" has 0 replicas; expected at least 1",
            path.display()
        )));
    assert!(!out.exists());
}

#[test]
fn check_of_a_missing_file_exits_2() {
    spofscope()
        .args(["check", "/nonexistent/model.spof.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/model.spof.ron"));
}

#[test]
fn check_with_an_unknown_format_exits_2() {
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .args(["--format", "yaml"])
        .assert()
        .code(2);
}

#[test]
fn check_out_into_a_missing_directory_exits_2() {
    let dir = temp_dir();
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .arg("--out")
        .arg(dir.path().join("missing").join("report.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("report.txt"));
}

// ---------------------------------------------------------------------------------
// whatif.

fn whatif_json(path: &Path, fail: &str) -> Value {
    let out = spofscope()
        .arg("whatif")
        .arg(path)
        .args(["--fail", fail, "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn whatif_component_takes_down_its_dependents() {
    let w = whatif_json(&sample_path("webshop"), "db");
    assert_eq!(strings(&w["failed"]), vec!["db"]);
    assert_eq!(strings(&w["down"]), vec!["db", "web", "lb", "users"]);
    assert!(strings(&w["degraded"]).is_empty());
    assert_eq!(strings(&w["entries_down"]), vec!["users"]);
}

#[test]
fn whatif_one_replica_degrades_without_outage() {
    let w = whatif_json(&sample_path("webshop"), "web#1");
    assert_eq!(strings(&w["failed"]), vec!["web#1"]);
    assert!(strings(&w["down"]).is_empty());
    assert_eq!(strings(&w["degraded"]), vec!["web"]);
    assert!(strings(&w["entries_down"]).is_empty());
}

#[test]
fn whatif_region_outage_fails_over_to_the_other_region() {
    let w = whatif_json(&sample_path("two-region"), "region:eu");
    assert_eq!(strings(&w["down"]), vec!["eu-app", "eu-lb"]);
    assert_eq!(
        strings(&w["degraded"]),
        vec!["db", "site", "assets", "search"]
    );
    assert!(strings(&w["entries_down"]).is_empty());
}

#[test]
fn whatif_accepts_several_events_separated_by_commas() {
    let w = whatif_json(&sample_path("webshop-hardened"), "zone:eu-a,zone:eu-b");
    assert_eq!(strings(&w["failed"]), vec!["zone:eu-a", "zone:eu-b"]);
    assert_eq!(strings(&w["entries_down"]), vec!["users"]);
    assert_eq!(strings(&w["down"]), vec!["db", "web", "lb", "users"]);
}

#[test]
fn whatif_lists_each_failed_event_once_in_the_order_given() {
    let w = whatif_json(&sample_path("webshop"), "web#1,db,web#1,db");
    assert_eq!(strings(&w["failed"]), vec!["web#1", "db"]);
}

#[test]
fn whatif_text_lists_entries_down_and_degraded() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .args(["--fail", "cache#0"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Failed: cache#0\nEntries down: none\nDown: cache\nDegraded: web\n",
        ));
}

#[test]
fn whatif_text_gives_full_service_and_degraded_time_with_the_knockout() {
    // The cache is a soft dependency: users stay as available as before
    // (webshop_users_by_hand), but never with full service.
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .args(["--fail", "cache#0"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "Availability with this knockout in place:\n  entry   availability   downtime          full service   degraded\n  users   99.34 %        2.4 days / year   0.00 %         362.6 days / year\n",
        ));
}

#[test]
fn whatif_json_gives_full_service_and_degraded_minutes_with_the_knockout() {
    let w = whatif_json(&sample_path("webshop"), "cache#0");
    let users = &w["entries"][0];
    assert_eq!(users["id"], "users");
    let (availability, _) = webshop_users_by_hand();
    let up = users["availability"].as_f64().unwrap_or(f64::NAN);
    assert!((up - availability).abs() < 1e-12);
    assert_eq!(users["full_service_availability"], 0.0);
    let degraded = users["degraded_minutes_per_year"]
        .as_f64()
        .unwrap_or(f64::NAN);
    assert!((degraded - availability * 525_600.0).abs() < 1e-6);
}

#[test]
fn whatif_common_cause_event_is_the_whole_component() {
    let common = whatif_json(&sample_path("webshop"), "common:web");
    let whole = whatif_json(&sample_path("webshop"), "web");
    assert_eq!(strings(&common["failed"]), vec!["common:web"]);
    assert_eq!(strings(&common["down"]), vec!["web", "lb", "users"]);
    assert_eq!(strings(&common["entries_down"]), vec!["users"]);
    for key in ["down", "degraded", "entries_down", "entries"] {
        assert_eq!(common[key], whole[key], "{key}");
    }
    assert_eq!(common["entries"][0]["availability"], 0.0);
}

#[test]
fn whatif_common_cause_text_names_the_event_and_what_goes_down() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .args(["--fail", "common:web"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Failed: common:web\nEntries down: users\nDown: web, lb, users\nDegraded: none\n",
        ));
}

#[test]
fn whatif_failover_window_puts_the_database_down() {
    let w = whatif_json(&sample_path("two-region"), "failover:db");
    assert_eq!(strings(&w["failed"]), vec!["failover:db"]);
    assert_eq!(
        strings(&w["down"]),
        vec![
            "db",
            "us-app",
            "us-lb",
            "eu-app",
            "eu-lb",
            "site",
            "travellers"
        ]
    );
    assert_eq!(strings(&w["entries_down"]), vec!["travellers"]);
    assert_eq!(w["entries"][0]["availability"], 0.0);
    assert_eq!(w["entries"][0]["full_service_availability"], 0.0);
}

#[test]
fn whatif_failover_text_names_the_event_and_what_goes_down() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop-hardened"))
        .args(["--fail", "failover:db"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Failed: failover:db\nEntries down: users\nDown: db, web, lb, users\nDegraded: none\n",
        ));
}

#[test]
fn whatif_rejects_the_failover_window_of_a_component_without_one() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .args(["--fail", "failover:web"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: {}: \"web\" has no failover window (only a replicated Database, Cache, Queue or Storage with 2 or more replicas has one); fail it as `web`\n",
            sample_path("webshop").display()
        ));
}

#[test]
fn whatif_rejects_a_time_event_of_an_unknown_component() {
    for event in ["common:nosuch", "failover:nosuch"] {
        spofscope()
            .arg("whatif")
            .arg(sample_path("webshop"))
            .args(["--fail", event])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "unknown component \"nosuch\" in event `{event}`"
            )));
    }
}

#[test]
fn whatif_rejects_an_unknown_component_by_name() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .args(["--fail", "db,nosuch"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "unknown component \"nosuch\" in event `nosuch`",
        ));
}

#[test]
fn whatif_rejects_a_replica_past_the_last_one() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .args(["--fail", "web#2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"web\" has 2 replica(s); expected `web#0`..`web#1`",
        ));
}

#[test]
fn whatif_rejects_an_unknown_zone_and_region() {
    for (event, message) in [
        ("zone:eu-z", "unknown zone \"eu-z\""),
        ("region:mars", "unknown region \"mars\""),
    ] {
        spofscope()
            .arg("whatif")
            .arg(sample_path("webshop"))
            .args(["--fail", event])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn whatif_rejects_a_malformed_event() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .args(["--fail", "db#x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid event `db#x`; expected `ID`, `ID#i`, `zone:Z`, `region:R`, `common:ID` or `failover:ID`",
        ));
}

#[test]
fn whatif_requires_fail() {
    spofscope()
        .arg("whatif")
        .arg(sample_path("webshop"))
        .assert()
        .code(2);
}

#[test]
fn whatif_of_a_bad_file_exits_2_with_the_location() {
    let dir = temp_dir();
    let path = write(dir.path(), "broken.spof.ron", BROKEN);
    spofscope()
        .arg("whatif")
        .arg(&path)
        .args(["--fail", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":4:38:"));
}

// ---------------------------------------------------------------------------------
// generate.

fn generate(dir: &Path, name: &str, n: usize, seed: u64) -> Vec<u8> {
    let out = dir.join(name);
    spofscope()
        .args([
            "generate",
            "--components",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    std::fs::read(&out).unwrap()
}

#[test]
fn generate_is_reproducible_per_seed() {
    let dir = temp_dir();
    let a = generate(dir.path(), "a.spof.ron", 300, 7);
    let b = generate(dir.path(), "b.spof.ron", 300, 7);
    let c = generate(dir.path(), "c.spof.ron", 300, 8);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn generated_model_loads_with_exactly_the_requested_components() {
    let dir = temp_dir();
    for n in [1, 2, 5, 10, 137, 1000] {
        generate(dir.path(), "g.spof.ron", n, 3);
        let m = spofscope::model::load(&dir.path().join("g.spof.ron")).unwrap();
        assert_eq!(m.components.len(), n);
    }
}

#[test]
fn generated_model_can_be_checked() {
    let dir = temp_dir();
    generate(dir.path(), "g.spof.ron", 200, 1);
    let report = check_json(&dir.path().join("g.spof.ron"));
    assert!(!report["entries"].as_array().unwrap().is_empty());
}

#[test]
fn generate_zero_components_exits_2_and_writes_nothing() {
    let dir = temp_dir();
    let out = dir.path().join("g.spof.ron");
    spofscope()
        .args(["generate", "--components", "0", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--components is 0"));
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------------
// The program itself.

#[test]
fn help_lists_the_subcommands() {
    spofscope()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("check"))
        .stdout(predicate::str::contains("whatif"))
        .stdout(predicate::str::contains("generate"));
}

#[test]
fn unknown_subcommand_exits_2() {
    spofscope().args(["frobnicate", "x"]).assert().code(2);
}
