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
    /// One per entry predicted up whose probe failed after the method, and per entry
    /// predicted down whose probe answered.
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

/// An entry the model says stays up and the experiment saw fail, or one it says goes down
/// and the experiment saw stay up.
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
    /// Where the model stops the failure at a dependency (`from` stays up although `to`
    /// is down), or passes it on (`from` goes down with `to`).
    Dependency {
        from: String,
        to: String,
        dependency_kind: &'static str,
        question: String,
    },
    /// A component the model says survives losing some of its replicas, or goes down
    /// with them.
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
    /// The method's probes (of entries predicted down): name → answered as up.
    method: Probes,
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
    let method = value
        .get("run")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|run| run.pointer("/activity/type").and_then(Value::as_str) == Some("probe"))
        .filter_map(|run| {
            let name = run.pointer("/activity/name").and_then(Value::as_str)?;
            // No output: a dry run, or a probe that never answered; nothing was observed.
            let output = run.get("output").filter(|o| !o.is_null())?;
            let answered = output.as_bool() == Some(true)
                || output
                    .get("status")
                    .and_then(Value::as_u64)
                    .is_some_and(|code| (200..300).contains(&code));
            let up = run.get("status").and_then(Value::as_str) == Some("succeeded") && answered;
            Some((name.to_owned(), up))
        })
        .collect();
    Ok(Journal {
        scenario,
        status,
        deviated,
        before: state("before")?,
        after: state("after")?,
        method: Probes(method),
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
    // An entry predicted up is observed by the hypothesis after the method, one predicted
    // down by the method's own probe.
    let observed = |id: &str, down: bool| -> Observed {
        if before_met == Some(false) {
            return Observed::NotObserved;
        }
        let probes = if down {
            Some(&journal.method)
        } else {
            journal.after.as_ref()
        };
        match probes.and_then(|p| p.0.iter().find(|(name, _)| name == id)) {
            Some((_, true)) => Observed::Up,
            Some((_, false)) => Observed::Down,
            None => Observed::NotObserved,
        }
    };
    let mut entries = Vec::new();
    let mut findings = Vec::new();
    for c in model.components.iter().filter(|c| c.entry) {
        let down = knockout.outcome.entries_down.contains(&c.id);
        let seen = observed(&c.id, down);
        match (down, seen) {
            (false, Observed::Down) => findings.push(mismatch(model, &knockout, &c.id)),
            (true, Observed::Up) => findings.push(survived(model, &knockout, &c.id)),
            _ => {}
        }
        entries.push(EntryResult {
            id: c.id.clone(),
            predicted: if down { "down" } else { "up" },
            observed: seen,
        });
    }
    let unknown_probes = [
        journal.before.as_ref(),
        journal.after.as_ref(),
        Some(&journal.method),
    ]
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

/// The scenario's failed events as users write them.
fn failed_events(knockout: &Knockout) -> Vec<String> {
    knockout
        .outcome
        .failed
        .iter()
        .map(ToString::to_string)
        .collect()
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
    let failed = failed_events(knockout);
    let mut message = format!(
        "the model says {entry} survives losing {}; the experiment saw it fail",
        failed.join(", ")
    );
    summarise(&mut message, &review);
    Mismatch {
        entry: entry.to_owned(),
        message,
        review,
    }
}

/// Where the model passes the scenario's failures on to `entry`: each hard dependency from
/// a component it puts down to another it puts down, on the way from `entry`, and each
/// component it puts down by its own replicas failing.
fn survived(model: &Model, knockout: &Knockout, entry: &str) -> Mismatch {
    let down: BTreeSet<&str> = knockout.outcome.down.iter().map(String::as_str).collect();
    let mut review = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::from([entry]);
    let mut queue = vec![entry];
    while let Some(id) = queue.pop() {
        let Some(c) = model.component(id) else {
            continue;
        };
        let mut passed_on = false;
        for d in model
            .dependencies
            .iter()
            .filter(|d| d.from == id && d.kind == DependencyKind::Hard)
        {
            if down.contains(d.to.as_str()) {
                passed_on = true;
                review.push(Review::Dependency {
                    from: d.from.clone(),
                    to: d.to.clone(),
                    dependency_kind: d.kind.as_str(),
                    question: format!(
                        "is the dependency {} → {} really hard? The experiment suggests {} copes without {}",
                        d.from, d.to, d.from, d.to
                    ),
                });
                if seen.insert(d.to.as_str()) {
                    queue.push(d.to.as_str());
                }
            }
        }
        let whole = knockout
            .outcome
            .failed
            .iter()
            .any(|e| matches!(e, Event::Component(c) | Event::Common(c) if c == id));
        if whole {
            review.push(Review::Replicas {
                component: id.to_owned(),
                question: format!(
                    "did {id} stay down while the probes ran? Killed pods restart; Chaos Mesh's pod-failure holds them down"
                ),
            });
        } else if !passed_on && c.kind.has_replicas() {
            review.push(Review::Replicas {
                component: id.to_owned(),
                question: format!(
                    "does {id} really go down (it runs {} replica{}, min healthy {}, zones {})?",
                    c.replicas,
                    if c.replicas == 1 { "" } else { "s" },
                    c.effective_min_healthy(),
                    if c.zones.is_empty() {
                        "none".to_owned()
                    } else {
                        c.zones.join(", ")
                    }
                ),
            });
        }
    }
    let failed = failed_events(knockout);
    let mut message = format!(
        "the model says {entry} goes down when {} fail{}; the experiment saw it stay up",
        failed.join(", "),
        if failed.len() == 1 { "s" } else { "" }
    );
    summarise(&mut message, &review);
    Mismatch {
        entry: entry.to_owned(),
        message,
        review,
    }
}

/// The one assumption to review, or how many.
fn summarise(message: &mut String, review: &[Review]) {
    match review {
        [] => message
            .push_str(": the model has no path from it to what failed; is a dependency missing?"),
        [one] => {
            message.push_str(": ");
            message.push_str(one.question());
        }
        many => message.push_str(&format!(": review {} assumptions below", many.len())),
    }
}
