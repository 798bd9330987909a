//! `whatif`: what a knockout takes down and degrades, and each entry's availability with
//! it in place, as text or JSON. Reports the outcome given; never evaluates one.

use std::fmt::Write as _;

use super::{degraded_text, table};
use crate::analysis::WhatIf;
use crate::format::{availability_text, duration, full_service_text, joined, list_or_none};

/// The outcome as lists and a table.
pub fn text(w: &WhatIf) -> String {
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

/// The outcome as pretty-printed JSON.
pub fn json(w: &WhatIf) -> String {
    let mut s = serde_json::to_string_pretty(w).unwrap_or_default();
    s.push('\n');
    s
}
