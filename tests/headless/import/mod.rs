//! Importers: docker-compose, Kubernetes manifests and Graphviz DOT fixtures written
//! in the style of public examples map to the expected components, dependencies,
//! entries and SPOFs, report what they skip, and reject malformed input with a position.
//! Traces, Terraform and Backstage have a module each.

mod backstage;
mod terraform;
mod traces;

use spofscope::analysis::{self, Options};
use spofscope::io::import::{Imported, compose, dot, k8s};
use spofscope::model::{ComponentKind, DependencyKind, Model, Workload};

use crate::support::fixture_path;

/// The text of `tests/fixtures/import/NAME` and its path as the importers name it.
fn fixture(name: &str) -> (String, String) {
    let path = fixture_path("import").join(name);
    (
        std::fs::read_to_string(&path).unwrap(),
        path.display().to_string(),
    )
}

fn kinds(m: &Model) -> Vec<(&str, ComponentKind, u32, bool)> {
    m.components
        .iter()
        .map(|c| (c.id.as_str(), c.kind, c.replicas, c.entry))
        .collect()
}

fn deps(m: &Model) -> Vec<(&str, &str, DependencyKind)> {
    let mut d: Vec<_> = m
        .dependencies
        .iter()
        .map(|d| (d.from.as_str(), d.to.as_str(), d.kind))
        .collect();
    d.sort_by_key(|&(a, b, k)| (a, b, k == DependencyKind::Soft));
    d
}

fn spofs(m: &Model) -> Vec<(String, String, Vec<String>)> {
    analysis::analyze(m, &Options::default())
        .spofs
        .into_iter()
        .map(|s| (s.kind.as_str().to_owned(), s.id, s.takes_down))
        .collect()
}

fn owned(list: &[(&str, &str, &[&str])]) -> Vec<(String, String, Vec<String>)> {
    list.iter()
        .map(|(k, id, down)| {
            (
                (*k).to_owned(),
                (*id).to_owned(),
                down.iter().map(|s| (*s).to_owned()).collect(),
            )
        })
        .collect()
}

/// No two components share a position.
fn assert_laid_out(m: &Model) {
    for (i, a) in m.components.iter().enumerate() {
        for b in &m.components[i + 1..] {
            assert!(
                (a.pos.0 - b.pos.0).abs() >= 100.0 || (a.pos.1 - b.pos.1).abs() >= 100.0,
                "{} and {} overlap",
                a.id,
                b.id
            );
        }
    }
}

fn voting_app() -> Imported {
    let (text, file) = fixture("compose.yml");
    compose::import(&text, &file).unwrap()
}

#[test]
fn compose_services_become_components_with_kinds_replicas_and_entries() {
    let m = voting_app().model;
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("db", Database, 1, false),
            ("redis", Cache, 1, false),
            ("result", Service, 1, true),
            ("vote", Service, 1, true),
            ("worker", Service, 2, false),
        ]
    );
    assert_eq!(m.name, "voting-app");
    assert!(!m.component("result").unwrap().monitored, "no healthcheck");
    assert!(m.component("db").unwrap().monitored);
    assert_laid_out(&m);
}

#[test]
fn compose_services_keep_their_name_and_compose_label_as_the_workload() {
    let m = voting_app().model;
    for c in &m.components {
        assert_eq!(
            c.workload,
            Some(Workload {
                namespace: String::new(),
                kind: Workload::COMPOSE.to_owned(),
                name: c.name.clone(),
                labels: [("com.docker.compose.service".to_owned(), c.name.clone())].into(),
                url: None,
            }),
            "{}",
            c.id
        );
    }
}

#[test]
fn compose_dependencies_come_from_depends_on_environment_and_urls() {
    let m = voting_app().model;
    use DependencyKind::Hard;
    assert_eq!(
        deps(&m),
        vec![
            ("result", "db", Hard),
            ("vote", "redis", Hard),
            ("worker", "db", Hard),
            ("worker", "redis", Hard),
        ]
    );
}

#[test]
fn compose_reports_what_it_does_not_model() {
    let notes = voting_app().notes;
    assert_eq!(
        notes,
        vec![
            "top-level `networks` is not modelled".to_owned(),
            "top-level `volumes` is not modelled".to_owned(),
            "service `worker`: placement constraints are not modelled (no zones)".to_owned(),
        ]
    );
}

#[test]
fn compose_import_finds_the_single_redis_and_postgres() {
    let m = voting_app().model;
    assert_eq!(
        spofs(&m),
        owned(&[
            ("component", "db", &["result"]),
            ("component", "redis", &["vote"]),
            ("component", "result", &["result"]),
            ("component", "vote", &["vote"]),
        ])
    );
}

#[test]
fn compose_syntax_error_names_line_and_column() {
    let e = compose::import("services:\n  web:\n    image: [unclosed\n", "bad.yml").unwrap_err();
    let (line, _) = e.location.unwrap();
    assert!(line >= 3, "{e}");
    assert!(e.to_string().starts_with("bad.yml:"), "{e}");
}

#[test]
fn compose_alias_bomb_is_refused() {
    let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        yaml.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    yaml.push_str("services:\n  web:\n    image: nginx\n");
    assert!(compose::import(&yaml, "bomb.yml").is_err());
}

fn boutique() -> Imported {
    let (text, file) = fixture("k8s.yaml");
    k8s::import(&text, &file).unwrap()
}

#[test]
fn k8s_workloads_services_and_ingress_become_components() {
    let m = boutique().model;
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("frontend", Service, 3, true),
            ("cartservice", Service, 2, false),
            ("redis-cart", Cache, 1, false),
            ("productcatalogservice", Service, 2, false),
            ("checkoutservice", Service, 2, false),
            ("paymentservice", Service, 1, false),
            ("ingress-shop", Gateway, 1, true),
        ]
    );
    let frontend = m.component("frontend").unwrap();
    assert_eq!(frontend.min_healthy, 2, "PodDisruptionBudget minAvailable");
    assert_eq!(frontend.zones, vec!["zone-a", "zone-b", "zone-c"]);
    assert_eq!(
        m.component("cartservice").unwrap().zones,
        vec!["zone-a", "zone-b"]
    );
    assert!(
        m.component("productcatalogservice")
            .unwrap()
            .zones
            .is_empty()
    );
    assert_laid_out(&m);
}

#[test]
fn k8s_dependencies_resolve_service_names_through_selectors_and_config_maps() {
    let m = boutique().model;
    use DependencyKind::Hard;
    assert_eq!(
        deps(&m),
        vec![
            ("cartservice", "redis-cart", Hard),
            ("checkoutservice", "cartservice", Hard),
            ("checkoutservice", "paymentservice", Hard),
            ("frontend", "cartservice", Hard),
            ("frontend", "checkoutservice", Hard),
            ("frontend", "productcatalogservice", Hard),
            ("ingress-shop", "frontend", Hard),
        ]
    );
}

#[test]
fn k8s_reports_unmodelled_kinds() {
    let notes = boutique().notes;
    assert_eq!(
        notes,
        vec![
            "HorizontalPodAutoscaler `frontend` is not modelled".to_owned(),
            "Ingress `shop`: the controller's replicas are not in the manifests; modelled with 1 (set them in the model)".to_owned(),
        ]
    );
}

#[test]
fn k8s_import_finds_redis_payment_and_the_region() {
    let m = boutique().model;
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
fn k8s_without_workloads_is_an_error() {
    let e = k8s::import(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
        "ns.yaml",
    )
    .unwrap_err();
    assert!(e.message.contains("no Deployment"), "{e}");
}

fn shop_dot() -> Imported {
    let (text, file) = fixture("architecture.dot");
    dot::import(&text, &file).unwrap()
}

#[test]
fn dot_nodes_take_kinds_from_shape_and_label() {
    let m = shop_dot().model;
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("users", Client, 1, true),
            ("lb", LoadBalancer, 1, false),
            ("api", Service, 1, false),
            ("db", Database, 1, false),
            ("cache", Cache, 1, false),
            ("search", Service, 1, false),
            ("payments", External, 1, false),
        ]
    );
    assert_eq!(m.component("db").unwrap().name, "Orders DB");
    assert_eq!(m.component("api").unwrap().zones, vec!["zone_a"]);
    assert_laid_out(&m);
}

#[test]
fn dot_edges_are_dependencies_and_dashed_ones_soft() {
    let m = shop_dot().model;
    use DependencyKind::{Hard, Soft};
    assert_eq!(
        deps(&m),
        vec![
            ("api", "cache", Hard),
            ("api", "db", Hard),
            ("api", "payments", Hard),
            ("api", "search", Soft),
            ("lb", "api", Hard),
            ("users", "lb", Hard),
        ]
    );
}

#[test]
fn dot_import_finds_every_single_component_and_the_zone() {
    let m = shop_dot().model;
    let ids: Vec<String> = spofs(&m)
        .into_iter()
        .map(|(k, id, _)| format!("{k}:{id}"))
        .collect();
    assert_eq!(
        ids,
        vec![
            "component:cache",
            "component:db",
            "component:payments",
            "region:region",
            "zone:zone_a",
            "component:api",
            "component:lb",
        ]
    );
}

/// The position goes before the message, once: not again inside the parser's text.
#[test]
fn yaml_errors_give_their_position_once() {
    let e = compose::import("services:\n  web:\n    image: [unclosed\n", "bad.yml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad.yml:3:12: invalid YAML: expected string scalar"
    );
    let e = compose::import(
        "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: two\n",
        "bad.yml",
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "bad.yml:5:17: invalid YAML: invalid u32");
    let e = k8s::import(
        "apiVersion: v1\nkind: Service\nmetadata: {name: a\nspec: 3\n",
        "k.yaml",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "k.yaml:4:5: invalid YAML: while parsing a flow mapping, did not find expected ',' or '}'"
    );
    let e = spofscope::io::import::backstage::import(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [a\n",
        "c.yaml",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "c.yaml:4:9: invalid YAML: expected string scalar"
    );
}

#[test]
fn dot_undirected_graph_is_rejected_with_position() {
    let e = dot::import("graph g {\n  a -- b\n}\n", "g.dot").unwrap_err();
    assert_eq!(e.location, Some((1, 1)));
    assert!(e.message.contains("expected `digraph`"), "{e}");
    let e = dot::import("digraph g {\n  a -> b [style=\n}\n", "g.dot").unwrap_err();
    assert_eq!(e.location, Some((3, 1)));
}

fn hotel() -> Imported {
    let (text, file) = fixture("hotel-reservation.yml");
    compose::import(&text, &file).unwrap()
}

#[test]
fn compose_tracing_agent_is_a_soft_dependency_and_consul_a_hard_one_neither_an_entry() {
    let m = hotel().model;
    use ComponentKind::*;
    assert_eq!(
        kinds(&m),
        vec![
            ("consul", Service, 1, false),
            ("frontend", Service, 1, true),
            ("geo", Service, 1, false),
            ("jaeger-agent", Service, 1, false),
            ("memcached-rate", Cache, 1, false),
            ("mongodb-geo", Database, 1, false),
            ("mongodb-profile", Database, 1, false),
            ("mongodb-rate", Database, 1, false),
            ("profile", Service, 1, false),
            ("rate", Service, 1, false),
            ("search", Service, 1, false),
        ]
    );
    use DependencyKind::{Hard, Soft};
    assert_eq!(
        deps(&m),
        vec![
            ("frontend", "consul", Hard),
            ("frontend", "jaeger-agent", Soft),
            ("geo", "consul", Hard),
            ("geo", "jaeger-agent", Soft),
            ("geo", "mongodb-geo", Hard),
            ("profile", "consul", Hard),
            ("profile", "jaeger-agent", Soft),
            ("profile", "mongodb-profile", Hard),
            ("rate", "consul", Hard),
            ("rate", "jaeger-agent", Soft),
            ("rate", "memcached-rate", Hard),
            ("rate", "mongodb-rate", Hard),
            ("search", "consul", Hard),
            ("search", "jaeger-agent", Soft),
        ]
    );
    assert_laid_out(&m);
}

#[test]
fn compose_lists_each_ecosystem_decision() {
    assert_eq!(
        hotel().notes,
        vec![
            "top-level `volumes` is not modelled",
            "service `mongodb-geo` publishes ports but is no front end: not an entry (front ends: frontend)",
            "service `consul`: service discovery or configuration (consul): a hard dependency of 5 callers, never an entry",
            "service `jaeger-agent`: tracing or telemetry (jaeger): a soft dependency of 5 callers, never an entry",
        ]
    );
}

#[test]
fn compose_without_traces_sees_only_consul_behind_the_frontend() {
    assert_eq!(
        spofs(&hotel().model),
        owned(&[
            ("component", "consul", &["frontend"]),
            ("component", "frontend", &["frontend"]),
        ])
    );
}

fn boutique_observed() -> Imported {
    let (text, file) = fixture("boutique-observed.yaml");
    k8s::import(&text, &file).unwrap()
}

#[test]
fn k8s_load_generator_is_a_client_entry_and_the_collector_a_soft_dependency() {
    let imported = boutique_observed();
    let m = &imported.model;
    use ComponentKind::*;
    assert_eq!(
        kinds(m),
        vec![
            ("frontend", Service, 2, true),
            ("loadgenerator", Client, 1, true),
            ("cartservice", Service, 2, false),
            ("redis-cart", Cache, 1, false),
            ("productcatalogservice", Service, 2, false),
            ("opentelemetrycollector", Service, 1, false),
            ("jaeger", Service, 1, false),
        ]
    );
    use DependencyKind::{Hard, Soft};
    assert_eq!(
        deps(m),
        vec![
            ("cartservice", "opentelemetrycollector", Soft),
            ("cartservice", "redis-cart", Hard),
            ("frontend", "cartservice", Hard),
            ("frontend", "opentelemetrycollector", Soft),
            ("frontend", "productcatalogservice", Hard),
            ("loadgenerator", "frontend", Hard),
            ("opentelemetrycollector", "jaeger", Soft),
            ("productcatalogservice", "opentelemetrycollector", Soft),
        ]
    );
    assert_eq!(
        imported.notes,
        vec![
            "workload `loadgenerator`: load generator (loadgen): a client entry",
            "workload `opentelemetrycollector`: tracing or telemetry (opentelemetrycollector): a soft dependency of 3 callers, never an entry",
            "workload `jaeger`: tracing or telemetry (jaeger): a soft dependency of 1 caller, never an entry",
        ]
    );
    assert_eq!(
        spofs(m),
        owned(&[("component", "redis-cart", &["frontend", "loadgenerator"])])
    );
    assert_laid_out(m);
}

#[test]
fn k8s_admin_ui_behind_a_load_balancer_is_no_entry_when_a_front_end_exists() {
    let workload = |name: &str, image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: main, image: {image}}}]\n---\n"
        )
    };
    let balancer = |name: &str, app: &str, port: u32| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  type: LoadBalancer\n  selector: {{app: {app}}}\n  ports: [{{port: {port}}}]\n---\n"
        )
    };
    let text = [
        workload("shop", "acme/shop:1"),
        balancer("shop-public", "shop", 443),
        workload("rabbitmq", "rabbitmq:3-management"),
        balancer("rabbitmq-management", "rabbitmq", 15672),
    ]
    .concat();
    let imported = k8s::import(&text, "admin.yaml").unwrap();
    let entries: Vec<&str> = imported
        .model
        .components
        .iter()
        .filter(|c| c.entry)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(entries, ["shop"]);
    assert_eq!(
        imported.notes,
        [
            "workload `rabbitmq` is exposed by a LoadBalancer Service but is no front end: not an entry (front ends: shop)"
        ]
    );
}
