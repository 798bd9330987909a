//! What the importers share: a kind from an image, the services a configuration string
//! names (`db:5432`), fresh ids, YAML limits. Knows no one importer's format.

use std::collections::HashSet;

use crate::model::{ComponentKind, LoadError, MAX_ID_LEN, is_valid_id};

/// Kind from a container image such as `postgres:16` or `bitnami/redis`.
pub fn kind_from_image(image: &str) -> ComponentKind {
    let name = image
        .rsplit('/')
        .next()
        .unwrap_or(image)
        .split([':', '@'])
        .next()
        .unwrap_or(image)
        .to_ascii_lowercase();
    let is = |stems: &[&str]| stems.iter().any(|s| name.contains(s));
    if is(&[
        "postgres",
        "mysql",
        "mariadb",
        "mongo",
        "cockroach",
        "cassandra",
        "scylla",
        "couchdb",
        "elasticsearch",
        "opensearch",
        "clickhouse",
        "neo4j",
    ]) {
        ComponentKind::Database
    } else if is(&[
        "redis",
        "memcached",
        "valkey",
        "keydb",
        "dragonfly",
        "varnish",
    ]) {
        ComponentKind::Cache
    } else if is(&[
        "rabbitmq",
        "kafka",
        "nats",
        "activemq",
        "redpanda",
        "pulsar",
        "zookeeper",
    ]) {
        ComponentKind::Queue
    } else if is(&["traefik", "kong", "tyk", "krakend", "apisix"]) {
        ComponentKind::Gateway
    } else if is(&["nginx", "haproxy", "envoy", "caddy", "ingress"]) {
        ComponentKind::LoadBalancer
    } else if is(&["minio", "seaweedfs", "ceph"]) {
        ComponentKind::Storage
    } else if is(&["coredns", "bind9", "dnsmasq"]) {
        ComponentKind::Dns
    } else {
        ComponentKind::Service
    }
}

/// Host names a configuration value mentions: each whitespace- or list-separated
/// piece with its scheme, credentials, port and path removed.
pub fn hosts(value: &str) -> Vec<&str> {
    value
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '=' | '"' | '\'' | '(' | ')'))
        .filter_map(|piece| {
            let rest = piece.split_once("://").map_or(piece, |(_, r)| r);
            let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
            let host = rest.split([':', '/', '?', '#']).next().unwrap_or_default();
            (!host.is_empty()).then_some(host)
        })
        .collect()
}

/// An error at byte `offset` of `text`, with its line and column (both from 1).
pub fn located(text: &str, file: &str, offset: usize, message: &str) -> LoadError {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    LoadError {
        file: file.to_owned(),
        location: Some((line, column)),
        message: message.to_owned(),
    }
}

/// A YAML error with its position, given once: the message is the parser's without the
/// location it would append, and the line and column go where every loader puts them.
pub fn yaml_error(e: &serde_saphyr::Error, file: &str) -> LoadError {
    use serde_saphyr::MessageFormatter as _;
    let location = e
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .filter(|&(line, _)| line > 0);
    let message = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet());
    let message: String = message
        .lines()
        .next()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or("malformed YAML")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    LoadError {
        file: file.to_owned(),
        location,
        message: format!("invalid YAML: {message}"),
    }
}

/// YAML budgets for untrusted files: alias bombs, deep nesting and huge documents stop
/// early with an error instead of exhausting memory.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_aliases = 10_000;
    budget.max_depth = 64;
    budget.max_nodes = 1_000_000;
    budget.max_documents = 10_000;
    options.budget = Some(budget);
    options
}

/// Unique model ids built from foreign names (services, workloads, nodes, gates): invalid
/// characters become `_`, and a name already taken gets `_2`, `_3`, ….
#[derive(Default)]
pub struct IdTable {
    taken: HashSet<String>,
}

impl IdTable {
    pub fn fresh(&mut self, name: &str) -> String {
        let mut stem: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if stem.is_empty() {
            stem.push('x');
        }
        // Leave room for a `_n` suffix: a longer stem could never become a valid id.
        stem.truncate(MAX_ID_LEN - 12);
        let mut id = stem.clone();
        let mut n = 2;
        while !is_valid_id(&id) || !self.taken.insert(id.clone()) {
            id = format!("{stem}_{n}");
            n += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_common_images() {
        assert_eq!(
            kind_from_image("postgres:16-alpine"),
            ComponentKind::Database
        );
        assert_eq!(kind_from_image("bitnami/redis:7"), ComponentKind::Cache);
        assert_eq!(
            kind_from_image("docker.io/library/rabbitmq:3-management"),
            ComponentKind::Queue
        );
        assert_eq!(kind_from_image("nginx"), ComponentKind::LoadBalancer);
        assert_eq!(kind_from_image("traefik:v3"), ComponentKind::Gateway);
        assert_eq!(kind_from_image("minio/minio"), ComponentKind::Storage);
        assert_eq!(
            kind_from_image("ghcr.io/acme/cart:1.2"),
            ComponentKind::Service
        );
    }

    #[test]
    fn hosts_strip_scheme_credentials_port_and_path() {
        assert_eq!(hosts("postgres://app:secret@db:5432/shop"), vec!["db"]);
        assert_eq!(hosts("http://cart:8080/api"), vec!["cart"]);
        assert_eq!(
            hosts("--redis redis-cart:6379 --verbose"),
            vec!["--redis", "redis-cart", "--verbose"]
        );
        assert_eq!(hosts("a,b"), vec!["a", "b"]);
    }
}
