//! `spofscope diff`: what a change did to a model's resilience, as text for a terminal,
//! JSON for machines (the keys of DESIGN §3 "diff" first) and Markdown to paste as a
//! pull-request comment.

use std::fmt::Write as _;

use serde::Serialize;

use crate::analysis::diff::{EntryChange, EntryNumbers, ResilienceDiff};
use crate::format::{duration, percents};
use crate::model::Event;
use crate::model::diff::ComponentChange;

/// `99.34 % → 99.60 %`, `new: 99.60 %`, `removed (was 99.34 %)`.
pub fn availability_change(before: Option<f64>, after: Option<f64>) -> String {
    match (before, after) {
        (Some(b), Some(a)) => {
            let (b, a) = percents(b, a);
            if b == a { b } else { format!("{b} → {a}") }
        }
        (None, Some(a)) => format!("new: {}", percents(a, a).1),
        (Some(b), None) => format!("removed (was {})", percents(b, b).0),
        (None, None) => String::new(),
    }
}

/// `39 h 16 min → 23 h 20 min per year`.
pub fn downtime_change(e: &EntryChange) -> String {
    match (e.before, e.after) {
        (Some(b), Some(a)) if b.downtime_minutes_per_year != a.downtime_minutes_per_year => {
            format!(
                "{} → {} down per year",
                duration(b.downtime_minutes_per_year),
                duration(a.downtime_minutes_per_year)
            )
        }
        (_, Some(a)) | (Some(a), None) => {
            format!("{} down per year", duration(a.downtime_minutes_per_year))
        }
        (None, None) => String::new(),
    }
}

fn full_service(n: Option<EntryNumbers>) -> Option<f64> {
    n.map(|n| n.full_service_availability)
}

fn changed_text(c: &ComponentChange) -> String {
    format!("{} ({})", c.id, c.fields.join(", "))
}

fn verdict(d: &ResilienceDiff) -> &'static str {
    if d.regressed() {
        "regression: a new SPOF or an entry less available"
    } else if d.spofs_removed.is_empty()
        && d.order2_removed.is_empty()
        && !d.entries.iter().any(EntryChange::changed)
    {
        "no change in resilience"
    } else {
        "no regression"
    }
}

fn pair_text(p: &[String; 2]) -> String {
    format!("{} + {}", p[0], p[1])
}

/// For a terminal.
pub fn text(d: &ResilienceDiff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Resilience diff: {}", verdict(d));
    let _ = writeln!(s, "\nEntries");
    for e in &d.entries {
        let _ = writeln!(
            s,
            "  {}: {} ({}); full service {}",
            e.id,
            availability_change(
                e.before.map(|n| n.availability),
                e.after.map(|n| n.availability)
            ),
            downtime_change(e),
            availability_change(full_service(e.before), full_service(e.after))
        );
    }
    let list = |s: &mut String, title: &str, items: Vec<String>| {
        if !items.is_empty() {
            let _ = writeln!(s, "\n{title} ({})", items.len());
            for i in items {
                let _ = writeln!(s, "  {i}");
            }
        }
    };
    list(&mut s, "SPOFs added", spofs_added(d));
    list(&mut s, "SPOFs removed", strings(&d.spofs_removed));
    list(
        &mut s,
        "Order-2 risks added",
        d.order2_added.iter().map(pair_text).collect(),
    );
    list(
        &mut s,
        "Order-2 risks removed",
        d.order2_removed.iter().map(pair_text).collect(),
    );
    let m = &d.model;
    list(&mut s, "Components added", m.components_added.clone());
    list(&mut s, "Components removed", m.components_removed.clone());
    list(
        &mut s,
        "Components changed",
        m.components_changed.iter().map(changed_text).collect(),
    );
    list(&mut s, "Dependencies added", deps(&m.dependencies_added));
    list(
        &mut s,
        "Dependencies removed",
        deps(&m.dependencies_removed),
    );
    list(
        &mut s,
        "Dependencies changed",
        deps(&m.dependencies_changed),
    );
    list(&mut s, "Zones and regions added", m.places_added.clone());
    list(
        &mut s,
        "Zones and regions removed",
        m.places_removed.clone(),
    );
    if m.defaults_changed {
        list(&mut s, "Defaults changed", vec!["defaults".to_owned()]);
    }
    s
}

fn strings(events: &[Event]) -> Vec<String> {
    events.iter().map(ToString::to_string).collect()
}

/// Added SPOFs, an accepted one marked.
pub fn spofs_added(d: &ResilienceDiff) -> Vec<String> {
    d.spofs_added
        .iter()
        .map(|e| {
            if d.spofs_added_accepted.contains(e) {
                format!("{e} (accepted)")
            } else {
                e.to_string()
            }
        })
        .collect()
}

fn deps(list: &[crate::model::Dependency]) -> Vec<String> {
    list.iter()
        .map(|d| format!("{} → {} ({})", d.from, d.to, d.kind.as_str()))
        .collect()
}

/// The keys of DESIGN §3 first, then the details.
#[derive(Serialize)]
struct Json<'a> {
    regression: bool,
    spofs_added: Vec<String>,
    spofs_removed: Vec<String>,
    order2_added: usize,
    order2_removed: usize,
    entries: Vec<EntryJson<'a>>,
    components_added: &'a [String],
    components_removed: &'a [String],
    components_changed: Vec<&'a str>,
    spofs_added_accepted: Vec<String>,
    order2_added_sets: &'a [[String; 2]],
    order2_removed_sets: &'a [[String; 2]],
    components_changed_fields: &'a [ComponentChange],
    dependencies_added: &'a [crate::model::Dependency],
    dependencies_removed: &'a [crate::model::Dependency],
    dependencies_changed: &'a [crate::model::Dependency],
    places_added: &'a [String],
    places_removed: &'a [String],
    defaults_changed: bool,
}

#[derive(Serialize)]
struct EntryJson<'a> {
    id: &'a str,
    before: Option<f64>,
    after: Option<f64>,
    full_service_before: Option<f64>,
    full_service_after: Option<f64>,
    downtime_minutes_per_year_before: Option<f64>,
    downtime_minutes_per_year_after: Option<f64>,
}

pub fn json(d: &ResilienceDiff) -> String {
    let m = &d.model;
    let doc = Json {
        regression: d.regressed(),
        spofs_added: strings(&d.spofs_added),
        spofs_removed: strings(&d.spofs_removed),
        order2_added: d.order2_added.len(),
        order2_removed: d.order2_removed.len(),
        entries: d
            .entries
            .iter()
            .map(|e| EntryJson {
                id: &e.id,
                before: e.before.map(|n| n.availability),
                after: e.after.map(|n| n.availability),
                full_service_before: full_service(e.before),
                full_service_after: full_service(e.after),
                downtime_minutes_per_year_before: e.before.map(|n| n.downtime_minutes_per_year),
                downtime_minutes_per_year_after: e.after.map(|n| n.downtime_minutes_per_year),
            })
            .collect(),
        components_added: &m.components_added,
        components_removed: &m.components_removed,
        components_changed: m.components_changed.iter().map(|c| c.id.as_str()).collect(),
        spofs_added_accepted: strings(&d.spofs_added_accepted),
        order2_added_sets: &d.order2_added,
        order2_removed_sets: &d.order2_removed,
        components_changed_fields: &m.components_changed,
        dependencies_added: &m.dependencies_added,
        dependencies_removed: &m.dependencies_removed,
        dependencies_changed: &m.dependencies_changed,
        places_added: &m.places_added,
        places_removed: &m.places_removed,
        defaults_changed: m.defaults_changed,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// A pull-request comment: a verdict, the entries' table, then what was added and removed.
pub fn markdown(d: &ResilienceDiff) -> String {
    let mut s = String::new();
    let icon = if d.regressed() { "⚠️" } else { "✅" };
    let _ = writeln!(s, "### {icon} spofscope: {}\n", verdict(d));
    let _ = writeln!(s, "| Entry | Availability | Downtime | Full service |");
    let _ = writeln!(s, "|---|---|---|---|");
    for e in &d.entries {
        let _ = writeln!(
            s,
            "| `{}` | {}{} | {} | {} |",
            e.id,
            availability_change(
                e.before.map(|n| n.availability),
                e.after.map(|n| n.availability)
            ),
            if e.fell() { " 🔻" } else { "" },
            downtime_change(e),
            availability_change(full_service(e.before), full_service(e.after))
        );
    }
    let code = |items: Vec<String>| {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let line = |s: &mut String, title: &str, items: Vec<String>| {
        if !items.is_empty() {
            let _ = writeln!(s, "- **{title}** ({}): {}", items.len(), code(items));
        }
    };
    s.push('\n');
    line(&mut s, "SPOFs added", spofs_added(d));
    line(&mut s, "SPOFs removed", strings(&d.spofs_removed));
    line(
        &mut s,
        "Order-2 risks added",
        d.order2_added.iter().map(pair_text).collect(),
    );
    line(
        &mut s,
        "Order-2 risks removed",
        d.order2_removed.iter().map(pair_text).collect(),
    );
    let m = &d.model;
    line(&mut s, "Components added", m.components_added.clone());
    line(&mut s, "Components removed", m.components_removed.clone());
    line(
        &mut s,
        "Components changed",
        m.components_changed.iter().map(changed_text).collect(),
    );
    line(&mut s, "Dependencies added", deps(&m.dependencies_added));
    line(
        &mut s,
        "Dependencies removed",
        deps(&m.dependencies_removed),
    );
    line(
        &mut s,
        "Dependencies changed",
        deps(&m.dependencies_changed),
    );
    line(&mut s, "Zones and regions added", m.places_added.clone());
    line(
        &mut s,
        "Zones and regions removed",
        m.places_removed.clone(),
    );
    if m.defaults_changed {
        line(&mut s, "Defaults changed", vec!["defaults".to_owned()]);
    }
    if d.spofs_added.is_empty()
        && d.spofs_removed.is_empty()
        && d.order2_added.is_empty()
        && d.order2_removed.is_empty()
        && m.is_empty()
    {
        let _ = writeln!(s, "No component, dependency, SPOF or order-2 risk changed.");
    }
    let _ = writeln!(s, "\n<sub>Generated by `spofscope diff`.</sub>");
    s
}
