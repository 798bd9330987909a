//! File ▸ Compare with…: the open model (new) against a model file (old), exactly as
//! `spofscope diff OLD NEW` compares them: the old file analysed once, the diff for each
//! content of the document, both off the UI thread. Draws nothing.

use std::path::PathBuf;
use std::sync::Arc;

use super::content::{Analysed, DocKey};
use super::worker::Job;
use crate::analysis::diff::ResilienceDiff;
use crate::analysis::{self, Options, Report};
use crate::model::{Component, Model};

/// The file compared with and its model.
pub struct Baseline {
    pub path: PathBuf,
    pub model: Arc<Model>,
    /// A new number per file chosen, so results for an earlier one never apply.
    id: u64,
}

impl Baseline {
    /// The file's name as the panel and the slide say it.
    pub fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// What the canvas marks: components added, changed and removed (where they were).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompareMarks {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<Component>,
}

#[derive(Default)]
pub struct Compare {
    baseline: Option<Baseline>,
    next_id: u64,
    old: Job<u64, Arc<Report>>,
    diff: Job<(DocKey, u64), Arc<ResilienceDiff>>,
}

impl Compare {
    /// Compare with `model`, read from `path`, from now on.
    pub fn start(&mut self, path: PathBuf, model: Model) {
        self.next_id += 1;
        self.baseline = Some(Baseline {
            path,
            model: Arc::new(model),
            id: self.next_id,
        });
        self.old.clear();
        self.diff.clear();
    }

    /// Stop comparing.
    pub fn close(&mut self) {
        self.baseline = None;
        self.old.clear();
        self.diff.clear();
    }

    pub fn is_on(&self) -> bool {
        self.baseline.is_some()
    }

    pub fn baseline(&self) -> Option<&Baseline> {
        self.baseline.as_ref()
    }

    /// The diff for exactly the content `key`, once computed.
    pub fn current(&self, key: DocKey) -> Option<&ResilienceDiff> {
        let id = self.baseline.as_ref()?.id;
        self.diff.get(&(key, id)).map(|d| d.value.as_ref())
    }

    /// The newest diff against the file compared with, whatever content it was computed
    /// for (shown while the one of an edit is computed).
    pub fn latest(&self) -> Option<&ResilienceDiff> {
        let id = self.baseline.as_ref()?.id;
        self.diff
            .latest()
            .filter(|d| d.key.1 == id)
            .map(|d| d.value.as_ref())
    }

    /// Whether analysing the file compared with, or comparing, failed.
    pub fn failed(&self) -> bool {
        self.old.failed.is_some() || self.diff.failed.is_some()
    }

    /// What the canvas marks, from the newest diff.
    pub fn marks(&self) -> Option<CompareMarks> {
        let (baseline, diff) = (self.baseline.as_ref()?, self.latest()?);
        let m = &diff.model;
        Some(CompareMarks {
            added: m.components_added.clone(),
            changed: m.components_changed.iter().map(|c| c.id.clone()).collect(),
            removed: m
                .components_removed
                .iter()
                .filter_map(|id| baseline.model.component(id).cloned())
                .collect(),
        })
    }

    /// Collect finished work; analyse the old file once, then compare it with `new`, the
    /// analysis of exactly the content `key` (none while it is computed).
    pub fn poll(&mut self, ctx: &egui::Context, key: DocKey, new: Option<Arc<Analysed>>) {
        self.old.poll(ctx);
        self.diff.poll(ctx);
        let Some(baseline) = &self.baseline else {
            return;
        };
        let id = baseline.id;
        let Some(old_report) = self.old.get(&id).map(|d| Arc::clone(&d.value)) else {
            if self.old.wants(&id) {
                let model = Arc::clone(&baseline.model);
                self.old.request(id, ctx, move |cancel| {
                    analysis::analyze_cancellable(&model, &Options::default(), cancel)
                        .ok()
                        .map(Arc::new)
                });
            }
            return;
        };
        let (Some(new), wanted) = (new, (key, id)) else {
            return;
        };
        if self.diff.wants(&wanted) {
            self.diff.drop_queued();
            let old_model = Arc::clone(&baseline.model);
            self.diff.request(wanted, ctx, move |_| {
                Some(Arc::new(analysis::diff::diff(
                    &old_model,
                    &old_report,
                    &new.model,
                    &new.report,
                )))
            });
        }
    }
}
