//! `.spof.ron` files (DESIGN §1): every default, one located error per kind of bad
//! file, canonical and atomic saving, and a loader that never panics.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

use spofscope::model::{
    self, Component, ComponentKind, Defaults, Dependency, DependencyKind, DetectMinutes, Failover,
    FailoverMinutes, LoadError, Model, Needs, Region, Replication, Scenario, Workload, Zone,
};

use crate::support::{SAMPLES, event, in_crate, sample_path, temp_dir};

fn load_err(text: &str) -> LoadError {
    model::from_str(text, "bad.spof.ron").unwrap_err()
}

/// The error names the file, the line and column, and what was expected.
#[track_caller]
fn assert_error(text: &str, line: usize, col: usize, message_contains: &[&str]) {
    let err = load_err(text);
    assert_eq!(err.file, "bad.spof.ron");
    assert_eq!(err.location, Some((line, col)), "{err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("bad.spof.ron:{line}:{col}: ")),
        "{shown}"
    );
    for part in message_contains {
        assert!(shown.contains(part), "`{shown}` does not mention `{part}`");
    }
}

// ---------------------------------------------------------------------------------
// Defaults (the table in DESIGN §1).

const MINIMAL: &str = r#"Model(
    format: 1,
    name: "Minimal",
    regions: [(id: "eu", zones: [(id: "eu-a")])],
    components: [(id: "app"), (id: "db")],
    dependencies: [(from: "app", to: "db")],
    scenarios: [(name: "nothing")],
)"#;

#[test]
fn omitted_defaults_are_the_documented_availabilities() {
    let m = model::from_str(MINIMAL, "min").unwrap();
    assert_eq!(
        m.defaults,
        Defaults {
            replica_availability: 0.999,
            zone_availability: 0.9995,
            region_availability: 0.9999,
            mtbf_hours: 720.0,
            detect_minutes: DetectMinutes {
                monitored: 2.0,
                unmonitored: 240.0
            },
            failover_minutes: FailoverMinutes {
                automatic: 1.0,
                manual: 30.0
            },
            common_cause: 0.05,
        }
    );
}

#[test]
fn partial_defaults_keep_the_others() {
    let m = model::from_str(
        r#"Model(format: 1, name: "x", defaults: (zone_availability: 0.99))"#,
        "x",
    )
    .unwrap();
    assert_eq!(m.defaults.replica_availability, 0.999);
    assert_eq!(m.defaults.zone_availability, 0.99);
    assert_eq!(m.defaults.region_availability, 0.9999);
}

#[test]
fn omitted_model_lists_and_description_are_empty() {
    let m = model::from_str(r#"Model(format: 1, name: "x")"#, "x").unwrap();
    assert_eq!(m.description, "");
    assert!(m.regions.is_empty());
    assert!(m.components.is_empty());
    assert!(m.dependencies.is_empty());
    assert!(m.scenarios.is_empty());
}

#[test]
fn zone_availability_defaults_to_none() {
    let m = model::from_str(MINIMAL, "min").unwrap();
    assert_eq!(
        m.regions,
        vec![Region {
            id: "eu".to_owned(),
            name: String::new(),
            zones: vec![Zone {
                id: "eu-a".to_owned(),
                name: String::new(),
                availability: None,
            }],
        }]
    );
    assert_eq!(m.zone_availability(&m.regions[0].zones[0]), 0.9995);
}

#[test]
fn omitted_component_fields_take_the_documented_defaults() {
    let m = model::from_str(MINIMAL, "min").unwrap();
    let c = &m.components[0];
    assert_eq!(c.id, "app");
    assert_eq!(c.name, "app", "a missing name shows the id");
    assert_eq!(c.kind, ComponentKind::Service);
    assert!(!c.entry);
    assert_eq!(c.replicas, 1);
    assert_eq!(c.min_healthy, 1);
    assert!(c.zones.is_empty());
    assert_eq!(c.needs, Needs::All);
    assert_eq!(c.replication, Replication::None);
    assert_eq!(c.availability, None);
    assert!(c.monitored);
    assert_eq!(c.failover, Failover::Automatic);
    assert_eq!(c.pos, (0.0, 0.0));
    assert_eq!(c.notes, "");
    assert_eq!(m.replica_availability(c), 0.999);
}

#[test]
fn omitted_dependency_kind_is_hard() {
    let m = model::from_str(MINIMAL, "min").unwrap();
    assert_eq!(m.dependencies, vec![Dependency::hard("app", "db")]);
    assert_eq!(m.dependencies[0].kind, DependencyKind::Hard);
}

#[test]
fn omitted_scenario_fail_list_is_empty() {
    let m = model::from_str(MINIMAL, "min").unwrap();
    assert_eq!(
        m.scenarios,
        vec![Scenario {
            name: "nothing".to_owned(),
            fail: Vec::new(),
        }]
    );
}

#[test]
fn every_field_of_the_design_example_is_read() {
    let m = model::from_str(
        r#"Model(
    format: 1,
    name: "Web shop",
    description: "Three-tier shop in one region",
    defaults: (replica_availability: 0.999, zone_availability: 0.9995, region_availability: 0.9999),
    regions: [
        (id: "eu", name: "EU Frankfurt", zones: [(id: "eu-a"), (id: "eu-b", availability: Some(0.999))]),
    ],
    components: [
        (id: "users", name: "Web users", kind: Client, entry: true, pos: (40.0, 200.0)),
        (id: "lb", name: "Load balancer", kind: LoadBalancer, zones: ["eu-a"], needs: AtLeast(1), pos: (200.0, 200.0)),
        (id: "web", name: "Web", kind: Service, replicas: 3, min_healthy: 2, zones: ["eu-a", "eu-b"], pos: (360.0, 200.0)),
        (id: "db", name: "Orders DB", kind: Database, replication: Async, zones: ["eu-a"], monitored: false, failover: Manual, availability: Some(0.9995), notes: "primary", pos: (520.0, 200.0)),
    ],
    dependencies: [
        (from: "users", to: "lb"),
        (from: "lb", to: "web"),
        (from: "web", to: "db", kind: Hard),
        (from: "web", to: "lb", kind: Soft),
    ],
    scenarios: [
        (name: "Zone eu-a outage", fail: ["zone:eu-a"]),
    ],
)"#,
        "design",
    )
    .unwrap();
    assert_eq!(m.regions[0].zones[1].availability, Some(0.999));
    let db = m.component("db").unwrap();
    assert_eq!(db.kind, ComponentKind::Database);
    assert_eq!(db.replication, Replication::Async);
    assert!(!db.monitored);
    assert_eq!(db.failover, Failover::Manual);
    assert_eq!(db.availability, Some(0.9995));
    assert_eq!(db.notes, "primary");
    let web = m.component("web").unwrap();
    assert_eq!((web.replicas, web.min_healthy), (3, 2));
    assert_eq!(web.zones, vec!["eu-a", "eu-b"]);
    assert_eq!(m.component("lb").unwrap().needs, Needs::AtLeast(1));
    assert_eq!(m.dependencies[3].kind, DependencyKind::Soft);
    assert_eq!(m.scenarios[0].fail, vec![event("zone:eu-a")]);
}

// ---------------------------------------------------------------------------------
// One located error per kind of bad file.

#[test]
fn unknown_component_field_is_located_at_the_field() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [\n        (id: \"a\", replica: 2),\n    ],\n)\n",
        5,
        19,
        &["unknown field `replica`", "expected one of", "`replicas`"],
    );
}

#[test]
fn unknown_top_level_field_is_located_at_the_field() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    author: \"me\",\n)\n",
        4,
        5,
        &["unknown field `author`", "expected one of"],
    );
}

#[test]
fn duplicate_component_id_is_located_at_the_second_id() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [\n        (id: \"a\"),\n        (id: \"b\"),\n        (id: \"a\"),\n    ],\n)\n",
        7,
        14,
        &["duplicate component id \"a\"", "expected a unique id"],
    );
}

#[test]
fn duplicate_zone_id_is_located_at_the_second_zone() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    regions: [\n        (id: \"eu\", zones: [(id: \"a\")]),\n        (id: \"us\", zones: [(id: \"a\")]),\n    ],\n)\n",
        6,
        33,
        &["duplicate zone id \"a\"", "expected a unique id"],
    );
}

#[test]
fn dependency_to_unknown_component_is_located_at_the_reference() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"a\")],\n    dependencies: [\n        (from: \"a\", to: \"ghost\"),\n    ],\n)\n",
        6,
        25,
        &["unknown component \"ghost\"", "expected a component id"],
    );
}

#[test]
fn dependency_from_unknown_component_is_located_at_the_reference() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"a\")],\n    dependencies: [(from: \"ghost\", to: \"a\")],\n)\n",
        5,
        27,
        &["unknown component \"ghost\"", "expected a component id"],
    );
}

#[test]
fn component_in_unknown_zone_is_located_at_the_zone() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    regions: [(id: \"eu\", zones: [(id: \"eu-a\")])],\n    components: [\n        (id: \"a\", zones: [\"eu-a\", \"eu-z\"]),\n    ],\n)\n",
        6,
        35,
        &["unknown zone \"eu-z\"", "expected a zone of a region"],
    );
}

#[test]
fn scenario_naming_an_unknown_event_is_located_at_the_event() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"db\")],\n    scenarios: [\n        (name: \"s\", fail: [\"db#0\", \"db#1\"]),\n    ],\n)\n",
        6,
        36,
        &["\"db\" has 1 replica(s)", "expected `db#0`"],
    );
}

#[test]
fn scenario_naming_an_unknown_zone_is_located_at_the_event() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    scenarios: [(name: \"s\", fail: [\"zone:nowhere\"])],\n)\n",
        4,
        36,
        &["unknown zone \"nowhere\"", "expected"],
    );
}

#[test]
fn min_healthy_above_replicas_is_located_at_min_healthy() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [\n        (id: \"b\", replicas: 2, min_healthy: 3),\n    ],\n)\n",
        5,
        45,
        &["min_healthy is 3", "expected 1..=2"],
    );
}

#[test]
fn min_healthy_zero_is_located_at_min_healthy() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"b\", min_healthy: 0)],\n)\n",
        4,
        41,
        &["min_healthy is 0", "expected 1..=1"],
    );
}

#[test]
fn zero_replicas_is_located_at_replicas() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"b\", replicas: 0)],\n)\n",
        4,
        38,
        &["0 replicas", "expected at least 1"],
    );
}

#[test]
fn availability_zero_is_located_at_the_value() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"b\", availability: Some(0.0))],\n)\n",
        4,
        42,
        &["availability is 0", "expected a value in (0, 1]"],
    );
}

#[test]
fn availability_above_one_is_located_at_the_value() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"b\", availability: Some(1.5))],\n)\n",
        4,
        42,
        &["availability is 1.5", "expected a value in (0, 1]"],
    );
}

#[test]
fn availability_of_exactly_one_is_accepted() {
    let m = model::from_str(
        r#"Model(format: 1, name: "x", components: [(id: "b", availability: Some(1.0))])"#,
        "x",
    )
    .unwrap();
    assert_eq!(m.components[0].availability, Some(1.0));
}

#[test]
fn zone_availability_above_one_is_located_at_the_value() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    regions: [(id: \"eu\", zones: [(id: \"eu-a\"), (id: \"eu-b\", availability: Some(1.5))])],\n)\n",
        4,
        75,
        &[
            "zone \"eu-b\" availability is 1.5",
            "expected a value in (0, 1]",
        ],
    );
}

#[test]
fn default_availability_zero_is_located_at_the_value() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    defaults: (region_availability: 0.0),\n)\n",
        4,
        37,
        &[
            "region_availability is 0",
            "expected an availability in (0, 1]",
        ],
    );
}

#[test]
fn newer_format_is_located_at_the_format() {
    assert_error(
        "Model(\n    format: 2,\n    name: \"x\",\n    future_field: [1, 2, 3],\n)\n",
        2,
        13,
        &["format 2 is newer", "expected format 1"],
    );
}

#[test]
fn missing_format_is_an_error() {
    assert_error("Model(name: \"x\")", 1, 16, &["missing field `format`"]);
}

#[test]
fn syntax_error_is_located_where_the_parser_stopped() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [\n        (id: \"a\" kind: Service),\n    ],\n)\n",
        5,
        18,
        &["Expected comma"],
    );
}

#[test]
fn unknown_kind_is_located_and_lists_the_kinds() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [\n        (id: \"a\", kind: Servise),\n    ],\n)\n",
        5,
        25,
        &["Servise", "`Service`", "`Database`"],
    );
}

#[test]
fn invalid_component_id_is_located_at_the_id() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"a b\")],\n)\n",
        4,
        23,
        &[
            "invalid component id \"a b\"",
            "expected 1 to 128 letters, digits",
        ],
    );
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let dir = temp_dir();
    let path = dir.path().join("latin1.spof.ron");
    std::fs::write(
        &path,
        b"Model(\n    format: 1,\n    name: \"caf\xe9\",\n)\n".as_slice(),
    )
    .unwrap();
    let err = model::load(&path).unwrap_err();
    assert_eq!(err.location, Some((3, 15)));
    assert_eq!(err.file, path.display().to_string());
    assert!(
        err.to_string()
            .ends_with(":3:15: invalid UTF-8; expected a text file"),
        "{err}"
    );
}

#[test]
fn missing_file_names_the_file() {
    let err = model::load(Path::new("/nonexistent/model.spof.ron")).unwrap_err();
    assert_eq!(err.location, None);
    assert!(
        err.to_string()
            .starts_with("/nonexistent/model.spof.ron: cannot read"),
        "{err}"
    );
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let text = format!(
        "Model(format: 1, name: \"x\", regions: {})",
        "[".repeat(100_000)
    );
    assert!(load_err(&text).location.is_some());
    let text = format!("{}Model(format: 1)", "(".repeat(100_000));
    assert!(load_err(&text).location.is_some());
}

// ---------------------------------------------------------------------------------
// Canonical, atomic saving.

#[test]
fn samples_survive_load_save_load_unchanged() {
    let dir = temp_dir();
    for name in SAMPLES {
        let original = model::load(&sample_path(name)).unwrap();
        let path = dir.path().join(format!("{name}.spof.ron"));
        model::save(&original, &path).unwrap();
        let reloaded = model::load(&path).unwrap();
        assert_eq!(reloaded, original, "{name}");
    }
}

#[test]
fn samples_are_stored_in_canonical_form() {
    for name in SAMPLES {
        let text = std::fs::read_to_string(sample_path(name)).unwrap();
        let m = model::from_str(&text, name).unwrap();
        assert_eq!(model::to_string(&m), text, "{name} is not canonical");
    }
}

#[test]
fn saving_an_unchanged_model_twice_gives_identical_bytes() {
    let dir = temp_dir();
    let path = dir.path().join("m.spof.ron");
    let m = model::load(&sample_path("microservices")).unwrap();
    model::save(&m, &path).unwrap();
    let first = std::fs::read(&path).unwrap();
    let again = model::load(&path).unwrap();
    model::save(&again, &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
}

#[test]
fn save_writes_components_in_their_model_order_with_defaults_left_out() {
    let mut m = Model {
        name: "Order".to_owned(),
        ..Model::default()
    };
    let mut b = Component::new("b", ComponentKind::Database);
    b.replicas = 2;
    b.replication = Replication::Sync;
    m.components = vec![b, Component::new("a", ComponentKind::Service)];
    m.dependencies = vec![Dependency::soft("a", "b")];
    assert_eq!(
        model::to_string(&m),
        "Model(\n    format: 1,\n    name: \"Order\",\n    defaults: (replica_availability: 0.999, zone_availability: 0.9995, region_availability: 0.9999),\n    regions: [],\n    components: [\n        (id: \"b\", name: \"b\", kind: Database, replicas: 2, replication: Sync, pos: (0.0, 0.0)),\n        (id: \"a\", name: \"a\", kind: Service, pos: (0.0, 0.0)),\n    ],\n    dependencies: [\n        (from: \"a\", to: \"b\", kind: Soft),\n    ],\n    scenarios: [],\n)\n"
    );
}

#[test]
fn workload_is_saved_on_one_line_and_read_back_by_both_parsers() {
    let mut m = Model {
        name: "Targets".to_owned(),
        ..Model::default()
    };
    let mut cart = Component::new("cart", ComponentKind::Service);
    cart.workload = Some(Workload {
        namespace: "shop".to_owned(),
        kind: "Deployment".to_owned(),
        name: "cartservice".to_owned(),
        labels: [("app".to_owned(), "cart".to_owned())].into(),
        url: Some("http://cart.shop:8080/healthz".to_owned()),
    });
    m.components = vec![cart];
    let text = model::to_string(&m);
    assert!(
        text.contains(r#"(id: "cart", name: "cart", kind: Service, pos: (0.0, 0.0), workload: Some((namespace: "shop", kind: "Deployment", name: "cartservice", labels: {"app": "cart"}, url: Some("http://cart.shop:8080/healthz")))),"#),
        "{text}"
    );
    assert_eq!(model::from_str(&text, "t").unwrap(), m);
    // A comment sends the file through the full RON parser: it must read the same.
    let commented = format!("// targets\n{text}");
    assert_eq!(model::from_str(&commented, "t").unwrap(), m);
}

#[test]
fn workload_without_a_name_is_located_at_the_name() {
    assert_error(
        "Model(format: 1, name: \"x\", components: [\n  (id: \"a\", workload: Some((kind: \"Deployment\", name: \"\"))),\n])",
        2,
        55,
        &["\"a\" workload has no name"],
    );
}

#[test]
fn workload_url_must_be_http() {
    let err = load_err(
        "Model(format: 1, name: \"x\", components: [(id: \"a\", workload: Some((kind: \"Deployment\", name: \"a\", url: Some(\"ftp://a\"))))])",
    );
    assert!(
        err.to_string()
            .contains("workload url `ftp://a`; expected an http:// or https:// address"),
        "{err}"
    );
}

#[test]
fn workload_label_that_breaks_a_selector_is_refused() {
    let err = load_err(
        "Model(format: 1, name: \"x\", components: [(id: \"a\", workload: Some((kind: \"Deployment\", name: \"a\", labels: {\"app\": \"a,b\"})))])",
    );
    assert!(
        err.to_string().contains("workload label `app: a,b`"),
        "{err}"
    );
}

#[test]
fn save_into_a_missing_directory_fails_and_writes_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("missing").join("m.spof.ron");
    let m = model::load(&sample_path("webshop")).unwrap();
    let err = model::save(&m, &path).unwrap_err();
    assert!(err.to_string().contains("m.spof.ron"), "{err}");
    assert!(!path.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn save_that_cannot_replace_the_target_leaves_it_intact() {
    // The target is a non-empty directory: the rename fails after the temporary file
    // is written; the target and the directory must be exactly as before.
    let dir = temp_dir();
    let target = dir.path().join("m.spof.ron");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), "old").unwrap();
    let m = model::load(&sample_path("webshop")).unwrap();
    assert!(model::save(&m, &target).is_err());
    assert_eq!(std::fs::read_to_string(target.join("keep")).unwrap(), "old");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["m.spof.ron"],
        "a temporary file was left behind"
    );
}

#[test]
fn save_that_fails_midway_leaves_the_old_file_intact() {
    // A file size limit makes writing the temporary file fail part way (EFBIG; the
    // signal is ignored so the write returns an error instead of killing the process).
    let dir = temp_dir();
    let path = dir.path().join("old.spof.ron");
    let old = std::fs::read(sample_path("webshop")).unwrap();
    std::fs::write(&path, &old).unwrap();
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 8; exec \"$0\" generate --components 2000 --seed 1 --out \"$1\"")
        .arg(env!("CARGO_BIN_EXE_spofscope"))
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot save"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), old);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["old.spof.ron"],
        "a temporary file was left behind"
    );
}

#[test]
fn generated_models_survive_load_save_load_unchanged() {
    for (n, seed) in [(1, 1), (7, 2), (100, 3), (1000, 4)] {
        let m = spofscope::generate::generate(n, seed);
        let text = model::to_string(&m);
        let loaded = model::from_str(&text, "generated").unwrap();
        assert_eq!(loaded, m, "{n} components, seed {seed}");
        assert_eq!(model::to_string(&loaded), text);
    }
}

// ---------------------------------------------------------------------------------
// Properties.

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{1,12}",
        ".{1,12}",
        Just("quote \" backslash \\ newline \n tab \t".to_owned()),
        Just("控制\u{7f}\u{0}\u{1b}é😀".to_owned()),
    ]
}

fn id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.-]{1,8}"
}

fn availability() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1.0),
        Just(0.999),
        Just(0.1 + 0.2 - 0.2),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        (1u64..u64::MAX).prop_map(|v| v as f64 / u64::MAX as f64),
    ]
}

fn coordinate() -> impl Strategy<Value = f32> {
    prop_oneof![
        -1e6f32..1e6f32,
        Just(-0.0f32),
        Just(1e-7f32),
        Just(f32::MAX),
        Just(f32::MIN_POSITIVE)
    ]
}

fn arb_component() -> impl Strategy<Value = Component> {
    (
        (
            0..ComponentKind::ALL.len(),
            any::<bool>(),
            1..=5u32,
            0..5u32,
            prop::option::of(availability()),
            0..3usize,
            any::<bool>(),
            any::<bool>(),
        ),
        (
            text(),
            prop::option::of(text()),
            (coordinate(), coordinate()),
            prop::option::of(0..4u32),
            prop::option::of(hours()),
            prop::option::of(share()),
        ),
    )
        .prop_map(
            |(
                (kind, entry, replicas, mh, avail, replication, monitored, manual),
                (name, notes, pos, needs, mtbf, beta),
            )| {
                let mut c = Component::new("x", ComponentKind::ALL[kind]);
                c.name = name;
                c.entry = entry;
                c.replicas = replicas;
                c.min_healthy = 1 + mh % replicas;
                c.availability = avail;
                c.replication =
                    [Replication::None, Replication::Sync, Replication::Async][replication];
                c.monitored = monitored;
                c.failover = if manual {
                    Failover::Manual
                } else {
                    Failover::Automatic
                };
                c.notes = notes.unwrap_or_default();
                c.pos = pos;
                c.needs = needs.map_or(Needs::All, Needs::AtLeast);
                c.mtbf_hours = mtbf;
                c.common_cause = beta;
                c
            },
        )
}

/// A positive, finite number of hours, with the awkward ones.
fn hours() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(720.0),
        Just(f64::MIN_POSITIVE),
        Just(0.1 + 0.2),
        Just(1e300),
        (1u64..u64::MAX).prop_map(|v| v as f64 / 1e9),
    ]
}

/// Minutes ≥ 0.
fn minutes() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(2.0), Just(0.1 + 0.2), 0.0..1e6f64]
}

/// β in [0, 1).
fn share() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(0.05), Just(0.1 + 0.2), 0.0..1.0f64]
}

fn arb_model() -> impl Strategy<Value = Model> {
    (
        (text(), prop::option::of(text())),
        (
            (availability(), availability(), availability()),
            (
                hours(),
                (minutes(), minutes()),
                (minutes(), minutes()),
                share(),
            ),
        ),
        prop::collection::vec(
            (
                id(),
                prop::option::of(text()),
                prop::collection::vec((id(), prop::option::of(availability())), 0..3),
            ),
            0..3,
        ),
        prop::collection::vec(
            (
                id(),
                arb_component(),
                prop::collection::vec(0..8usize, 0..3),
            ),
            0..8,
        ),
        prop::collection::vec((0..8usize, 0..8usize, any::<bool>()), 0..10),
        prop::collection::vec((text(), prop::collection::vec(0..16usize, 0..3)), 0..3),
    )
        .prop_map(
            |((name, description), defaults, regions, components, deps, scenarios)| {
                let mut m = Model {
                    name,
                    description: description.unwrap_or_default(),
                    defaults: Defaults {
                        replica_availability: defaults.0.0,
                        zone_availability: defaults.0.1,
                        region_availability: defaults.0.2,
                        mtbf_hours: defaults.1.0,
                        detect_minutes: DetectMinutes {
                            monitored: defaults.1.1.0.min(defaults.1.1.1),
                            unmonitored: defaults.1.1.0.max(defaults.1.1.1),
                        },
                        failover_minutes: FailoverMinutes {
                            automatic: defaults.1.2.0,
                            manual: defaults.1.2.1,
                        },
                        common_cause: defaults.1.3,
                    },
                    ..Model::default()
                };
                let mut taken = std::collections::BTreeSet::new();
                for (ri, (rid, rname, zones)) in regions.into_iter().enumerate() {
                    let rid = format!("r{ri}-{rid}");
                    let zones = zones
                        .into_iter()
                        .enumerate()
                        .map(|(zi, (zid, a))| Zone {
                            id: format!("z{ri}.{zi}-{zid}"),
                            name: String::new(),
                            availability: a,
                        })
                        .collect();
                    m.regions.push(Region {
                        id: rid,
                        name: rname.unwrap_or_default(),
                        zones,
                    });
                }
                let zone_ids: Vec<String> = m.zone_ids().map(str::to_owned).collect();
                for (cid, mut c, zones) in components {
                    if !taken.insert(cid.clone()) {
                        continue;
                    }
                    c.id = cid;
                    if !zone_ids.is_empty() {
                        c.zones = zones
                            .iter()
                            .map(|&z| zone_ids[z % zone_ids.len()].clone())
                            .collect();
                    }
                    m.components.push(c);
                }
                let n = m.components.len();
                let mut edges = std::collections::BTreeSet::new();
                if n > 0 {
                    for (from, to, soft) in deps {
                        if edges.insert((from % n, to % n)) {
                            let (f, t) = (
                                m.components[from % n].id.clone(),
                                m.components[to % n].id.clone(),
                            );
                            m.dependencies.push(if soft {
                                Dependency::soft(f, t)
                            } else {
                                Dependency::hard(f, t)
                            });
                        }
                    }
                }
                let mut events: Vec<String> =
                    zone_ids.iter().map(|z| format!("zone:{z}")).collect();
                events.extend(m.regions.iter().map(|r| format!("region:{}", r.id)));
                events.extend(m.components.iter().map(|c| c.id.clone()));
                let mut names = std::collections::BTreeSet::new();
                for (name, picks) in scenarios {
                    if events.is_empty() || !names.insert(name.clone()) {
                        continue;
                    }
                    m.scenarios.push(Scenario {
                        name,
                        fail: picks
                            .iter()
                            .map(|&p| event(&events[p % events.len()]))
                            .collect(),
                    });
                }
                m
            },
        )
}

/// Small edits of a real file: most inputs get past the first few characters.
fn mutated_sample() -> impl Strategy<Value = String> {
    let base = std::fs::read_to_string(sample_path("two-region")).unwrap();
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0..4u8,
            "[\\[\\](){},:\"#a-z0-9. \\\\\n-]{0,3}",
        ),
        1..6,
    )
    .prop_map(move |edits| {
        let mut text = base.clone().into_bytes();
        for (at, op, insert) in edits {
            let i = at.index(text.len() + 1);
            match op {
                0 => text.truncate(i),
                1 => {
                    let end = (i + insert.len().max(1)).min(text.len());
                    text.drain(i..end);
                }
                _ => {
                    text.splice(i..i, insert.bytes());
                }
            }
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}

fn assert_loads_or_locates(text: &str) -> Result<(), TestCaseError> {
    match model::from_str(text, "fuzz.spof.ron") {
        Ok(m) => prop_assert!(m.validate().is_ok()),
        Err(e) => {
            let (line, col) = e.location.expect("text errors have a location");
            let lines = text.split('\n').count();
            prop_assert!(line >= 1 && line <= lines, "line {line} of {lines}: {e}");
            prop_assert!(col >= 1, "{e}");
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn valid_models_survive_save_and_load_unchanged(m in arb_model()) {
        prop_assert!(m.validate().is_ok(), "{:?}", m.validate());
        let text = model::to_string(&m);
        let loaded = model::from_str(&text, "roundtrip").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&loaded, &m);
        prop_assert_eq!(model::to_string(&loaded), text);
    }

    #[test]
    fn arbitrary_text_never_panics_the_loader(text in ".{0,200}") {
        assert_loads_or_locates(&text)?;
    }

    #[test]
    fn edited_sample_files_never_panic_the_loader(text in mutated_sample()) {
        assert_loads_or_locates(&text)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic_loading_a_file(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let dir = temp_dir();
        let path = dir.path().join("bytes.spof.ron");
        std::fs::write(&path, &bytes).unwrap();
        let _ = model::load(&path);
    }
}

#[test]
fn position_beyond_f32_is_located_at_the_position() {
    assert_error(
        "Model(\n    format: 1,\n    name: \"x\",\n    components: [\n        (id: \"a\", pos: (0.0, 1e39)),\n    ],\n)\n",
        5,
        24,
        &["\"a\" is at (0, inf)", "expected finite coordinates"],
    );
}

/// Found by `cargo fuzz run load_model`: a coordinate that overflows `f32` loaded as
/// infinity and did not survive a save/load round trip.
#[test]
fn fuzz_regression_position_overflow_is_rejected() {
    let path = "tests/fuzz_regressions/load_model-position-overflow.spof.ron";
    let text = std::fs::read_to_string(in_crate(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let error = model::from_str(&text, path).err();
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("\"cache\" is at (840, inf); expected finite coordinates"),
        "{message}"
    );
}

/// A saved model is an ordinary file: readable as any new file of the user's is, and a
/// replaced file keeps its mode (the temporary file it is written through is private).
#[cfg(unix)]
#[test]
fn save_gives_new_files_ordinary_permissions_and_keeps_an_old_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let m = model::load(&sample_path("webshop")).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "x").unwrap();
    let new = dir.path().join("new.spof.ron");
    model::save(&m, &new).unwrap();
    assert_eq!(mode(&new), mode(&plain));
    let kept = dir.path().join("kept.spof.ron");
    std::fs::write(&kept, "old").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    model::save(&m, &kept).unwrap();
    assert_eq!(mode(&kept), 0o640);
    assert_eq!(model::load(&kept).unwrap(), m);
}
