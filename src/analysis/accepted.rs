//! Accepted risks (DESIGN §3 "Accepted risks"): which of the model's `accepted` items
//! still hold on a given day, which expired, and which no longer name a risk the
//! analysis finds (stale). An accepted risk stays listed; it only stops counting for
//! `--fail-on`.

use serde::Serialize;

use super::{CutSet, Finding, Report, Spof};
use crate::model::{Accepted, Date, Event, Risk};

/// One of the model's accepted risks, as it stands on the day of the analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AcceptedRisk {
    pub risk: Risk,
    pub reason: String,
    pub until: Option<Date>,
    pub status: Status,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Accepted, and the day is on or before `until`.
    Holds,
    /// Past its `until`: it counts again.
    Expired,
    /// The analysis no longer finds this risk.
    Stale,
}

impl AcceptedRisk {
    /// Whether the risk no longer counts for `--fail-on`.
    pub fn holds(&self) -> bool {
        self.status == Status::Holds
    }
}

impl Spof {
    pub fn risk(&self) -> Risk {
        Risk::Spof(self.event())
    }
}

impl CutSet {
    /// The order-2 risk; none if an event id does not parse (it always does for sets the
    /// analysis made).
    pub fn risk(&self) -> Option<Risk> {
        let [a, b] = &self.events;
        Some(Risk::order2(Event::parse(a).ok()?, Event::parse(b).ok()?))
    }
}

impl Finding {
    pub fn risk(&self) -> Risk {
        Risk::Finding {
            rule: self.rule.as_str().to_owned(),
            target: self.target.clone(),
        }
    }
}

/// The accepted risks of a model on `today`. `order2` is every order-2 set (before any
/// truncation, so a risk left out of a shortened list is not called stale), or none when
/// the analysis did not look for them (then no order-2 risk is called stale).
pub fn review(
    accepted: &[Accepted],
    spofs: &[Spof],
    order2: Option<&[CutSet]>,
    findings: &[Finding],
    today: Date,
) -> Vec<AcceptedRisk> {
    accepted
        .iter()
        .map(|a| {
            let exists = match &a.risk {
                Risk::Spof(_) => spofs.iter().any(|s| s.risk() == a.risk),
                Risk::Order2(..) => order2
                    .is_none_or(|sets| sets.iter().any(|c| c.risk().as_ref() == Some(&a.risk))),
                Risk::Finding { .. } => findings.iter().any(|f| f.risk() == a.risk),
            };
            let status = if !exists {
                Status::Stale
            } else if a.holds_on(today) {
                Status::Holds
            } else {
                Status::Expired
            };
            AcceptedRisk {
                risk: a.risk.clone(),
                reason: a.reason.clone(),
                until: a.until,
                status,
            }
        })
        .collect()
}

impl Report {
    /// The model's acceptance of `risk`, held or expired (stale ones match nothing).
    pub fn acceptance(&self, risk: &Risk) -> Option<&AcceptedRisk> {
        self.accepted
            .iter()
            .find(|a| a.status != Status::Stale && &a.risk == risk)
    }

    fn holds(&self, risk: Option<Risk>) -> bool {
        risk.and_then(|r| self.acceptance(&r))
            .is_some_and(AcceptedRisk::holds)
    }

    /// SPOFs not covered by an acceptance that holds: what `--fail-on spof` counts.
    pub fn unaccepted_spofs(&self) -> usize {
        self.spofs
            .iter()
            .filter(|s| !self.holds(Some(s.risk())))
            .count()
    }

    /// Order-2 risks not covered by an acceptance that holds, of `order2_total`.
    pub fn unaccepted_order2(&self) -> usize {
        let held = self
            .accepted
            .iter()
            .filter(|a| a.holds() && matches!(a.risk, Risk::Order2(..)))
            .count();
        self.order2_total.saturating_sub(held)
    }

    /// Accepted risks the analysis no longer finds.
    pub fn stale_accepted(&self) -> impl Iterator<Item = &AcceptedRisk> {
        self.accepted.iter().filter(|a| a.status == Status::Stale)
    }
}
