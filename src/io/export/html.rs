//! The review report as one self-contained HTML page (`export X.html`, `check --format
//! html`): inline CSS, the diagram and the bar charts as inline SVG, no script and no
//! reference to anything outside the page. Also well-formed XML, so tests read it back.
//! Every number comes from the `Report`, `Advice` and what-ifs it is given.

use std::fmt::Write as _;

use super::font::text_width;
use super::svg::{self, esc};
use crate::advice::Advice;
use crate::analysis::Report;
use crate::analysis::chaos::ChaosReport;
use crate::analysis::scenario::{Knockout, ScenarioError};
use crate::format::{
    availability_text, chaos_interval, chaos_reference, cost_text, degraded, duration,
    full_service_clause, full_service_text, joined, list_or_none, nines, percent, saving,
};
use crate::io::report::chaos::CHAOS_METHOD;
use crate::io::report::ranking::{Ranked, importance_ranking};
use crate::io::report::{
    acceptance_text, entry_effect, findings_text, headline, mark_word, unmeasured_text,
};
use crate::model::Model;
use crate::model::Risk;
use crate::style::{AMBER, RED, Rgb};

const STYLE: &str = "
:root { color-scheme: light; --text: #1b1b1b; --muted: #5f5f5f; --line: #dedede;
  --zebra: #f6f6f6; --accent: #00537d; --red: #d63031; --amber: #9a5c00; --green: #1e7a43; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; color: var(--text); background: #ffffff;
  font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; }
main { max-width: 1200px; margin: 0 auto; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
p { margin: 6px 0; }
code { font: 13px/1.3 ui-monospace, 'DejaVu Sans Mono', monospace; background: #f0f0f0;
  padding: 1px 4px; border-radius: 3px; }
.headline { color: var(--muted); margin-bottom: 16px; }
.note { color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; padding: 0; list-style: none; }
.tiles li { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 150px; }
.tiles b { display: block; font-size: 24px; }
.tiles .bad b { color: var(--red); }
.tiles .good b { color: var(--green); }
.tiles span { color: var(--muted); font-size: 13px; }
.figure { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { background: #efefef; font-weight: 600; }
tbody tr:nth-child(even) { background: var(--zebra); }
td code { white-space: nowrap; }
#importance, .scenario-entries { width: auto; min-width: 560px; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.sev-error { color: var(--red); font-weight: 600; }
.sev-warning { color: var(--amber); font-weight: 600; }
.sev-info { color: var(--muted); }
tr.accepted td { color: var(--muted); }
.accepted-mark { font-size: 0.85em; font-style: italic; }
.why { color: var(--muted); font-size: 13px; margin-top: 4px; }
summary { color: var(--accent); font-size: 13px; cursor: pointer; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; margin-top: 16px; }
.charts .figure { flex: 1 1 480px; }
.scenario { border-left: 4px solid var(--line); padding-left: 14px; margin: 16px 0; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { padding: 0; font-size: 11pt; }
  main { max-width: none; }
  h2, h3 { break-after: avoid; }
  tr, .tiles li, .scenario, .figure, svg.chart { break-inside: avoid; }
  .figure { overflow: visible; border: none; padding: 0; }
  thead { display: table-header-group; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

/// The whole page. `knockout`, when given, is drawn on the diagram.
pub fn render(
    model: &Model,
    report: &Report,
    advice: &Advice,
    knockout: Option<&Knockout>,
    chaos: Option<&ChaosReport>,
) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(
        s,
        "<meta name=\"generator\" content=\"spofscope {}\"/>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(s, "<title>{} · SPOF review</title>", esc(&report.model));
    let _ = writeln!(s, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    header(&mut s, report);
    let _ = writeln!(s, "<section id=\"diagram\">\n<h2>Diagram</h2>");
    if let Some(k) = knockout {
        let _ = writeln!(
            s,
            "<p class=\"note\">Drawn with the scenario \u{201c}{}\u{201d} applied: down red, degraded amber, up green.</p>",
            esc(&k.scenario)
        );
    }
    let diagram = svg::render(model, report, knockout, svg::Embedding::Inline);
    let _ = writeln!(s, "<div class=\"figure\">\n{diagram}</div>\n</section>");
    entries(&mut s, model, report);
    spofs(&mut s, report);
    order2(&mut s, report);
    findings(&mut s, report);
    recommendations(&mut s, advice);
    importance(&mut s, model, report);
    scenarios(&mut s, &Knockout::all(model));
    if let Some(c) = chaos {
        chaos_section(&mut s, c);
    }
    let _ = writeln!(
        s,
        "<footer>Written by spofscope {} from the model \u{201c}{}\u{201d}: {} components, {} dependencies, {} basic events.</footer>",
        env!("CARGO_PKG_VERSION"),
        esc(&report.model),
        report.stats.components,
        report.stats.dependencies,
        report.stats.basic_events
    );
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

fn header(s: &mut String, report: &Report) {
    let _ = writeln!(s, "<header>\n<h1>{}</h1>", esc(&report.model));
    let _ = writeln!(s, "<p class=\"headline\">{}</p>", esc(&headline(report)));
    let _ = writeln!(s, "<ul class=\"tiles\">");
    let tile = |s: &mut String, good: bool, value: &str, label: &str| {
        let class = if good { "good" } else { "bad" };
        let _ = writeln!(
            s,
            "<li class=\"{class}\"><b>{}</b><span>{}</span></li>",
            esc(value),
            esc(label)
        );
    };
    tile(
        s,
        report.spofs.is_empty(),
        &report.spofs.len().to_string(),
        "single points of failure",
    );
    tile(
        s,
        report.order2_total == 0,
        &report.order2_total.to_string(),
        "order-2 risks",
    );
    for e in &report.entries {
        tile(
            s,
            !report.spofs.iter().any(|p| p.takes_down.contains(&e.id)),
            &percent(e.availability),
            &format!(
                "{} · {} · {} down per year{}",
                e.name,
                nines(e.availability),
                duration(e.downtime_minutes_per_year),
                full_service_clause(e)
            ),
        );
    }
    let _ = writeln!(s, "</ul>");
    if !report.always_down.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"sev-error\">Down with nothing failed (left out of everything below): {}</p>",
            esc(&report.always_down.join(", "))
        );
    }
    let _ = writeln!(s, "</header>");
}

/// A table's head; `numeric` columns are right-aligned.
fn table_head(s: &mut String, id: &str, columns: &[(&str, bool)]) {
    let _ = write!(s, "<table id=\"{id}\">\n<thead><tr>");
    for (name, numeric) in columns {
        let class = if *numeric { " class=\"num\"" } else { "" };
        let _ = write!(s, "<th{class}>{}</th>", esc(name));
    }
    let _ = writeln!(s, "</tr></thead>\n<tbody>");
}

fn entries(s: &mut String, model: &Model, report: &Report) {
    let _ = writeln!(s, "<section id=\"availability\">\n<h2>Availability</h2>");
    let _ = writeln!(
        s,
        "<p class=\"note\">Full service: everything the entry reaches, hard and soft, is up. Degraded: the entry is up, but something it reaches is down.</p>"
    );
    table_head(
        s,
        "entries",
        &[
            ("Entry", false),
            ("Name", false),
            ("Availability", true),
            ("Nines", true),
            ("Downtime per year", true),
            ("Full service", true),
            ("Degraded per year", true),
        ],
    );
    for e in &report.entries {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\" data-value=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\" data-value=\"{}\">{}</td><td class=\"num\" data-value=\"{}\">{}</td><td class=\"num\" data-value=\"{}\">{}</td></tr>",
            esc(&e.id),
            esc(&e.name),
            e.availability,
            esc(&availability_text(e)),
            nines(e.availability),
            e.downtime_minutes_per_year,
            duration(e.downtime_minutes_per_year),
            e.full_service_availability,
            esc(&full_service_text(e)),
            e.degraded_minutes_per_year,
            degraded(e)
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>");
    let mut charts = Vec::new();
    if !report.entries.is_empty() {
        let rows: Vec<Bar> = report
            .entries
            .iter()
            .map(|e| Bar {
                label: e.name.clone(),
                values: vec![e.downtime_minutes_per_year, e.degraded_minutes_per_year],
                text: format!(
                    "{} down, {} degraded",
                    duration(e.downtime_minutes_per_year),
                    degraded(e)
                ),
            })
            .collect();
        charts.push(bar_chart(
            "Downtime and degraded time per year by entry",
            &rows,
            &[("down", RED), ("degraded", AMBER)],
        ));
    }
    let ranking = importance_ranking(report, model);
    if !ranking.rows.is_empty() {
        let rows: Vec<Bar> = ranking
            .rows
            .iter()
            .map(|r| Bar {
                label: r.label.clone(),
                values: vec![r.value],
                text: r.text.clone(),
            })
            .collect();
        charts.push(bar_chart(ranking.title, &rows, &[("", svg::ACCENT)]));
    }
    if !charts.is_empty() {
        let _ = writeln!(s, "<div class=\"charts\">");
        for chart in charts {
            let _ = writeln!(s, "<div class=\"figure\">\n{chart}</div>");
        }
        let _ = writeln!(s, "</div>");
    }
    let _ = writeln!(s, "</section>");
}

fn spofs(s: &mut String, report: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"spofs-section\">\n<h2>Single points of failure ({})</h2>",
        report.spofs.len()
    );
    if report.spofs.is_empty() {
        let _ = writeln!(
            s,
            "<p>None: no single component, zone or region takes an entry down.</p>\n</section>"
        );
        return;
    }
    table_head(
        s,
        "spofs",
        &[
            ("Kind", false),
            ("Id", false),
            ("Entries down", false),
            ("Blast radius", true),
            ("Components down", false),
        ],
    );
    for p in &report.spofs {
        let (row, mark) = acceptance_cells(report, Some(p.risk()));
        let _ = writeln!(
            s,
            "<tr{row}><td>{}</td><td><code>{}</code>{mark}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            p.kind.as_str(),
            esc(&p.id),
            esc(&p.takes_down.join(", ")),
            p.blast_radius.len(),
            esc(&p.blast_radius.join(", "))
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>\n</section>");
}

fn order2(s: &mut String, report: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"order2-section\">\n<h2>Order-2 risks ({})</h2>",
        report.order2_total
    );
    if report.order2.is_empty() {
        let _ = writeln!(
            s,
            "<p>None: no two failures together take an entry down unless one alone does.</p>\n</section>"
        );
        return;
    }
    table_head(s, "order2", &[("Events", false), ("Take down", false)]);
    for c in &report.order2 {
        let (row, mark) = acceptance_cells(report, c.risk());
        let _ = writeln!(
            s,
            "<tr{row}><td><code>{}</code> + <code>{}</code>{mark}</td><td>{}</td></tr>",
            esc(&c.events[0]),
            esc(&c.events[1]),
            esc(&c.takes_down.join(", "))
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>");
    if report.order2.len() < report.order2_total {
        let _ = writeln!(
            s,
            "<p class=\"note\">… and {} more.</p>",
            report.order2_total - report.order2.len()
        );
    }
    let _ = writeln!(s, "</section>");
}

fn findings(s: &mut String, report: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"findings-section\">\n<h2>Findings ({})</h2>",
        report.findings.len()
    );
    if report.findings.is_empty() {
        let _ = writeln!(s, "<p>None.</p>\n</section>");
        return;
    }
    table_head(
        s,
        "findings",
        &[
            ("Severity", false),
            ("Rule", false),
            ("Target", false),
            ("Message", false),
        ],
    );
    for f in &report.findings {
        let severity = f.severity.as_str();
        let (row, mark) = acceptance_cells(report, Some(f.risk()));
        let _ = writeln!(
            s,
            "<tr{row}><td class=\"sev-{severity}\">{severity}</td><td>{}</td><td><code>{}</code></td><td>{}{mark}</td></tr>",
            esc(f.rule.as_str()),
            esc(&f.target),
            esc(&f.message)
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>\n</section>");
    accepted(s, report);
}

/// The row attribute and the mark of an accepted item: greyed while the acceptance holds,
/// the reason on hover; an expired one keeps its colours and says it expired.
fn acceptance_cells(report: &Report, risk: Option<Risk>) -> (&'static str, String) {
    let Some(a) = risk.and_then(|r| report.acceptance(&r)) else {
        return ("", String::new());
    };
    let row = if a.holds() { " class=\"accepted\"" } else { "" };
    let mark = format!(
        " <span class=\"accepted-mark\" title=\"{}\">({})</span>",
        esc(&acceptance_text(a)),
        mark_word(a)
    );
    (row, mark)
}

/// Every accepted risk with its standing, stale ones included.
fn accepted(s: &mut String, report: &Report) {
    if report.accepted.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "<section id=\"accepted-section\">\n<h2>Accepted risks ({})</h2>",
        report.accepted.len()
    );
    table_head(s, "accepted", &[("Risk", false), ("Standing", false)]);
    for a in &report.accepted {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            esc(&a.risk.to_string()),
            esc(&acceptance_text(a))
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>\n</section>");
}

fn recommendations(s: &mut String, advice: &Advice) {
    let list = &advice.recommendations;
    let _ = writeln!(
        s,
        "<section id=\"recommendations-section\">\n<h2>Recommendations ({})</h2>",
        list.len()
    );
    if !advice.unmeasured.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"note\">{}</p>",
            esc(&unmeasured_text(&advice.unmeasured))
        );
    }
    if list.is_empty() {
        let _ = writeln!(
            s,
            "<p>None: nothing a model edit can improve.</p>\n</section>"
        );
        return;
    }
    table_head(
        s,
        "recommendations",
        &[
            ("#", true),
            ("Recommendation", false),
            ("Strategy", false),
            ("Removes SPOFs", false),
            ("Downtime saved per year", true),
            ("Cost", false),
        ],
    );
    for (i, r) in list.iter().enumerate() {
        let _ = write!(
            s,
            "<tr><td class=\"num\">{}</td><td><code>{}</code><div>{}</div><details><summary>Why</summary><div class=\"why\">{}</div></details><div class=\"why\">",
            i + 1,
            esc(&r.id),
            esc(&r.summary),
            esc(&r.rationale)
        );
        let effects: Vec<String> = r.entries.iter().map(|e| esc(&entry_effect(e))).collect();
        s.push_str(&effects.join("<br/>"));
        let resolved = findings_text(&r.resolves_findings);
        if !resolved.is_empty() {
            let _ = write!(s, "<br/>Resolves: {}", esc(&resolved));
        }
        let added = findings_text(&r.adds_findings);
        if !added.is_empty() {
            let _ = write!(s, "<br/>Brings: {}", esc(&added));
        }
        let mut cost = esc(&cost_text(&r.cost));
        if let Some(code) = &r.cost.code_change {
            let _ = write!(cost, "<div class=\"why\">Code change: {}</div>", esc(code));
        }
        if let Some(process) = &r.cost.process_change {
            let _ = write!(
                cost,
                "<div class=\"why\">Process change: {}</div>",
                esc(process)
            );
        }
        let _ = writeln!(
            s,
            "</div></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{cost}</td></tr>",
            r.strategy.as_str(),
            esc(&joined(&r.removes_spofs, ", ")),
            saving(r.downtime_saved_minutes_per_year)
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>\n</section>");
}

fn importance(s: &mut String, model: &Model, report: &Report) {
    let ranking = importance_ranking(report, model);
    let _ = writeln!(
        s,
        "<section id=\"importance-section\">\n<h2>Importance</h2>"
    );
    if ranking.rows.is_empty() {
        let _ = writeln!(s, "<p>None measured.</p>\n</section>");
        return;
    }
    let _ = writeln!(s, "<p class=\"note\">{}.</p>", esc(ranking.measure));
    let mut columns = vec![("#", true), (ranking.what, false), (ranking.unit, true)];
    columns.extend(ranking.causes.map(|h| (h, false)));
    columns.extend(ranking.detail.map(|h| (h, true)));
    table_head(s, "importance", &columns);
    for (i, row) in ranking.rows.iter().enumerate() {
        let mut extra = String::new();
        if ranking.causes.is_some() {
            let _ = write!(extra, "<td>{}</td>", esc(&row.causes));
        }
        if ranking.detail.is_some() {
            let _ = write!(extra, "<td class=\"num\">{}</td>", esc(&row.detail));
        }
        let _ = writeln!(
            s,
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\" data-value=\"{}\">{}</td>{extra}</tr>",
            i + 1,
            ranked_html(row),
            row.value,
            esc(&row.text)
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>");
    if ranking.rows.len() < ranking.total {
        let _ = writeln!(
            s,
            "<p class=\"note\">… and {} more.</p>",
            ranking.total - ranking.rows.len()
        );
    }
    let _ = writeln!(s, "</section>");
}

/// The ranked id in code, then its words when they say more.
fn ranked_html(row: &Ranked) -> String {
    if row.label == row.id {
        format!("<code>{}</code>", esc(&row.id))
    } else {
        format!("<code>{}</code> {}", esc(&row.id), esc(&row.label))
    }
}

fn scenarios(s: &mut String, scenarios: &[Result<Knockout, ScenarioError>]) {
    let _ = writeln!(
        s,
        "<section id=\"scenarios\">\n<h2>Scenarios ({})</h2>",
        scenarios.len()
    );
    if scenarios.is_empty() {
        let _ = writeln!(s, "<p>None saved in the model.</p>");
    }
    for scenario in scenarios {
        let k = match scenario {
            Ok(k) => k,
            Err(e) => {
                let _ = writeln!(
                    s,
                    "<div class=\"scenario\"><p class=\"sev-error\">{}</p></div>",
                    esc(&e.to_string())
                );
                continue;
            }
        };
        let o = &k.outcome;
        let _ = writeln!(
            s,
            "<div class=\"scenario\">\n<h3>{}</h3>\n<p>Fails <code>{}</code>.</p>\n<ul>",
            esc(&k.scenario),
            esc(&joined(&o.failed, ", "))
        );
        let _ = writeln!(
            s,
            "<li>Entries down: {}</li>\n<li>Components down ({}): {}</li>\n<li>Components degraded ({}): {}</li>\n</ul>",
            esc(&list_or_none(&o.entries_down)),
            o.down.len(),
            esc(&list_or_none(&o.down)),
            o.degraded.len(),
            esc(&list_or_none(&o.degraded))
        );
        if !o.entries.is_empty() {
            let _ = writeln!(
                s,
                "<table class=\"scenario-entries\">\n<thead><tr><th>Entry</th><th class=\"num\">Availability with this knockout</th><th class=\"num\">Full service</th></tr></thead>\n<tbody>"
            );
            for e in &o.entries {
                let _ = writeln!(
                    s,
                    "<tr><td><code>{}</code></td><td class=\"num\" data-value=\"{}\">{}</td><td class=\"num\" data-value=\"{}\">{}</td></tr>",
                    esc(&e.id),
                    e.availability,
                    esc(&availability_text(e)),
                    e.full_service_availability,
                    esc(&full_service_text(e))
                );
            }
            let _ = writeln!(s, "</tbody>\n</table>");
        }
        let _ = writeln!(s, "</div>");
    }
    let _ = writeln!(s, "</section>");
}

fn chaos_section(s: &mut String, c: &ChaosReport) {
    let _ = writeln!(
        s,
        "<section id=\"chaos\">\n<h2>Chaos experiment</h2>\n<p>{} trials (seed {}): {CHAOS_METHOD} {} trials took an entry down.</p>",
        c.trials, c.seed, c.outage_trials
    );
    table_head(
        s,
        "chaos-entries",
        &[
            ("Entry", false),
            ("Observed", true),
            ("95 % interval", true),
            ("Exact", true),
            ("Inside", false),
        ],
    );
    for e in &c.entries {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td class=\"num\" data-value=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\" data-value=\"{}\">{}</td><td>{}</td></tr>",
            esc(&e.id),
            e.observed_availability,
            esc(&percent(e.observed_availability)),
            esc(&chaos_interval(e)),
            e.availability,
            esc(&chaos_reference(e)),
            if e.interval_contains_availability {
                "yes"
            } else {
                "no"
            }
        );
    }
    let _ = writeln!(s, "</tbody>\n</table>");
    if !c.causes.is_empty() {
        let _ = writeln!(
            s,
            "<h3>Failures behind the outages ({} distinct, most frequent first)</h3>",
            c.distinct_causes
        );
        table_head(
            s,
            "chaos-causes",
            &[("Trials", true), ("Failed together", false)],
        );
        for k in c.causes.iter().take(10) {
            let _ = writeln!(
                s,
                "<tr><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
                k.trials,
                esc(&k.failed.join(" + "))
            );
        }
        let _ = writeln!(s, "</tbody>\n</table>");
        let rows: Vec<Bar> = c
            .participants
            .iter()
            .take(10)
            .map(|p| Bar {
                label: p.id.clone(),
                values: vec![p.trials as f64],
                text: p.trials.to_string(),
            })
            .collect();
        s.push_str(&bar_chart(
            "Took part in outages most often (trials)",
            &rows,
            &[("", svg::ACCENT)],
        ));
    }
    let _ = writeln!(s, "</section>");
}

/// One row of a bar chart: its label, the lengths of its stacked segments (one per
/// series) and the value as text.
struct Bar {
    label: String,
    values: Vec<f64>,
    text: String,
}

/// A horizontal bar chart as inline SVG: one row per bar, segments stacked left to right
/// in the colours of `series` (`(name, colour)`; named series get a key under the title),
/// bars proportional to the largest total.
fn bar_chart(title: &str, rows: &[Bar], series: &[(&str, Rgb)]) -> String {
    const WIDTH: f32 = 560.0;
    const ROW: f32 = 26.0;
    let keyed = series.iter().any(|(name, _)| !name.is_empty());
    let top: f32 = if keyed { 54.0 } else { 34.0 };
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.label, 12.0))
        .fold(0.0, f32::max)
        .min(200.0)
        + 16.0;
    let text_w = rows
        .iter()
        .map(|r| text_width(&r.text, 12.0))
        .fold(0.0, f32::max)
        + 12.0;
    let bar_max = (WIDTH - label_w - text_w - 8.0).max(40.0);
    let total = |r: &Bar| r.values.iter().sum::<f64>();
    let largest = rows.iter().map(total).fold(0.0, f64::max);
    let height = top + rows.len() as f32 * ROW + 8.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg class=\"chart\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" role=\"img\">"
    );
    let _ = writeln!(s, "<title>{}</title>", esc(title));
    let _ = writeln!(
        s,
        "<text x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"600\" fill=\"#1b1b1b\">{}</text>",
        esc(title)
    );
    if keyed {
        let mut x = 8.0;
        for (name, colour) in series {
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"30\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"40\" font-size=\"12\" fill=\"#5f5f5f\">{}</text>",
                x + 16.0,
                esc(name)
            );
            x += 16.0 + text_width(name, 12.0) + 16.0;
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f32 * ROW;
        let label = super::font::truncate(&row.label, 12.0, label_w - 16.0);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#1b1b1b\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 12.5,
            esc(&label)
        );
        let mut x = label_w;
        for (k, (&value, (_, colour))) in row.values.iter().zip(series).enumerate() {
            // The first segment always shows a sliver, so a tiny bar is seen to be there.
            if k > 0 && value <= 0.0 {
                continue;
            }
            let w = if largest > 0.0 {
                ((value / largest) as f32 * bar_max).max(1.0)
            } else {
                0.0
            };
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{}\" width=\"{w:.1}\" height=\"16\" rx=\"2\" fill=\"{colour}\"/>",
                y + 1.0
            );
            x += w;
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#5f5f5f\">{}</text>",
            x + 6.0,
            y + 12.5,
            esc(&row.text)
        );
    }
    s.push_str("</svg>\n");
    s
}
