//! DESIGN §2b: what detection time, failover windows and common-cause failures do to a
//! component's failure probabilities. Arithmetic on the model only; no analysis here.

use super::{Component, Failover, Model};

/// The failure probabilities of one component's basic events (DESIGN §2b).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rates {
    /// Probability that one replica (`c#i`) has failed by itself.
    pub replica: f64,
    /// Probability of `common:c` (every replica at once), when the component has one.
    pub common: Option<f64>,
    /// Probability of `failover:c` (writes wait for a standby), when it has a window.
    pub failover: Option<f64>,
}

impl Model {
    /// Mean time between failures of one replica of `c`, in hours.
    pub fn mtbf_hours(&self, c: &Component) -> f64 {
        c.mtbf_hours.unwrap_or(self.defaults.mtbf_hours)
    }

    /// β of `c`: the share of a replica's failures that hit every replica at once.
    pub fn common_cause(&self, c: &Component) -> f64 {
        c.common_cause.unwrap_or(self.defaults.common_cause)
    }

    /// Minutes until a failure of `c` is noticed.
    pub fn detect_minutes(&self, c: &Component) -> f64 {
        let d = self.defaults.detect_minutes;
        if c.monitored {
            d.monitored
        } else {
            d.unmonitored
        }
    }

    /// A': the availability of one replica of `c` once slow detection is counted
    /// (rule 1: unnoticed failures last Δ hours longer).
    pub fn effective_replica_availability(&self, c: &Component) -> f64 {
        let a = self.replica_availability(c);
        if c.monitored {
            return a;
        }
        let d = self.defaults.detect_minutes;
        let late_hours = (d.unmonitored - d.monitored) / 60.0;
        1.0 / (1.0 / a + late_hours / self.mtbf_hours(c))
    }

    /// T: how long writes wait while a standby of `c` takes over, in hours (rule 3).
    pub fn failover_window_hours(&self, c: &Component) -> f64 {
        let f = self.defaults.failover_minutes;
        match c.failover {
            Failover::Automatic => f.automatic / 60.0,
            Failover::Manual => (self.detect_minutes(c) + f.manual) / 60.0,
        }
    }

    /// Whether `c` has a `common:c` event (rule 2: several replicas and β > 0).
    pub fn has_common_cause(&self, c: &Component) -> bool {
        c.kind.has_replicas() && c.replicas >= 2 && self.common_cause(c) > 0.0
    }

    /// The failure probabilities of `c`'s replica, common-cause and failover events.
    pub fn rates(&self, c: &Component) -> Rates {
        if !c.kind.has_replicas() {
            return Rates {
                replica: 0.0,
                common: None,
                failover: None,
            };
        }
        let q = 1.0 - self.effective_replica_availability(c);
        let (replica, common) = if self.has_common_cause(c) {
            let beta = self.common_cause(c);
            ((1.0 - beta) * q, Some(beta * q))
        } else {
            (q, None)
        };
        let failover = c.has_failover_window().then(|| {
            let t = self.failover_window_hours(c);
            t / (self.mtbf_hours(c) + t)
        });
        Rates {
            replica,
            common,
            failover,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ComponentKind, Replication};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15
    }

    #[test]
    fn an_unmonitored_replica_is_down_longer() {
        let m = Model::default();
        let mut c = Component::new("db", ComponentKind::Database);
        c.monitored = false;
        // Δ = (240 − 2) / 60 hours, M = 720 hours, A = 0.999.
        let expected = 1.0 / (1.0 / 0.999 + (238.0 / 60.0) / 720.0);
        assert!(close(m.effective_replica_availability(&c), expected));
        assert!(close(m.rates(&c).replica, 1.0 - expected));
        assert_eq!(m.rates(&c).common, None);
    }

    #[test]
    fn manual_failover_waits_for_detection_and_a_human() {
        let m = Model::default();
        let mut c = Component::new("db", ComponentKind::Database);
        c.replicas = 2;
        c.replication = Replication::Sync;
        c.failover = Failover::Manual;
        let t = (2.0 + 30.0) / 60.0;
        let r = m.rates(&c);
        assert_eq!(r.failover, Some(t / (720.0 + t)));
        assert!(close(r.replica, 0.95 * 0.001));
        assert!(r.common.is_some_and(|q| close(q, 0.05 * 0.001)));
    }

    #[test]
    fn clients_and_unreplicated_stores_have_no_extra_events() {
        let m = Model::default();
        let client = Component::new("users", ComponentKind::Client);
        assert_eq!(
            m.rates(&client),
            Rates {
                replica: 0.0,
                common: None,
                failover: None
            }
        );
        let mut shards = Component::new("db", ComponentKind::Database);
        shards.replicas = 3;
        assert_eq!(m.rates(&shards).failover, None);
        assert!(m.rates(&shards).common.is_some());
    }
}
