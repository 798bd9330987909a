//! The analysis report as text for people (a table), JSON for machines (DESIGN §3),
//! and Markdown for wikis and pull requests.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::advice::{
    Advice, Cost, EntryEffect, FindingRef, Recommendation, Skipped, Strategy, Unfixable,
};
use crate::analysis::chaos::ChaosReport;
use crate::analysis::scenario::{Knockout, ScenarioError};
use crate::analysis::{
    ComponentImportance, CutSet, DomainKind, EntryAvailability, Finding, MINUTES_PER_YEAR, Report,
    Spof, WhatIf,
};
use crate::edit::Edit;
use crate::format::{
    availability_text, chaos_interval, chaos_reference, cost_text, degraded, duration,
    full_service_clause, full_service_text, joined, list_or_none, nines, percent, percents, saving,
};
use crate::model::{Event, Model};

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

pub fn json(report: &Report, advice: &Advice) -> String {
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

pub fn text(report: &Report, advice: &Advice) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", report.model);
    let _ = writeln!(
        s,
        "{} components, {} dependencies, {} basic events\n",
        report.stats.components, report.stats.dependencies, report.stats.basic_events
    );
    let _ = writeln!(s, "Entries");
    let rows: Vec<[String; 6]> = report
        .entries
        .iter()
        .map(|e| {
            [
                e.id.clone(),
                availability_text(e),
                nines(e.availability),
                format!("{} / year", duration(e.downtime_minutes_per_year)),
                full_service_text(e),
                degraded_text(e),
            ]
        })
        .collect();
    table(
        &mut s,
        &[
            "entry",
            "availability",
            "nines",
            "downtime",
            "full service",
            "degraded",
        ],
        &rows,
    );

    let _ = writeln!(s, "\nSPOFs ({})", report.spofs.len());
    if report.spofs.is_empty() {
        let _ = writeln!(
            s,
            "  none: no single component, zone or region takes an entry down"
        );
    } else {
        let rows: Vec<[String; 4]> = report
            .spofs
            .iter()
            .map(|p| {
                [
                    p.kind.as_str().to_owned(),
                    p.id.clone(),
                    p.takes_down.join(", "),
                    p.blast_radius.len().to_string(),
                ]
            })
            .collect();
        table(&mut s, &["kind", "id", "takes down", "blast radius"], &rows);
    }

    let _ = writeln!(s, "\nOrder-2 risks ({})", report.order2_total);
    let rows: Vec<[String; 2]> = report
        .order2
        .iter()
        .map(|c| [c.events.join(" + "), c.takes_down.join(", ")])
        .collect();
    if !rows.is_empty() {
        table(&mut s, &["events", "take down"], &rows);
    }
    if report.order2.len() < report.order2_total {
        let _ = writeln!(s, "  … {} more", report.order2_total - report.order2.len());
    }

    let _ = writeln!(s, "\nFindings ({})", report.findings.len());
    for f in &report.findings {
        let _ = writeln!(
            s,
            "  {:<7} {:<20} {}",
            f.severity.as_str(),
            f.rule,
            f.message
        );
    }
    recommendations_text(&mut s, advice);
    s
}

fn recommendations_text(s: &mut String, advice: &Advice) {
    let recommendations = &advice.recommendations;
    let _ = writeln!(s, "\nRecommendations ({})", recommendations.len());
    if recommendations.is_empty() && advice.unmeasured.is_empty() {
        let _ = writeln!(s, "  none: nothing a model edit can improve");
    }
    for (i, r) in recommendations.iter().enumerate() {
        let _ = writeln!(s, "  {}. {}  [{}]", i + 1, r.id, r.strategy.as_str());
        let _ = writeln!(s, "     {}", r.summary);
        if !r.removes_spofs.is_empty() {
            let _ = writeln!(s, "     removes SPOFs: {}", joined(&r.removes_spofs, ", "));
        }
        let changed: Vec<&EntryEffect> = r
            .entries
            .iter()
            .filter(|e| e.downtime_saved_minutes_per_year > 0.0 || e.full_service_changed())
            .collect();
        if changed.is_empty() {
            let _ = writeln!(s, "     availability: unchanged");
        }
        for e in changed {
            let _ = writeln!(s, "     {}", entry_effect(e));
        }
        let resolved = findings_text(&r.resolves_findings);
        if !resolved.is_empty() {
            let _ = writeln!(s, "     resolves: {resolved}");
        }
        let added = findings_text(&r.adds_findings);
        if !added.is_empty() {
            let _ = writeln!(s, "     brings: {added}");
        }
        let _ = writeln!(s, "     cost: {}", cost_text(&r.cost));
        if let Some(code) = &r.cost.code_change {
            let _ = writeln!(s, "     code change: {code}");
        }
        if let Some(process) = &r.cost.process_change {
            let _ = writeln!(s, "     process change: {process}");
        }
        let _ = writeln!(s, "     why: {}", r.rationale);
    }
    if !advice.unmeasured.is_empty() {
        let _ = writeln!(s, "  {}", unmeasured_text(&advice.unmeasured));
    }
}

/// The note on problems left unmeasured, naming the first few.
pub(super) fn unmeasured_text(unmeasured: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut names = unmeasured
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if unmeasured.len() > SHOWN {
        names.push_str(&format!(" and {} more", unmeasured.len() - SHOWN));
    }
    format!(
        "Fixes for {} more SPOFs and findings were not measured, to keep the analysis fast on a model this large: {names}. `spofscope fix --apply all` fixes every SPOF.",
        unmeasured.len()
    )
}

/// `users: 99.54 % → 99.99 % (saves 39 h 16 min per year)`, or `(unchanged)`; with `; full
/// service 97.10 % → 97.60 %` where the full service moves.
pub(super) fn entry_effect(e: &EntryEffect) -> String {
    let availability = if e.downtime_saved_minutes_per_year > 0.0 {
        let (before, after) = percents(e.before, e.after);
        format!(
            "{}: {before} → {after} (saves {} per year)",
            e.id,
            duration(e.downtime_saved_minutes_per_year)
        )
    } else {
        format!("{}: {} (unchanged)", e.id, percent(e.before))
    };
    if e.full_service_changed() {
        let (before, after) = percents(e.full_service_before, e.full_service_after);
        format!("{availability}; full service {before} → {after}")
    } else {
        availability
    }
}

pub(super) fn findings_text(findings: &[FindingRef]) -> String {
    findings
        .iter()
        .map(|f| format!("{} on {}", f.rule, f.target))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Under `heading`, each applied recommendation's change the team owes (none: nothing).
fn owed_changes(
    s: &mut String,
    heading: &str,
    applied: &[Recommendation],
    change_of: impl Fn(&Recommendation) -> Option<&String>,
) {
    let changes: Vec<(&str, &String)> = applied
        .iter()
        .filter_map(|r| change_of(r).map(|c| (r.id.as_str(), c)))
        .collect();
    if !changes.is_empty() {
        let _ = writeln!(s, "{heading}");
        for (id, change) in changes {
            let _ = writeln!(s, "  {id}: {change}");
        }
    }
}

/// What `spofscope fix` did: applied recommendations, SPOFs and availability before and
/// after, code changes the team owes, and what was skipped or cannot be fixed.
pub fn fix_text(
    applied: &[Recommendation],
    skipped: &[Skipped],
    unfixable: &[Unfixable],
    before: &Report,
    after: &Report,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Applied {} {} to {}",
        applied.len(),
        if applied.len() == 1 {
            "recommendation"
        } else {
            "recommendations"
        },
        before.model
    );
    for r in applied {
        let _ = writeln!(s, "  {}  {}", r.id, r.summary);
    }
    let _ = writeln!(s, "SPOFs: {} → {}", before.spofs.len(), after.spofs.len());
    for b in &before.entries {
        if let Some(a) = after.entry(&b.id) {
            let (before, after) = percents(b.availability, a.availability);
            let _ = writeln!(
                s,
                "  {}: {before} → {after} ({} → {} downtime per year)",
                b.id,
                duration(b.downtime_minutes_per_year),
                duration(a.downtime_minutes_per_year)
            );
        }
    }
    owed_changes(
        &mut s,
        "Code changes the team must make for the model to be true:",
        applied,
        |r| r.cost.code_change.as_ref(),
    );
    owed_changes(
        &mut s,
        "Process changes the team must make for the model to be true:",
        applied,
        |r| r.cost.process_change.as_ref(),
    );
    if !skipped.is_empty() {
        let _ = writeln!(s, "Skipped:");
        for k in skipped {
            let _ = writeln!(s, "  {}: {}", k.id, k.reason);
        }
    }
    if !unfixable.is_empty() {
        let _ = writeln!(s, "Cannot be removed by a model edit:");
        for u in unfixable {
            let _ = writeln!(s, "  {}: {}", u.spof.event(), u.reason);
        }
    }
    s
}

/// [`degraded`] for the text tables: `2 h 3 min / year`.
fn degraded_text(e: &EntryAvailability) -> String {
    let d = degraded(e);
    if e.degraded_minutes_per_year > 0.0 {
        format!("{d} / year")
    } else {
        d
    }
}

fn table<const N: usize>(s: &mut String, head: &[&str; N], rows: &[[String; N]]) {
    let mut width = head.map(|h| h.chars().count());
    for r in rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |s: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::from(" ");
        for (cell, w) in cells.zip(width) {
            let _ = write!(out, " {cell:<w$}  ");
        }
        let _ = writeln!(s, "{}", out.trim_end());
    };
    line(s, &mut head.iter().copied());
    for r in rows {
        line(s, &mut r.iter().map(String::as_str));
    }
}

pub fn markdown(report: &Report, advice: &Advice) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", report.model);
    markdown_tables(&mut s, report, advice);
    s
}

/// The review report as Markdown (`export X.md`): `markdown`'s tables after the headline
/// and the diagram (an SVG file beside the report, named `diagram_file`), then the
/// importance ranking and each scenario's outcome. `report` is the analysis of `model`.
pub fn markdown_review(
    model: &Model,
    report: &Report,
    advice: &Advice,
    scenarios: &[Result<Knockout, ScenarioError>],
    chaos: Option<&ChaosReport>,
    diagram_file: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", report.model);
    let _ = writeln!(s, "{}\n", md(&headline(report)));
    let target = if diagram_file.contains([' ', '(', ')', '<', '>']) {
        format!("<{diagram_file}>")
    } else {
        diagram_file.to_owned()
    };
    let _ = writeln!(s, "![Diagram of {}]({target})\n", md(&report.model));
    markdown_tables(&mut s, report, advice);
    if !report.entries.is_empty() {
        let largest = |minutes: fn(&EntryAvailability) -> f64| {
            report.entries.iter().map(minutes).fold(0.0, f64::max)
        };
        let (down, most_degraded) = (
            largest(|e| e.downtime_minutes_per_year),
            largest(|e| e.degraded_minutes_per_year),
        );
        let _ = writeln!(s, "\n## Downtime per year by entry\n");
        let _ = writeln!(s, "| Entry | Downtime per year | | Degraded per year | |");
        let _ = writeln!(s, "|---|---:|---|---:|---|");
        for e in &report.entries {
            let _ = writeln!(
                s,
                "| {} | {} | `{}` | {} | `{}` |",
                md(&e.name),
                duration(e.downtime_minutes_per_year),
                bar(e.downtime_minutes_per_year, down),
                degraded(e),
                bar(e.degraded_minutes_per_year, most_degraded)
            );
        }
    }
    importance_markdown(&mut s, &importance_ranking(report, model));
    let _ = writeln!(s, "\n## Scenarios ({})", scenarios.len());
    if scenarios.is_empty() {
        let _ = writeln!(s, "\nNone saved in the model.");
    }
    for scenario in scenarios {
        match scenario {
            Ok(k) => {
                let o = &k.outcome;
                let _ = writeln!(s, "\n### {}\n", md(&k.scenario));
                let _ = writeln!(s, "- Fails: {}", md(&list_or_none(&o.failed)));
                let _ = writeln!(s, "- Entries down: {}", md(&list_or_none(&o.entries_down)));
                let _ = writeln!(
                    s,
                    "- Components down ({}): {}",
                    o.down.len(),
                    md(&list_or_none(&o.down))
                );
                let _ = writeln!(
                    s,
                    "- Components degraded ({}): {}",
                    o.degraded.len(),
                    md(&list_or_none(&o.degraded))
                );
                if !o.entries.is_empty() {
                    let _ = writeln!(
                        s,
                        "\n| Entry | Availability with this knockout | Full service |"
                    );
                    let _ = writeln!(s, "|---|---:|---:|");
                    for e in &o.entries {
                        let _ = writeln!(
                            s,
                            "| {} | {} | {} |",
                            md(&e.id),
                            availability_text(e),
                            full_service_text(e)
                        );
                    }
                }
            }
            Err(e) => {
                let _ = writeln!(s, "\n{}", md(&e.to_string()));
            }
        }
    }
    if let Some(c) = chaos {
        chaos_markdown(&mut s, c);
    }
    s
}

/// The importance ranking as a table with text bars.
fn importance_markdown(s: &mut String, ranking: &Ranking) {
    let _ = writeln!(s, "\n## Importance\n");
    if ranking.rows.is_empty() {
        let _ = writeln!(s, "None measured.");
        return;
    }
    let largest = ranking.rows.iter().map(|r| r.value).fold(0.0, f64::max);
    let _ = writeln!(s, "{}.\n", ranking.measure);
    let mut head = format!("| # | {} | {} |", ranking.what, ranking.unit);
    let mut rule = "|---:|---|---:|".to_owned();
    // The causes are words, the detail a number.
    for (h, align) in [(ranking.causes, "---|"), (ranking.detail, "---:|")] {
        if let Some(h) = h {
            let _ = write!(head, " {h} |");
            rule.push_str(align);
        }
    }
    let _ = writeln!(s, "{head} |\n{rule}---|");
    for (i, row) in ranking.rows.iter().enumerate() {
        let mut cells = String::new();
        if ranking.causes.is_some() {
            let _ = write!(cells, " {} |", md(&row.causes));
        }
        if ranking.detail.is_some() {
            let _ = write!(cells, " {} |", md(&row.detail));
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} |{cells} `{}` |",
            i + 1,
            ranked_markdown(row),
            row.text,
            bar(row.value, largest)
        );
    }
    if ranking.rows.len() < ranking.total {
        let _ = writeln!(s, "\n… and {} more.", ranking.total - ranking.rows.len());
    }
}

/// `` `common:db` a bad deploy of Orders DB ``: the id, and its words when they say more.
fn ranked_markdown(row: &Ranked) -> String {
    if row.label == row.id {
        format!("`{}`", md(&row.id))
    } else {
        format!("`{}` {}", md(&row.id), md(&row.label))
    }
}

fn chaos_markdown(s: &mut String, c: &ChaosReport) {
    let _ = writeln!(s, "\n## Chaos experiment\n");
    let _ = writeln!(
        s,
        "{} trials (seed {}): {CHAOS_METHOD} {} trials took an entry down.\n",
        c.trials, c.seed, c.outage_trials
    );
    let _ = writeln!(s, "| Entry | Observed | 95 % interval | Exact | Inside |");
    let _ = writeln!(s, "|---|---:|---:|---:|---|");
    for e in &c.entries {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            md(&e.id),
            percent(e.observed_availability),
            chaos_interval(e),
            chaos_reference(e),
            if e.interval_contains_availability {
                "yes"
            } else {
                "no"
            }
        );
    }
    if !c.causes.is_empty() {
        let _ = writeln!(
            s,
            "\nFailures behind the outages ({} distinct, most frequent first):\n",
            c.distinct_causes
        );
        let _ = writeln!(s, "| Trials | Failed together |");
        let _ = writeln!(s, "|---:|---|");
        for k in c.causes.iter().take(10) {
            let _ = writeln!(s, "| {} | {} |", k.trials, md(&k.failed.join(" + ")));
        }
    }
}

/// A bar chart's bar as text, for Markdown: `value / largest` of 24 cells in eighths.
fn bar(value: f64, largest: f64) -> String {
    const CELLS: f64 = 24.0;
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if largest <= 0.0 || value <= 0.0 {
        return "▏".to_owned();
    }
    let eighths = ((value / largest).min(1.0) * CELLS * 8.0).round().max(1.0) as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(PARTS[eighths % 8]);
    }
    out
}

/// The numbers a review leads with: `6 SPOFs · Web users 99.35 % (2.4 days down per
/// year), full service 98.70 % (3.5 days degraded)`.
pub fn headline(report: &Report) -> String {
    let mut parts = vec![match report.spofs.len() {
        0 => "no SPOF".to_owned(),
        1 => "1 SPOF".to_owned(),
        k => format!("{k} SPOFs"),
    }];
    parts.extend(report.entries.iter().map(|e| {
        format!(
            "{} {} ({} down per year){}",
            e.name,
            percent(e.availability),
            duration(e.downtime_minutes_per_year),
            full_service_clause(e)
        )
    }));
    parts.join(" · ")
}

/// Rows of the importance ranking a review shows.
pub const RANKING_ROWS: usize = 10;

/// The importance ranking: the downtime per year each component causes, bad deploys and
/// failover windows included (with how much of it those cause, and how much the entries
/// lose while it is down), or, when that was not measured (the model is too large), each
/// basic event's Birnbaum importance. Largest first, at most [`RANKING_ROWS`], only
/// components or events some entry depends on.
pub struct Ranking {
    pub measure: &'static str,
    /// A chart's title, and its value axis.
    pub title: &'static str,
    pub axis: &'static str,
    /// Column headings: what is ranked, the unit of the value, and the second column's.
    pub what: &'static str,
    pub unit: &'static str,
    pub detail: Option<&'static str>,
    /// The heading of the column that says how much of the value bad deploys and
    /// failover windows cause, when the ranking has one.
    pub causes: Option<&'static str>,
    pub rows: Vec<Ranked>,
    /// Non-zero ones in all, shown or not.
    pub total: usize,
}

pub struct Ranked {
    /// A component id, or a basic event id (`db#0`, `common:db`, `failover:db`).
    pub id: String,
    /// The same in words: the component's name, or the event as a reviewer says it
    /// (`a bad deploy of Orders DB`, `Orders DB's failover window`).
    pub label: String,
    pub value: f64,
    pub text: String,
    /// The second column (empty when the ranking has none).
    pub detail: String,
    /// How much of the value bad deploys and the failover window cause
    /// (`bad deploys 1 h 44 min (99 %)`), `none` when neither does; empty when the
    /// ranking has no such column.
    pub causes: String,
}

/// The ranking of `report`, an analysis of `model` (whose names it uses).
pub fn importance_ranking(report: &Report, model: &Model) -> Ranking {
    if report.component_importance.is_empty() {
        let all: Vec<_> = report
            .importance
            .iter()
            .filter(|i| i.birnbaum > 0.0)
            .collect();
        return Ranking {
            measure: "Birnbaum importance of each basic event (replicas, zones, regions, bad deploys, failover windows): how much more likely an entry is down when it fails (the largest over the entries)",
            title: "Birnbaum importance of each basic event",
            axis: "Birnbaum importance",
            what: "Event",
            unit: "Importance",
            detail: None,
            causes: None,
            total: all.len(),
            rows: all
                .iter()
                .take(RANKING_ROWS)
                .map(|i| Ranked {
                    id: i.event.clone(),
                    label: Event::parse(&i.event)
                        .map_or_else(|_| i.event.clone(), |e| e.in_words(model)),
                    value: i.birnbaum,
                    text: format!("{:.3e}", i.birnbaum),
                    detail: String::new(),
                    causes: String::new(),
                })
                .collect(),
        };
    }
    let all: Vec<_> = report
        .component_importance
        .iter()
        .filter(|c| c.max_drop > 0.0)
        .collect();
    Ranking {
        measure: "Downtime per year each component causes, bad deploys and failover windows included: what an entry would gain if the component never failed (no replica down, no bad deploy hitting every replica, no wait for a failover; its zones and regions still can fail), the largest over the entries; beside it, how much of that its bad deploys and its failover window cause, and the availability an entry loses while the whole component is down, in percentage points",
        title: "Downtime each component causes per year",
        axis: "minutes / year it causes",
        what: "Component",
        unit: "Downtime it causes per year",
        detail: Some("Lost while down"),
        causes: Some("Of it, bad deploys and failover"),
        total: all.len(),
        rows: all
            .iter()
            .take(RANKING_ROWS)
            .map(|c| {
                let minutes = c.max_gain * MINUTES_PER_YEAR;
                Ranked {
                    id: c.component.clone(),
                    label: model
                        .component(&c.component)
                        .map_or(c.component.as_str(), |x| x.display_name())
                        .to_owned(),
                    value: minutes,
                    text: saving(minutes),
                    detail: format!("{:.3} pp", c.max_drop * 100.0),
                    causes: causes_text(c),
                }
            })
            .collect(),
    }
}

/// `bad deploys 1 h 44 min (99 %), failover window 3 min (1 %)`, or `none`.
fn causes_text(c: &ComponentImportance) -> String {
    // Never "0 %" or "100 %" for a part that is neither none nor all of it.
    let share = |gain: f64| {
        let pct = gain / c.max_gain * 100.0;
        if pct < 1.0 {
            "< 1 %".to_owned()
        } else if pct > 99.0 && gain < c.max_gain {
            "> 99 %".to_owned()
        } else {
            format!("{pct:.0} %")
        }
    };
    let mut parts = Vec::new();
    for (what, gain) in [
        ("bad deploys", c.common_cause_gain),
        ("failover window", c.failover_gain),
    ] {
        if gain > 0.0 && c.max_gain > 0.0 {
            parts.push(format!(
                "{what} {} ({})",
                duration(gain * MINUTES_PER_YEAR),
                share(gain)
            ));
        }
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Everything of `markdown` below the title.
fn markdown_tables(s: &mut String, report: &Report, advice: &Advice) {
    let _ = writeln!(s, "## Availability\n");
    let _ = writeln!(
        s,
        "| Entry | Availability | Nines | Downtime per year | Full service | Degraded per year |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    for e in &report.entries {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md(&e.id),
            availability_text(e),
            nines(e.availability),
            duration(e.downtime_minutes_per_year),
            full_service_text(e),
            degraded(e)
        );
    }
    let _ = writeln!(
        s,
        "\n## Single points of failure ({})\n",
        report.spofs.len()
    );
    if report.spofs.is_empty() {
        let _ = writeln!(s, "None.");
    } else {
        let _ = writeln!(s, "| Kind | Id | Takes down | Blast radius |");
        let _ = writeln!(s, "|---|---|---|---|");
        for p in &report.spofs {
            let _ = writeln!(
                s,
                "| {} | `{}` | {} | {} ({}) |",
                p.kind.as_str(),
                md(&p.id),
                md(&p.takes_down.join(", ")),
                p.blast_radius.len(),
                md(&p.blast_radius.join(", "))
            );
        }
    }
    let _ = writeln!(s, "\n## Order-2 risks ({})\n", report.order2_total);
    if report.order2.is_empty() {
        let _ = writeln!(s, "None.");
    } else {
        let _ = writeln!(s, "| Events | Take down |");
        let _ = writeln!(s, "|---|---|");
        for c in &report.order2 {
            let _ = writeln!(
                s,
                "| `{}` + `{}` | {} |",
                md(&c.events[0]),
                md(&c.events[1]),
                md(&c.takes_down.join(", "))
            );
        }
        if report.order2.len() < report.order2_total {
            let _ = writeln!(
                s,
                "\n… and {} more.",
                report.order2_total - report.order2.len()
            );
        }
    }
    let _ = writeln!(s, "\n## Findings ({})\n", report.findings.len());
    for f in &report.findings {
        let _ = writeln!(
            s,
            "- **{}** `{}` ({}): {}",
            f.rule,
            md(&f.target),
            f.severity.as_str(),
            md(&f.message)
        );
    }
    recommendations_markdown(s, advice);
}

fn recommendations_markdown(s: &mut String, advice: &Advice) {
    let recommendations = &advice.recommendations;
    let _ = writeln!(s, "\n## Recommendations ({})\n", recommendations.len());
    if !advice.unmeasured.is_empty() {
        let _ = writeln!(s, "{}\n", md(&unmeasured_text(&advice.unmeasured)));
    }
    if recommendations.is_empty() {
        let _ = writeln!(s, "None.");
        return;
    }
    let _ = writeln!(
        s,
        "| # | Recommendation | Strategy | Removes SPOFs | Downtime saved per year | Cost |"
    );
    let _ = writeln!(s, "|---:|---|---|---|---:|---|");
    for (i, r) in recommendations.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} | {} | {} |",
            i + 1,
            md(&r.id),
            r.strategy.as_str(),
            md(&joined(&r.removes_spofs, ", ")),
            saving(r.downtime_saved_minutes_per_year),
            md(&cost_text(&r.cost))
        );
    }
    for (i, r) in recommendations.iter().enumerate() {
        let _ = writeln!(s, "\n### {}. {}\n", i + 1, md(&r.summary));
        let _ = writeln!(
            s,
            "`{}` ({}). {}\n",
            md(&r.id),
            r.strategy.label(),
            md(&r.rationale)
        );
        for e in &r.entries {
            let _ = writeln!(s, "- {}", md(&entry_effect(e)));
        }
        if !r.removes_spofs.is_empty() {
            let _ = writeln!(
                s,
                "- Removes SPOFs: {}",
                md(&joined(&r.removes_spofs, ", "))
            );
        }
        let resolved = findings_text(&r.resolves_findings);
        if !resolved.is_empty() {
            let _ = writeln!(s, "- Resolves: {}", md(&resolved));
        }
        let added = findings_text(&r.adds_findings);
        if !added.is_empty() {
            let _ = writeln!(s, "- Brings: {}", md(&added));
        }
        let _ = writeln!(s, "- Cost: {}", md(&cost_text(&r.cost)));
        if let Some(code) = &r.cost.code_change {
            let _ = writeln!(s, "- **Code change:** {}", md(code));
        }
        if let Some(process) = &r.cost.process_change {
            let _ = writeln!(s, "- **Process change:** {}", md(process));
        }
    }
}

/// Escape text for a Markdown table cell.
fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn whatif_text(w: &WhatIf) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Failed: {}", joined(&w.failed, ", "));
    let _ = writeln!(s, "Entries down: {}", list_or_none(&w.entries_down));
    let _ = writeln!(s, "Down: {}", list_or_none(&w.down));
    let _ = writeln!(s, "Degraded: {}", list_or_none(&w.degraded));
    if !w.entries.is_empty() {
        let _ = writeln!(s, "Availability with this knockout in place:");
        let rows: Vec<[String; 5]> = w
            .entries
            .iter()
            .map(|e| {
                [
                    e.id.clone(),
                    availability_text(e),
                    format!("{} / year", duration(e.downtime_minutes_per_year)),
                    full_service_text(e),
                    degraded_text(e),
                ]
            })
            .collect();
        table(
            &mut s,
            &[
                "entry",
                "availability",
                "downtime",
                "full service",
                "degraded",
            ],
            &rows,
        );
    }
    s
}

pub fn whatif_json(w: &WhatIf) -> String {
    let mut s = serde_json::to_string_pretty(w).unwrap_or_default();
    s.push('\n');
    s
}

/// What a chaos experiment did, as the reports say it.
pub(super) const CHAOS_METHOD: &str = "every replica, zone and region, every bad deploy and failover window failed at random with its own probability.";

/// `chaos` as a readable report: entries with observed and exact availability, the most
/// frequent failure sets, and who took part in outages most often.
pub fn chaos_text(c: &ChaosReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Chaos experiment on {}: {} trials, seed {}",
        c.model, c.trials, c.seed
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "Entries");
    let rows: Vec<[String; 5]> = c
        .entries
        .iter()
        .map(|e| {
            [
                e.id.clone(),
                percent(e.observed_availability),
                chaos_interval(e),
                chaos_reference(e),
                if e.interval_contains_availability {
                    "yes".to_owned()
                } else {
                    "NO".to_owned()
                },
            ]
        })
        .collect();
    table(
        &mut s,
        &["entry", "observed", "95 % interval", "exact", "inside"],
        &rows,
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Outages: {} of {} trials, from {} distinct minimal failure sets",
        c.outage_trials, c.trials, c.distinct_causes
    );
    if !c.causes.is_empty() {
        let rows: Vec<[String; 2]> = c
            .causes
            .iter()
            .take(10)
            .map(|k| [k.trials.to_string(), k.failed.join(" + ")])
            .collect();
        table(&mut s, &["trials", "failed together"], &rows);
    }
    if !c.participants.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Took part in outages most often");
        let rows: Vec<[String; 2]> = c
            .participants
            .iter()
            .take(10)
            .map(|p| [p.trials.to_string(), p.id.clone()])
            .collect();
        table(&mut s, &["trials", "component, zone or region"], &rows);
    }
    s
}

pub fn chaos_json(c: &ChaosReport) -> String {
    let mut s = serde_json::to_string_pretty(c).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_bars_are_proportional_in_eighths_of_a_cell() {
        assert_eq!(bar(1.0, 1.0), "█".repeat(24));
        assert_eq!(bar(0.5, 1.0), "█".repeat(12));
        assert_eq!(bar(1.0 / 192.0, 1.0), "▏");
        assert_eq!(bar(3.0 / 64.0, 1.0), "█▏");
        assert_eq!(bar(0.0, 1.0), "▏");
        assert_eq!(bar(1.0, 0.0), "▏");
    }

    #[test]
    fn importance_ranks_components_by_the_downtime_they_cause() {
        let model = crate::model::from_str(
            r#"Model(format: 1, name: "chain",
                components: [
                    (id: "users", kind: Client, entry: true, availability: Some(1.0)),
                    (id: "lb", kind: LoadBalancer, availability: Some(0.999)),
                    (id: "db", kind: Database, availability: Some(0.99)),
                ],
                dependencies: [(from: "users", to: "lb"), (from: "lb", to: "db")])"#,
            "chain.spof.ron",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let report = crate::analysis::analyze(&model, &crate::analysis::Options::default());
        let ranking = importance_ranking(&report, &model);
        let rows: Vec<(&str, &str, &str)> = ranking
            .rows
            .iter()
            .map(|r| (r.id.as_str(), r.text.as_str(), r.detail.as_str()))
            .collect();
        // Both take the entry down; the database fails ten times as often.
        assert_eq!(
            rows,
            [
                ("db", "3.6 days", "98.901 pp"),
                ("lb", "8 h 40 min", "98.901 pp"),
            ]
        );
        assert_eq!(ranking.total, 2);
        assert_eq!(ranking.detail, Some("Lost while down"));
        let db = &report.component_importance[0];
        assert!((db.max_gain - (0.999 - 0.999 * 0.99)).abs() < 1e-12);
        assert!(
            (ranking.rows[0].value - db.max_gain * crate::analysis::MINUTES_PER_YEAR).abs() < 1e-9
        );
    }

    /// A database only an entry needs, with bad deploys (β = 0.1 of q = 0.01) and a
    /// manual failover window (T = (5 + 55) / 60 = 1 h of every M + T = 101 h).
    fn timed_database() -> Model {
        crate::model::from_str(
            r#"Model(format: 1, name: "timed",
                defaults: (replica_availability: 0.99, mtbf_hours: 100.0,
                    detect_minutes: (monitored: 5.0, unmonitored: 125.0),
                    failover_minutes: (automatic: 2.0, manual: 55.0), common_cause: 0.1),
                components: [
                    (id: "users", kind: Client, entry: true),
                    (id: "db", name: "Orders DB", kind: Database, replicas: 2,
                        replication: Sync, failover: Manual),
                ],
                dependencies: [(from: "users", to: "db")])"#,
            "timed.spof.ron",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_ranking_says_how_much_downtime_bad_deploys_and_the_failover_window_cause() {
        let model = timed_database();
        let report = crate::analysis::analyze(&model, &crate::analysis::Options::default());
        let ranking = importance_ranking(&report, &model);
        assert_eq!(ranking.causes, Some("Of it, bad deploys and failover"));
        let [db] = ranking.rows.as_slice() else {
            panic!("{} rows", ranking.rows.len())
        };
        assert_eq!((db.id.as_str(), db.label.as_str()), ("db", "Orders DB"));
        // Down with a bad deploy (c = 0.001), the failover window (f = 1/101) or both
        // replicas (r = 0.009 each). A bad deploy alone costs c (1 − f)(1 − r²) of the
        // year, the window f (1 − c)(1 − r²): 9 % and 90 % of the downtime.
        let (c, f, r) = (0.001, 1.0 / 101.0, 0.009);
        let down = 1.0 - (1.0 - f) * (1.0 - c) * (1.0 - r * r);
        assert!((db.value - down * MINUTES_PER_YEAR).abs() < 1e-9);
        let importance = &report.component_importance[0];
        assert!((importance.common_cause_gain - c * (1.0 - f) * (1.0 - r * r)).abs() < 1e-15);
        assert!((importance.failover_gain - f * (1.0 - c) * (1.0 - r * r)).abs() < 1e-15);
        assert_eq!(db.text, "4.0 days");
        assert_eq!(
            db.causes,
            "bad deploys 8 h 40 min (9 %), failover window 3.6 days (90 %)"
        );
        assert!(
            ranking
                .measure
                .contains("bad deploys and failover windows included")
        );
    }

    #[test]
    fn a_component_without_time_events_has_none_of_its_downtime_from_them() {
        let model = crate::model::from_str(
            r#"Model(format: 1, name: "one",
                components: [(id: "users", kind: Client, entry: true), (id: "api")],
                dependencies: [(from: "users", to: "api")])"#,
            "one.spof.ron",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let report = crate::analysis::analyze(&model, &crate::analysis::Options::default());
        let ranking = importance_ranking(&report, &model);
        assert_eq!(ranking.rows[0].causes, "none");
    }

    #[test]
    fn the_event_ranking_names_bad_deploys_and_failover_windows_in_words() {
        let model = timed_database();
        let options = crate::analysis::Options {
            component_importance_work: 0,
            ..crate::analysis::Options::default()
        };
        let report = crate::analysis::analyze(&model, &options);
        let ranking = importance_ranking(&report, &model);
        assert_eq!(ranking.what, "Event");
        assert_eq!(ranking.causes, None);
        let mut rows: Vec<(&str, &str)> = ranking
            .rows
            .iter()
            .map(|r| (r.id.as_str(), r.label.as_str()))
            .collect();
        rows.sort_unstable();
        assert_eq!(
            rows,
            [
                ("common:db", "a bad deploy of Orders DB"),
                ("db#0", "replica 0 of Orders DB"),
                ("db#1", "replica 1 of Orders DB"),
                ("failover:db", "Orders DB's failover window"),
            ]
        );
    }
}
