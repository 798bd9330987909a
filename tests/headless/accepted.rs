//! Accepted risks (DESIGN §1 `accepted`, §3 "Accepted risks"): listed with their reason,
//! out of `--fail-on` while they hold, back in when expired, stale ones reported; and the
//! SARIF log, validated against the SARIF 2.1.0 schema.

use std::path::{Path, PathBuf};

use serde_json::Value;
use spofscope::model;

use crate::support::{fixture_path, sample_path, spofscope, temp_dir};

/// The webshop sample (SPOFs region eu, zone eu-a, db, files, dns, lb; order-2 web#0 +
/// web#1; findings single-zone web, unmonitored cache and db) with `accepted` added.
fn webshop_with(accepted: &str) -> String {
    let text = std::fs::read_to_string(sample_path("webshop")).unwrap_or_default();
    let end = text.rfind(')').unwrap_or(text.len());
    format!("{}    accepted: [\n{accepted}    ],\n)\n", &text[..end])
}

const ACCEPTED: &str = r#"        (risk: "spof:files", reason: "Object storage is regional and managed", until: None),
        (risk: "spof:dns", reason: "Second provider in Q1", until: Some("2026-06-30")),
        (risk: "order2:web#0+web#1", reason: "Two replicas are enough for now", until: Some("2027-06-30")),
        (risk: "finding:unmonitored:cache", reason: "A cold cache only slows pages", until: None),
        (risk: "spof:cdn", reason: "There is no CDN any more", until: None),
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn json(path: &Path, today: &str) -> Value {
    let out = spofscope()
        .args(["check", "--format", "json", "--today", today])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"))
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|v| v[key] == value))
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

#[test]
fn accepted_risks_stay_listed_with_reason_and_standing() {
    let dir = temp_dir();
    let path = write(dir.path(), "shop.spof.ron", &webshop_with(ACCEPTED));
    let report = json(&path, "2026-12-03");
    let spofs = &report["spofs"];
    assert_eq!(spofs.as_array().map(Vec::len), Some(6));
    assert_eq!(
        find(spofs, "id", "files")["accepted"],
        serde_json::json!({"reason": "Object storage is regional and managed", "until": null, "expired": false})
    );
    assert_eq!(
        find(spofs, "id", "dns")["accepted"],
        serde_json::json!({"reason": "Second provider in Q1", "until": "2026-06-30", "expired": true})
    );
    assert_eq!(find(spofs, "id", "db").get("accepted"), None);
    assert_eq!(
        report["order2"][0]["accepted"]["until"],
        serde_json::json!("2027-06-30")
    );
    let cache = report["findings"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["target"] == "cache"))
        .unwrap_or_else(|| panic!("no cache finding"));
    assert_eq!(cache["accepted"]["expired"], false);
    let standings: Vec<(String, String)> = report["accepted"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|a| (a["risk"].to_string(), a["status"].to_string()))
                .collect()
        })
        .unwrap_or_default();
    let expected = [
        ("spof:files", "holds"),
        ("spof:dns", "expired"),
        ("order2:web#0+web#1", "holds"),
        ("finding:unmonitored:cache", "holds"),
        ("spof:cdn", "stale"),
    ]
    .map(|(r, s)| (format!("\"{r}\""), format!("\"{s}\"")));
    assert_eq!(standings, expected);
}

#[test]
fn text_report_marks_accepted_items_and_lists_every_acceptance() {
    let dir = temp_dir();
    let path = write(dir.path(), "shop.spof.ron", &webshop_with(ACCEPTED));
    let out = spofscope()
        .args(["check", "--today", "2026-12-03"])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SPOFs (6, 1 accepted)"), "{text}");
    assert!(text.contains("files (accepted)"), "{text}");
    assert!(text.contains("dns (acceptance expired)"), "{text}");
    assert!(text.contains("Order-2 risks (1, 1 accepted)"), "{text}");
    assert!(text.contains("Accepted risks (5)"), "{text}");
    assert!(
        text.contains("spof:dns  acceptance expired on 2026-06-30: Second provider in Q1"),
        "{text}"
    );
    assert!(
        text.contains("spof:cdn  stale (no longer found): There is no CDN any more"),
        "{text}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("accepted risk `spof:cdn` no longer exists"),
        "{stderr}"
    );
}

/// Every SPOF of the webshop accepted until the end of June 2027.
fn all_spofs_accepted() -> String {
    ["region:eu", "zone:eu-a", "db", "files", "dns", "lb"]
        .iter()
        .map(|e| {
            format!(
                "        (risk: \"spof:{e}\", reason: \"Known\", until: Some(\"2027-06-30\")),\n"
            )
        })
        .collect()
}

#[test]
fn fail_on_ignores_accepted_risks_until_they_expire() {
    let dir = temp_dir();
    let path = write(
        dir.path(),
        "shop.spof.ron",
        &webshop_with(&all_spofs_accepted()),
    );
    let run = |today: &str, fail_on: &str| {
        spofscope()
            .args(["check", "--fail-on", fail_on, "--today", today])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(run("2027-06-30", "spof").status.code(), Some(0));
    // The order-2 pair web#0 + web#1 is not accepted.
    assert_eq!(run("2027-06-30", "order2").status.code(), Some(1));
    let expired = run("2027-07-01", "spof");
    assert_eq!(expired.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&expired.stderr);
    assert!(
        stderr.contains("spof:db: acceptance expired on 2027-06-30: Known"),
        "{stderr}"
    );
}

#[test]
fn malformed_acceptances_are_refused_with_line_and_column() {
    let cases = [
        (
            r#"        (risk: "spof:db", reason: " ", until: None),
"#,
            "empty reason for accepting `spof:db`; expected why the team lives with it",
        ),
        (
            r#"        (risk: "spof:db", reason: "a", until: None),
        (risk: "spof:db", reason: "b", until: None),
"#,
            "risk `spof:db` is accepted twice; expected each risk once",
        ),
        (
            r#"        (risk: "spof:db", reason: "a", until: Some("30.06.2027")),
"#,
            "invalid date `30.06.2027`; expected a day as YYYY-MM-DD",
        ),
        (
            r#"        (risk: "order2:web#1+web#0", reason: "a", until: None),
"#,
            "expected the two events in sorted order and different: `order2:web#0+web#1`",
        ),
    ];
    for (accepted, message) in cases {
        let text = webshop_with(accepted);
        let err = model::from_str(&text, "shop.spof.ron")
            .err()
            .unwrap_or_else(|| panic!("accepted: {accepted}"));
        assert!(err.message.contains(message), "{err}");
        let (line, _) = err.location.unwrap_or_default();
        let accepted_line = text
            .lines()
            .position(|l| l.contains("accepted: ["))
            .unwrap_or_default()
            + 1;
        assert!(line > accepted_line, "{err} at line {line}");
    }
}

#[test]
fn acceptances_round_trip_through_the_canonical_text() {
    let text = webshop_with(ACCEPTED);
    let m = model::from_str(&text, "shop").unwrap_or_else(|e| panic!("{e}"));
    let saved = model::to_string(&m);
    assert!(
        saved.contains(r#"        (risk: "spof:dns", reason: "Second provider in Q1", until: Some("2026-06-30")),"#),
        "{saved}"
    );
    assert_eq!(model::from_str(&saved, "saved"), Ok(m));
    let plain = model::load(&sample_path("webshop")).unwrap_or_else(|e| panic!("{e}"));
    assert!(!model::to_string(&plain).contains("accepted"));
}

fn sarif(path: &Path, today: &str) -> Value {
    let out = spofscope()
        .args(["check", "--format", "sarif", "--today", today])
        .arg(path)
        .current_dir(path.parent().unwrap_or(Path::new(".")))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn sarif_log_is_valid_against_the_schema() {
    let schema_text = std::fs::read_to_string(fixture_path("sarif/sarif-schema-2.1.0.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    // The published schema's `language` pattern has a stray `]` that jsonschema's
    // meta-validation refuses as a regular expression; replaced, in memory only, by the
    // pattern it means (our logs never carry a language).
    let schema_text = schema_text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let schema: Value = serde_json::from_str(&schema_text).unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    let dir = temp_dir();
    for (name, text) in [
        ("shop.spof.ron", webshop_with(ACCEPTED)),
        (
            "plain.spof.ron",
            std::fs::read_to_string(sample_path("microservices")).unwrap_or_default(),
        ),
    ] {
        let path = write(dir.path(), name, &text);
        let log = sarif(&path, "2026-12-03");
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn sarif_results_point_at_the_model_and_carry_suppressions() {
    let dir = temp_dir();
    let text = webshop_with(ACCEPTED);
    let path = write(dir.path(), "shop.spof.ron", &text);
    let log = sarif(&path, "2026-12-03");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .map(|l| l.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        rule_ids,
        [
            "spof",
            "order2",
            "always-down",
            "unmonitored",
            "manual-failover",
            "async-replication",
            "unreplicated-shards",
            "single-zone",
            "single-region"
        ]
    );
    let results = run["results"].as_array().cloned().unwrap_or_default();
    // 6 SPOFs, 1 order-2 risk, 3 findings.
    assert_eq!(results.len(), 10);
    let by_risk = |risk: &str| {
        results
            .iter()
            .find(|r| r["properties"]["risk"] == risk)
            .unwrap_or_else(|| panic!("no result for {risk}"))
    };
    let db = by_risk("spof:db");
    assert_eq!(db["ruleId"], "spof");
    assert_eq!(db["level"], "error");
    let db_line = text
        .lines()
        .position(|l| l.contains(r#"id: "db""#))
        .unwrap_or_default()
        + 1;
    let db_column = text
        .lines()
        .nth(db_line - 1)
        .and_then(|l| l.find(r#""db""#))
        .unwrap_or_default()
        + 1;
    let location = &db["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        path.to_string_lossy().as_ref()
    );
    assert_eq!(location["region"]["startLine"], db_line);
    assert_eq!(location["region"]["startColumn"], db_column);
    assert_eq!(db.get("suppressions"), None);
    assert_eq!(
        by_risk("spof:files")["suppressions"],
        serde_json::json!([{"kind": "inSource", "justification": "Object storage is regional and managed"}])
    );
    let dns = by_risk("spof:dns");
    assert_eq!(dns.get("suppressions"), None);
    assert_eq!(dns["properties"]["acceptanceExpired"], "2026-06-30");
    assert_eq!(by_risk("order2:web#0+web#1")["level"], "warning");
    let zone = by_risk("spof:zone:eu-a");
    let zone_line = text
        .lines()
        .position(|l| l.contains(r#"(id: "eu-a""#))
        .unwrap_or_default()
        + 1;
    assert_eq!(
        zone["locations"][0]["physicalLocation"]["region"]["startLine"],
        zone_line
    );
    let cache = by_risk("finding:unmonitored:cache");
    assert_eq!(cache["ruleId"], "unmonitored");
    assert_eq!(cache["level"], "warning");
    assert_eq!(cache["suppressions"][0]["kind"], "inSource");
}

/// Renaming a component renames it in the accepted risks too (an order-2 pair kept in
/// sorted order), so what was accepted stays accepted instead of turning stale.
#[test]
fn renaming_a_component_renames_its_accepted_risks() {
    use spofscope::edit::Edit;
    use spofscope::model::Risk;

    let mut m =
        model::from_str(&webshop_with(ACCEPTED), "shop.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    let rename = |m: &model::Model, old: &str, new: &str| -> Edit {
        let mut component = m
            .component(old)
            .cloned()
            .unwrap_or_else(|| panic!("no {old}"));
        component.id = new.to_owned();
        Edit::UpdateComponent {
            id: old.to_owned(),
            component,
        }
    };
    let edits = vec![
        rename(&m, "web", "zz-web"),
        rename(&m, "cache", "page-cache"),
        rename(&m, "dns", "resolver"),
    ];
    Edit::apply_all(&edits, &mut m).unwrap_or_else(|e| panic!("{e}"));
    let risks: Vec<Risk> = m.accepted.iter().map(|a| a.risk.clone()).collect();
    let expected: Vec<Risk> = [
        "spof:files",
        "spof:resolver",
        "order2:zz-web#0+zz-web#1",
        "finding:unmonitored:page-cache",
        "spof:cdn",
    ]
    .iter()
    .map(|r| Risk::parse(r).unwrap_or_else(|e| panic!("{e}")))
    .collect();
    assert_eq!(risks, expected);
    let report = spofscope::analysis::analyze(&m, &spofscope::analysis::Options::default());
    let stale: Vec<String> = report
        .stale_accepted()
        .map(|a| a.risk.to_string())
        .collect();
    assert_eq!(stale, ["spof:cdn"]);
}
