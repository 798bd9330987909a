//! The recommendations of the current content and Apply all, computed off the UI thread
//! for exactly the shown revision, and carried along when only cards moved. Never analyses
//! on the UI thread; applying the fixes is the app's job.

use std::sync::Arc;

use super::content::{Analysed, DocKey};
use super::worker::Job;
use crate::advice::{self, Advice, FixOutcome, Unfixable};
use crate::edit::Document;
use crate::format::plural;
use crate::model::Model;

/// The recommendations job and the Apply all job.
#[derive(Default)]
pub struct Recommendations {
    job: Job<DocKey, Arc<Advice>>,
    /// The content and model the newest recommendations request was made for.
    made_for: Option<(DocKey, Arc<Model>)>,
    fixing: Job<DocKey, Arc<FixOutcome>>,
    /// The content Apply all was started on, while it runs.
    fixing_from: Option<DocKey>,
}

/// How an Apply all ended.
pub enum FixAllEnd {
    Failed,
    /// The document changed while the fixes were computed: nothing applies.
    Stale,
    Done(Arc<FixOutcome>),
}

impl Recommendations {
    /// The recommendations for exactly the content `key`, once computed.
    pub fn current(&self, key: DocKey) -> Option<&Advice> {
        self.job.get(&key).map(|d| d.value.as_ref())
    }

    /// The newest recommendations, whatever content they were made for.
    pub fn latest(&self) -> Option<Arc<Advice>> {
        self.job.latest().map(|d| Arc::clone(&d.value))
    }

    /// Whether measuring the recommendations of the content `key` failed.
    pub fn failed(&self, key: DocKey) -> bool {
        self.job.failed == Some(key)
    }

    /// Whether Apply all is computing its fixes.
    pub fn is_fixing(&self) -> bool {
        self.fixing_from.is_some()
    }

    /// Collect finished work; ask for the recommendations of the content `key` once its
    /// analysis is there.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        key: DocKey,
        doc: &Document,
        analysed: Option<&Arc<Analysed>>,
    ) {
        self.job.poll(ctx);
        self.fixing.poll(ctx);
        let Some(analysed) = analysed else {
            return;
        };
        if !self.job.wants(&key) {
            return;
        }
        self.job.drop_queued();
        let model = doc.snapshot();
        if let Some(carried) = self.after_moves(&model) {
            self.job.store(key, Arc::new(carried));
        } else {
            // The analysis may have been carried over from a revision that differs only
            // in positions: the report holds, and the edits start from the current model.
            let analysed = Arc::clone(analysed);
            let current = Arc::clone(&model);
            self.job.request(key, ctx, move |_| {
                Some(Arc::new(advice::recommend(&current, &analysed.report)))
            });
        }
        self.made_for = Some((key, model));
    }

    /// The newest recommendations, moved along, when `model` differs from the one they were
    /// made for only in positions and scenarios: moving cards costs no new measurement.
    fn after_moves(&self, model: &Model) -> Option<Advice> {
        let latest = self.job.latest()?;
        let (made_key, made_model) = self.made_for.as_ref()?;
        (*made_key == latest.key && made_model.same_analysis_input(model))
            .then(|| latest.value.follow_moves(made_model, model))
    }

    /// Compute `advice::fix_all` off the UI thread; [`Self::finish_fix_all`] hands it over.
    pub fn start_fix_all(&mut self, ctx: &egui::Context, key: DocKey, model: Arc<Model>) {
        self.fixing_from = Some(key);
        self.fixing
            .request(key, ctx, move |_| Some(Arc::new(advice::fix_all(&model))));
    }

    /// A finished Apply all, once: its fixes when the content is still `key`.
    pub fn finish_fix_all(&mut self, key: DocKey) -> Option<FixAllEnd> {
        let from = self.fixing_from?;
        if self.fixing.failed == Some(from) {
            self.fixing_from = None;
            self.fixing.clear();
            return Some(FixAllEnd::Failed);
        }
        let outcome = self.fixing.get(&from).map(|d| Arc::clone(&d.value))?;
        self.fixing_from = None;
        self.fixing.clear();
        Some(if from == key {
            FixAllEnd::Done(outcome)
        } else {
            FixAllEnd::Stale
        })
    }

    /// Forget the recommendations (a new document, or analyse again).
    pub fn forget(&mut self) {
        self.job.clear();
        self.made_for = None;
    }
}

/// What Apply all says in the status bar: how many fixes, and each SPOF left with the
/// reason no edit removed it (an error then: the model still has SPOFs).
pub fn fix_summary(applied: usize, unfixable: &[Unfixable]) -> (String, bool) {
    let left = match unfixable {
        [] => "no SPOF left".to_owned(),
        rest => {
            let each: Vec<String> = rest
                .iter()
                .map(|u| format!("{} ({})", u.spof.event(), u.reason))
                .collect();
            format!(
                "{} SPOF{} left: {}",
                rest.len(),
                plural(rest.len()),
                each.join("; ")
            )
        }
    };
    let fixes = if applied == 1 { "fix" } else { "fixes" };
    (
        format!("Applied {applied} {fixes}; {left}"),
        !unfixable.is_empty(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_all_names_each_spof_left_with_its_reason() {
        assert_eq!(
            fix_summary(3, &[]),
            ("Applied 3 fixes; no SPOF left".to_owned(), false)
        );
        let left = Unfixable {
            spof: crate::analysis::Spof {
                kind: crate::analysis::DomainKind::Zone,
                id: "eu-a".to_owned(),
                takes_down: vec!["users".to_owned()],
                blast_radius: vec!["lb".to_owned()],
            },
            reason: "no component in zone:eu-a can be spread".to_owned(),
        };
        assert_eq!(
            fix_summary(1, &[left]),
            (
                "Applied 1 fix; 1 SPOF left: zone:eu-a (no component in zone:eu-a can be spread)"
                    .to_owned(),
                true
            )
        );
    }
}
