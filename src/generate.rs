//! Synthetic architectures for benchmarks and tests: entries, edge DNS/CDN, a gateway
//! per domain, load balancers in front of replicated services, stateful stores, three
//! zones, about five dependencies per component. Seeded and reproducible.

use std::collections::HashSet;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::model::{
    Component, ComponentKind, Dependency, Failover, Model, Needs, Region, Replication, Zone,
};

/// Largest model `generate` writes.
pub const MAX_COMPONENTS: usize = 200_000;

/// Components per domain (one team's slice of the system).
const DOMAIN: usize = 20;
const ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];

/// A model of about `n` components (exactly `n` when `n` ≥ 8).
pub fn generate(n: usize, seed: u64) -> Model {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut g = Builder {
        model: Model {
            name: format!("Generated ({n} components, seed {seed})"),
            description: "Synthetic architecture written by `spofscope generate`.".to_owned(),
            regions: vec![Region {
                id: "main".to_owned(),
                name: "Main region".to_owned(),
                zones: ZONES
                    .iter()
                    .map(|z| Zone {
                        id: (*z).to_owned(),
                        name: String::new(),
                        availability: None,
                    })
                    .collect(),
            }],
            ..Model::default()
        },
        edges: HashSet::new(),
    };

    let entries = (n / 100).clamp(1, 50);
    let edge = if n >= 8 { 2 } else { 0 };
    let body = n.saturating_sub(entries + edge).max(1);
    let domains = body.div_ceil(DOMAIN);

    for i in 0..entries {
        let id = format!("client-{i}");
        let mut c = Component::new(&id, ComponentKind::Client);
        c.entry = true;
        c.pos = (0.0, i as f32 * 120.0);
        g.model.components.push(c);
    }
    if edge > 0 {
        g.add("dns", ComponentKind::Dns, 2, 1, (220.0, 0.0));
        g.add("cdn", ComponentKind::Cdn, 3, 1, (440.0, 0.0));
    }

    let mut gateways = Vec::new();
    let mut remaining = body;
    for d in 0..domains {
        let size = remaining.min(DOMAIN);
        remaining -= size;
        let y = d as f32 * 700.0;
        let mut services: Vec<String> = Vec::new();
        let mut stores: Vec<String> = Vec::new();
        for k in 0..size {
            let id = format!("d{d}-{}", k);
            let col = 660.0 + (k % 5) as f32 * 220.0;
            let row = y + (k / 5) as f32 * 140.0;
            let kind = match k {
                0 => ComponentKind::Gateway,
                1 => ComponentKind::LoadBalancer,
                _ if k % 7 == 3 => ComponentKind::Database,
                _ if k % 7 == 5 => ComponentKind::Cache,
                _ if k % 11 == 6 => ComponentKind::Queue,
                _ if k % 13 == 9 => ComponentKind::Storage,
                _ if k % 17 == 8 => ComponentKind::External,
                _ => ComponentKind::Service,
            };
            let replicas = match kind {
                ComponentKind::External => 1,
                ComponentKind::Gateway | ComponentKind::LoadBalancer => rng.random_range(1..=3),
                _ if rng.random_bool(0.15) => 1,
                _ => rng.random_range(2..=6),
            };
            let min_healthy = if replicas > 2 {
                rng.random_range(1..=replicas - 1)
            } else {
                1
            };
            let id = g.add(&id, kind, replicas, min_healthy, (col, row));
            let c = g.model.components.last_mut().map(|c| {
                if kind.is_stateful() && replicas > 1 {
                    c.replication = match rng.random_range(0..4) {
                        0 => Replication::None,
                        1 => Replication::Async,
                        _ => Replication::Sync,
                    };
                    if rng.random_bool(0.2) {
                        c.failover = Failover::Manual;
                    }
                }
                c.monitored = !rng.random_bool(0.05);
                if kind == ComponentKind::External {
                    c.zones.clear();
                    c.availability = Some(0.9995);
                }
                c.kind
            });
            match c {
                Some(ComponentKind::Gateway) => gateways.push(id),
                Some(ComponentKind::LoadBalancer) => {}
                Some(k) if k.is_stateful() || k == ComponentKind::External => stores.push(id),
                _ => services.push(id),
            }
        }
        let domain_ids: Vec<String> = (0..size).map(|k| format!("d{d}-{k}")).collect();
        if size >= 2 {
            g.dep(&domain_ids[0], &domain_ids[1], false);
            for s in services.iter().take(4) {
                g.dep(&domain_ids[1], s, false);
            }
        }
        for (si, s) in services.iter().enumerate() {
            // Services call a few lower services and stores: mostly a DAG, soft calls
            // sideways, so the graph looks like real call graphs.
            for _ in 0..3 {
                if let Some(t) = pick(&mut rng, &services[si + 1..]) {
                    let soft = rng.random_bool(0.25);
                    g.dep(s, &t, soft);
                }
            }
            for _ in 0..2 {
                if let Some(t) = pick(&mut rng, &stores) {
                    g.dep(s, &t, rng.random_bool(0.15));
                }
            }
        }
        if size == 1 {
            gateways.push(domain_ids[0].clone());
        }
    }
    // Cross-domain calls through the callee's gateway.
    let all_services: Vec<String> = g
        .model
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Service)
        .map(|c| c.id.clone())
        .collect();
    for s in &all_services {
        if let Some(gw) = pick(&mut rng, &gateways) {
            let soft = rng.random_bool(0.5);
            g.dep(s, &gw, soft);
        }
    }
    // Entries reach the system through DNS and the CDN to the edge gateways.
    let front: Vec<String> = gateways
        .iter()
        .take(gateways.len().div_ceil(3).max(1))
        .cloned()
        .collect();
    for i in 0..entries {
        let client = format!("client-{i}");
        if edge > 0 {
            g.dep(&client, "dns", false);
            g.dep(&client, "cdn", false);
        }
        for _ in 0..3 {
            if let Some(gw) = pick(&mut rng, &front) {
                g.dep(&client, &gw, false);
            }
        }
    }
    if edge > 0 {
        for gw in front.iter().take(8) {
            g.dep("cdn", gw, true);
        }
    }
    g.model
}

struct Builder {
    model: Model,
    edges: HashSet<(String, String)>,
}

impl Builder {
    fn add(
        &mut self,
        id: &str,
        kind: ComponentKind,
        replicas: u32,
        min_healthy: u32,
        pos: (f32, f32),
    ) -> String {
        let mut c = Component::new(id, kind);
        c.replicas = replicas;
        c.min_healthy = min_healthy.clamp(1, replicas);
        let offset = self.model.components.len();
        c.zones = (0..replicas.min(3) as usize)
            .map(|i| ZONES[(offset + i) % ZONES.len()].to_owned())
            .collect();
        c.needs = Needs::All;
        c.pos = pos;
        self.model.components.push(c);
        id.to_owned()
    }

    fn dep(&mut self, from: &str, to: &str, soft: bool) {
        if from == to || !self.edges.insert((from.to_owned(), to.to_owned())) {
            return;
        }
        self.model.dependencies.push(if soft {
            Dependency::soft(from, to)
        } else {
            Dependency::hard(from, to)
        });
    }
}

fn pick(rng: &mut Xoshiro256PlusPlus, from: &[String]) -> Option<String> {
    if from.is_empty() {
        None
    } else {
        Some(from[rng.random_range(0..from.len())].clone())
    }
}
