//! Shared read-only copies of the document's model for background work (analysis, what-if,
//! advice), brought up to date by replaying the changes made since, not by copying the model.
//! A copy is only changed while nothing outside holds it. No egui.

use std::collections::VecDeque;
use std::sync::Arc;

use super::journal::Op;
use crate::model::Model;

/// Copies kept. Background jobs hold a few at once (the running one, a queued one, the last
/// result); past this, the copy that has seen the fewest changes is let go.
const COPIES: usize = 6;

/// Changes remembered for copies that are behind; a copy further behind is let go.
const LOG: usize = 256;

#[derive(Debug, Default)]
pub(super) struct Copies {
    /// Each copy with the number of changes it has seen.
    held: Vec<(Arc<Model>, u64)>,
    /// Changes `first`, `first + 1`, … as applied to the document, in order.
    log: VecDeque<Vec<Op>>,
    first: u64,
    /// Changes made to the document so far.
    made: u64,
}

impl Copies {
    /// The document changed by `ops` (as applied to it, in order).
    pub(super) fn changed(&mut self, ops: &[Op]) {
        self.made += 1;
        if self.held.is_empty() {
            self.log.clear();
            self.first = self.made;
            return;
        }
        self.log.push_back(ops.to_vec());
        if self.log.len() > LOG {
            let oldest = self.made - LOG as u64;
            self.held.retain(|(_, seen)| *seen >= oldest);
            self.trim();
        }
    }

    /// A copy of `current` (the document's model, which has seen every change).
    pub(super) fn current(&mut self, current: &Model) -> Arc<Model> {
        let made = self.made;
        if let Some((copy, _)) = self.held.iter().find(|(_, seen)| *seen == made) {
            return Arc::clone(copy);
        }
        // The free copy with the least to catch up on.
        let mut free: Vec<usize> = (0..self.held.len())
            .filter(|&i| Arc::strong_count(&self.held[i].0) == 1)
            .collect();
        free.sort_by_key(|&i| std::cmp::Reverse(self.held[i].1));
        for i in free {
            let seen = self.held[i].1;
            let Some(behind) = seen.checked_sub(self.first) else {
                continue;
            };
            let (copy, _) = &mut self.held[i];
            if let Some(model) = Arc::get_mut(copy) {
                for ops in self.log.iter().skip(behind as usize) {
                    for op in ops {
                        op.clone().apply(model);
                    }
                }
                self.held[i].1 = made;
                let copy = Arc::clone(&self.held[i].0);
                self.trim();
                return copy;
            }
        }
        let copy = Arc::new(current.clone());
        self.held.push((Arc::clone(&copy), made));
        if self.held.len() > COPIES
            && let Some(oldest) = (0..self.held.len()).min_by_key(|&i| self.held[i].1)
        {
            self.held.remove(oldest);
        }
        self.trim();
        copy
    }

    /// Forget changes every copy has seen.
    fn trim(&mut self) {
        let oldest = self
            .held
            .iter()
            .map(|(_, seen)| *seen)
            .min()
            .unwrap_or(self.made);
        while self.first < oldest && self.log.pop_front().is_some() {
            self.first += 1;
        }
    }
}
