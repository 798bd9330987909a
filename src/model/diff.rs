//! What changed between two versions of a model (for `spofscope diff`): components and
//! dependencies added, removed and changed, and which fields of a component changed.
//! Canvas positions are left out: moving a card changes nothing a review cares about.

use serde::Serialize;

use super::{Component, Dependency, Model};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ModelDiff {
    pub components_added: Vec<String>,
    pub components_removed: Vec<String>,
    pub components_changed: Vec<ComponentChange>,
    pub dependencies_added: Vec<Dependency>,
    pub dependencies_removed: Vec<Dependency>,
    /// Dependencies whose kind changed, as they are in the new model.
    pub dependencies_changed: Vec<Dependency>,
    /// Zones and regions (as `zone:Z`, `region:R`) added and removed.
    pub places_added: Vec<String>,
    pub places_removed: Vec<String>,
    /// Whether the model's defaults (availabilities, time settings) changed.
    pub defaults_changed: bool,
}

/// A component in both versions, with the names of the fields that differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComponentChange {
    pub id: String,
    pub fields: Vec<&'static str>,
}

impl ModelDiff {
    pub fn is_empty(&self) -> bool {
        self.components_added.is_empty()
            && self.components_removed.is_empty()
            && self.components_changed.is_empty()
            && self.dependencies_added.is_empty()
            && self.dependencies_removed.is_empty()
            && self.dependencies_changed.is_empty()
            && self.places_added.is_empty()
            && self.places_removed.is_empty()
            && !self.defaults_changed
    }
}

/// The differences from `old` to `new`, each list in the order of the model it comes from.
pub fn diff(old: &Model, new: &Model) -> ModelDiff {
    let components_added = new
        .components
        .iter()
        .filter(|c| old.component(&c.id).is_none())
        .map(|c| c.id.clone())
        .collect();
    let components_removed = old
        .components
        .iter()
        .filter(|c| new.component(&c.id).is_none())
        .map(|c| c.id.clone())
        .collect();
    let components_changed = new
        .components
        .iter()
        .filter_map(|c| {
            let fields = changed_fields(old.component(&c.id)?, c);
            (!fields.is_empty()).then(|| ComponentChange {
                id: c.id.clone(),
                fields,
            })
        })
        .collect();
    let find = |m: &Model, d: &Dependency| {
        m.dependencies
            .iter()
            .find(|x| x.from == d.from && x.to == d.to)
            .cloned()
    };
    let dependencies_added = new
        .dependencies
        .iter()
        .filter(|d| find(old, d).is_none())
        .cloned()
        .collect();
    let dependencies_removed = old
        .dependencies
        .iter()
        .filter(|d| find(new, d).is_none())
        .cloned()
        .collect();
    let dependencies_changed = new
        .dependencies
        .iter()
        .filter(|d| find(old, d).is_some_and(|o| o.kind != d.kind))
        .cloned()
        .collect();
    let places = |m: &Model| {
        m.regions
            .iter()
            .flat_map(|r| {
                std::iter::once(format!("region:{}", r.id))
                    .chain(r.zones.iter().map(|z| format!("zone:{}", z.id)))
            })
            .collect::<Vec<_>>()
    };
    let (old_places, new_places) = (places(old), places(new));
    ModelDiff {
        places_added: new_places
            .iter()
            .filter(|p| !old_places.contains(p))
            .cloned()
            .collect(),
        places_removed: old_places
            .iter()
            .filter(|p| !new_places.contains(p))
            .cloned()
            .collect(),
        defaults_changed: old.defaults != new.defaults,
        components_added,
        components_removed,
        components_changed,
        dependencies_added,
        dependencies_removed,
        dependencies_changed,
    }
}

/// The fields of a component that differ, in file order (every field but `id` and `pos`).
pub(crate) fn changed_fields(old: &Component, new: &Component) -> Vec<&'static str> {
    let Component {
        id: _,
        name,
        kind,
        entry,
        replicas,
        min_healthy,
        zones,
        needs,
        replication,
        availability,
        monitored,
        failover,
        mtbf_hours,
        common_cause,
        pos: _,
        notes,
        workload,
    } = old;
    [
        ("name", *name != new.name),
        ("kind", *kind != new.kind),
        ("entry", *entry != new.entry),
        ("replicas", *replicas != new.replicas),
        ("min_healthy", *min_healthy != new.min_healthy),
        ("zones", *zones != new.zones),
        ("needs", *needs != new.needs),
        ("replication", *replication != new.replication),
        ("availability", *availability != new.availability),
        ("monitored", *monitored != new.monitored),
        ("failover", *failover != new.failover),
        ("mtbf_hours", *mtbf_hours != new.mtbf_hours),
        ("common_cause", *common_cause != new.common_cause),
        ("notes", *notes != new.notes),
        ("workload", *workload != new.workload),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ComponentKind, DependencyKind};

    #[test]
    fn lists_what_was_added_removed_and_changed_but_not_moves() {
        let mut db = Component::new("db", ComponentKind::Database);
        let web = Component::new("web", ComponentKind::Service);
        let old = Model {
            components: vec![web.clone(), db.clone()],
            dependencies: vec![Dependency::hard("web", "db")],
            ..Model::default()
        };
        db.replicas = 2;
        db.monitored = !db.monitored;
        db.workload = Some(crate::model::Workload::default());
        db.pos = (100.0, 0.0);
        let mut moved_web = web;
        moved_web.pos = (5.0, 5.0);
        let cache = Component::new("cache", ComponentKind::Cache);
        let mut soft = Dependency::hard("web", "db");
        soft.kind = DependencyKind::Soft;
        let new = Model {
            components: vec![moved_web, db, cache],
            dependencies: vec![soft.clone(), Dependency::hard("web", "cache")],
            ..Model::default()
        };
        let d = diff(&old, &new);
        assert_eq!(d.components_added, ["cache"]);
        assert!(d.components_removed.is_empty());
        assert_eq!(
            d.components_changed,
            [ComponentChange {
                id: "db".to_owned(),
                fields: vec!["replicas", "monitored", "workload"],
            }]
        );
        assert_eq!(d.dependencies_added, [Dependency::hard("web", "cache")]);
        assert!(d.dependencies_removed.is_empty());
        assert_eq!(d.dependencies_changed, [soft]);
        assert!(diff(&new, &new).is_empty());
        let back = diff(&new, &old);
        assert_eq!(back.components_removed, ["cache"]);
        assert_eq!(
            back.dependencies_removed,
            [Dependency::hard("web", "cache")]
        );
    }
}
