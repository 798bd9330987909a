//! Open-PSA MEF interop: published fault trees give SCRAM's numbers, SCRAM gives our
//! numbers on our exports (bad deploys and failover windows included), and exporting a
//! model then importing it keeps its availability, its fatal events and order-2 sets.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use spofscope::analysis::{self, FailureGraph, Options, Report, cuts};
use spofscope::io::export;
use spofscope::io::import::mef;
use spofscope::model::{self, Event, Model};

use crate::scram::{scram, scram_installed};
use crate::support::{SAMPLES, fixture_path, sample, temp_dir};

fn fixture(name: &str) -> Model {
    let path = fixture_path("mef").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    mef::import(&text, &path.display().to_string())
        .unwrap()
        .model
}

fn analyze(m: &Model) -> Report {
    analysis::analyze(m, &Options::default())
}

/// (P(top), order-1 count, order-2 count) of the single entry.
fn top(m: &Model) -> (f64, usize, usize) {
    let r = analyze(m);
    assert_eq!(r.entries.len(), 1);
    let order1 = BTreeSet::from_iter(r.spofs.iter().map(|s| s.id.clone()));
    (
        1.0 - r.entries[0].availability,
        order1.len(),
        r.order2_total,
    )
}

#[test]
fn abc_or_gate_matches_scram() {
    let (p, o1, o2) = top(&fixture("abc.xml"));
    assert!((p - 0.496).abs() < 1e-12, "{p}");
    assert_eq!((o1, o2), (3, 0));
}

#[test]
fn atleast_two_of_three_matches_scram() {
    let m = fixture("atleast.xml");
    let (p, o1, o2) = top(&m);
    assert!((p - 0.098).abs() < 1e-12, "{p}");
    assert_eq!((o1, o2), (0, 3));
    let r = analyze(&m);
    let sets: BTreeSet<[String; 2]> = r.order2.iter().map(|c| c.events.clone()).collect();
    let expected: BTreeSet<[String; 2]> = [["A#0", "B#0"], ["A#0", "C#0"], ["B#0", "C#0"]]
        .iter()
        .map(|[a, b]| [(*a).to_owned(), (*b).to_owned()])
        .collect();
    assert_eq!(sets, expected);
}

#[test]
fn ab_bc_matches_scram() {
    let (p, o1, o2) = top(&fixture("ab_bc.xml"));
    assert!((p - 0.074).abs() < 1e-12, "{p}");
    assert_eq!((o1, o2), (0, 2));
}

#[test]
fn chinese_matches_scram() {
    let (p, o1, o2) = top(&fixture("chinese.xml"));
    assert!((p - 0.001_170_58).abs() < 5e-9, "{p}");
    assert_eq!((o1, o2), (0, 12));
}

#[test]
fn baobab2_matches_scram() {
    let (p, o1, o2) = top(&fixture("baobab2.xml"));
    assert!((p - 0.000_713_018).abs() < 5e-10, "{p}");
    assert_eq!((o1, o2), (0, 6));
}

#[test]
fn gates_become_groups_and_events_components() {
    let m = fixture("atleast.xml");
    let top = m.component("TopEvent").unwrap();
    assert_eq!(top.kind, model::ComponentKind::Group);
    assert!(top.entry);
    assert_eq!(top.needs, model::Needs::AtLeast(2));
    let a = m.component("A").unwrap();
    assert_eq!(a.replicas, 1);
    assert_eq!(a.availability, Some(0.9));
}

fn import_err(xml: &str) -> String {
    mef::import(xml, "t.xml").unwrap_err().to_string()
}

#[test]
fn not_gates_are_rejected_with_their_position() {
    let xml = "<opsa-mef>\n<define-fault-tree name=\"t\">\n<define-gate name=\"top\">\n  <not><basic-event name=\"a\"/></not>\n</define-gate>\n</define-fault-tree>\n</opsa-mef>";
    let e = import_err(xml);
    assert!(
        e.starts_with("t.xml:4:3: <not> gates are not supported"),
        "{e}"
    );
}

#[test]
fn xor_and_house_events_are_rejected() {
    let xor = "<opsa-mef><define-fault-tree name=\"t\"><define-gate name=\"top\"><xor><basic-event name=\"a\"/><basic-event name=\"b\"/></xor></define-gate></define-fault-tree></opsa-mef>";
    assert!(import_err(xor).contains("<xor> gates are not supported"));
    let house = "<opsa-mef><define-fault-tree name=\"t\"><define-gate name=\"top\"><or><house-event name=\"h\"/><basic-event name=\"b\"/></or></define-gate></define-fault-tree></opsa-mef>";
    assert!(import_err(house).contains("house events are not supported"));
}

#[test]
fn parameters_give_probabilities() {
    let xml = r#"<opsa-mef>
<define-fault-tree name="t">
  <define-gate name="top"><or><basic-event name="a"/><basic-event name="b"/></or></define-gate>
  <define-basic-event name="a"><parameter name="pa"/></define-basic-event>
  <define-basic-event name="b"><float value="0.5"/></define-basic-event>
  <define-parameter name="pa"><float value="0.25"/></define-parameter>
</define-fault-tree>
</opsa-mef>"#;
    let m = mef::import(xml, "t.xml").unwrap().model;
    let r = analyze(&m);
    assert!((r.entries[0].availability - 0.75 * 0.5).abs() < 1e-15);
}

#[test]
fn malformed_xml_names_line_and_column() {
    let e = import_err("<opsa-mef>\n  <define-fault-tree name=\"t\">\n</opsa-mef>");
    assert!(e.starts_with("t.xml:3:"), "{e}");
    assert!(e.contains("malformed XML"), "{e}");
}

#[test]
fn malformed_xml_gives_its_position_once() {
    let e = import_err(
        "<opsa-mef>\n<define-fault-tree name=\"t\">\n<gate name=\"g\"><or></gate>\n</opsa-mef>",
    );
    assert_eq!(
        e,
        "t.xml:3:20: malformed XML: expected 'or' tag, not 'gate'"
    );
}

#[test]
fn undefined_event_is_an_error() {
    let xml = "<opsa-mef><define-fault-tree name=\"t\"><define-gate name=\"top\"><or><basic-event name=\"a\"/><basic-event name=\"b\"/></or></define-gate><define-basic-event name=\"a\"><float value=\"0.1\"/></define-basic-event></define-fault-tree></opsa-mef>";
    assert!(import_err(xml).contains("unknown event \"b\""));
}

/// The entries failing `events` together takes down (`common:c`, `failover:c` included).
fn entries_down(m: &Model, events: &[&str]) -> BTreeSet<String> {
    let events: Vec<Event> = events
        .iter()
        .map(|e| Event::parse(e).unwrap_or_else(|err| panic!("{err}")))
        .collect();
    let outcome = analysis::whatif(m, &events).unwrap_or_else(|e| panic!("{e}"));
    outcome.entries_down.into_iter().collect()
}

/// The time events of DESIGN §2b (`common:c`, `failover:c`) of a model, by name.
fn time_events(m: &Model) -> Vec<String> {
    let g = FailureGraph::compile(m);
    (g.structural_events()..g.events.len() as u32)
        .map(|e| g.event_name(e))
        .collect()
}

fn is_time_event(name: &str) -> bool {
    name.starts_with("common:") || name.starts_with("failover:")
}

/// Basic events that alone put `entry` (or any entry) down, by spofscope event name:
/// structural ones (replicas, zones, regions) from the SPOF analysis, time events from a
/// what-if each (the analysis leaves them out of SPOFs, a fault tree does not).
fn fatal_events_for(m: &Model, entry: Option<&str>) -> BTreeSet<String> {
    let g = FailureGraph::compile(m);
    let singles = cuts::singles(&g);
    let concerned = |id: &str| entry.is_none_or(|wanted| id == wanted);
    let structural = (0..g.structural_events())
        .filter(|&e| {
            singles.by_event[e as usize]
                .entries
                .iter()
                .any(|&c| concerned(&g.ids[c as usize]))
        })
        .map(|e| g.event_name(e));
    let timed = time_events(m)
        .into_iter()
        .filter(|e| entries_down(m, &[e]).iter().any(|c| concerned(c)));
    structural.chain(timed).collect()
}

fn fatal_events(m: &Model) -> BTreeSet<String> {
    fatal_events_for(m, None)
}

/// Pairs of events of a fault tree's minimal cut sets that include a time event: each
/// must take `entry` down together and neither alone (the analysis lists structural
/// pairs only, DESIGN §2b rule 4, so these are checked by what-if).
fn assert_time_pairs_are_minimal(m: &Model, pairs: &BTreeSet<BTreeSet<String>>, entry: &str) {
    for pair in pairs.iter().filter(|p| p.iter().any(|e| is_time_event(e))) {
        let events: Vec<&str> = pair.iter().map(String::as_str).collect();
        assert!(entries_down(m, &events).contains(entry), "{events:?}");
        for e in &events {
            assert!(!entries_down(m, &[e]).contains(entry), "{e} alone");
        }
    }
}

fn structural_only(pairs: &BTreeSet<BTreeSet<String>>) -> BTreeSet<BTreeSet<String>> {
    pairs
        .iter()
        .filter(|p| !p.iter().any(|e| is_time_event(e)))
        .cloned()
        .collect()
}

/// Reading an export back keeps availability exactly; its SPOFs are the events that
/// alone take an entry down, bad deploys and failover windows included (in a fault tree
/// they are basic events like any other), and its order-2 sets are ours plus pairs with
/// a time event that are minimal cut sets of the model.
#[test]
fn export_then_import_keeps_availability_fatal_events_and_order2() {
    for name in SAMPLES {
        let original = sample(name);
        let xml = export::mef::export(&original).unwrap();
        let imported = mef::import(&xml, &format!("{name}.spof.ron"))
            .unwrap()
            .model;
        // Imported basic-event components carry the original event id as their name.
        let label: HashMap<String, String> = imported
            .components
            .iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect();
        let before = analyze(&original);
        let after = analyze(&imported);
        for e in &before.entries {
            let top = after
                .entries
                .iter()
                .find(|x| {
                    x.name == format!("{} down", e.id) || x.id.ends_with(&e.id.replace('-', "_"))
                })
                .unwrap_or_else(|| panic!("{name}: no top event for {}", e.id));
            assert!(
                (e.availability - top.availability).abs() < 1e-12,
                "{name} {}",
                e.id
            );
        }
        let imported_fatal: BTreeSet<String> =
            after.spofs.iter().map(|s| label[&s.id].clone()).collect();
        assert_eq!(imported_fatal, fatal_events(&original), "{name}");
        let pairs = |r: &Report, rename: &dyn Fn(&str) -> String| -> BTreeSet<BTreeSet<String>> {
            r.order2
                .iter()
                .map(|c| c.events.iter().map(|e| rename(e)).collect())
                .collect()
        };
        let original_pairs = pairs(&before, &|e: &str| e.to_owned());
        let imported_pairs = pairs(&after, &|e: &str| label[e.trim_end_matches("#0")].clone());
        assert_eq!(structural_only(&imported_pairs), original_pairs, "{name}");
        for entry in &before.entries {
            assert_time_pairs_are_minimal(&original, &imported_pairs, &entry.id);
        }
    }
}

#[test]
fn export_writes_each_time_event_once_with_its_probability() {
    let m = model::from_str(TIMED, "timed.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    let xml = export::mef::export(&m).unwrap_or_else(|e| panic!("{e}"));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}"));
    let events: HashMap<String, f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("define-basic-event"))
        .filter_map(|n| {
            let label = n.children().find(|c| c.has_tag_name("label"))?.text()?;
            let p = n
                .children()
                .find(|c| c.has_tag_name("float"))?
                .attribute("value")?
                .parse()
                .ok()?;
            Some((label.to_owned(), p))
        })
        .collect();
    // The file holds 1 − (1 − q) of each event's q: equal to the last bits.
    let probability = |event: &str, expected: f64| {
        let p = events.get(event).copied().unwrap_or(f64::NAN);
        assert!((p - expected).abs() < 1e-15, "{event}: {p} ≠ {expected}");
    };
    // β = 0.1 of q = 1 − 0.99 for common:api and common:db, the rest for each replica.
    probability("common:api", 0.1 * (1.0 - 0.99));
    probability("common:db", 0.1 * (1.0 - 0.99));
    probability("api#0", 0.9 * (1.0 - 0.99));
    // failover:db: T / (M + T) with T = (detect.monitored 5 + manual 55) / 60 = 1 h and
    // M = 100 h.
    probability("failover:db", 1.0 / 101.0);
    // worker has one replica (no common cause) and is unmonitored: A' = 1 / (1/A + Δ/M)
    // with Δ = (125 − 5) / 60 = 2 h.
    probability("worker#0", 1.0 - 1.0 / (1.0 / 0.99 + 2.0 / 100.0));
    let mut time_events: Vec<&str> = events
        .keys()
        .map(String::as_str)
        .filter(|e| is_time_event(e))
        .collect();
    time_events.sort_unstable();
    assert_eq!(time_events, ["common:api", "common:db", "failover:db"]);
}

/// SCRAM, quantifying our export of `m`, finds each entry's unavailability and its cut
/// sets of order 1 and 2.
fn assert_scram_agrees(name: &str, m: &Model, dir: &Path) {
    let xml_path = dir.join(format!("{name}.xml"));
    std::fs::write(&xml_path, export::mef::export(m).unwrap()).unwrap();
    let trees = scram(&xml_path, &dir.join("report.xml")).unwrap();
    let r = analyze(m);
    assert_eq!(trees.len(), r.entries.len(), "{name}");
    for (tree, entry) in trees.iter().zip(&r.entries) {
        let (p, sets) = (tree.probability, &tree.cut_sets);
        // SCRAM's report prints six significant digits: compare to 1e-9 or to that.
        let tolerance = (p.abs() * 5e-6).max(1e-9);
        assert!(
            ((1.0 - entry.availability) - p).abs() <= tolerance,
            "{name} {}: {p}",
            entry.id
        );
        let order1: BTreeSet<String> = sets
            .iter()
            .filter(|s| s.len() == 1)
            .flat_map(|s| s.iter().cloned())
            .collect();
        let order2: BTreeSet<BTreeSet<String>> =
            sets.iter().filter(|s| s.len() == 2).cloned().collect();
        let ours_order1 = fatal_events_for(m, Some(&entry.id));
        assert_eq!(order1, ours_order1, "{name} {}", entry.id);
        let ours_order2: BTreeSet<BTreeSet<String>> = r
            .order2
            .iter()
            .filter(|c| c.takes_down.contains(&entry.id))
            .map(|c| c.events.iter().cloned().collect())
            .collect();
        assert_eq!(structural_only(&order2), ours_order2, "{name} {}", entry.id);
        assert_time_pairs_are_minimal(m, &order2, &entry.id);
    }
}

#[test]
fn exported_samples_match_scram_when_installed() {
    if !scram_installed() {
        return;
    }
    let dir = temp_dir();
    for name in SAMPLES {
        assert_scram_agrees(name, &sample(name), dir.path());
    }
}

/// Every time event of DESIGN §2b at once, with time defaults of its own: β on a
/// three-replica service and a two-replica database, an unmonitored service, a manual
/// failover, replicas spread over two zones.
const TIMED: &str = r#"Model(
    format: 1,
    name: "Timed",
    defaults: (
        replica_availability: 0.99,
        mtbf_hours: 100.0,
        detect_minutes: (monitored: 5.0, unmonitored: 125.0),
        failover_minutes: (automatic: 2.0, manual: 55.0),
        common_cause: 0.1,
    ),
    regions: [(id: "r", zones: [(id: "a"), (id: "b")])],
    components: [
        (id: "users", kind: Client, entry: true),
        (id: "api", kind: Service, replicas: 3, min_healthy: 2, zones: ["a", "b"]),
        (id: "db", kind: Database, replicas: 2, replication: Sync, failover: Manual, zones: ["a", "b"]),
        (id: "worker", kind: Service, monitored: false, zones: ["b"]),
    ],
    dependencies: [
        (from: "users", to: "api"),
        (from: "api", to: "db"),
        (from: "api", to: "worker"),
    ],
)
"#;

#[test]
fn exported_time_events_match_scram_when_installed() {
    if !scram_installed() {
        return;
    }
    let m = model::from_str(TIMED, "timed.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    assert_scram_agrees("timed", &m, temp_dir().path());
}
