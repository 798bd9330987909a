//! What a panel asks the app to do. Panels push actions while drawing; the app applies them
//! all at the end of the frame, in one place. Nothing here touches the document itself.

use std::path::PathBuf;

use egui::Pos2;

use super::command::Command;
use crate::edit::Edit;
use crate::model::{Component, ComponentKind, Event, Risk};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Run(Command),
    /// One undo step; `select` replaces the selection once the edit has applied.
    Edit {
        label: String,
        edits: Vec<Edit>,
        select: Option<Vec<String>>,
    },
    /// Add a fresh component of `kind` at `at` (canvas units), or in the middle of the view.
    AddComponent {
        kind: ComponentKind,
        at: Option<Pos2>,
    },
    /// `from` depends on `to` (hard).
    Connect {
        from: String,
        to: String,
    },
    SelectOnly(Vec<String>),
    /// Shift-click: add to or remove from the selection.
    ToggleSelected(String),
    SelectDependency {
        from: String,
        to: String,
    },
    /// Select a component and centre the view on it.
    Focus(String),
    /// Select a component and put the keyboard in its name field.
    Rename(String),
    /// Knock an event (`db`, `zone:Z`, `region:R`) out, or bring it back.
    ToggleKnockout(Event),
    SetKnockouts(Vec<Event>),
    SaveScenario(String),
    OpenFile(PathBuf),
    OpenSample(usize),
    SaveTo(PathBuf),
    /// Read a compose, Kubernetes, DOT, MEF, traces, Terraform or Backstage file into a new
    /// unsaved document.
    ImportFile(PathBuf),
    /// Lay a traces file over the open model as one undo step.
    AddTraces(PathBuf),
    /// A file dropped on the window that is no model: traces lay themselves over a model
    /// of the user's own as [`Action::AddTraces`] does; anything else is imported.
    ImportDropped(PathBuf),
    /// Write the model in the export format its extension names.
    ExportTo(PathBuf),
    /// Compare the model with another version of it, read from this file.
    CompareWith(PathBuf),
    /// Ask for a reason (and a last day) to accept `risk`, or to change its acceptance.
    AcceptRisk(Risk),
    /// Write the experiment scenario as a chaos experiment (`.json` or `.yaml`).
    ExportExperimentTo(PathBuf),
    /// Compare a Chaos Toolkit journal with the model.
    ReadResultFrom(PathBuf),
    /// Report a value a panel refused (in the status bar, as an error).
    Refuse(String),
}

impl Action {
    /// One undo step setting `what` of the component `before` to `after`; none when
    /// nothing changed.
    pub fn set_component(what: &str, before: &Component, after: Component) -> Option<Self> {
        (*before != after).then(|| Action::Edit {
            label: format!("Set {what} of {}", before.id),
            select: Some(vec![after.id.clone()]),
            edits: vec![Edit::UpdateComponent {
                id: before.id.clone(),
                component: after,
            }],
        })
    }

    /// One undo step changing the model itself.
    pub fn edit_model(label: &str, edit: Edit) -> Self {
        Action::Edit {
            label: label.to_owned(),
            edits: vec![edit],
            select: None,
        }
    }
}
