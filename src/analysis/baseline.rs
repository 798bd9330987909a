//! Measuring a change to a few components against an analysed model without compiling
//! anything again. An entry's probability of being down is linear in the probability of
//! any one basic event that appears once in its formula, with the event's Birnbaum
//! importance as the slope. A component with one replica, no outage events and no zone
//! is exactly such an event: whatever an edit does to that component alone (more
//! replicas, another availability, monitoring, failover, common cause) changes only the
//! probability that the component itself holds up, so every entry moves along that line.
//! Any other component whose own part is one variable of the formulas (lumped: its
//! zones constants in every cofactor) does the same cofactor by cofactor, so a change
//! to it alone, its replicas moved among zones already conditioned on included, moves
//! every entry along its per-cofactor slopes ([`OwnSlopes`]). A load balancer put in front
//! of such a component (zone-free, or in zones conditioned on) is one more own part in
//! series with it: the entries move along the same slopes, by the change in the product.
//! Changes to several such components at once (a zone's fix spreads everything in it),
//! and components every caller now degrades without (never failing, as far as any
//! entry's "up" is concerned), are evaluated again cofactor by cofactor, only in the
//! contexts of the compiled formulas above their variables.
//! SPOFs, findings and full service are computed whole on the edited model; they are cheap.

use super::availability::{Evaluation, Importance, OwnSlopes, Structure, own_down};
use super::graph::FailureGraph;
use super::{
    EntryAvailability, ExactEntries, NODE_BUDGET, Quantified, Stop, Unavailability, cuts,
    entry_list, full_service,
};
use crate::model::{DependencyKind, Model};

/// Fields of a component that change only what the component itself does (zones:
/// which zone events its replicas need, measured only where those are conditioned on).
const OWN_FIELDS: [&str; 10] = [
    "replicas",
    "zones",
    "min_healthy",
    "replication",
    "availability",
    "monitored",
    "failover",
    "mtbf_hours",
    "common_cause",
    "notes",
];

/// An analysed model: each entry's probability of being down and the Birnbaum importance
/// of every basic event for it.
pub struct Baseline {
    g: FailureGraph,
    /// Per entry (in graph order): P(down).
    down: Vec<f64>,
    /// Per entry: ∂P(down)/∂q of every event (empty for an entry down with nothing failed).
    slope: Vec<Vec<f64>>,
    baseline_down: Vec<bool>,
    /// The structure compiled for the model and its evaluation: where several changed
    /// components' own parts are re-evaluated.
    compiled: (Structure, Evaluation),
    /// Each entry's closure. A change that adds no component leaves each the same set:
    /// dependencies made soft are still walked.
    closures: Vec<Vec<u32>>,
    /// Per-cofactor slopes of the components whose own part is one variable, for the
    /// live entries, and each entry's column in them.
    own_parts: Option<(OwnSlopes, Vec<Option<usize>>)>,
}

impl Baseline {
    /// `None` when `model` is over the node budget (candidates are then analysed whole).
    pub fn new(model: &Model) -> Option<Self> {
        let g = FailureGraph::compile(model);
        let baseline_down = cuts::singles(&g).baseline_down;
        let forced_down = vec![false; g.len()];
        let exact = ExactEntries::build(
            &g,
            &forced_down,
            &baseline_down,
            &g.availability,
            None,
            NODE_BUDGET,
            Stop::NEVER,
        )
        .ok()
        .filter(|exact| !exact.structure.sampled())?;
        let (s, ev, closures) = (exact.structure, exact.evaluation, exact.closures);
        let entries = entry_list(&g);
        let live: Vec<usize> = (0..entries.len())
            .filter(|&i| !baseline_down[entries[i] as usize])
            .collect();
        let measured = s.importance(&ev, &g.availability, &live, &[], &|| false)?;
        let down = (0..entries.len()).map(|i| s.down(&ev, i)).collect();
        Some(Self::from_parts(
            g,
            baseline_down,
            down,
            &live,
            measured,
            (s, ev),
            closures,
        ))
    }

    /// The baseline of an analysis that already computed it: the model compiled as `g`,
    /// down with nothing failed where `baseline_down` says, each entry's P(down) (in graph
    /// order), and the importance [`Structure::importance`] gives for the `live` entries
    /// (indices into the entries) of `compiled`, an evaluation without certain events
    /// made constants, and each entry's closure.
    pub(super) fn from_parts(
        g: FailureGraph,
        baseline_down: Vec<bool>,
        down: Vec<f64>,
        live: &[usize],
        measured: Importance,
        compiled: (Structure, Evaluation),
        closures: Vec<Vec<u32>>,
    ) -> Self {
        let mut slope = vec![Vec::new(); down.len()];
        let mut column = vec![None; down.len()];
        for (j, (&i, by_event)) in live.iter().zip(measured.by_entry).enumerate() {
            slope[i] = by_event;
            column[i] = Some(j);
        }
        Self {
            g,
            down,
            slope,
            baseline_down,
            compiled,
            closures,
            own_parts: measured.own_parts.map(|l| (l, column)),
        }
    }

    /// The availability part of the analysis of `after` (compiled as `g`, down with
    /// nothing failed where `baseline_down` says), when it differs from `before` (the
    /// model of this baseline) in the own fields of components whose own parts are one
    /// variable before and after ([`Baseline::changed`]): a single-replica, zone-free
    /// one, or one whose replicas' zones are conditioned on. One such component, possibly
    /// with new components put in front of it ([`Front`]: zone-free too, or in zones
    /// conditioned on), moves each entry along its slopes; several are evaluated again where they
    /// are read, and so are components every caller now degrades without ([`relieved`]:
    /// for availability, they never fail). `None` for any other change.
    pub(super) fn quantify(
        &self,
        before: &Model,
        after: &Model,
        g: &FailureGraph,
        baseline_down: &[bool],
    ) -> Option<Quantified> {
        let Changed {
            components,
            front,
            relieved,
        } = self.changed(before, after)?;
        // Components keep their indices; new ones in front come last.
        let (kept, new) = baseline_down.split_at(self.baseline_down.len());
        if kept != self.baseline_down.as_slice() || new.contains(&true) {
            return None;
        }
        if let Some(Front::Either { group, .. }) = front
            && g.own_events(group).next().is_some()
        {
            return None;
        }
        let moved = match *components.as_slice() {
            [c] if relieved.is_empty() => self
                .along_event(c, front, g)
                .or_else(|| self.along_cofactors(c, front, g)),
            _ => None,
        };
        let down: Vec<f64> = match moved {
            Some(moved) => moved
                .iter()
                .zip(&self.down)
                .map(|(m, &d)| m.map_or(d, |m| (d + m).clamp(0.0, 1.0)))
                .collect(),
            None if front.is_none() => {
                let (s, ev) = &self.compiled;
                let mut all = components;
                all.extend_from_slice(&relieved);
                all.sort_unstable();
                all.dedup();
                let own = |zones: &[Option<bool>], c: u32| match relieved.binary_search(&c) {
                    Ok(_) => Some(0.0),
                    Err(_) => own_down(g, c, zones, &g.availability),
                };
                s.down_after(ev, &all, own)?
            }
            None => return None,
        };
        let entries = entry_list(g);
        let forced_down = vec![false; g.len()];
        let walked;
        let closures = match front {
            None => &self.closures,
            Some(_) => {
                walked = full_service::closures(g, baseline_down, &entries);
                &walked
            }
        };
        let not_full = full_service::unavailability(g, &g.availability, &forced_down, closures)?;
        let reports = entries
            .iter()
            .enumerate()
            .map(|(i, &e)| {
                EntryAvailability::new(
                    &g.ids[e as usize],
                    after.components[e as usize].display_name(),
                    Unavailability::exact(down[i], not_full[i]),
                )
            })
            .collect();
        Some(Quantified {
            entries: reports,
            importance: Vec::new(),
            component_importance: Vec::new(),
            bdd_nodes: self.compiled.0.nodes(),
            slopes: None,
        })
    }

    /// How much each entry's P(down) moves (`None`: not at all, it is down with nothing
    /// failed) when c is one event of no zone before and after (compiled as `g`),
    /// possibly with a zone-free component in `front` of it.
    fn along_event(
        &self,
        c: u32,
        front: Option<Front>,
        g: &FailureGraph,
    ) -> Option<Vec<Option<f64>>> {
        let old = &self.g;
        let mut events = old.own_events(c);
        let (Some(v), None) = (events.next(), events.next()) else {
            return None;
        };
        if !old.outages(c).is_empty() || old.zone_of(v).is_some() {
            return None;
        }
        let own = std::iter::once(c).chain(front.map(Front::own));
        if own
            .clone()
            .any(|x| g.replicas(x).any(|r| g.zone_of(r).is_some()))
        {
            return None;
        }
        // Everything above sees c (or the component in front) only through "its own
        // part is up", now made of both own parts.
        let up = full_service::own_up(g, &g.availability, c);
        let up = match front {
            None => up,
            Some(f) => f.up(up, full_service::own_up(g, &g.availability, f.own())),
        };
        let dq = (1.0 - up) - (1.0 - old.availability[v as usize]);
        Some(
            self.slope
                .iter()
                .map(|s| s.get(v as usize).map(|b| b * dq))
                .collect(),
        )
    }

    /// The same when c's own part is one variable before and after (compiled as `g`),
    /// its replicas' zones (and those of the component in `front`, if any) constants in
    /// every cofactor: each cofactor's slope times the change there.
    fn along_cofactors(
        &self,
        c: u32,
        front: Option<Front>,
        g: &FailureGraph,
    ) -> Option<Vec<Option<f64>>> {
        let (slopes, column) = self.own_parts.as_ref()?;
        let j = slopes.components.iter().position(|&x| x == c)?;
        let n = column.iter().flatten().count();
        let mut moved = vec![0.0; n];
        for (zones, table) in slopes.zones.iter().zip(&slopes.by_cofactor) {
            let mut after = own_down(g, c, zones, &g.availability)?;
            if let Some(f) = front {
                // Given the zones, both own parts are independent.
                after = f.down(after, own_down(g, f.own(), zones, &g.availability)?);
            }
            let dq = after - own_down(&self.g, c, zones, &self.g.availability)?;
            for (m, s) in moved.iter_mut().zip(&table[j * n..(j + 1) * n]) {
                *m += s * dq;
            }
        }
        Some(column.iter().map(|i| i.map(|i| moved[i])).collect())
    }

    /// The components `after` changes in their own fields only, everything else equal
    /// but dependencies some now degrade without ([`relieved`]); or a component, changed
    /// so or not, with new components appended in front of it ([`Front`]).
    fn changed(&self, before: &Model, after: &Model) -> Option<Changed> {
        if before.defaults != after.defaults || before.regions != after.regions {
            return None;
        }
        let n = before.components.len();
        let (kept, added) = after.components.split_at_checked(n)?;
        let mut changed = Vec::new();
        for (i, (x, y)) in before.components.iter().zip(kept).enumerate() {
            if x.id != y.id {
                return None;
            }
            let fields = crate::model::diff::changed_fields(x, y);
            if fields.is_empty() {
                continue;
            }
            if fields.iter().any(|f| !OWN_FIELDS.contains(f)) {
                return None;
            }
            changed.push(i as u32);
        }
        match added {
            [] => {
                let relieved = relieved(before, after)?;
                (!changed.is_empty() || !relieved.is_empty()).then_some(Changed {
                    components: changed,
                    front: None,
                    relieved,
                })
            }
            [lb] => {
                let [rest @ .., needs] = after.dependencies.as_slice() else {
                    return None;
                };
                let c = in_front(before, &changed, rest, lb, needs)?;
                Some(Changed {
                    components: vec![c],
                    front: Some(Front::Series(n as u32)),
                    relieved: Vec::new(),
                })
            }
            [alt, group] => {
                let [rest @ .., first, second] = after.dependencies.as_slice() else {
                    return None;
                };
                let c = in_front(before, &changed, rest, group, first)?;
                // Up when its own part is: soft dependencies count for full service only.
                let alone = |id: &str| {
                    after
                        .dependencies
                        .iter()
                        .all(|d| d.from != id || d.kind == DependencyKind::Soft)
                };
                let either = group.needs == crate::model::Needs::AtLeast(1)
                    && second.from == group.id
                    && second.to == alt.id
                    && second.kind == DependencyKind::Hard
                    && !alt.entry
                    && alone(&alt.id)
                    && alone(&before.components[c as usize].id);
                either.then_some(Changed {
                    components: vec![c],
                    front: Some(Front::Either {
                        group: n as u32 + 1,
                        alt: n as u32,
                    }),
                    relieved: Vec::new(),
                })
            }
            _ => None,
        }
    }
}

/// The component (its index) whose callers in `before` all call `new` instead in `rest`
/// (the dependencies of the model after, but the last ones, every other one unchanged),
/// `new` needing it (`needs`, hard) and being no entry; it is changed in its own fields
/// or not at all (`changed`), and no entry itself.
fn in_front(
    before: &Model,
    changed: &[u32],
    rest: &[crate::model::Dependency],
    new: &crate::model::Component,
    needs: &crate::model::Dependency,
) -> Option<u32> {
    let c = before.components.iter().position(|x| x.id == needs.to)?;
    let target = &before.components[c];
    let redirected = rest.len() == before.dependencies.len()
        && before.dependencies.iter().zip(rest).all(|(b, a)| {
            let expected = if b.to == target.id { &new.id } else { &b.to };
            a.from == b.from && a.kind == b.kind && a.to == *expected
        });
    let fine = needs.from == new.id
        && needs.kind == DependencyKind::Hard
        && redirected
        && !new.entry
        && !target.entry
        && changed.iter().all(|&x| x as usize == c);
    fine.then_some(c as u32)
}

/// New components put in front of a component: its callers reach it through them only.
#[derive(Clone, Copy, Debug)]
enum Front {
    /// One that needs it and nothing else (a load balancer): up when both own parts are.
    Series(u32),
    /// A failover group (no events of its own) that needs it or an alternative (a
    /// second provider), neither of which has hard dependencies: up when either own
    /// part is.
    Either { group: u32, alt: u32 },
}

impl Front {
    /// The new component whose own part combines with the target's.
    fn own(self) -> u32 {
        match self {
            Front::Series(x) | Front::Either { alt: x, .. } => x,
        }
    }

    /// P(up) of the target's and front's parts together from each own part's.
    fn up(self, target: f64, front: f64) -> f64 {
        match self {
            Front::Series(_) => target * front,
            Front::Either { .. } => 1.0 - (1.0 - target) * (1.0 - front),
        }
    }

    /// P(down) of both together from each own part's.
    fn down(self, target: f64, front: f64) -> f64 {
        match self {
            Front::Series(_) => 1.0 - (1.0 - target) * (1.0 - front),
            Front::Either { .. } => target * front,
        }
    }
}

/// What [`Baseline::changed`] recognises: the components whose own fields changed (their
/// indices in both models, in order), the component put in front of the only one, if
/// any, and the components no entry needs any more ([`relieved`]).
struct Changed {
    components: Vec<u32>,
    front: Option<Front>,
    relieved: Vec<u32>,
}

/// The components (indices, in order) that no hard dependency of `after` points at any
/// more, when its dependencies differ from `before`'s only in kinds changed from hard to
/// soft on dependencies to them (graceful degradation): each caller needs all its hard
/// dependencies, and the component is no entry and needs nothing itself. Nothing reads
/// such a component in any entry's "up" any more: for availability, it never fails.
/// `None` for any other change of the dependencies.
fn relieved(before: &Model, after: &Model) -> Option<Vec<u32>> {
    use crate::model::Needs;
    if before.dependencies.len() != after.dependencies.len() {
        return None;
    }
    let mut to: Vec<&str> = Vec::new();
    for (b, a) in before.dependencies.iter().zip(&after.dependencies) {
        if (a.from != b.from) || (a.to != b.to) {
            return None;
        }
        if a.kind == b.kind {
            continue;
        }
        let caller = before.component(&b.from)?;
        if b.kind != DependencyKind::Hard || caller.needs != Needs::All {
            return None;
        }
        to.push(&b.to);
    }
    let hard = |f: &dyn Fn(&crate::model::Dependency) -> bool| {
        after
            .dependencies
            .iter()
            .any(|d| d.kind == DependencyKind::Hard && f(d))
    };
    let mut relieved = to
        .into_iter()
        .map(|id| {
            let i = before.components.iter().position(|c| c.id == id)?;
            let free = !before.components[i].entry && !hard(&|d| d.to == id || d.from == id);
            free.then_some(i as u32)
        })
        .collect::<Option<Vec<u32>>>()?;
    relieved.sort_unstable();
    relieved.dedup();
    Some(relieved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Options, Report, analyze, analyze_against};
    use crate::model::{self, Component};

    const MODEL: &str = r#"Model(
    format: 1,
    name: "Baseline",
    regions: [(id: "eu", zones: [(id: "eu-a"), (id: "eu-b")])],
    components: [
        (id: "users", kind: Client, entry: true),
        (id: "ops", kind: Client, entry: true),
        (id: "gw", kind: Gateway, replicas: 2, zones: ["eu-a", "eu-b"]),
        (id: "svc", kind: Service, replicas: 3, min_healthy: 2, zones: ["eu-a", "eu-b"]),
        (id: "db", kind: Database, availability: Some(0.995)),
        (id: "cache", kind: Cache, monitored: false),
        (id: "pay", kind: External),
    ],
    dependencies: [
        (from: "users", to: "gw"),
        (from: "ops", to: "db"),
        (from: "gw", to: "svc"),
        (from: "svc", to: "db"),
        (from: "svc", to: "cache", kind: Soft),
        (from: "svc", to: "pay"),
    ],
)"#;

    /// A change to one component's own fields.
    type Edit = fn(&mut Component);

    fn zones(z: &[&str]) -> Vec<String> {
        z.iter().map(|z| z.to_string()).collect()
    }

    /// Each entry's availability and full service.
    fn numbers(r: &Report) -> Vec<(f64, f64)> {
        r.entries
            .iter()
            .map(|e| (e.availability, e.full_service_availability))
            .collect()
    }

    fn edited(before: &Model, id: &str, edit: impl Fn(&mut Component)) -> Model {
        let mut after = before.clone();
        let c = after.components.iter_mut().find(|c| c.id == id).unwrap();
        edit(c);
        after
    }

    fn assert_same(a: &Report, b: &Report) {
        assert_eq!(a.entries.len(), b.entries.len());
        for (x, y) in a.entries.iter().zip(&b.entries) {
            assert_eq!(x.id, y.id);
            assert!(
                (x.availability - y.availability).abs() < 1e-13,
                "{x:?} {y:?}"
            );
            assert!(
                (x.full_service_availability - y.full_service_availability).abs() < 1e-13,
                "{x:?} {y:?}"
            );
            assert_eq!(x.exact, y.exact);
        }
        let events = |r: &Report| r.spofs.iter().map(|s| s.event()).collect::<Vec<_>>();
        assert_eq!(events(a), events(b));
        assert_eq!(a.findings, b.findings);
    }

    #[test]
    fn a_change_to_one_simple_component_moves_along_its_slope_and_equals_the_whole_analysis() {
        let before = model::from_str(MODEL, "b.spof.ron").unwrap();
        let baseline = Baseline::new(&before).unwrap();
        let edits: [(&str, Edit); 6] = [
            ("db", |c| c.replicas = 2),
            ("db", |c| c.monitored = false),
            ("db", |c| c.availability = Some(0.9)),
            ("db", |c| {
                c.replicas = 3;
                c.common_cause = Some(0.1);
            }),
            ("cache", |c| c.monitored = true),
            ("pay", |c| c.mtbf_hours = Some(100.0)),
        ];
        for (id, edit) in edits {
            measured_along(&before, &baseline, id, edit);
        }
    }

    /// `edit` applied to component `id` of `before` is measured against `baseline`
    /// without compiling again and equals the whole analysis, which is returned.
    fn measured_along(before: &Model, baseline: &Baseline, id: &str, edit: Edit) -> Report {
        let after = edited(before, id, edit);
        let (taken, whole) = against_whole(before, baseline, &after);
        assert!(taken, "{id} takes the slope");
        whole
    }

    /// Whether `baseline` (of `before`) measures `after` without compiling again; either
    /// way, the analysis against it equals the whole analysis, which is returned.
    fn against_whole(before: &Model, baseline: &Baseline, after: &Model) -> (bool, Report) {
        let g = FailureGraph::compile(after);
        let down = cuts::singles(&g).baseline_down;
        let taken = baseline.quantify(before, after, &g, &down).is_some();
        let whole = analyze(after, &Options::fast());
        assert_same(
            &analyze_against(after, &Options::fast(), before, baseline),
            &whole,
        );
        (taken, whole)
    }

    #[test]
    fn a_change_to_a_zoned_or_replicated_component_moves_along_its_slopes_per_cofactor() {
        let before = model::from_str(MODEL, "b.spof.ron").unwrap();
        let baseline = Baseline::new(&before).unwrap();
        let edits: [(&str, Edit); 7] = [
            ("svc", |c| c.replicas = 4),
            ("svc", |c| c.zones = zones(&["eu-a"])),
            ("gw", |c| c.monitored = false),
            ("db", |c| c.zones = zones(&["eu-a"])),
            ("db", |c| {
                c.replicas = 2;
                c.zones = zones(&["eu-a", "eu-b"]);
                c.failover = crate::model::Failover::Manual;
            }),
            ("cache", |c| {
                c.replicas = 3;
                c.min_healthy = 2;
                c.zones = zones(&["eu-b"]);
            }),
            ("gw", |c| c.zones = zones(&["eu-b"])),
        ];
        for (id, edit) in edits {
            let whole = measured_along(&before, &baseline, id, edit);
            // Not a no-op: some entry sees the change (a soft dependency's, in its full
            // service).
            let first = analyze(&before, &Options::fast());
            assert_ne!(numbers(&whole), numbers(&first), "{id}");
        }
    }

    #[test]
    fn changes_to_several_components_are_evaluated_again_where_read() {
        let before = model::from_str(MODEL, "b.spof.ron").unwrap();
        let baseline = Baseline::new(&before).unwrap();
        let first = analyze(&before, &Options::fast());
        let changes: [&[(&str, Edit)]; 4] = [
            &[("db", |c| c.replicas = 2), ("pay", |c| c.replicas = 2)],
            &[
                ("svc", |c| c.replicas = 4),
                ("gw", |c| c.zones = zones(&["eu-b"])),
            ],
            &[
                ("db", |c| {
                    c.replicas = 2;
                    c.zones = zones(&["eu-a", "eu-b"]);
                }),
                ("cache", |c| c.monitored = true),
                ("svc", |c| c.monitored = false),
            ],
            &[
                ("gw", |c| c.replicas = 3),
                ("svc", |c| c.zones = zones(&["eu-a"])),
                ("pay", |c| c.mtbf_hours = Some(100.0)),
                ("cache", |c| c.zones = zones(&["eu-b"])),
            ],
        ];
        for edits in changes {
            let after = edits
                .iter()
                .fold(before.clone(), |m, (id, edit)| edited(&m, id, edit));
            let (taken, whole) = against_whole(&before, &baseline, &after);
            assert!(taken);
            assert_ne!(whole.entries, first.entries);
        }
    }

    /// `before` with every dependency on `id` made soft, as the graceful-degradation
    /// candidate does, and then `edits` applied.
    fn softened(before: &Model, id: &str, edits: &[(&str, Edit)]) -> Model {
        let mut after = edits
            .iter()
            .fold(before.clone(), |m, (x, edit)| edited(&m, x, edit));
        for d in after.dependencies.iter_mut().filter(|d| d.to == id) {
            d.kind = DependencyKind::Soft;
        }
        after
    }

    #[test]
    fn a_component_every_caller_degrades_without_is_evaluated_again_as_never_failing() {
        let before = model::from_str(MODEL, "b.spof.ron").unwrap();
        let baseline = Baseline::new(&before).unwrap();
        let first = analyze(&before, &Options::fast());
        for after in [
            softened(&before, "pay", &[]),
            softened(&before, "db", &[]),
            softened(&before, "pay", &[("gw", |c| c.replicas = 3)]),
            softened(&before, "db", &[("db", |c| c.replicas = 2)]),
        ] {
            let (taken, whole) = against_whole(&before, &baseline, &after);
            assert!(taken);
            assert_ne!(whole.entries, first.entries);
        }
        // A caller that needs one of its dependencies: without the external, it needs
        // the database, which is not the external never failing.
        let one_of = edited(&before, "svc", |c| c.needs = model::Needs::AtLeast(1));
        let baseline = Baseline::new(&one_of).unwrap();
        let after = softened(&one_of, "pay", &[]);
        assert!(!against_whole(&one_of, &baseline, &after).0);
    }

    /// On generated models (seeds 1-3), every `step`-th component `pick` accepts edited
    /// by `edit`: each edit measured against the baseline equals the whole analysis.
    /// How many the baseline measured without compiling again.
    fn measured_on_generated(
        pick: fn(&Component) -> bool,
        step: usize,
        edit: impl Fn(&Model, &Component) -> Option<Model>,
    ) -> usize {
        let mut measured = 0;
        for seed in 1..=3 {
            let before = crate::generate::generate(120, seed);
            let baseline = Baseline::new(&before).unwrap();
            for c in before.components.iter().filter(|c| pick(c)).step_by(step) {
                let Some(after) = edit(&before, c) else {
                    continue;
                };
                if against_whole(&before, &baseline, &after).0 {
                    measured += 1;
                }
            }
        }
        measured
    }

    /// On generated models: every cache, queue and external API its callers all degrade
    /// without is evaluated again as never failing and equals the whole analysis.
    #[test]
    fn generated_graceful_degradation_equals_the_whole_analysis() {
        use crate::model::ComponentKind::{Cache, External, Queue};
        let measured = measured_on_generated(
            |c| matches!(c.kind, Cache | Queue | External),
            1,
            |before, c| Some(softened(before, &c.id, &[])),
        );
        assert!(measured >= 10, "{measured} evaluated again");
    }

    /// On generated models: two to four components at a time given another replica,
    /// monitoring switched, another MTBF, or spread over the first region, are measured
    /// against the baseline and equal the whole analysis.
    #[test]
    fn generated_edits_of_several_components_equal_the_whole_analysis() {
        let mut measured = 0;
        for seed in 1..=4 {
            let before = crate::generate::generate(150, seed);
            let baseline = Baseline::new(&before).unwrap();
            let editable: Vec<usize> = (0..before.components.len())
                .filter(|&i| !before.components[i].entry)
                .filter(|&i| before.components[i].kind.has_replicas())
                .collect();
            let first_region: Vec<String> = before.regions[0]
                .zones
                .iter()
                .map(|z| z.id.clone())
                .collect();
            for (t, chosen) in editable.chunks(3).step_by(4).enumerate() {
                let mut after = before.clone();
                for (j, &i) in chosen.iter().enumerate() {
                    let c = &mut after.components[i];
                    match (t + j) % 4 {
                        0 => c.replicas += 1,
                        1 => c.monitored = !c.monitored,
                        2 => c.mtbf_hours = Some(50.0),
                        _ => {
                            c.replicas += 1;
                            c.zones = first_region.clone();
                        }
                    }
                }
                if against_whole(&before, &baseline, &after).0 {
                    measured += 1;
                }
            }
        }
        assert!(measured >= 40, "{measured} measured without compiling");
    }

    /// Zoned component `c` of `in_model` given one more replica and spread over every
    /// zone of its region.
    fn spread(in_model: &Model, c: &Component) -> Option<Model> {
        let region = in_model
            .regions
            .iter()
            .find(|r| r.zones.iter().any(|z| z.id == c.zones[0]))?;
        let mut spread = c.clone();
        spread.replicas += 1;
        spread.zones = region.zones.iter().map(|z| z.id.clone()).collect();
        Some(edited(in_model, &c.id, |x| *x = spread.clone()))
    }

    /// On generated models: each zoned component given one more replica, in another
    /// zone of its region, is measured along its slopes and equals the whole analysis.
    #[test]
    fn generated_components_spread_over_zones_equal_the_whole_analysis() {
        let measured = measured_on_generated(|c| !c.zones.is_empty(), 7, spread);
        assert!(measured >= 10, "{measured} measured along slopes");
    }

    /// On generated models: zoned components spread over their region three at a time
    /// (as a zone's fix spreads everything in it) are evaluated again where read and
    /// equal the whole analysis.
    #[test]
    fn generated_components_spread_together_equal_the_whole_analysis() {
        let measured = measured_on_generated(
            |c| !c.zones.is_empty(),
            5,
            |before, c| {
                let zoned = before.components.iter().filter(|x| !x.zones.is_empty());
                let next: Vec<&Component> = zoned.skip_while(|x| x.id != c.id).take(3).collect();
                next.iter()
                    .try_fold(before.clone(), |m, x| spread(&m, x))
                    .filter(|_| next.len() == 3)
            },
        );
        assert!(measured >= 10, "{measured} evaluated again");
    }

    /// Component `id` with a second provider on standby in `zones` behind a failover
    /// group, as the redundancy candidate for an external service builds it.
    fn with_standby(before: &Model, id: &str, zones: &[String]) -> Option<Model> {
        use crate::model::ComponentKind;
        let c = before.components.iter().find(|c| c.id == id)?;
        let (alt_id, group_id) = (format!("{id}-alt"), format!("{id}-failover"));
        let mut alt = Component::new(alt_id.clone(), ComponentKind::External);
        alt.availability = c.availability;
        alt.zones = zones.to_vec();
        let mut group = Component::new(group_id.clone(), ComponentKind::Group);
        group.needs = model::Needs::AtLeast(1);
        let mut after = before.clone();
        crate::edit::Edit::apply_all(
            &[
                crate::edit::Edit::AddComponent(alt),
                crate::edit::Edit::AddComponent(group),
                crate::edit::Edit::Redirect {
                    callers_of: id.into(),
                    to: group_id.clone(),
                    except: group_id.clone(),
                },
                crate::edit::Edit::AddDependency(crate::model::Dependency::hard(&group_id, id)),
                crate::edit::Edit::AddDependency(crate::model::Dependency::hard(
                    &group_id, &alt_id,
                )),
            ],
            &mut after,
        )
        .ok()?;
        Some(after)
    }

    #[test]
    fn a_second_provider_on_standby_moves_along_the_slope_too() {
        let before = model::from_str(MODEL, "b.spof.ron").unwrap();
        let baseline = Baseline::new(&before).unwrap();
        let first = analyze(&before, &Options::fast());
        for (id, places) in [
            ("pay", &[][..]),
            ("db", &[]),
            ("cache", &[]),
            ("pay", &["eu-a"]),
            ("db", &["eu-a", "eu-b"]),
        ] {
            let after = with_standby(&before, id, &zones(places)).unwrap();
            let (taken, whole) = against_whole(&before, &baseline, &after);
            assert!(taken, "{id}");
            assert_ne!(numbers(&whole), numbers(&first), "{id}");
        }
        // A database that calls the cache softly is up when its own part is.
        let mut calls_cache = before.clone();
        calls_cache
            .dependencies
            .push(crate::model::Dependency::soft("db", "cache"));
        let with_soft = Baseline::new(&calls_cache).unwrap();
        let after = with_standby(&calls_cache, "db", &[]).unwrap();
        assert!(against_whole(&calls_cache, &with_soft, &after).0);
        // The service needs the database and the external: a second service behind a
        // group is not the same as either one's own part up.
        let after = with_standby(&before, "svc", &[]).unwrap();
        assert!(!against_whole(&before, &baseline, &after).0);
    }

    /// On generated models: a second provider in the first zone of each of some
    /// components that need nothing is measured along the slopes and equals the whole
    /// analysis.
    #[test]
    fn generated_standbys_equal_the_whole_analysis() {
        let measured = measured_on_generated(
            |c| !c.entry && c.kind.has_replicas(),
            3,
            |before, c| {
                let zones: Vec<String> = c.zones.iter().take(1).cloned().collect();
                with_standby(before, &c.id, &zones)
            },
        );
        assert!(measured >= 10, "{measured} measured along slopes");
    }

    /// `db` with a second replica behind a new load balancer, as the load-balancing
    /// candidate builds it; `zones` places the balancer.
    fn load_balanced(before: &Model, zones: &[&str]) -> Model {
        let zones: Vec<String> = zones.iter().map(|z| z.to_string()).collect();
        balanced_in_front(before, "db", &zones).unwrap()
    }

    /// Component `id` with one more replica behind a new load balancer of two replicas
    /// in `zones`, as the load-balancing candidate builds it.
    fn balanced_in_front(before: &Model, id: &str, zones: &[String]) -> Option<Model> {
        let lb_id = format!("{id}-lb");
        let mut lb = Component::new(lb_id.clone(), crate::model::ComponentKind::LoadBalancer);
        lb.replicas = 2;
        lb.zones = zones.to_vec();
        let mut c = before.components.iter().find(|c| c.id == id)?.clone();
        c.replicas += 1;
        let mut after = before.clone();
        crate::edit::Edit::apply_all(
            &[
                crate::edit::Edit::AddComponent(lb),
                crate::edit::Edit::UpdateComponent {
                    id: id.into(),
                    component: c,
                },
                crate::edit::Edit::Redirect {
                    callers_of: id.into(),
                    to: lb_id.clone(),
                    except: lb_id.clone(),
                },
                crate::edit::Edit::AddDependency(crate::model::Dependency::hard(lb_id.clone(), id)),
            ],
            &mut after,
        )
        .ok()?;
        Some(after)
    }

    /// On generated models: a load balancer in a zone of the region put in front of
    /// each of some zoned components is measured along the slopes and equals the whole
    /// analysis.
    #[test]
    fn generated_load_balancers_in_front_equal_the_whole_analysis() {
        let measured = measured_on_generated(
            |c| !c.zones.is_empty() && !c.entry,
            5,
            |before, c| balanced_in_front(before, &c.id, &c.zones[..1]),
        );
        assert!(measured >= 10, "{measured} measured along slopes");
    }

    #[test]
    fn a_load_balancer_put_in_front_moves_along_the_slope_too() {
        let before = model::from_str(MODEL, "b.spof.ron").unwrap();
        let baseline = Baseline::new(&before).unwrap();
        // Zone-free (along the event's slope) and in both zones (per cofactor).
        for zones in [&[][..], &["eu-a", "eu-b"]] {
            let after = load_balanced(&before, zones);
            let (taken, whole) = against_whole(&before, &baseline, &after);
            assert!(taken);
            // Not a no-op: the entry that calls the database directly sees the change.
            let first = analyze(&before, &Options::fast());
            let ops = |r: &Report| r.entry("ops").map(|e| e.availability);
            assert_ne!(ops(&whole), ops(&first));
        }
    }

    #[test]
    fn the_baseline_handed_over_by_the_analysis_is_the_one_built_again() {
        for model in [
            model::from_str(MODEL, "b.spof.ron").unwrap(),
            crate::generate::generate(120, 3),
        ] {
            let built = Baseline::new(&model).unwrap();
            let (report, handed) =
                crate::analysis::analyze_with_baseline(&model, &Options::default());
            let handed = handed.unwrap();
            assert_eq!(report, analyze(&model, &Options::default()));
            assert_eq!(handed.down, built.down);
            assert_eq!(handed.slope, built.slope);
            assert_eq!(handed.baseline_down, built.baseline_down);
            assert_eq!(handed.compiled.0.nodes(), built.compiled.0.nodes());
            assert_eq!(handed.compiled.0.cofactors(), built.compiled.0.cofactors());
            assert_eq!(handed.own_parts, built.own_parts);
            assert_eq!(handed.closures, built.closures);
        }
    }

    #[test]
    fn an_analysis_without_importance_hands_over_no_baseline() {
        let model = model::from_str(MODEL, "b.spof.ron").unwrap();
        let (_, handed) = crate::analysis::analyze_with_baseline(&model, &Options::fast());
        assert!(handed.is_none());
    }

    #[test]
    fn anything_else_is_analysed_whole() {
        let before = model::from_str(MODEL, "b.spof.ron").unwrap();
        let baseline = Baseline::new(&before).unwrap();
        let refused = [
            edited(&before, "db", |c| c.entry = true),
            edited(&before, "gw", |c| {
                c.kind = crate::model::ComponentKind::Service
            }),
            edited(&load_balanced(&before, &[]), "pay", |c| c.replicas = 2),
            // One of the database's two callers degrades without it: still needed.
            {
                let mut m = before.clone();
                m.dependencies[1].kind = DependencyKind::Soft;
                m
            },
            // A soft dependency made hard.
            {
                let mut m = before.clone();
                m.dependencies[4].kind = DependencyKind::Hard;
                m
            },
            // The gateway needs the service, which callers now degrade without.
            softened(&before, "svc", &[]),
            {
                let mut m = before.clone();
                m.dependencies.pop();
                m
            },
            {
                let mut m = load_balanced(&before, &[]);
                m.dependencies
                    .push(crate::model::Dependency::hard("db-lb", "pay"));
                m
            },
            {
                let mut m = load_balanced(&before, &[]);
                m.dependencies[1].to = "db".into();
                m
            },
        ];
        for after in refused {
            assert!(!against_whole(&before, &baseline, &after).0);
        }
    }
}
