//! Synthetic architectures for benchmarks and tests, shaped like real ones: clients
//! behind DNS, a CDN and an API gateway; one team domain per block of about twenty
//! components (a gateway, load balancers in front of replicated services, stateful
//! stores, the odd external API); three zones; about five dependencies per component,
//! calls across domains soft or through the callee's gateway. Seeded and reproducible.
//! Writes only a `Model`; never touches files or the analysis.

use std::collections::HashSet;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::model::{
    Component, ComponentKind, Dependency, Failover, Model, Needs, Region, Replication, Zone,
};

/// Largest model `generate` writes.
pub const MAX_COMPONENTS: usize = crate::model::MAX_COMPONENTS;

/// Dependencies per component the generator aims for.
pub const DEPENDENCIES_PER_COMPONENT: usize = 5;

/// Components per domain (one team's slice of the system).
const DOMAIN: usize = 20;
const ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];

/// Canvas grid: a domain is a block of `ROWS` rows, filled column by column.
const CELL_X: f32 = 200.0;
const CELL_Y: f32 = 110.0;
const ROWS: usize = 4;
const BLOCK_X: f32 = 6.0 * CELL_X;
const BLOCK_Y: f32 = (ROWS as f32 + 1.5) * CELL_Y;
const DOMAINS_X: f32 = 3.0 * CELL_X + 120.0;

/// A model of exactly `n` components (at least one), the same for the same seed.
pub fn generate(n: usize, seed: u64) -> Model {
    let n = n.max(1);
    let mut g = Builder {
        rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        model: Model {
            name: format!("Generated ({n} components, seed {seed})"),
            description: "Synthetic architecture written by `spofscope generate`.".to_owned(),
            regions: vec![Region {
                id: "main".to_owned(),
                name: "Main region".to_owned(),
                zones: ZONES.iter().map(|z| Zone::new(*z)).collect(),
            }],
            ..Model::default()
        },
        edges: HashSet::new(),
    };

    let entries = (n / 500).clamp(1, 20);
    let edge = n >= 8;
    let body = n - entries - if edge { 3 } else { 0 };
    let domain_count = body.div_ceil(DOMAIN);

    let entry_ids: Vec<usize> = (0..entries)
        .map(|i| {
            let mut c = Component::new(entry_name(i), ComponentKind::Client);
            c.name = entry_label(i).to_owned();
            c.entry = true;
            c.pos = (0.0, i as f32 * 2.0 * CELL_Y);
            g.push(c)
        })
        .collect();
    let front_door = edge.then(|| {
        let dns = g.add("dns", ComponentKind::Dns, 1, 1, (CELL_X, 0.0));
        g.model.components[dns].name = "Managed DNS".to_owned();
        g.model.components[dns].zones.clear();
        g.model.components[dns].availability = Some(0.99999);
        let cdn = g.add("cdn", ComponentKind::Cdn, 1, 1, (CELL_X, 2.0 * CELL_Y));
        g.model.components[cdn].name = "CDN".to_owned();
        g.model.components[cdn].zones.clear();
        g.model.components[cdn].availability = Some(0.99995);
        let api = g.add("api", ComponentKind::Gateway, 3, 1, (2.0 * CELL_X, CELL_Y));
        g.model.components[api].name = "API gateway".to_owned();
        (dns, cdn, api)
    });

    // Domains, laid out in a grid of blocks about as wide as it is tall.
    let columns = (domain_count as f64).sqrt().ceil().max(1.0) as usize;
    let mut domains = Vec::with_capacity(domain_count);
    for d in 0..domain_count {
        let size = body / domain_count + usize::from(d < body % domain_count);
        let origin = (
            DOMAINS_X + (d % columns) as f32 * BLOCK_X,
            (d / columns) as f32 * BLOCK_Y,
        );
        domains.push(g.domain(d, size, origin));
    }

    // Domain 0 is the platform (auth, configuration) every other domain needs; the
    // next few are the product areas the front door routes to.
    let front: Vec<usize> = (1..domain_count.min(1 + domain_count.div_ceil(8).max(1)))
        .chain(if domain_count == 1 { Some(0) } else { None })
        .collect();
    for (d, domain) in domains.iter().enumerate() {
        if d > 0 {
            let caller = g.pick(&domain.services).unwrap_or(domain.front);
            g.dep(caller, domains[0].front, false);
        }
        // At most one hard call into a later domain: request paths stay bounded, as in
        // systems whose teams guard their availability.
        if d + 1 < domain_count && g.rng.random_bool(0.35) {
            let to = g.rng.random_range(d + 1..domain_count);
            if let Some(caller) = g.pick(&domain.services) {
                g.dep(caller, domains[to].front, false);
            }
        }
    }

    match front_door {
        Some((dns, cdn, api)) => {
            for (k, &d) in front.iter().enumerate() {
                g.dep(api, domains[d].front, k >= 3);
            }
            for (i, &e) in entry_ids.iter().enumerate() {
                g.dep(e, dns, false);
                if i % 3 != 1 {
                    g.dep(e, cdn, false);
                }
                g.dep(e, api, false);
                if domain_count > 1 {
                    let own = g.rng.random_range(1..domain_count);
                    g.dep(e, domains[own].front, i % 2 == 0);
                }
            }
            // The CDN pulls static assets from the first product area's store.
            if let Some(&store) = front.first().and_then(|&d| domains[d].stores.first()) {
                g.dep(cdn, store, true);
            }
        }
        None => {
            for &e in &entry_ids {
                if let Some(d) = domains.first() {
                    g.dep(e, d.front, false);
                }
            }
        }
    }

    // The rest brings the count to about five: calls down the domain's own call graph
    // (hard half the time: the graph stays acyclic) and, soft, sideways and to other
    // teams' gateways, which degrade a request but never take it down.
    let target = DEPENDENCIES_PER_COMPONENT * n;
    let callers: Vec<usize> = domains
        .iter()
        .flat_map(|d| d.services.iter().copied())
        .collect();
    let mut attempts = 0;
    while g.model.dependencies.len() < target && attempts < 4 * target && !callers.is_empty() {
        attempts += 1;
        let from = callers[g.rng.random_range(0..callers.len())];
        let d = domain_of(&domains, from);
        let (to, may_be_hard) = match g.rng.random_range(0..10) {
            0..=3 => (g.pick(&domains[d].services), true),
            4..=6 => (g.pick(&domains[d].stores), true),
            7..=8 => {
                let other = g.rng.random_range(0..domains.len());
                (Some(domains[other].front), false)
            }
            _ => (g.pick(&domains[d].members), false),
        };
        if let Some(to) = to {
            let hard = may_be_hard
                && to > from
                && g.model.components[to].kind != ComponentKind::Cache
                && g.rng.random_bool(0.8);
            g.dep(from, to, !hard);
        }
    }
    g.model
}

fn entry_name(i: usize) -> String {
    match i {
        0 => "web".to_owned(),
        1 => "mobile".to_owned(),
        2 => "partners".to_owned(),
        _ => format!("client-{i}"),
    }
}

fn entry_label(i: usize) -> &'static str {
    match i {
        0 => "Web shoppers",
        1 => "Mobile app",
        2 => "Partner API",
        _ => "Client",
    }
}

fn domain_of(domains: &[Domain], c: usize) -> usize {
    domains.partition_point(|d| d.members.last().is_some_and(|&last| last < c))
}

/// The components of one team's domain, by role (indices into `model.components`).
struct Domain {
    /// Where other domains and the front door call in: its gateway.
    front: usize,
    services: Vec<usize>,
    stores: Vec<usize>,
    members: Vec<usize>,
}

struct Builder {
    rng: Xoshiro256PlusPlus,
    model: Model,
    edges: HashSet<(usize, usize)>,
}

impl Builder {
    fn push(&mut self, c: Component) -> usize {
        self.model.components.push(c);
        self.model.components.len() - 1
    }

    /// A component spread over the zones, replica i in zone (offset + i) mod 3.
    fn add(
        &mut self,
        id: &str,
        kind: ComponentKind,
        replicas: u32,
        min_healthy: u32,
        pos: (f32, f32),
    ) -> usize {
        let mut c = Component::new(id, kind);
        c.replicas = replicas;
        c.min_healthy = min_healthy.clamp(1, replicas);
        let offset = self.model.components.len();
        c.zones = (0..replicas.min(3) as usize)
            .map(|i| ZONES[(offset + i) % ZONES.len()].to_owned())
            .collect();
        c.pos = pos;
        self.push(c)
    }

    fn dep(&mut self, from: usize, to: usize, soft: bool) {
        if from == to || !self.edges.insert((from, to)) {
            return;
        }
        let (f, t) = (
            self.model.components[from].id.clone(),
            self.model.components[to].id.clone(),
        );
        self.model.dependencies.push(if soft {
            Dependency::soft(f, t)
        } else {
            Dependency::hard(f, t)
        });
    }

    fn pick(&mut self, from: &[usize]) -> Option<usize> {
        (!from.is_empty()).then(|| from[self.rng.random_range(0..from.len())])
    }

    /// One team's domain of `size` components with its internal wiring.
    fn domain(&mut self, d: usize, size: usize, origin: (f32, f32)) -> Domain {
        let slot = |j: usize| {
            (
                origin.0 + (j / ROWS) as f32 * CELL_X,
                origin.1 + (j % ROWS) as f32 * CELL_Y,
            )
        };
        let roles = self.roles(size);
        let mut members = Vec::with_capacity(size);
        let mut services = Vec::new();
        let mut stores = Vec::new();
        let mut balancers = Vec::new();
        let mut externals = Vec::new();
        for (j, &kind) in roles.iter().enumerate() {
            let id = format!("d{d}-{}{j}", prefix(kind));
            // The platform everyone needs is built without single instances.
            let c = self.component(&id, kind, slot(j), d > 0);
            match kind {
                ComponentKind::LoadBalancer => balancers.push(c),
                ComponentKind::External => externals.push(c),
                ComponentKind::Service | ComponentKind::Gateway => services.push(c),
                _ => stores.push(c),
            }
            members.push(c);
        }
        let front = members[0];
        services.retain(|&s| s != front);

        // Gateway → load balancers → the replicated service behind each.
        let mut behind_lb = Vec::new();
        for (k, &lb) in balancers.iter().enumerate() {
            self.dep(front, lb, false);
            if let Some(&s) = services.get(k) {
                self.dep(lb, s, false);
                behind_lb.push(s);
            }
        }
        if let (true, Some(&s)) = (balancers.is_empty(), services.first()) {
            self.dep(front, s, false);
        }
        // Services call later services (a DAG, so request paths end) and their stores.
        for (k, &s) in services.iter().enumerate() {
            let later = &services[k + 1..];
            for call in 0..2 {
                if let Some(t) = self.pick(later) {
                    let soft = call > 0 || self.rng.random_bool(0.5);
                    self.dep(s, t, soft);
                }
            }
            if let Some(&store) = stores.get(k % stores.len().max(1)) {
                self.dep(s, store, false);
            }
            if let Some(other) = self.pick(&stores) {
                let soft = self.model.components[other].kind == ComponentKind::Cache
                    || self.rng.random_bool(0.5);
                self.dep(s, other, soft);
            }
            if let Some(ext) = self.pick(&externals) {
                let soft = d == 0 || self.rng.random_bool(0.8);
                self.dep(s, ext, soft);
            }
            // An aggregator that tolerates one failed backend.
            let hard = self.hard_count(s);
            if hard >= 3 && self.rng.random_bool(0.15) {
                self.model.components[s].needs = Needs::AtLeast(hard as u32 - 1);
            }
        }
        if services.is_empty() {
            for &store in &stores {
                self.dep(front, store, false);
            }
        }
        Domain {
            front,
            services,
            stores,
            members,
        }
    }

    fn hard_count(&self, c: usize) -> usize {
        let id = &self.model.components[c].id;
        self.model
            .dependencies
            .iter()
            .rev()
            .take_while(|d| &d.from == id)
            .filter(|d| d.kind == crate::model::DependencyKind::Hard)
            .count()
    }

    /// Kinds in a domain: its gateway, load balancers, services, stores, externals.
    fn roles(&mut self, size: usize) -> Vec<ComponentKind> {
        let mut roles = Vec::with_capacity(size);
        if size == 0 {
            return roles;
        }
        roles.push(if size >= 3 {
            ComponentKind::Gateway
        } else {
            ComponentKind::Service
        });
        let mut rest: Vec<ComponentKind> = (1..size)
            .map(|_| match self.rng.random_range(0..100) {
                0..=49 => ComponentKind::Service,
                50..=60 => ComponentKind::Database,
                61..=69 => ComponentKind::Cache,
                70..=75 => ComponentKind::Queue,
                76..=80 => ComponentKind::Storage,
                81..=92 => ComponentKind::LoadBalancer,
                _ => ComponentKind::External,
            })
            .collect();
        if size >= 4 && !rest.contains(&ComponentKind::Service) {
            rest[0] = ComponentKind::Service;
        }
        rest.sort_by_key(|k| match k {
            ComponentKind::LoadBalancer => 0,
            ComponentKind::Service => 1,
            ComponentKind::External => 3,
            _ => 2,
        });
        roles.extend(rest);
        roles
    }

    /// A component of `kind` with realistic replication, placement and settings.
    fn component(
        &mut self,
        id: &str,
        kind: ComponentKind,
        pos: (f32, f32),
        single_ok: bool,
    ) -> usize {
        let r = &mut self.rng;
        let (replicas, min_healthy) = match kind {
            ComponentKind::Gateway => (3, 1),
            ComponentKind::LoadBalancer => (r.random_range(2..=3), 1),
            ComponentKind::External => (1, 1),
            ComponentKind::Service => {
                if single_ok && r.random_bool(0.015) {
                    (1, 1)
                } else {
                    let n: u32 = r.random_range(2..=6);
                    (n, r.random_range(1..=n.div_ceil(2)))
                }
            }
            _ => {
                if single_ok && r.random_bool(0.03) {
                    (1, 1)
                } else {
                    (r.random_range(2..=3), 1)
                }
            }
        };
        let replication = if kind.is_stateful() && replicas > 1 {
            match r.random_range(0..20) {
                0 => Replication::None,
                1..=6 => Replication::Async,
                _ => Replication::Sync,
            }
        } else {
            Replication::None
        };
        let manual = kind == ComponentKind::Database && replicas > 1 && r.random_bool(0.1);
        let unmonitored = r.random_bool(0.03);
        let external_availability = r.random_range(0..3);
        let c = self.add(id, kind, replicas, min_healthy, pos);
        let comp = &mut self.model.components[c];
        comp.replication = replication;
        if manual {
            comp.failover = Failover::Manual;
        }
        comp.monitored = !unmonitored;
        if kind == ComponentKind::External {
            comp.zones.clear();
            comp.availability = Some([0.9995, 0.9999, 0.99995][external_availability]);
        }
        c
    }
}

fn prefix(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Gateway => "gw",
        ComponentKind::LoadBalancer => "lb",
        ComponentKind::Service => "svc",
        ComponentKind::Database => "db",
        ComponentKind::Cache => "cache",
        ComponentKind::Queue => "queue",
        ComponentKind::Storage => "store",
        ComponentKind::External => "ext",
        _ => "c",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_exactly_the_requested_number_of_components() {
        for n in [1, 2, 3, 7, 8, 9, 23, 100, 1001] {
            assert_eq!(generate(n, 1).components.len(), n, "n = {n}");
        }
    }

    #[test]
    fn same_seed_same_model() {
        assert_eq!(generate(500, 9), generate(500, 9));
        assert_ne!(generate(500, 9), generate(500, 10));
    }

    #[test]
    fn every_generated_model_is_valid() {
        for n in [1, 2, 5, 8, 50, 400] {
            for seed in 0..5 {
                assert_eq!(generate(n, seed).validate(), Ok(()), "n = {n}");
            }
        }
    }
}
