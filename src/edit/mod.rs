//! Model edits as values, and the document that applies them with undo/redo. The GUI,
//! the advice engine and the CLI all change a model only through [`Edit`]. No egui.

mod copies;
mod document;
mod journal;
mod local;
pub mod recovery;
#[cfg(test)]
mod testing;

pub use document::{Document, History, ValuesChanged};
use journal::{Change, Op};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::model::{
    Accepted, Component, Defaults, Dependency, DependencyKind, Model, Region, Scenario,
};

/// One change to a model. Applying a list of them is a transaction: one undo step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    /// Append a component (its id must be new).
    AddComponent(Component),
    /// Remove a component, every dependency touching it and its scenario events.
    RemoveComponent(String),
    /// Replace a component's properties; `id` names it before the change, and a changed
    /// `component.id` is renamed everywhere (dependencies, scenarios).
    UpdateComponent {
        id: String,
        component: Component,
    },
    /// Move components to new canvas positions.
    Move(Vec<(String, (f32, f32))>),
    AddDependency(Dependency),
    RemoveDependency {
        from: String,
        to: String,
    },
    SetDependencyKind {
        from: String,
        to: String,
        kind: DependencyKind,
    },
    /// Point every dependency `x -> from` at `to` instead (used to insert a balancer).
    Redirect {
        callers_of: String,
        to: String,
        except: String,
    },
    SetRegions(Vec<Region>),
    SetDefaults(Defaults),
    SetName(String),
    SetDescription(String),
    AddScenario(Scenario),
    SetScenarios(Vec<Scenario>),
    /// Replace the accepted risks (DESIGN §1 `accepted`): accepting one, editing its reason
    /// or date, or revoking it.
    SetAccepted(Vec<Accepted>),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditError(pub String);

impl Edit {
    /// Apply to `model`, leaving it valid, or fail and leave it untouched.
    pub fn apply(&self, model: &mut Model) -> Result<(), EditError> {
        Edit::apply_all(std::slice::from_ref(self), model)
    }

    /// Apply a whole transaction atomically: all edits or none. The result is checked
    /// against every rule; a refused transaction is undone in place.
    pub fn apply_all(edits: &[Edit], model: &mut Model) -> Result<(), EditError> {
        let change = Edit::record(edits, model)?;
        if let Err(e) = first_problem(model) {
            change.revert(model);
            return Err(e);
        }
        Ok(())
    }

    /// [`Edit::apply_all`] to a model known to be valid (loaded from a file, or left so by
    /// an edit): the result is checked only where the transaction touched it, which is all
    /// it can have broken, and checked whole (for the same first error) only when that
    /// finds a problem. Nor does it keep the ops it applied (only a document's history
    /// needs them): on a large model a transaction costs what it touches, not a copy of
    /// every op and a check of every component and dependency.
    pub fn apply_all_to_valid(edits: &[Edit], model: &mut Model) -> Result<(), EditError> {
        let change = Edit::record_into(Change::lean(model), edits, model)?;
        if !local::still_valid(model, &change.touched)
            && let Err(e) = first_problem(model)
        {
            change.revert(model);
            return Err(e);
        }
        Ok(())
    }

    /// Apply `edits` in place, remembering how to undo them; on an error nothing changes.
    fn record(edits: &[Edit], model: &mut Model) -> Result<Change, EditError> {
        Edit::record_into(Change::new(model), edits, model)
    }

    /// [`Edit::record`] into `change`, made for `model`.
    fn record_into(
        mut change: Change,
        edits: &[Edit],
        model: &mut Model,
    ) -> Result<Change, EditError> {
        let mut positions = Positions::default();
        for e in edits {
            match e.ops(model, &mut positions) {
                Ok(ops) => {
                    for op in ops {
                        positions.note(&op, model);
                        change.apply(op, model);
                    }
                }
                Err(error) => {
                    change.revert(model);
                    return Err(error);
                }
            }
        }
        Ok(change)
    }

    /// The primitive changes this edit makes to `m` as it is now.
    fn ops(&self, m: &Model, positions: &mut Positions) -> Result<Vec<Op>, EditError> {
        let missing = |id: &str| EditError(format!("no component \"{id}\""));
        let mut index = |id: &str| positions.of(m, id);
        let no_dependency =
            |from: &str, to: &str| EditError(format!("no dependency \"{from}\" -> \"{to}\""));
        Ok(match self {
            Edit::AddComponent(c) => {
                if index(&c.id).is_some() {
                    return Err(EditError(format!("component \"{}\" already exists", c.id)));
                }
                vec![Op::InsertComponent(m.components.len(), Box::new(c.clone()))]
            }
            Edit::RemoveComponent(id) => {
                let gone: Vec<usize> = (0..m.components.len())
                    .rev()
                    .filter(|&i| m.components[i].id == *id)
                    .collect();
                if gone.is_empty() {
                    return Err(missing(id));
                }
                let touching: Vec<usize> = (0..m.dependencies.len())
                    .filter(|&j| m.dependencies[j].from == *id || m.dependencies[j].to == *id)
                    .collect();
                let mut ops = vec![Op::RemoveDependencies(touching)];
                if m.scenarios
                    .iter()
                    .any(|s| s.fail.iter().any(|e| e.component_or_replica() == Some(id)))
                {
                    let mut scenarios = m.scenarios.clone();
                    for s in &mut scenarios {
                        s.fail.retain(|e| e.component_or_replica() != Some(id));
                    }
                    ops.push(Op::Scenarios(scenarios));
                }
                ops.extend(gone.into_iter().map(Op::RemoveComponent));
                ops
            }
            Edit::UpdateComponent { id, component } => {
                let i = index(id).ok_or_else(|| missing(id))?;
                let mut ops = vec![Op::SetComponent(i, Box::new(component.clone()))];
                if component.id != *id {
                    ops.extend(renamed(m, id, &component.id));
                }
                ops
            }
            Edit::Move(moves) => moves
                .iter()
                .map(|(id, pos)| Ok(Op::SetPosition(index(id).ok_or_else(|| missing(id))?, *pos)))
                .collect::<Result<_, EditError>>()?,
            Edit::AddDependency(d) => {
                if m.dependencies
                    .iter()
                    .any(|x| x.from == d.from && x.to == d.to)
                {
                    return Err(EditError(format!(
                        "\"{}\" already depends on \"{}\"",
                        d.from, d.to
                    )));
                }
                vec![Op::InsertDependencies(vec![(
                    m.dependencies.len(),
                    d.clone(),
                )])]
            }
            Edit::RemoveDependency { from, to } => {
                let gone: Vec<usize> = (0..m.dependencies.len())
                    .filter(|&j| m.dependencies[j].from == *from && m.dependencies[j].to == *to)
                    .collect();
                if gone.is_empty() {
                    return Err(no_dependency(from, to));
                }
                vec![Op::RemoveDependencies(gone)]
            }
            Edit::SetDependencyKind { from, to, kind } => {
                let j = m
                    .dependencies
                    .iter()
                    .position(|d| d.from == *from && d.to == *to)
                    .ok_or_else(|| no_dependency(from, to))?;
                let mut d = m.dependencies[j].clone();
                d.kind = *kind;
                vec![Op::SetDependencies(vec![(j, d)])]
            }
            Edit::Redirect {
                callers_of,
                to,
                except,
            } => {
                let list: Vec<(usize, Dependency)> = m
                    .dependencies
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.to == *callers_of && d.from != *except && d.from != *to)
                    .map(|(j, d)| {
                        let mut d = d.clone();
                        d.to.clone_from(to);
                        (j, d)
                    })
                    .collect();
                vec![Op::SetDependencies(list)]
            }
            Edit::SetRegions(r) => vec![Op::Regions(r.clone())],
            Edit::SetDefaults(d) => vec![Op::Defaults(*d)],
            Edit::SetName(n) => vec![Op::Name(n.clone())],
            Edit::SetDescription(d) => vec![Op::Description(d.clone())],
            Edit::AddScenario(s) => {
                let mut scenarios = m.scenarios.clone();
                scenarios.push(s.clone());
                vec![Op::Scenarios(scenarios)]
            }
            Edit::SetScenarios(s) => vec![Op::Scenarios(s.clone())],
            Edit::SetAccepted(a) => vec![Op::Accepted(a.clone())],
        })
    }
}

/// Where each component sits in the model a transaction is changing, by id: after a few
/// lookups, in a map from each id's hash to its first index, built once, so a
/// transaction of thousands of updates (a zone fix on a large model) does not scan the
/// list for each; forgotten when components are inserted, removed or renamed. A hash
/// found at a component of another id (a collision) falls back to the scan.
struct Positions {
    /// Lookups still made by scanning.
    scans_left: usize,
    by_hash: Option<FxHashMap<u64, usize>>,
}

impl Default for Positions {
    fn default() -> Self {
        Self {
            scans_left: Self::SCANNED,
            by_hash: None,
        }
    }
}

impl Positions {
    /// Lookups made by scanning before the map is built: small transactions never pay for
    /// it. None under test, so that the edit module's property tests (checked against a
    /// clone-based reference) run the map and its invalidation.
    const SCANNED: usize = if cfg!(test) { 0 } else { 8 };

    fn of(&mut self, m: &Model, id: &str) -> Option<usize> {
        let scan = || m.components.iter().position(|c| c.id == id);
        if let Some(left) = self.scans_left.checked_sub(1) {
            self.scans_left = left;
            return scan();
        }
        let by_hash = self.by_hash.get_or_insert_with(|| {
            let mut map = FxHashMap::default();
            for (i, c) in m.components.iter().enumerate() {
                map.entry(hash(&c.id)).or_insert(i);
            }
            map
        });
        match by_hash.get(&hash(id)) {
            None => None,
            Some(&i) if m.components.get(i).is_some_and(|c| c.id == id) => Some(i),
            Some(_) => scan(),
        }
    }

    /// Forget the map if `op`, about to be applied to `m`, moves or renames components.
    fn note(&mut self, op: &Op, m: &Model) {
        let keeps = match op {
            Op::SetComponent(i, c) => m.components.get(*i).is_some_and(|old| old.id == c.id),
            Op::InsertComponent(..) | Op::RemoveComponent(_) | Op::Model(_) => false,
            _ => true,
        };
        if !keeps {
            self.by_hash = None;
        }
    }
}

fn hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

/// The first rule `m` breaks, as the error of the edit that broke it.
fn first_problem(m: &Model) -> Result<(), EditError> {
    m.validate().map_err(|problems| {
        EditError(
            problems
                .into_iter()
                .next()
                .map(|p| p.message)
                .unwrap_or_default(),
        )
    })
}

/// Dependencies, scenario events and accepted risks that name `old`, renamed to `new`.
fn renamed(m: &Model, old: &str, new: &str) -> Vec<Op> {
    let dependencies: Vec<(usize, Dependency)> = m
        .dependencies
        .iter()
        .enumerate()
        .filter(|(_, d)| d.from == old || d.to == old)
        .map(|(j, d)| {
            let mut d = d.clone();
            if d.from == old {
                d.from = new.to_owned();
            }
            if d.to == old {
                d.to = new.to_owned();
            }
            (j, d)
        })
        .collect();
    let mut ops = vec![Op::SetDependencies(dependencies)];
    let mut scenarios = m.scenarios.clone();
    let mut any = false;
    for e in scenarios.iter_mut().flat_map(|s| &mut s.fail) {
        any |= e.rename_component(old, new);
    }
    if any {
        ops.push(Op::Scenarios(scenarios));
    }
    let mut accepted = m.accepted.clone();
    let mut any = false;
    for a in &mut accepted {
        any |= a.risk.rename_component(old, new);
    }
    if any {
        ops.push(Op::Accepted(accepted));
    }
    ops
}
