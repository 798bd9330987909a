//! The importance ranking the reviews and the GUI's chart show: the downtime each component
//! causes, or each basic event's Birnbaum importance. Picks and words rows; never draws.

use crate::analysis::{ComponentImportance, MINUTES_PER_YEAR, Report};
use crate::format::{duration, saving};
use crate::model::{Event, Model};

/// Rows of the importance ranking a review shows.
pub const RANKING_ROWS: usize = 10;

/// The importance ranking: the downtime per year each component causes, bad deploys and
/// failover windows included (with how much of it those cause, and how much the entries
/// lose while it is down), or, when that was not measured (the model is too large), each
/// basic event's Birnbaum importance. Largest first, at most [`RANKING_ROWS`], only
/// components or events some entry depends on.
pub struct Ranking {
    pub measure: &'static str,
    /// A chart's title, and its value axis.
    pub title: &'static str,
    pub axis: &'static str,
    /// Column headings: what is ranked, the unit of the value, and the second column's.
    pub what: &'static str,
    pub unit: &'static str,
    pub detail: Option<&'static str>,
    /// The heading of the column that says how much of the value bad deploys and
    /// failover windows cause, when the ranking has one.
    pub causes: Option<&'static str>,
    pub rows: Vec<Ranked>,
    /// Non-zero ones in all, shown or not.
    pub total: usize,
}

pub struct Ranked {
    /// A component id, or a basic event id (`db#0`, `common:db`, `failover:db`).
    pub id: String,
    /// The same in words: the component's name, or the event as a reviewer says it
    /// (`a bad deploy of Orders DB`, `Orders DB's failover window`).
    pub label: String,
    pub value: f64,
    pub text: String,
    /// The second column (empty when the ranking has none).
    pub detail: String,
    /// How much of the value bad deploys and the failover window cause
    /// (`bad deploys 1 h 44 min (99 %)`), `none` when neither does; empty when the
    /// ranking has no such column.
    pub causes: String,
}

/// The ranking of `report`, an analysis of `model` (whose names it uses).
pub fn importance_ranking(report: &Report, model: &Model) -> Ranking {
    if report.component_importance.is_empty() {
        let all: Vec<_> = report
            .importance
            .iter()
            .filter(|i| i.birnbaum > 0.0)
            .collect();
        return Ranking {
            measure: "Birnbaum importance of each basic event (replicas, zones, regions, bad deploys, failover windows): how much more likely an entry is down when it fails (the largest over the entries)",
            title: "Birnbaum importance of each basic event",
            axis: "Birnbaum importance",
            what: "Event",
            unit: "Importance",
            detail: None,
            causes: None,
            total: all.len(),
            rows: all
                .iter()
                .take(RANKING_ROWS)
                .map(|i| Ranked {
                    id: i.event.clone(),
                    label: Event::parse(&i.event)
                        .map_or_else(|_| i.event.clone(), |e| e.in_words(model)),
                    value: i.birnbaum,
                    text: format!("{:.3e}", i.birnbaum),
                    detail: String::new(),
                    causes: String::new(),
                })
                .collect(),
        };
    }
    let all: Vec<_> = report
        .component_importance
        .iter()
        .filter(|c| c.max_drop > 0.0)
        .collect();
    Ranking {
        measure: "Downtime per year each component causes, bad deploys and failover windows included: what an entry would gain if the component never failed (no replica down, no bad deploy hitting every replica, no wait for a failover; its zones and regions still can fail), the largest over the entries; beside it, how much of that its bad deploys and its failover window cause, and the availability an entry loses while the whole component is down, in percentage points",
        title: "Downtime each component causes per year",
        axis: "minutes / year it causes",
        what: "Component",
        unit: "Downtime it causes per year",
        detail: Some("Lost while down"),
        causes: Some("Of it, bad deploys and failover"),
        total: all.len(),
        rows: all
            .iter()
            .take(RANKING_ROWS)
            .map(|c| {
                let minutes = c.max_gain * MINUTES_PER_YEAR;
                Ranked {
                    id: c.component.clone(),
                    label: model
                        .component(&c.component)
                        .map_or(c.component.as_str(), |x| x.display_name())
                        .to_owned(),
                    value: minutes,
                    text: saving(minutes),
                    detail: format!("{:.3} pp", c.max_drop * 100.0),
                    causes: causes_text(c),
                }
            })
            .collect(),
    }
}

/// `bad deploys 1 h 44 min (99 %), failover window 3 min (1 %)`, or `none`.
fn causes_text(c: &ComponentImportance) -> String {
    // Never "0 %" or "100 %" for a part that is neither none nor all of it.
    let share = |gain: f64| {
        let pct = gain / c.max_gain * 100.0;
        if pct < 1.0 {
            "< 1 %".to_owned()
        } else if pct > 99.0 && gain < c.max_gain {
            "> 99 %".to_owned()
        } else {
            format!("{pct:.0} %")
        }
    };
    let mut parts = Vec::new();
    for (what, gain) in [
        ("bad deploys", c.common_cause_gain),
        ("failover window", c.failover_gain),
    ] {
        if gain > 0.0 && c.max_gain > 0.0 {
            parts.push(format!(
                "{what} {} ({})",
                duration(gain * MINUTES_PER_YEAR),
                share(gain)
            ));
        }
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn importance_ranks_components_by_the_downtime_they_cause() {
        let model = crate::model::from_str(
            r#"Model(format: 1, name: "chain",
                components: [
                    (id: "users", kind: Client, entry: true, availability: Some(1.0)),
                    (id: "lb", kind: LoadBalancer, availability: Some(0.999)),
                    (id: "db", kind: Database, availability: Some(0.99)),
                ],
                dependencies: [(from: "users", to: "lb"), (from: "lb", to: "db")])"#,
            "chain.spof.ron",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let report = crate::analysis::analyze(&model, &crate::analysis::Options::default());
        let ranking = importance_ranking(&report, &model);
        let rows: Vec<(&str, &str, &str)> = ranking
            .rows
            .iter()
            .map(|r| (r.id.as_str(), r.text.as_str(), r.detail.as_str()))
            .collect();
        // Both take the entry down; the database fails ten times as often.
        assert_eq!(
            rows,
            [
                ("db", "3.6 days", "98.901 pp"),
                ("lb", "8 h 40 min", "98.901 pp"),
            ]
        );
        assert_eq!(ranking.total, 2);
        assert_eq!(ranking.detail, Some("Lost while down"));
        let db = &report.component_importance[0];
        assert!((db.max_gain - (0.999 - 0.999 * 0.99)).abs() < 1e-12);
        assert!(
            (ranking.rows[0].value - db.max_gain * crate::analysis::MINUTES_PER_YEAR).abs() < 1e-9
        );
    }

    /// A database only an entry needs, with bad deploys (β = 0.1 of q = 0.01) and a
    /// manual failover window (T = (5 + 55) / 60 = 1 h of every M + T = 101 h).
    fn timed_database() -> Model {
        crate::model::from_str(
            r#"Model(format: 1, name: "timed",
                defaults: (replica_availability: 0.99, mtbf_hours: 100.0,
                    detect_minutes: (monitored: 5.0, unmonitored: 125.0),
                    failover_minutes: (automatic: 2.0, manual: 55.0), common_cause: 0.1),
                components: [
                    (id: "users", kind: Client, entry: true),
                    (id: "db", name: "Orders DB", kind: Database, replicas: 2,
                        replication: Sync, failover: Manual),
                ],
                dependencies: [(from: "users", to: "db")])"#,
            "timed.spof.ron",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_ranking_says_how_much_downtime_bad_deploys_and_the_failover_window_cause() {
        let model = timed_database();
        let report = crate::analysis::analyze(&model, &crate::analysis::Options::default());
        let ranking = importance_ranking(&report, &model);
        assert_eq!(ranking.causes, Some("Of it, bad deploys and failover"));
        let [db] = ranking.rows.as_slice() else {
            panic!("{} rows", ranking.rows.len())
        };
        assert_eq!((db.id.as_str(), db.label.as_str()), ("db", "Orders DB"));
        // Down with a bad deploy (c = 0.001), the failover window (f = 1/101) or both
        // replicas (r = 0.009 each). A bad deploy alone costs c (1 − f)(1 − r²) of the
        // year, the window f (1 − c)(1 − r²): 9 % and 90 % of the downtime.
        let (c, f, r) = (0.001, 1.0 / 101.0, 0.009);
        let down = 1.0 - (1.0 - f) * (1.0 - c) * (1.0 - r * r);
        assert!((db.value - down * MINUTES_PER_YEAR).abs() < 1e-9);
        let importance = &report.component_importance[0];
        assert!((importance.common_cause_gain - c * (1.0 - f) * (1.0 - r * r)).abs() < 1e-15);
        assert!((importance.failover_gain - f * (1.0 - c) * (1.0 - r * r)).abs() < 1e-15);
        assert_eq!(db.text, "4.0 days");
        assert_eq!(
            db.causes,
            "bad deploys 8 h 40 min (9 %), failover window 3.6 days (90 %)"
        );
        assert!(
            ranking
                .measure
                .contains("bad deploys and failover windows included")
        );
    }

    #[test]
    fn a_component_without_time_events_has_none_of_its_downtime_from_them() {
        let model = crate::model::from_str(
            r#"Model(format: 1, name: "one",
                components: [(id: "users", kind: Client, entry: true), (id: "api")],
                dependencies: [(from: "users", to: "api")])"#,
            "one.spof.ron",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let report = crate::analysis::analyze(&model, &crate::analysis::Options::default());
        let ranking = importance_ranking(&report, &model);
        assert_eq!(ranking.rows[0].causes, "none");
    }

    #[test]
    fn the_event_ranking_names_bad_deploys_and_failover_windows_in_words() {
        let model = timed_database();
        let options = crate::analysis::Options {
            component_importance_work: 0,
            ..crate::analysis::Options::default()
        };
        let report = crate::analysis::analyze(&model, &options);
        let ranking = importance_ranking(&report, &model);
        assert_eq!(ranking.what, "Event");
        assert_eq!(ranking.causes, None);
        let mut rows: Vec<(&str, &str)> = ranking
            .rows
            .iter()
            .map(|r| (r.id.as_str(), r.label.as_str()))
            .collect();
        rows.sort_unstable();
        assert_eq!(
            rows,
            [
                ("common:db", "a bad deploy of Orders DB"),
                ("db#0", "replica 0 of Orders DB"),
                ("db#1", "replica 1 of Orders DB"),
                ("failover:db", "Orders DB's failover window"),
            ]
        );
    }
}
