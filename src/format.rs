//! How numbers read wherever people see them: availability as a percentage and in nines,
//! durations, downtime saved, costs, chaos intervals. Pure text; no egui, no I/O.

use std::fmt;

use crate::advice::Cost;
use crate::analysis::EntryAvailability;
use crate::analysis::chaos::ChaosEntry;

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

/// Downtime saved, or `none` when the edit does not move the numbers.
pub fn saving(minutes: f64) -> String {
    if minutes > 0.0 {
        duration(minutes)
    } else {
        "none".to_owned()
    }
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
    if cost.process_change.is_some() {
        parts.push("a process change".to_owned());
    }
    parts.join(", ")
}

/// `99.54 %`, or with its error bound when it is an estimate.
pub fn availability_text(e: &EntryAvailability) -> String {
    estimate_text(e, e.availability, e.error_bound)
}

/// The entry's full-service availability (everything it reaches up) as
/// [`availability_text`] writes its availability.
pub fn full_service_text(e: &EntryAvailability) -> String {
    estimate_text(e, e.full_service_availability, e.full_service_error_bound)
}

/// `, full service 98.70 % (2.3 days degraded)`, or nothing when the entry is never
/// degraded (its full service is its availability).
pub fn full_service_clause(e: &EntryAvailability) -> String {
    if e.degraded_minutes_per_year > 0.0 {
        format!(
            ", full service {} ({} degraded)",
            percent(e.full_service_availability),
            duration(e.degraded_minutes_per_year)
        )
    } else {
        String::new()
    }
}

/// Time a year the entry serves degraded, `none` when it never does.
pub fn degraded(e: &EntryAvailability) -> String {
    saving(e.degraded_minutes_per_year)
}

/// An estimate's value with its bound; a value of an estimated entry computed exactly
/// (bound 0: its full service summed apart, say) is written as exact.
fn estimate_text(e: &EntryAvailability, value: f64, bound: f64) -> String {
    if e.exact || bound == 0.0 {
        percent(value)
    } else {
        format!("{} ± {bound:.2e} (estimate)", percent(value))
    }
}

/// `a, b, c`, or `none`.
pub fn list_or_none<T: fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        joined(items, ", ")
    }
}

/// The `s` of a plural noun after `n`: `1 component`, `3 components`.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Ids or events as they are written, with `separator` between them.
pub fn joined<T: fmt::Display>(items: &[T], separator: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::MINUTES_PER_YEAR;

    fn entry(exact: bool) -> EntryAvailability {
        EntryAvailability {
            id: "users".to_owned(),
            name: "Users".to_owned(),
            availability: 0.995,
            downtime_minutes_per_year: 0.005 * MINUTES_PER_YEAR,
            full_service_availability: 0.99,
            degraded_minutes_per_year: 0.005 * MINUTES_PER_YEAR,
            exact,
            error_bound: if exact { 0.0 } else { 1.25e-4 },
            full_service_error_bound: if exact { 0.0 } else { 2.5e-4 },
        }
    }

    #[test]
    fn an_estimated_full_service_availability_shows_its_own_bound() {
        assert_eq!(full_service_text(&entry(true)), "99.00 %");
        assert_eq!(
            full_service_text(&entry(false)),
            "99.00 % ± 2.50e-4 (estimate)"
        );
        assert_eq!(
            availability_text(&entry(false)),
            "99.50 % ± 1.25e-4 (estimate)"
        );
        // Full service summed exactly beside a sampled availability: no bound to show.
        let summed = EntryAvailability {
            full_service_error_bound: 0.0,
            ..entry(false)
        };
        assert_eq!(full_service_text(&summed), "99.00 %");
    }

    #[test]
    fn an_entry_never_degraded_says_so_instead_of_a_duration() {
        let never = EntryAvailability {
            full_service_availability: 0.995,
            degraded_minutes_per_year: 0.0,
            ..entry(true)
        };
        assert_eq!(degraded(&never), "none");
        assert_eq!(full_service_clause(&never), "");
        assert_eq!(degraded(&entry(true)), "43 h 48 min");
        assert_eq!(
            full_service_clause(&entry(true)),
            ", full service 99.00 % (43 h 48 min degraded)"
        );
    }

    #[test]
    fn nines_of_a_component_that_is_always_down_are_zero_not_negative() {
        assert_eq!(nines(0.0), "0.0 nines");
        assert_eq!(nines(0.999), "3.0 nines");
        assert_eq!(nines(1.0), "∞ nines");
    }
}
