//! The reports `check`, `whatif`, `chaos` and `fix` print, one file per output format, and
//! the sentences they share with the review exports. Text only; never writes a file.

pub mod chaos;
pub mod chaos_result;
pub mod diff;
pub mod json;
pub mod markdown;
pub mod ranking;
pub mod sarif;
pub mod text;
pub mod whatif;

use std::fmt::Write as _;

use crate::advice::{EntryEffect, FindingRef};
use crate::analysis::{AcceptedRisk, EntryAvailability, Report, Status};
use crate::format::{degraded, duration, full_service_clause, percent, percents};
use crate::model::Risk;

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

/// An accepted risk's standing in words: `accepted until 2027-06-30: migrating in Q2`,
/// `accepted: …`, `acceptance expired on 2026-06-30: …` or `stale (no longer found): …`.
pub fn acceptance_text(a: &AcceptedRisk) -> String {
    let standing = match (a.status, a.until) {
        (Status::Holds, Some(until)) => format!("accepted until {until}"),
        (Status::Holds, None) => "accepted".to_owned(),
        (Status::Expired, Some(until)) => format!("acceptance expired on {until}"),
        (Status::Expired, None) => "acceptance expired".to_owned(),
        (Status::Stale, _) => "stale (no longer found)".to_owned(),
    };
    format!("{standing}: {}", a.reason)
}

/// The short mark beside an accepted item in a list: `accepted` or `acceptance expired`.
pub fn acceptance_mark(report: &Report, risk: Option<Risk>) -> Option<&'static str> {
    report.acceptance(&risk?).map(mark_word)
}

/// `accepted` while an acceptance holds, `acceptance expired` after.
pub fn mark_word(a: &AcceptedRisk) -> &'static str {
    if a.holds() {
        "accepted"
    } else {
        "acceptance expired"
    }
}

/// `3 SPOFs, 1 accepted`: a count with how many of them are accepted.
pub fn count_with_accepted(total: usize, unaccepted: usize) -> String {
    match total - unaccepted.min(total) {
        0 => total.to_string(),
        k => format!("{total}, {k} accepted"),
    }
}

/// The note on problems left unmeasured, naming the first few.
pub(crate) fn unmeasured_text(unmeasured: &[String]) -> String {
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
pub(crate) fn entry_effect(e: &EntryEffect) -> String {
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

pub(crate) fn findings_text(findings: &[FindingRef]) -> String {
    findings
        .iter()
        .map(|f| format!("{} on {}", f.rule, f.target))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`degraded`] for the text tables: `2 h 3 min / year`.
pub(super) fn degraded_text(e: &EntryAvailability) -> String {
    let d = degraded(e);
    if e.degraded_minutes_per_year > 0.0 {
        format!("{d} / year")
    } else {
        d
    }
}

/// A text table: a header row and aligned columns, two spaces apart.
pub(super) fn table<const N: usize>(s: &mut String, head: &[&str; N], rows: &[[String; N]]) {
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
