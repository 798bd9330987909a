//! `spofscope diff OLD NEW` (DESIGN §3 "diff"): what a change did to SPOFs, order-2 risks,
//! entries and the model, in text, JSON and Markdown; `--fail-on regression`; standard input.

use serde_json::Value;

use crate::support::{sample_path, spofscope, temp_dir};

fn diff_json(old: &str, new: &str) -> (Value, Option<i32>) {
    let out = spofscope()
        .args(["diff", "--format", "json", "--fail-on", "regression"])
        .arg(sample_path(old))
        .arg(sample_path(new))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    (json, out.status.code())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|l| {
            l.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn hardening_the_webshop_removes_five_spofs_and_is_no_regression() {
    let (d, code) = diff_json("webshop", "webshop-hardened");
    assert_eq!(code, Some(0));
    assert_eq!(d["regression"], false);
    assert!(strings(&d["spofs_added"]).is_empty());
    assert_eq!(
        strings(&d["spofs_removed"]),
        ["zone:eu-a", "db", "files", "dns", "lb"]
    );
    assert_eq!(d["order2_added"], 12);
    assert_eq!(d["order2_removed"], 1);
    let users = &d["entries"][0];
    assert_eq!(users["id"], "users");
    let (before, after) = (
        users["before"].as_f64().unwrap_or_default(),
        users["after"].as_f64().unwrap_or_default(),
    );
    let check = |name: &str| -> f64 {
        let out = spofscope()
            .args(["check", "--format", "json"])
            .arg(sample_path(name))
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
        v["entries"][0]["availability"].as_f64().unwrap_or_default()
    };
    assert_eq!(before, check("webshop"));
    assert_eq!(after, check("webshop-hardened"));
    assert!(strings(&d["components_added"]).is_empty());
    assert_eq!(
        strings(&d["components_changed"]),
        ["dns", "lb", "web", "cache", "db", "files"]
    );
    assert_eq!(
        d["components_changed_fields"][0],
        serde_json::json!({"id": "dns", "fields": ["replicas", "zones"]})
    );
    assert_eq!(strings(&d["places_added"]), ["zone:eu-b", "zone:eu-c"]);
}

#[test]
fn undoing_the_hardening_is_a_regression() {
    let (d, code) = diff_json("webshop-hardened", "webshop");
    assert_eq!(code, Some(1));
    assert_eq!(d["regression"], true);
    assert_eq!(
        strings(&d["spofs_added"]),
        ["zone:eu-a", "db", "files", "dns", "lb"]
    );
}

#[test]
fn a_model_against_itself_changes_nothing() {
    let out = spofscope()
        .args(["diff", "--fail-on", "regression"])
        .arg(sample_path("microservices"))
        .arg(sample_path("microservices"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Resilience diff: no change in resilience\n"),
        "{text}"
    );
    assert!(!text.contains("SPOFs added"), "{text}");
}

#[test]
fn the_old_version_can_come_from_standard_input() {
    let old = std::fs::read_to_string(sample_path("webshop")).unwrap_or_default();
    let out = spofscope()
        .args(["diff", "-", "--format", "markdown"])
        .arg(sample_path("webshop-hardened"))
        .write_stdin(old)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("### ✅ spofscope: no regression\n"), "{md}");
    assert!(
        md.contains("| `users` | 99.34 % → 99.96 % | 2.4 days → 3 h 6 min down per year | 98.70 % → 99.96 % |"),
        "{md}"
    );
    assert!(
        md.contains("- **SPOFs removed** (5): `zone:eu-a`, `db`, `files`, `dns`, `lb`"),
        "{md}"
    );
}

#[test]
fn bad_input_names_the_file_and_writes_nothing() {
    let dir = temp_dir();
    let broken = dir.path().join("broken.spof.ron");
    std::fs::write(
        &broken,
        "Model(format: 1, name: \"x\", components: [(id: 3)])",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = spofscope()
        .arg("diff")
        .arg(sample_path("webshop"))
        .arg(&broken)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.spof.ron:1:"), "{stderr}");
    let both = spofscope()
        .args(["diff", "-", "-"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(both.status.code(), Some(2));
}
