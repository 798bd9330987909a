//! Primitive changes to a model, each returning the change that undoes it, so a transaction
//! is undone exactly by replaying its inverses backwards, without a copy of the model.
//! Indices always come from the model a change is applied to; this module never validates.

use crate::model::{
    Accepted, Component, Defaults, Dependency, Model, Region, Scenario, component_print,
    dependency_print, rest_print,
};

/// One primitive change. Applying it returns its inverse.
#[derive(Clone, Debug)]
pub(super) enum Op {
    /// Put this component at index `i` (the one it replaces comes back in the inverse).
    SetComponent(usize, Box<Component>),
    SetPosition(usize, (f32, f32)),
    InsertComponent(usize, Box<Component>),
    RemoveComponent(usize),
    /// Put each dependency at its index.
    SetDependencies(Vec<(usize, Dependency)>),
    /// Insert so that each dependency ends up at its index (ascending).
    InsertDependencies(Vec<(usize, Dependency)>),
    /// Remove the dependencies at these indices (ascending).
    RemoveDependencies(Vec<usize>),
    Scenarios(Vec<Scenario>),
    Accepted(Vec<Accepted>),
    Regions(Vec<Region>),
    Defaults(Defaults),
    Name(String),
    Description(String),
    Model(Box<Model>),
}

impl Op {
    /// Apply to `m` and return the op that brings `m` back. An index out of range (never
    /// built by this crate) changes nothing, and neither does its inverse.
    pub(super) fn apply(self, m: &mut Model) -> Op {
        match self {
            Op::SetComponent(i, mut c) => {
                if let Some(slot) = m.components.get_mut(i) {
                    std::mem::swap(slot, &mut *c);
                }
                Op::SetComponent(i, c)
            }
            Op::SetPosition(i, mut pos) => {
                if let Some(slot) = m.components.get_mut(i) {
                    std::mem::swap(&mut slot.pos, &mut pos);
                }
                Op::SetPosition(i, pos)
            }
            Op::InsertComponent(i, c) => {
                let i = i.min(m.components.len());
                m.components.insert(i, *c);
                Op::RemoveComponent(i)
            }
            Op::RemoveComponent(i) if i < m.components.len() => {
                Op::InsertComponent(i, Box::new(m.components.remove(i)))
            }
            Op::RemoveComponent(_) => Op::RemoveDependencies(Vec::new()),
            Op::SetDependencies(list) => {
                let mut old: Vec<(usize, Dependency)> = list
                    .into_iter()
                    .map(|(j, mut d)| {
                        if let Some(slot) = m.dependencies.get_mut(j) {
                            std::mem::swap(slot, &mut d);
                        }
                        (j, d)
                    })
                    .collect();
                // The same index twice comes back in reverse order.
                old.reverse();
                Op::SetDependencies(old)
            }
            Op::InsertDependencies(list) => {
                Op::RemoveDependencies(insert(&mut m.dependencies, list))
            }
            Op::RemoveDependencies(indices) => {
                Op::InsertDependencies(remove(&mut m.dependencies, &indices))
            }
            Op::Scenarios(mut s) => {
                std::mem::swap(&mut m.scenarios, &mut s);
                Op::Scenarios(s)
            }
            Op::Accepted(mut a) => {
                std::mem::swap(&mut m.accepted, &mut a);
                Op::Accepted(a)
            }
            Op::Regions(mut r) => {
                std::mem::swap(&mut m.regions, &mut r);
                Op::Regions(r)
            }
            Op::Defaults(mut d) => {
                std::mem::swap(&mut m.defaults, &mut d);
                Op::Defaults(d)
            }
            Op::Name(mut n) => {
                std::mem::swap(&mut m.name, &mut n);
                Op::Name(n)
            }
            Op::Description(mut d) => {
                std::mem::swap(&mut m.description, &mut d);
                Op::Description(d)
            }
            Op::Model(mut whole) => {
                std::mem::swap(m, &mut *whole);
                Op::Model(whole)
            }
        }
    }
}

impl Op {
    /// Whether applying this to `m` may add, remove, reorder or rename components, or give
    /// a dependency other ends. Conservative: `true` when unsure.
    pub(super) fn may_reshape(&self, m: &Model) -> bool {
        match self {
            Op::SetPosition(..)
            | Op::Scenarios(_)
            | Op::Accepted(_)
            | Op::Regions(_)
            | Op::Defaults(_)
            | Op::Name(_)
            | Op::Description(_) => false,
            Op::SetComponent(i, c) => m.components.get(*i).is_none_or(|now| now.id != c.id),
            Op::SetDependencies(list) => list.iter().any(|(j, d)| {
                m.dependencies
                    .get(*j)
                    .is_none_or(|now| now.from != d.from || now.to != d.to)
            }),
            Op::InsertComponent(..)
            | Op::RemoveComponent(_)
            | Op::InsertDependencies(_)
            | Op::RemoveDependencies(_)
            | Op::Model(_) => true,
        }
    }
}

impl Op {
    /// The analysis print ([`Model::analysis_print`]) of what applying this to `m` would
    /// replace or remove. Applying an op changes the model's print by its inverse's
    /// `input_print` on the model after, less its own on the model before.
    pub(super) fn input_print(&self, m: &Model) -> u64 {
        let components = |indices: &mut dyn Iterator<Item = usize>| {
            sum(distinct(indices).filter_map(|i| m.components.get(i).map(component_print)))
        };
        let dependencies = |indices: &mut dyn Iterator<Item = usize>| {
            sum(distinct(indices).filter_map(|j| m.dependencies.get(j).map(dependency_print)))
        };
        match self {
            Op::SetComponent(i, _) | Op::RemoveComponent(i) => components(&mut std::iter::once(*i)),
            Op::SetDependencies(list) => dependencies(&mut list.iter().map(|(j, _)| *j)),
            Op::RemoveDependencies(indices) => dependencies(&mut indices.iter().copied()),
            Op::Regions(_) | Op::Defaults(_) | Op::Name(_) | Op::Description(_) => rest_print(m),
            Op::Model(_) => m.analysis_print(),
            Op::SetPosition(..)
            | Op::InsertComponent(..)
            | Op::InsertDependencies(_)
            | Op::Scenarios(_)
            | Op::Accepted(_) => 0,
        }
    }

    /// Apply to `m`, adding what that changed to `print`, and return the inverse.
    pub(super) fn apply_printed(self, m: &mut Model, print: &mut u64) -> Op {
        let before = self.input_print(m);
        let inverse = self.apply(m);
        *print = print
            .wrapping_add(inverse.input_print(m))
            .wrapping_sub(before);
        inverse
    }
}

fn distinct(indices: &mut dyn Iterator<Item = usize>) -> impl Iterator<Item = usize> {
    let mut v: Vec<usize> = indices.collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter()
}

fn sum(prints: impl Iterator<Item = u64>) -> u64 {
    prints.fold(0, u64::wrapping_add)
}

/// What a transaction changed, for checking only the rules it can have broken.
#[derive(Clone, Debug, Default)]
pub(super) struct Touched {
    /// Indices (as they are now) of components replaced, moved or inserted.
    pub components: Vec<usize>,
    /// Ids of components removed or renamed: nothing may refer to them any more.
    pub vanished: Vec<String>,
    /// Indices (as they are now) of dependencies replaced or inserted.
    pub dependencies: Vec<usize>,
    /// Components or dependencies were inserted or removed.
    pub structure: bool,
    pub scenarios: bool,
    pub accepted: bool,
    pub regions: bool,
    /// A region or zone that was there before is gone: components, and scenario events,
    /// that have not been touched may name it.
    pub domains_vanished: bool,
    /// The whole model was replaced.
    pub whole: bool,
}

impl Touched {
    /// Note what an op did, from the inverse it returned and the model after it.
    fn note(&mut self, inverse: &Op, m: &Model) {
        match inverse {
            Op::SetComponent(i, old) => {
                if m.components.get(*i).is_some_and(|now| now.id != old.id) {
                    self.vanished.push(old.id.clone());
                }
                self.components.push(*i);
            }
            Op::SetPosition(i, _) => self.components.push(*i),
            Op::RemoveComponent(i) => {
                shift_up(&mut self.components, *i);
                self.components.push(*i);
                self.structure = true;
            }
            Op::InsertComponent(i, old) => {
                self.vanished.push(old.id.clone());
                shift_down(&mut self.components, *i);
                self.structure = true;
            }
            Op::SetDependencies(list) => self.dependencies.extend(list.iter().map(|(j, _)| *j)),
            Op::RemoveDependencies(taken) => {
                for j in taken {
                    shift_up(&mut self.dependencies, *j);
                    self.dependencies.push(*j);
                }
                self.structure = true;
            }
            Op::InsertDependencies(removed) => {
                for (j, _) in removed.iter().rev() {
                    shift_down(&mut self.dependencies, *j);
                }
                self.structure = true;
            }
            Op::Scenarios(_) => self.scenarios = true,
            Op::Accepted(_) => self.accepted = true,
            Op::Regions(old) => {
                self.regions = true;
                self.domains_vanished |= vanished_domains(old, &m.regions);
            }
            Op::Model(_) => self.whole = true,
            Op::Defaults(_) | Op::Name(_) | Op::Description(_) => {}
        }
    }
}

/// Whether some region or zone id of `before` is missing from `after`.
fn vanished_domains(before: &[Region], after: &[Region]) -> bool {
    let region = |id: &str| after.iter().any(|r| r.id == id);
    let zone = |id: &str| after.iter().flat_map(|r| &r.zones).any(|z| z.id == id);
    before
        .iter()
        .any(|r| !region(&r.id) || r.zones.iter().any(|z| !zone(&z.id)))
}

/// `i` was inserted: indices at or after it move up one.
fn shift_up(indices: &mut [usize], i: usize) {
    for t in indices.iter_mut().filter(|t| **t >= i) {
        *t += 1;
    }
}

/// `i` was removed: it goes, indices after it move down one.
fn shift_down(indices: &mut Vec<usize>, i: usize) {
    indices.retain(|t| *t != i);
    for t in indices.iter_mut().filter(|t| **t > i) {
        *t -= 1;
    }
}

/// A transaction being applied in place: the inverses of what was applied so far and what
/// it touched.
#[derive(Debug)]
pub(super) struct Change {
    /// The ops applied, in order.
    done: Vec<Op>,
    /// Their inverses, in the same order.
    undo: Vec<Op>,
    pub touched: Touched,
    lengths: (usize, usize),
    /// What the ops applied so far added to the model's analysis print (wrapping).
    pub print: u64,
    /// Whether the applied ops and the print are kept (for a document's history).
    journaled: bool,
}

impl Change {
    pub(super) fn new(m: &Model) -> Self {
        Self {
            done: Vec::new(),
            undo: Vec::new(),
            touched: Touched::default(),
            lengths: (m.components.len(), m.dependencies.len()),
            print: 0,
            journaled: true,
        }
    }

    /// A change that keeps only what undoing it and checking it need: neither the ops
    /// applied ([`Change::finish`] gives none) nor the print. For a transaction applied
    /// to a model outside a document, where copying each op is most of the cost.
    pub(super) fn lean(m: &Model) -> Self {
        Self {
            journaled: false,
            ..Self::new(m)
        }
    }

    pub(super) fn apply(&mut self, op: Op, m: &mut Model) {
        let inverse = if self.journaled {
            self.done.push(op.clone());
            op.apply_printed(m, &mut self.print)
        } else {
            op.apply(m)
        };
        self.touched.note(&inverse, m);
        self.undo.push(inverse);
    }

    /// Bring `m` back to where it was before this change.
    pub(super) fn revert(self, m: &mut Model) {
        replay(self.into_undo(), m);
    }

    /// The ops that undo this change, in the order to apply them.
    fn into_undo(self) -> Vec<Op> {
        let mut undo = self.undo;
        undo.reverse();
        undo
    }

    /// The ops that undo this change and the ops it applied, each in the order to apply them.
    pub(super) fn finish(mut self) -> (Vec<Op>, Vec<Op>) {
        let done = std::mem::take(&mut self.done);
        (self.into_undo(), done)
    }

    /// Whether `m` is equal to what it was before this change, as `Model`'s `==` sees it.
    pub(super) fn unchanged(&self, m: &Model) -> bool {
        if self.undo.is_empty() {
            return true;
        }
        if self.touched.whole || self.touched.structure {
            if self.lengths != (m.components.len(), m.dependencies.len()) {
                return false;
            }
            // Inserted and removed alike (rare): compare with a copy brought back.
            let mut before = m.clone();
            replay(self.undo.iter().rev().cloned().collect(), &mut before);
            return before == *m;
        }
        // Only values were swapped in place: rebuild each touched value as it was, by
        // applying its inverses latest first, and compare.
        let mut components = self.touched.components.clone();
        components.sort_unstable();
        components.dedup();
        for i in components {
            let Some(now) = m.components.get(i) else {
                continue;
            };
            let mut was = now.clone();
            for op in self.undo.iter().rev() {
                match op {
                    Op::SetComponent(j, c) if *j == i => was = (**c).clone(),
                    Op::SetPosition(j, p) if *j == i => was.pos = *p,
                    _ => {}
                }
            }
            if was != *now {
                return false;
            }
        }
        let mut dependencies = self.touched.dependencies.clone();
        dependencies.sort_unstable();
        dependencies.dedup();
        for j in dependencies {
            let Some(now) = m.dependencies.get(j) else {
                continue;
            };
            let mut was = now;
            for op in self.undo.iter().rev() {
                if let Op::SetDependencies(list) = op {
                    for (k, d) in list {
                        if *k == j {
                            was = d;
                        }
                    }
                }
            }
            if was != now {
                return false;
            }
        }
        // For whole fields the first inverse holds the value from before.
        let mut seen = [false; 6];
        self.undo.iter().all(|op| {
            let (slot, same) = match op {
                Op::Scenarios(s) => (0, *s == m.scenarios),
                Op::Regions(r) => (1, *r == m.regions),
                Op::Defaults(d) => (2, *d == m.defaults),
                Op::Name(n) => (3, *n == m.name),
                Op::Description(d) => (4, *d == m.description),
                Op::Accepted(a) => (5, *a == m.accepted),
                _ => return true,
            };
            std::mem::replace(&mut seen[slot], true) || same
        })
    }
}

/// Apply `ops` in order and return the ops that undo them, in the order to apply them.
pub(super) fn replay(ops: Vec<Op>, m: &mut Model) -> Vec<Op> {
    let mut inverse: Vec<Op> = ops.into_iter().map(|op| op.apply(m)).collect();
    inverse.reverse();
    inverse
}

/// [`replay`], adding what the ops changed to the model's analysis `print`.
pub(super) fn replay_printed(ops: Vec<Op>, m: &mut Model, print: &mut u64) -> Vec<Op> {
    let mut inverse: Vec<Op> = ops
        .into_iter()
        .map(|op| op.apply_printed(m, print))
        .collect();
    inverse.reverse();
    inverse
}

/// Insert each item at its final index (ascending); returns the indices they took.
fn insert<T>(v: &mut Vec<T>, items: Vec<(usize, T)>) -> Vec<usize> {
    if items.is_empty() {
        return Vec::new();
    }
    let appending = items
        .iter()
        .enumerate()
        .all(|(k, (j, _))| *j == v.len() + k);
    if appending || items.len() == 1 {
        return items
            .into_iter()
            .map(|(j, item)| {
                let j = j.min(v.len());
                v.insert(j, item);
                j
            })
            .collect();
    }
    // One pass instead of a shift per item.
    let mut old = std::mem::take(v).into_iter();
    let mut taken = Vec::with_capacity(items.len());
    v.reserve(old.len() + items.len());
    for (j, item) in items {
        while v.len() < j {
            match old.next() {
                Some(x) => v.push(x),
                None => break,
            }
        }
        taken.push(v.len());
        v.push(item);
    }
    v.extend(old);
    taken
}

/// Remove the items at `indices` (ascending); returns them with their indices.
fn remove<T>(v: &mut Vec<T>, indices: &[usize]) -> Vec<(usize, T)> {
    if indices.is_empty() {
        return Vec::new();
    }
    if let [j] = indices {
        return if *j < v.len() {
            vec![(*j, v.remove(*j))]
        } else {
            Vec::new()
        };
    }
    let mut removed = Vec::with_capacity(indices.len());
    let mut next = indices.iter().copied().peekable();
    let old = std::mem::take(v);
    v.reserve(old.len().saturating_sub(indices.len()));
    for (j, x) in old.into_iter().enumerate() {
        if next.peek() == Some(&j) {
            next.next();
            removed.push((j, x));
        } else {
            v.push(x);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_and_inserting_at_many_indices_round_trips() {
        let mut v: Vec<u32> = (0..10).collect();
        let removed = remove(&mut v, &[0, 3, 4, 9]);
        assert_eq!(v, [1, 2, 5, 6, 7, 8]);
        assert_eq!(removed, [(0, 0), (3, 3), (4, 4), (9, 9)]);
        let taken = insert(&mut v, removed);
        assert_eq!(taken, [0, 3, 4, 9]);
        assert_eq!(v, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn appending_takes_the_next_indices() {
        let mut v = vec![1, 2];
        assert_eq!(insert(&mut v, vec![(2, 3), (3, 4)]), [2, 3]);
        assert_eq!(v, [1, 2, 3, 4]);
        assert_eq!(remove(&mut v, &[3]), [(3, 4)]);
        assert_eq!(v, [1, 2, 3]);
    }
}
