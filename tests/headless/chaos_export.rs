//! Scenarios exported as chaos experiments against the running system (Chaos Toolkit,
//! Chaos Mesh) from a model imported from Kubernetes manifests, and Chaos Toolkit journals
//! read back against the model's prediction.

use std::path::Path;

use serde_json::{Value, json};

use spofscope::analysis;
use spofscope::io::export::{self, ChaosFormat};
use spofscope::io::import::{self, ImportFormat};
use spofscope::model::{self, DependencyKind, Model, Scenario, Workload};

use crate::support::{event, fixture_path, spofscope, temp_dir};

/// Online Boutique's checkout path as imported, with the scenarios the tests export.
fn boutique() -> Model {
    let path = fixture_path("chaos/boutique.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut model = import::import(ImportFormat::K8s, &text, "boutique.yaml")
        .unwrap()
        .model;
    for (name, fail) in [
        ("Lose a cart pod", vec!["cartservice#0"]),
        ("Redis cart down", vec!["redis-cart"]),
        ("Zone A outage", vec!["zone:zone-a"]),
        (
            "Zone A and a payment pod",
            vec!["zone:zone-a", "paymentservice#0"],
        ),
    ] {
        model.scenarios.push(Scenario {
            name: name.to_owned(),
            fail: fail.into_iter().map(event).collect(),
        });
    }
    model
}

/// The boutique as its team would review it: the cart caches in Redis (a soft dependency)
/// and the front end has a URL to probe.
fn reviewed_boutique() -> Model {
    let mut model = boutique();
    for d in &mut model.dependencies {
        if d.from == "cartservice" && d.to == "redis-cart" {
            d.kind = DependencyKind::Soft;
        }
    }
    let frontend = model.component_mut("frontend").unwrap();
    if let Some(w) = frontend.workload.as_mut() {
        w.url = Some("http://frontend.boutique.svc.cluster.local/".to_owned());
    }
    model
}

fn toolkit(model: &Model, scenario: &str) -> Value {
    let text = export::chaos_experiment(model, scenario, ChaosFormat::ChaosToolkit).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn mesh(model: &Model, scenario: &str) -> Value {
    let text = export::chaos_experiment(model, scenario, ChaosFormat::ChaosMesh).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|a| a["name"].as_str().unwrap())
        .collect()
}

#[test]
fn imported_workloads_keep_namespace_kind_name_and_selector_labels() {
    let model = boutique();
    assert_eq!(model.components.len(), 10);
    for c in &model.components {
        let w = c.workload.as_ref().unwrap();
        assert_eq!(
            w,
            &Workload {
                namespace: "boutique".to_owned(),
                kind: "Deployment".to_owned(),
                name: c.id.clone(),
                labels: [("app".to_owned(), c.id.clone())].into(),
                url: None,
            },
            "{}",
            c.id
        );
    }
}

#[test]
fn hypothesis_lists_exactly_the_entries_the_whatif_predicts_up() {
    let model = boutique();
    let expected = [
        ("Lose a cart pod", vec!["frontend", "loadgenerator"]),
        ("Redis cart down", vec![]),
        ("Zone A outage", vec!["frontend", "loadgenerator"]),
        ("Zone A and a payment pod", vec![]),
    ];
    for (scenario, up) in expected {
        let fail = &model
            .scenarios
            .iter()
            .find(|s| s.name == scenario)
            .unwrap()
            .fail;
        let whatif = analysis::whatif(&model, fail).unwrap();
        let predicted_up: Vec<&str> = model
            .components
            .iter()
            .filter(|c| c.entry && !whatif.entries_down.contains(&c.id))
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(predicted_up, up, "{scenario}");
        let experiment = toolkit(&model, scenario);
        assert_eq!(
            names(&experiment["steady-state-hypothesis"]["probes"]),
            up,
            "{scenario}"
        );
        assert_eq!(experiment["extensions"][0]["predicted_up"], json!(up));
        assert_eq!(
            experiment["extensions"][0]["predicted_down"],
            json!(whatif.entries_down)
        );
    }
}

#[test]
fn probes_check_the_url_or_that_the_deployment_stays_available() {
    let experiment = toolkit(&reviewed_boutique(), "Redis cart down");
    assert_eq!(
        experiment["steady-state-hypothesis"]["probes"],
        json!([
            {"type": "probe", "name": "frontend", "tolerance": 200,
             "provider": {"type": "http", "url": "http://frontend.boutique.svc.cluster.local/", "timeout": 5}},
            {"type": "probe", "name": "loadgenerator", "tolerance": true,
             "provider": {"type": "python", "module": "chaosk8s.deployment.probes",
                          "func": "deployment_partially_available",
                          "arguments": {"name": "loadgenerator", "ns": "boutique",
                                        "label_selector": "app=loadgenerator",
                                        "raise_on_not_partially_available": false}}},
        ])
    );
}

#[test]
fn method_terminates_pods_by_the_workloads_labels_and_drains_zones() {
    let model = boutique();
    let one = toolkit(&model, "Lose a cart pod");
    assert_eq!(
        one["method"],
        json!([{"type": "action", "name": "cartservice#0: terminate one pod of cartservice",
                "provider": {"type": "python", "module": "chaosk8s.pod.actions", "func": "terminate_pods",
                             "arguments": {"label_selector": "app=cartservice", "ns": "boutique", "qty": 1, "rand": true}}}])
    );
    assert_eq!(one.get("rollbacks"), None);
    let all = toolkit(&model, "Redis cart down");
    assert_eq!(
        all["method"][0]["provider"]["arguments"],
        json!({"label_selector": "app=redis-cart", "ns": "boutique", "all": true})
    );
    let zone = toolkit(&model, "Zone A and a payment pod");
    assert_eq!(
        zone["method"][0]["provider"],
        json!({"type": "python", "module": "chaosk8s.node.actions", "func": "drain_nodes",
               "arguments": {"label_selector": "topology.kubernetes.io/zone=zone-a",
                             "delete_pods_with_local_storage": false, "timeout": 120}})
    );
    assert_eq!(
        zone["method"][1]["provider"]["arguments"]["label_selector"],
        "app=paymentservice"
    );
    assert_eq!(
        zone["rollbacks"],
        json!([{"type": "action", "name": "zone:zone-a: uncordon the nodes labelled topology.kubernetes.io/zone=zone-a",
                "provider": {"type": "python", "module": "chaosk8s.node.actions", "func": "uncordon_node",
                             "arguments": {"label_selector": "topology.kubernetes.io/zone=zone-a"}}}])
    );
}

/// The fields the PodChaos CRD requires (`action`, `mode`, `selector`) and what the
/// selector must say for each failure.
#[track_caller]
fn assert_pod_chaos(spec: &Value, mode: &str, selector: Value) {
    assert_eq!(spec["action"], "pod-failure");
    assert_eq!(spec["mode"], mode);
    assert_eq!(spec["selector"], selector);
}

#[test]
fn chaos_mesh_single_failure_is_one_pod_chaos_selecting_the_workloads_labels() {
    let manifest = mesh(&boutique(), "Lose a cart pod");
    assert_eq!(manifest["apiVersion"], "chaos-mesh.org/v1alpha1");
    assert_eq!(manifest["kind"], "PodChaos");
    assert_eq!(manifest["metadata"]["name"], "spofscope-lose-a-cart-pod");
    assert_eq!(manifest["metadata"]["namespace"], "boutique");
    assert_eq!(manifest["spec"]["duration"], "5m");
    assert_pod_chaos(
        &manifest["spec"],
        "one",
        json!({"namespaces": ["boutique"], "labelSelectors": {"app": "cartservice"}}),
    );
    let all = mesh(&boutique(), "Redis cart down");
    assert_pod_chaos(
        &all["spec"],
        "all",
        json!({"namespaces": ["boutique"], "labelSelectors": {"app": "redis-cart"}}),
    );
    let zone = mesh(&boutique(), "Zone A outage");
    assert_pod_chaos(
        &zone["spec"],
        "all",
        json!({"namespaces": ["boutique"], "nodeSelectors": {"topology.kubernetes.io/zone": "zone-a"}}),
    );
}

#[test]
fn chaos_mesh_several_failures_run_in_parallel_in_one_workflow() {
    let manifest = mesh(&boutique(), "Zone A and a payment pod");
    assert_eq!(manifest["apiVersion"], "chaos-mesh.org/v1alpha1");
    assert_eq!(manifest["kind"], "Workflow");
    assert_eq!(
        manifest["metadata"]["name"],
        "spofscope-zone-a-and-a-payment-pod"
    );
    let spec = &manifest["spec"];
    assert_eq!(spec["entry"], "entry");
    let templates = spec["templates"].as_array().unwrap();
    assert_eq!(
        names(&spec["templates"]),
        ["entry", "fault-1-zone-zone-a", "fault-2-paymentservice-0"]
    );
    assert_eq!(templates[0]["templateType"], "Parallel");
    assert_eq!(
        templates[0]["children"],
        json!(["fault-1-zone-zone-a", "fault-2-paymentservice-0"])
    );
    for t in &templates[1..] {
        assert_eq!(t["templateType"], "PodChaos");
        assert_eq!(t["deadline"], "5m");
    }
    assert_pod_chaos(
        &templates[1]["podChaos"],
        "all",
        json!({"namespaces": ["boutique"], "nodeSelectors": {"topology.kubernetes.io/zone": "zone-a"}}),
    );
    assert_pod_chaos(
        &templates[2]["podChaos"],
        "one",
        json!({"namespaces": ["boutique"], "labelSelectors": {"app": "paymentservice"}}),
    );
}

/// The `chaos` command of chaostoolkit, when installed (`.ci/run` puts it on PATH).
fn chaos_binary() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chaos"))
        .find(|p| p.is_file())
}

#[test]
fn chaos_validate_accepts_every_exported_experiment() {
    let Some(chaos) = chaos_binary() else {
        eprintln!(
            "skipped: `chaos` (chaostoolkit, chaostoolkit-kubernetes) is not on PATH; .ci/run installs it"
        );
        return;
    };
    let dir = temp_dir();
    let model = reviewed_boutique();
    for scenario in model.scenarios.iter().map(|s| s.name.as_str()) {
        let out = dir.path().join("experiment.json");
        export::write_chaos_experiment(&model, scenario, ChaosFormat::ChaosToolkit, &out).unwrap();
        let run = std::process::Command::new(&chaos)
            .args(["--no-log-file", "validate"])
            .arg(&out)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&run.stderr).into_owned()
            + &String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{scenario}: {said}");
        assert!(
            said.contains("experiment syntax and semantic look valid") && !said.contains("ERROR"),
            "{scenario}: {said}"
        );
    }
}

#[test]
fn export_needs_a_workload_on_every_failed_component_and_writes_nothing_without() {
    let dir = temp_dir();
    let mut model = boutique();
    model.component_mut("redis-cart").unwrap().workload = None;
    let file = dir.path().join("m.spof.ron");
    model::save(&model, &file).unwrap();
    let out = dir.path().join("x.json");
    let run = spofscope()
        .arg("export")
        .arg(&file)
        .args([
            "--chaos",
            "chaos-toolkit",
            "--scenario",
            "Redis cart down",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        format!(
            "error: {}: component `redis-cart` (failed by `redis-cart`) has no workload; expected its Kubernetes namespace, kind, name and labels (Inspector ▸ Workload, or import the model from the manifests)\n",
            file.display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn export_refuses_an_entry_it_cannot_probe_and_compose_services() {
    let mut model = boutique();
    model.component_mut("frontend").unwrap().workload = None;
    let err =
        export::chaos_experiment(&model, "Lose a cart pod", ChaosFormat::ChaosMesh).unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry `frontend` has neither a workload URL nor a Kubernetes workload to probe; expected a URL (Inspector ▸ Workload ▸ URL) or a workload"
    );
    let mut model = boutique();
    if let Some(w) = model
        .component_mut("cartservice")
        .unwrap()
        .workload
        .as_mut()
    {
        w.kind = Workload::COMPOSE.to_owned();
    }
    let err =
        export::chaos_experiment(&model, "Lose a cart pod", ChaosFormat::ChaosToolkit).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("component `cartservice` is a Docker Compose service;"),
        "{err}"
    );
}

#[test]
fn chaos_export_names_the_scenario_it_needs() {
    let dir = temp_dir();
    let file = dir.path().join("m.spof.ron");
    model::save(&boutique(), &file).unwrap();
    spofscope()
        .arg("export")
        .arg(&file)
        .args(["--chaos", "chaos-mesh", "--out"])
        .arg(dir.path().join("x.yaml"))
        .assert()
        .code(2)
        .stderr("error: --chaos needs --scenario NAME: the scenario to inject\n");
}

fn chaos_result(model_file: &Path, journal: &Path, format: &str) -> std::process::Output {
    spofscope()
        .arg("chaos-result")
        .arg(model_file)
        .arg(journal)
        .args(["--format", format])
        .output()
        .unwrap()
}

#[test]
fn journal_with_one_deviation_yields_exactly_one_mismatch_naming_the_dependency() {
    let dir = temp_dir();
    let file = dir.path().join("boutique.spof.ron");
    model::save(&reviewed_boutique(), &file).unwrap();
    let journal = fixture_path("chaos/redis-cart-down.journal.json");
    // The journal of a run of exactly what `export --chaos chaos-toolkit` writes.
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&journal).unwrap()).unwrap();
    assert_eq!(
        recorded["experiment"],
        toolkit(&reviewed_boutique(), "Redis cart down")
    );
    let run = chaos_result(&file, &journal, "json");
    assert_eq!(run.status.code(), Some(1), "a mismatch exits 1");
    let result: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(result["scenario"], "Redis cart down");
    assert_eq!(result["status"], "completed");
    assert_eq!(result["deviated"], true);
    assert_eq!(result["before_met"], true);
    assert_eq!(
        result["entries"],
        json!([
            {"id": "frontend", "predicted": "up", "observed": "down"},
            {"id": "loadgenerator", "predicted": "up", "observed": "not-observed"},
        ])
    );
    assert_eq!(
        result["findings"],
        json!([{
            "entry": "frontend",
            "message": "the model says frontend survives losing redis-cart; the experiment saw it fail: is the dependency cartservice → redis-cart really soft? The experiment suggests it is hard",
            "review": [{"kind": "dependency", "from": "cartservice", "to": "redis-cart",
                        "dependency_kind": "soft",
                        "question": "is the dependency cartservice → redis-cart really soft? The experiment suggests it is hard"}],
        }])
    );
    let text = chaos_result(&file, &journal, "text");
    assert_eq!(text.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&text.stdout),
        "Scenario \"Redis cart down\" of \"Imported Kubernetes manifests\": experiment completed, deviated\n\
         \x20 frontend                 predicted up    observed down\n\
         \x20 loadgenerator            predicted up    not observed\n\
         1 mismatch between the model and the experiment:\n\
         - the model says frontend survives losing redis-cart; the experiment saw it fail: is the dependency cartservice → redis-cart really soft? The experiment suggests it is hard\n"
    );
}

#[test]
fn journal_that_agrees_with_the_model_exits_zero() {
    let dir = temp_dir();
    let file = dir.path().join("boutique.spof.ron");
    model::save(&reviewed_boutique(), &file).unwrap();
    let mut journal: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture_path("chaos/redis-cart-down.journal.json")).unwrap(),
    )
    .unwrap();
    journal["deviated"] = json!(false);
    journal["steady_states"]["after"] = journal["steady_states"]["before"].clone();
    let path = dir.path().join("journal.json");
    std::fs::write(&path, journal.to_string()).unwrap();
    let run = chaos_result(&file, &path, "json");
    assert_eq!(run.status.code(), Some(0));
    let result: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(result["findings"], json!([]));
    assert_eq!(result["entries"][1]["observed"], "up");
}

#[test]
fn malformed_journal_is_bad_input_with_line_and_column() {
    let dir = temp_dir();
    let file = dir.path().join("boutique.spof.ron");
    model::save(&reviewed_boutique(), &file).unwrap();
    let path = dir.path().join("journal.json");
    std::fs::write(
        &path,
        "{\n  \"status\": \"completed\",\n  \"deviated\": tru\n}\n",
    )
    .unwrap();
    let run = chaos_result(&file, &path, "text");
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        format!(
            "error: {}:4:1: expected ident; expected a Chaos Toolkit journal (JSON)\n",
            path.display()
        )
    );
}

#[test]
fn entries_predicted_down_are_probed_after_the_failures_without_being_tested() {
    let experiment = toolkit(&boutique(), "Redis cart down");
    assert_eq!(experiment.get("steady-state-hypothesis"), None);
    let method = &experiment["method"];
    assert_eq!(
        names(method),
        [
            "redis-cart: terminate every pod (a bad deploy) of redis-cart",
            "frontend",
            "loadgenerator"
        ]
    );
    assert_eq!(method[1]["type"], "probe");
    assert_eq!(method[1].get("tolerance"), None);
    assert_eq!(
        method[1]["provider"]["func"],
        "deployment_partially_available"
    );
}

#[test]
fn an_entry_predicted_down_that_stayed_up_is_a_mismatch_naming_the_hard_dependencies() {
    let dir = temp_dir();
    let file = dir.path().join("boutique.spof.ron");
    model::save(&boutique(), &file).unwrap();
    let experiment = toolkit(&boutique(), "Redis cart down");
    let probe_run = |i: usize, output: Value| {
        json!({"activity": experiment["method"][i], "output": output, "status": "succeeded",
               "start": "2026-12-03T10:00:01+00:00", "end": "2026-12-03T10:00:02+00:00", "duration": 1.0})
    };
    let journal = json!({
        "chaoslib-version": "1.44.0", "platform": "Linux", "node": "runner",
        "experiment": experiment, "start": "2026-12-03T10:00:00+00:00",
        "status": "completed", "deviated": false,
        "steady_states": {"before": null, "after": null, "during": []},
        "run": [
            {"activity": experiment["method"][0], "output": ["redis-cart-6c8f7b9d4-x2k9q"], "status": "succeeded",
             "start": "2026-12-03T10:00:00+00:00", "end": "2026-12-03T10:00:01+00:00", "duration": 1.0},
            probe_run(1, json!(true)),
            probe_run(2, json!(false)),
        ],
        "rollbacks": [], "end": "2026-12-03T10:00:03+00:00", "duration": 3.0,
    });
    let path = dir.path().join("journal.json");
    std::fs::write(&path, journal.to_string()).unwrap();
    let run = chaos_result(&file, &path, "json");
    assert_eq!(run.status.code(), Some(1));
    let result: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        result["entries"],
        json!([
            {"id": "frontend", "predicted": "down", "observed": "up"},
            {"id": "loadgenerator", "predicted": "down", "observed": "down"},
        ])
    );
    let findings = result["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["entry"], "frontend");
    assert_eq!(
        findings[0]["message"],
        "the model says frontend goes down when redis-cart fails; the experiment saw it stay up: review 5 assumptions below"
    );
    let questions: Vec<&str> = findings[0]["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        [
            "is the dependency frontend → cartservice really hard? The experiment suggests frontend copes without cartservice",
            "is the dependency frontend → checkoutservice really hard? The experiment suggests frontend copes without checkoutservice",
            "is the dependency checkoutservice → cartservice really hard? The experiment suggests checkoutservice copes without cartservice",
            "is the dependency cartservice → redis-cart really hard? The experiment suggests cartservice copes without redis-cart",
            "did redis-cart stay down while the probes ran? Killed pods restart; Chaos Mesh's pod-failure holds them down",
        ]
    );
}
