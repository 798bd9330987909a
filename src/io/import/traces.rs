//! Dependencies seen at run time: Jaeger `/api/dependencies`, Zipkin `/api/v2/dependencies`
//! and OpenTelemetry service-graph metrics, imported alone or laid over a manifest import
//! (DESIGN §3 "Import with traces"). Traces never say replicas or zones; this never guesses them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use super::Imported;
use super::ecosystem::{self, Role};
use super::infer::{IdTable, kind_from_image, located};
use crate::edit::Edit;
use crate::model::{
    Component, ComponentKind, Dependency, DependencyKind, LoadError, MAX_COMPONENTS,
    MAX_DEPENDENCIES, Model,
};

/// The formats a traces file may be in, told apart by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// `{"data": [{"parent", "child", "callCount"}]}` or the bare array.
    Jaeger,
    /// `[{"parent", "child", "callCount", "errorCount"}]`.
    Zipkin,
    /// `traces_service_graph_request_total{client="a",server="b"} N` (Prometheus text).
    ServiceGraph,
}

impl TraceFormat {
    pub fn label(self) -> &'static str {
        match self {
            TraceFormat::Jaeger => "Jaeger dependencies",
            TraceFormat::Zipkin => "Zipkin dependencies",
            TraceFormat::ServiceGraph => "OpenTelemetry service graph",
        }
    }
}

/// One caller → callee pair, with how often the traces saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub client: String,
    pub server: String,
    pub count: u64,
    /// What the server is when the traces say (the service graph's `connection_type`).
    pub server_kind: Option<ComponentKind>,
    /// The client is the service graph's virtual `user` node: requests that entered here.
    pub from_users: bool,
}

/// What a traces file says: each caller → callee pair once, in the order first seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traces {
    pub format: TraceFormat,
    pub calls: Vec<Call>,
}

impl Traces {
    /// Every service name, callers and callees, in the order first seen.
    fn names(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        let mut names = Vec::new();
        for c in &self.calls {
            for n in [&c.client, &c.server] {
                if seen.insert(n.as_str()) {
                    names.push(n.as_str());
                }
            }
        }
        names
    }
}

/// The metric the OpenTelemetry service-graph connector and Tempo's metrics generator write.
const SERVICE_GRAPH_METRIC: &str = "service_graph_request_total";
/// The service graph's name for requests that entered the system (no parent span).
const VIRTUAL_USER: &str = "user";

/// The format of `text` if it looks like a traces file (used to guess an import's format).
pub fn detect(text: &str) -> Option<TraceFormat> {
    let start = text.trim_start();
    if start.starts_with('{') {
        (text.contains("\"data\"") && !text.contains("\"format_version\""))
            .then_some(TraceFormat::Jaeger)
    } else if let Some(array) = start.strip_prefix('[') {
        let empty = array.trim_start().starts_with(']');
        (empty || text.contains("\"parent\"")).then(|| {
            if text.contains("\"errorCount\"") {
                TraceFormat::Zipkin
            } else {
                TraceFormat::Jaeger
            }
        })
    } else {
        text.contains(SERVICE_GRAPH_METRIC)
            .then_some(TraceFormat::ServiceGraph)
    }
}

/// Read a traces file in whichever of the three formats it is.
pub fn read(text: &str, file: &str) -> Result<Traces, LoadError> {
    let start = text.trim_start();
    let traces = if start.starts_with('{') || start.starts_with('[') {
        read_json(text, file)?
    } else {
        read_service_graph(text, file)?
    };
    let names = traces.names().len();
    if names > MAX_COMPONENTS {
        return Err(located(
            text,
            file,
            text.len(),
            &format!("{names} services; expected at most {MAX_COMPONENTS}"),
        ));
    }
    Ok(traces)
}

#[derive(Deserialize)]
struct JaegerResponse {
    data: Option<Vec<Link>>,
    #[serde(default)]
    errors: Option<Vec<JaegerError>>,
}

#[derive(Deserialize)]
struct JaegerError {
    #[serde(default)]
    msg: String,
}

#[derive(Deserialize)]
struct Link {
    parent: String,
    child: String,
    #[serde(rename = "callCount", default)]
    call_count: u64,
    #[serde(rename = "errorCount", default)]
    error_count: Option<u64>,
}

fn read_json(text: &str, file: &str) -> Result<Traces, LoadError> {
    let json_error = |e: serde_json::Error| LoadError {
        file: file.to_owned(),
        location: Some((e.line(), e.column())).filter(|&(l, _)| l > 0),
        message: format!("invalid dependencies JSON: {e}")
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    let (links, format) = if text.trim_start().starts_with('{') {
        let response: JaegerResponse = serde_json::from_str(text).map_err(json_error)?;
        match (response.data, response.errors) {
            (Some(links), _) => (links, TraceFormat::Jaeger),
            (None, Some(errors)) if !errors.is_empty() => {
                let messages: Vec<String> = errors.into_iter().map(|e| e.msg).collect();
                return Err(located(
                    text,
                    file,
                    text.find("\"errors\"").unwrap_or(0),
                    &format!("Jaeger answered with errors: {}", messages.join("; ")),
                ));
            }
            (None, _) => {
                return Err(located(
                    text,
                    file,
                    0,
                    "no `data`; expected a Jaeger /api/dependencies response",
                ));
            }
        }
    } else {
        let links: Vec<Link> = serde_json::from_str(text).map_err(json_error)?;
        let zipkin = links.iter().any(|l| l.error_count.is_some());
        let format = if zipkin {
            TraceFormat::Zipkin
        } else {
            TraceFormat::Jaeger
        };
        (links, format)
    };
    let mut calls = Calls::default();
    for l in links {
        let call = Call {
            client: l.parent,
            server: l.child,
            count: l.call_count,
            server_kind: None,
            from_users: false,
        };
        if !calls.add(call) {
            return Err(too_many_pairs(text, file, text.len()));
        }
    }
    Ok(Traces {
        format,
        calls: calls.list,
    })
}

/// Calls merged by (client, server), in the order first seen.
#[derive(Default)]
struct Calls {
    index: HashMap<(String, String), usize>,
    list: Vec<Call>,
}

impl Calls {
    /// Add `call`, or add its count to the same pair's; `false` when there are already
    /// [`MAX_DEPENDENCIES`] pairs.
    fn add(&mut self, call: Call) -> bool {
        let key = (call.client.clone(), call.server.clone());
        if let Some(&i) = self.index.get(&key) {
            let seen = &mut self.list[i];
            seen.count = seen.count.saturating_add(call.count);
            seen.server_kind = seen.server_kind.or(call.server_kind);
            return true;
        }
        if self.list.len() >= MAX_DEPENDENCIES {
            return false;
        }
        self.index.insert(key, self.list.len());
        self.list.push(call);
        true
    }
}

fn too_many_pairs(text: &str, file: &str, offset: usize) -> LoadError {
    located(
        text,
        file,
        offset,
        &format!("more than {MAX_DEPENDENCIES} caller and callee pairs; expected fewer"),
    )
}

/// Prometheus text exposition (and OpenMetrics): every sample line is parsed, so a broken
/// line is reported wherever it is; only the service graph's request counter is kept.
fn read_service_graph(text: &str, file: &str) -> Result<Traces, LoadError> {
    let mut calls = Calls::default();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let skipped = content.len() - trimmed.len();
        let sample = parse_sample(trimmed)
            .map_err(|(at, message)| located(text, file, start + skipped + at, &message))?;
        if !sample.name.ends_with(SERVICE_GRAPH_METRIC) {
            continue;
        }
        let label = |key: &str| {
            sample
                .labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let (Some(client), Some(server)) = (label("client"), label("server")) else {
            return Err(located(
                text,
                file,
                start + skipped,
                &format!("`{}` without `client` and `server` labels", sample.name),
            ));
        };
        if !sample.value.is_finite() || sample.value < 0.0 {
            return Err(located(
                text,
                file,
                start + skipped + sample.value_at,
                "the request count is not a number of requests",
            ));
        }
        let connection = label("connection_type").unwrap_or_default();
        let server_kind = match connection.as_str() {
            "database" => Some(ComponentKind::Database),
            "messaging_system" => Some(ComponentKind::Queue),
            _ => None,
        };
        let call = Call {
            from_users: client == VIRTUAL_USER && connection == "virtual_node",
            client,
            server,
            count: sample.value.min(u64::MAX as f64) as u64,
            server_kind,
        };
        if !calls.add(call) {
            return Err(too_many_pairs(text, file, start));
        }
    }
    if calls.list.is_empty() {
        return Err(located(
            text,
            file,
            0,
            "no `traces_service_graph_request_total` samples; expected OpenTelemetry service-graph metrics, or a Jaeger or Zipkin dependencies response (JSON)",
        ));
    }
    Ok(Traces {
        format: TraceFormat::ServiceGraph,
        calls: calls.list,
    })
}

/// One sample line: `name{label="value",...} value [timestamp]`.
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
    /// Byte offset of the value in the line.
    value_at: usize,
}

type Located<T> = Result<T, (usize, String)>;

fn parse_sample(line: &str) -> Located<Sample> {
    let bytes = line.as_bytes();
    let ident = |at: usize, colon: bool| {
        let mut end = at;
        while let Some(&b) = bytes.get(end) {
            let ok = b.is_ascii_alphabetic()
                || b == b'_'
                || (colon && b == b':')
                || (end > at && b.is_ascii_digit());
            if !ok {
                break;
            }
            end += 1;
        }
        end
    };
    let name_end = ident(0, true);
    if name_end == 0 {
        return Err((0, "expected a metric name".to_owned()));
    }
    let name = line[..name_end].to_owned();
    let mut at = name_end;
    let mut labels = Vec::new();
    if bytes.get(at) == Some(&b'{') {
        at += 1;
        loop {
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            if bytes.get(at) == Some(&b'}') {
                at += 1;
                break;
            }
            let key_end = ident(at, false);
            if key_end == at {
                return Err((at, "expected a label name or `}`".to_owned()));
            }
            let key = line[at..key_end].to_owned();
            at = key_end;
            if bytes.get(at) != Some(&b'=') || bytes.get(at + 1) != Some(&b'"') {
                return Err((at, "expected `=\"` after the label name".to_owned()));
            }
            at += 2;
            let mut value = String::new();
            loop {
                match line[at..].chars().next() {
                    None => return Err((at, "unclosed label value; expected `\"`".to_owned())),
                    Some('"') => {
                        at += 1;
                        break;
                    }
                    Some('\\') => {
                        let escaped = line[at + 1..].chars().next();
                        match escaped {
                            Some('n') => value.push('\n'),
                            Some(c @ ('\\' | '"')) => value.push(c),
                            _ => {
                                return Err((at, "expected `\\\\`, `\\\"` or `\\n`".to_owned()));
                            }
                        }
                        at += 2;
                    }
                    Some(c) => {
                        value.push(c);
                        at += c.len_utf8();
                    }
                }
            }
            labels.push((key, value));
            match bytes.get(at) {
                Some(b',') => at += 1,
                Some(b'}') => {}
                _ => return Err((at, "expected `,` or `}` after the label value".to_owned())),
            }
        }
    }
    let rest = &line[at..];
    let value_at = at + (rest.len() - rest.trim_start().len());
    let value_text = rest.split_whitespace().next().unwrap_or("");
    let value = match value_text {
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v
            .parse::<f64>()
            .map_err(|_| (value_at, "expected the sample's value".to_owned()))?,
    };
    Ok(Sample {
        name,
        labels,
        value,
        value_at,
    })
}

/// A model from traces alone: one component per service (kind from the name or the
/// service graph), a dependency per caller → callee pair, the callers nobody calls as entries.
pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let traces = read(text, file)?;
    let mut ids = IdTable::default();
    let mut model = Model {
        name: "Imported traces".to_owned(),
        description: format!("Imported from {file} ({})", traces.format.label()),
        ..Model::default()
    };
    let mut notes = Vec::new();
    let mut id_of: HashMap<&str, String> = HashMap::new();
    let mut roles: Vec<(String, Role)> = Vec::new();
    for name in traces.names() {
        let id = ids.fresh(name);
        let role = ecosystem::role(name, "");
        let users = traces
            .calls
            .iter()
            .any(|c| c.from_users && c.client == name);
        let hinted = traces
            .calls
            .iter()
            .find(|c| c.server == name)
            .and_then(|c| c.server_kind);
        // The name says more than the connection type: a cache is reached as a database.
        let named = kind_from_image(name);
        let kind = match (users, role, hinted) {
            (true, ..) | (_, Role::LoadGenerator(_), _) => ComponentKind::Client,
            (_, Role::Discovery(_), _) => ComponentKind::Service,
            (_, _, Some(kind)) if !named.is_stateful() => kind,
            _ => named,
        };
        let mut c = Component::new(&id, kind);
        c.name = if users {
            "Users".to_owned()
        } else {
            name.to_owned()
        };
        model.components.push(c);
        id_of.insert(name, id.clone());
        roles.push((id, role));
    }
    for call in &traces.calls {
        if call.client == call.server {
            continue;
        }
        let (from, to) = (&id_of[call.client.as_str()], &id_of[call.server.as_str()]);
        let telemetry = matches!(ecosystem::role(&call.server, ""), Role::Telemetry(_));
        model.dependencies.push(Dependency {
            from: from.clone(),
            to: to.clone(),
            kind: if telemetry {
                DependencyKind::Soft
            } else {
                DependencyKind::Hard
            },
        });
    }
    let called: BTreeSet<&str> = model.dependencies.iter().map(|d| d.to.as_str()).collect();
    for (c, (_, role)) in model.components.iter_mut().zip(&roles) {
        c.entry = !called.contains(c.id.as_str()) && !matches!(role, Role::Telemetry(_));
    }
    notes.push(
        "traces say nothing of replicas or zones: every component has 1 replica; set them in the model, or import the manifests and add these traces with --with".to_owned(),
    );
    for (id, role) in &roles {
        let callers = model.dependencies.iter().filter(|d| d.to == *id).count();
        if let Some(decision) = role.decision(callers) {
            notes.push(format!("service `{id}`: {decision}"));
        }
    }
    if !model.components.iter().any(|c| c.entry) {
        notes.push(
            "every service is called by another: no entry point; mark one in the model".to_owned(),
        );
    }
    super::finish(model, notes, file)
}

/// What laying traces over a model changes: dependencies to add, components that become
/// entries, and one note per name or manifest edge the traces do not account for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overlay {
    pub dependencies: Vec<Dependency>,
    pub entries: Vec<String>,
    pub notes: Vec<String>,
}

impl Overlay {
    /// Apply to `model` (which must be the one the overlay was computed for).
    pub fn apply(&self, model: &mut Model) {
        model.dependencies.extend(self.dependencies.iter().cloned());
        for c in &mut model.components {
            if self.entries.contains(&c.id) {
                c.entry = true;
            }
        }
    }

    /// The same change as edits of `model` (the one the overlay was computed for), to apply
    /// to an open document as one undo step.
    pub fn edits(&self, model: &Model) -> Vec<Edit> {
        let mut edits: Vec<Edit> = self
            .dependencies
            .iter()
            .cloned()
            .map(Edit::AddDependency)
            .collect();
        for c in &model.components {
            if self.entries.contains(&c.id) {
                let mut entry = c.clone();
                entry.entry = true;
                edits.push(Edit::UpdateComponent {
                    id: c.id.clone(),
                    component: entry,
                });
            }
        }
        edits
    }
}

/// Lay `traces` over `model`: replicas, zones and kinds stay as the model has them; each
/// call between two of its components becomes a dependency (hard, unless the callee is
/// telemetry); requests the service graph saw entering a component make it an entry.
pub fn overlay(model: &Model, traces: &Traces) -> Overlay {
    let names = Names::new(model);
    let existing: BTreeSet<(&str, &str)> = model
        .dependencies
        .iter()
        .map(|d| (d.from.as_str(), d.to.as_str()))
        .collect();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unmatched: BTreeMap<&str, usize> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut out = Overlay::default();
    let mut added = 0;
    for call in &traces.calls {
        if call.client == call.server {
            continue;
        }
        let server = names.find(&call.server);
        if call.from_users {
            match server {
                Some(id) => {
                    let c = model.component(id);
                    if c.is_some_and(|c| !c.entry) && !out.entries.iter().any(|e| e == id) {
                        out.entries.push(id.to_owned());
                        out.notes.push(format!(
                            "the service graph shows users calling `{}`: made an entry",
                            call.server
                        ));
                    }
                }
                None => count_unmatched(&mut unmatched, &mut order, &call.server),
            }
            continue;
        }
        let client = names.find(&call.client);
        for (name, found) in [(&call.client, client), (&call.server, server)] {
            if found.is_none() {
                count_unmatched(&mut unmatched, &mut order, name);
            }
        }
        let (Some(from), Some(to)) = (client, server) else {
            continue;
        };
        if from == to || !seen.insert((from.to_owned(), to.to_owned())) {
            continue;
        }
        if existing.contains(&(from, to)) {
            continue;
        }
        let callee = model.component(to).map_or("", |c| c.display_name());
        let telemetry = [to, callee, call.server.as_str()]
            .iter()
            .any(|n| matches!(ecosystem::role(n, ""), Role::Telemetry(_)));
        out.dependencies.push(Dependency {
            from: from.to_owned(),
            to: to.to_owned(),
            kind: if telemetry {
                DependencyKind::Soft
            } else {
                DependencyKind::Hard
            },
        });
        added += 1;
    }
    let confirmed = model
        .dependencies
        .iter()
        .filter(|d| seen.contains(&(d.from.clone(), d.to.clone())))
        .count();
    let new = if added == 1 {
        "dependency"
    } else {
        "dependencies"
    };
    let mut notes = vec![format!(
        "{}: {} caller and callee pairs: {added} new {new}, {confirmed} already in the model",
        traces.format.label(),
        traces.calls.len()
    )];
    for name in order {
        let calls = match unmatched[name] {
            1 => "its call is".to_owned(),
            n => format!("its {n} calls are"),
        };
        notes.push(format!(
            "traces name `{name}`, which matches no component: {calls} left out"
        ));
    }
    for d in &model.dependencies {
        if !seen.contains(&(d.from.clone(), d.to.clone())) {
            notes.push(format!(
                "`{}` → `{}` is in the model but no trace saw it: kept",
                d.from, d.to
            ));
        }
    }
    notes.append(&mut out.notes);
    out.notes = notes;
    out
}

fn count_unmatched<'a>(
    unmatched: &mut BTreeMap<&'a str, usize>,
    order: &mut Vec<&'a str>,
    name: &'a str,
) {
    let n = unmatched.entry(name).or_insert(0);
    if *n == 0 {
        order.push(name);
    }
    *n += 1;
}

/// Component ids by the names traces may call them: the id, the name, either with case and
/// punctuation ignored, and without a `.namespace` suffix.
struct Names<'a> {
    exact: HashMap<&'a str, &'a str>,
    loose: HashMap<String, &'a str>,
}

impl<'a> Names<'a> {
    fn new(model: &'a Model) -> Self {
        let mut exact = HashMap::new();
        let mut loose = HashMap::new();
        for c in &model.components {
            for n in [c.id.as_str(), c.name.as_str()] {
                exact.entry(n).or_insert(c.id.as_str());
                loose.entry(normalise(n)).or_insert(c.id.as_str());
            }
        }
        Names { exact, loose }
    }

    fn find(&self, name: &str) -> Option<&'a str> {
        let unqualified = name.split('.').next().unwrap_or(name);
        self.exact
            .get(name)
            .or_else(|| self.loose.get(&normalise(name)))
            .or_else(|| self.loose.get(&normalise(unqualified)))
            .copied()
    }
}

fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_apart_by_content() {
        assert_eq!(detect("{\"data\": []}"), Some(TraceFormat::Jaeger));
        assert_eq!(
            detect("[{\"parent\": \"a\", \"child\": \"b\", \"callCount\": 1}]"),
            Some(TraceFormat::Jaeger)
        );
        assert_eq!(
            detect("[{\"parent\": \"a\", \"child\": \"b\", \"callCount\": 1, \"errorCount\": 0}]"),
            Some(TraceFormat::Zipkin)
        );
        assert_eq!(
            detect("traces_service_graph_request_total{client=\"a\",server=\"b\"} 3\n"),
            Some(TraceFormat::ServiceGraph)
        );
        assert_eq!(detect("{\"format_version\": \"1.2\"}"), None);
        assert_eq!(detect("services:\n"), None);
    }

    #[test]
    fn sample_lines_parse_with_escapes_and_timestamps() {
        let s = parse_sample("m{a=\"x\\\"y\",b=\"\"} 12 1700000000000").unwrap();
        assert_eq!(s.name, "m");
        assert_eq!(
            s.labels,
            vec![("a".into(), "x\"y".into()), ("b".into(), "".into())]
        );
        assert_eq!(s.value, 12.0);
        assert_eq!(parse_sample("m{a=\"x} 1").err().map(|e| e.0), Some(9));
        assert_eq!(parse_sample("m 1e3").unwrap().value, 1000.0);
        assert!(parse_sample("m{a=1} 1").is_err());
    }

    #[test]
    fn names_match_ignoring_case_punctuation_and_namespace() {
        let mut m = Model::default();
        let mut c = Component::new("checkout", ComponentKind::Service);
        c.name = "Checkout Service".into();
        m.components.push(c);
        let names = Names::new(&m);
        assert_eq!(names.find("checkout"), Some("checkout"));
        assert_eq!(names.find("checkout-service"), Some("checkout"));
        assert_eq!(names.find("checkout.shop"), Some("checkout"));
        assert_eq!(names.find("cart"), None);
    }
}
