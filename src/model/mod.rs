//! The architecture model: components, dependencies, failure domains and scenarios,
//! exactly as stored in `.spof.ron` files. Pure data and its rules; never imports egui.

mod accepted;
pub mod diff;
mod event;
mod fast;
mod load;
mod locate;
mod print;
mod save;
mod time;

pub use accepted::{Accepted, Date, DateParseError, Risk, RiskParseError};
pub use event::{Event, EventParseError};
pub(crate) use load::FastHash;
pub use load::{
    LoadError, MAX_BASIC_EVENTS, MAX_COMPONENTS, MAX_DEPENDENCIES, MAX_FILE_BYTES, MAX_REPLICAS,
    from_str, load, read_text,
};
pub use locate::event_position;
pub(crate) use print::{component_print, dependency_print, rest_print};
pub use save::{SaveError, save, to_string, write_atomically};
pub use time::Rates;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The file format this build reads and writes.
pub const FORMAT: u32 = 1;

pub const DEFAULT_REPLICA_AVAILABILITY: f64 = 0.999;
pub const DEFAULT_ZONE_AVAILABILITY: f64 = 0.9995;
pub const DEFAULT_REGION_AVAILABILITY: f64 = 0.9999;
pub const DEFAULT_MTBF_HOURS: f64 = 720.0;
pub const DEFAULT_COMMON_CAUSE: f64 = 0.05;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub format: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    /// Risks the team knowingly lives with (DESIGN §1 `accepted`).
    #[serde(default)]
    pub accepted: Vec<Accepted>,
}

impl Default for Model {
    fn default() -> Self {
        Self {
            format: FORMAT,
            name: "Untitled".to_owned(),
            description: String::new(),
            defaults: Defaults::default(),
            regions: Vec::new(),
            components: Vec::new(),
            dependencies: Vec::new(),
            scenarios: Vec::new(),
            accepted: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    pub replica_availability: f64,
    pub zone_availability: f64,
    pub region_availability: f64,
    /// Mean time between failures of one replica, in hours (DESIGN §2b).
    pub mtbf_hours: f64,
    pub detect_minutes: DetectMinutes,
    pub failover_minutes: FailoverMinutes,
    /// β: the share of a replica's failures that hit every replica of its component.
    pub common_cause: f64,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            replica_availability: DEFAULT_REPLICA_AVAILABILITY,
            zone_availability: DEFAULT_ZONE_AVAILABILITY,
            region_availability: DEFAULT_REGION_AVAILABILITY,
            mtbf_hours: DEFAULT_MTBF_HOURS,
            detect_minutes: DetectMinutes::default(),
            failover_minutes: FailoverMinutes::default(),
            common_cause: DEFAULT_COMMON_CAUSE,
        }
    }
}

/// Minutes until a failure is noticed, with and without health checks and alerting.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectMinutes {
    pub monitored: f64,
    pub unmonitored: f64,
}

impl Default for DetectMinutes {
    fn default() -> Self {
        Self {
            monitored: 2.0,
            unmonitored: 240.0,
        }
    }
}

/// Minutes to switch to a standby once a failure is noticed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FailoverMinutes {
    pub automatic: f64,
    pub manual: f64,
}

impl Default for FailoverMinutes {
    fn default() -> Self {
        Self {
            automatic: 1.0,
            manual: 30.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub zones: Vec<Zone>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub availability: Option<f64>,
}

impl Zone {
    /// A zone with no name and the model's default availability.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: String::new(),
            availability: None,
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum ComponentKind {
    Client,
    Dns,
    Cdn,
    LoadBalancer,
    Gateway,
    #[default]
    Service,
    Database,
    Cache,
    Queue,
    Storage,
    External,
    Group,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 12] = [
        Self::Client,
        Self::Dns,
        Self::Cdn,
        Self::LoadBalancer,
        Self::Gateway,
        Self::Service,
        Self::Database,
        Self::Cache,
        Self::Queue,
        Self::Storage,
        Self::External,
        Self::Group,
    ];

    /// The identifier used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Client => "Client",
            Self::Dns => "Dns",
            Self::Cdn => "Cdn",
            Self::LoadBalancer => "LoadBalancer",
            Self::Gateway => "Gateway",
            Self::Service => "Service",
            Self::Database => "Database",
            Self::Cache => "Cache",
            Self::Queue => "Queue",
            Self::Storage => "Storage",
            Self::External => "External",
            Self::Group => "Group",
        }
    }

    /// How people call it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Self::Client => "Client",
            Self::Dns => "DNS",
            Self::Cdn => "CDN",
            Self::LoadBalancer => "Load balancer",
            Self::Gateway => "Gateway",
            Self::Service => "Service",
            Self::Database => "Database",
            Self::Cache => "Cache",
            Self::Queue => "Queue",
            Self::Storage => "Storage",
            Self::External => "External API",
            Self::Group => "Group",
        }
    }

    /// Stores hold data: their replicas only back each other up when replicated.
    pub fn is_stateful(self) -> bool {
        matches!(
            self,
            Self::Database | Self::Cache | Self::Queue | Self::Storage
        )
    }

    /// Clients and groups have no replicas: they cannot fail by themselves.
    pub fn has_replicas(self) -> bool {
        !matches!(self, Self::Client | Self::Group)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Needs {
    #[default]
    All,
    AtLeast(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Replication {
    #[default]
    None,
    Sync,
    Async,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Failover {
    #[default]
    Automatic,
    Manual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DependencyKind {
    #[default]
    Hard,
    Soft,
}

impl DependencyKind {
    /// `hard` or `soft`, as people say it.
    pub fn as_str(self) -> &'static str {
        match self {
            DependencyKind::Hard => "hard",
            DependencyKind::Soft => "soft",
        }
    }
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: ComponentKind,
    #[serde(default)]
    pub entry: bool,
    #[serde(default = "one")]
    pub replicas: u32,
    #[serde(default = "one")]
    pub min_healthy: u32,
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default)]
    pub needs: Needs,
    #[serde(default)]
    pub replication: Replication,
    #[serde(default)]
    pub availability: Option<f64>,
    #[serde(default = "yes")]
    pub monitored: bool,
    #[serde(default)]
    pub failover: Failover,
    /// Overrides `defaults.mtbf_hours`.
    #[serde(default)]
    pub mtbf_hours: Option<f64>,
    /// Overrides `defaults.common_cause`.
    #[serde(default)]
    pub common_cause: Option<f64>,
    #[serde(default)]
    pub pos: (f32, f32),
    #[serde(default)]
    pub notes: String,
    /// Where the component runs, so chaos experiments can target it (none when drawn by hand).
    #[serde(default)]
    pub workload: Option<Workload>,
}

/// The running workload behind a component: a Kubernetes workload (namespace, kind, name
/// and the labels its pods carry) or a Docker Compose service, and the URL a probe can
/// check. Chaos experiments select pods by `labels`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    #[serde(default)]
    pub namespace: String,
    /// `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, or [`Workload::COMPOSE`].
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// An HTTP(S) address that answers while the component is up.
    #[serde(default)]
    pub url: Option<String>,
}

impl Workload {
    /// The kind of a Docker Compose service.
    pub const COMPOSE: &str = "ComposeService";

    /// Whether it runs on Kubernetes (anything but a Compose service).
    pub fn is_kubernetes(&self) -> bool {
        self.kind != Self::COMPOSE
    }

    /// Whether `text` can be a label key or value in a selector: no spaces, `,`, `=` or `!`.
    pub fn is_label_text(text: &str) -> bool {
        !text.contains([',', '=', '!']) && !text.chars().any(char::is_whitespace)
    }

    /// The labels as a Kubernetes label selector: `k=v,k=v`.
    pub fn label_selector(&self) -> String {
        self.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl Component {
    /// A fresh component with every default from the file format.
    pub fn new(id: impl Into<String>, kind: ComponentKind) -> Self {
        let id = id.into();
        Self {
            name: id.clone(),
            id,
            kind,
            entry: false,
            replicas: 1,
            min_healthy: 1,
            zones: Vec::new(),
            needs: Needs::All,
            replication: Replication::None,
            availability: None,
            monitored: true,
            failover: Failover::Automatic,
            mtbf_hours: None,
            common_cause: None,
            pos: (0.0, 0.0),
            notes: String::new(),
            workload: None,
        }
    }

    /// Basic events this component contributes: none for clients and groups.
    pub fn replica_count(&self) -> u32 {
        if self.kind.has_replicas() {
            self.replicas
        } else {
            0
        }
    }

    /// Replicas that must be up (DESIGN §2 rule 2: unreplicated shards need all).
    pub fn effective_min_healthy(&self) -> u32 {
        if self.is_unreplicated_shards() {
            self.replicas
        } else {
            self.min_healthy
        }
    }

    /// Several replicas of a store without replication each hold different data.
    pub fn is_unreplicated_shards(&self) -> bool {
        self.kind.is_stateful() && self.replicas > 1 && self.replication == Replication::None
    }

    /// A replicated store switches writes to a standby when its primary fails: it has a
    /// failover window (DESIGN §2b rule 3).
    pub fn has_failover_window(&self) -> bool {
        self.kind.is_stateful() && self.replicas >= 2 && self.replication != Replication::None
    }

    /// The zone replica `i` runs in, if the component is placed.
    pub fn zone_of_replica(&self, i: u32) -> Option<&str> {
        if self.zones.is_empty() {
            None
        } else {
            Some(self.zones[i as usize % self.zones.len()].as_str())
        }
    }

    /// The name to show: the id when no name was given.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub kind: DependencyKind,
}

impl Dependency {
    pub fn hard(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            kind: DependencyKind::Hard,
        }
    }

    pub fn soft(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            kind: DependencyKind::Soft,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub fail: Vec<Event>,
}

/// Longest id accepted.
pub const MAX_ID_LEN: usize = 128;

/// Whether `id` may name a component, region or zone: `[A-Za-z0-9_.-]{1,128}`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

impl Model {
    /// Whether two models analyse the same: equal but for canvas positions, scenarios and
    /// workloads, which no analysis reads (moving, editing scenarios and pointing a
    /// component at its workload are free).
    pub fn same_analysis_input(&self, b: &Model) -> bool {
        let Model {
            format,
            name,
            description,
            defaults,
            regions,
            components,
            dependencies,
            scenarios: _,
            accepted,
        } = self;
        *format == b.format
            && *accepted == b.accepted
            && *name == b.name
            && *description == b.description
            && *defaults == b.defaults
            && *regions == b.regions
            && *dependencies == b.dependencies
            && components.len() == b.components.len()
            && components.iter().zip(&b.components).all(|(x, y)| {
                x.id == y.id
                    && diff::changed_fields(x, y)
                        .iter()
                        .all(|&field| field == "workload")
            })
    }

    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    pub fn component_mut(&mut self, id: &str) -> Option<&mut Component> {
        self.components.iter_mut().find(|c| c.id == id)
    }

    pub fn zone(&self, id: &str) -> Option<(&Region, &Zone)> {
        self.regions
            .iter()
            .find_map(|r| r.zones.iter().find(|z| z.id == id).map(|z| (r, z)))
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    pub fn zone_ids(&self) -> impl Iterator<Item = &str> {
        self.regions
            .iter()
            .flat_map(|r| r.zones.iter().map(|z| z.id.as_str()))
    }

    /// Availability of one replica of `c`.
    pub fn replica_availability(&self, c: &Component) -> f64 {
        c.availability.unwrap_or(self.defaults.replica_availability)
    }

    pub fn zone_availability(&self, z: &Zone) -> f64 {
        z.availability.unwrap_or(self.defaults.zone_availability)
    }

    /// A component id not yet used, built from `stem`.
    pub fn fresh_id(&self, stem: &str) -> String {
        let stem: String = stem
            .chars()
            .take(MAX_ID_LEN - 8)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let stem = if stem.is_empty() {
            "c".to_owned()
        } else {
            stem
        };
        let taken = |id: &str| {
            self.components.iter().any(|c| c.id == id)
                || self.regions.iter().any(|r| r.id == id)
                || self.zone_ids().any(|z| z == id)
        };
        if !taken(&stem) {
            return stem;
        }
        (2..)
            .map(|n| format!("{stem}-{n}"))
            .find(|id| !taken(id))
            .unwrap_or(stem)
    }

    /// Check every rule of DESIGN §1 that the types alone do not enforce.
    pub fn validate(&self) -> Result<(), Vec<load::Invalid>> {
        let problems = load::check(self);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEBSHOP: &str = include_str!("../../samples/webshop.spof.ron");

    #[test]
    fn moving_a_component_keeps_the_analysis_input() {
        let model = from_str(WEBSHOP, "s").unwrap_or_default();
        let mut moved = model.clone();
        moved.components[0].pos = (1.0, 2.0);
        assert!(model.same_analysis_input(&moved));
        moved.components[0].replicas = 5;
        assert!(!model.same_analysis_input(&moved));
    }

    #[test]
    fn editing_scenarios_keeps_the_analysis_input() {
        let model = from_str(WEBSHOP, "s").unwrap_or_default();
        let mut edited = model.clone();
        edited.scenarios.push(Scenario {
            name: "new".to_owned(),
            fail: vec![Event::Component("db".to_owned())],
        });
        assert!(model.same_analysis_input(&edited));
    }
}
