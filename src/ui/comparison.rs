//! Every scenario's knockout side by side, computed off the UI thread for exactly the
//! shown revision (never a stale one) while the table or the presentation wants it.
//! Never analyses on the UI thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::content::DocKey;
use super::worker::Job;
use crate::analysis::{self, Stop, WhatIf};
use crate::edit::Document;
use crate::model::Model;

/// One scenario's knockout, as `analysis::whatif` sees it.
pub struct ScenarioOutcome {
    pub name: String,
    pub result: Result<WhatIf, String>,
}

/// Every scenario's outcome and the model they were computed on.
pub struct Comparison {
    model: Arc<Model>,
    outcomes: Vec<ScenarioOutcome>,
}

impl Comparison {
    /// The knockout of the `i`th scenario.
    pub fn outcome(&self, i: usize) -> Option<&Result<WhatIf, String>> {
        self.outcomes.get(i).map(|o| &o.result)
    }

    /// Every scenario's outcome, in model order.
    pub fn outcomes(&self) -> &[ScenarioOutcome] {
        &self.outcomes
    }
}

/// The comparison job.
#[derive(Default)]
pub struct ScenarioComparison {
    job: Job<DocKey, Arc<Comparison>>,
}

impl ScenarioComparison {
    /// The comparison of exactly the content `key`, once computed.
    pub fn current(&self, key: DocKey) -> Option<Arc<Comparison>> {
        self.job.get(&key).map(|d| Arc::clone(&d.value))
    }

    /// Whether comparing the scenarios of the content `key` failed.
    pub fn failed(&self, key: DocKey) -> bool {
        self.job.failed == Some(key)
    }

    /// Collect a finished comparison; compute the one of the content `key` while it is
    /// `wanted` (the comparison table and the presentation's scenario slides share it).
    pub fn poll(&mut self, ctx: &egui::Context, key: DocKey, doc: &Document, wanted: bool) {
        self.job.poll(ctx);
        if !wanted || self.job.get(&key).is_some() {
            return;
        }
        // Moving cards changes no outcome: keep the table instead of computing it again.
        let moved_only = self.job.latest().is_some_and(|d| {
            let (was, now) = (&d.value.model, doc.model());
            was.scenarios == now.scenarios && was.same_analysis_input(now)
        });
        if moved_only {
            self.job.relabel(key);
        } else if self.job.wants(&key) {
            let model = doc.snapshot();
            self.job.request(key, ctx, move |cancel| {
                let outcomes = compare(&model, cancel)?;
                Some(Arc::new(Comparison { model, outcomes }))
            });
        }
    }

    /// Forget the comparison (a new document, or analyse again).
    pub fn forget(&mut self) {
        self.job.clear();
    }
}

/// Every scenario's knockout in model order; `None` once cancelled.
fn compare(model: &Model, cancel: &AtomicBool) -> Option<Vec<ScenarioOutcome>> {
    let mut out = Vec::with_capacity(model.scenarios.len());
    for s in &model.scenarios {
        let result = analysis::whatif_until(model, &s.fail, Stop::on(cancel));
        // A knockout cut short by the flag is no outcome.
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        out.push(ScenarioOutcome {
            name: s.name.clone(),
            result: result.map_err(|e| e.to_string()),
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, Scenario};

    #[test]
    fn the_comparison_is_each_scenarios_whatif_in_order() {
        let model = Model {
            scenarios: vec![
                Scenario {
                    name: "bad".to_owned(),
                    fail: vec![Event::Zone("nowhere".to_owned())],
                },
                Scenario {
                    name: "none".to_owned(),
                    fail: Vec::new(),
                },
            ],
            ..Model::default()
        };
        let outcomes = compare(&model, &AtomicBool::new(false)).unwrap_or_default();
        let names: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["bad", "none"]);
        assert!(outcomes[0].result.is_err());
        assert_eq!(
            outcomes[1].result.as_ref().ok(),
            crate::analysis::whatif(&model, &[]).ok().as_ref()
        );
        assert!(compare(&model, &AtomicBool::new(true)).is_none());
    }
}
