//! The model compiled to a flat failure graph: integer ids, contiguous arrays, an
//! evaluation order. Every analysis runs over this, never over the serde types.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::{DependencyKind, Event, FastHash, Model, Needs, Rates};

/// Marks a replica that runs in no zone.
pub const NO_ZONE: u32 = u32::MAX;

/// What a basic event is: regions first, then zones, then replicas grouped per
/// component (the structural events of SPOFs and cut sets), then the time events of
/// DESIGN §2b, grouped per component, each of which alone puts its component down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasicEvent {
    Region(u32),
    Zone(u32),
    Replica {
        component: u32,
        index: u32,
    },
    /// `common:c`: every replica of the component at once.
    Common(u32),
    /// `failover:c`: the component's failover window.
    Failover(u32),
}

/// A run of nodes in `order` evaluated together; cyclic runs iterate to a fixpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub start: u32,
    pub end: u32,
    pub cyclic: bool,
}

#[derive(Clone, Debug)]
pub struct FailureGraph {
    pub ids: Vec<String>,
    pub is_entry: Vec<bool>,
    pub region_ids: Vec<String>,
    pub zone_ids: Vec<String>,
    /// Region of each zone.
    pub zone_region: Vec<u32>,
    pub events: Vec<BasicEvent>,
    /// Probability that each basic event has *not* happened (its availability).
    pub availability: Vec<f64>,
    /// Component `c` owns replica events `rep_start[c]..rep_start[c + 1]`.
    pub rep_start: Vec<u32>,
    /// And outage events (`common:c`, `failover:c`) `outage_start[c]..outage_start[c + 1]`,
    /// all after the last replica event.
    pub outage_start: Vec<u32>,
    /// Zone of each replica event, indexed by `event - first_replica`, or [`NO_ZONE`].
    pub replica_zone: Vec<u32>,
    /// Replicas that must be up (effective k of DESIGN §2 rule 2).
    pub k_replicas: Vec<u32>,
    pub hard_start: Vec<u32>,
    pub hard: Vec<u32>,
    /// Hard dependencies that must be up.
    pub need: Vec<u32>,
    pub soft_start: Vec<u32>,
    pub soft: Vec<u32>,
    /// Components, dependencies before their dependents.
    pub order: Vec<u32>,
    /// Position of each component in `order`.
    pub rank: Vec<u32>,
    pub blocks: Vec<Block>,
    index: HashMap<String, u32, FastHash>,
}

impl FailureGraph {
    /// Compile a valid model (see [`Model::validate`]).
    pub fn compile(model: &Model) -> Self {
        let n = model.components.len();
        let index: HashMap<String, u32, FastHash> = model
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i as u32))
            .collect();

        let mut region_ids = Vec::new();
        let mut zone_ids = Vec::new();
        let mut zone_region = Vec::new();
        let mut zone_index: HashMap<&str, u32, FastHash> = HashMap::default();
        let mut events = Vec::new();
        let mut availability = Vec::new();
        for (ri, r) in model.regions.iter().enumerate() {
            region_ids.push(r.id.clone());
            events.push(BasicEvent::Region(ri as u32));
            availability.push(model.defaults.region_availability);
        }
        for (ri, r) in model.regions.iter().enumerate() {
            for z in &r.zones {
                zone_index.insert(z.id.as_str(), zone_ids.len() as u32);
                events.push(BasicEvent::Zone(zone_ids.len() as u32));
                availability.push(model.zone_availability(z));
                zone_ids.push(z.id.clone());
                zone_region.push(ri as u32);
            }
        }

        let mut rep_start = Vec::with_capacity(n + 1);
        let mut replica_zone = Vec::new();
        let mut k_replicas = Vec::with_capacity(n);
        let rates: Vec<Rates> = model.components.iter().map(|c| model.rates(c)).collect();
        for (ci, c) in model.components.iter().enumerate() {
            rep_start.push(events.len() as u32);
            for i in 0..c.replica_count() {
                events.push(BasicEvent::Replica {
                    component: ci as u32,
                    index: i,
                });
                availability.push(1.0 - rates[ci].replica);
                replica_zone.push(
                    c.zone_of_replica(i)
                        .and_then(|z| zone_index.get(z).copied())
                        .unwrap_or(NO_ZONE),
                );
            }
            k_replicas.push(if c.replica_count() == 0 {
                0
            } else {
                c.effective_min_healthy()
            });
        }
        rep_start.push(events.len() as u32);
        let mut outage_start = Vec::with_capacity(n + 1);
        for (ci, r) in rates.iter().enumerate() {
            outage_start.push(events.len() as u32);
            if let Some(q) = r.common {
                events.push(BasicEvent::Common(ci as u32));
                availability.push(1.0 - q);
            }
            if let Some(q) = r.failover {
                events.push(BasicEvent::Failover(ci as u32));
                availability.push(1.0 - q);
            }
        }
        outage_start.push(events.len() as u32);

        let mut hard_lists = vec![Vec::new(); n];
        let mut soft_lists = vec![Vec::new(); n];
        for d in &model.dependencies {
            let (Some(&from), Some(&to)) = (index.get(&d.from), index.get(&d.to)) else {
                continue;
            };
            match d.kind {
                DependencyKind::Hard => hard_lists[from as usize].push(to),
                DependencyKind::Soft => soft_lists[from as usize].push(to),
            }
        }
        let need = model
            .components
            .iter()
            .zip(&hard_lists)
            .map(|(c, deps)| match c.needs {
                Needs::All => deps.len() as u32,
                Needs::AtLeast(k) => k,
            })
            .collect();
        let (hard_start, hard) = csr(&hard_lists);
        let (soft_start, soft) = csr(&soft_lists);

        let (order, blocks) = evaluation_order(n, &hard_lists);
        let mut rank = vec![0; n];
        for (pos, &c) in order.iter().enumerate() {
            rank[c as usize] = pos as u32;
        }

        Self {
            ids: model.components.iter().map(|c| c.id.clone()).collect(),
            is_entry: model.components.iter().map(|c| c.entry).collect(),
            region_ids,
            zone_ids,
            zone_region,
            events,
            availability,
            rep_start,
            outage_start,
            replica_zone,
            k_replicas,
            hard_start,
            hard,
            need,
            soft_start,
            soft,
            order,
            rank,
            blocks,
            index,
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn component_index(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub fn first_replica(&self) -> u32 {
        (self.region_ids.len() + self.zone_ids.len()) as u32
    }

    pub fn replicas(&self, c: u32) -> std::ops::Range<u32> {
        self.rep_start[c as usize]..self.rep_start[c as usize + 1]
    }

    /// Component c's outage events: each alone puts c down (DESIGN §2b).
    pub fn outages(&self, c: u32) -> std::ops::Range<u32> {
        self.outage_start[c as usize]..self.outage_start[c as usize + 1]
    }

    /// Every basic event c owns: its replicas, then its outage events.
    pub fn own_events(&self, c: u32) -> impl Iterator<Item = u32> + use<> {
        self.replicas(c).chain(self.outages(c))
    }

    /// Events before this one are structural (regions, zones, replicas): SPOFs, blast
    /// radii and order-2 sets are computed over them only.
    pub fn structural_events(&self) -> u32 {
        self.rep_start[self.len()]
    }

    /// Replica events in all.
    pub fn replica_count(&self) -> usize {
        (self.structural_events() - self.first_replica()) as usize
    }

    pub fn hard_deps(&self, c: u32) -> &[u32] {
        &self.hard[self.hard_start[c as usize] as usize..self.hard_start[c as usize + 1] as usize]
    }

    pub fn soft_deps(&self, c: u32) -> &[u32] {
        &self.soft[self.soft_start[c as usize] as usize..self.soft_start[c as usize + 1] as usize]
    }

    /// Component c and everything it reaches through hard or soft dependencies: what
    /// full service needs up (DESIGN §2). What is down at baseline is left out of the
    /// analysis, so the walk neither includes nor passes through it.
    pub fn closure(&self, c: u32, baseline_down: &[bool]) -> Vec<u32> {
        if baseline_down[c as usize] {
            return Vec::new();
        }
        let mut seen = vec![false; self.len()];
        let mut out = vec![c];
        seen[c as usize] = true;
        let mut i = 0;
        while let Some(&x) = out.get(i) {
            i += 1;
            for &d in self.hard_deps(x).iter().chain(self.soft_deps(x)) {
                if !seen[d as usize] && !baseline_down[d as usize] {
                    seen[d as usize] = true;
                    out.push(d);
                }
            }
        }
        out
    }

    /// Zone of a replica event, if any.
    pub fn zone_of(&self, replica_event: u32) -> Option<u32> {
        let z = self.replica_zone[(replica_event - self.first_replica()) as usize];
        (z != NO_ZONE).then_some(z)
    }

    /// The id of a basic event as users write it (`db#0`, `zone:eu-a`, `region:eu`).
    pub fn event_name(&self, e: u32) -> String {
        match self.events[e as usize] {
            BasicEvent::Region(r) => format!("region:{}", self.region_ids[r as usize]),
            BasicEvent::Zone(z) => format!("zone:{}", self.zone_ids[z as usize]),
            BasicEvent::Replica { component, index } => {
                format!("{}#{index}", self.ids[component as usize])
            }
            BasicEvent::Common(c) => format!("common:{}", self.ids[c as usize]),
            BasicEvent::Failover(c) => format!("failover:{}", self.ids[c as usize]),
        }
    }

    /// The component owning a replica or outage event.
    pub fn owner(&self, e: u32) -> Option<u32> {
        match self.events[e as usize] {
            BasicEvent::Replica { component, .. } => Some(component),
            BasicEvent::Common(c) | BasicEvent::Failover(c) => Some(c),
            BasicEvent::Region(_) | BasicEvent::Zone(_) => None,
        }
    }

    /// Resolve a what-if event to basic events and whole components it fails.
    pub fn resolve(&self, event: &Event) -> Option<Failure> {
        match event {
            Event::Component(id) | Event::Common(id) => {
                self.component_index(id).map(Failure::Component)
            }
            Event::Failover(id) => {
                let c = self.component_index(id)?;
                self.outages(c)
                    .find(|&e| self.events[e as usize] == BasicEvent::Failover(c))
                    .map(Failure::Basic)
            }
            Event::Replica { component, index } => {
                let c = self.component_index(component)?;
                let r = self.replicas(c);
                (*index < r.end - r.start).then(|| Failure::Basic(r.start + index))
            }
            Event::Zone(id) => self
                .zone_ids
                .iter()
                .position(|z| z == id)
                .map(|z| Failure::Basic(self.region_ids.len() as u32 + z as u32)),
            Event::Region(id) => self
                .region_ids
                .iter()
                .position(|r| r == id)
                .map(|r| Failure::Basic(r as u32)),
        }
    }
}

/// A what-if failure: one basic event, or a whole component (a bad deploy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    Basic(u32),
    Component(u32),
}

fn csr(lists: &[Vec<u32>]) -> (Vec<u32>, Vec<u32>) {
    let mut start = Vec::with_capacity(lists.len() + 1);
    let mut flat = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    for l in lists {
        start.push(flat.len() as u32);
        flat.extend_from_slice(l);
    }
    start.push(flat.len() as u32);
    (start, flat)
}

/// Strongly connected components of the hard-dependency graph, dependencies first.
fn evaluation_order(n: usize, hard: &[Vec<u32>]) -> (Vec<u32>, Vec<Block>) {
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, hard.iter().map(Vec::len).sum());
    for _ in 0..n {
        g.add_node(());
    }
    for (from, deps) in hard.iter().enumerate() {
        for &to in deps {
            g.add_edge(NodeIndex::new(from), NodeIndex::new(to as usize), ());
        }
    }
    // Tarjan yields SCCs in reverse topological order: with edges pointing from a
    // dependent to its dependency, that puts dependencies first.
    let sccs = petgraph::algo::tarjan_scc(&g);
    let mut order = Vec::with_capacity(n);
    let mut blocks = Vec::with_capacity(sccs.len());
    for mut scc in sccs {
        scc.sort_unstable();
        let start = order.len() as u32;
        let cyclic = scc.len() > 1 || hard[scc[0].index()].contains(&(scc[0].index() as u32));
        order.extend(scc.iter().map(|v| v.index() as u32));
        blocks.push(Block {
            start,
            end: order.len() as u32,
            cyclic,
        });
    }
    (order, blocks)
}
