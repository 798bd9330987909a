//! Exact availability against closed-form values on small models: series, parallel,
//! k-of-n, shared zones and regions, unreplicated shards, `AtLeast`, cycles. The closed
//! forms of DESIGN §2 assume replicas that fail independently, so those models set
//! `common_cause: 0.0` (and a zero-minute failover where a store has a window); the
//! cases of §2b (detection, failover windows, common cause, full service) follow them.

use spofscope::analysis::{self, MINUTES_PER_YEAR, Options, Report};
use spofscope::model;

use crate::support::{SAMPLES, sample};

fn analyze(ron: &str) -> Report {
    let model = model::from_str(ron, "test.spof.ron").unwrap();
    analysis::analyze(&model, &Options::default())
}

/// Availability of entry `id`, asserting that it is exact.
fn availability(report: &Report, id: &str) -> f64 {
    let entry = report.entry(id).unwrap();
    assert!(entry.exact, "{id} was estimated");
    assert_eq!(entry.error_bound, 0.0);
    entry.availability
}

#[track_caller]
fn assert_close(got: f64, expected: f64) {
    assert!(
        (got - expected).abs() <= 1e-12,
        "got {got}, expected {expected} (off by {:e})",
        got - expected
    );
}

#[test]
fn series_chain_multiplies_availabilities() {
    let r = analyze(
        r#"Model(format: 1, name: "series",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "lb", kind: LoadBalancer, availability: Some(0.99)),
                (id: "app", availability: Some(0.98)),
                (id: "db", kind: Database, availability: Some(0.95)),
            ],
            dependencies: [(from: "users", to: "lb"), (from: "lb", to: "app"), (from: "app", to: "db")])"#,
    );
    assert_close(availability(&r, "users"), 0.99 * 0.98 * 0.95);
}

#[test]
fn parallel_replicas_fail_only_together() {
    let r = analyze(
        r#"Model(format: 1, name: "parallel",
            defaults: (common_cause: 0.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 3, availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    assert_close(availability(&r, "users"), 1.0 - 0.1f64.powi(3));
}

#[test]
fn two_of_three_replicas_is_the_binomial_tail() {
    let r = analyze(
        r#"Model(format: 1, name: "k-of-n",
            defaults: (common_cause: 0.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 3, min_healthy: 2, availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    let p: f64 = 0.9;
    assert_close(
        availability(&r, "users"),
        p.powi(3) + 3.0 * p * p * (1.0 - p),
    );
}

#[test]
fn three_of_five_replicas_is_the_binomial_tail() {
    let r = analyze(
        r#"Model(format: 1, name: "k-of-n",
            defaults: (common_cause: 0.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 5, min_healthy: 3, availability: Some(0.8)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    let (p, q): (f64, f64) = (0.8, 0.2);
    let expected = p.powi(5) + 5.0 * p.powi(4) * q + 10.0 * p.powi(3) * q * q;
    assert_close(availability(&r, "users"), expected);
}

#[test]
fn replicas_sharing_one_zone_are_capped_by_the_zone() {
    let r = analyze(
        r#"Model(format: 1, name: "zone sharing",
            defaults: (common_cause: 0.0, region_availability: 1.0),
            regions: [(id: "eu", zones: [(id: "a", availability: Some(0.99))])],
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 2, zones: ["a"], availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    assert_close(availability(&r, "users"), 0.99 * (1.0 - 0.1 * 0.1));
}

#[test]
fn replicas_in_two_zones_of_one_region_share_only_the_region() {
    let r = analyze(
        r#"Model(format: 1, name: "two zones",
            defaults: (common_cause: 0.0, zone_availability: 0.99, region_availability: 0.999),
            regions: [(id: "eu", zones: [(id: "a"), (id: "b")])],
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 2, zones: ["a", "b"], availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    let one_side = 0.99 * 0.9;
    assert_close(
        availability(&r, "users"),
        0.999 * (1.0 - (1.0 - one_side) * (1.0 - one_side)),
    );
}

#[test]
fn components_in_the_same_zone_fail_together_with_it() {
    // Two different components in zone a: the zone counts once, not once per component.
    let r = analyze(
        r#"Model(format: 1, name: "shared zone",
            defaults: (region_availability: 1.0),
            regions: [(id: "eu", zones: [(id: "a", availability: Some(0.95))])],
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", zones: ["a"], availability: Some(0.9)),
                (id: "db", kind: Database, zones: ["a"], availability: Some(0.8)),
            ],
            dependencies: [(from: "users", to: "app"), (from: "app", to: "db")])"#,
    );
    assert_close(availability(&r, "users"), 0.95 * 0.9 * 0.8);
}

#[test]
fn active_active_regions_share_nothing() {
    // Either region serves: each side is region ∧ zone ∧ (1-of-2 replicas).
    let r = analyze(
        r#"Model(format: 1, name: "regions",
            defaults: (common_cause: 0.0, replica_availability: 0.9, zone_availability: 0.99, region_availability: 0.98),
            regions: [
                (id: "eu", zones: [(id: "eu-a")]),
                (id: "us", zones: [(id: "us-a")]),
            ],
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "site", kind: Group, needs: AtLeast(1)),
                (id: "eu-app", replicas: 2, zones: ["eu-a"]),
                (id: "us-app", replicas: 2, zones: ["us-a"]),
            ],
            dependencies: [
                (from: "users", to: "site"),
                (from: "site", to: "eu-app"),
                (from: "site", to: "us-app"),
            ])"#,
    );
    let side = 0.98 * 0.99 * (1.0 - 0.1 * 0.1);
    assert_close(availability(&r, "users"), 1.0 - (1.0 - side) * (1.0 - side));
}

#[test]
fn region_outage_takes_both_of_its_zones() {
    let r = analyze(
        r#"Model(format: 1, name: "region sharing",
            defaults: (failover_minutes: (automatic: 0.0), replica_availability: 1.0, zone_availability: 0.9, region_availability: 0.95),
            regions: [(id: "eu", zones: [(id: "a"), (id: "b")])],
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 2, zones: ["a", "b"]),
                (id: "db", kind: Database, replicas: 2, replication: Sync, zones: ["b", "a"]),
            ],
            dependencies: [(from: "users", to: "app"), (from: "users", to: "db")])"#,
    );
    // Replicas never fail: up iff the region and at least one zone are up.
    assert_close(availability(&r, "users"), 0.95 * (1.0 - 0.1 * 0.1));
}

#[test]
fn unreplicated_shards_need_every_replica() {
    let r = analyze(
        r#"Model(format: 1, name: "shards",
            defaults: (common_cause: 0.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "db", kind: Database, replicas: 3, availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "db")])"#,
    );
    assert_close(availability(&r, "users"), 0.9f64.powi(3));
}

#[test]
fn replicated_store_needs_only_min_healthy() {
    let r = analyze(
        r#"Model(format: 1, name: "replicated",
            defaults: (common_cause: 0.0, failover_minutes: (automatic: 0.0)),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "db", kind: Database, replicas: 3, replication: Async, availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "db")])"#,
    );
    assert_close(availability(&r, "users"), 1.0 - 0.1f64.powi(3));
}

#[test]
fn unreplicated_service_replicas_are_redundant() {
    // Rule 2 applies to stores only: a stateless service with replication None is fine.
    let r = analyze(
        r#"Model(format: 1, name: "service",
            defaults: (common_cause: 0.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", kind: Service, replicas: 2, availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    assert_close(availability(&r, "users"), 0.99);
}

#[test]
fn at_least_two_of_three_dependencies() {
    let r = analyze(
        r#"Model(format: 1, name: "quorum",
            components: [
                (id: "users", kind: Client, entry: true, needs: AtLeast(2)),
                (id: "a", availability: Some(0.9)),
                (id: "b", availability: Some(0.8)),
                (id: "c", availability: Some(0.7)),
            ],
            dependencies: [(from: "users", to: "a"), (from: "users", to: "b"), (from: "users", to: "c")])"#,
    );
    let (a, b, c): (f64, f64, f64) = (0.9, 0.8, 0.7);
    let expected = a * b * c + a * b * (1.0 - c) + a * (1.0 - b) * c + (1.0 - a) * b * c;
    assert_close(availability(&r, "users"), expected);
}

#[test]
fn at_least_combines_with_own_replicas() {
    // A gateway with 2 replicas (1 needed) in front of 1-of-2 backends.
    let r = analyze(
        r#"Model(format: 1, name: "gateway",
            defaults: (common_cause: 0.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "gw", kind: Gateway, replicas: 2, needs: AtLeast(1), availability: Some(0.9)),
                (id: "a", availability: Some(0.8)),
                (id: "b", availability: Some(0.7)),
            ],
            dependencies: [(from: "users", to: "gw"), (from: "gw", to: "a"), (from: "gw", to: "b")])"#,
    );
    assert_close(
        availability(&r, "users"),
        (1.0 - 0.1 * 0.1) * (1.0 - 0.2 * 0.3),
    );
}

#[test]
fn at_least_more_than_it_has_is_always_down() {
    let r = analyze(
        r#"Model(format: 1, name: "unfinished",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "lb", kind: LoadBalancer, needs: AtLeast(1)),
            ],
            dependencies: [(from: "users", to: "lb")])"#,
    );
    assert_eq!(availability(&r, "users"), 0.0);
    assert_eq!(
        r.entry("users").unwrap().downtime_minutes_per_year,
        MINUTES_PER_YEAR
    );
    assert_eq!(r.always_down, vec!["users", "lb"]);
}

#[test]
fn shared_dependency_is_counted_once() {
    // Two paths to the same database: not independent, so not 1 − (1 − pq)².
    let r = analyze(
        r#"Model(format: 1, name: "diamond",
            components: [
                (id: "users", kind: Client, entry: true, needs: AtLeast(1)),
                (id: "a", availability: Some(0.9)),
                (id: "b", availability: Some(0.9)),
                (id: "db", kind: Database, availability: Some(0.95)),
            ],
            dependencies: [
                (from: "users", to: "a"), (from: "users", to: "b"),
                (from: "a", to: "db"), (from: "b", to: "db"),
            ])"#,
    );
    assert_close(availability(&r, "users"), 0.95 * (1.0 - 0.1 * 0.1));
}

#[test]
fn hard_cycle_is_up_when_all_its_members_are() {
    let r = analyze(
        r#"Model(format: 1, name: "cycle",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "a", availability: Some(0.9)),
                (id: "b", availability: Some(0.8)),
            ],
            dependencies: [(from: "users", to: "a"), (from: "a", to: "b"), (from: "b", to: "a")])"#,
    );
    assert_close(availability(&r, "users"), 0.9 * 0.8);
}

#[test]
fn cycle_through_at_least_keeps_the_greatest_fixpoint() {
    // a needs b; b needs one of a or c. With c down, a and b still hold each other up:
    // the greatest fixpoint says up, so c does not matter at all.
    let r = analyze(
        r#"Model(format: 1, name: "cycle",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "a", availability: Some(0.9)),
                (id: "b", availability: Some(0.8), needs: AtLeast(1)),
                (id: "c", availability: Some(0.5)),
            ],
            dependencies: [
                (from: "users", to: "a"), (from: "a", to: "b"),
                (from: "b", to: "a"), (from: "b", to: "c"),
            ])"#,
    );
    assert_close(availability(&r, "users"), 0.9 * 0.8);
}

#[test]
fn soft_dependencies_do_not_cost_availability() {
    let r = analyze(
        r#"Model(format: 1, name: "soft",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.9)),
                (id: "recs", availability: Some(0.5)),
            ],
            dependencies: [(from: "users", to: "app"), (from: "app", to: "recs", kind: Soft)])"#,
    );
    assert_close(availability(&r, "users"), 0.9);
}

#[test]
fn client_with_nothing_behind_it_is_always_up() {
    let r = analyze(
        r#"Model(format: 1, name: "alone",
            components: [(id: "users", kind: Client, entry: true)])"#,
    );
    assert_eq!(availability(&r, "users"), 1.0);
    assert_eq!(r.entry("users").unwrap().downtime_minutes_per_year, 0.0);
}

#[test]
fn defaults_apply_to_replicas_zones_and_regions() {
    // DESIGN §1 defaults: replica 0.999, zone 0.9995, region 0.9999.
    let r = analyze(
        r#"Model(format: 1, name: "defaults",
            regions: [(id: "eu", zones: [(id: "a")])],
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", zones: ["a"]),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    let expected = 0.999 * 0.9995 * 0.9999;
    assert_close(availability(&r, "users"), expected);
    assert_close(
        r.entry("users").unwrap().downtime_minutes_per_year / MINUTES_PER_YEAR,
        1.0 - expected,
    );
}

#[test]
fn birnbaum_importance_of_a_series_member_is_the_rest_of_the_chain() {
    let r = analyze(
        r#"Model(format: 1, name: "series",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.9)),
                (id: "db", kind: Database, availability: Some(0.8)),
            ],
            dependencies: [(from: "users", to: "app"), (from: "app", to: "db")])"#,
    );
    let of = |event: &str| {
        r.importance
            .iter()
            .find(|i| i.event == event)
            .unwrap()
            .by_entry["users"]
    };
    assert_close(of("app#0"), 0.8);
    assert_close(of("db#0"), 0.9);
    // The most important event is listed first.
    assert_eq!(r.importance[0].event, "db#0");
}

#[test]
fn every_sample_is_exact() {
    for name in SAMPLES {
        let model = sample(name);
        let report = analysis::analyze(&model, &Options::default());
        assert!(report.entries.iter().all(|e| e.exact), "{name}");
    }
}

/// DESIGN §2b rule 1: an unmonitored replica of availability `a` and MTBF `m` hours stays
/// failed Δ = (240 − 2) / 60 hours longer (the default detection times).
fn unmonitored(a: f64, m: f64) -> f64 {
    1.0 / (1.0 / a + (238.0 / 60.0) / m)
}

#[test]
fn single_zone_webshop_has_the_closed_form_availability() {
    // Everything in eu-a: region ∧ zone ∧ dns ∧ lb ∧ web ∧ db ∧ files; the session cache
    // is a soft dependency. web: 2 replicas with β = 0.2 (a bad deploy takes both);
    // db: unmonitored, MTBF 2160 h.
    let model = sample("webshop");
    let r = analysis::analyze(&model, &Options::default());
    let a = 0.999f64;
    let q = 1.0 - a;
    let web = (1.0 - 0.2 * q) * (1.0 - (0.8 * q) * (0.8 * q));
    let db = unmonitored(a, 2160.0);
    let expected = 0.9999 * 0.9995 * a * a * web * db * a;
    assert_close(availability(&r, "users"), expected);
    // Full service also needs the session cache (unmonitored, MTBF 720 h) up.
    let full = r.entry("users").unwrap().full_service_availability;
    assert_close(full, expected * unmonitored(a, 720.0));
}

// ---------------------------------------------------------------------------------
// DESIGN §2b: detection, failover windows, common cause, full service.

#[test]
fn an_unmonitored_replica_stays_down_until_someone_notices() {
    let r = analyze(
        r#"Model(format: 1, name: "unmonitored",
            defaults: (mtbf_hours: 500.0, detect_minutes: (monitored: 5.0, unmonitored: 125.0)),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.99), monitored: false),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    // A' = 1 / (1/A + Δ/M), Δ = (125 − 5) / 60 = 2 hours.
    assert_close(availability(&r, "users"), 1.0 / (1.0 / 0.99 + 2.0 / 500.0));
}

#[test]
fn a_monitored_replica_keeps_its_availability() {
    let r = analyze(
        r#"Model(format: 1, name: "monitored",
            defaults: (mtbf_hours: 500.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.99)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    assert_close(availability(&r, "users"), 0.99);
}

#[test]
fn manual_failover_of_a_synchronous_pair_waits_for_detection_and_a_human() {
    let r = analyze(
        r#"Model(format: 1, name: "manual failover",
            defaults: (common_cause: 0.0, mtbf_hours: 1000.0,
                       detect_minutes: (monitored: 3.0, unmonitored: 240.0),
                       failover_minutes: (automatic: 1.0, manual: 27.0)),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "db", kind: Database, replicas: 2, replication: Sync, failover: Manual,
                 availability: Some(0.99)),
            ],
            dependencies: [(from: "users", to: "db")])"#,
    );
    // T = (3 + 27) / 60 = 0.5 h; the window is open with probability T / (M + T).
    let t = 0.5;
    let window = t / (1000.0 + t);
    let expected = (1.0 - window) * (1.0 - 0.01 * 0.01);
    assert_close(availability(&r, "users"), expected);
}

#[test]
fn automatic_failover_keeps_only_its_short_window() {
    let r = analyze(
        r#"Model(format: 1, name: "automatic failover",
            defaults: (common_cause: 0.0, mtbf_hours: 1000.0,
                       failover_minutes: (automatic: 1.5, manual: 27.0)),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "db", kind: Database, replicas: 2, replication: Async, availability: Some(0.99)),
            ],
            dependencies: [(from: "users", to: "db")])"#,
    );
    let t = 1.5 / 60.0;
    let expected = (1.0 - t / (1000.0 + t)) * (1.0 - 0.01 * 0.01);
    assert_close(availability(&r, "users"), expected);
}

#[test]
fn unreplicated_shards_and_single_stores_have_no_failover_window() {
    let r = analyze(
        r#"Model(format: 1, name: "no window",
            defaults: (common_cause: 0.0),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "shards", kind: Database, replicas: 2, failover: Manual, availability: Some(0.9)),
                (id: "single", kind: Cache, replication: Sync, failover: Manual, availability: Some(0.8)),
            ],
            dependencies: [(from: "users", to: "shards"), (from: "users", to: "single")])"#,
    );
    assert_close(availability(&r, "users"), 0.9 * 0.9 * 0.8);
}

#[test]
fn a_bad_deploy_takes_every_replica_of_a_three_replica_service() {
    let r = analyze(
        r#"Model(format: 1, name: "common cause",
            defaults: (common_cause: 0.1),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 3, availability: Some(0.99)),
            ],
            dependencies: [(from: "users", to: "app")])"#,
    );
    // Each replica fails alone with (1 − β)(1 − A), all at once with β(1 − A).
    let q: f64 = 0.01;
    let expected = (1.0 - 0.1 * q) * (1.0 - (0.9 * q).powi(3));
    assert_close(availability(&r, "users"), expected);
    // Far from the independent 1 − q³: the bad deploy dominates.
    assert!(1.0 - availability(&r, "users") > 100.0 * q.powi(3));
}

#[test]
fn a_components_own_beta_overrides_the_default_and_one_replica_has_no_common_cause() {
    let r = analyze(
        r#"Model(format: 1, name: "own beta",
            defaults: (common_cause: 0.5),
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", replicas: 2, availability: Some(0.9), common_cause: Some(0.2)),
                (id: "db", kind: Database, availability: Some(0.95)),
            ],
            dependencies: [(from: "users", to: "app"), (from: "users", to: "db")])"#,
    );
    let app = (1.0 - 0.2 * 0.1) * (1.0 - (0.8f64 * 0.1).powi(2));
    assert_close(availability(&r, "users"), app * 0.95);
}

#[test]
fn a_third_replica_buys_less_than_independence_promises() {
    let with = |replicas: u32| {
        let r = analyze(&format!(
            r#"Model(format: 1, name: "replicas",
                components: [
                    (id: "users", kind: Client, entry: true),
                    (id: "app", replicas: {replicas}, availability: Some(0.99)),
                ],
                dependencies: [(from: "users", to: "app")])"#
        ));
        availability(&r, "users")
    };
    let (one, two, three) = (with(1), with(2), with(3));
    // Default β 0.05: the common cause stays whatever the replica count.
    let q: f64 = 0.01;
    assert_close(two, (1.0 - 0.05 * q) * (1.0 - (0.95 * q).powi(2)));
    assert_close(three, (1.0 - 0.05 * q) * (1.0 - (0.95 * q).powi(3)));
    assert!(three - two < two - one);
    assert!(1.0 - three > q.powi(3) * 100.0);
}

#[test]
fn full_service_needs_soft_dependencies_up_too() {
    let r = analyze(
        r#"Model(format: 1, name: "full service",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.99)),
                (id: "recs", availability: Some(0.9)),
                (id: "ads", availability: Some(0.8)),
            ],
            dependencies: [(from: "users", to: "app"), (from: "app", to: "recs", kind: Soft),
                           (from: "recs", to: "ads")])"#,
    );
    let users = r.entry("users").unwrap();
    assert_close(users.availability, 0.99);
    // Full service: app, recs and what recs needs (ads) all up.
    assert_close(users.full_service_availability, 0.99 * 0.9 * 0.8);
    assert_close(
        users.degraded_minutes_per_year,
        (0.99 - 0.99 * 0.9 * 0.8) * MINUTES_PER_YEAR,
    );
}

#[test]
fn full_service_with_a_soft_dependency_knocked_out_is_zero() {
    let model = model::from_str(
        r#"Model(format: 1, name: "full service",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.99)),
                (id: "recs", availability: Some(0.9)),
            ],
            dependencies: [(from: "users", to: "app"), (from: "app", to: "recs", kind: Soft)])"#,
        "test.spof.ron",
    )
    .unwrap();
    let outcome = analysis::whatif(&model, &[model::Event::parse("recs").unwrap()]).unwrap();
    // Rule 4: app is degraded (its soft dependency is down); users is not, but it no
    // longer gets the full service.
    assert_eq!(outcome.degraded, vec!["app"]);
    let users = &outcome.entries[0];
    assert_close(users.availability, 0.99);
    assert_close(users.full_service_availability, 0.0);
}

#[test]
fn full_service_leaves_out_what_is_down_at_baseline() {
    // "legacy" needs one of nothing: always down, left out of the analysis (DESIGN §2).
    let r = analyze(
        r#"Model(format: 1, name: "baseline",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.99)),
                (id: "legacy", kind: Group, needs: AtLeast(1)),
            ],
            dependencies: [(from: "users", to: "app"), (from: "app", to: "legacy", kind: Soft)])"#,
    );
    assert_eq!(r.always_down, vec!["legacy"]);
    assert_close(r.entry("users").unwrap().full_service_availability, 0.99);
}

#[test]
fn files_without_time_fields_keep_their_numbers_where_nothing_is_replicated() {
    // One replica each, monitored: §2b changes nothing.
    let r = analyze(
        r#"Model(format: 1, name: "old file",
            components: [
                (id: "users", kind: Client, entry: true),
                (id: "app", availability: Some(0.99)),
                (id: "db", kind: Database, availability: Some(0.98), failover: Manual),
            ],
            dependencies: [(from: "users", to: "app"), (from: "app", to: "db")])"#,
    );
    assert_close(availability(&r, "users"), 0.99 * 0.98);
}
