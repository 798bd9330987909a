//! `check --format json`: the keys of DESIGN §3 plus importance and statistics, for
//! machines. Field names and order are a contract; never reorder or rename them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::advice::{Advice, Cost, EntryEffect, FindingRef, Recommendation, Strategy};
use crate::analysis::{CutSet, DomainKind, EntryAvailability, Finding, Report, Spof};
use crate::edit::Edit;
use crate::model::Event;

/// `check --format json`: the keys of DESIGN §3 plus importance and statistics.
#[derive(Serialize)]
struct Json<'a> {
    model: &'a str,
    entries: &'a [EntryAvailability],
    spofs: &'a [Spof],
    order2: &'a [CutSet],
    order2_total: usize,
    findings: &'a [Finding],
    recommendations: Vec<RecommendationJson<'a>>,
    /// SPOFs and findings whose fixes were not measured (the model is over the budget).
    recommendations_unmeasured: &'a [String],
    importance: &'a [crate::analysis::Importance],
    component_importance: &'a [crate::analysis::ComponentImportance],
    always_down: &'a [String],
    stats: &'a crate::analysis::Stats,
}

/// One recommendation in `check --format json`: the keys of DESIGN §3 first.
#[derive(Serialize)]
struct RecommendationJson<'a> {
    id: &'a str,
    strategy: Strategy,
    target: &'a str,
    target_kind: DomainKind,
    summary: &'a str,
    removes_spofs: &'a [Event],
    availability_after: BTreeMap<String, f64>,
    availability_before: BTreeMap<String, f64>,
    downtime_saved_minutes_per_year: f64,
    score: f64,
    cost: &'a Cost,
    rationale: &'a str,
    resolves_findings: &'a [FindingRef],
    adds_findings: &'a [FindingRef],
    entries: &'a [EntryEffect],
    edits: &'a [Edit],
}

impl<'a> RecommendationJson<'a> {
    fn new(r: &'a Recommendation) -> Self {
        Self {
            id: &r.id,
            strategy: r.strategy,
            target: &r.target,
            target_kind: r.target_kind,
            summary: &r.summary,
            removes_spofs: &r.removes_spofs,
            availability_after: r.availability_after(),
            availability_before: r.availability_before(),
            downtime_saved_minutes_per_year: r.downtime_saved_minutes_per_year,
            score: r.score,
            cost: &r.cost,
            rationale: &r.rationale,
            resolves_findings: &r.resolves_findings,
            adds_findings: &r.adds_findings,
            entries: &r.entries,
            edits: &r.edits,
        }
    }
}

/// The analysis and its recommendations as pretty-printed JSON.
pub fn check(report: &Report, advice: &Advice) -> String {
    let doc = Json {
        model: &report.model,
        entries: &report.entries,
        spofs: &report.spofs,
        order2: &report.order2,
        order2_total: report.order2_total,
        findings: &report.findings,
        recommendations: advice
            .recommendations
            .iter()
            .map(RecommendationJson::new)
            .collect(),
        recommendations_unmeasured: &advice.unmeasured,
        importance: &report.importance,
        component_importance: &report.component_importance,
        always_down: &report.always_down,
        stats: &report.stats,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
