//! The resilience difference between two versions of a model (`spofscope diff`, DESIGN
//! §3 "diff"): SPOFs and order-2 risks added and removed, each entry's numbers before and
//! after, and what changed in the model itself.

use std::collections::HashSet;

use serde::Serialize;

use super::Report;
use crate::model::diff::{ModelDiff, diff as model_diff};
use crate::model::{Event, Model};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResilienceDiff {
    /// SPOFs of the new version that the old one did not have, as event ids (`db`,
    /// `zone:Z`, `region:R`), in the new report's order.
    pub spofs_added: Vec<Event>,
    pub spofs_removed: Vec<Event>,
    /// Order-2 sets added and removed (event ids).
    pub order2_added: Vec<[String; 2]>,
    pub order2_removed: Vec<[String; 2]>,
    /// Every entry of either version: the new ones in order, then those removed.
    pub entries: Vec<EntryChange>,
    pub model: ModelDiff,
    /// Added SPOFs the new version accepts (they do not count as a regression).
    pub spofs_added_accepted: Vec<Event>,
}

/// One entry's numbers in the old and the new version; none where it does not exist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryChange {
    pub id: String,
    pub name: String,
    pub before: Option<EntryNumbers>,
    pub after: Option<EntryNumbers>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EntryNumbers {
    pub availability: f64,
    pub downtime_minutes_per_year: f64,
    pub full_service_availability: f64,
    pub degraded_minutes_per_year: f64,
}

/// Availability differences below this are rounding, not a change.
const EPSILON: f64 = 1e-12;

impl EntryChange {
    /// Whether the entry's availability fell (an entry removed is not a fall).
    pub fn fell(&self) -> bool {
        match (self.before, self.after) {
            (Some(b), Some(a)) => a.availability < b.availability - EPSILON,
            _ => false,
        }
    }

    /// Whether any of its numbers moved, or it appeared or disappeared.
    pub fn changed(&self) -> bool {
        match (self.before, self.after) {
            (Some(b), Some(a)) => {
                (a.availability - b.availability).abs() > EPSILON
                    || (a.full_service_availability - b.full_service_availability).abs() > EPSILON
            }
            _ => true,
        }
    }
}

impl ResilienceDiff {
    /// What `--fail-on regression` fails on: a SPOF appeared (and is not accepted), or an
    /// entry's availability fell.
    pub fn regressed(&self) -> bool {
        self.spofs_added
            .iter()
            .any(|s| !self.spofs_added_accepted.contains(s))
            || self.entries.iter().any(EntryChange::fell)
    }
}

/// Compare two analysed versions; the reports must list every order-2 set (no
/// `max_order2`).
pub fn diff(old: &Model, old_report: &Report, new: &Model, new_report: &Report) -> ResilienceDiff {
    let spofs = |r: &Report| r.spofs.iter().map(|s| s.event()).collect::<Vec<_>>();
    let (old_spofs, new_spofs) = (spofs(old_report), spofs(new_report));
    let pairs = |r: &Report| {
        r.order2
            .iter()
            .map(|c| {
                let mut p = c.events.clone();
                p.sort();
                p
            })
            .collect::<Vec<_>>()
    };
    let (old_pairs, new_pairs) = (pairs(old_report), pairs(new_report));
    let old_set: HashSet<&[String; 2]> = old_pairs.iter().collect();
    let new_set: HashSet<&[String; 2]> = new_pairs.iter().collect();
    let numbers = |r: &Report, id: &str| {
        r.entry(id).map(|e| EntryNumbers {
            availability: e.availability,
            downtime_minutes_per_year: e.downtime_minutes_per_year,
            full_service_availability: e.full_service_availability,
            degraded_minutes_per_year: e.degraded_minutes_per_year,
        })
    };
    let mut entries: Vec<EntryChange> = new_report
        .entries
        .iter()
        .map(|e| EntryChange {
            id: e.id.clone(),
            name: e.name.clone(),
            before: numbers(old_report, &e.id),
            after: numbers(new_report, &e.id),
        })
        .collect();
    entries.extend(
        old_report
            .entries
            .iter()
            .filter(|e| new_report.entry(&e.id).is_none())
            .map(|e| EntryChange {
                id: e.id.clone(),
                name: e.name.clone(),
                before: numbers(old_report, &e.id),
                after: None,
            }),
    );
    let spofs_added: Vec<Event> = new_spofs
        .iter()
        .filter(|s| !old_spofs.contains(s))
        .cloned()
        .collect();
    let spofs_added_accepted = new_report
        .spofs
        .iter()
        .filter(|s| spofs_added.contains(&s.event()))
        .filter(|s| new_report.acceptance(&s.risk()).is_some_and(|a| a.holds()))
        .map(|s| s.event())
        .collect();
    ResilienceDiff {
        spofs_removed: old_spofs
            .iter()
            .filter(|s| !new_spofs.contains(s))
            .cloned()
            .collect(),
        spofs_added,
        order2_added: new_pairs
            .iter()
            .filter(|p| !old_set.contains(p))
            .cloned()
            .collect(),
        order2_removed: old_pairs
            .iter()
            .filter(|p| !new_set.contains(p))
            .cloned()
            .collect(),
        entries,
        model: model_diff(old, new),
        spofs_added_accepted,
    }
}
