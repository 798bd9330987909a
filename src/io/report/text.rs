//! The reports for people at a terminal: `check` as aligned tables and what `fix` did.
//! Plain text; no colours, no Markdown.

use std::fmt::Write as _;

use super::{
    acceptance_mark, acceptance_text, count_with_accepted, degraded_text, entry_effect,
    findings_text, table, unmeasured_text,
};
use crate::advice::{Advice, EntryEffect, Recommendation, Skipped, Unfixable};
use crate::analysis::Report;
use crate::format::{
    availability_text, cost_text, duration, full_service_text, joined, nines, percents,
};

/// `check`: entries, SPOFs, order-2 risks, findings and recommendations.
pub fn check(report: &Report, advice: &Advice) -> String {
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

    let _ = writeln!(
        s,
        "\nSPOFs ({})",
        count_with_accepted(report.spofs.len(), report.unaccepted_spofs())
    );
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
                    marked(&p.id, acceptance_mark(report, Some(p.risk()))),
                    p.takes_down.join(", "),
                    p.blast_radius.len().to_string(),
                ]
            })
            .collect();
        table(&mut s, &["kind", "id", "takes down", "blast radius"], &rows);
    }

    let _ = writeln!(
        s,
        "\nOrder-2 risks ({})",
        count_with_accepted(report.order2_total, report.unaccepted_order2())
    );
    let rows: Vec<[String; 2]> = report
        .order2
        .iter()
        .map(|c| {
            [
                marked(&c.events.join(" + "), acceptance_mark(report, c.risk())),
                c.takes_down.join(", "),
            ]
        })
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
            "  {:<7} {:<20} {}{}",
            f.severity.as_str(),
            f.rule,
            f.message,
            acceptance_mark(report, Some(f.risk()))
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        );
    }
    if !report.accepted.is_empty() {
        let _ = writeln!(s, "\nAccepted risks ({})", report.accepted.len());
        for a in &report.accepted {
            let _ = writeln!(s, "  {}  {}", a.risk, acceptance_text(a));
        }
    }
    recommendations_text(&mut s, advice);
    s
}

/// `db (accepted)`: an item's text with its acceptance mark.
fn marked(text: &str, mark: Option<&str>) -> String {
    match mark {
        Some(m) => format!("{text} ({m})"),
        None => text.to_owned(),
    }
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
pub fn fix(
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
