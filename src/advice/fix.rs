//! Applying recommendations: `fix_all` (the best SPOF fix, again and again) and `apply`
//! (chosen ids, in order). Every step is re-measured on the model as it is by then.

use super::candidates::{Purpose, Scope};
use super::measure::{Rejection, measured};
use super::{MEASURE_BUDGET, Recommendation, recommend};
use crate::analysis::{self, DomainKind, EntryAvailability, Options, Spof};
use crate::edit::Edit;
use crate::model::Model;

/// A SPOF that no model edit removed, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unfixable {
    pub spof: Spof,
    pub reason: String,
}

/// The result of [`fix_all`].
#[derive(Clone, Debug, PartialEq)]
pub struct FixOutcome {
    /// The input with every applied recommendation.
    pub model: Model,
    /// In the order applied, each measured on the model as it was at that step.
    pub applied: Vec<Recommendation>,
    /// Every applied edit in order: one transaction that turns the input into `model`
    /// (`Document::apply("Apply all fixes", &outcome.edits)`).
    pub edits: Vec<Edit>,
    /// SPOFs left, each with the reason no edit removed it (empty when all are gone).
    pub unfixable: Vec<Unfixable>,
    /// The SPOFs of the input.
    pub spofs_before: Vec<Spof>,
    pub entries_before: Vec<EntryAvailability>,
    pub entries_after: Vec<EntryAvailability>,
}

/// Apply the best recommendation that removes a SPOF until no SPOF is left or none can
/// be removed. "Best" is the first in rank order that needs no code change, or else the
/// first that does: the model cannot tell whether code will really cope without a
/// dependency, so infrastructure fixes come first. On a model over [`MEASURE_BUDGET`] a
/// step measures the fixes of the worst SPOFs (report order) and looks at the others only
/// when none of those works. Each step removes at least one SPOF
/// and adds none, so this ends after at most as many steps as the input has SPOFs.
pub fn fix_all(model: &Model) -> FixOutcome {
    let options = Options::fast();
    let mut current = model.clone();
    let mut report = analysis::analyze(&current, &options);
    let spofs_before = report.spofs.clone();
    let entries_before = report.entries.clone();
    let mut applied: Vec<Recommendation> = Vec::new();
    let mut edits = Vec::new();
    let mut unfixable = Vec::new();
    while !report.spofs.is_empty() {
        let mut step = measured(&current, &report, Scope::Spofs, Some(MEASURE_BUDGET), None);
        if !step.unmeasured.is_empty()
            && step
                .recommendations
                .iter()
                .all(|r| r.removes_spofs.is_empty())
        {
            step = measured(&current, &report, Scope::Spofs, None, None);
        }
        let removing = || {
            step.recommendations
                .iter()
                .filter(|r| !r.removes_spofs.is_empty())
        };
        let best = removing()
            .find(|r| r.cost.code_change.is_none())
            .or_else(|| removing().next());
        let Some(best) = best else {
            unfixable = report
                .spofs
                .iter()
                .map(|s| Unfixable {
                    spof: s.clone(),
                    reason: why_unfixable(s, &step.rejected),
                })
                .collect();
            break;
        };
        let mut next = current.clone();
        if let Err(e) = Edit::apply_all(&best.edits, &mut next) {
            unfixable = report
                .spofs
                .iter()
                .map(|s| Unfixable {
                    spof: s.clone(),
                    reason: format!("applying {} failed: {e}", best.id),
                })
                .collect();
            break;
        }
        current = next;
        edits.extend(best.edits.iter().cloned());
        applied.push(best.clone());
        report = analysis::analyze(&current, &options);
    }
    FixOutcome {
        model: current,
        applied,
        edits,
        unfixable,
        spofs_before,
        entries_before,
        entries_after: report.entries,
    }
}

fn why_unfixable(spof: &Spof, rejected: &[Rejection]) -> String {
    let event = spof.event();
    let tried: Vec<String> = rejected
        .iter()
        .filter(|r| r.purpose == Purpose::RemoveSpof(event.clone()))
        .map(|r| format!("{} was rejected because {}", r.id, r.reason))
        .collect();
    if !tried.is_empty() {
        return tried.join("; ");
    }
    match spof.kind {
        DomainKind::Component => format!(
            "no strategy applies to {}: it cannot be given replicas, a standby or a fallback by a model edit",
            spof.id
        ),
        DomainKind::Zone | DomainKind::Region => format!(
            "no component in {} can be spread or mirrored to survive it",
            spof.event()
        ),
    }
}

/// A recommendation id left out by [`apply`], and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// The result of [`apply`].
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub model: Model,
    pub applied: Vec<Recommendation>,
    /// Every applied edit in order: one transaction from the input model.
    pub edits: Vec<Edit>,
    pub skipped: Vec<Skipped>,
}

/// Ids that name no recommendation of the model.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown recommendation id{} {}; expected one of: {}",
    if unknown.len() == 1 { "" } else { "s" },
    unknown.join(", "),
    if known.is_empty() { "(none: the model has nothing to fix)".to_owned() } else { known.join(", ") }
)]
pub struct UnknownIds {
    pub unknown: Vec<String>,
    pub known: Vec<String>,
}

/// Apply the recommendations `ids` of `model` in order. After each, the rest are
/// recomputed on the changed model (ids are stable), so their edits fit it; one whose
/// SPOF or finding an earlier one already removed is skipped with the reason.
pub fn apply(model: &Model, ids: &[String]) -> Result<Applied, UnknownIds> {
    let options = Options::fast();
    let mut recs = recommend(model, &analysis::analyze(model, &options)).recommendations;
    let unknown: Vec<String> = ids
        .iter()
        .filter(|id| !recs.iter().any(|r| &r.id == *id))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(UnknownIds {
            unknown,
            known: recs.iter().map(|r| r.id.clone()).collect(),
        });
    }
    let mut current = model.clone();
    let mut applied: Vec<Recommendation> = Vec::new();
    let mut edits = Vec::new();
    let mut skipped = Vec::new();
    let mut stale = false;
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            continue;
        }
        if stale {
            recs = recommend(&current, &analysis::analyze(&current, &options)).recommendations;
            stale = false;
        }
        let found = recs.iter().find(|r| &r.id == id);
        let Some(rec) = found else {
            let after: Vec<&str> = applied.iter().map(|r| r.id.as_str()).collect();
            skipped.push(Skipped {
                id: id.clone(),
                reason: format!(
                    "nothing left to fix after {}: what it addressed is already gone",
                    after.join(", ")
                ),
            });
            continue;
        };
        let mut next = current.clone();
        match Edit::apply_all(&rec.edits, &mut next) {
            Ok(()) => {
                current = next;
                edits.extend(rec.edits.iter().cloned());
                applied.push(rec.clone());
                stale = true;
            }
            Err(e) => skipped.push(Skipped {
                id: id.clone(),
                reason: format!("its edit no longer applies: {e}"),
            }),
        }
    }
    Ok(Applied {
        model: current,
        applied,
        edits,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Event;

    fn spof(kind: DomainKind, id: &str) -> Spof {
        Spof {
            kind,
            id: id.to_owned(),
            takes_down: vec!["users".to_owned()],
            blast_radius: vec![id.to_owned(), "users".to_owned()],
        }
    }

    #[test]
    fn unfixable_reason_names_every_rejected_candidate_for_that_spof() {
        let rejected = [
            Rejection {
                id: "replication:db:sync".to_owned(),
                purpose: Purpose::RemoveSpof(Event::Component("db".to_owned())),
                reason: "it lowers the availability of users from 0.99 to 0.98".to_owned(),
            },
            Rejection {
                id: "redundancy:lb".to_owned(),
                purpose: Purpose::RemoveSpof(Event::Component("lb".to_owned())),
                reason: "it leaves lb a SPOF".to_owned(),
            },
        ];
        assert_eq!(
            why_unfixable(&spof(DomainKind::Component, "db"), &rejected),
            "replication:db:sync was rejected because it lowers the availability of users from 0.99 to 0.98"
        );
    }

    #[test]
    fn unfixable_reason_without_candidates_says_nothing_applies() {
        assert_eq!(
            why_unfixable(&spof(DomainKind::Zone, "eu-a"), &[]),
            "no component in zone:eu-a can be spread or mirrored to survive it"
        );
    }
}
