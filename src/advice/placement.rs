//! Where new replicas, zones and regions go: spreading a component over the zones of its
//! region, mirroring it into a second region, fresh ids. Model arithmetic only; no analysis.

use std::collections::HashMap;

use crate::edit::Edit;
use crate::model::{Component, Failover, Model, Region, Replication, Zone};
use crate::style::{CARD_H, CARD_W};

/// Zones of `c` without repeats, in list order.
pub fn distinct_zones(c: &Component) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for z in &c.zones {
        if !out.contains(z) {
            out.push(z.clone());
        }
    }
    out
}

/// Index of the region holding `zone`.
pub fn region_of(regions: &[Region], zone: &str) -> Option<usize> {
    regions
        .iter()
        .position(|r| r.zones.iter().any(|z| z.id == zone))
}

/// Fewest replicas, spread round-robin over `zones` ≥ 2 zones, that keep `k` up when any
/// one zone fails: the largest zone holds ⌈r/L⌉, so r − ⌈r/L⌉ ≥ k, i.e. r ≥ ⌈kL/(L−1)⌉.
pub fn replicas_for_zone_loss(k: u32, zones: u32) -> u32 {
    (k * zones).div_ceil(zones - 1)
}

/// Whether `c` goes down by itself when the zones `failed` says are out: fewer than its
/// effective `min_healthy` replicas are left elsewhere.
pub fn hit_by(c: &Component, failed: impl Fn(&str) -> bool) -> bool {
    let n = c.replica_count();
    if n == 0 {
        return false;
    }
    let left = (0..n)
        .filter(|&i| c.zone_of_replica(i).is_none_or(|z| !failed(z)))
        .count() as u32;
    left < c.effective_min_healthy()
}

/// Gap kept free around every card.
const GAP: f32 = 20.0;

/// A card's room as (left, top, right, bottom), the gap included.
type Room = (f32, f32, f32, f32);

fn room(pos: (f32, f32)) -> Room {
    let (w, h) = ((CARD_W + GAP) / 2.0, (CARD_H + GAP) / 2.0);
    (pos.0 - w, pos.1 - h, pos.0 + w, pos.1 + h)
}

/// Whether two rooms overlap or touch.
fn overlap(a: Room, b: Room) -> bool {
    a.0 <= b.2 && b.0 <= a.2 && a.1 <= b.3 && b.1 <= a.3
}

/// Put every component `edits` add where no card of `model` (nor one added before it) is:
/// where the candidate wants it if that is free, else the nearest free spot on a half-card
/// grid around it. Only positions change.
pub fn space_out(model: &Model, edits: &mut [Edit]) {
    let mut taken: Option<Vec<Room>> = None;
    for e in edits {
        if let Edit::AddComponent(c) = e {
            let taken =
                taken.get_or_insert_with(|| model.components.iter().map(|c| room(c.pos)).collect());
            c.pos = free_spot(c.pos, taken);
            taken.push(room(c.pos));
        }
    }
}

/// Carry `edits`, made for `from`, over to `to`, the same model with cards moved (or
/// workloads changed): a card an edit replaces keeps its place and its workload in `to`, a
/// card an edit adds moves with the card of `from` nearest to it (the one it was placed
/// beside), then steps aside from any card now in the way. Nothing but positions and
/// workloads changes.
pub fn follow_moves(from: &Model, to: &Model, edits: &mut [Edit]) {
    for e in edits.iter_mut() {
        match e {
            Edit::AddComponent(c) => {
                let nearest = from.components.iter().min_by(|a, b| {
                    let d = |p: (f32, f32)| (p.0 - c.pos.0).hypot(p.1 - c.pos.1);
                    d(a.pos).total_cmp(&d(b.pos))
                });
                if let Some(now) = nearest.and_then(|n| to.component(&n.id).map(|t| (n, t))) {
                    let (was, is) = (now.0.pos, now.1.pos);
                    c.pos = (c.pos.0 + is.0 - was.0, c.pos.1 + is.1 - was.1);
                }
            }
            Edit::UpdateComponent { id, component } => {
                if let Some(now) = to.component(id) {
                    component.pos = now.pos;
                    component.workload.clone_from(&now.workload);
                }
            }
            _ => {}
        }
    }
    space_out(to, edits);
}

/// How many half-card steps `free_spot` looks away from the wanted spot, each way.
const REACH: i8 = 8;

/// `want` if its room is free, else the nearest free spot on a half-card grid around it
/// (`want` itself when the whole grid is taken).
fn free_spot(want: (f32, f32), taken: &[Room]) -> (f32, f32) {
    let (dx, dy) = free_shift(&[want], taken);
    (want.0 + dx, want.1 + dy)
}

/// Move `cards`, about to be added to `model`, as one group (their arrangement kept) to
/// the nearest spot where none lies on a card of `model`: where they are if that is
/// free, else the nearest free shift on a half-card grid. Only positions change. The one
/// rule for cards a user adds: from the palette, pasted or duplicated.
pub fn place_new_cards(model: &Model, cards: &mut [Component]) {
    let wants: Vec<(f32, f32)> = cards.iter().map(|c| c.pos).collect();
    let taken: Vec<Room> = model.components.iter().map(|c| room(c.pos)).collect();
    let (dx, dy) = free_shift(&wants, &taken);
    for c in cards {
        c.pos = (c.pos.0 + dx, c.pos.1 + dy);
    }
}

/// The shortest shift, on a half-card grid up to [`REACH`] steps each way, that puts the
/// rooms of cards at `wants` clear of every room in `taken`: none when they already are
/// or when the whole grid is taken.
fn free_shift(wants: &[(f32, f32)], taken: &[Room]) -> (f32, f32) {
    let (dx, dy) = ((CARD_W + GAP) / 2.0, (CARD_H + GAP) / 2.0);
    let (reach_x, reach_y) = (f32::from(REACH) * dx, f32::from(REACH) * dy);
    let Some(wanted) = wants
        .iter()
        .map(|&w| room(w))
        .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))
    else {
        return (0.0, 0.0);
    };
    let area = (
        wanted.0 - reach_x,
        wanted.1 - reach_y,
        wanted.2 + reach_x,
        wanted.3 + reach_y,
    );
    // Only cards within reach can be in the way: a big model is scanned once.
    let near: Vec<Room> = taken
        .iter()
        .copied()
        .filter(|&t| overlap(t, area))
        .collect();
    let free = |(sx, sy): (f32, f32)| {
        wants.iter().all(|&(x, y)| {
            let moved = room((x + sx, y + sy));
            !near.iter().any(|&t| overlap(t, moved))
        })
    };
    if free((0.0, 0.0)) {
        return (0.0, 0.0);
    }
    let mut shifts: Vec<(f32, f32)> = (-REACH..=REACH)
        .flat_map(|i| (-REACH..=REACH).map(move |j| (f32::from(i) * dx, f32::from(j) * dy)))
        .collect();
    shifts.sort_by(|a, b| a.0.hypot(a.1).total_cmp(&b.0.hypot(b.1)));
    shifts.into_iter().find(|&s| free(s)).unwrap_or((0.0, 0.0))
}

/// Regions being reshaped by one candidate, and the ids it has handed out.
pub struct Layout<'m> {
    model: &'m Model,
    pub regions: Vec<Region>,
    taken: Vec<String>,
}

impl<'m> Layout<'m> {
    pub fn new(model: &'m Model) -> Self {
        Self {
            model,
            regions: model.regions.clone(),
            taken: Vec::new(),
        }
    }

    /// A component, region or zone id used nowhere yet, built from `stem`.
    pub fn fresh(&mut self, stem: &str) -> String {
        let stem = self.model.fresh_id(stem);
        let id = (1..)
            .map(|n| {
                if n == 1 {
                    stem.clone()
                } else {
                    format!("{stem}-{n}")
                }
            })
            .find(|id| self.is_free(id))
            .unwrap_or(stem);
        self.taken.push(id.clone());
        id
    }

    fn is_free(&self, id: &str) -> bool {
        !self.taken.iter().any(|t| t == id)
            && self.model.component(id).is_none()
            && !self
                .regions
                .iter()
                .any(|r| r.id == id || r.zones.iter().any(|z| z.id == id))
    }

    /// Zones created so far (ids), in creation order.
    pub fn new_zones(&self) -> Vec<String> {
        self.regions
            .iter()
            .flat_map(|r| r.zones.iter().map(|z| z.id.clone()))
            .filter(|z| self.model.zone(z).is_none())
            .collect()
    }

    /// Whether the candidate changed the regions (and so needs a `SetRegions` edit).
    pub fn regions_changed(&self) -> bool {
        self.regions != self.model.regions
    }

    /// Add a zone to region `ri`, named `<region>-<letter>` like cloud zones.
    fn add_zone(&mut self, ri: usize) -> String {
        let region = self.regions[ri].id.clone();
        let id = match ('a'..='z')
            .map(|l| format!("{region}-{l}"))
            .find(|id| self.is_free(id))
        {
            Some(id) => {
                self.taken.push(id.clone());
                id
            }
            None => self.fresh(&format!("{region}-zone")),
        };
        self.regions[ri].zones.push(Zone::new(id.clone()));
        id
    }

    /// `c` with `replicas` replicas; new replicas go to zones of its region it does not
    /// use yet, as long as that leaves every existing replica where it is.
    pub fn with_replicas(&self, c: &Component, replicas: u32) -> Component {
        let mut next = c.clone();
        next.replicas = replicas;
        let zones = distinct_zones(c);
        if zones.len() == c.zones.len()
            && c.replicas as usize <= zones.len()
            && let Some(ri) = zones.first().and_then(|z| region_of(&self.regions, z))
        {
            let wanted = (replicas as usize).saturating_sub(zones.len());
            next.zones.extend(
                self.regions[ri]
                    .zones
                    .iter()
                    .filter(|z| !zones.contains(&z.id))
                    .take(wanted)
                    .map(|z| z.id.clone()),
            );
        }
        next
    }

    /// `c` spread over zones of its region so that any one zone can fail while
    /// `min_healthy` replicas stay up, with the fewest replicas; a region with a single
    /// zone gets a second one. A store becomes synchronously replicated with automatic
    /// failover (its replicas must hold the same data to stand in for each other).
    pub fn spread(&mut self, c: &Component) -> Component {
        let zones = distinct_zones(c);
        let Some(ri) = zones.first().and_then(|z| region_of(&self.regions, z)) else {
            return c.clone();
        };
        let mut spare: Vec<String> = self.regions[ri]
            .zones
            .iter()
            .filter(|z| !zones.contains(&z.id))
            .map(|z| z.id.clone())
            .collect();
        if zones.len() + spare.len() < 2 {
            spare.push(self.add_zone(ri));
        }
        let k = c.min_healthy;
        let (replicas, count) = (zones.len().max(2)..=zones.len() + spare.len())
            .map(|l| (c.replicas.max(replicas_for_zone_loss(k, l as u32)), l))
            .min()
            .unwrap_or((c.replicas, zones.len()));
        let mut next = c.clone();
        next.zones = zones.clone();
        next.zones
            .extend(spare.into_iter().take(count.saturating_sub(zones.len())));
        next.replicas = replicas;
        if c.kind.is_stateful() && c.replication == Replication::None && replicas > 1 {
            next.replication = Replication::Sync;
            next.failover = Failover::Automatic;
        }
        next
    }

    /// The region that mirrors `region`: another region of the model with zones, or a new
    /// one with as many zones. Returns its id and where each zone of `region` maps to.
    pub fn second_region(&mut self, region: &str) -> (String, HashMap<String, String>) {
        let source: Vec<String> = self
            .regions
            .iter()
            .find(|r| r.id == region)
            .map(|r| r.zones.iter().map(|z| z.id.clone()).collect())
            .unwrap_or_default();
        let existing = self
            .regions
            .iter()
            .position(|r| r.id != region && !r.zones.is_empty());
        let ri = match existing {
            Some(ri) => ri,
            None => {
                let id = self.fresh(&format!("{region}-2"));
                let name = self
                    .model
                    .region(region)
                    .map(|r| if r.name.is_empty() { &r.id } else { &r.name })
                    .map_or_else(String::new, |n| format!("{n} (second region)"));
                self.regions.push(Region {
                    id,
                    name,
                    zones: Vec::new(),
                });
                let ri = self.regions.len() - 1;
                for _ in 0..source.len().max(1) {
                    self.add_zone(ri);
                }
                ri
            }
        };
        let target: Vec<String> = self.regions[ri]
            .zones
            .iter()
            .map(|z| z.id.clone())
            .collect();
        let map = source
            .iter()
            .enumerate()
            .map(|(j, z)| (z.clone(), target[j % target.len()].clone()))
            .collect();
        (self.regions[ri].id.clone(), map)
    }
}

/// `c` mirrored into a second region: every zone `z` of its list is followed by its mirror
/// `map[z]` and the replicas double, so old replica `j` stays where it was (as replica 2j)
/// and replica 2j+1 runs in the mirror zone. A store replicates with `replication`; one
/// that gets its first copy this way also gets automatic failover, as any new replica does.
pub fn stretch(
    c: &Component,
    map: &HashMap<String, String>,
    replication: Replication,
) -> Component {
    let mut next = c.clone();
    next.zones = c
        .zones
        .iter()
        .flat_map(|z| [z.clone(), map.get(z).unwrap_or(z).clone()])
        .collect();
    next.replicas = c.replicas * 2;
    if c.kind.is_stateful() {
        next.replication = replication;
        if c.replication == Replication::None && c.replicas == 1 {
            next.failover = Failover::Automatic;
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_card_on_top_of_another_moves_to_the_nearest_free_spot() {
        let mut m = Model {
            components: vec![
                Component::new("api", crate::model::ComponentKind::Service),
                Component::new("db", crate::model::ComponentKind::Database),
            ],
            ..Model::default()
        };
        m.components[0].pos = (0.0, 0.0);
        m.components[1].pos = (0.0, 100.0);
        let mut free = Component::new("free", crate::model::ComponentKind::Service);
        free.pos = (400.0, 0.0);
        let mut covering = Component::new("covering", crate::model::ComponentKind::Service);
        covering.pos = (0.0, 90.0);
        let mut second = covering.clone();
        second.id = "second".to_owned();
        let edits = [
            Edit::AddComponent(free),
            Edit::SetRegions(Vec::new()),
            Edit::AddComponent(covering),
            Edit::AddComponent(second),
        ];
        let mut spaced = edits.clone();
        space_out(&m, &mut spaced);
        let placed: Vec<(f32, f32)> = spaced
            .iter()
            .filter_map(|e| match e {
                Edit::AddComponent(c) => Some(c.pos),
                _ => None,
            })
            .collect();
        assert_eq!(placed, [(400.0, 0.0), (0.0, 210.0), (0.0, -110.0)]);
        assert_eq!(spaced[1], edits[1]);
    }
    use crate::model::ComponentKind;

    #[test]
    fn new_cards_move_as_one_group_clear_of_every_card() {
        let mut m = Model::default();
        for (id, pos) in [("web", (0.0, 0.0)), ("db", (0.0, 100.0))] {
            let mut c = Component::new(id, ComponentKind::Service);
            c.pos = pos;
            m.components.push(c);
        }
        let mut copies = m.components.clone();
        for c in &mut copies {
            c.pos = (c.pos.0 + 40.0, c.pos.1 + 40.0);
        }
        place_new_cards(&m, &mut copies);
        let placed: Vec<(f32, f32)> = copies.iter().map(|c| c.pos).collect();
        assert_eq!(placed, [(40.0, 200.0), (40.0, 300.0)]);
        let mut far = vec![Component::new("far", ComponentKind::Dns)];
        far[0].pos = (900.0, 900.0);
        place_new_cards(&m, &mut far);
        assert_eq!(far[0].pos, (900.0, 900.0));
    }

    #[test]
    fn replicas_for_zone_loss_leaves_k_after_the_largest_zone_fails() {
        for k in 1..6 {
            for l in 2..6 {
                let r = replicas_for_zone_loss(k, l);
                assert!(r - r.div_ceil(l) >= k, "k {k} zones {l}");
                assert!(
                    r - 1 - (r - 1).div_ceil(l) < k,
                    "k {k} zones {l} not minimal"
                );
            }
        }
    }

    #[test]
    fn stretch_keeps_old_replicas_in_place() {
        let mut c = Component::new("web", ComponentKind::Service);
        c.replicas = 3;
        c.zones = vec!["a".into(), "b".into()];
        let map = HashMap::from([("a".into(), "x".into()), ("b".into(), "y".into())]);
        let s = stretch(&c, &map, Replication::Async);
        assert_eq!(s.replicas, 6);
        for j in 0..3 {
            assert_eq!(s.zone_of_replica(2 * j), c.zone_of_replica(j));
        }
        assert_eq!(s.zone_of_replica(1), Some("x"));
        assert_eq!(s.replication, Replication::None);
    }

    /// The microservices sample and its recommendations.
    fn microservices_advice() -> (Model, crate::advice::Advice) {
        let model = crate::model::from_str(
            include_str!("../../samples/microservices.spof.ron"),
            "microservices.spof.ron",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let report = crate::analysis::analyze(&model, &crate::analysis::Options::default());
        let advice = crate::advice::recommend(&model, &report);
        (model, advice)
    }

    /// A workload given to a card after the recommendations were made analyses the same,
    /// so they are carried over; one that changes the card keeps the new workload.
    #[test]
    fn recommendations_keep_a_workload_given_after_them() {
        let (from, advice) = microservices_advice();
        let (rec, id) = advice
            .recommendations
            .iter()
            .find_map(|r| {
                r.edits.iter().find_map(|e| match e {
                    Edit::UpdateComponent { id, .. } => Some((r, id.clone())),
                    _ => None,
                })
            })
            .unwrap_or_else(|| panic!("no recommendation changes a card"));
        let workload = crate::model::Workload {
            namespace: "shop".to_owned(),
            kind: "Deployment".to_owned(),
            name: id.clone(),
            ..crate::model::Workload::default()
        };
        let mut to = from.clone();
        if let Some(c) = to.component_mut(&id) {
            c.workload = Some(workload.clone());
        }
        assert!(from.same_analysis_input(&to));
        let carried = advice.follow_moves(&from, &to);
        let after = carried
            .recommendations
            .iter()
            .find(|r| r.id == rec.id)
            .unwrap_or_else(|| panic!("{} not carried", rec.id));
        let mut now = to.clone();
        Edit::apply_all(&after.edits, &mut now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            now.component(&id).and_then(|c| c.workload.clone()),
            Some(workload),
            "{}",
            rec.id
        );
    }

    #[test]
    fn recommendations_follow_moved_cards_and_change_nothing_else() {
        let (from, advice) = microservices_advice();
        // Move every card 500 right and 300 down, and the payment provider elsewhere.
        let mut to = from.clone();
        for c in &mut to.components {
            c.pos = (c.pos.0 + 500.0, c.pos.1 + 300.0);
        }
        let payment = to.components.iter().position(|c| c.id == "payment");
        let payment = payment.unwrap_or_else(|| panic!("no payment card"));
        to.components[payment].pos = (-900.0, -900.0);
        let carried = advice.follow_moves(&from, &to);
        assert_eq!(carried.recommendations.len(), advice.recommendations.len());
        let mut adds = 0;
        for (before, after) in advice.recommendations.iter().zip(&carried.recommendations) {
            assert_eq!(before.id, after.id);
            assert_eq!(before.entries, after.entries);
            assert_eq!(before.removes_spofs, after.removes_spofs);
            let mut was = from.clone();
            Edit::apply_all(&before.edits, &mut was).unwrap_or_else(|e| panic!("{e}"));
            let mut now = to.clone();
            Edit::apply_all(&after.edits, &mut now).unwrap_or_else(|e| panic!("{e}"));
            // The same model but for positions; cards that were there stay where they are now.
            let mut positionless = now.clone();
            for (x, y) in positionless.components.iter_mut().zip(&was.components) {
                x.pos = y.pos;
            }
            assert_eq!(positionless, was, "{}", before.id);
            for c in &to.components {
                assert_eq!(
                    now.component(&c.id).map(|x| x.pos),
                    Some(c.pos),
                    "{}",
                    before.id
                );
            }
            // Added cards moved with the card they were beside, and overlap none.
            for (b, a) in before.edits.iter().zip(&after.edits) {
                if let (Edit::AddComponent(b), Edit::AddComponent(a)) = (b, a) {
                    adds += 1;
                    let near_payment = from
                        .component("payment")
                        .is_some_and(|p| (p.pos.0 - b.pos.0).hypot(p.pos.1 - b.pos.1) < 150.0);
                    if !near_payment {
                        assert_eq!(a.pos, (b.pos.0 + 500.0, b.pos.1 + 300.0), "{}", a.id);
                    }
                    for c in &now.components {
                        if c.id != a.id {
                            assert!(!overlap(room(c.pos), room(a.pos)), "{} on {}", a.id, c.id);
                        }
                    }
                }
            }
        }
        assert!(adds > 0, "no recommendation adds a card");
    }
}
