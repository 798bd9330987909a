//! The open document: the model, its revision, where it lives on disk, and a capped
//! undo history of inverse changes (each step holds only what it changed, restored exactly).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use super::copies::Copies;
use super::journal::{Op, Touched, replay_printed};
use super::{Edit, EditError, first_problem, local};
use crate::model::Model;

/// Undo steps kept; older ones are dropped.
pub const HISTORY_CAP: usize = 200;

/// Changes whose effect [`Document::values_changed_since`] remembers.
const CHANGES_REMEMBERED: usize = 16;

/// What changes did to the model when they only changed values: which components and
/// dependencies (indices as they are now) may have other values (positions and a
/// dependency's ends included: [`Document::structure`] tells the latter).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValuesChanged {
    pub components: Vec<usize>,
    pub dependencies: Vec<usize>,
}

impl ValuesChanged {
    /// What a transaction that touched `touched` changed; none when it did more than
    /// change values of components and dependencies (or scenarios and defaults, which
    /// change no component's or dependency's value).
    fn of_transaction(touched: &Touched) -> Option<Self> {
        if touched.whole || touched.structure || touched.regions || !touched.vanished.is_empty() {
            return None;
        }
        Some(Self {
            components: touched.components.clone(),
            dependencies: touched.dependencies.clone(),
        })
    }

    /// What replaying `ops` in order on `m` changes, as [`Self::of_transaction`].
    fn of_ops(ops: &[Op], m: &Model) -> Option<Self> {
        if ops.iter().any(|op| op.may_reshape(m)) {
            return None;
        }
        let mut changed = Self::default();
        for op in ops {
            match op {
                Op::SetComponent(i, _) | Op::SetPosition(i, _) => changed.components.push(*i),
                Op::SetDependencies(list) => {
                    changed.dependencies.extend(list.iter().map(|(j, _)| *j));
                }
                Op::Scenarios(_)
                | Op::Accepted(_)
                | Op::Defaults(_)
                | Op::Name(_)
                | Op::Description(_) => {}
                Op::InsertComponent(..)
                | Op::RemoveComponent(_)
                | Op::InsertDependencies(_)
                | Op::RemoveDependencies(_)
                | Op::Regions(_)
                | Op::Model(_) => return None,
            }
        }
        Some(changed)
    }
}

/// How to go back (or forward) one step: the changes to apply in order, the revision they
/// bring back and the label of the step.
#[derive(Clone, Debug)]
struct Step {
    label: String,
    ops: Vec<Op>,
    revision: u64,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
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

#[derive(Debug)]
pub struct Document {
    /// Changed in place: never shared, so an edit costs what it touches.
    model: Model,
    /// Identifies the model's content: every new content gets a fresh number, and undo
    /// or redo bring back the number the restored content had.
    revision: u64,
    next_revision: u64,
    saved_revision: Option<u64>,
    pub path: Option<PathBuf>,
    history: History,
    /// Bumped by every change that may have added, removed, reordered or renamed
    /// components or given a dependency other ends.
    structure: u64,
    /// The model's [`Model::analysis_print`], kept up to date by every change.
    print: u64,
    /// Counts changes to the model: edits, undo, redo, replacements.
    changes: u64,
    /// What the latest changes did, the newest last (none: more than values).
    recent: VecDeque<Option<ValuesChanged>>,
    /// What [`Document::snapshot`] hands out.
    copies: Mutex<Copies>,
}

impl Clone for Document {
    fn clone(&self) -> Self {
        Self {
            model: self.model.clone(),
            revision: self.revision,
            next_revision: self.next_revision,
            saved_revision: self.saved_revision,
            path: self.path.clone(),
            history: self.history.clone(),
            structure: self.structure,
            print: self.print,
            changes: self.changes,
            recent: self.recent.clone(),
            copies: Mutex::default(),
        }
    }
}

impl Document {
    pub fn new(model: Model, path: Option<PathBuf>) -> Self {
        let saved = path.as_ref().map(|_| 0);
        Self {
            print: model.analysis_print(),
            model,
            revision: 0,
            next_revision: 1,
            saved_revision: saved,
            path,
            history: History::default(),
            structure: 0,
            changes: 0,
            recent: VecDeque::new(),
            copies: Mutex::default(),
        }
    }

    /// A document whose content is not what its file holds (a recovered copy, an import):
    /// unsaved from the start, with nothing to undo.
    pub fn unsaved(model: Model, path: Option<PathBuf>) -> Self {
        Self {
            print: model.analysis_print(),
            model,
            revision: 1,
            next_revision: 2,
            saved_revision: None,
            path,
            history: History::default(),
            structure: 0,
            changes: 0,
            recent: VecDeque::new(),
            copies: Mutex::default(),
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// A shared read-only copy of the current model (for background analysis). Cheap: a
    /// copy nobody holds any more is brought up to date with the changes made since.
    pub fn snapshot(&self) -> Arc<Model> {
        self.copies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .current(&self.model)
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Changes when components may have been added, removed, reordered or renamed, or a
    /// dependency may have other ends; while it stays the same, none of that happened.
    pub fn structure(&self) -> u64 {
        self.structure
    }

    /// The fingerprint of the model's analysis input ([`Model::analysis_print`]), kept
    /// without going over the model: different prints, different analysis input.
    pub fn analysis_print(&self) -> u64 {
        self.print
    }

    /// Counts changes to the model (edits, undo, redo, replacements): a number for
    /// [`Self::values_changed_since`].
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Which components and dependencies the changes after change number `since` may have
    /// given other values (positions included), when that is all they did: none when one
    /// of them did more (added, removed, renamed or reordered anything, changed regions or
    /// replaced the model) or `since` is too old to tell.
    pub fn values_changed_since(&self, since: u64) -> Option<ValuesChanged> {
        let count = usize::try_from(self.changes.checked_sub(since)?).ok()?;
        let first = self.recent.len().checked_sub(count)?;
        let mut all = ValuesChanged::default();
        for changed in self.recent.range(first..) {
            let changed = changed.as_ref()?;
            all.components.extend(&changed.components);
            all.dependencies.extend(&changed.dependencies);
        }
        for list in [&mut all.components, &mut all.dependencies] {
            list.sort_unstable();
            list.dedup();
        }
        Some(all)
    }

    fn note_change(&mut self, changed: Option<ValuesChanged>) {
        self.changes += 1;
        if self.recent.len() == CHANGES_REMEMBERED {
            self.recent.pop_front();
        }
        self.recent.push_back(changed);
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
    ///
    /// The model is changed in place and checked only where the edits touched it; the step
    /// keeps only what they replaced.
    pub fn apply(&mut self, label: &str, edits: &[Edit]) -> Result<(), EditError> {
        let model = &mut self.model;
        let change = Edit::record(edits, model)?;
        if !local::still_valid(model, &change.touched)
            && let Err(e) = first_problem(model)
        {
            change.revert(model);
            return Err(e);
        }
        if change.unchanged(model) {
            change.revert(model);
            return Ok(());
        }
        let touched = &change.touched;
        if touched.whole
            || touched.structure
            || !touched.vanished.is_empty()
            || !touched.dependencies.is_empty()
        {
            self.structure += 1;
        }
        self.print = self.print.wrapping_add(change.print);
        let changed = ValuesChanged::of_transaction(&change.touched);
        self.note_change(changed);
        let (undo, done) = change.finish();
        self.copies_changed(&done);
        self.push_undo(label, undo);
        self.bump();
        Ok(())
    }

    /// Replace the model wholesale as one undo step (e.g. "Apply all fixes").
    pub fn replace(&mut self, label: &str, model: Model) {
        if model == self.model {
            return;
        }
        self.structure += 1;
        self.note_change(None);
        let forward = Op::Model(Box::new(model));
        self.copies_changed(std::slice::from_ref(&forward));
        let back = forward.apply_printed(&mut self.model, &mut self.print);
        self.push_undo(label, vec![back]);
        self.bump();
    }

    fn copies_changed(&mut self, ops: &[Op]) {
        self.copies
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .changed(ops);
    }

    fn bump(&mut self) {
        self.revision = self.next_revision;
        self.next_revision += 1;
    }

    fn push_undo(&mut self, label: &str, ops: Vec<Op>) {
        self.history.undo.push(Step {
            label: label.to_owned(),
            ops,
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
        let back = self.restore(step);
        self.history.redo.push(back);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(step) = self.history.redo.pop() else {
            return false;
        };
        let back = self.restore(step);
        self.history.undo.push(back);
        true
    }

    /// Apply `step` and return the step that leads back, with the same label.
    fn restore(&mut self, step: Step) -> Step {
        // Ops before the first that may reshape change no id or end, so each is judged
        // against the model as it is before the step.
        if step.ops.iter().any(|op| op.may_reshape(&self.model)) {
            self.structure += 1;
        }
        let changed = ValuesChanged::of_ops(&step.ops, &self.model);
        self.copies_changed(&step.ops);
        self.note_change(changed);
        let ops = replay_printed(step.ops, &mut self.model, &mut self.print);
        let back = Step {
            label: step.label,
            ops,
            revision: self.revision,
        };
        self.revision = step.revision;
        back
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::testing::{Recipe, edit, recipe, reference, start};
    use super::*;

    #[derive(Clone, Debug)]
    enum Step {
        Apply(Vec<Recipe>),
        Undo,
        Redo,
        /// Take a copy for the background and hold it, or let go of the oldest held.
        Snapshot(bool),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            6 => prop::collection::vec(recipe(), 1..4).prop_map(Step::Apply),
            2 => Just(Step::Undo),
            1 => Just(Step::Redo),
            2 => any::<bool>().prop_map(Step::Snapshot),
        ]
    }

    /// Exact, unlike `==` (which has -0.0 == 0.0).
    fn exact(m: &Model) -> String {
        format!("{m:?}")
    }

    fn exact_c(c: &crate::model::Component) -> String {
        format!("{c:?}")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// The document against the way edits were applied before: a copy of the model per
        /// edit, checked in full, and a copy per undo step.
        #[test]
        fn edits_undo_and_redo_as_with_a_copy_per_step(
            seed in 0..1000u64,
            steps in prop::collection::vec(step(), 1..40),
        ) {
            let original = start(seed);
            let mut doc = Document::new(original.clone(), None);
            let mut now = original.clone();
            let mut undo: Vec<(Model, u64)> = Vec::new();
            let mut redo: Vec<(Model, u64)> = Vec::new();
            let mut held: Vec<(Arc<Model>, String)> = Vec::new();
            for s in &steps {
                let (before, seen) = (doc.model().clone(), doc.changes());
                match s {
                    Step::Apply(recipes) => {
                        let edits: Vec<Edit> = recipes.iter().map(|r| edit(r, &now)).collect();
                        let mut next = now.clone();
                        let expected = reference(&edits, &mut next);
                        let revision = doc.revision();
                        prop_assert_eq!(doc.apply("step", &edits), expected.clone());
                        if expected.is_ok() && next != now {
                            undo.push((std::mem::replace(&mut now, next), revision));
                            redo.clear();
                            prop_assert_ne!(doc.revision(), revision);
                        } else {
                            prop_assert_eq!(doc.revision(), revision);
                        }
                    }
                    Step::Undo => {
                        let current = doc.revision();
                        let expected = undo.pop();
                        prop_assert_eq!(doc.undo(), expected.is_some());
                        if let Some((was, revision)) = expected {
                            redo.push((std::mem::replace(&mut now, was), current));
                            prop_assert_eq!(doc.revision(), revision);
                        }
                    }
                    Step::Redo => {
                        let current = doc.revision();
                        let expected = redo.pop();
                        prop_assert_eq!(doc.redo(), expected.is_some());
                        if let Some((was, revision)) = expected {
                            undo.push((std::mem::replace(&mut now, was), current));
                            prop_assert_eq!(doc.revision(), revision);
                        }
                    }
                    Step::Snapshot(true) => {
                        let copy = doc.snapshot();
                        prop_assert_eq!(exact(&copy), exact(doc.model()));
                        let text = exact(&copy);
                        held.push((copy, text));
                    }
                    Step::Snapshot(false) => {
                        if !held.is_empty() {
                            held.remove(0);
                        }
                    }
                }
                prop_assert_eq!(exact(doc.model()), exact(&now));
                prop_assert_eq!(doc.history().len(), undo.len());
                prop_assert_eq!(
                    doc.analysis_print(),
                    now.analysis_print(),
                    "the kept analysis print is the one computed whole"
                );
                if let Some(changed) = doc.values_changed_since(seen) {
                    prop_assert_eq!(&shape(&before).0, &shape(&now).0);
                    prop_assert_eq!(before.dependencies.len(), now.dependencies.len());
                    prop_assert_eq!(&before.regions, &now.regions);
                    for (i, (was, is)) in before.components.iter().zip(&now.components).enumerate() {
                        prop_assert!(changed.components.contains(&i) || exact_c(was) == exact_c(is));
                    }
                    for (j, (was, is)) in before.dependencies.iter().zip(&now.dependencies).enumerate() {
                        prop_assert!(changed.dependencies.contains(&j) || was == is);
                    }
                }
            }
            for (copy, text) in &held {
                prop_assert_eq!(&exact(copy), text, "a held copy never changes");
            }
            while doc.undo() {}
            prop_assert_eq!(exact(doc.model()), exact(&original));
        }
    }

    /// Component ids in order and dependency ends: what the canvas builds its graph from.
    fn shape(m: &Model) -> (Vec<String>, Vec<(String, String)>) {
        (
            m.components.iter().map(|c| c.id.clone()).collect(),
            m.dependencies
                .iter()
                .map(|d| (d.from.clone(), d.to.clone()))
                .collect(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn the_structure_number_stays_only_while_ids_and_ends_stay(
            seed in 0..1000u64,
            steps in prop::collection::vec(step(), 1..40),
        ) {
            let mut doc = Document::new(start(seed), None);
            for s in &steps {
                let (was, number) = (shape(doc.model()), doc.structure());
                match s {
                    Step::Apply(recipes) => {
                        let edits: Vec<Edit> =
                            recipes.iter().map(|r| edit(r, doc.model())).collect();
                        let _ = doc.apply("step", &edits);
                    }
                    Step::Undo => {
                        doc.undo();
                    }
                    Step::Redo => {
                        doc.redo();
                    }
                    Step::Snapshot(_) => {}
                }
                if doc.structure() == number {
                    prop_assert_eq!(shape(doc.model()), was, "{:?}", s);
                }
            }
        }
    }

    #[test]
    fn a_copy_nobody_holds_is_brought_up_to_date_instead_of_copied_again() {
        let mut doc = Document::new(start(7), None);
        let rename = |doc: &Document, name: &str| {
            let mut c = doc.model().components[0].clone();
            c.name = name.to_owned();
            vec![Edit::UpdateComponent {
                id: c.id.clone(),
                component: c,
            }]
        };
        let first = doc.snapshot();
        let address = Arc::as_ptr(&first);
        drop(first);
        let edits = rename(&doc, "one");
        assert_eq!(doc.apply("rename", &edits), Ok(()));
        let second = doc.snapshot();
        assert_eq!(Arc::as_ptr(&second), address);
        assert_eq!(*second, *doc.model());

        let kept = (*second).clone();
        let edits = rename(&doc, "two");
        assert_eq!(doc.apply("rename", &edits), Ok(()));
        let third = doc.snapshot();
        assert_ne!(Arc::as_ptr(&third), address);
        assert_eq!(*second, kept);
        assert_eq!(*third, *doc.model());
    }

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
