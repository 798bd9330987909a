//! `check --format json`: the keys of DESIGN §3 plus importance and statistics, for
//! machines. Field names and order are a contract; never reorder or rename them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::advice::{Advice, Cost, EntryEffect, FindingRef, Recommendation, Strategy};
use crate::analysis::{AcceptedRisk, CutSet, DomainKind, EntryAvailability, Finding, Report, Spof};
use crate::edit::Edit;
use crate::model::{Date, Event, Risk};

/// `check --format json`: the keys of DESIGN §3 plus importance and statistics.
#[derive(Serialize)]
struct Json<'a> {
    model: &'a str,
    entries: &'a [EntryAvailability],
    spofs: Vec<Listed<'a, Spof>>,
    order2: Vec<Listed<'a, CutSet>>,
    order2_total: usize,
    findings: Vec<Listed<'a, Finding>>,
    /// Every accepted risk of the model with its standing (`holds`, `expired`, `stale`).
    accepted: &'a [AcceptedRisk],
    recommendations: Vec<RecommendationJson<'a>>,
    /// SPOFs and findings whose fixes were not measured (the model is over the budget).
    recommendations_unmeasured: &'a [String],
    importance: &'a [crate::analysis::Importance],
    component_importance: &'a [crate::analysis::ComponentImportance],
    always_down: &'a [String],
    stats: &'a crate::analysis::Stats,
}

/// A SPOF, order-2 risk or finding, with `"accepted": {"reason", "until", "expired"}`
/// when the model accepts it.
#[derive(Serialize)]
struct Listed<'a, T: Serialize> {
    #[serde(flatten)]
    item: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<AcceptanceJson<'a>>,
}

#[derive(Serialize)]
struct AcceptanceJson<'a> {
    reason: &'a str,
    until: Option<Date>,
    expired: bool,
}

fn listed<'a, T: Serialize>(report: &'a Report, item: &'a T, risk: Option<Risk>) -> Listed<'a, T> {
    let accepted = risk
        .and_then(|r| report.acceptance(&r))
        .map(|a| AcceptanceJson {
            reason: &a.reason,
            until: a.until,
            expired: !a.holds(),
        });
    Listed { item, accepted }
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
        spofs: report
            .spofs
            .iter()
            .map(|p| listed(report, p, Some(p.risk())))
            .collect(),
        order2: report
            .order2
            .iter()
            .map(|c| listed(report, c, c.risk()))
            .collect(),
        order2_total: report.order2_total,
        findings: report
            .findings
            .iter()
            .map(|f| listed(report, f, Some(f.risk())))
            .collect(),
        accepted: &report.accepted,
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
