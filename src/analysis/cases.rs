//! Values that depend on a state of the zones and regions only through which of one
//! component's replicas can be up: each such case computed once.

/// Cases remembered: a few cover the common components; past them, the rest is computed.
const CASES: usize = 16;

/// The values computed so far for one component, by case: the set of its replicas
/// that can be up, one bit per replica (components of more than 64 replicas are not
/// remembered).
#[derive(Default)]
pub(super) struct Cases {
    seen: Vec<(u64, f64)>,
    keyed: bool,
}

impl Cases {
    /// Start again for a component of `replicas` replicas.
    pub(super) fn reset(&mut self, replicas: usize) {
        self.seen.clear();
        self.keyed = replicas <= 64;
    }

    /// The value of the case where replica i can be up exactly when `alive` yields true
    /// for it, from `compute` the first time (the same computation, so the same bits, as
    /// computing it every time).
    pub(super) fn value(
        &mut self,
        alive: impl Iterator<Item = bool>,
        compute: impl FnOnce() -> f64,
    ) -> f64 {
        let case = alive
            .enumerate()
            .fold(0u64, |m, (i, up)| m | u64::from(up) << (i % 64));
        if let Some(&(_, v)) = self.seen.iter().find(|&&(m, _)| self.keyed && m == case) {
            return v;
        }
        let v = compute();
        if self.keyed && self.seen.len() < CASES {
            self.seen.push((case, v));
        }
        v
    }
}
