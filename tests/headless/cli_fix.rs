//! `spofscope fix` and the recommendations `check` prints: exit codes, what is written
//! and what never is, and the DESIGN §3 JSON keys.

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use spofscope::analysis::{self, Options};
use spofscope::model::{self, Model};

use crate::support::{sample_path, spofscope, temp_dir};

fn load(path: &Path) -> Model {
    model::load(path).expect("written model loads")
}

#[test]
fn fix_all_writes_a_model_without_spofs_and_leaves_the_input_alone() {
    let dir = temp_dir();
    let input = sample_path("webshop");
    let original = fs::read(&input).expect("sample");
    let out = dir.path().join("fixed.spof.ron");
    spofscope()
        .args([
            "fix",
            &input.display().to_string(),
            "--apply",
            "all",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        // The unmonitored Orders DB's replica first, then the zone and the region.
        .stdout(predicate::str::contains("Applied 3 recommendations"))
        .stdout(predicate::str::contains("SPOFs: 6 → 0"))
        .stdout(predicate::str::contains("geo-distribution:zone:eu-a"));
    assert_eq!(fs::read(&input).expect("sample"), original);
    let fixed = load(&out);
    assert!(
        analysis::analyze(&fixed, &Options::default())
            .spofs
            .is_empty()
    );
    spofscope()
        .args(["check", "--fail-on", "spof"])
        .arg(&out)
        .assert()
        .code(0);
}

#[test]
fn fix_by_id_applies_only_that_recommendation() {
    let dir = temp_dir();
    let input = sample_path("webshop");
    let out = dir.path().join("fixed.spof.ron");
    spofscope()
        .arg("fix")
        .arg(&input)
        .args(["--apply", "redundancy:lb", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Applied 1 recommendation to"))
        .stdout(predicate::str::contains("SPOFs: 6 → 5"));
    let mut expected = load(&input);
    if let Some(lb) = expected.component_mut("lb") {
        lb.replicas = 2;
    }
    assert_eq!(load(&out), expected);
}

#[test]
fn fix_applies_several_ids_in_order_and_reports_the_ones_made_moot() {
    let dir = temp_dir();
    let out = dir.path().join("fixed.spof.ron");
    spofscope()
        .arg("fix")
        .arg(sample_path("webshop"))
        .args([
            "--apply",
            "geo-distribution:zone:eu-a,redundancy:lb",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Skipped:"))
        .stdout(predicate::str::contains(
            "redundancy:lb: nothing left to fix",
        ));
    assert!(out.exists());
}

#[test]
fn fix_with_an_unknown_id_exits_2_names_it_and_writes_nothing() {
    let dir = temp_dir();
    let out = dir.path().join("fixed.spof.ron");
    spofscope()
        .arg("fix")
        .arg(sample_path("webshop"))
        .args(["--apply", "redundancy:lb,redundancy:nope", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown recommendation id redundancy:nope; expected one of:",
        ))
        .stderr(predicate::str::contains("redundancy:lb"));
    assert!(!out.exists());
}

#[test]
fn fix_mixing_all_with_ids_is_bad_input() {
    let dir = temp_dir();
    let out = dir.path().join("fixed.spof.ron");
    spofscope()
        .arg("fix")
        .arg(sample_path("webshop"))
        .args(["--apply", "all,redundancy:lb", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected `all` or recommendation ids",
        ));
    assert!(!out.exists());
}

#[test]
fn fix_on_a_broken_file_exits_2_and_writes_nothing() {
    let dir = temp_dir();
    let input = dir.path().join("broken.spof.ron");
    fs::write(
        &input,
        "Model(format: 1, name: \"x\", components: [(id: \"a\", kind: Nope)])",
    )
    .expect("write");
    let out = dir.path().join("fixed.spof.ron");
    spofscope()
        .arg("fix")
        .arg(&input)
        .args(["--apply", "all", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.spof.ron"));
    assert!(!out.exists());
}

#[test]
fn fix_without_out_is_refused() {
    spofscope()
        .arg("fix")
        .arg(sample_path("webshop"))
        .args(["--apply", "all"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out"));
}

#[test]
fn fix_overwrites_the_input_when_out_names_it() {
    let dir = temp_dir();
    let input = dir.path().join("shop.spof.ron");
    fs::copy(sample_path("two-region"), &input).expect("copy");
    spofscope()
        .arg("fix")
        .arg(&input)
        .args(["--apply", "all", "--out"])
        .arg(&input)
        .assert()
        .success();
    let fixed = load(&input);
    assert!(
        analysis::analyze(&fixed, &Options::default())
            .spofs
            .is_empty()
    );
    assert_eq!(fixed.component("dns").map(|c| c.replicas), Some(2));
}

#[test]
fn check_json_lists_recommendations_with_the_design_keys() {
    let output = spofscope()
        .args(["check", "--format", "json"])
        .arg(sample_path("webshop"))
        .output()
        .expect("runs");
    assert!(output.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let recs = doc["recommendations"].as_array().expect("array");
    // Eleven fixes and progressive rollout of the web app, whose bad deploys (β 0.2)
    // cause nearly all of its downtime.
    assert_eq!(recs.len(), 12);
    let strategies = [
        "redundancy",
        "load-balancing",
        "replication",
        "geo-distribution",
        "failover",
        "monitoring",
        "graceful-degradation",
    ];
    for r in recs {
        assert!(strategies.contains(&r["strategy"].as_str().unwrap_or_default()));
        assert!(r["target"].is_string());
        assert!(r["summary"].is_string());
        assert!(r["removes_spofs"].is_array());
        assert!(r["availability_after"]["users"].is_f64());
        assert!(r["edits"].is_array());
    }
    // Detection time (DESIGN §2b) makes the unmonitored Orders DB the weakest part, so
    // one replica of it saves the most downtime per added instance.
    let first = &recs[0];
    assert_eq!(first["id"], "replication:db:sync");
    assert_eq!(first["target"], "db");
    assert_eq!(first["removes_spofs"], serde_json::json!(["db"]));
    assert_eq!(first["cost"]["added_instances"], 1);
    let zone = recs
        .iter()
        .find(|r| r["id"] == "geo-distribution:zone:eu-a")
        .expect("the zone fix");
    assert_eq!(zone["target"], "eu-a");
    assert_eq!(
        zone["removes_spofs"],
        serde_json::json!(["zone:eu-a", "db", "files", "dns", "lb"])
    );
    assert_eq!(zone["cost"]["added_instances"], 4);
    let rollout = recs
        .iter()
        .find(|r| r["id"] == "graceful-degradation:web:rollout")
        .expect("the rollout");
    assert_eq!(rollout["strategy"], "graceful-degradation");
    assert_eq!(rollout["cost"]["added_instances"], 0);
    assert!(rollout["cost"]["code_change"].is_null());
    assert!(rollout["cost"]["process_change"].is_string());
}

#[test]
fn check_text_and_markdown_list_recommendations() {
    spofscope()
        .arg("check")
        .arg(sample_path("webshop"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Recommendations (12)"))
        .stdout(predicate::str::contains("1. replication:db:sync"));
    spofscope()
        .args(["check", "--format", "markdown"])
        .arg(sample_path("webshop"))
        .assert()
        .success()
        .stdout(predicate::str::contains("## Recommendations (12)"))
        .stdout(predicate::str::contains("`redundancy:lb`"));
}
