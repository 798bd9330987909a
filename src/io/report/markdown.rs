//! `check --format markdown`: the analysis and recommendations as tables for wikis and pull
//! requests, and the tables the Markdown review export builds on. Text only.

use std::fmt::Write as _;

use super::{
    acceptance_mark, acceptance_text, count_with_accepted, entry_effect, findings_text,
    unmeasured_text,
};
use crate::advice::Advice;
use crate::analysis::Report;
use crate::format::{
    availability_text, cost_text, degraded, duration, full_service_text, joined, nines, saving,
};

/// The analysis and recommendations under the model's name as a heading.
pub fn check(report: &Report, advice: &Advice) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", report.model);
    tables(&mut s, report, advice);
    s
}

/// Everything of [`check`] below the title.
pub(crate) fn tables(s: &mut String, report: &Report, advice: &Advice) {
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
        count_with_accepted(report.spofs.len(), report.unaccepted_spofs())
    );
    if report.spofs.is_empty() {
        let _ = writeln!(s, "None.");
    } else {
        let _ = writeln!(s, "| Kind | Id | Takes down | Blast radius |");
        let _ = writeln!(s, "|---|---|---|---|");
        for p in &report.spofs {
            let _ = writeln!(
                s,
                "| {} | `{}`{} | {} | {} ({}) |",
                p.kind.as_str(),
                md(&p.id),
                mark(acceptance_mark(report, Some(p.risk()))),
                md(&p.takes_down.join(", ")),
                p.blast_radius.len(),
                md(&p.blast_radius.join(", "))
            );
        }
    }
    let _ = writeln!(
        s,
        "\n## Order-2 risks ({})\n",
        count_with_accepted(report.order2_total, report.unaccepted_order2())
    );
    if report.order2.is_empty() {
        let _ = writeln!(s, "None.");
    } else {
        let _ = writeln!(s, "| Events | Take down |");
        let _ = writeln!(s, "|---|---|");
        for c in &report.order2 {
            let _ = writeln!(
                s,
                "| `{}` + `{}`{} | {} |",
                md(&c.events[0]),
                md(&c.events[1]),
                mark(acceptance_mark(report, c.risk())),
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
            "- **{}** `{}` ({}): {}{}",
            f.rule,
            md(&f.target),
            f.severity.as_str(),
            md(&f.message),
            mark(acceptance_mark(report, Some(f.risk())))
        );
    }
    if !report.accepted.is_empty() {
        let _ = writeln!(s, "\n## Accepted risks ({})\n", report.accepted.len());
        for a in &report.accepted {
            let _ = writeln!(
                s,
                "- `{}`: {}",
                md(&a.risk.to_string()),
                md(&acceptance_text(a))
            );
        }
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
pub(crate) fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// ` *(accepted)*` after an accepted item; nothing otherwise.
fn mark(mark: Option<&str>) -> String {
    mark.map(|m| format!(" *({m})*")).unwrap_or_default()
}
