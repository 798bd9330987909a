//! `chaos`: what a chaos experiment observed against the exact availability, as text or
//! JSON. Reports the experiment given; never runs one.

use std::fmt::Write as _;

use super::table;
use crate::analysis::chaos::ChaosReport;
use crate::format::{chaos_interval, chaos_reference, percent};

/// What a chaos experiment did, as the reports say it.
pub(crate) const CHAOS_METHOD: &str = "every replica, zone and region, every bad deploy and failover window failed at random with its own probability.";

/// `chaos` as a readable report: entries with observed and exact availability, the most
/// frequent failure sets, and who took part in outages most often.
pub fn text(c: &ChaosReport) -> String {
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

/// The experiment as pretty-printed JSON.
pub fn json(c: &ChaosReport) -> String {
    let mut s = serde_json::to_string_pretty(c).unwrap_or_default();
    s.push('\n');
    s
}
