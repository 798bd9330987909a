//! Hostile input: every loader refuses oversized, over-deep, over-large and malformed
//! files with a clear message, without panicking or allocating without bound. What bounds
//! the work is asserted exactly: the limit each loader reports when it stops. No test times
//! anything; a hang guard far above any load only ends a loader that never returns.

use std::io::Write as _;
use std::sync::mpsc;
use std::time::Duration;

use spofscope::io::import::{
    self, ImportFormat, backstage, compose, dot, k8s, mef, terraform, traces,
};
use spofscope::model::{self, LoadError};

use crate::support::temp_dir;

/// Long enough that no machine load reaches it: only a loader stuck for good does.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Run `f` on a thread with room for deep input; fail only if it never returns.
fn guarded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    rx.recv_timeout(HANG_GUARD)
        .expect("the loader never returned (hang guard)")
}

fn load_text(text: String) -> Result<model::Model, LoadError> {
    guarded(move || model::from_str(&text, "hostile.spof.ron"))
}

fn component_line(id: &str, extra: &str) -> String {
    format!("(id: \"{id}\"{extra}),\n")
}

fn model_with(components: &str) -> String {
    format!("Model(format: 1, name: \"h\", components: [\n{components}])\n")
}

#[test]
fn file_over_the_size_limit_is_refused_before_parsing() {
    let dir = temp_dir();
    let path = dir.path().join("huge.spof.ron");
    let mut f = std::fs::File::create(&path).unwrap();
    f.set_len(model::MAX_FILE_BYTES + 1).unwrap();
    f.flush().unwrap();
    let e = guarded(move || model::load(&path)).unwrap_err();
    assert!(
        e.message
            .starts_with("file is 33554433 bytes; expected at most 33554432"),
        "{e}"
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    let text = format!(
        "Model(format: 1, name: \"h\", components: [(id: \"a\", zones: {}\"z\"{})])",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = load_text(text).unwrap_err();
    assert_eq!(e.location, Some((1, 60)), "{e}");
    assert_eq!(e.message, "Expected string", "{e}");
}

#[test]
fn too_many_components_are_refused() {
    let mut body = String::new();
    for i in 0..=model::MAX_COMPONENTS {
        body.push_str(&component_line(&format!("c{i}"), ""));
    }
    let e = load_text(model_with(&body)).unwrap_err();
    assert_eq!(e.message, "100001 components; expected at most 100000");
    assert_eq!(e.location, Some((100_002, 1)));
}

#[test]
fn too_many_dependencies_are_refused() {
    let mut text = String::from(
        "Model(format: 1, name: \"h\", components: [(id: \"a\"), (id: \"b\")], dependencies: [\n",
    );
    for _ in 0..=model::MAX_DEPENDENCIES {
        text.push_str("(from: \"a\", to: \"b\"),\n");
    }
    text.push_str("])\n");
    let e = load_text(text).unwrap_err();
    assert_eq!(e.message, "1000001 dependencies; expected at most 1000000");
}

#[test]
fn absurd_replica_counts_are_refused() {
    let e = load_text(model_with(&component_line("web", ", replicas: 4000000000"))).unwrap_err();
    assert_eq!(
        e.message,
        "\"web\" has 4000000000 replicas; expected 1..=1000"
    );
    assert_eq!(e.location, Some((2, 23)));
    let e = load_text(model_with(&component_line(
        "web",
        ", replicas: 99999999999999",
    )))
    .unwrap_err();
    assert!(
        e.message.contains("out of bounds") || e.message.contains("Integer"),
        "{e}"
    );
}

#[test]
fn too_many_replicas_in_all_are_refused() {
    let mut body = String::new();
    for i in 0..1001 {
        body.push_str(&component_line(&format!("c{i}"), ", replicas: 1000"));
    }
    let e = load_text(model_with(&body)).unwrap_err();
    assert_eq!(
        e.message,
        "the model has more than 1000000 replicas in all; expected fewer"
    );
}

#[test]
fn absurdly_long_ids_are_refused_with_a_shortened_echo() {
    let id = "x".repeat(100_000);
    let e = load_text(model_with(&component_line(&id, ""))).unwrap_err();
    assert!(
        e.message
            .starts_with(&format!("invalid component id \"{}…\"", "x".repeat(40))),
        "{e}"
    );
    assert!(e.message.len() < 200);
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let dir = temp_dir();
    let path = dir.path().join("bad.spof.ron");
    std::fs::write(&path, b"Model(\n  format: 1,\n  name: \"\xff\xfe\",\n)").unwrap();
    let e = guarded(move || model::load(&path)).unwrap_err();
    assert_eq!(e.location, Some((3, 10)));
    assert_eq!(e.message, "invalid UTF-8; expected a text file");
}

/// The event budget of `infer::yaml_options` stops the expansion at its millionth event,
/// on the last alias line.
const ALIAS_BOMB_REFUSED: &str =
    "FILE:6:45: invalid YAML: budget breached: Events { events: 1000001 }";

fn billion_laughs_yaml(tail: &str) -> String {
    let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    yaml.push_str(tail);
    yaml
}

#[test]
fn yaml_alias_bombs_are_refused_by_compose_and_k8s() {
    let text = billion_laughs_yaml("services:\n  web:\n    image: nginx\n");
    let e = guarded(move || compose::import(&text, "bomb.yml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        ALIAS_BOMB_REFUSED.replace("FILE", "bomb.yml")
    );
    let text = billion_laughs_yaml("kind: Deployment\n");
    let e = guarded(move || k8s::import(&text, "bomb.yaml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        ALIAS_BOMB_REFUSED.replace("FILE", "bomb.yaml")
    );
}

#[test]
fn deep_yaml_nesting_is_refused() {
    let text = format!("services: {}x{}\n", "[".repeat(5_000), "]".repeat(5_000));
    let e = guarded(move || compose::import(&text, "deep.yml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "deep.yml:1:11: invalid YAML: expected mapping start"
    );
    let text = format!("services: {}x{}\n", "{a: ".repeat(100), "}".repeat(100));
    let e = guarded(move || compose::import(&text, "deep.yml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "deep.yml:1:263: invalid YAML: budget breached: Depth { depth: 65 }"
    );
    let text = format!(
        "kind: Deployment\nspec: {}x{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    let e = guarded(move || k8s::import(&text, "deep.yaml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "deep.yaml:2:70: invalid YAML: budget breached: Depth { depth: 65 }"
    );
}

#[test]
fn compose_with_absurd_replicas_is_clamped_and_noted() {
    let text =
        "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 4000000000\n".to_owned();
    let imported = guarded(move || compose::import(&text, "big.yml")).unwrap();
    assert_eq!(imported.model.components[0].replicas, 1000);
    assert_eq!(
        imported.notes,
        vec![
            "service `web` asks for 4000000000 replicas; modelled with 1000",
            "no service publishes ports: no entry point; mark one in the model"
        ]
    );
}

#[test]
fn deeply_nested_mef_formulas_are_refused() {
    let xml = format!(
        "<opsa-mef><define-fault-tree name=\"t\"><define-gate name=\"top\">{}<basic-event name=\"a\"/>{}</define-gate></define-fault-tree></opsa-mef>",
        "<or><basic-event name=\"a\"/>".repeat(200),
        "</or>".repeat(200)
    );
    let e = guarded(move || mef::import(&xml, "deep.xml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "deep.xml:1:1818: formulas nested deeper than 64; expected named gates"
    );
}

#[test]
fn xml_entity_expansion_is_refused() {
    let xml = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><opsa-mef>&lol2;</opsa-mef>".to_owned();
    let e = guarded(move || mef::import(&xml, "lol.xml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "lol.xml:1:1: malformed XML: XML with DTD detected"
    );
}

#[test]
fn deeply_nested_dot_subgraphs_are_refused() {
    let text = format!(
        "digraph g {{ {} a {} }}",
        "subgraph { ".repeat(500),
        "} ".repeat(500)
    );
    let e = guarded(move || dot::import(&text, "deep.dot")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "deep.dot:1:717: subgraphs nested deeper than 64"
    );
}

#[test]
fn dot_with_too_many_nodes_is_refused() {
    let mut text = String::from("digraph g {\n");
    for i in 0..=model::MAX_COMPONENTS {
        text.push_str(&format!("n{i};\n"));
    }
    text.push('}');
    let e = guarded(move || dot::import(&text, "many.dot")).unwrap_err();
    assert!(
        e.message
            .contains("100001 components; expected at most 100000"),
        "{e}"
    );
}

/// Inputs found by `cargo fuzz` (see the README's testing section): each hung an importer
/// before its fix. Every file now imports to a valid model of a known size or is refused
/// with a known error, and no other file waits in the directory untested.
#[test]
fn fuzz_regressions_import_or_are_refused_exactly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions");
    let expected: [(&str, ImportFormat, Result<usize, &str>); 4] = [
        (
            "import_compose-long-service-name.yml",
            ImportFormat::Compose,
            Ok(1),
        ),
        ("import_k8s-long-name.yaml", ImportFormat::K8s, Ok(1)),
        ("import_dot-long-node-id.dot", ImportFormat::Dot, Ok(3)),
        (
            "import_mef-long-event-name.xml",
            ImportFormat::Mef,
            Err("fuzz:8:9: unknown event \"C\"; expected a defined gate or basic event"),
        ),
    ];
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with("import_"))
        .collect();
    names.sort();
    let mut listed: Vec<&str> = expected.iter().map(|(n, ..)| *n).collect();
    listed.sort_unstable();
    assert_eq!(names, listed);
    for (name, format, outcome) in expected {
        let text =
            std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_else(|e| panic!("{e}"));
        let got = guarded(move || import::import(format, &text, "fuzz").map(|i| i.model));
        match got {
            Ok(model) => {
                assert!(model.validate().is_ok(), "{name}");
                assert_eq!(Ok(model.components.len()), outcome, "{name}");
            }
            Err(e) => assert_eq!(Err(e.to_string().as_str()), outcome, "{name}"),
        }
    }
}

/// A service name longer than an id may be: the id is shortened, not searched for forever.
#[test]
fn an_overlong_name_becomes_a_shortened_unique_id() {
    let long = "s".repeat(300);
    let text = format!("services:\n  {long}:\n    image: nginx\n  {long}x:\n    image: nginx\n");
    let imported =
        guarded(move || compose::import(&text, "long.yml")).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = imported
        .model
        .components
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let stem = "s".repeat(model::MAX_ID_LEN - 12);
    assert_eq!(ids, [stem.clone(), format!("{stem}_2")]);
}

#[test]
fn deeply_nested_terraform_and_traces_json_is_refused_at_serde_json_s_limit() {
    let deep = format!(
        "{{\"format_version\": \"1.0\", \"values\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = guarded(move || terraform::import(&deep, "deep.json")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "deep.json:1:163: invalid Terraform JSON: recursion limit exceeded"
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = guarded(move || traces::read(&deep, "deep.json")).unwrap_err();
    assert_eq!(e.location, Some((1, 2)), "{e}");
}

/// A plan in which every one of 1,500 queues references one security group that references
/// them all: the reference walk refuses the 2,250,000 dependencies instead of growing.
#[test]
fn terraform_references_through_a_hub_are_bounded() {
    let n = 1_500;
    let mut planned = Vec::new();
    let mut config = Vec::new();
    let hub_refs: Vec<String> = (0..n).map(|i| format!("\"aws_sqs_queue.q{i}\"")).collect();
    for i in 0..n {
        planned.push(format!(
            "{{\"address\": \"aws_sqs_queue.q{i}\", \"mode\": \"managed\", \"type\": \"aws_sqs_queue\", \"name\": \"q{i}\", \"values\": {{}}}}"
        ));
        config.push(format!(
            "{{\"address\": \"aws_sqs_queue.q{i}\", \"expressions\": {{\"policy\": {{\"references\": [\"aws_security_group.hub\"]}}}}}}"
        ));
    }
    config.push(format!(
        "{{\"address\": \"aws_security_group.hub\", \"expressions\": {{\"ingress\": {{\"references\": [{}]}}}}}}",
        hub_refs.join(", ")
    ));
    let text = format!(
        "{{\"format_version\": \"1.2\", \"planned_values\": {{\"root_module\": {{\"resources\": [{}]}}}}, \"configuration\": {{\"root_module\": {{\"resources\": [{}]}}}}}}",
        planned.join(",\n"),
        config.join(",\n")
    );
    let e = guarded(move || terraform::import(&text, "hub.json")).unwrap_err();
    assert_eq!(
        e.message,
        "more than 1000000 dependencies in all with those of `aws_sqs_queue.q667`; expected fewer"
    );
    assert_eq!(e.location, Some((668, 1)));
}

#[test]
fn yaml_alias_bombs_are_refused_by_backstage() {
    let text = billion_laughs_yaml("apiVersion: backstage.io/v1alpha1\nkind: Component\n");
    let e = guarded(move || backstage::import(&text, "bomb.yaml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        ALIAS_BOMB_REFUSED.replace("FILE", "bomb.yaml")
    );
}

#[test]
fn deeply_nested_or_misshapen_chaos_journals_are_refused() {
    use spofscope::io::journal;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = guarded(move || journal::read(&deep, "j.json").err()).unwrap();
    assert_eq!(err.location, Some((1, 128)), "{err}");
    for (text, message) in [
        ("[]", "no `status`; expected a Chaos Toolkit journal"),
        (
            r#"{"status": "completed", "steady_states": {"before": {"probes": 3}}}"#,
            "steady_states.before has no `probes` list; expected a Chaos Toolkit journal",
        ),
        (
            r#"{"status": "completed", "steady_states": {"after": {"probes": [{"activity": {}}]}}}"#,
            "a probe of steady_states.after has no `activity.name`; expected a Chaos Toolkit journal",
        ),
    ] {
        let err = journal::read(text, "j.json").err().unwrap();
        assert_eq!(err.to_string(), format!("j.json: {message}"));
    }
}

#[test]
fn kubernetes_labels_no_selector_can_hold_are_left_off_the_workload() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector:\n    matchLabels: {app: web, \"bad key\": x, tier: \"a,b\", \"\": y}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n";
    let imported = k8s::import(text, "k.yaml").unwrap();
    let labels = &imported.model.components[0]
        .workload
        .as_ref()
        .unwrap()
        .labels;
    assert_eq!(
        labels.iter().collect::<Vec<_>>(),
        [(&"app".to_owned(), &"web".to_owned())]
    );
}
