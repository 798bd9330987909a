//! Recommendations: concrete model edits that remove SPOFs and resolve findings, each
//! measured by re-analysing the edited copy of the model. Pure; no egui, no I/O, no estimates.
//!
//! The API (every function is pure and may run on a background thread):
//!
//! - [`recommend`]`(&Model, &Report) -> Advice`: for every SPOF and finding of `report`
//!   (which must be `analysis::analyze(model, _)`), the candidate fixes of all seven
//!   [`Strategy`]s that hold up under measurement, and progressive rollout where the
//!   model records worse than ordinary deploys (a β above the default, DESIGN §2b) and
//!   they cause most of a component's downtime, ranked best first. Each
//!   [`Recommendation`] carries its [`Edit`]s (apply them with
//!   `Document::apply(&rec.summary, &rec.edits)` as one undo step), the SPOFs it
//!   removes, each entry's availability before and after, downtime saved and [`Cost`].
//!   Work is bounded by [`MEASURE_BUDGET`]: tens of milliseconds on the samples. To
//!   preview one, apply its edits to a copy (`Edit::apply_all(&rec.edits, &mut copy)`);
//!   its new components are its `Edit::AddComponent`s.
//! - [`fix_all`]`(&Model) -> FixOutcome`: apply the best SPOF-removing recommendation
//!   again and again until no SPOF is left or none can be removed; returns the fixed
//!   model, the applied recommendations, all their edits as one transaction, and the
//!   SPOFs no model edit removed, each with the reason.
//! - [`apply`]`(&Model, &[String]) -> Result<Applied, UnknownIds>`: apply recommendations
//!   by id in order, recomputing after each so later ones fit the changed model.
//!
//! Every number comes from `analysis::analyze` on the edited copy. A candidate is kept
//! only if its edits are valid, no entry loses availability (beyond [`ROUNDING`]), it
//! adds no SPOF, and it achieves what it was made for; one that adds replicas or
//! components must also remove a SPOF or save [`MIN_SAVING_MINUTES_PER_YEAR`].

mod candidates;
mod fix;
mod measure;
mod placement;

use std::collections::BTreeMap;

use serde::Serialize;

pub use fix::{Applied, FixOutcome, Skipped, Unfixable, UnknownIds, apply, fix_all};
pub use placement::place_new_cards;

use crate::analysis::{Baseline, DomainKind, Report, Rule};
use crate::edit::Edit;
use crate::model::{Event, Model};

/// Availability differences this small are floating-point rounding, not a change.
pub const ROUNDING: f64 = 1e-12;

/// Less downtime saved than this (a second a year, over all entries) is no reason to run
/// more instances: a recommendation that adds some must save this much or remove a SPOF.
pub const MIN_SAVING_MINUTES_PER_YEAR: f64 = 1.0 / 60.0;

/// How much measuring one call does, in candidate analyses times the squared size of the
/// model (basic events + dependencies + components), which an analysis grows about as
/// fast as: every candidate of a model of a few hundred components, and seconds, not
/// minutes, on one of thousands. Past it, the candidates for the first problems in
/// report order (the SPOFs that take down the most entries) are measured and the rest
/// are listed in [`Advice::unmeasured`].
pub const MEASURE_BUDGET: u64 = 1_000_000_000;

/// Candidates measured whatever the budget.
pub const MIN_MEASURED: usize = 8;

/// The seven ways an SRE removes a single point of failure (DESIGN §3 names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    Redundancy,
    LoadBalancing,
    Replication,
    GeoDistribution,
    Failover,
    Monitoring,
    GracefulDegradation,
}

impl Strategy {
    pub const ALL: [Strategy; 7] = [
        Self::Redundancy,
        Self::LoadBalancing,
        Self::Replication,
        Self::GeoDistribution,
        Self::Failover,
        Self::Monitoring,
        Self::GracefulDegradation,
    ];

    /// The name used in ids, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Redundancy => "redundancy",
            Self::LoadBalancing => "load-balancing",
            Self::Replication => "replication",
            Self::GeoDistribution => "geo-distribution",
            Self::Failover => "failover",
            Self::Monitoring => "monitoring",
            Self::GracefulDegradation => "graceful-degradation",
        }
    }

    /// How people call it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Self::Redundancy => "Redundancy",
            Self::LoadBalancing => "Load balancing",
            Self::Replication => "Replication",
            Self::GeoDistribution => "Geo-distribution",
            Self::Failover => "Failover",
            Self::Monitoring => "Monitoring",
            Self::GracefulDegradation => "Graceful degradation",
        }
    }
}

/// One entry's availability before and after a recommendation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryEffect {
    pub id: String,
    pub before: f64,
    pub after: f64,
    pub downtime_saved_minutes_per_year: f64,
    /// Full-service availability (DESIGN §2) before and after: what moves when a fix
    /// only touches something the entry needs softly.
    pub full_service_before: f64,
    pub full_service_after: f64,
    /// False when either number is a Monte Carlo estimate (the model is over budget).
    pub exact: bool,
}

/// What a recommendation adds to the system, found by comparing the models.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Cost {
    /// Extra replicas of existing components.
    pub added_replicas: u32,
    /// Components the edit creates.
    pub new_components: Vec<String>,
    /// Extra replicas plus the replicas of new components: what the ranking divides by.
    pub added_instances: u32,
    pub new_zones: Vec<String>,
    pub new_regions: Vec<String>,
    /// The change the team must make in code for the edit to be true, if any.
    pub code_change: Option<String>,
    /// The change the team must make in how it works (deploys, on-call) for the edit to
    /// be true, if any: nothing is built, but the model only holds if it is done.
    pub process_change: Option<String>,
}

impl EntryEffect {
    /// Whether the fix changes the entry's full service (beyond rounding).
    pub fn full_service_changed(&self) -> bool {
        (self.full_service_after - self.full_service_before).abs() > ROUNDING
    }
}

/// A finding by rule and target.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingRef {
    pub rule: Rule,
    pub target: String,
}

/// A concrete, measured fix: apply `edits` as one transaction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recommendation {
    /// Stable: `strategy:target[:variant]`, e.g. `redundancy:lb`, `replication:db:sync`,
    /// `graceful-degradation:web:rollout`.
    pub id: String,
    pub strategy: Strategy,
    /// A component, zone or region id.
    pub target: String,
    pub target_kind: DomainKind,
    pub summary: String,
    /// Why, and the trade-offs an SRE would weigh.
    pub rationale: String,
    pub edits: Vec<Edit>,
    /// SPOFs gone after the edit, as what-if events (`db`, `zone:eu-a`, `region:eu`).
    pub removes_spofs: Vec<Event>,
    pub resolves_findings: Vec<FindingRef>,
    /// Findings the edit brings (e.g. `async-replication` after an asynchronous replica).
    pub adds_findings: Vec<FindingRef>,
    pub entries: Vec<EntryEffect>,
    /// Summed over entries.
    pub downtime_saved_minutes_per_year: f64,
    pub cost: Cost,
    /// Downtime saved per added instance (minutes per year; an edit adding none counts as one).
    pub score: f64,
}

impl Recommendation {
    /// Each entry's availability after the edit.
    pub fn availability_after(&self) -> BTreeMap<String, f64> {
        self.entries
            .iter()
            .map(|e| (e.id.clone(), e.after))
            .collect()
    }

    /// Each entry's availability before the edit.
    pub fn availability_before(&self) -> BTreeMap<String, f64> {
        self.entries
            .iter()
            .map(|e| (e.id.clone(), e.before))
            .collect()
    }
}

/// What [`recommend`] found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Advice {
    /// Best first: most downtime saved per added instance, then most SPOFs removed, then
    /// fewest instances, then fewest new findings, then id.
    pub recommendations: Vec<Recommendation>,
    /// SPOFs (as what-if events) and findings (`rule:target`) whose fixes were not
    /// measured because the model is over [`MEASURE_BUDGET`]; empty on models of up to a
    /// few hundred components.
    pub unmeasured: Vec<String>,
}

impl Advice {
    /// These recommendations, made for `from`, for `to`: a model that analyses the same and
    /// differs only in where its cards are and in workloads. What each fixes and saves
    /// holds; only where the cards it adds or changes go follows the moves, and a card it
    /// changes keeps its workload in `to` (see [`placement::follow_moves`]).
    pub fn follow_moves(&self, from: &Model, to: &Model) -> Advice {
        let mut out = self.clone();
        for r in &mut out.recommendations {
            placement::follow_moves(from, to, &mut r.edits);
        }
        out
    }
}

/// Every recommendation for the SPOFs and findings of `report` (the analysis of
/// `model`), measured and ranked.
pub fn recommend(model: &Model, report: &Report) -> Advice {
    recommend_with_baseline(model, report, None)
}

/// [`recommend`] with the [`Baseline`] that `analysis::analyze_with_baseline` handed over
/// with `report`, so that it is not built again.
pub fn recommend_with_baseline(
    model: &Model,
    report: &Report,
    baseline: Option<Baseline>,
) -> Advice {
    let m = measure::measured(
        model,
        report,
        candidates::Scope::All,
        Some(MEASURE_BUDGET),
        baseline,
    );
    Advice {
        recommendations: m.recommendations,
        unmeasured: m.unmeasured,
    }
}
