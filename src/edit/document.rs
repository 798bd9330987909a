//! The open document: the model, its revision, where it lives on disk, and a capped
//! undo history of whole-model snapshots (exact restore, no inverse bookkeeping).

use std::path::PathBuf;
use std::sync::Arc;

use super::{Edit, EditError};
use crate::model::Model;

/// Undo steps kept; older ones are dropped.
pub const HISTORY_CAP: usize = 200;

/// A model as it was, with the revision it had and the label of the step that left it.
#[derive(Clone, Debug)]
struct Snapshot {
    label: String,
    model: Arc<Model>,
    revision: u64,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
}

impl History {
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    pub fn len(&self) -> usize {
        self.undo.len()
    }

    pub fn is_empty(&self) -> bool {
        self.undo.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct Document {
    model: Arc<Model>,
    /// Identifies the model's content: every new content gets a fresh number, and undo
    /// or redo bring back the number the restored content had.
    revision: u64,
    next_revision: u64,
    saved_revision: Option<u64>,
    pub path: Option<PathBuf>,
    history: History,
}

impl Document {
    pub fn new(model: Model, path: Option<PathBuf>) -> Self {
        let saved = path.as_ref().map(|_| 0);
        Self {
            model: Arc::new(model),
            revision: 0,
            next_revision: 1,
            saved_revision: saved,
            path,
            history: History::default(),
        }
    }

    /// A document whose content is not what its file holds (a recovered copy, an import):
    /// unsaved from the start, with nothing to undo.
    pub fn unsaved(model: Model, path: Option<PathBuf>) -> Self {
        Self {
            model: Arc::new(model),
            revision: 1,
            next_revision: 2,
            saved_revision: None,
            path,
            history: History::default(),
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// A cheap shared handle to the current model (for background analysis).
    pub fn snapshot(&self) -> Arc<Model> {
        Arc::clone(&self.model)
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn is_dirty(&self) -> bool {
        self.saved_revision != Some(self.revision)
    }

    pub fn mark_saved(&mut self, path: PathBuf) {
        self.path = Some(path);
        self.saved_revision = Some(self.revision);
    }

    /// Apply `edits` as one undo step labelled `label`; on error nothing changes.
    pub fn apply(&mut self, label: &str, edits: &[Edit]) -> Result<(), EditError> {
        let mut next = (*self.model).clone();
        Edit::apply_all(edits, &mut next)?;
        if next == *self.model {
            return Ok(());
        }
        self.push_undo(label);
        self.model = Arc::new(next);
        self.bump();
        Ok(())
    }

    /// Replace the model wholesale as one undo step (e.g. "Apply all fixes").
    pub fn replace(&mut self, label: &str, model: Model) {
        if model == *self.model {
            return;
        }
        self.push_undo(label);
        self.model = Arc::new(model);
        self.bump();
    }

    fn bump(&mut self) {
        self.revision = self.next_revision;
        self.next_revision += 1;
    }

    fn push_undo(&mut self, label: &str) {
        self.history.undo.push(Snapshot {
            label: label.to_owned(),
            model: Arc::clone(&self.model),
            revision: self.revision,
        });
        if self.history.undo.len() > HISTORY_CAP {
            self.history.undo.remove(0);
        }
        self.history.redo.clear();
    }

    pub fn undo(&mut self) -> bool {
        let Some(step) = self.history.undo.pop() else {
            return false;
        };
        let current = self.restore(&step);
        self.history.redo.push(current);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(step) = self.history.redo.pop() else {
            return false;
        };
        let current = self.restore(&step);
        self.history.undo.push(current);
        true
    }

    /// Bring back `step`'s model and return the current one as a snapshot with its label.
    fn restore(&mut self, step: &Snapshot) -> Snapshot {
        let current = Snapshot {
            label: step.label.clone(),
            model: std::mem::replace(&mut self.model, Arc::clone(&step.model)),
            revision: self.revision,
        };
        self.revision = step.revision;
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsaved_document_is_dirty_until_saved_and_has_no_history() {
        let path = PathBuf::from("/m/shop.spof.ron");
        let mut doc = Document::unsaved(Model::default(), Some(path.clone()));
        assert!(doc.is_dirty());
        assert!(doc.history().is_empty());
        assert_ne!(
            doc.revision(),
            Document::new(Model::default(), None).revision()
        );
        doc.mark_saved(path);
        assert!(!doc.is_dirty());
    }
}
