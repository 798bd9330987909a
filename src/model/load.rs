//! Reading `.spof.ron` files: parse, apply defaults, and check every rule of DESIGN §1,
//! reporting the first problem with file, line and column. A file is never half-loaded.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use super::locate::{Step, line_col, locate, value_text};
use super::{Component, Defaults, Dependency, FORMAT, Model, Region, Workload, is_valid_id};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Limits that keep a hostile or mistyped file from exhausting memory or time.
pub const MAX_COMPONENTS: usize = 100_000;
pub const MAX_DEPENDENCIES: usize = 1_000_000;
pub const MAX_REPLICAS: u32 = 1_000;
pub const MAX_BASIC_EVENTS: u64 = 1_000_000;

/// Why a model could not be loaded, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub file: String,
    /// Line and column (from 1) of the offending text; none when the file could not be read.
    pub location: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, col)) => write!(f, "{}:{line}:{col}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A rule of DESIGN §1 that a parsed model breaks, with the path of the offending value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub path: Vec<Step>,
    pub message: String,
}

/// Load and validate the model at `path`.
pub fn load(path: &Path) -> Result<Model, LoadError> {
    let text = read_text(path)?;
    from_str(&text, &path.display().to_string())
}

/// The text of `path`, refused when larger than [`MAX_FILE_BYTES`] or not UTF-8.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let file = path.display().to_string();
    let fail = |message: String| LoadError {
        file: file.clone(),
        location: None,
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(fail(format!(
            "file is {size} bytes; expected at most {MAX_FILE_BYTES}"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = String::from_utf8_lossy(valid);
        LoadError {
            file,
            location: Some(line_col(&valid, valid.len())),
            message: "invalid UTF-8; expected a text file".to_owned(),
        }
    })
}

/// Parse and validate a model from RON text; `file` names it in errors.
pub fn from_str(text: &str, file: &str) -> Result<Model, LoadError> {
    let at = |offset: usize, message: String| LoadError {
        file: file.to_owned(),
        location: Some(line_col(text, offset)),
        message,
    };
    check_format(text).map_err(|(offset, message)| at(offset, message))?;
    // Plain files take the fast path; anything it does not know, and every syntax
    // error, goes through the full RON parser.
    let mut model: Model = match super::fast::parse(text) {
        Some(model) => model,
        None => ron::Options::default()
            .with_recursion_limit(64)
            .from_str(text)
            .map_err(|e| LoadError {
                file: file.to_owned(),
                location: Some((e.span.start.line, e.span.start.col)),
                message: describe(&e.code),
            })?,
    };
    normalize(&mut model);
    if let Some(first) = check(&model).into_iter().next() {
        return Err(at(locate(text, &first.path), first.message));
    }
    Ok(model)
}

/// Refuse files from a newer spofscope before their new fields confuse the parser.
fn check_format(text: &str) -> Result<(), (usize, String)> {
    let path = [Step::Field("format")];
    let Some(value) = value_text(text, &path) else {
        return Ok(());
    };
    match value.trim().parse::<u64>() {
        Ok(v) if v == u64::from(FORMAT) => Ok(()),
        Ok(v) if v > u64::from(FORMAT) => Err((
            locate(text, &path),
            format!(
                "format {v} is newer than this spofscope understands; expected format {FORMAT} (upgrade spofscope to open it)"
            ),
        )),
        _ => Err((
            locate(text, &path),
            format!("unsupported format `{value}`; expected format {FORMAT}"),
        )),
    }
}

fn describe(code: &ron::Error) -> String {
    match code {
        ron::Error::NoSuchStructField {
            expected,
            found,
            outer,
        } => format!(
            "unknown field `{found}`{}; expected one of {}",
            outer
                .as_ref()
                .map(|o| format!(" in {o}"))
                .unwrap_or_default(),
            expected
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ron::Error::MissingStructField { field, outer } => format!(
            "missing field `{field}`{}",
            outer
                .as_ref()
                .map(|o| format!(" in {o}"))
                .unwrap_or_default()
        ),
        other => other.to_string(),
    }
}

/// Names left out in the file default to the id, so every component can be labelled.
fn normalize(model: &mut Model) {
    for c in &mut model.components {
        if c.name.is_empty() {
            c.name = c.id.clone();
        }
    }
}

fn availability_ok(a: f64) -> bool {
    a > 0.0 && a <= 1.0
}

fn mtbf_ok(hours: f64) -> bool {
    hours.is_finite() && hours > 0.0
}

fn minutes_ok(minutes: f64) -> bool {
    minutes.is_finite() && minutes >= 0.0
}

fn common_cause_ok(beta: f64) -> bool {
    (0.0..1.0).contains(&beta)
}

fn field(path: &[Step], name: &'static str) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(Step::Field(name));
    p
}

fn item(list: &'static str, i: usize) -> Vec<Step> {
    vec![Step::Field(list), Step::Index(i)]
}

/// Every broken rule, in file order.
pub fn check(model: &Model) -> Vec<Invalid> {
    let mut problems = Problems::default();
    problems.format(model);
    problems.defaults(&model.defaults);
    let zones = problems.regions(&model.regions);
    let components = problems.components(model, &zones);
    problems.dependencies(&model.dependencies, &components);
    problems.scenarios(model);
    problems.accepted(model);
    problems.0
}

/// The broken rules found so far, in file order.
#[derive(Default)]
struct Problems(Vec<Invalid>);

impl Problems {
    fn bad(&mut self, path: Vec<Step>, message: String) {
        self.0.push(Invalid { path, message });
    }

    fn format(&mut self, model: &Model) {
        if model.format != FORMAT {
            self.bad(
                vec![Step::Field("format")],
                format!(
                    "unsupported format {}; expected format {FORMAT}",
                    model.format
                ),
            );
        }
    }

    /// Availabilities, MTBF, detection and failover minutes and β of `defaults`.
    fn defaults(&mut self, d: &Defaults) {
        for (name, v) in [
            ("replica_availability", d.replica_availability),
            ("zone_availability", d.zone_availability),
            ("region_availability", d.region_availability),
        ] {
            if !availability_ok(v) {
                self.bad(
                    vec![Step::Field("defaults"), Step::Field(name)],
                    format!("{name} is {v}; expected an availability in (0, 1]"),
                );
            }
        }
        let dp = |name: &'static str| vec![Step::Field("defaults"), Step::Field(name)];
        if !mtbf_ok(d.mtbf_hours) {
            self.bad(
                dp("mtbf_hours"),
                format!(
                    "mtbf_hours is {}; expected a positive number of hours",
                    d.mtbf_hours
                ),
            );
        }
        let detect = d.detect_minutes;
        if !minutes_ok(detect.monitored) {
            self.bad(
                vec![
                    Step::Field("defaults"),
                    Step::Field("detect_minutes"),
                    Step::Field("monitored"),
                ],
                format!(
                    "detect_minutes.monitored is {}; expected minutes ≥ 0",
                    detect.monitored
                ),
            );
        } else if !minutes_ok(detect.unmonitored) || detect.unmonitored < detect.monitored {
            self.bad(
                vec![
                    Step::Field("defaults"),
                    Step::Field("detect_minutes"),
                    Step::Field("unmonitored"),
                ],
                format!(
                    "detect_minutes.unmonitored is {}; expected minutes ≥ monitored ({})",
                    detect.unmonitored, detect.monitored
                ),
            );
        }
        for (name, v) in [
            ("automatic", d.failover_minutes.automatic),
            ("manual", d.failover_minutes.manual),
        ] {
            if !minutes_ok(v) {
                self.bad(
                    vec![
                        Step::Field("defaults"),
                        Step::Field("failover_minutes"),
                        Step::Field(name),
                    ],
                    format!("failover_minutes.{name} is {v}; expected minutes ≥ 0"),
                );
            }
        }
        if !common_cause_ok(d.common_cause) {
            self.bad(
                dp("common_cause"),
                format!(
                    "common_cause is {}; expected a share in [0, 1)",
                    d.common_cause
                ),
            );
        }
    }

    /// Region and zone ids and zone availabilities; returns the zone ids.
    fn regions<'m>(&mut self, regions: &'m [Region]) -> IdSet<'m> {
        let mut region_ids = IdSet::default();
        let mut zones = IdSet::default();
        for (ri, r) in regions.iter().enumerate() {
            let rp = item("regions", ri);
            if !is_valid_id(&r.id) {
                self.bad(field(&rp, "id"), bad_id("region", &r.id));
            } else if !region_ids.insert(r.id.as_str()) {
                self.bad(
                    field(&rp, "id"),
                    format!("duplicate region id \"{}\"; expected a unique id", r.id),
                );
            }
            for (zi, z) in r.zones.iter().enumerate() {
                let mut zp = field(&rp, "zones");
                zp.push(Step::Index(zi));
                if !is_valid_id(&z.id) {
                    self.bad(field(&zp, "id"), bad_id("zone", &z.id));
                } else if !zones.insert(z.id.as_str()) {
                    self.bad(
                        field(&zp, "id"),
                        format!("duplicate zone id \"{}\"; expected a unique id", z.id),
                    );
                }
                if let Some(a) = z.availability.filter(|a| !availability_ok(*a)) {
                    self.bad(
                        field(&zp, "availability"),
                        format!(
                            "zone \"{}\" availability is {a}; expected a value in (0, 1]",
                            z.id
                        ),
                    );
                }
            }
        }
        zones
    }

    /// The size limits, then each component; returns each component id's index.
    fn components<'m>(
        &mut self,
        model: &'m Model,
        zones: &IdSet<'_>,
    ) -> HashMap<&'m str, usize, FastHash> {
        if model.components.len() > MAX_COMPONENTS {
            self.bad(
                item("components", MAX_COMPONENTS),
                format!(
                    "{} components; expected at most {MAX_COMPONENTS}",
                    model.components.len()
                ),
            );
        }
        if model.dependencies.len() > MAX_DEPENDENCIES {
            self.bad(
                item("dependencies", MAX_DEPENDENCIES),
                format!(
                    "{} dependencies; expected at most {MAX_DEPENDENCIES}",
                    model.dependencies.len()
                ),
            );
        }
        let mut events = 0u64;
        let mut components: HashMap<&str, usize, FastHash> =
            HashMap::with_capacity_and_hasher(model.components.len(), FastHash::default());
        for (ci, c) in model.components.iter().enumerate() {
            let cp = item("components", ci);
            if !is_valid_id(&c.id) {
                self.bad(field(&cp, "id"), bad_id("component", &c.id));
            } else if components.insert(c.id.as_str(), ci).is_some() {
                self.bad(
                    field(&cp, "id"),
                    format!("duplicate component id \"{}\"; expected a unique id", c.id),
                );
            }
            self.replicas(&cp, c, &mut events);
            for (zi, z) in c.zones.iter().enumerate() {
                if !zones.contains(z.as_str()) {
                    let mut zp = field(&cp, "zones");
                    zp.push(Step::Index(zi));
                    self.bad(
                        zp,
                        format!(
                            "\"{}\" is placed in unknown zone \"{z}\"; expected a zone of a region",
                            c.id
                        ),
                    );
                }
            }
            self.component_numbers(&cp, c);
            if let Some(w) = &c.workload {
                let mut wp = field(&cp, "workload");
                wp.push(Step::Some);
                self.workload(&wp, &c.id, w);
            }
        }
        components
    }

    /// A workload names its kind and name; its labels make a valid selector; its URL is
    /// HTTP(S).
    fn workload(&mut self, wp: &[Step], id: &str, w: &Workload) {
        if w.kind.trim().is_empty() {
            self.bad(
                field(wp, "kind"),
                format!("\"{id}\" workload has no kind; expected `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet` or `{}`", Workload::COMPOSE),
            );
        }
        if w.name.trim().is_empty() {
            self.bad(
                field(wp, "name"),
                format!("\"{id}\" workload has no name; expected the workload's name"),
            );
        }
        if let Some((k, v)) = w.labels.iter().find(|(k, v)| {
            k.is_empty() || !Workload::is_label_text(k) || !Workload::is_label_text(v)
        }) {
            self.bad(
                field(wp, "labels"),
                format!("\"{id}\" workload label `{k}: {v}`; expected a non-empty key, and no spaces, `,`, `=` or `!` in keys and values"),
            );
        }
        if let Some(url) = w
            .url
            .as_deref()
            .filter(|u| !(u.starts_with("http://") || u.starts_with("https://")))
        {
            self.bad(
                field(wp, "url"),
                format!("\"{id}\" workload url `{url}`; expected an http:// or https:// address"),
            );
        }
    }

    /// Replicas and min healthy of `c` (at `cp`), counting its replicas into `events`
    /// against [`MAX_BASIC_EVENTS`].
    fn replicas(&mut self, cp: &[Step], c: &Component, events: &mut u64) {
        if c.replicas > MAX_REPLICAS {
            self.bad(
                field(cp, "replicas"),
                format!(
                    "\"{}\" has {} replicas; expected 1..={MAX_REPLICAS}",
                    c.id, c.replicas
                ),
            );
        } else if c.replicas == 0 {
            self.bad(
                field(cp, "replicas"),
                format!("\"{}\" has 0 replicas; expected at least 1", c.id),
            );
        } else if c.min_healthy == 0 || c.min_healthy > c.replicas {
            self.bad(
                field(cp, "min_healthy"),
                format!(
                    "\"{}\" min_healthy is {}; expected 1..={} (its replicas)",
                    c.id, c.min_healthy, c.replicas
                ),
            );
        }
        if c.replicas <= MAX_REPLICAS {
            *events += u64::from(c.replica_count());
            if *events > MAX_BASIC_EVENTS {
                self.bad(
                    field(cp, "replicas"),
                    format!(
                        "the model has more than {MAX_BASIC_EVENTS} replicas in all; expected fewer"
                    ),
                );
                *events = 0;
            }
        }
    }

    /// Position, availability, MTBF and β of `c` (at `cp`).
    fn component_numbers(&mut self, cp: &[Step], c: &Component) {
        if !(c.pos.0.is_finite() && c.pos.1.is_finite()) {
            self.bad(
                field(cp, "pos"),
                format!(
                    "\"{}\" is at ({}, {}); expected finite coordinates (within ±3.4e38)",
                    c.id, c.pos.0, c.pos.1
                ),
            );
        }
        if let Some(a) = c.availability.filter(|a| !availability_ok(*a)) {
            self.bad(
                field(cp, "availability"),
                format!(
                    "\"{}\" availability is {a}; expected a value in (0, 1]",
                    c.id
                ),
            );
        }
        if let Some(m) = c.mtbf_hours.filter(|m| !mtbf_ok(*m)) {
            self.bad(
                field(cp, "mtbf_hours"),
                format!(
                    "\"{}\" mtbf_hours is {m}; expected a positive number of hours",
                    c.id
                ),
            );
        }
        if let Some(b) = c.common_cause.filter(|b| !common_cause_ok(*b)) {
            self.bad(
                field(cp, "common_cause"),
                format!(
                    "\"{}\" common_cause is {b}; expected a share in [0, 1)",
                    c.id
                ),
            );
        }
    }

    /// Both ends of each dependency exist, and no pair is given twice.
    fn dependencies(
        &mut self,
        dependencies: &[Dependency],
        components: &HashMap<&str, usize, FastHash>,
    ) {
        let mut edges: HashSet<(&str, &str), FastHash> =
            HashSet::with_capacity_and_hasher(dependencies.len(), FastHash::default());
        for (di, dep) in dependencies.iter().enumerate() {
            let dp = item("dependencies", di);
            for (name, end) in [("from", &dep.from), ("to", &dep.to)] {
                if !components.contains_key(end.as_str()) {
                    self.bad(
                        field(&dp, name),
                        format!(
                            "dependency {name} unknown component \"{end}\"; expected a component id"
                        ),
                    );
                }
            }
            if !edges.insert((dep.from.as_str(), dep.to.as_str())) {
                self.bad(
                    dp,
                    format!(
                        "duplicate dependency \"{}\" -> \"{}\"; expected each pair at most once",
                        dep.from, dep.to
                    ),
                );
            }
        }
    }

    /// Scenario names are unique and every event names something in the model.
    fn scenarios(&mut self, model: &Model) {
        let mut scenarios = IdSet::default();
        for (si, s) in model.scenarios.iter().enumerate() {
            let sp = item("scenarios", si);
            if !scenarios.insert(s.name.as_str()) {
                self.bad(
                    field(&sp, "name"),
                    format!(
                        "duplicate scenario name \"{}\"; expected a unique name",
                        s.name
                    ),
                );
            }
            for (ei, e) in s.fail.iter().enumerate() {
                let mut ep = field(&sp, "fail");
                ep.push(Step::Index(ei));
                if let Err(e) = e.check(model) {
                    self.bad(ep, e.to_string());
                }
            }
        }
    }

    /// Each accepted risk once, with a reason. Whether it still names something is the
    /// analysis' question (a risk that no longer exists is reported as stale, not refused).
    fn accepted(&mut self, model: &Model) {
        let mut risks = HashSet::new();
        for (ai, a) in model.accepted.iter().enumerate() {
            let ap = item("accepted", ai);
            if !risks.insert(&a.risk) {
                self.bad(
                    field(&ap, "risk"),
                    format!(
                        "risk `{}` is accepted twice; expected each risk once",
                        a.risk
                    ),
                );
            }
            if a.reason.trim().is_empty() {
                self.bad(
                    field(&ap, "reason"),
                    format!(
                        "empty reason for accepting `{}`; expected why the team lives with it",
                        a.risk
                    ),
                );
            }
        }
    }
}

type IdSet<'a> = HashSet<&'a str, FastHash>;

/// Ids in a file are not adversarial to our own process: FxHash is several times faster
/// than SipHash on short strings.
pub(crate) type FastHash = rustc_hash::FxBuildHasher;

fn bad_id(what: &str, id: &str) -> String {
    let shown: String = id.chars().take(40).collect();
    let ellipsis = if id.chars().count() > 40 { "…" } else { "" };
    format!(
        "invalid {what} id \"{shown}{ellipsis}\"; expected 1 to {} letters, digits, `_`, `.` or `-`",
        super::MAX_ID_LEN
    )
}
