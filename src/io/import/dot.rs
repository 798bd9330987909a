//! Graphviz DOT import: a digraph's nodes become components and its edges hard
//! dependencies (dashed: soft); `shape` and `label` hint the kind, clusters the zone.

use std::collections::{BTreeMap, BTreeSet};

use super::Imported;
use super::infer::IdTable;
use crate::model::{
    Component, ComponentKind, Dependency, DependencyKind, LoadError, Model, Region, Zone,
};

/// Nesting deeper than this is refused (subgraphs within subgraphs).
const MAX_DEPTH: usize = 64;

pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let tokens = tokenize(text).map_err(|(at, m)| error(text, file, at, &m))?;
    let mut p = Parser {
        tokens,
        pos: 0,
        graph: Graph::default(),
        depth: 0,
    };
    p.graph_body()
        .map_err(|(at, m)| error(text, file, at, &m))?;
    build(p.graph, file)
}

fn error(text: &str, file: &str, offset: usize, message: &str) -> LoadError {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    LoadError {
        file: file.to_owned(),
        location: Some((line, col)),
        message: message.to_owned(),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Id(String),
    Punct(char),
    Arrow,
    UndirectedEdge,
}

type Located<T> = Result<T, (usize, String)>;

fn tokenize(text: &str) -> Located<Vec<(usize, Tok)>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' if text[..i]
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.trim().is_empty()) =>
            {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(end) => i += end + 4,
                None => return Err((start, "unclosed comment; expected `*/`".to_owned())),
            },
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                out.push((start, Tok::Arrow));
                i += 2;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                out.push((start, Tok::UndirectedEdge));
                i += 2;
            }
            b'"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err((start, "unterminated string; expected `\"`".to_owned()));
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') if bytes.get(i + 1) == Some(&b'"') => {
                            s.push('"');
                            i += 2;
                        }
                        Some(b'\\') if bytes.get(i + 1) == Some(&b'\n') => i += 2,
                        Some(_) => {
                            let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                            s.push(ch);
                            i += ch.len_utf8();
                        }
                    }
                }
                out.push((start, Tok::Id(s)));
            }
            b'<' => {
                // HTML-like label: keep its text without tags.
                let mut depth = 0;
                let mut s = String::new();
                let mut in_tag = false;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err((
                                start,
                                "unterminated HTML label; expected `>`".to_owned(),
                            ));
                        }
                        Some(b'<') => {
                            depth += 1;
                            in_tag = depth > 1;
                        }
                        Some(b'>') => {
                            depth -= 1;
                            in_tag = false;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        Some(&c) if !in_tag && depth >= 1 => s.push(c as char),
                        _ => {}
                    }
                    i += 1;
                }
                out.push((start, Tok::Id(s.trim().to_owned())));
            }
            b'{' | b'}' | b'[' | b']' | b';' | b',' | b'=' | b':' => {
                out.push((start, Tok::Punct(b as char)));
                i += 1;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' || b >= 0x80 => {
                while i < bytes.len() {
                    let c = bytes[i];
                    if c.is_ascii_alphanumeric()
                        || c == b'_'
                        || c == b'.'
                        || c >= 0x80
                        || (c == b'-' && !matches!(bytes.get(i + 1), Some(b'>' | b'-')))
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((start, Tok::Id(text[start..i].to_owned())));
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err((
                    start,
                    format!("unexpected `{ch}`; expected a DOT statement"),
                ));
            }
        }
    }
    Ok(out)
}

#[derive(Default)]
struct Graph {
    nodes: BTreeMap<String, NodeInfo>,
    order: Vec<String>,
    edges: Vec<(String, String, BTreeMap<String, String>)>,
    clusters: Vec<String>,
}

#[derive(Default, Clone)]
struct NodeInfo {
    attrs: BTreeMap<String, String>,
    cluster: Option<usize>,
}

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
    graph: Graph,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens
            .get(self.pos)
            .or_else(|| self.tokens.last())
            .map_or(0, |(o, _)| *o)
    }

    fn expect(&mut self, c: char, what: &str) -> Located<()> {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            Ok(())
        } else {
            Err((self.at(), format!("expected `{c}` {what}")))
        }
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Id(s)) if s.eq_ignore_ascii_case(word))
    }

    fn graph_body(&mut self) -> Located<()> {
        if self.keyword("strict") {
            self.pos += 1;
        }
        if self.keyword("graph") {
            return Err((
                self.at(),
                "undirected graphs have no dependency direction; expected `digraph`".to_owned(),
            ));
        }
        if !self.keyword("digraph") {
            return Err((self.at(), "expected `digraph`".to_owned()));
        }
        self.pos += 1;
        if let Some(Tok::Id(_)) = self.peek() {
            self.pos += 1;
        }
        self.expect('{', "to open the graph")?;
        let defaults = BTreeMap::new();
        self.statements(None, defaults, BTreeMap::new())?;
        self.expect('}', "to close the graph")?;
        if self.pos < self.tokens.len() {
            return Err((
                self.at(),
                "unexpected text after the graph; expected the end of the file".to_owned(),
            ));
        }
        Ok(())
    }

    /// Statements up to the closing brace; returns the nodes mentioned.
    fn statements(
        &mut self,
        cluster: Option<usize>,
        mut node_defaults: BTreeMap<String, String>,
        mut edge_defaults: BTreeMap<String, String>,
    ) -> Located<Vec<String>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((
                self.at(),
                format!("subgraphs nested deeper than {MAX_DEPTH}"),
            ));
        }
        let mut mentioned = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Punct('}')) => break,
                Some(Tok::Punct(';')) => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            if self.keyword("node") || self.keyword("edge") || self.keyword("graph") {
                let which = match self.peek() {
                    Some(Tok::Id(s)) => s.to_ascii_lowercase(),
                    _ => String::new(),
                };
                self.pos += 1;
                let attrs = self.attributes()?;
                match which.as_str() {
                    "node" => node_defaults.extend(attrs),
                    "edge" => edge_defaults.extend(attrs),
                    _ => {}
                }
                continue;
            }
            if matches!(self.peek(), Some(Tok::Id(_)))
                && self.tokens.get(self.pos + 1).map(|(_, t)| t) == Some(&Tok::Punct('='))
            {
                // `ID = ID`: a graph attribute such as `rankdir=LR` or a cluster's label.
                self.pos += 3;
                continue;
            }
            let mut group = self.operand(cluster, &node_defaults, &edge_defaults)?;
            let mut chain = vec![group.clone()];
            while matches!(self.peek(), Some(Tok::Arrow | Tok::UndirectedEdge)) {
                if self.peek() == Some(&Tok::UndirectedEdge) {
                    return Err((
                        self.at(),
                        "`--` is an undirected edge; expected `->`".to_owned(),
                    ));
                }
                self.pos += 1;
                group = self.operand(cluster, &node_defaults, &edge_defaults)?;
                chain.push(group.clone());
            }
            if chain.len() == 1 {
                let attrs = self.attributes()?;
                for n in &chain[0] {
                    if let Some(info) = self.graph.nodes.get_mut(n) {
                        info.attrs.extend(attrs.clone());
                    }
                }
            } else {
                let mut attrs = edge_defaults.clone();
                attrs.extend(self.attributes()?);
                for pair in chain.windows(2) {
                    for from in &pair[0] {
                        for to in &pair[1] {
                            self.graph
                                .edges
                                .push((from.clone(), to.clone(), attrs.clone()));
                        }
                    }
                }
            }
            for g in chain {
                mentioned.extend(g);
            }
        }
        self.depth -= 1;
        Ok(mentioned)
    }

    /// A node id (with optional port) or a subgraph; returns the nodes it stands for.
    fn operand(
        &mut self,
        cluster: Option<usize>,
        node_defaults: &BTreeMap<String, String>,
        edge_defaults: &BTreeMap<String, String>,
    ) -> Located<Vec<String>> {
        if self.keyword("subgraph") || self.peek() == Some(&Tok::Punct('{')) {
            let mut name = None;
            if self.keyword("subgraph") {
                self.pos += 1;
                if let Some(Tok::Id(n)) = self.peek() {
                    name = Some(n.clone());
                    self.pos += 1;
                }
            }
            let inner = match name.as_deref() {
                Some(n) if n.starts_with("cluster") => {
                    self.graph.clusters.push(
                        n.trim_start_matches("cluster")
                            .trim_start_matches(['_', '-'])
                            .to_owned(),
                    );
                    Some(self.graph.clusters.len() - 1)
                }
                _ => cluster,
            };
            self.expect('{', "to open the subgraph")?;
            let nodes = self.statements(inner, node_defaults.clone(), edge_defaults.clone())?;
            self.expect('}', "to close the subgraph")?;
            return Ok(nodes);
        }
        let Some(Tok::Id(id)) = self.peek().cloned() else {
            return Err((
                self.at(),
                "expected a node id, `subgraph` or `{`".to_owned(),
            ));
        };
        self.pos += 1;
        // Ports (`node:port:compass`) name a place on the node, not another node.
        while self.peek() == Some(&Tok::Punct(':')) {
            self.pos += 1;
            if let Some(Tok::Id(_)) = self.peek() {
                self.pos += 1;
            }
        }
        let entry = self.graph.nodes.entry(id.clone()).or_insert_with(|| {
            self.graph.order.push(id.clone());
            NodeInfo {
                attrs: node_defaults.clone(),
                cluster,
            }
        });
        if entry.cluster.is_none() {
            entry.cluster = cluster;
        }
        Ok(vec![id])
    }

    fn attributes(&mut self) -> Located<BTreeMap<String, String>> {
        let mut attrs = BTreeMap::new();
        while self.peek() == Some(&Tok::Punct('[')) {
            self.pos += 1;
            loop {
                match self.peek().cloned() {
                    Some(Tok::Punct(']')) => {
                        self.pos += 1;
                        break;
                    }
                    Some(Tok::Punct(',' | ';')) => self.pos += 1,
                    Some(Tok::Id(key)) => {
                        self.pos += 1;
                        self.expect('=', "after an attribute name")?;
                        match self.peek().cloned() {
                            Some(Tok::Id(value)) => {
                                self.pos += 1;
                                attrs.insert(key.to_ascii_lowercase(), value);
                            }
                            _ => return Err((self.at(), format!("expected a value for `{key}`"))),
                        }
                    }
                    _ => return Err((self.at(), "expected an attribute or `]`".to_owned())),
                }
            }
        }
        Ok(attrs)
    }
}

/// Kind from `shape` first, then words in the label or id.
fn kind_of(id: &str, attrs: &BTreeMap<String, String>) -> ComponentKind {
    let shape = attrs
        .get("shape")
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    match shape.as_str() {
        "cylinder" => return ComponentKind::Database,
        "folder" | "tab" | "box3d" | "component" => return ComponentKind::Storage,
        "hexagon" => return ComponentKind::Gateway,
        "diamond" | "mdiamond" => return ComponentKind::LoadBalancer,
        "cds" => return ComponentKind::Queue,
        "egg" | "circle" | "doublecircle" => return ComponentKind::Client,
        _ => {}
    }
    let text =
        format!("{} {}", attrs.get("label").map_or("", String::as_str), id).to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&[
        "user", "users", "client", "clients", "browser", "mobile", "app",
    ]) && !has(&["service", "api"])
    {
        ComponentKind::Client
    } else if has(&[
        "db",
        "database",
        "postgres",
        "postgresql",
        "mysql",
        "mongo",
        "mongodb",
        "sql",
    ]) {
        ComponentKind::Database
    } else if has(&["cache", "redis", "memcached"]) {
        ComponentKind::Cache
    } else if has(&["queue", "kafka", "rabbitmq", "mq", "bus", "stream"]) {
        ComponentKind::Queue
    } else if has(&["lb", "balancer", "haproxy", "nginx", "elb", "alb"]) {
        ComponentKind::LoadBalancer
    } else if has(&["gateway", "gw", "ingress", "proxy"]) {
        ComponentKind::Gateway
    } else if has(&["cdn", "cloudfront", "akamai", "fastly"]) {
        ComponentKind::Cdn
    } else if has(&["dns", "route53"]) {
        ComponentKind::Dns
    } else if has(&["s3", "bucket", "storage", "blob", "files"]) {
        ComponentKind::Storage
    } else if has(&["external", "third", "stripe", "paypal", "provider", "saas"]) {
        ComponentKind::External
    } else {
        ComponentKind::Service
    }
}

fn build(graph: Graph, file: &str) -> Result<Imported, LoadError> {
    if graph.order.is_empty() {
        return Err(LoadError {
            file: file.to_owned(),
            location: None,
            message: "the digraph has no nodes; expected at least one".to_owned(),
        });
    }
    let mut notes = Vec::new();
    let mut ids = IdTable::default();
    let id_of: BTreeMap<&str, String> = graph
        .order
        .iter()
        .map(|n| (n.as_str(), ids.fresh(n)))
        .collect();
    let mut model = Model {
        name: "Imported DOT graph".to_owned(),
        description: format!("Imported from {file}"),
        ..Model::default()
    };
    let zone_ids: Vec<String> = graph
        .clusters
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if name.is_empty() {
                format!("zone-{}", i + 1)
            } else {
                ids.fresh(name)
            }
        })
        .collect();
    if !zone_ids.is_empty() {
        model.regions.push(Region {
            id: ids.fresh("region"),
            name: "Region".to_owned(),
            zones: zone_ids.iter().map(|z| Zone::new(z.clone())).collect(),
        });
    }
    let mut has_caller = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (from, to, attrs) in &graph.edges {
        let (a, b) = (&id_of[from.as_str()], &id_of[to.as_str()]);
        if a == b {
            notes.push(format!("self-loop on `{from}` skipped"));
            continue;
        }
        if !seen.insert((a.clone(), b.clone())) {
            notes.push(format!("repeated edge `{from}` -> `{to}` merged"));
            continue;
        }
        let soft = attrs
            .get("style")
            .is_some_and(|s| s.contains("dashed") || s.contains("dotted"));
        model.dependencies.push(Dependency {
            from: a.clone(),
            to: b.clone(),
            kind: if soft {
                DependencyKind::Soft
            } else {
                DependencyKind::Hard
            },
        });
        has_caller.insert(b.clone());
    }
    for name in &graph.order {
        let info = &graph.nodes[name];
        let id = &id_of[name.as_str()];
        let kind = kind_of(name, &info.attrs);
        let mut c = Component::new(id, kind);
        c.name = info
            .attrs
            .get("label")
            .filter(|l| !l.trim().is_empty())
            .map_or_else(|| name.clone(), |l| l.replace("\\n", " "));
        c.entry = kind == ComponentKind::Client || !has_caller.contains(id);
        if let Some(z) = info.cluster {
            c.zones = vec![zone_ids[z].clone()];
        }
        model.components.push(c);
    }
    super::finish(model, notes, file)
}
