//! The analysis report as text for people (a table), JSON for machines (DESIGN §3),
//! and Markdown for wikis and pull requests.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::svg::{Knockout, ScenarioError};
use crate::advice::{
    Advice, Cost, EntryEffect, FindingRef, Recommendation, Skipped, Strategy, Unfixable,
};
use crate::analysis::chaos::{ChaosEntry, ChaosReport};
use crate::analysis::{CutSet, DomainKind, EntryAvailability, Finding, Report, Spof, WhatIf};
use crate::edit::Edit;

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
    removes_spofs: &'a [String],
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

/// `99.95 %`: enough digits to show the first non-nine, never `100 %` for something
/// that can fail.
pub fn percent(a: f64) -> String {
    if a >= 1.0 {
        return "100 %".to_owned();
    }
    let pct = a * 100.0;
    for decimals in 2..=9 {
        let s = format!("{pct:.decimals$}");
        if !s.starts_with("100") {
            return format!("{s} %");
        }
    }
    format!("{pct:.10} %")
}

/// Number of nines: −log10(1 − a), one decimal.
pub fn nines(a: f64) -> String {
    if a >= 1.0 {
        return "∞ nines".to_owned();
    }
    let n = -(1.0 - a).log10();
    // Down for good is 0 nines, not "-0.0".
    format!("{:.1} nines", if n > 0.0 { n } else { 0.0 })
}

/// `4 h 23 min per year` style durations from minutes.
pub fn duration(minutes: f64) -> String {
    if minutes < 1.0 / 60.0 {
        return "< 1 s".to_owned();
    }
    if minutes < 1.0 {
        return format!("{:.0} s", minutes * 60.0);
    }
    if minutes < 60.0 {
        return format!("{minutes:.1} min");
    }
    let hours = minutes / 60.0;
    if hours < 48.0 {
        let h = hours.floor();
        return format!("{h:.0} h {:.0} min", minutes - h * 60.0);
    }
    format!("{:.1} days", hours / 24.0)
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
    let rows: Vec<[String; 4]> = report
        .entries
        .iter()
        .map(|e| {
            [
                e.id.clone(),
                availability_text(e),
                nines(e.availability),
                format!("{} / year", duration(e.downtime_minutes_per_year)),
            ]
        })
        .collect();
    table(
        &mut s,
        &["entry", "availability", "nines", "downtime"],
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
            let _ = writeln!(s, "     removes SPOFs: {}", r.removes_spofs.join(", "));
        }
        let changed: Vec<&EntryEffect> = r
            .entries
            .iter()
            .filter(|e| e.downtime_saved_minutes_per_year > 0.0)
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

/// Two availabilities with enough digits to tell them apart when they differ.
pub fn percents(before: f64, after: f64) -> (String, String) {
    let (b, a) = (percent(before), percent(after));
    if b != a || before == after {
        return (b, a);
    }
    (3..=9)
        .map(|decimals| {
            (
                format!("{:.decimals$} %", before * 100.0),
                format!("{:.decimals$} %", after * 100.0),
            )
        })
        .find(|(b, a)| b != a)
        .unwrap_or((b, a))
}

/// `users: 99.54 % → 99.99 % (saves 39 h 16 min per year)`, or `(unchanged)`.
pub(super) fn entry_effect(e: &EntryEffect) -> String {
    if e.downtime_saved_minutes_per_year > 0.0 {
        let (before, after) = percents(e.before, e.after);
        format!(
            "{}: {before} → {after} (saves {} per year)",
            e.id,
            duration(e.downtime_saved_minutes_per_year)
        )
    } else {
        format!("{}: {} (unchanged)", e.id, percent(e.before))
    }
}

/// Downtime saved, or `none` when the edit does not move the numbers.
pub(super) fn saving(minutes: f64) -> String {
    if minutes > 0.0 {
        duration(minutes)
    } else {
        "none".to_owned()
    }
}

pub(super) fn findings_text(findings: &[FindingRef]) -> String {
    findings
        .iter()
        .map(|f| format!("{} on {}", f.rule, f.target))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `+1 replica, new web-lb, new zone eu-b`, or `no new instances`.
pub fn cost_text(cost: &Cost) -> String {
    let mut parts = Vec::new();
    if cost.added_replicas > 0 {
        parts.push(format!(
            "+{} {}",
            cost.added_replicas,
            if cost.added_replicas == 1 {
                "replica"
            } else {
                "replicas"
            }
        ));
    }
    let lists = [
        ("component", "components", &cost.new_components),
        ("zone", "zones", &cost.new_zones),
        ("region", "regions", &cost.new_regions),
    ];
    for (one, many, ids) in lists {
        if !ids.is_empty() {
            let what = if ids.len() == 1 { one } else { many };
            parts.push(format!("new {what} {}", ids.join(", ")));
        }
    }
    if parts.is_empty() {
        parts.push("no new instances".to_owned());
    }
    if cost.code_change.is_some() {
        parts.push("a code change".to_owned());
    }
    parts.join(", ")
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
    let code: Vec<&Recommendation> = applied
        .iter()
        .filter(|r| r.cost.code_change.is_some())
        .collect();
    if !code.is_empty() {
        let _ = writeln!(
            s,
            "Code changes the team must make for the model to be true:"
        );
        for r in code {
            if let Some(change) = &r.cost.code_change {
                let _ = writeln!(s, "  {}: {change}", r.id);
            }
        }
    }
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

/// `99.54 %`, or with its error bound when it is an estimate.
pub fn availability_text(e: &EntryAvailability) -> String {
    if e.exact {
        percent(e.availability)
    } else {
        format!(
            "{} ± {:.2e} (estimate)",
            percent(e.availability),
            e.error_bound
        )
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
/// importance ranking and each scenario's outcome.
pub fn markdown_review(
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
        let largest = report
            .entries
            .iter()
            .map(|e| e.downtime_minutes_per_year)
            .fold(0.0, f64::max);
        let _ = writeln!(s, "\n## Downtime per year by entry\n");
        let _ = writeln!(s, "| Entry | Downtime per year | |");
        let _ = writeln!(s, "|---|---:|---|");
        for e in &report.entries {
            let _ = writeln!(
                s,
                "| {} | {} | `{}` |",
                md(&e.name),
                duration(e.downtime_minutes_per_year),
                bar(e.downtime_minutes_per_year, largest)
            );
        }
    }
    let ranking = importance_ranking(report);
    let _ = writeln!(s, "\n## Importance\n");
    if ranking.rows.is_empty() {
        let _ = writeln!(s, "None measured.");
    } else {
        let largest = ranking.rows.iter().map(|r| r.value).fold(0.0, f64::max);
        let _ = writeln!(s, "{}.\n", ranking.measure);
        let (detail_head, detail_rule) = match ranking.detail {
            Some(h) => (format!(" {h} |"), "---:|"),
            None => (String::new(), ""),
        };
        let _ = writeln!(
            s,
            "| # | {} | {} |{detail_head} |",
            ranking.what, ranking.unit
        );
        let _ = writeln!(s, "|---:|---|---:|{detail_rule}---|");
        for (i, row) in ranking.rows.iter().enumerate() {
            let detail = match ranking.detail {
                Some(_) => format!(" {} |", row.detail),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "| {} | `{}` | {} |{detail} `{}` |",
                i + 1,
                md(&row.id),
                row.text,
                bar(row.value, largest)
            );
        }
        if ranking.rows.len() < ranking.total {
            let _ = writeln!(s, "\n… and {} more.", ranking.total - ranking.rows.len());
        }
    }
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
                    let _ = writeln!(s, "\n| Entry | Availability with this knockout |");
                    let _ = writeln!(s, "|---|---:|");
                    for e in &o.entries {
                        let _ = writeln!(s, "| {} | {} |", md(&e.id), availability_text(e));
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

fn chaos_markdown(s: &mut String, c: &ChaosReport) {
    let _ = writeln!(s, "\n## Chaos experiment\n");
    let _ = writeln!(
        s,
        "{} trials (seed {}): every replica, zone and region failed at random with its own probability. {} trials took an entry down.\n",
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

/// `a, b, c`, or `none`.
pub fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// The numbers a review leads with: `6 SPOFs · Web users 99.54 % (1 day 3 h down per
/// year)`.
pub fn headline(report: &Report) -> String {
    let mut parts = vec![match report.spofs.len() {
        0 => "no SPOF".to_owned(),
        1 => "1 SPOF".to_owned(),
        k => format!("{k} SPOFs"),
    }];
    parts.extend(report.entries.iter().map(|e| {
        format!(
            "{} {} ({} down per year)",
            e.name,
            percent(e.availability),
            duration(e.downtime_minutes_per_year)
        )
    }));
    parts.join(" · ")
}

/// Rows of the importance ranking a review shows.
pub const RANKING_ROWS: usize = 10;

/// The importance ranking: the downtime per year each component causes (with how much the
/// entries lose while it is down beside it), or, when that was not measured (the model is
/// too large), each basic event's Birnbaum importance. Largest first, at most
/// [`RANKING_ROWS`], only components or events some entry depends on.
pub struct Ranking {
    pub measure: &'static str,
    /// A chart's title, and its value axis.
    pub title: &'static str,
    pub axis: &'static str,
    /// Column headings: what is ranked, the unit of the value, and the second column's.
    pub what: &'static str,
    pub unit: &'static str,
    pub detail: Option<&'static str>,
    pub rows: Vec<Ranked>,
    /// Non-zero ones in all, shown or not.
    pub total: usize,
}

pub struct Ranked {
    pub id: String,
    pub value: f64,
    pub text: String,
    /// The second column (empty when the ranking has none).
    pub detail: String,
}

pub fn importance_ranking(report: &Report) -> Ranking {
    if report.component_importance.is_empty() {
        let all: Vec<_> = report
            .importance
            .iter()
            .filter(|i| i.birnbaum > 0.0)
            .collect();
        return Ranking {
            measure: "Birnbaum importance of each basic event: how much more likely an entry is down when it fails (the largest over the entries)",
            title: "Birnbaum importance of each basic event",
            axis: "Birnbaum importance",
            what: "Event",
            unit: "Importance",
            detail: None,
            total: all.len(),
            rows: all
                .iter()
                .take(RANKING_ROWS)
                .map(|i| Ranked {
                    id: i.event.clone(),
                    value: i.birnbaum,
                    text: format!("{:.3e}", i.birnbaum),
                    detail: String::new(),
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
        measure: "Downtime per year each component causes: what an entry would gain if the component's replicas never failed (its zones and regions still can), the largest over the entries; beside it, the availability an entry loses while the whole component is down, in percentage points",
        title: "Downtime each component causes per year",
        axis: "minutes / year it causes",
        what: "Component",
        unit: "Downtime it causes per year",
        detail: Some("Lost while down"),
        total: all.len(),
        rows: all
            .iter()
            .take(RANKING_ROWS)
            .map(|c| {
                let minutes = c.max_gain * crate::analysis::MINUTES_PER_YEAR;
                Ranked {
                    id: c.component.clone(),
                    value: minutes,
                    text: if minutes > 0.0 {
                        duration(minutes)
                    } else {
                        "none".to_owned()
                    },
                    detail: format!("{:.3} pp", c.max_drop * 100.0),
                }
            })
            .collect(),
    }
}

/// Everything of `markdown` below the title.
fn markdown_tables(s: &mut String, report: &Report, advice: &Advice) {
    let _ = writeln!(s, "## Availability\n");
    let _ = writeln!(s, "| Entry | Availability | Nines | Downtime per year |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for e in &report.entries {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md(&e.id),
            availability_text(e),
            nines(e.availability),
            duration(e.downtime_minutes_per_year)
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
            md(&r.removes_spofs.join(", ")),
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
            let _ = writeln!(s, "- Removes SPOFs: {}", md(&r.removes_spofs.join(", ")));
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
    }
}

/// Escape text for a Markdown table cell.
fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn whatif_text(w: &WhatIf) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Failed: {}", w.failed.join(", "));
    let _ = writeln!(s, "Entries down: {}", list_or_none(&w.entries_down));
    let _ = writeln!(s, "Down: {}", list_or_none(&w.down));
    let _ = writeln!(s, "Degraded: {}", list_or_none(&w.degraded));
    if !w.entries.is_empty() {
        let _ = writeln!(s, "Availability with this knockout in place:");
        for e in &w.entries {
            let _ = writeln!(s, "  {:<20} {}", e.id, percent(e.availability));
        }
    }
    s
}

pub fn whatif_json(w: &WhatIf) -> String {
    let mut s = serde_json::to_string_pretty(w).unwrap_or_default();
    s.push('\n');
    s
}

/// A chaos entry's 95 % interval: `99.50 % – 99.58 %`.
pub fn chaos_interval(e: &ChaosEntry) -> String {
    format!("{} – {}", percent(e.interval[0]), percent(e.interval[1]))
}

/// The analysis's availability a chaos entry is compared with, marked when the analysis
/// itself had to estimate it.
pub fn chaos_reference(e: &ChaosEntry) -> String {
    format!(
        "{}{}",
        percent(e.availability),
        if e.exact { "" } else { " (estimate)" }
    )
}

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
        let ranking = importance_ranking(&report);
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

    #[test]
    fn nines_of_a_component_that_is_always_down_are_zero_not_negative() {
        assert_eq!(nines(0.0), "0.0 nines");
        assert_eq!(nines(0.999), "3.0 nines");
        assert_eq!(nines(1.0), "∞ nines");
    }
}
