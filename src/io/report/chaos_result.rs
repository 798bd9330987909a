//! `chaos-result`: a Chaos Toolkit run compared with the model's prediction, as text or
//! JSON. Reports the comparison given; never reads a journal or evaluates a scenario.

use std::fmt::Write as _;

use crate::io::journal::{ChaosResult, Observed};

/// The verdict, each entry predicted and observed, and each finding with what to review.
pub fn text(r: &ChaosResult) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Scenario \"{}\" of \"{}\": experiment {}{}",
        r.scenario,
        r.model,
        r.status,
        if r.deviated { ", deviated" } else { "" }
    );
    if r.before_met == Some(false) {
        let _ = writeln!(
            s,
            "The steady state did not hold before the method: the system was not healthy, so the run says nothing about the model."
        );
    }
    for e in &r.entries {
        let observed = match e.observed {
            Observed::Up => "observed up",
            Observed::Down => "observed down",
            Observed::NotObserved => "not observed",
        };
        let _ = writeln!(s, "  {:<24} predicted {:<4}  {observed}", e.id, e.predicted);
    }
    if r.findings.is_empty() {
        let observed = r
            .entries
            .iter()
            .any(|e| e.observed != Observed::NotObserved);
        let _ = writeln!(
            s,
            "{}",
            if observed {
                "The experiment agrees with the model."
            } else {
                "No entry was observed: nothing to compare."
            }
        );
    } else {
        let _ = writeln!(
            s,
            "{} mismatch{} between the model and the experiment:",
            r.findings.len(),
            if r.findings.len() == 1 { "" } else { "es" }
        );
        for f in &r.findings {
            let _ = writeln!(s, "- {}", f.message);
            if f.review.len() > 1 {
                for item in &f.review {
                    let _ = writeln!(s, "    · {}", item.question());
                }
            }
        }
    }
    if !r.unknown_probes.is_empty() {
        let _ = writeln!(
            s,
            "Probes that name no entry of the model (ignored): {}",
            r.unknown_probes.join(", ")
        );
    }
    s
}

pub fn json(r: &ChaosResult) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}
