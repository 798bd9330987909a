//! Scenario evaluation: a saved scenario (or the GUI's what-if) failed through [`whatif`],
//! named for the reports and diagrams that show it. Pure; never draws or writes anything.

use std::collections::BTreeSet;

use super::{WhatIf, whatif};
use crate::model::{Event, Model};

/// A scenario's failures, evaluated: what reports list and diagrams draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Knockout {
    pub scenario: String,
    pub outcome: WhatIf,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("unknown scenario \"{name}\"; expected one of {known}")]
    Unknown { name: String, known: String },
    #[error("unknown scenario \"{0}\"; the model has no scenarios")]
    NoScenarios(String),
    #[error("scenario \"{name}\": {message}")]
    Invalid { name: String, message: String },
}

impl Knockout {
    /// Evaluate the model's scenario called `name`.
    pub fn from_scenario(model: &Model, name: &str) -> Result<Self, ScenarioError> {
        let Some(scenario) = model.scenarios.iter().find(|s| s.name == name) else {
            if model.scenarios.is_empty() {
                return Err(ScenarioError::NoScenarios(name.to_owned()));
            }
            let known = model
                .scenarios
                .iter()
                .map(|s| format!("\"{}\"", s.name))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(ScenarioError::Unknown {
                name: name.to_owned(),
                known,
            });
        };
        let invalid = |message: String| ScenarioError::Invalid {
            name: name.to_owned(),
            message,
        };
        let outcome = whatif(model, &scenario.fail).map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            scenario: scenario.name.clone(),
            outcome,
        })
    }

    /// Every scenario of the model, evaluated, in the model's order.
    pub fn all(model: &Model) -> Vec<Result<Self, ScenarioError>> {
        model
            .scenarios
            .iter()
            .map(|s| Self::from_scenario(model, &s.name))
            .collect()
    }

    /// Components the scenario names itself (whole or one replica), not only their victims.
    pub fn knocked_out(&self) -> BTreeSet<&str> {
        self.outcome
            .failed
            .iter()
            .filter_map(Event::component_or_replica)
            .collect()
    }

    /// Zones failed directly or with their region.
    pub fn failed_zones<'m>(&self, model: &'m Model) -> BTreeSet<&'m str> {
        let mut out = BTreeSet::new();
        for event in &self.outcome.failed {
            match event {
                Event::Zone(z) => {
                    if let Some((_, zone)) = model.zone(z) {
                        out.insert(zone.id.as_str());
                    }
                }
                Event::Region(r) => {
                    if let Some(region) = model.region(r) {
                        out.extend(region.zones.iter().map(|z| z.id.as_str()));
                    }
                }
                _ => {}
            }
        }
        out
    }
}
