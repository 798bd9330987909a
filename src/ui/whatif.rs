//! The what-if: whether it is on, what is knocked out, and the knockout's outcome computed
//! off the UI thread for exactly the current content and knockouts. Never analyses on the
//! UI thread; changed only where actions are applied.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::content::DocKey;
use super::state::SUPERSEDE_AFTER;
use super::worker::{Job, KnownDifferent};
use crate::analysis::{self, Stop, WhatIf};
use crate::edit::Document;
use crate::model::{Event, Model};

/// A knockout's outcome and the model it was computed on.
pub struct WhatIfOutcome {
    pub model: Arc<Model>,
    pub result: Result<WhatIf, String>,
}

/// What-if mode, its knockouts and their outcome.
pub struct WhatIfState {
    /// Clicks on the canvas knock out instead of selecting.
    on: bool,
    /// In the order they were knocked out; edits may remove their targets.
    knockouts: Vec<Event>,
    job: Job<(DocKey, Vec<Event>), Arc<WhatIfOutcome>>,
    /// Moving cards changes no outcome: the last one is carried over unless known to differ.
    different: KnownDifferent<DocKey>,
}

impl Default for WhatIfState {
    fn default() -> Self {
        Self {
            on: false,
            knockouts: Vec::new(),
            job: Job::superseding(SUPERSEDE_AFTER),
            different: KnownDifferent::default(),
        }
    }
}

impl WhatIfState {
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Every knockout, including ones whose target an edit removed.
    pub fn knockouts(&self) -> &[Event] {
        &self.knockouts
    }

    pub fn is_knocked_out(&self, event: &Event) -> bool {
        self.knockouts.contains(event)
    }

    /// Knockouts that still name something in `model`.
    pub fn live(&self, model: &Model) -> Vec<Event> {
        self.knockouts
            .iter()
            .filter(|k| k.check(model).is_ok())
            .cloned()
            .collect()
    }

    /// The outcome for exactly the content `key` of `model` and its live knockouts.
    pub fn outcome(&self, key: DocKey, model: &Model) -> Option<&Arc<WhatIfOutcome>> {
        self.job.get(&(key, self.live(model))).map(|d| &d.value)
    }

    /// The knockout's result for exactly the content `key` of `model`, if it worked.
    pub fn current(&self, key: DocKey, model: &Model) -> Option<&WhatIf> {
        self.outcome(key, model)
            .and_then(|o| o.result.as_ref().ok())
    }

    /// Collect a finished knockout; in what-if mode ask for the one of the current content,
    /// or carry the last one over when only positions or scenarios changed.
    pub fn poll(&mut self, ctx: &egui::Context, doc: &Document, key: DocKey) {
        self.job.poll(ctx);
        if !self.on {
            return;
        }
        let events = self.live(doc.model());
        let wkey = (key, events.clone());
        if self.job.get(&wkey).is_some() {
            return;
        }
        let unchanged = match self.job.latest() {
            Some(latest) => {
                let from = latest.key.0;
                let same = self.different.same(from, key, || {
                    from == key || latest.value.model.same_analysis_input(doc.model())
                });
                same && latest.key.1 == events
            }
            None => false,
        };
        if unchanged {
            self.job.relabel(wkey);
        } else if self.job.wants(&wkey) {
            self.job.drop_queued();
            let model = doc.snapshot();
            self.job.request(wkey, ctx, move |cancel| {
                let result = analysis::whatif_until(&model, &events, Stop::on(cancel))
                    .map_err(|e| e.to_string());
                (!cancel.load(Ordering::Relaxed)).then(|| Arc::new(WhatIfOutcome { model, result }))
            });
        }
    }

    pub fn toggle_mode(&mut self) {
        self.on = !self.on;
    }

    /// Knock `event` out, or bring it back; turns what-if mode on.
    pub fn toggle(&mut self, event: Event) {
        self.on = true;
        if let Some(i) = self.knockouts.iter().position(|k| *k == event) {
            self.knockouts.remove(i);
        } else {
            self.knockouts.push(event);
        }
    }

    /// Knock out exactly `events`; turns what-if mode on.
    pub fn set(&mut self, events: Vec<Event>) {
        self.on = true;
        self.knockouts = events;
    }

    /// Knock `events` out as well; turns what-if mode on.
    pub fn knock_out(&mut self, events: impl IntoIterator<Item = Event>) {
        self.on = true;
        for event in events {
            if !self.knockouts.contains(&event) {
                self.knockouts.push(event);
            }
        }
    }

    /// Bring everything back.
    pub fn reset(&mut self) {
        self.knockouts.clear();
    }

    /// Drop knockouts whose target is gone from `model`.
    pub fn retain_live(&mut self, model: &Model) {
        self.knockouts = self.live(model);
    }

    /// Forget the outcomes (analyse again).
    pub fn forget_results(&mut self) {
        self.job.clear();
    }

    /// Off, nothing knocked out, nothing computed: a new document.
    pub fn clear(&mut self) {
        self.on = false;
        self.knockouts.clear();
        self.job.clear();
    }
}
