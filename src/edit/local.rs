//! Checking a change to a valid model against only the rules it can have broken, instead of
//! every rule over every component. Must agree with `Model::validate` (tested on random edits).
//!
//! Every rule of `model::load::check` is one of: a rule about one item alone (its fields,
//! zones that exist, events that name something), a uniqueness rule, a reference to a
//! component, or a limit on the whole model. Given a model that was valid before, a change
//! can only break:
//! - item rules of the items it replaced or inserted: they are checked by the full rules on
//!   a small model of just those items, the components they refer to and the regions;
//! - uniqueness, only between a touched item and any other: counted over the whole model;
//! - references to a component that is gone (removed or renamed): searched for;
//! - scenario events, when scenarios or components changed: all scenarios are checked on the
//!   small model, which holds every component they name;
//! - accepted risks (a reason, each risk once), when they changed: checked on the small model;
//! - limits: recounted.
//!
//! - regions (every component's zones and scenario events depend on them): only added to,
//!   their own rules, on the small model which holds them all; a change that takes a region
//!   or zone away, or replaces the whole model, gets the full check.

use std::collections::{BTreeSet, HashMap};

use super::journal::Touched;
use crate::model::{Event, FastHash, MAX_BASIC_EVENTS, MAX_COMPONENTS, MAX_DEPENDENCIES, Model};

/// Lookups past this many are answered from a hash map rather than by scanning.
const SCANS: usize = 32;

/// Whether `m`, valid before the change that `touched` describes, is valid now.
pub(super) fn still_valid(m: &Model, touched: &Touched) -> bool {
    if touched.whole || touched.domains_vanished {
        return m.validate().is_ok();
    }
    if m.components.len() > MAX_COMPONENTS || m.dependencies.len() > MAX_DEPENDENCIES {
        return false;
    }
    let components: BTreeSet<usize> = touched
        .components
        .iter()
        .copied()
        .filter(|&i| i < m.components.len())
        .collect();
    let dependencies: BTreeSet<usize> = touched
        .dependencies
        .iter()
        .copied()
        .filter(|&j| j < m.dependencies.len())
        .collect();
    let scenarios = touched.scenarios
        || (!m.scenarios.is_empty() && (!components.is_empty() || !touched.vanished.is_empty()));
    let events: usize = if scenarios {
        m.scenarios.iter().map(|s| s.fail.len()).sum()
    } else {
        0
    };
    let ids = Ids::new(
        m,
        components.len() + 2 * dependencies.len() + touched.vanished.len() + events,
    );

    if components
        .iter()
        .any(|&i| ids.count(&m.components[i].id) != 1)
    {
        return false;
    }
    if !components.is_empty() {
        let replicas: u64 = m
            .components
            .iter()
            .map(|c| u64::from(c.replica_count()))
            .sum();
        if replicas > MAX_BASIC_EVENTS {
            return false;
        }
    }
    if !unique_pairs(m, &dependencies) {
        return false;
    }
    let gone: Vec<&str> = touched
        .vanished
        .iter()
        .map(String::as_str)
        .filter(|id| ids.first(id).is_none())
        .collect();
    if !gone.is_empty()
        && m.dependencies
            .iter()
            .any(|d| gone.contains(&d.from.as_str()) || gone.contains(&d.to.as_str()))
    {
        return false;
    }

    // The touched items and everything they name, under the full rules.
    let mut included = components;
    for &j in &dependencies {
        let d = &m.dependencies[j];
        match (ids.first(&d.from), ids.first(&d.to)) {
            (Some(f), Some(t)) => {
                included.insert(f);
                included.insert(t);
            }
            _ => return false,
        }
    }
    if scenarios {
        for e in m.scenarios.iter().flat_map(|s| &s.fail) {
            let named = match e {
                Event::Component(c)
                | Event::Common(c)
                | Event::Failover(c)
                | Event::Replica { component: c, .. } => ids.first(c),
                Event::Zone(_) | Event::Region(_) => None,
            };
            included.extend(named);
        }
    }
    let small = Model {
        format: m.format,
        name: String::new(),
        description: String::new(),
        defaults: m.defaults,
        regions: m.regions.clone(),
        components: included
            .into_iter()
            .map(|i| m.components[i].clone())
            .collect(),
        dependencies: dependencies
            .into_iter()
            .map(|j| m.dependencies[j].clone())
            .collect(),
        scenarios: if scenarios {
            m.scenarios.clone()
        } else {
            Vec::new()
        },
        // Accepted risks are checked on their own (a reason, each risk once), never
        // against the components: only a change to them needs their rules.
        accepted: if touched.accepted {
            m.accepted.clone()
        } else {
            Vec::new()
        },
    };
    small.validate().is_ok()
}

/// Whether each dependency at `indices` is the only one between its two components.
fn unique_pairs(m: &Model, indices: &BTreeSet<usize>) -> bool {
    let pair = |j: usize| {
        (
            m.dependencies[j].from.as_str(),
            m.dependencies[j].to.as_str(),
        )
    };
    if indices.len() <= SCANS {
        return indices.iter().all(|&j| {
            let (from, to) = pair(j);
            m.dependencies
                .iter()
                .filter(|d| d.from == from && d.to == to)
                .count()
                == 1
        });
    }
    let mut counts: HashMap<(&str, &str), usize, FastHash> =
        HashMap::with_capacity_and_hasher(m.dependencies.len(), FastHash::default());
    for d in &m.dependencies {
        *counts.entry((&d.from, &d.to)).or_default() += 1;
    }
    indices.iter().all(|&j| counts.get(&pair(j)) == Some(&1))
}

/// Where component ids are: by scanning for a few questions, from a map for many.
struct Ids<'a> {
    model: &'a Model,
    /// First index and number of components with each id.
    map: Option<HashMap<&'a str, (usize, usize), FastHash>>,
}

impl<'a> Ids<'a> {
    fn new(model: &'a Model, questions: usize) -> Self {
        let map = (questions > SCANS).then(|| {
            let mut map: HashMap<&str, (usize, usize), FastHash> =
                HashMap::with_capacity_and_hasher(model.components.len(), FastHash::default());
            for (i, c) in model.components.iter().enumerate() {
                map.entry(c.id.as_str()).or_insert((i, 0)).1 += 1;
            }
            map
        });
        Self { model, map }
    }

    /// The index of the first component with this id.
    fn first(&self, id: &str) -> Option<usize> {
        match &self.map {
            Some(map) => map.get(id).map(|&(i, _)| i),
            None => self.model.components.iter().position(|c| c.id == id),
        }
    }

    fn count(&self, id: &str) -> usize {
        match &self.map {
            Some(map) => map.get(id).map_or(0, |&(_, n)| n),
            None => self.model.components.iter().filter(|c| c.id == id).count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::Edit;
    use super::super::testing::{edit, recipe, start};
    use super::*;
    use crate::model::{Component, ComponentKind, MAX_REPLICAS};

    #[test]
    fn a_component_past_the_replica_limit_of_the_whole_model_is_refused() {
        let per = u64::from(MAX_REPLICAS);
        let mut m = Model::default();
        for i in 0..MAX_BASIC_EVENTS / per {
            let mut c = Component::new(format!("c{i}"), ComponentKind::Service);
            c.replicas = MAX_REPLICAS;
            m.components.push(c);
        }
        assert!(m.validate().is_ok());
        let one_more = [Edit::AddComponent(Component::new(
            "last",
            ComponentKind::Service,
        ))];
        let change = Edit::record(&one_more, &mut m).unwrap_or_else(|e| panic!("{e}"));
        assert!(m.validate().is_err());
        assert!(!still_valid(&m, &change.touched));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Also: a refused edit leaves nothing behind, a reverted one restores the model to
        /// the bit, and "unchanged" means equal.
        #[test]
        fn checking_what_edits_touched_agrees_with_checking_everything(
            seed in 0..1000u64,
            transactions in prop::collection::vec(
                (prop::collection::vec(recipe(), 1..4), any::<bool>()),
                1..16,
            ),
        ) {
            let mut m = start(seed);
            prop_assert!(m.validate().is_ok());
            for (recipes, keep) in &transactions {
                let edits: Vec<Edit> = recipes.iter().map(|r| edit(r, &m)).collect();
                let before = format!("{m:?}");
                let was = m.clone();
                let Ok(change) = Edit::record(&edits, &mut m) else {
                    prop_assert_eq!(format!("{m:?}"), before);
                    continue;
                };
                let valid = m.validate().is_ok();
                prop_assert_eq!(still_valid(&m, &change.touched), valid, "{:?}", edits);
                prop_assert_eq!(change.unchanged(&m), m == was, "{:?}", edits);
                if !(valid && *keep) {
                    change.revert(&mut m);
                    prop_assert_eq!(format!("{m:?}"), before);
                }
            }
        }

        /// Applying to a valid model, checked where the edits touched it, accepts and
        /// refuses exactly what the whole check does, with the same message, and leaves
        /// the same model.
        #[test]
        fn applying_to_a_valid_model_agrees_with_applying_and_checking_everything(
            seed in 0..1000u64,
            transactions in prop::collection::vec(prop::collection::vec(recipe(), 1..4), 1..16),
        ) {
            let mut m = start(seed);
            for recipes in &transactions {
                let edits: Vec<Edit> = recipes.iter().map(|r| edit(r, &m)).collect();
                let mut whole = m.clone();
                let expected = Edit::apply_all(&edits, &mut whole);
                prop_assert_eq!(Edit::apply_all_to_valid(&edits, &mut m), expected);
                prop_assert_eq!(&m, &whole);
            }
        }
    }
}
