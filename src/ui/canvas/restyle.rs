//! Cards' and dependencies' looks from the document, the analysis and the what-if marks.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use egui::{Color32, pos2};
use petgraph::stable_graph::NodeIndex;

use super::{Canvas, Overlay, ZoneIndex};
use crate::edit::ValuesChanged;
use crate::model::{Component, Event, FastHash, Model, Replication};
use crate::style::replica_badge;
use crate::ui::look::zone_colour;
use crate::ui::shapes::{ComponentLook, DependencyLook, WhatIfState};

/// Component ids with a mark (SPOF, down, …).
type Ids<'a> = HashSet<&'a str, FastHash>;

impl Canvas {
    /// Bring every look up to date and move cards to the model's positions. A look that
    /// comes out the same keeps its value, and with it the card's kept triangles.
    ///
    /// With `changed` (what the document's changes since the last restyle touched, when
    /// they only changed values), only the cards and dependencies it names are looked at,
    /// and the cards whose marks may have come or gone (marked then or now), with the
    /// dependencies into them: the others have the values and marks they were styled with.
    /// What-if mode marks every card, so it restyles all of them.
    pub(super) fn restyle(
        &mut self,
        model: &Model,
        overlay: &Overlay<'_>,
        changed: Option<ValuesChanged>,
    ) {
        let zone_index: ZoneIndex<'_> = model.zone_ids().enumerate().map(|(i, z)| (z, i)).collect();
        let spofs: Ids<'_> = overlay
            .report
            .map(|r| r.component_spofs().map(|s| s.id.as_str()).collect())
            .unwrap_or_default();
        let whatif = overlay.whatif.filter(|_| overlay.whatif_mode);
        let down: Ids<'_> = whatif
            .map(|w| w.down.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let degraded: Ids<'_> = whatif
            .map(|w| w.degraded.iter().map(String::as_str).collect())
            .unwrap_or_default();
        // A bad deploy (`common:c`) knocks c out as a whole; so does its failover window.
        let knocked: Ids<'_> = overlay
            .knockouts
            .iter()
            .filter_map(|k| match k {
                Event::Component(c) | Event::Common(c) | Event::Failover(c) => Some(c.as_str()),
                _ => None,
            })
            .collect();
        let dragging = self.graph.dragged_node().is_some();
        // Most sets are empty: no need to hash 10,000 ids to learn that.
        let has = |set: &Ids<'_>, id: &str| !set.is_empty() && set.contains(id);
        let changed = changed.filter(|_| whatif.is_none());
        let (cards, edges) = match changed {
            None => (
                (0..model.components.len()).collect::<Vec<_>>(),
                (0..model.dependencies.len()).collect::<Vec<_>>(),
            ),
            Some(ValuesChanged {
                mut components,
                mut dependencies,
            }) => {
                components.extend(&self.marked);
                let marked_now = spofs.iter().chain(&knocked);
                components.extend(marked_now.filter_map(|id| self.index.get(*id).copied()));
                components.sort_unstable();
                components.dedup();
                for &i in &components {
                    dependencies.extend(self.edges.touching(i));
                }
                dependencies.sort_unstable();
                dependencies.dedup();
                (components, dependencies)
            }
        };
        let mut badges: HashMap<_, _, FastHash> = HashMap::default();
        // Each card's SPOF and down marks, which its dependencies show too.
        let mut marks = vec![None; model.components.len()];
        self.marked.clear();
        for &i in &cards {
            let Some(c) = model.components.get(i) else {
                continue;
            };
            let (spof, is_down) = (has(&spofs, &c.id), has(&down, &c.id));
            marks[i] = Some((spof, is_down));
            let state = whatif.map(|_| {
                if is_down {
                    WhatIfState::Down
                } else if has(&degraded, &c.id) {
                    WhatIfState::Degraded
                } else {
                    WhatIfState::Healthy
                }
            });
            let knocked_out = has(&knocked, &c.id);
            if spof || knocked_out || state.is_some() {
                self.marked.push(i);
            }
            let badge = badges
                .entry((c.replicas, c.min_healthy, c.kind.has_replicas()))
                .or_insert_with(|| replica_badge(c));
            if let Some(node) = self.graph.node_mut(NodeIndex::new(i)) {
                let marks = (spof, state, knocked_out);
                if !shows(node.payload(), c, badge.as_deref(), &zone_index, marks) {
                    *node.payload_mut() = Arc::new(ComponentLook {
                        spof,
                        whatif: state,
                        knocked_out,
                        ..look_of(c, &zone_index)
                    });
                }
                if !dragging {
                    node.set_location(pos2(c.pos.0, c.pos.1));
                }
            }
        }
        for e in edges {
            let (Some(d), Some(&(_, to))) = (model.dependencies.get(e), self.edges.ends().get(e))
            else {
                continue;
            };
            // A target left out above has no mark now and had none at the last restyle.
            let (spof, down) = marks.get(to).copied().flatten().unwrap_or_else(|| {
                model
                    .components
                    .get(to)
                    .map_or((false, false), |c| (has(&spofs, &c.id), has(&down, &c.id)))
            });
            let look = DependencyLook {
                soft: d.kind == crate::model::DependencyKind::Soft,
                into_spof: spof,
                down,
            };
            self.edges.set_look(e, look);
        }
    }
}

/// How `c` looks by its own properties alone (no analysis, no what-if); zone colours by
/// each zone's index in `zone_index`.
pub(super) fn look_of(c: &Component, zone_index: &ZoneIndex<'_>) -> ComponentLook {
    ComponentLook {
        kind: c.kind,
        name: c.display_name().to_owned(),
        badge: replica_badge(c),
        zones: c
            .zones
            .iter()
            .map(|z| (z.clone(), zone_colour_in(z, zone_index)))
            .collect(),
        replication: replication_mark(c),
        entry: c.entry,
        spof: false,
        whatif: None,
        knocked_out: false,
    }
}

/// Whether `look` is what `look_of(c)` with these marks gives (`badge` being `c`'s), without
/// building it: a restyle of 10,000 cards would otherwise allocate tens of thousands of strings.
pub(super) fn shows(
    look: &ComponentLook,
    c: &Component,
    badge: Option<&str>,
    zone_index: &ZoneIndex<'_>,
    (spof, whatif, knocked_out): (bool, Option<WhatIfState>, bool),
) -> bool {
    look.kind == c.kind
        && look.name == c.display_name()
        && look.entry == c.entry
        && look.spof == spof
        && look.whatif == whatif
        && look.knocked_out == knocked_out
        && look.replication == replication_mark(c)
        && look.zones.len() == c.zones.len()
        && look
            .zones
            .iter()
            .zip(&c.zones)
            .all(|((z, colour), id)| z == id && *colour == zone_colour_in(id, zone_index))
        && look.badge.as_deref() == badge
}

pub(super) fn zone_colour_in(zone: &str, zone_index: &ZoneIndex<'_>) -> Color32 {
    zone_index
        .get(zone)
        .map_or(Color32::GRAY, |&i| zone_colour(i))
}

pub(super) fn replication_mark(c: &Component) -> Option<&'static str> {
    match c.replication {
        Replication::None => None,
        _ if !c.kind.is_stateful() => None,
        Replication::Sync => Some("sync"),
        Replication::Async => Some("async"),
    }
}
