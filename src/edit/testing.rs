//! Random edits for the edit module's tests, valid and invalid alike, and the clone-based
//! reference the in-place machinery is compared against.

use proptest::prelude::*;

use super::{Edit, EditError};
use crate::model::{
    Accepted, Component, ComponentKind, Date, Defaults, Dependency, DependencyKind, Event, Model,
    Region, Replication, Risk, Scenario, Zone,
};

/// An edit described by numbers, turned into an [`Edit`] against whatever model it meets.
#[derive(Clone, Debug)]
pub(super) enum Recipe {
    Add {
        kind: usize,
        id: u8,
        replicas: u32,
        min: u32,
        zone: u8,
        odd: u8,
    },
    Remove(usize, bool),
    Update {
        at: usize,
        id: u8,
        kind: usize,
        replicas: u32,
        min: u32,
        zone: u8,
        replication: u8,
        odd: u8,
    },
    Move(Vec<(usize, u8)>),
    Connect(usize, usize, bool, bool),
    Disconnect(usize, bool),
    Toggle(usize, bool),
    Redirect(usize, usize, usize),
    Regions(u8),
    Defaults(u8),
    Name(bool),
    AddScenario(Vec<usize>, bool),
    SetScenarios(u8),
    Accept(u8),
}

pub(super) fn recipe() -> impl Strategy<Value = Recipe> {
    prop_oneof![
        3 => (0..12usize, 0..4u8, 0..5u32, 0..5u32, 0..5u8, 0..6u8).prop_map(
            |(kind, id, replicas, min, zone, odd)| Recipe::Add { kind, id, replicas, min, zone, odd }
        ),
        2 => (0..64usize, any::<bool>()).prop_map(|(i, m)| Recipe::Remove(i, m)),
        4 => (0..64usize, 0..5u8, 0..16usize, 0..5u32, 0..5u32, 0..5u8, 0..3u8, 0..8u8).prop_map(
            |(at, id, kind, replicas, min, zone, replication, odd)| Recipe::Update {
                at, id, kind, replicas, min, zone, replication, odd
            }
        ),
        2 => prop::collection::vec((0..64usize, 0..6u8), 0..4).prop_map(Recipe::Move),
        3 => (0..64usize, 0..64usize, any::<bool>(), any::<bool>())
            .prop_map(|(a, b, s, m)| Recipe::Connect(a, b, s, m)),
        2 => (0..256usize, any::<bool>()).prop_map(|(i, m)| Recipe::Disconnect(i, m)),
        2 => (0..256usize, any::<bool>()).prop_map(|(i, m)| Recipe::Toggle(i, m)),
        1 => (0..64usize, 0..64usize, 0..64usize).prop_map(|(a, b, c)| Recipe::Redirect(a, b, c)),
        1 => (0..4u8).prop_map(Recipe::Regions),
        1 => (0..6u8).prop_map(Recipe::Defaults),
        1 => any::<bool>().prop_map(Recipe::Name),
        2 => (prop::collection::vec(0..512usize, 0..4), any::<bool>())
            .prop_map(|(e, dup)| Recipe::AddScenario(e, dup)),
        1 => (0..3u8).prop_map(Recipe::SetScenarios),
        1 => (0..5u8).prop_map(Recipe::Accept),
    ]
}

fn nth<T>(items: &[T], i: usize) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(i % items.len())
    }
}

/// Every event a scenario may name in `m`, and some it may not.
fn events(m: &Model) -> Vec<Event> {
    let component = |id: &str| Event::Component(id.to_owned());
    let replica = |id: &str, index| Event::Replica {
        component: id.to_owned(),
        index,
    };
    let mut out = vec![component("ghost"), replica("ghost", 0)];
    for c in &m.components {
        out.push(component(&c.id));
        out.push(Event::Common(c.id.clone()));
        out.push(Event::Failover(c.id.clone()));
        for i in 0..=c.replicas {
            out.push(replica(&c.id, i));
        }
    }
    out.extend(m.zone_ids().map(|z| Event::Zone(z.to_owned())));
    out.extend(m.regions.iter().map(|r| Event::Region(r.id.clone())));
    out
}

/// An id: fresh, taken by a component, taken by a zone, or not an id at all.
fn pick_id(m: &Model, how: u8, stem: &str) -> String {
    match how {
        0 => m.fresh_id(stem),
        1 => nth(&m.components, stem.len()).map_or_else(|| m.fresh_id(stem), |c| c.id.clone()),
        2 => "zone-a".to_owned(),
        _ => "no spaces allowed".to_owned(),
    }
}

fn zones(m: &Model, how: u8) -> Vec<String> {
    let all: Vec<String> = m.zone_ids().map(str::to_owned).collect();
    match how {
        0 => Vec::new(),
        1 | 2 => nth(&all, how as usize).cloned().into_iter().collect(),
        3 => all,
        _ => vec!["nowhere".to_owned()],
    }
}

/// Values that break one rule each, or none.
fn oddity(c: &mut Component, odd: u8) {
    match odd {
        1 => c.pos = (f32::NAN, 0.0),
        2 => c.availability = Some(1.5),
        3 => c.mtbf_hours = Some(-1.0),
        4 => c.common_cause = Some(1.0),
        5 => c.replicas = 2000,
        _ => {}
    }
}

pub(super) fn edit(r: &Recipe, m: &Model) -> Edit {
    let ids: Vec<&String> = m.components.iter().map(|c| &c.id).collect();
    let id = |i: usize| nth(&ids, i).map_or_else(|| "ghost".to_owned(), |s| (*s).clone());
    match r {
        Recipe::Add {
            kind,
            id,
            replicas,
            min,
            zone,
            odd,
        } => {
            let kind = ComponentKind::ALL[kind % ComponentKind::ALL.len()];
            let mut c = Component::new(pick_id(m, *id, kind.as_str()), kind);
            c.replicas = *replicas;
            c.min_healthy = *min;
            c.zones = zones(m, *zone);
            oddity(&mut c, *odd);
            Edit::AddComponent(c)
        }
        Recipe::Remove(i, missing) => {
            Edit::RemoveComponent(if *missing { "ghost".to_owned() } else { id(*i) })
        }
        Recipe::Update {
            at,
            id: how,
            kind,
            replicas,
            min,
            zone,
            replication,
            odd,
        } => {
            let Some(old) = nth(&m.components, *at) else {
                return Edit::UpdateComponent {
                    id: "ghost".to_owned(),
                    component: Component::new("ghost", ComponentKind::Service),
                };
            };
            let mut c = old.clone();
            match how {
                0 => {}
                h => c.id = pick_id(m, h - 1, "renamed"),
            }
            if let Some(k) = ComponentKind::ALL.get(*kind) {
                c.kind = *k;
            }
            if *replicas > 0 {
                c.replicas = *replicas;
                c.min_healthy = *min;
            }
            if *zone > 0 {
                c.zones = zones(m, zone - 1);
            }
            c.replication = [Replication::None, Replication::Sync, Replication::Async]
                [*replication as usize % 3];
            c.monitored = !c.monitored;
            oddity(&mut c, *odd);
            Edit::UpdateComponent {
                id: old.id.clone(),
                component: c,
            }
        }
        Recipe::Move(moves) => Edit::Move(
            moves
                .iter()
                .map(|(i, how)| {
                    let p = nth(&m.components, *i).map_or((0.0, 0.0), |c| c.pos);
                    let to = match how {
                        0 => p,
                        1 => (-0.0, p.1),
                        2 => (f32::INFINITY, 0.0),
                        _ => (p.0 + f32::from(*how), p.1 - 3.0),
                    };
                    (id(*i), to)
                })
                .collect(),
        ),
        Recipe::Connect(a, b, soft, missing) => {
            let to = if *missing { "ghost".to_owned() } else { id(*b) };
            let kind = if *soft {
                DependencyKind::Soft
            } else {
                DependencyKind::Hard
            };
            Edit::AddDependency(Dependency {
                from: id(*a),
                to,
                kind,
            })
        }
        Recipe::Disconnect(j, missing) => match nth(&m.dependencies, *j) {
            Some(d) if !missing => Edit::RemoveDependency {
                from: d.from.clone(),
                to: d.to.clone(),
            },
            _ => Edit::RemoveDependency {
                from: id(*j),
                to: "ghost".to_owned(),
            },
        },
        Recipe::Toggle(j, missing) => match nth(&m.dependencies, *j) {
            Some(d) if !missing => Edit::SetDependencyKind {
                from: d.from.clone(),
                to: d.to.clone(),
                kind: match d.kind {
                    DependencyKind::Hard => DependencyKind::Soft,
                    DependencyKind::Soft => DependencyKind::Hard,
                },
            },
            _ => Edit::SetDependencyKind {
                from: "ghost".to_owned(),
                to: id(*j),
                kind: DependencyKind::Soft,
            },
        },
        Recipe::Redirect(a, b, c) => Edit::Redirect {
            callers_of: id(*a),
            to: id(*b),
            except: id(*c),
        },
        Recipe::Regions(how) => {
            let mut regions = m.regions.clone();
            match how {
                0 => {
                    if let Some(r) = regions.first_mut() {
                        r.zones.pop();
                    }
                }
                1 => regions.push(Region {
                    id: "spare".to_owned(),
                    name: String::new(),
                    zones: vec![Zone::new("zone-z")],
                }),
                2 => regions.push(Region {
                    id: "dup".to_owned(),
                    name: String::new(),
                    zones: vec![Zone::new("zone-a")],
                }),
                _ => regions.clear(),
            }
            Edit::SetRegions(regions)
        }
        Recipe::Defaults(how) => {
            let mut d = m.defaults;
            match how {
                0 => d.replica_availability = 0.0,
                1 => d.mtbf_hours = f64::NAN,
                2 => d.detect_minutes.unmonitored = 0.5,
                3 => d.common_cause = 0.2,
                4 => d.zone_availability = 0.99,
                _ => d = Defaults::default(),
            }
            Edit::SetDefaults(d)
        }
        Recipe::Name(description) => {
            if *description {
                Edit::SetDescription(format!("{} more", m.description))
            } else {
                Edit::SetName(m.name.clone())
            }
        }
        Recipe::AddScenario(picks, duplicate) => {
            let all = events(m);
            let name = match (duplicate, m.scenarios.first()) {
                (true, Some(s)) => s.name.clone(),
                _ => format!("what-if {}", m.scenarios.len() + 1),
            };
            Edit::AddScenario(Scenario {
                name,
                fail: picks
                    .iter()
                    .filter_map(|&p| nth(&all, p).cloned())
                    .collect(),
            })
        }
        Recipe::SetScenarios(how) => {
            let mut s = m.scenarios.clone();
            match how {
                0 => s.clear(),
                1 => {
                    s.pop();
                }
                _ => s.reverse(),
            }
            Edit::SetScenarios(s)
        }
        Recipe::Accept(how) => {
            let mut accepted = m.accepted.clone();
            let risk = |id: &str| Risk::Spof(Event::Component(id.to_owned()));
            let fresh = Accepted {
                risk: risk(&id(accepted.len())),
                reason: "known".to_owned(),
                until: Date::new(2027, 6, 30),
            };
            match how {
                0 => accepted.push(fresh),
                1 => accepted.push(Accepted {
                    reason: " ".to_owned(),
                    ..fresh
                }),
                2 => {
                    if let Some(first) = accepted.first().cloned() {
                        accepted.push(first);
                    }
                }
                3 => {
                    accepted.pop();
                }
                _ => {
                    if let Some(first) = accepted.first_mut() {
                        first.reason = format!("{} again", first.reason);
                        first.until = None;
                    }
                }
            }
            Edit::SetAccepted(accepted)
        }
    }
}

/// A generated model with a scenario naming replicas, whole components, failover windows
/// and zones, so that edits to components can break it.
pub(super) fn start(seed: u64) -> Model {
    let mut m = crate::generate::generate(6 + (seed % 30) as usize, seed);
    let mut fail = vec![
        Event::Zone("zone-a".to_owned()),
        Event::Region("main".to_owned()),
    ];
    for c in m.components.iter().step_by(3) {
        fail.push(Event::Component(c.id.clone()));
        if c.replica_count() > 1 {
            fail.push(Event::Replica {
                component: c.id.clone(),
                index: 1,
            });
        }
        if c.has_failover_window() {
            fail.push(Event::Failover(c.id.clone()));
        }
    }
    m.scenarios.push(Scenario {
        name: "base".to_owned(),
        fail,
    });
    m
}

/// The edits as they were applied before they were applied in place: to a copy, checked
/// in full, kept only when valid.
pub(super) fn reference(edits: &[Edit], model: &mut Model) -> Result<(), EditError> {
    let mut next = model.clone();
    for e in edits {
        reference_one(e, &mut next)?;
    }
    if let Err(problems) = next.validate() {
        return Err(EditError(
            problems
                .into_iter()
                .next()
                .map(|p| p.message)
                .unwrap_or_default(),
        ));
    }
    *model = next;
    Ok(())
}

fn reference_one(edit: &Edit, m: &mut Model) -> Result<(), EditError> {
    let missing = |id: &str| EditError(format!("no component \"{id}\""));
    match edit {
        Edit::AddComponent(c) => {
            if m.component(&c.id).is_some() {
                return Err(EditError(format!("component \"{}\" already exists", c.id)));
            }
            m.components.push(c.clone());
        }
        Edit::RemoveComponent(id) => {
            let before = m.components.len();
            m.components.retain(|c| &c.id != id);
            if m.components.len() == before {
                return Err(missing(id));
            }
            m.dependencies.retain(|d| &d.from != id && &d.to != id);
            for s in &mut m.scenarios {
                s.fail.retain(|e| e.component_or_replica() != Some(id));
            }
        }
        Edit::UpdateComponent { id, component } => {
            let c = m.component_mut(id).ok_or_else(|| missing(id))?;
            *c = component.clone();
            if &component.id != id {
                let (old, new) = (id.as_str(), component.id.as_str());
                for d in &mut m.dependencies {
                    if d.from == old {
                        d.from = new.to_owned();
                    }
                    if d.to == old {
                        d.to = new.to_owned();
                    }
                }
                let rename = |e: &mut Event| {
                    if let Event::Component(c)
                    | Event::Replica { component: c, .. }
                    | Event::Common(c)
                    | Event::Failover(c) = e
                        && c == old
                    {
                        *c = new.to_owned();
                    }
                };
                for e in m.scenarios.iter_mut().flat_map(|s| &mut s.fail) {
                    rename(e);
                }
                for a in &mut m.accepted {
                    match &mut a.risk {
                        Risk::Spof(e) => rename(e),
                        Risk::Order2(x, y) => {
                            rename(x);
                            rename(y);
                            a.risk = Risk::order2(x.clone(), y.clone());
                        }
                        Risk::Finding { target, .. } => {
                            if target == old {
                                *target = new.to_owned();
                            }
                        }
                    }
                }
            }
        }
        Edit::Move(moves) => {
            for (id, pos) in moves {
                m.component_mut(id).ok_or_else(|| missing(id))?.pos = *pos;
            }
        }
        Edit::AddDependency(d) => {
            if m.dependencies
                .iter()
                .any(|x| x.from == d.from && x.to == d.to)
            {
                return Err(EditError(format!(
                    "\"{}\" already depends on \"{}\"",
                    d.from, d.to
                )));
            }
            m.dependencies.push(d.clone());
        }
        Edit::RemoveDependency { from, to } => {
            let before = m.dependencies.len();
            m.dependencies.retain(|d| !(&d.from == from && &d.to == to));
            if m.dependencies.len() == before {
                return Err(EditError(format!("no dependency \"{from}\" -> \"{to}\"")));
            }
        }
        Edit::SetDependencyKind { from, to, kind } => {
            let d = m
                .dependencies
                .iter_mut()
                .find(|d| &d.from == from && &d.to == to)
                .ok_or_else(|| EditError(format!("no dependency \"{from}\" -> \"{to}\"")))?;
            d.kind = *kind;
        }
        Edit::Redirect {
            callers_of,
            to,
            except,
        } => {
            for d in m
                .dependencies
                .iter_mut()
                .filter(|d| &d.to == callers_of && &d.from != except && &d.from != to)
            {
                d.to = to.clone();
            }
        }
        Edit::SetRegions(r) => m.regions = r.clone(),
        Edit::SetDefaults(d) => m.defaults = *d,
        Edit::SetName(n) => m.name = n.clone(),
        Edit::SetDescription(d) => m.description = d.clone(),
        Edit::AddScenario(s) => m.scenarios.push(s.clone()),
        Edit::SetScenarios(s) => m.scenarios = s.clone(),
        Edit::SetAccepted(a) => m.accepted = a.clone(),
    }
    Ok(())
}
