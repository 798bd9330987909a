//! Model edits as values, and the document that applies them with undo/redo. The GUI,
//! the advice engine and the CLI all change a model only through [`Edit`]. No egui.

mod document;
pub mod recovery;

pub use document::{Document, History};

use serde::{Deserialize, Serialize};

use crate::model::{
    Component, Defaults, Dependency, DependencyKind, Event, Model, Region, Scenario,
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
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditError(pub String);

impl Edit {
    /// Apply to `model`, leaving it valid, or fail and leave it untouched.
    pub fn apply(&self, model: &mut Model) -> Result<(), EditError> {
        let mut next = model.clone();
        self.apply_unchecked(&mut next)?;
        if let Err(problems) = next.validate() {
            let first = problems
                .into_iter()
                .next()
                .map(|p| p.message)
                .unwrap_or_default();
            return Err(EditError(first));
        }
        *model = next;
        Ok(())
    }

    /// Apply a whole transaction atomically: all edits or none.
    pub fn apply_all(edits: &[Edit], model: &mut Model) -> Result<(), EditError> {
        let mut next = model.clone();
        for e in edits {
            e.apply_unchecked(&mut next)?;
        }
        if let Err(problems) = next.validate() {
            let first = problems
                .into_iter()
                .next()
                .map(|p| p.message)
                .unwrap_or_default();
            return Err(EditError(first));
        }
        *model = next;
        Ok(())
    }

    fn apply_unchecked(&self, m: &mut Model) -> Result<(), EditError> {
        let missing = |id: &str| EditError(format!("no component \"{id}\""));
        match self {
            Edit::AddComponent(c) => {
                if m.component(&c.id).is_some() {
                    return Err(EditError(format!("component \"{}\" already exists", c.id)));
                }
                m.components.push(c.clone());
            }
            Edit::RemoveComponent(id) => {
                let before = m.components.len();
                m.components.retain(|c| &c.id != id);
                if m.components.len() == before {
                    return Err(missing(id));
                }
                m.dependencies.retain(|d| &d.from != id && &d.to != id);
                for s in &mut m.scenarios {
                    s.fail.retain(|e| e.component_or_replica() != Some(id));
                }
            }
            Edit::UpdateComponent { id, component } => {
                let c = m.component_mut(id).ok_or_else(|| missing(id))?;
                *c = component.clone();
                if &component.id != id {
                    rename(m, id, &component.id);
                }
            }
            Edit::Move(moves) => {
                for (id, pos) in moves {
                    m.component_mut(id).ok_or_else(|| missing(id))?.pos = *pos;
                }
            }
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
                m.dependencies.push(d.clone());
            }
            Edit::RemoveDependency { from, to } => {
                let before = m.dependencies.len();
                m.dependencies.retain(|d| !(&d.from == from && &d.to == to));
                if m.dependencies.len() == before {
                    return Err(EditError(format!("no dependency \"{from}\" -> \"{to}\"")));
                }
            }
            Edit::SetDependencyKind { from, to, kind } => {
                let d = m
                    .dependencies
                    .iter_mut()
                    .find(|d| &d.from == from && &d.to == to)
                    .ok_or_else(|| EditError(format!("no dependency \"{from}\" -> \"{to}\"")))?;
                d.kind = *kind;
            }
            Edit::Redirect {
                callers_of,
                to,
                except,
            } => {
                for d in m
                    .dependencies
                    .iter_mut()
                    .filter(|d| &d.to == callers_of && &d.from != except && &d.from != to)
                {
                    d.to = to.clone();
                }
            }
            Edit::SetRegions(r) => m.regions = r.clone(),
            Edit::SetDefaults(d) => m.defaults = *d,
            Edit::SetName(n) => m.name = n.clone(),
            Edit::SetDescription(d) => m.description = d.clone(),
            Edit::AddScenario(s) => m.scenarios.push(s.clone()),
            Edit::SetScenarios(s) => m.scenarios = s.clone(),
        }
        Ok(())
    }
}

fn rename(m: &mut Model, old: &str, new: &str) {
    for d in &mut m.dependencies {
        if d.from == old {
            d.from = new.to_owned();
        }
        if d.to == old {
            d.to = new.to_owned();
        }
    }
    for s in &mut m.scenarios {
        for e in &mut s.fail {
            if let Event::Component(c) | Event::Replica { component: c, .. } = e
                && c == old
            {
                *c = new.to_owned();
            }
        }
    }
}
