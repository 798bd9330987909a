//! A fingerprint of what the analysis reads. Models that analyse the same
//! ([`Model::same_analysis_input`]) have equal prints, so different prints mean different
//! input without comparing the models; equal prints say nothing for sure.
//!
//! The print is a wrapping sum of one number per component, one per dependency and one for
//! the rest, so a change updates it by the prints of what it replaced and what it put in
//! their place (`edit::Document` keeps it that way). Each number hashes only fields that
//! `same_analysis_input` compares, floats with -0.0 taken as 0.0 (they compare equal).

use std::hash::{BuildHasher, Hash, Hasher};

use super::{Component, Dependency, FastHash, Model, Needs};

/// A component's part of the print: every field but its position and its workload (which
/// no analysis reads; equal prints are compared in full anyway).
pub fn component_print(c: &Component) -> u64 {
    let Component {
        id,
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
        workload: _,
    } = c;
    let mut h = FastHash::default().build_hasher();
    (id, name, kind, entry, replicas, min_healthy, zones).hash(&mut h);
    match needs {
        Needs::All => u32::MAX.hash(&mut h),
        Needs::AtLeast(n) => n.hash(&mut h),
    }
    std::mem::discriminant(replication).hash(&mut h);
    std::mem::discriminant(failover).hash(&mut h);
    (monitored, notes).hash(&mut h);
    for x in [availability, mtbf_hours, common_cause] {
        x.map(float_bits).hash(&mut h);
    }
    h.finish()
}

/// A dependency's part of the print.
pub fn dependency_print(d: &Dependency) -> u64 {
    let Dependency { from, to, kind } = d;
    let mut h = FastHash::default().build_hasher();
    (from, to, std::mem::discriminant(kind)).hash(&mut h);
    // Marks dependencies apart from components with the same strings.
    h.write_u8(1);
    h.finish()
}

/// The part of the print that is neither a component nor a dependency: format, name,
/// description and the ids and names of regions and zones (defaults, zone availabilities
/// and accepted risks are left out: equal prints say nothing for sure anyway).
pub fn rest_print(m: &Model) -> u64 {
    let mut h = FastHash::default().build_hasher();
    (m.format, &m.name, &m.description).hash(&mut h);
    for r in &m.regions {
        (&r.id, &r.name).hash(&mut h);
        for z in &r.zones {
            (&z.id, &z.name).hash(&mut h);
        }
    }
    h.write_u8(2);
    h.finish()
}

fn float_bits(x: f64) -> u64 {
    (x + 0.0).to_bits()
}

impl Model {
    /// The fingerprint of this model's analysis input, computed whole (see [`self`]).
    pub fn analysis_print(&self) -> u64 {
        let components = self.components.iter().map(component_print);
        let dependencies = self.dependencies.iter().map(dependency_print);
        components
            .chain(dependencies)
            .fold(rest_print(self), u64::wrapping_add)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Scenario;

    #[test]
    fn what_the_analysis_does_not_read_leaves_the_print() {
        let mut model = crate::generate::generate(40, 2);
        model.components[4].availability = Some(0.0);
        let mut other = model.clone();
        other.components[3].pos.0 += 50.0;
        other.scenarios.push(Scenario {
            name: "x".to_owned(),
            fail: Vec::new(),
        });
        other.components[4].availability = Some(-0.0);
        other.components[5].workload = Some(crate::model::Workload {
            namespace: "shop".to_owned(),
            kind: "Deployment".to_owned(),
            name: "web".to_owned(),
            ..crate::model::Workload::default()
        });
        assert!(model.same_analysis_input(&other));
        assert_eq!(model.analysis_print(), other.analysis_print());
    }

    #[test]
    fn a_change_the_analysis_reads_changes_the_print() {
        let model = crate::generate::generate(40, 2);
        let mut other = model.clone();
        other.components[3].monitored = !other.components[3].monitored;
        assert!(!model.same_analysis_input(&other));
        assert_ne!(model.analysis_print(), other.analysis_print());
        let mut other = model.clone();
        other.dependencies.swap(0, 1);
        // Order is not in the print: the comparison decides.
        assert_eq!(model.analysis_print(), other.analysis_print());
    }
}
