//! Reading a Chaos Toolkit journal back (`chaos-result`): what the experiment observed
//! (each probe of the steady-state hypothesis before and after the method) compared with
//! what the model predicts for the scenario, and a finding for each entry the model says
//! survives but the experiment saw fail. Reads text; never writes.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::export::chaos_toolkit::EXTENSION;
use crate::analysis::scenario::{Knockout, ScenarioError};
use crate::model::{DependencyKind, Event, LoadError, Model, Needs};

/// What one run of an experiment says about the model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChaosResult {
    pub model: String,
    pub scenario: String,
    /// The journal's `status`: `completed`, `failed`, `aborted`, `interrupted`.
    pub status: String,
    pub deviated: bool,
    /// Whether the steady state held before the method; when it did not, the run says
    /// nothing about the model.
    pub before_met: Option<bool>,
    pub entries: Vec<EntryResult>,
    /// One per entry predicted up whose probe failed after the method.
    pub findings: Vec<Mismatch>,
    /// Probes in the journal that name no entry of the model.
    pub unknown_probes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Observed {
    Up,
    Down,
    /// No probe of it ran after the method (the hypothesis stops at its first failing
    /// probe, and entries predicted down are not probed).
    NotObserved,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryResult {
    pub id: String,
    /// `up` or `down`, as the model predicts under the scenario.
    pub predicted: &'static str,
    pub observed: Observed,
}

/// An entry the model says stays up and the experiment saw fail.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    pub entry: String,
    pub message: String,
    /// The assumptions of the model that keep the entry up: the ones to review.
    pub review: Vec<Review>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Review {
    /// Where the model stops the failure at a dependency: `from` stays up although `to`
    /// is down.
    Dependency {
        from: String,
        to: String,
        dependency_kind: &'static str,
        question: String,
    },
    /// A component the model says survives losing some of its replicas.
    Replicas { component: String, question: String },
}

impl Review {
    pub fn question(&self) -> &str {
        match self {
            Review::Dependency { question, .. } | Review::Replicas { question, .. } => question,
        }
    }
}

/// The probes of one steady-state check: name → tolerance met.
struct Probes(Vec<(String, bool)>);

/// What a journal says, before it is compared with a model.
pub struct Journal {
    pub scenario: Option<String>,
    status: String,
    deviated: bool,
    before: Option<Probes>,
    after: Option<Probes>,
}

/// Parse a journal (`chaos run --journal-path`); `file` names it in errors.
pub fn read(text: &str, file: &str) -> Result<Journal, LoadError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let (line, column) = (e.line(), e.column().max(1));
        let shown = e.to_string();
        let what = shown
            .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
            .unwrap_or(&shown);
        LoadError {
            file: file.to_owned(),
            location: Some((line, column)),
            message: format!("{what}; expected a Chaos Toolkit journal (JSON)"),
        }
    })?;
    let bad = |message: &str| LoadError {
        file: file.to_owned(),
        location: None,
        message: message.to_owned(),
    };
    let status = value
        .get("status")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no `status`; expected a Chaos Toolkit journal"))?
        .to_owned();
    let deviated = value
        .get("deviated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let scenario = value
        .pointer("/experiment/extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|x| x.get("name").and_then(Value::as_str) == Some(EXTENSION))
        .and_then(|x| x.get("scenario"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let state = |when: &str| -> Result<Option<Probes>, LoadError> {
        let Some(state) = value
            .pointer(&format!("/steady_states/{when}"))
            .filter(|s| !s.is_null())
        else {
            return Ok(None);
        };
        let probes = state
            .get("probes")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                bad(&format!(
                    "steady_states.{when} has no `probes` list; expected a Chaos Toolkit journal"
                ))
            })?;
        let mut out = Vec::new();
        for run in probes {
            let name = run
                .pointer("/activity/name")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    bad(&format!(
                        "a probe of steady_states.{when} has no `activity.name`; expected a Chaos Toolkit journal"
                    ))
                })?;
            let met = run
                .get("tolerance_met")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                && run.get("status").and_then(Value::as_str) == Some("succeeded");
            out.push((name.to_owned(), met));
        }
        Ok(Some(Probes(out)))
    };
    Ok(Journal {
        scenario,
        status,
        deviated,
        before: state("before")?,
        after: state("after")?,
    })
}

/// Compare the journal with the model's prediction for `scenario`.
pub fn compare(
    model: &Model,
    journal: &Journal,
    scenario: &str,
) -> Result<ChaosResult, ScenarioError> {
    let knockout = Knockout::from_scenario(model, scenario)?;
    let before_met = journal
        .before
        .as_ref()
        .map(|p| p.0.iter().all(|(_, met)| *met));
    let observed = |id: &str| -> Observed {
        if before_met == Some(false) {
            return Observed::NotObserved;
        }
        match journal
            .after
            .as_ref()
            .and_then(|p| p.0.iter().find(|(name, _)| name == id))
        {
            Some((_, true)) => Observed::Up,
            Some((_, false)) => Observed::Down,
            None => Observed::NotObserved,
        }
    };
    let mut entries = Vec::new();
    let mut findings = Vec::new();
    for c in model.components.iter().filter(|c| c.entry) {
        let down = knockout.outcome.entries_down.contains(&c.id);
        let seen = observed(&c.id);
        if !down && seen == Observed::Down {
            findings.push(mismatch(model, &knockout, &c.id));
        }
        entries.push(EntryResult {
            id: c.id.clone(),
            predicted: if down { "down" } else { "up" },
            observed: seen,
        });
    }
    let unknown_probes = [&journal.before, &journal.after]
        .into_iter()
        .flatten()
        .flat_map(|p| p.0.iter().map(|(name, _)| name))
        .filter(|name| !model.components.iter().any(|c| c.entry && &c.id == *name))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(ChaosResult {
        model: model.name.clone(),
        scenario: knockout.scenario,
        status: journal.status.clone(),
        deviated: journal.deviated,
        before_met,
        entries,
        findings,
        unknown_probes,
    })
}

/// Where the model stops the scenario's failures on the way from `entry`: each
/// dependency from a component it keeps up to one it puts down, and each component it
/// keeps up although some of its own replicas fail.
fn mismatch(model: &Model, knockout: &Knockout, entry: &str) -> Mismatch {
    let down: BTreeSet<&str> = knockout.outcome.down.iter().map(String::as_str).collect();
    let zones = knockout.failed_zones(model);
    let mut review = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::from([entry]);
    let mut queue = vec![entry];
    while let Some(id) = queue.pop() {
        let Some(c) = model.component(id) else {
            continue;
        };
        let lost = (0..c.replica_count())
            .filter(|&i| {
                knockout.outcome.failed.iter().any(|e| {
                    matches!(e, Event::Replica { component, index } if component == id && *index == i)
                }) || c.zone_of_replica(i).is_some_and(|z| zones.contains(z))
            })
            .count();
        if lost > 0 {
            review.push(Review::Replicas {
                component: id.to_owned(),
                question: format!(
                    "does {id} really serve with {lost} of its {} replicas down (min healthy {})?",
                    c.replicas,
                    c.effective_min_healthy()
                ),
            });
        }
        for d in model.dependencies.iter().filter(|d| d.from == id) {
            if down.contains(d.to.as_str()) {
                let question = match (d.kind, c.needs) {
                    (DependencyKind::Soft, _) => format!(
                        "is the dependency {} → {} really soft? The experiment suggests it is hard",
                        d.from, d.to
                    ),
                    (DependencyKind::Hard, Needs::AtLeast(k)) => format!(
                        "does {} really serve with {k} of its hard dependencies up while {} is down?",
                        d.from, d.to
                    ),
                    (DependencyKind::Hard, Needs::All) => {
                        format!("review the dependency {} → {}", d.from, d.to)
                    }
                };
                review.push(Review::Dependency {
                    from: d.from.clone(),
                    to: d.to.clone(),
                    dependency_kind: d.kind.as_str(),
                    question,
                });
            } else if seen.insert(d.to.as_str()) {
                queue.push(d.to.as_str());
            }
        }
    }
    let failed: Vec<String> = knockout
        .outcome
        .failed
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut message = format!(
        "the model says {entry} survives losing {}; the experiment saw it fail",
        failed.join(", ")
    );
    match review.as_slice() {
        [] => message
            .push_str(": the model has no path from it to what failed; is a dependency missing?"),
        [one] => {
            message.push_str(": ");
            message.push_str(one.question());
        }
        many => {
            message.push_str(&format!(": review {} assumptions below", many.len()));
        }
    }
    Mismatch {
        entry: entry.to_owned(),
        message,
        review,
    }
}
