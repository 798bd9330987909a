//! What well-known services are for in a running system, from their names and images:
//! tracing and telemetry, service discovery, load generators, front ends. Names only.

use crate::model::ComponentKind;

/// The part a service plays beside the application's own workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Tracing, metrics or logs (jaeger, prometheus, fluent-bit…): callers keep working
    /// without it, so it is a soft dependency and never an entry.
    Telemetry(&'static str),
    /// Service discovery or configuration (consul, etcd…): callers cannot find each other
    /// without it, so it is a hard dependency, but users never call it.
    Discovery(&'static str),
    /// Synthetic users (locust, k6…): a client entry.
    LoadGenerator(&'static str),
    /// An ordinary workload of the application.
    Workload,
}

impl Role {
    /// The import report's line for a service whose role set its kind, its callers'
    /// dependency kind or whether it is an entry (`callers`: how many depend on it).
    pub fn decision(self, callers: usize) -> Option<String> {
        let s = if callers == 1 { "" } else { "s" };
        match self {
            Role::Telemetry(stem) => Some(format!(
                "tracing or telemetry ({stem}): a soft dependency of {callers} caller{s}, never an entry"
            )),
            Role::Discovery(stem) => Some(format!(
                "service discovery or configuration ({stem}): a hard dependency of {callers} caller{s}, never an entry"
            )),
            Role::LoadGenerator(stem) => Some(format!("load generator ({stem}): a client entry")),
            Role::Workload => None,
        }
    }
}

/// Stems matched anywhere in a name with `-`, `_` and `.` removed.
const TELEMETRY: [&str; 22] = [
    "jaeger",
    "zipkin",
    "otelcol",
    "otelcollector",
    "opentelemetrycollector",
    "prometheus",
    "alertmanager",
    "pushgateway",
    "grafana",
    "loki",
    "promtail",
    "fluentd",
    "fluentbit",
    "datadog",
    "nodeexporter",
    "cadvisor",
    "telegraf",
    "statsd",
    "signoz",
    "victoriametrics",
    "kibana",
    "logstash",
];
/// Stems matched only as a whole word of the name (too short to match inside words).
const TELEMETRY_WORDS: [&str; 3] = ["tempo", "otel", "apm"];
const DISCOVERY: [&str; 5] = ["consul", "etcd", "zookeeper", "eureka", "nacos"];
const LOAD_GENERATORS: [&str; 5] = ["locust", "loadgen", "jmeter", "gatling", "loadtest"];
const LOAD_GENERATOR_WORDS: [&str; 2] = ["k6", "wrk2"];
/// Words of a name that say users reach the system through it.
const FRONT_WORDS: [&str; 8] = ["web", "www", "ui", "front", "edge", "api", "site", "public"];
const FRONT_STEMS: [&str; 9] = [
    "frontend",
    "gateway",
    "nginx",
    "proxy",
    "ingress",
    "portal",
    "website",
    "webapp",
    "storefront",
];
/// Ports browsers and API clients use.
const WEB_PORTS: [u64; 4] = [80, 443, 8080, 8443];

/// The role of a service named `name` running `image` (either may be empty).
pub fn role(name: &str, image: &str) -> Role {
    let names = [name, image_name(image)];
    let find = |stems: &[&'static str], words: &[&'static str]| {
        names.iter().find_map(|n| {
            let compact = compact(n);
            stems
                .iter()
                .find(|s| compact.contains(*s))
                .or_else(|| words.iter().find(|w| has_word(n, w)))
                .copied()
        })
    };
    if let Some(stem) = find(&LOAD_GENERATORS, &LOAD_GENERATOR_WORDS) {
        Role::LoadGenerator(stem)
    } else if let Some(stem) = find(&TELEMETRY, &TELEMETRY_WORDS) {
        Role::Telemetry(stem)
    } else if compact(image).contains("datadog") {
        // The Datadog agent's image is `datadog/agent` or `datadoghq/agent`.
        Role::Telemetry("datadog")
    } else if let Some(stem) = find(&DISCOVERY, &[]) {
        Role::Discovery(stem)
    } else {
        Role::Workload
    }
}

/// Whether users plausibly reach the system through this service: a gateway or balancer,
/// a name such as `frontend` or `web`, or a web port (80, 443, 8080, 8443).
pub fn is_front_end(name: &str, kind: ComponentKind, ports: &[u64]) -> bool {
    let compact = compact(name);
    matches!(kind, ComponentKind::Gateway | ComponentKind::LoadBalancer)
        || FRONT_STEMS.iter().any(|s| compact.contains(s))
        || FRONT_WORDS.iter().any(|w| has_word(name, w))
        || ports.iter().any(|p| WEB_PORTS.contains(p))
}

/// The smallest majority of `replicas`: what a consensus store (etcd, consul, zookeeper)
/// needs up to answer.
pub fn quorum(replicas: u32) -> u32 {
    replicas / 2 + 1
}

/// `registry/org/name:tag` → `name`.
fn image_name(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split([':', '@']).next().unwrap_or(last)
}

fn compact(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn has_word(name: &str, word: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_names_and_images() {
        assert_eq!(
            role("jaeger-agent", "jaegertracing/all-in-one:latest"),
            Role::Telemetry("jaeger")
        );
        assert_eq!(
            role("collector", "otel/opentelemetry-collector-contrib:0.98.0"),
            Role::Telemetry("opentelemetrycollector")
        );
        assert_eq!(
            role("log-shipper", "fluent/fluent-bit"),
            Role::Telemetry("fluentbit")
        );
        assert_eq!(role("tempo", ""), Role::Telemetry("tempo"));
        assert_eq!(
            role("dd", "gcr.io/datadoghq/agent:7"),
            Role::Telemetry("datadog")
        );
        assert_eq!(
            role("consul", "hashicorp/consul:latest"),
            Role::Discovery("consul")
        );
        assert_eq!(
            role("zk", "bitnami/zookeeper:3.9"),
            Role::Discovery("zookeeper")
        );
        assert_eq!(role("loadgenerator", ""), Role::LoadGenerator("loadgen"));
        assert_eq!(
            role("bench", "grafana/k6:latest"),
            Role::LoadGenerator("k6")
        );
        assert_eq!(role("frontend", "hotel_reserv_frontend"), Role::Workload);
        assert_eq!(
            role("temporal-worker", ""),
            Role::Workload,
            "tempo only as a word"
        );
    }

    #[test]
    fn front_ends_by_kind_name_or_web_port() {
        use ComponentKind::*;
        assert!(is_front_end("nginx-thrift", Service, &[8080]));
        assert!(is_front_end("media-frontend", Service, &[]));
        assert!(is_front_end("edge", Service, &[]));
        assert!(is_front_end("lb", LoadBalancer, &[]));
        assert!(is_front_end("vote", Service, &[80]));
        assert!(!is_front_end("post-storage-service", Service, &[9090]));
        assert!(!is_front_end("mongodb-geo", Database, &[27017]));
    }
}
