//! Traces: a Jaeger dependencies response over a DeathStarBench-style compose file, an
//! OpenTelemetry service-graph scrape over Online Boutique manifests, and a Zipkin response
//! alone give the expected dependencies, entries, SPOFs and report; broken files are
//! refused with their position.

use spofscope::edit::Document;
use spofscope::io::import::traces::{self, TraceFormat};
use spofscope::io::import::{self, ImportFormat, Imported, k8s};
use spofscope::model::{ComponentKind, DependencyKind, Model};

use super::{assert_laid_out, deps, fixture, hotel, kinds, owned, spofs};
use crate::support::{fixture_path, spofscope, temp_dir};

fn read(name: &str) -> traces::Traces {
    let (text, file) = fixture(name);
    traces::read(&text, &file).unwrap()
}

/// `imported` with the traces file `name` laid over it, and the overlay's notes.
fn overlaid(imported: Imported, name: &str) -> (Model, Vec<String>) {
    let mut model = imported.model;
    let overlay = traces::overlay(&model, &read(name));
    overlay.apply(&mut model);
    (model, overlay.notes)
}

#[test]
fn jaeger_response_is_read_with_every_pair_and_count() {
    let t = read("hotel-jaeger.json");
    assert_eq!(t.format, TraceFormat::Jaeger);
    let pairs: Vec<(&str, &str, u64)> = t
        .calls
        .iter()
        .map(|c| (c.client.as_str(), c.server.as_str(), c.count))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("frontend", "search", 5120),
            ("search", "geo", 5120),
            ("search", "rate", 5120),
            ("frontend", "profile", 4870),
            ("frontend", "reservation", 1210),
            ("frontend", "recommendation", 930),
            ("frontend", "user", 610),
            ("reservation", "user", 1210),
        ]
    );
}

#[test]
fn jaeger_calls_become_hard_dependencies_over_the_compose_import() {
    let (m, _) = overlaid(hotel(), "hotel-jaeger.json");
    let added: Vec<_> = deps(&m)
        .into_iter()
        .filter(|(from, to, _)| {
            !hotel()
                .model
                .dependencies
                .iter()
                .any(|d| d.from == *from && d.to == *to)
        })
        .collect();
    use DependencyKind::Hard;
    assert_eq!(
        added,
        vec![
            ("frontend", "profile", Hard),
            ("frontend", "search", Hard),
            ("search", "geo", Hard),
            ("search", "rate", Hard),
        ]
    );
    assert_eq!(m.dependencies.len(), 18, "the manifests' 14 are kept");
    assert_eq!(kinds(&m), kinds(&hotel().model), "kinds and replicas stay");
}

#[test]
fn jaeger_overlay_reports_unknown_names_and_each_edge_no_trace_saw() {
    let (_, notes) = overlaid(hotel(), "hotel-jaeger.json");
    let unseen = |from: &str, to: &str| {
        format!("`{from}` → `{to}` is in the model but no trace saw it: kept")
    };
    let mut expected = vec![
        "Jaeger dependencies: 8 caller and callee pairs: 4 new dependencies, 0 already in the model".to_owned(),
        "traces name `reservation`, which matches no component: its 2 calls are left out".to_owned(),
        "traces name `recommendation`, which matches no component: its call is left out".to_owned(),
        "traces name `user`, which matches no component: its 2 calls are left out".to_owned(),
    ];
    for (from, to) in [
        ("frontend", "consul"),
        ("frontend", "jaeger-agent"),
        ("geo", "mongodb-geo"),
        ("geo", "consul"),
        ("geo", "jaeger-agent"),
        ("profile", "mongodb-profile"),
        ("profile", "consul"),
        ("profile", "jaeger-agent"),
        ("rate", "mongodb-rate"),
        ("rate", "memcached-rate"),
        ("rate", "consul"),
        ("rate", "jaeger-agent"),
        ("search", "consul"),
        ("search", "jaeger-agent"),
    ] {
        expected.push(unseen(from, to));
    }
    assert_eq!(notes, expected);
}

#[test]
fn with_traces_every_store_behind_the_frontend_is_a_spof_and_jaeger_is_not() {
    let (m, _) = overlaid(hotel(), "hotel-jaeger.json");
    assert_eq!(
        spofs(&m),
        owned(&[
            ("component", "consul", &["frontend"]),
            ("component", "memcached-rate", &["frontend"]),
            ("component", "mongodb-geo", &["frontend"]),
            ("component", "mongodb-rate", &["frontend"]),
            ("component", "geo", &["frontend"]),
            ("component", "mongodb-profile", &["frontend"]),
            ("component", "rate", &["frontend"]),
            ("component", "profile", &["frontend"]),
            ("component", "search", &["frontend"]),
            ("component", "frontend", &["frontend"]),
        ])
    );
}

fn boutique_with_service_graph() -> (Model, Vec<String>) {
    let (text, file) = fixture("k8s.yaml");
    overlaid(
        k8s::import(&text, &file).unwrap(),
        "boutique-service-graph.prom",
    )
}

#[test]
fn service_graph_scrape_sums_series_and_skips_other_metrics() {
    let t = read("boutique-service-graph.prom");
    assert_eq!(t.format, TraceFormat::ServiceGraph);
    let cart = t
        .calls
        .iter()
        .find(|c| c.client == "frontend" && c.server == "cartservice")
        .unwrap();
    assert_eq!(cart.count, 8402 + 17, "failed and succeeded series summed");
    assert_eq!(t.calls.len(), 10);
    let users = &t.calls[0];
    assert!(users.from_users && users.server == "frontend");
    let redis = t.calls.iter().find(|c| c.server == "redis-cart").unwrap();
    assert_eq!(redis.server_kind, Some(ComponentKind::Database));
}

#[test]
fn service_graph_over_kubernetes_adds_the_checkout_to_catalog_call() {
    let (m, notes) = boutique_with_service_graph();
    use DependencyKind::Hard;
    assert_eq!(
        deps(&m),
        vec![
            ("cartservice", "redis-cart", Hard),
            ("checkoutservice", "cartservice", Hard),
            ("checkoutservice", "paymentservice", Hard),
            ("checkoutservice", "productcatalogservice", Hard),
            ("frontend", "cartservice", Hard),
            ("frontend", "checkoutservice", Hard),
            ("frontend", "productcatalogservice", Hard),
            ("ingress-shop", "frontend", Hard),
        ]
    );
    assert_eq!(
        notes,
        vec![
            "OpenTelemetry service graph: 10 caller and callee pairs: 1 new dependency, 6 already in the model",
            "traces name `currencyservice`, which matches no component: its 2 calls are left out",
            "`ingress-shop` → `frontend` is in the model but no trace saw it: kept",
        ]
    );
    assert_eq!(
        spofs(&m),
        owned(&[
            ("component", "redis-cart", &["frontend", "ingress-shop"]),
            ("region", "cluster", &["frontend", "ingress-shop"]),
            ("component", "paymentservice", &["frontend", "ingress-shop"]),
            ("component", "ingress-shop", &["ingress-shop"]),
        ])
    );
}

#[test]
fn service_graph_users_make_an_entry_of_what_they_call() {
    let mut m = hotel().model;
    for c in &mut m.components {
        c.entry = false;
    }
    let scrape = "traces_service_graph_request_total{client=\"user\",server=\"frontend\",connection_type=\"virtual_node\"} 9\n";
    let overlay = traces::overlay(&m, &traces::read(scrape, "s.prom").unwrap());
    assert_eq!(overlay.entries, ["frontend"]);
    assert_eq!(
        overlay.notes.last().map(String::as_str),
        Some("the service graph shows users calling `frontend`: made an entry")
    );
}

#[test]
fn service_graph_alone_makes_users_a_client_entry() {
    let (text, file) = fixture("boutique-service-graph.prom");
    let m = traces::import(&text, &file).unwrap().model;
    let users = m.component("user").unwrap();
    assert_eq!((users.kind, users.entry), (ComponentKind::Client, true));
    assert_eq!(users.name, "Users");
    assert_eq!(
        m.component("redis-cart").unwrap().kind,
        ComponentKind::Cache
    );
    let entries: Vec<&str> = m
        .components
        .iter()
        .filter(|c| c.entry)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(entries, ["user"]);
}

fn shop() -> Imported {
    let (text, file) = fixture("shop-zipkin.json");
    traces::import(&text, &file).unwrap()
}

#[test]
fn zipkin_response_alone_makes_a_model() {
    let Imported { model: m, notes } = shop();
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("api-gateway", Service, 1, true),
            ("orders", Service, 1, false),
            ("catalog", Service, 1, false),
            ("postgres", Database, 1, false),
            ("kafka", Queue, 1, false),
            ("elasticsearch", Database, 1, false),
        ]
    );
    use DependencyKind::Hard;
    assert_eq!(
        deps(&m),
        vec![
            ("api-gateway", "catalog", Hard),
            ("api-gateway", "orders", Hard),
            ("catalog", "elasticsearch", Hard),
            ("orders", "catalog", Hard),
            ("orders", "kafka", Hard),
            ("orders", "postgres", Hard),
        ]
    );
    assert_eq!(
        notes,
        [
            "traces say nothing of replicas or zones: every component has 1 replica; set them in the model, or import the manifests and add these traces with --with"
        ]
    );
    assert_eq!(
        m.description,
        format!(
            "Imported from {} (Zipkin dependencies)",
            fixture("shop-zipkin.json").1
        )
    );
    assert_laid_out(&m);
}

#[test]
fn zipkin_alone_finds_every_single_service_behind_the_gateway() {
    let ids: Vec<String> = spofs(&shop().model).into_iter().map(|s| s.1).collect();
    assert_eq!(
        ids,
        [
            "elasticsearch",
            "catalog",
            "kafka",
            "postgres",
            "orders",
            "api-gateway"
        ]
    );
}

#[test]
fn traces_files_are_recognised_by_content() {
    let guess = |name: &str| {
        let (text, _) = fixture(name);
        import::guess_import_format(&fixture_path("import").join(name), &text)
    };
    assert_eq!(guess("hotel-jaeger.json"), Ok(ImportFormat::Traces));
    assert_eq!(guess("shop-zipkin.json"), Ok(ImportFormat::Traces));
    assert_eq!(
        guess("boutique-service-graph.prom"),
        Ok(ImportFormat::Traces)
    );
}

#[test]
fn a_bare_jaeger_array_and_an_error_response() {
    let t = traces::read(
        r#"[{"parent": "a", "child": "b", "callCount": 2}]"#,
        "d.json",
    )
    .unwrap();
    assert_eq!((t.format, t.calls.len()), (TraceFormat::Jaeger, 1));
    let e = traces::read(
        "{\n  \"data\": null,\n  \"errors\": [{\"code\": 500, \"msg\": \"storage unavailable\"}]\n}",
        "d.json",
    )
    .unwrap_err();
    assert_eq!(e.location, Some((3, 3)));
    assert_eq!(
        e.message,
        "Jaeger answered with errors: storage unavailable"
    );
}

#[test]
fn a_link_without_child_is_refused_with_its_position() {
    let e = traces::read(
        "{\"data\": [\n  {\"parent\": \"a\", \"callCount\": 1}\n]}",
        "d.json",
    )
    .unwrap_err();
    assert_eq!(e.location, Some((2, 33)));
    assert_eq!(
        e.message,
        "invalid dependencies JSON: missing field `child`"
    );
}

#[test]
fn a_broken_scrape_line_is_refused_with_line_and_column() {
    let text = "# TYPE traces_service_graph_request_total counter\ntraces_service_graph_request_total{client=\"a\",server=\"b} 3\n";
    let e = traces::read(text, "s.prom").unwrap_err();
    assert_eq!(e.location, Some((2, 59)));
    assert_eq!(e.message, "unclosed label value; expected `\"`");
    let e = traces::read(
        "traces_service_graph_request_total{client=\"a\"} 3\n",
        "s.prom",
    )
    .unwrap_err();
    assert_eq!(e.location, Some((1, 1)));
    let e = traces::read("up 1\n", "s.prom").unwrap_err();
    assert!(
        e.message
            .starts_with("no `traces_service_graph_request_total` samples"),
        "{e}"
    );
}

#[test]
fn cli_import_with_traces_writes_the_overlaid_model_and_prints_the_report() {
    let dir = temp_dir();
    let out = dir.path().join("hotel.spof.ron");
    let compose = fixture_path("import/hotel-reservation.yml");
    let jaeger = fixture_path("import/hotel-jaeger.json");
    let run = spofscope()
        .arg("import")
        .arg(&compose)
        .arg("--with")
        .arg(&jaeger)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "note: {}: traces name `recommendation`, which matches no component: its call is left out",
            jaeger.display()
        )),
        "{stderr}"
    );
    let written = spofscope::model::load(&out).unwrap();
    let (expected, _) = overlaid(hotel(), "hotel-jaeger.json");
    assert_eq!(written.dependencies, expected.dependencies);
    assert_laid_out(&written);
}

#[test]
fn cli_import_of_a_traces_file_alone_and_a_broken_traces_file() {
    let dir = temp_dir();
    let out = dir.path().join("shop.spof.ron");
    spofscope()
        .arg("import")
        .arg(fixture_path("import/shop-zipkin.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(spofscope::model::load(&out).unwrap().components.len(), 6);
    let broken = dir.path().join("deps.json");
    std::fs::write(&broken, "{\"data\": [{\"parent\": 1}]}").unwrap();
    let out = dir.path().join("never.spof.ron");
    spofscope()
        .arg("import")
        .arg(fixture_path("import/hotel-reservation.yml"))
        .arg("--with")
        .arg(&broken)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "{}:1:",
            broken.display()
        )));
    assert!(!out.exists());
}

#[test]
fn overlay_edits_make_the_same_model_in_one_undo_step() {
    let before = hotel().model;
    let traces = read("hotel-jaeger.json");
    let overlay = traces::overlay(&before, &traces);
    let (expected, _) = overlaid(hotel(), "hotel-jaeger.json");
    let mut doc = Document::new(before.clone(), None);
    doc.apply("Add traces", &overlay.edits(&before)).unwrap();
    assert_eq!(*doc.model(), expected);
    assert_eq!(doc.history().undo_label(), Some("Add traces"));
    assert!(doc.undo());
    assert_eq!(*doc.model(), before);
    let mut m = before.clone();
    for c in &mut m.components {
        c.entry = false;
    }
    let scrape = "traces_service_graph_request_total{client=\"user\",server=\"frontend\",connection_type=\"virtual_node\"} 9\n";
    let overlay = traces::overlay(&m, &traces::read(scrape, "s.prom").unwrap());
    let mut doc = Document::new(m.clone(), None);
    doc.apply("Add traces", &overlay.edits(&m)).unwrap();
    overlay.apply(&mut m);
    assert_eq!(*doc.model(), m);
    assert!(doc.model().component("frontend").unwrap().entry);
}
