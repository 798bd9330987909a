//! The review report as Markdown (`export X.md`): the diagram linked beside it, the tables of
//! `check`, downtime bars, importance, scenarios, chaos. Text only; never draws the diagram.

use std::fmt::Write as _;

use crate::advice::Advice;
use crate::analysis::chaos::ChaosReport;
use crate::analysis::scenario::{Knockout, ScenarioError};
use crate::analysis::{EntryAvailability, Report};
use crate::format::{
    availability_text, chaos_interval, chaos_reference, degraded, duration, full_service_text,
    list_or_none, percent,
};
use crate::io::report::chaos::CHAOS_METHOD;
use crate::io::report::headline;
use crate::io::report::markdown::{md, tables};
use crate::io::report::ranking::{Ranked, Ranking, importance_ranking};
use crate::model::Model;

/// The review report as Markdown (`export X.md`): `check --format markdown`'s tables after the headline
/// and the diagram (an SVG file beside the report, named `diagram_file`), then the
/// importance ranking and each scenario's outcome. `report` is the analysis of `model`.
pub fn render(
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
    tables(&mut s, report, advice);
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
}
