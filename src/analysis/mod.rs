//! Failure analysis of a model (DESIGN §2): baseline, SPOFs with blast radius, order-2
//! cut sets, exact availability, importance, findings. Pure and deterministic; no egui.

pub mod accepted;
mod availability;
mod baseline;
pub mod bdd;
mod cases;
pub mod chaos;
pub mod cuts;
pub mod diff;
pub mod eval;
mod findings;
pub mod formula;
mod full_service;
pub mod graph;
pub mod plan;
pub mod sample;
pub mod scenario;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

pub use accepted::{AcceptedRisk, Status};
pub use availability::{NODE_BUDGET, Request, Structure};
pub use baseline::Baseline;
pub use findings::{Finding, Rule, Severity, findings};
pub use graph::{BasicEvent, Failure, FailureGraph};
pub use plan::{Progress, Stop};

use crate::model::{Event, EventParseError, Model};

/// Minutes in a 365-day year.
pub const MINUTES_PER_YEAR: f64 = 525_600.0;

/// Scenarios sampled per entry when the exact method is over budget (× 64).
const ESTIMATE_PASSES: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DomainKind {
    Component,
    Zone,
    Region,
}

impl DomainKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DomainKind::Component => "component",
            DomainKind::Zone => "zone",
            DomainKind::Region => "region",
        }
    }
}

/// A component, zone or region whose single failure puts a live entry down.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spof {
    pub kind: DomainKind,
    pub id: String,
    pub takes_down: Vec<String>,
    /// Components down because of it, the failed one first, then in propagation order.
    pub blast_radius: Vec<String>,
}

impl Spof {
    /// The what-if event that reproduces it.
    pub fn event(&self) -> Event {
        let id = self.id.clone();
        match self.kind {
            DomainKind::Component => Event::Component(id),
            DomainKind::Zone => Event::Zone(id),
            DomainKind::Region => Event::Region(id),
        }
    }
}

/// Two basic events that together, and neither alone, put entries down.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CutSet {
    pub events: [String; 2],
    pub takes_down: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryAvailability {
    pub id: String,
    pub name: String,
    pub availability: f64,
    pub downtime_minutes_per_year: f64,
    /// Probability that everything the entry reaches (hard and soft) is up.
    pub full_service_availability: f64,
    /// Time a year it serves, but degraded: availability minus full service.
    pub degraded_minutes_per_year: f64,
    /// False when the exact method was over budget and this is a Monte Carlo estimate.
    pub exact: bool,
    /// Half-width of the 95 % confidence interval of an estimate; 0 when exact.
    pub error_bound: f64,
    /// The same for the full-service estimate.
    pub full_service_error_bound: f64,
}

/// Probability that an entry is down, and that some part of its service is, with the
/// half-widths of their 95 % intervals when they are estimates.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Unavailability {
    down: f64,
    not_full: f64,
    exact: bool,
    down_bound: f64,
    not_full_bound: f64,
}

impl Unavailability {
    fn exact(down: f64, not_full: f64) -> Self {
        Self {
            down,
            not_full,
            exact: true,
            down_bound: 0.0,
            not_full_bound: 0.0,
        }
    }
}

impl EntryAvailability {
    fn new(id: &str, name: &str, u: Unavailability) -> Self {
        let q = u.down.clamp(0.0, 1.0);
        // Full service needs the entry up, so it can never be more available; clamping
        // keeps rounding from showing a negative degraded time.
        let full = (1.0 - u.not_full.clamp(0.0, 1.0)).min(1.0 - q);
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            availability: 1.0 - q,
            downtime_minutes_per_year: q * MINUTES_PER_YEAR,
            full_service_availability: full,
            degraded_minutes_per_year: ((1.0 - q) - full) * MINUTES_PER_YEAR,
            exact: u.exact,
            error_bound: u.down_bound,
            full_service_error_bound: u.not_full_bound,
        }
    }
}

/// How much each entry's availability depends on one basic event (Birnbaum importance:
/// P(up | event has not happened) − P(up | event happened)).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Importance {
    pub event: String,
    pub component: Option<String>,
    /// The largest importance over all entries.
    pub birnbaum: f64,
    pub by_entry: BTreeMap<String, f64>,
}

/// What one component means to each entry: how far its availability drops while the whole
/// component is down, and how much it would gain if the component's replicas never failed
/// (its zones and regions still can). The drop is the same for every component an entry
/// cannot live without; the gain tells them apart by how often each one fails, so it is
/// what ranks them: the downtime each component causes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentImportance {
    pub component: String,
    pub max_drop: f64,
    pub drop_by_entry: BTreeMap<String, f64>,
    /// The largest gain over the entries.
    pub max_gain: f64,
    pub gain_by_entry: BTreeMap<String, f64>,
    /// Of that, what the entry with the largest gain would gain if only the component's
    /// bad deploys (`common:c`, DESIGN §2b) never happened; 0 when it has none.
    pub common_cause_gain: f64,
    /// The same for its failover window (`failover:c`).
    pub failover_gain: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub components: usize,
    pub dependencies: usize,
    pub basic_events: usize,
    pub bdd_nodes: usize,
    pub order2_candidates: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub model: String,
    pub entries: Vec<EntryAvailability>,
    pub spofs: Vec<Spof>,
    pub order2: Vec<CutSet>,
    pub order2_total: usize,
    pub findings: Vec<Finding>,
    pub importance: Vec<Importance>,
    pub component_importance: Vec<ComponentImportance>,
    /// Components down with nothing failed (left out of everything else).
    pub always_down: Vec<String>,
    /// The model's accepted risks as they stand on the day of the analysis.
    pub accepted: Vec<AcceptedRisk>,
    pub stats: Stats,
}

impl Report {
    pub fn entry(&self, id: &str) -> Option<&EntryAvailability> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The SPOFs that are single components.
    pub fn component_spofs(&self) -> impl Iterator<Item = &Spof> {
        self.spofs
            .iter()
            .filter(|s| s.kind == DomainKind::Component)
    }

    /// The SPOF that is the component `id`, if it is one.
    pub fn component_spof(&self, id: &str) -> Option<&Spof> {
        self.component_spofs().find(|s| s.id == id)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Keep at most this many order-2 sets in the report (the total is always given).
    pub max_order2: Option<usize>,
    pub node_budget: usize,
    /// Compute per-component importance while its work (a diagram pass per entry and the
    /// re-evaluation each component's events need, summed over cofactors) stays below this.
    pub component_importance_work: usize,
    /// Look for order-2 cut sets at all (when false, `order2` is empty and
    /// `order2_total` is 0): for callers that only need SPOFs and availability.
    pub order2: bool,
    /// Compute Birnbaum importance of each basic event.
    pub importance: bool,
    /// Name what each SPOF takes down and its blast radius (when false both lists are
    /// empty: for callers that only compare which SPOFs there are).
    pub spof_lists: bool,
    /// The day accepted risks are judged on (`check --today`); none: the clock's.
    pub today: Option<crate::model::Date>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_order2: None,
            node_budget: NODE_BUDGET,
            component_importance_work: 100_000_000,
            order2: true,
            importance: true,
            spof_lists: true,
            today: None,
        }
    }
}

impl Options {
    /// What measuring a recommendation needs: entries, SPOFs and findings, not order-2
    /// sets or importance.
    pub fn fast() -> Self {
        Self {
            max_order2: Some(0),
            component_importance_work: 0,
            order2: false,
            importance: false,
            ..Self::default()
        }
    }

    /// What comparing a recommendation's model with the model before needs: [`Options::fast`]
    /// without the names of what each SPOF takes down (on a fault tree of a few hundred
    /// events, naming every SPOF's blast radius took more time than the rest of the
    /// comparison).
    pub fn measuring() -> Self {
        Self {
            spof_lists: false,
            ..Self::fast()
        }
    }

    /// Whether any importance measure is asked for (events certain either way may then
    /// not become constants).
    pub fn wants_importance(&self) -> bool {
        self.importance || self.component_importance_work > 0
    }
}

/// An analysis stopped by its caller before it finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the analysis was cancelled")]
pub struct Cancelled;

/// Analyse a valid model (loaded from a file or checked with [`Model::validate`]).
pub fn analyze(model: &Model, options: &Options) -> Report {
    uncancellable(model, options, None).0
}

/// [`analyze`], giving up once another thread sets `cancel`: between phases (compile,
/// single failures, order-2, availability), between diagram attempts, sampling rounds,
/// and the entries and components of the importance measures.
pub fn analyze_cancellable(
    model: &Model,
    options: &Options,
    cancel: &AtomicBool,
) -> Result<Report, Cancelled> {
    analyze_until(model, options, Stop::on(cancel))
}

/// [`analyze_cancellable`] with the flag, and where to report progress, in `stop`.
pub fn analyze_until(model: &Model, options: &Options, stop: Stop) -> Result<Report, Cancelled> {
    analyze_inner(model, options, stop, None).map(|(report, _)| report)
}

/// [`analyze`], also handing over the [`Baseline`] that measuring edits of `model`
/// against it needs, when the analysis computed its parts on the way (importance asked
/// for and the exact method within budget): recommendations then need not analyse
/// `model` a second time.
pub fn analyze_with_baseline(model: &Model, options: &Options) -> (Report, Option<Baseline>) {
    uncancellable(model, options, None)
}

/// [`analyze`] of `model`, an edit of `before` (analysed as `baseline`): when the edit
/// changes only what one simple component does on its own, availability moves along its
/// Birnbaum slope instead of being compiled again ([`Baseline`]); otherwise, or with
/// importance asked for, the whole analysis. The same report either way, to rounding.
pub fn analyze_against(
    model: &Model,
    options: &Options,
    before: &Model,
    baseline: &Baseline,
) -> Report {
    uncancellable(model, options, Some((before, baseline))).0
}

/// [`analyze_inner`] with a flag no one else holds, so it always finishes.
fn uncancellable(
    model: &Model,
    options: &Options,
    against: Option<(&Model, &Baseline)>,
) -> (Report, Option<Baseline>) {
    match analyze_inner(model, options, Stop::NEVER, against) {
        Ok(analysed) => analysed,
        Err(Cancelled) => unreachable!("no one else can set this flag"),
    }
}

fn analyze_inner(
    model: &Model,
    options: &Options,
    stop: Stop,
    against: Option<(&Model, &Baseline)>,
) -> Result<(Report, Option<Baseline>), Cancelled> {
    let go_on = || {
        if stop.now() { Err(Cancelled) } else { Ok(()) }
    };
    let clock = std::time::Instant::now();
    let g = FailureGraph::compile(model);
    log::debug!("compiled in {:?}", clock.elapsed());
    go_on()?;
    let singles = cuts::singles(&g);
    log::debug!("single failures after {:?}", clock.elapsed());
    go_on()?;
    let spofs = spofs(&g, &singles, options.spof_lists);
    let live: Vec<bool> = singles.baseline_down.iter().map(|d| !d).collect();
    // Order-2 sets and the numbers do not depend on each other: both cores at once.
    let ((pairs, candidates), quantified) = rayon::join(
        || {
            let pairs = if options.order2 {
                cuts::pairs(&g, &singles)
            } else {
                (Vec::new(), 0)
            };
            log::debug!("order-2 after {:?}", clock.elapsed());
            pairs
        },
        || {
            against
                .filter(|_| !options.wants_importance())
                .and_then(|(before, b)| b.quantify(before, model, &g, &singles.baseline_down))
                .or_else(|| quantify(model, &g, &singles.baseline_down, &live, options, stop))
        },
    );
    let quantified = quantified.ok_or(Cancelled)?;
    go_on()?;
    let ids =
        |list: &[u32]| -> Vec<String> { list.iter().map(|&c| g.ids[c as usize].clone()).collect() };
    let mut order2: Vec<CutSet> = pairs
        .iter()
        .map(|p| CutSet {
            events: [g.event_name(p.events.0), g.event_name(p.events.1)],
            takes_down: ids(&sorted_by_rank(&g, p.entries.clone())),
        })
        .collect();
    let order2_total = order2.len();
    let findings = findings(model, &singles.baseline_down);
    let accepted = accepted::review(
        &model.accepted,
        &spofs,
        options.order2.then_some(order2.as_slice()),
        &findings,
        options.today.unwrap_or_else(crate::model::Date::today),
    );
    if let Some(max) = options.max_order2 {
        order2.truncate(max);
    }
    let report = Report {
        model: model.name.clone(),
        entries: quantified.entries,
        spofs,
        order2,
        order2_total,
        findings,
        importance: quantified.importance,
        component_importance: quantified.component_importance,
        always_down: (0..g.len())
            .filter(|&c| singles.baseline_down[c])
            .map(|c| g.ids[c].clone())
            .collect(),
        accepted,
        stats: Stats {
            components: g.len(),
            dependencies: model.dependencies.len(),
            basic_events: g.events.len(),
            bdd_nodes: quantified.bdd_nodes,
            order2_candidates: candidates,
        },
    };
    let baseline = quantified.slopes.map(|s| {
        Baseline::from_parts(
            g,
            singles.baseline_down,
            s.down,
            &s.live,
            s.measured,
            s.compiled,
            s.closures,
        )
    });
    Ok((report, baseline))
}

fn sorted_by_rank(g: &FailureGraph, mut list: Vec<u32>) -> Vec<u32> {
    list.sort_unstable_by_key(|&c| g.rank[c as usize]);
    list.dedup();
    list
}

/// Group single failures into component, zone and region SPOFs, sorted as DESIGN §3 says;
/// with `lists`, each names what it takes down and its blast radius (otherwise both are
/// empty, and SPOFs of equal rank come in id order).
fn spofs(g: &FailureGraph, singles: &cuts::Singles, lists: bool) -> Vec<Spof> {
    let mut out = Vec::new();
    let mut push = |kind, id: &str, events: &mut dyn Iterator<Item = u32>| {
        let mut entries = Vec::new();
        let mut blast = Vec::new();
        for e in events {
            let s = &singles.by_event[e as usize];
            entries.extend_from_slice(&s.entries);
            blast.extend_from_slice(&s.blast);
        }
        if entries.is_empty() {
            return;
        }
        let names = |l: Vec<u32>| -> Vec<String> {
            if !lists {
                return Vec::new();
            }
            sorted_by_rank(g, l)
                .into_iter()
                .map(|c| g.ids[c as usize].clone())
                .collect()
        };
        out.push(Spof {
            kind,
            id: id.to_owned(),
            takes_down: names(entries),
            blast_radius: names(blast),
        });
    };
    let regions = g.region_ids.len() as u32;
    for (r, id) in g.region_ids.iter().enumerate() {
        push(DomainKind::Region, id, &mut std::iter::once(r as u32));
    }
    for (z, id) in g.zone_ids.iter().enumerate() {
        push(
            DomainKind::Zone,
            id,
            &mut std::iter::once(regions + z as u32),
        );
    }
    for (c, id) in g.ids.iter().enumerate() {
        push(DomainKind::Component, id, &mut g.replicas(c as u32));
    }
    out.sort_by(|a, b| {
        b.takes_down
            .len()
            .cmp(&a.takes_down.len())
            .then(b.blast_radius.len().cmp(&a.blast_radius.len()))
            .then_with(|| a.id.cmp(&b.id))
            .then(a.kind.cmp(&b.kind))
    });
    out
}

struct Quantified {
    entries: Vec<EntryAvailability>,
    importance: Vec<Importance>,
    component_importance: Vec<ComponentImportance>,
    bdd_nodes: usize,
    /// What a [`Baseline`] is made of, when the event importance of every live entry
    /// was computed exactly.
    slopes: Option<Slopes>,
}

/// Each entry's P(down) (in graph order) and, for the live ones (indices into the
/// entries), the Birnbaum importance of every event and the per-cofactor slopes of the
/// components whose own part is one variable.
struct Slopes {
    down: Vec<f64>,
    live: Vec<usize>,
    measured: availability::Importance,
    /// The structure and its evaluation these come from.
    compiled: (Structure, availability::Evaluation),
    /// Each entry's closure ([`full_service::closures`]).
    closures: Vec<Vec<u32>>,
}

fn entry_list(g: &FailureGraph) -> Vec<u32> {
    (0..g.len() as u32)
        .filter(|&c| g.is_entry[c as usize])
        .collect()
}

/// Availability and importance; `None` once `stop` is set.
fn quantify(
    model: &Model,
    g: &FailureGraph,
    baseline_down: &[bool],
    live: &[bool],
    options: &Options,
    stop: Stop,
) -> Option<Quantified> {
    let cancelled = || stop.now();
    let entries = entry_list(g);
    let forced_down = vec![false; g.len()];
    let wants_importance = options.wants_importance();
    // Events certain either way can be constants when no one asks how much they matter.
    let certain = (!wants_importance).then_some(g.availability.as_slice());
    let built = ExactEntries::build(
        g,
        &forced_down,
        baseline_down,
        &g.availability,
        certain,
        options.node_budget,
        stop,
    );
    // Stopped diagrams fail and stopped sampling is cut short: nothing here is the answer.
    if cancelled() {
        return None;
    }
    let Ok(exact) = built else {
        let entries = estimate_entries(model, g, &entries, baseline_down, stop);
        return (!cancelled()).then_some(Quantified {
            entries,
            importance: Vec::new(),
            component_importance: Vec::new(),
            bdd_nodes: 0,
            slopes: None,
        });
    };
    let entry_reports = exact.reports(model, g);
    if exact.structure.sampled() {
        // Estimates: no importance, and no candidate measured against them.
        return Some(Quantified {
            entries: entry_reports,
            importance: Vec::new(),
            component_importance: Vec::new(),
            bdd_nodes: exact.structure.nodes(),
            slopes: None,
        });
    }
    let ExactEntries {
        structure: s,
        evaluation: ev,
        closures,
        ..
    } = exact;
    log::debug!(
        "{} diagram nodes over {} cofactors",
        s.nodes(),
        s.cofactors()
    );

    let live_entries: Vec<usize> = (0..entries.len())
        .filter(|&i| live[entries[i] as usize])
        .collect();
    let with_replicas: Vec<u32> = (0..g.len() as u32)
        .filter(|&c| !g.replicas(c).is_empty())
        .collect();
    let component_measures = wants_importance
        && s.importance_cost(live_entries.len(), &with_replicas)
            <= options.component_importance_work;
    let wanted: &[usize] = if options.importance || component_measures {
        &live_entries
    } else {
        &[]
    };
    let sets: &[u32] = if component_measures {
        &with_replicas
    } else {
        &[]
    };
    let clock = std::time::Instant::now();
    let measured = s.importance(&ev, &g.availability, wanted, sets, &cancelled)?;
    log::debug!("importance in {:?} ({} sets)", clock.elapsed(), sets.len());

    let mut by_event: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); g.events.len()];
    for (&i, per_event) in wanted.iter().zip(&measured.by_entry) {
        let id = &g.ids[entries[i] as usize];
        for (map, &v) in by_event.iter_mut().zip(per_event) {
            if v > 0.0 {
                map.insert(id.clone(), v);
            }
        }
    }
    // What an entry gains if one event never happens: P(up) is linear in the event's
    // probability q, so the gain is q times its Birnbaum importance.
    let gain_without = |ev: u32, entry: &str| {
        by_event[ev as usize]
            .get(entry)
            .map_or(0.0, |b| (1.0 - g.availability[ev as usize]) * b)
    };
    let mut component_importance = Vec::new();
    if component_measures {
        let per_entry = |values: &[f64], delta: &dyn Fn(f64, f64) -> f64| {
            wanted
                .iter()
                .zip(values)
                .filter_map(|(&i, &after)| {
                    let d = delta(s.down(&ev, i), after);
                    (d > 0.0).then(|| (g.ids[entries[i] as usize].clone(), d))
                })
                .collect::<BTreeMap<String, f64>>()
        };
        for (&c, effect) in with_replicas.iter().zip(&measured.components) {
            let drop_by_entry = per_entry(&effect.down, &|before, after| after - before);
            if drop_by_entry.is_empty() {
                continue;
            }
            let gain_by_entry = per_entry(&effect.perfect, &|before, after| before - after);
            component_importance.push(component_entry(
                g,
                c,
                drop_by_entry,
                gain_by_entry,
                &gain_without,
            ));
        }
        // Probabilities compared to 1e-12, so components that matter equally (the same
        // part in symmetric places) rank by id, not by the last bit of their rounding.
        let level = |x: f64| (x * 1e12).round();
        component_importance.sort_by(|a, b| {
            level(b.max_gain)
                .total_cmp(&level(a.max_gain))
                .then(level(b.max_drop).total_cmp(&level(a.max_drop)))
                .then_with(|| a.component.cmp(&b.component))
        });
    }
    let importance = if options.importance {
        event_importance(g, by_event)
    } else {
        Vec::new()
    };
    let bdd_nodes = s.nodes();
    // Computed for every live entry: exactly what `Baseline::new` would compute again.
    let slopes = (options.importance || component_measures).then(|| Slopes {
        down: (0..entries.len()).map(|i| s.down(&ev, i)).collect(),
        live: live_entries.clone(),
        measured: availability::Importance {
            components: Vec::new(),
            ..measured
        },
        compiled: (s, ev),
        closures,
    });
    Some(Quantified {
        entries: entry_reports,
        importance,
        component_importance,
        bdd_nodes,
        slopes,
    })
}

/// Birnbaum importance of each basic event that matters to some entry, largest first.
fn event_importance(g: &FailureGraph, by_event: Vec<BTreeMap<String, f64>>) -> Vec<Importance> {
    let mut importance: Vec<Importance> = by_event
        .into_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(ev, by_entry)| Importance {
            event: g.event_name(ev as u32),
            component: g.owner(ev as u32).map(|c| g.ids[c as usize].clone()),
            birnbaum: by_entry.values().copied().fold(0.0, f64::max),
            by_entry,
        })
        .collect();
    importance.sort_by(|a, b| b.birnbaum.total_cmp(&a.birnbaum));
    importance
}

/// What component `c` means to the live entries ([`ComponentImportance`]).
fn component_entry(
    g: &FailureGraph,
    c: u32,
    drop_by_entry: BTreeMap<String, f64>,
    gain_by_entry: BTreeMap<String, f64>,
    gain_without: &dyn Fn(u32, &str) -> f64,
) -> ComponentImportance {
    let largest = |m: &BTreeMap<String, f64>| m.values().copied().fold(0.0, f64::max);
    let max_gain = largest(&gain_by_entry);
    // The entry that gains most, first in id order among equals.
    let top = gain_by_entry
        .iter()
        .find(|&(_, &v)| v == max_gain)
        .map(|(id, _)| id.clone());
    let outage_gain = |kind: fn(&BasicEvent) -> bool| {
        g.outages(c)
            .filter(|&ev| kind(&g.events[ev as usize]))
            .map(|ev| top.as_deref().map_or(0.0, |entry| gain_without(ev, entry)))
            .sum::<f64>()
    };
    ComponentImportance {
        component: g.ids[c as usize].clone(),
        max_drop: largest(&drop_by_entry),
        drop_by_entry,
        max_gain,
        gain_by_entry,
        common_cause_gain: outage_gain(|e| matches!(e, BasicEvent::Common(_))),
        failover_gain: outage_gain(|e| matches!(e, BasicEvent::Failover(_))),
    }
}

/// Every entry's compiled structure, evaluated, and each entry's probability of not
/// getting full service.
struct ExactEntries {
    structure: Structure,
    evaluation: availability::Evaluation,
    /// Per entry (in [`Structure::entries`] order), P(something in its closure is down).
    not_full: Vec<f64>,
    /// Per entry, the variance of `not_full` from sampled contexts (0 when exact, as
    /// when summed over domain states).
    not_full_variance: Vec<f64>,
    /// Per entry, its closure ([`full_service::closures`]).
    closures: Vec<Vec<u32>>,
}

impl ExactEntries {
    /// Full service is summed over failure-domain states ([`full_service`]) where the
    /// closures touch few domains; otherwise it is compiled beside the entries' formulas.
    /// `certain`: availabilities whose 0s and 1s may become constants (no importance of
    /// those events is wanted).
    fn build(
        g: &FailureGraph,
        forced_down: &[bool],
        baseline_down: &[bool],
        availability: &[f64],
        certain: Option<&[f64]>,
        budget: usize,
        stop: Stop,
    ) -> Result<Self, bdd::BudgetExceeded> {
        let entries = entry_list(g);
        let clock = std::time::Instant::now();
        let closures = full_service::closures(g, baseline_down, &entries);
        let summed = full_service::unavailability(g, availability, forced_down, &closures);
        log::debug!(
            "full service summed over domain states in {:?}: {}",
            clock.elapsed(),
            if summed.is_some() {
                "done"
            } else {
                "too many domains"
            }
        );
        let request = Request {
            forced_down,
            full_service: summed.is_none().then_some(baseline_down),
            certain,
            stop,
        };
        let structure = Structure::build(g, &request, budget)?;
        let evaluation = structure.evaluate_until(availability, stop);
        let (not_full, not_full_variance) = match summed {
            Some(summed) => {
                let exact = vec![0.0; summed.len()];
                (summed, exact)
            }
            // Compiled beside the entries' formulas, or the entry's own when not built.
            None => (0..entries.len())
                .map(|i| {
                    let (down_variance, variance) = structure.variance(&evaluation, i);
                    match structure.not_full(&evaluation, i) {
                        Some(not_full) => (not_full, variance.unwrap_or(0.0)),
                        None => (structure.down(&evaluation, i), down_variance),
                    }
                })
                .unzip(),
        };
        Ok(Self {
            structure,
            evaluation,
            not_full,
            not_full_variance,
            closures,
        })
    }

    /// Each entry's availability and full service: exact, or estimates with their 95 %
    /// intervals where they depend on a sampled context.
    fn reports(&self, model: &Model, g: &FailureGraph) -> Vec<EntryAvailability> {
        let s = &self.structure;
        s.entries()
            .iter()
            .zip(self.not_full.iter().zip(&self.not_full_variance))
            .enumerate()
            .map(|(i, (&e, (&not_full, &not_full_variance)))| {
                let down = s.down(&self.evaluation, i);
                let (down_variance, _) = s.variance(&self.evaluation, i);
                let u = if down_variance > 0.0 || not_full_variance > 0.0 {
                    Unavailability {
                        down,
                        not_full,
                        exact: false,
                        down_bound: sample::Z95 * down_variance.sqrt(),
                        not_full_bound: sample::Z95 * not_full_variance.sqrt(),
                    }
                } else {
                    Unavailability::exact(down, not_full)
                };
                EntryAvailability::new(
                    &g.ids[e as usize],
                    model.components[e as usize].display_name(),
                    u,
                )
            })
            .collect()
    }
}

/// Monte Carlo fallback when the exact diagram is over budget: labelled, with its bound.
fn estimate_entries(
    model: &Model,
    g: &FailureGraph,
    entries: &[u32],
    baseline_down: &[bool],
    stop: Stop,
) -> Vec<EntryAvailability> {
    let counts = sample::estimate(g, entries, baseline_down, ESTIMATE_PASSES, 0x5eed, stop);
    entries
        .iter()
        .zip(counts.down.iter().zip(&counts.not_full))
        .map(|(&e, (&k_down, &k_not_full))| {
            let name = model.components[e as usize].display_name();
            if baseline_down[e as usize] {
                return EntryAvailability::new(
                    &g.ids[e as usize],
                    name,
                    Unavailability::exact(1.0, 1.0),
                );
            }
            let (down, down_bound) = sample::wilson(k_down, counts.trials);
            let (not_full, not_full_bound) = sample::wilson(k_not_full, counts.trials);
            EntryAvailability::new(
                &g.ids[e as usize],
                name,
                Unavailability {
                    down,
                    not_full,
                    exact: false,
                    down_bound,
                    not_full_bound,
                },
            )
        })
        .collect()
}

/// The outcome of knocking out a set of events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIf {
    pub failed: Vec<Event>,
    pub down: Vec<String>,
    pub degraded: Vec<String>,
    pub entries_down: Vec<String>,
    /// Each entry's availability with the knockout in place.
    pub entries: Vec<EntryAvailability>,
}

/// Fail `events` together and report what goes down and what only degrades.
pub fn whatif(model: &Model, events: &[Event]) -> Result<WhatIf, EventParseError> {
    whatif_until(model, events, Stop::NEVER)
}

/// [`whatif`], cut short once `stop` is set: the outcome is then meaningless, for a
/// caller that checks the flag to drop (see [`Stop`]).
pub fn whatif_until(
    model: &Model,
    events: &[Event],
    stop: Stop,
) -> Result<WhatIf, EventParseError> {
    let g = FailureGraph::compile(model);
    let mut words = vec![0u64; g.events.len()];
    let mut forced = vec![0u64; g.len()];
    for event in events {
        event.check(model)?;
        match g.resolve(event) {
            Some(Failure::Basic(e)) => words[e as usize] = 1,
            Some(Failure::Component(c)) => forced[c as usize] = 1,
            None => return Err(EventParseError(format!("unknown event `{event}`"))),
        }
    }
    let mut ev = eval::Evaluator::new(&g);
    ev.run(&words, Some(&forced));
    let pick = |keep: &dyn Fn(u32) -> bool| -> Vec<String> {
        g.order
            .iter()
            .filter(|&&c| keep(c))
            .map(|&c| g.ids[c as usize].clone())
            .collect()
    };
    let down = pick(&|c| ev.down[c as usize] & 1 != 0);
    let degraded = pick(&|c| ev.degraded(c) & 1 != 0);
    let entries_down = pick(&|c| g.is_entry[c as usize] && ev.down[c as usize] & 1 != 0);

    let forced_down: Vec<bool> = forced.iter().map(|&w| w != 0).collect();
    let mut availability = g.availability.clone();
    for (a, &w) in availability.iter_mut().zip(&words) {
        if w != 0 {
            *a = 0.0;
        }
    }
    let baseline_down = cuts::baseline_down(&g);
    let entry_reports = ExactEntries::build(
        &g,
        &forced_down,
        &baseline_down,
        &availability,
        Some(&availability),
        NODE_BUDGET,
        stop,
    )
    .map_or_else(|_| Vec::new(), |exact| exact.reports(model, &g));
    let mut failed: Vec<Event> = Vec::with_capacity(events.len());
    for event in events {
        if !failed.contains(event) {
            failed.push(event.clone());
        }
    }
    Ok(WhatIf {
        failed,
        down,
        degraded,
        entries_down,
        entries: entry_reports,
    })
}

#[cfg(test)]
mod cancel_tests {
    use super::*;

    fn sample() -> Model {
        let text = include_str!("../../samples/webshop.spof.ron");
        crate::model::from_str(text, "webshop.spof.ron").unwrap_or_default()
    }

    #[test]
    fn a_set_flag_stops_the_analysis() {
        let cancel = AtomicBool::new(true);
        assert_eq!(
            analyze_cancellable(&sample(), &Options::default(), &cancel),
            Err(Cancelled)
        );
    }

    #[test]
    fn the_importance_measures_stop_once_the_flag_is_set() {
        let model = sample();
        let g = FailureGraph::compile(&model);
        let singles = cuts::singles(&g);
        let live: Vec<bool> = singles.baseline_down.iter().map(|d| !d).collect();
        let run = |flag: bool| {
            let cancel = AtomicBool::new(flag);
            quantify(
                &model,
                &g,
                &singles.baseline_down,
                &live,
                &Options::default(),
                Stop::on(&cancel),
            )
            .map(|q| q.component_importance.len())
        };
        assert_eq!(run(true), None);
        assert!(run(false).is_some_and(|n| n > 0));
    }

    #[test]
    fn an_unset_flag_gives_the_full_report() {
        let model = sample();
        let cancel = AtomicBool::new(false);
        assert_eq!(
            analyze_cancellable(&model, &Options::default(), &cancel),
            Ok(analyze(&model, &Options::default()))
        );
    }
}

#[cfg(test)]
mod measuring_tests {
    use super::*;

    /// Measuring analyses find the same SPOFs, entries and findings as fast ones; only
    /// the names of what each SPOF takes down are left out.
    #[test]
    fn measuring_finds_the_same_spofs_without_their_lists() {
        for (name, text) in [
            ("webshop", include_str!("../../samples/webshop.spof.ron")),
            (
                "microservices",
                include_str!("../../samples/microservices.spof.ron"),
            ),
            (
                "two-region",
                include_str!("../../samples/two-region.spof.ron"),
            ),
        ] {
            let model = crate::model::from_str(text, name).unwrap_or_default();
            let fast = analyze(&model, &Options::fast());
            let measuring = analyze(&model, &Options::measuring());
            assert!(!fast.spofs.is_empty(), "{name}");
            let events = |r: &Report| {
                let mut list: Vec<Event> = r.spofs.iter().map(Spof::event).collect();
                list.sort_by_key(|e| format!("{e:?}"));
                list
            };
            assert_eq!(events(&measuring), events(&fast), "{name}");
            assert!(
                measuring
                    .spofs
                    .iter()
                    .all(|s| s.takes_down.is_empty() && s.blast_radius.is_empty()),
                "{name}"
            );
            assert!(
                fast.spofs.iter().all(|s| !s.takes_down.is_empty()),
                "{name}"
            );
            assert_eq!(measuring.entries, fast.entries, "{name}");
            assert_eq!(measuring.findings, fast.findings, "{name}");
        }
    }
}

#[cfg(test)]
mod estimate_tests {
    use super::*;

    /// Over the node budget, the contexts no diagram fits are sampled: an entry that
    /// reads one is labelled an estimate, within its interval of the exact value; the
    /// others stay exact; no importance is computed from estimates.
    #[test]
    fn over_budget_entries_are_estimates_around_the_exact_values() {
        let mut sampled = 0;
        for text in [
            include_str!("../../samples/webshop.spof.ron"),
            include_str!("../../samples/two-region.spof.ron"),
        ] {
            let model = crate::model::from_str(text, "sample.spof.ron").unwrap_or_default();
            let exact = analyze(&model, &Options::default());
            let starved = Options {
                node_budget: 1,
                ..Options::default()
            };
            let estimated = analyze(&model, &starved);
            assert_eq!(exact.entries.len(), estimated.entries.len());
            let estimates = estimated.entries.iter().filter(|e| !e.exact).count();
            assert_eq!(estimated.importance.is_empty(), estimates > 0);
            sampled += estimates;
            for (x, e) in exact.entries.iter().zip(&estimated.entries) {
                assert!(x.exact, "{}", x.id);
                if e.exact {
                    // Its functions read no sampled context.
                    assert_eq!(x.availability, e.availability, "{}", e.id);
                    continue;
                }
                assert!(e.error_bound > 0.0, "{}", e.id);
                // 95 % half-widths: 2.5 of them is about five standard deviations.
                let off = (x.availability - e.availability).abs();
                assert!(
                    off <= 2.5 * e.error_bound,
                    "{}: {off} vs {}",
                    e.id,
                    e.error_bound
                );
            }
        }
        assert!(sampled > 0);
    }

    /// The scenarios sampled are reported while the analysis runs; an exact analysis
    /// reports none.
    #[test]
    fn sampling_reports_its_progress() {
        let text = include_str!("../../samples/two-region.spof.ron");
        let model = crate::model::from_str(text, "two-region.spof.ron").unwrap_or_default();
        let starved = Options {
            node_budget: 1,
            ..Options::default()
        };
        for (options, sampling) in [(Options::default(), false), (starved, true)] {
            let progress = Progress::default();
            let report = analyze_until(&model, &options, Stop::NEVER.reporting(&progress));
            let estimates = report.map_or(0, |r| r.entries.iter().filter(|e| !e.exact).count());
            assert_eq!(estimates > 0, sampling);
            assert_eq!(progress.scenarios() > 0, sampling);
        }
    }
}
