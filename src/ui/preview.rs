//! What a recommendation would change, for drawing it on the canvas before it is applied:
//! the edited copy of the model compared with the current one. Never touches the document.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::content::DocKey;
use crate::advice::Advice;
use crate::edit::{Edit, EditError};
use crate::model::{Component, Dependency, DependencyKind, Failover, Model, Needs, Replication};

/// The difference a set of edits would make, in the terms the canvas draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// Components the edits add, as they would be ("ghost" cards).
    pub added: Vec<Component>,
    /// Components the edits change, as they would be, with each change in words.
    pub changed: Vec<(Component, Vec<String>)>,
    /// Dependencies the edits add or change, as they would be.
    pub edges: Vec<Dependency>,
    /// Dependencies the edits remove, as (from, to).
    pub removed: Vec<(String, String)>,
    /// Every zone id of the edited model, in model order: what zone colours are picked by.
    pub zones: Vec<String>,
}

impl Preview {
    /// The difference `edits` would make to `model`, computed on a copy.
    pub fn of(model: &Model, edits: &[Edit]) -> Result<Self, EditError> {
        let mut after = model.clone();
        Edit::apply_all(edits, &mut after)?;
        Ok(Self::between(model, &after))
    }

    /// The difference between `before` and `after`, ignoring canvas positions of components
    /// that exist in both (moving is not a change worth previewing).
    pub fn between(before: &Model, after: &Model) -> Self {
        let old: HashMap<&str, &Component> = before
            .components
            .iter()
            .map(|c| (c.id.as_str(), c))
            .collect();
        let mut added = Vec::new();
        let mut changed = Vec::new();
        for c in &after.components {
            match old.get(c.id.as_str()) {
                None => added.push(c.clone()),
                Some(was) => {
                    let words = changes(was, c);
                    if !words.is_empty() {
                        changed.push((c.clone(), words));
                    }
                }
            }
        }
        let old_deps: HashMap<(&str, &str), DependencyKind> = before
            .dependencies
            .iter()
            .map(|d| ((d.from.as_str(), d.to.as_str()), d.kind))
            .collect();
        let new_ends: HashSet<(&str, &str)> = after
            .dependencies
            .iter()
            .map(|d| (d.from.as_str(), d.to.as_str()))
            .collect();
        Self {
            added,
            changed,
            edges: after
                .dependencies
                .iter()
                .filter(|d| old_deps.get(&(d.from.as_str(), d.to.as_str())) != Some(&d.kind))
                .cloned()
                .collect(),
            removed: before
                .dependencies
                .iter()
                .filter(|d| !new_ends.contains(&(d.from.as_str(), d.to.as_str())))
                .map(|d| (d.from.clone(), d.to.clone()))
                .collect(),
            zones: after.zone_ids().map(ToOwned::to_owned).collect(),
        }
    }
}

/// The last preview computed: of which recommendation, on which content.
#[derive(Default)]
pub struct PreviewCache(Option<(DocKey, String, Option<Arc<Preview>>)>);

impl PreviewCache {
    /// The preview of recommendation `id` of `advice` on the content `key` of `model`,
    /// computed once per content and id.
    pub fn get(
        &mut self,
        key: DocKey,
        id: &str,
        advice: Option<&Advice>,
        model: &Model,
    ) -> Option<Arc<Preview>> {
        if let Some((k, i, p)) = &self.0
            && *k == key
            && i == id
        {
            return p.clone();
        }
        let rec = advice?.recommendations.iter().find(|r| r.id == id)?;
        let preview = Preview::of(model, &rec.edits).ok().map(Arc::new);
        self.0 = Some((key, id.to_owned(), preview.clone()));
        preview
    }

    pub fn clear(&mut self) {
        self.0 = None;
    }
}

/// What changes from `was` to `now`, as short badges: `×1 ➡ ×2`, `+ eu-b`, `🔒sync`.
fn changes(was: &Component, now: &Component) -> Vec<String> {
    let mut out = Vec::new();
    if was.replicas != now.replicas || was.min_healthy != now.min_healthy {
        out.push(format!(
            "{} ➡ {}",
            replicas(was.replicas, was.min_healthy),
            replicas(now.replicas, now.min_healthy)
        ));
    }
    let gained: Vec<&str> = now
        .zones
        .iter()
        .filter(|z| !was.zones.contains(z))
        .map(String::as_str)
        .collect();
    if !gained.is_empty() {
        out.push(format!("+ {}", gained.join(", ")));
    }
    let lost: Vec<&str> = was
        .zones
        .iter()
        .filter(|z| !now.zones.contains(z))
        .map(String::as_str)
        .collect();
    if !lost.is_empty() {
        out.push(format!("leaves {}", lost.join(", ")));
    }
    if was.replication != now.replication {
        out.push(
            match now.replication {
                Replication::None => "no replication",
                Replication::Sync => "🔒sync",
                Replication::Async => "🔒async",
            }
            .to_owned(),
        );
    }
    if was.failover != now.failover {
        out.push(
            match now.failover {
                Failover::Automatic => "automatic failover",
                Failover::Manual => "manual failover",
            }
            .to_owned(),
        );
    }
    if was.monitored != now.monitored {
        out.push(
            if now.monitored {
                "monitored"
            } else {
                "unmonitored"
            }
            .to_owned(),
        );
    }
    if was.needs != now.needs {
        out.push(match now.needs {
            Needs::All => "needs all".to_owned(),
            Needs::AtLeast(k) => format!("needs {k}"),
        });
    }
    if was.availability != now.availability {
        out.push("availability".to_owned());
    }
    if was.kind != now.kind || was.name != now.name || was.entry != now.entry {
        out.push("edited".to_owned());
    }
    out
}

/// `×2`, or `2/3` when fewer than all must be up.
fn replicas(replicas: u32, min_healthy: u32) -> String {
    if min_healthy < replicas {
        format!("{min_healthy}/{replicas}")
    } else {
        format!("×{replicas}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ComponentKind;

    fn model() -> Model {
        Model {
            components: vec![
                Component::new("users", ComponentKind::Client),
                Component::new("api", ComponentKind::Service),
                Component::new("db", ComponentKind::Database),
            ],
            dependencies: vec![
                Dependency::hard("users", "api"),
                Dependency::hard("api", "db"),
            ],
            ..Model::default()
        }
    }

    #[test]
    fn an_unchanged_model_previews_nothing() {
        let m = model();
        assert_eq!(Preview::between(&m, &m), Preview::default());
    }

    #[test]
    fn added_changed_and_rewired_parts_are_told_apart() {
        let before = model();
        let mut after = before.clone();
        after.components[1].replicas = 3;
        after.components[1].min_healthy = 2;
        after.components[1].pos = (50.0, 50.0);
        after.components[2].replication = Replication::Sync;
        after.components[0].pos = (9.0, 9.0);
        after
            .components
            .push(Component::new("lb", ComponentKind::LoadBalancer));
        after.dependencies = vec![
            Dependency::hard("users", "lb"),
            Dependency::hard("lb", "api"),
            Dependency {
                from: "api".to_owned(),
                to: "db".to_owned(),
                kind: DependencyKind::Soft,
            },
        ];
        let p = Preview::between(&before, &after);
        assert_eq!(
            p.added.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["lb"]
        );
        assert_eq!(
            p.changed
                .iter()
                .map(|(c, w)| (c.id.as_str(), w.clone()))
                .collect::<Vec<_>>(),
            [
                ("api", vec!["×1 ➡ 2/3".to_owned()]),
                ("db", vec!["🔒sync".to_owned()])
            ]
        );
        assert_eq!(
            p.edges
                .iter()
                .map(|d| (d.from.as_str(), d.to.as_str(), d.kind))
                .collect::<Vec<_>>(),
            [
                ("users", "lb", DependencyKind::Hard),
                ("lb", "api", DependencyKind::Hard),
                ("api", "db", DependencyKind::Soft)
            ]
        );
        assert_eq!(p.removed, [("users".to_owned(), "api".to_owned())]);
    }
}
