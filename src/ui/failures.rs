//! How a component fails, in the inspector (DESIGN §2b): its availability, MTBF, common
//! cause, monitoring and failover with the model's defaults beside them, what they mean in
//! numbers, and the model page's timing defaults. Edits go out as actions, never applied
//! here: the document checks each against the file format's rules and refuses (with the
//! loader's own message) what a file could not hold.

use egui::{DragValue, Id, Response, RichText, Ui, WidgetInfo, WidgetType};

use super::action::Action;
use super::fields::drag_commit;
use crate::analysis::MINUTES_PER_YEAR;
use crate::edit::Edit;
use crate::format::{duration, percent};
use crate::model::{Component, Event, Failover, Model};

/// Largest MTBF and time a field accepts: beyond them the numbers no longer change.
const MAX_HOURS: f64 = 10_000_000.0;
const MAX_MINUTES: f64 = 1_000_000.0;

/// The third column of a component's inspector: availability, MTBF, β, monitoring and
/// failover, each with the default it overrides.
pub(super) fn failures_ui(ui: &mut Ui, model: &Model, c: &Component, actions: &mut Vec<Action>) {
    let rates = model.rates(c);
    egui::Grid::new("failures").num_columns(2).show(ui, |ui| {
        availability_ui(ui, model, c, actions);
        mtbf_ui(ui, model, c, actions);
        common_cause_ui(ui, model, c, rates.common, actions);
        monitored_ui(ui, model, c, actions);
        failover_ui(ui, model, c, rates.failover, actions);
    });
}

/// Per-replica availability: its own, or the default (kinds that run replicas).
fn availability_ui(ui: &mut Ui, model: &Model, c: &Component, actions: &mut Vec<Action>) {
    let d = model.defaults;
    let replicated = c.kind.has_replicas();
    let label = ui.add_enabled_ui(replicated, |ui| ui.label("Availability"));
    ui.add_enabled_ui(replicated, |ui| {
        let availability = own_value_ui(
            ui,
            OwnValue {
                what: "availability",
                hint: "Per-replica availability (of a monitored replica)",
                label: label.inner.id,
                salt: ("availability", &c.id),
                own: c.availability,
                default: d.replica_availability,
                default_text: percent(d.replica_availability),
            },
            |x| x.range(0.000_001..=1.0).speed(0.000_05).max_decimals(6),
        );
        actions.extend(Action::set_component(
            "availability",
            c,
            Component {
                availability,
                ..c.clone()
            },
        ));
    });
    ui.end_row();
}

/// Mean time between failures of one replica: its own, or the default.
fn mtbf_ui(ui: &mut Ui, model: &Model, c: &Component, actions: &mut Vec<Action>) {
    let d = model.defaults;
    let replicated = c.kind.has_replicas();
    let label = ui.add_enabled_ui(replicated, |ui| {
        ui.label("MTBF").on_hover_text(
            "Mean time between failures of one replica, in hours: how often it fails, \
                 where availability says for how long",
        )
    });
    ui.add_enabled_ui(replicated, |ui| {
        let mtbf_hours = own_value_ui(
            ui,
            OwnValue {
                what: "MTBF",
                hint: "Mean time between failures of one replica",
                label: label.inner.id,
                salt: ("mtbf", &c.id),
                own: c.mtbf_hours,
                default: d.mtbf_hours,
                default_text: hours_text(d.mtbf_hours),
            },
            |x| {
                x.range(0.0..=MAX_HOURS)
                    .speed(1.0)
                    .max_decimals(2)
                    .custom_formatter(shortest)
                    .suffix(" h")
            },
        );
        actions.extend(Action::set_component(
            "MTBF",
            c,
            Component {
                mtbf_hours,
                ..c.clone()
            },
        ));
    });
    ui.end_row();
}

/// β and what it costs a year: only 2 or more replicas have a common-cause event.
fn common_cause_ui(
    ui: &mut Ui,
    model: &Model,
    c: &Component,
    common: Option<f64>,
    actions: &mut Vec<Action>,
) {
    let d = model.defaults;
    let shared = c.kind.has_replicas() && c.replicas >= 2;
    let label = ui.add_enabled_ui(shared, |ui| {
        ui.label("Common cause").on_hover_text(
            "β: the share of a replica's failures that hit every replica at once (a bad \
                 deploy, a config push, a poison message). Only a component with 2 or more \
                 replicas has such an event.",
        )
    });
    ui.add_enabled_ui(shared, |ui| {
        ui.vertical(|ui| {
            let common_cause = own_value_ui(
                ui,
                OwnValue {
                    what: "common cause",
                    hint: "β, the share of failures that hit every replica at once",
                    label: label.inner.id,
                    salt: ("common-cause", &c.id),
                    own: c.common_cause,
                    default: d.common_cause,
                    default_text: d.common_cause.to_string(),
                },
                |x| {
                    x.range(0.0..=1.0)
                        .speed(0.001)
                        .max_decimals(4)
                        .custom_formatter(shortest)
                },
            );
            actions.extend(Action::set_component(
                "common cause",
                c,
                Component {
                    common_cause,
                    ..c.clone()
                },
            ));
            if let Some(q) = common {
                note(
                    ui,
                    format!("all down {} / year", duration(q * MINUTES_PER_YEAR)),
                    common_cause_sentence(model, c, q),
                );
            }
        });
    })
    .response
    .on_disabled_hover_text("No effect: one replica has no common-cause event");
    ui.end_row();
}

/// Health checks and alerts, and what their absence costs a replica.
fn monitored_ui(ui: &mut Ui, model: &Model, c: &Component, actions: &mut Vec<Action>) {
    let d = model.defaults;
    let replicated = c.kind.has_replicas();
    ui.label("Monitored");
    ui.vertical(|ui| {
        let mut monitored = c.monitored;
        ui.checkbox(&mut monitored, "health checks and alerts")
            .on_hover_text(format!(
                "A failure is noticed after {} with monitoring, {} without",
                duration(d.detect_minutes.monitored),
                duration(d.detect_minutes.unmonitored)
            ));
        actions.extend(Action::set_component(
            "monitoring",
            c,
            Component {
                monitored,
                ..c.clone()
            },
        ));
        if replicated && !c.monitored {
            note(
                ui,
                format!(
                    "{} per replica",
                    percent(model.effective_replica_availability(c))
                ),
                detection_sentence(model, c),
            );
        }
    });
    ui.end_row();
}

/// Automatic or manual failover, and the window it opens where there is one.
fn failover_ui(
    ui: &mut Ui,
    model: &Model,
    c: &Component,
    failover: Option<f64>,
    actions: &mut Vec<Action>,
) {
    let d = model.defaults;
    ui.label("Failover");
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            let mut failover = c.failover;
            ui.selectable_value(&mut failover, Failover::Automatic, "automatic")
                .on_hover_text(format!(
                    "A standby takes over {} after a failure",
                    duration(d.failover_minutes.automatic)
                ));
            ui.selectable_value(&mut failover, Failover::Manual, "manual")
                .on_hover_text(format!(
                    "Someone promotes a standby: detection, then {}",
                    duration(d.failover_minutes.manual)
                ));
            actions.extend(Action::set_component(
                "failover",
                c,
                Component {
                    failover,
                    ..c.clone()
                },
            ));
        });
        match failover {
            Some(q) => note(
                ui,
                format!(
                    "{} per failure, {} / year",
                    duration(model.failover_window_hours(c) * 60.0),
                    duration(q * MINUTES_PER_YEAR)
                ),
                failover_sentence(model, c, q),
            ),
            None => note(
                ui,
                "no effect (no window)".to_owned(),
                "Only a Database, Cache, Queue or Storage with 2 or more replicas and \
                   replication has a failover window; here automatic or manual changes no \
                   number (the manual-failover finding still reads it)"
                    .to_owned(),
            ),
        }
    });
    ui.end_row();
}

/// The model page's second column: MTBF, β, detection and failover times that every
/// component takes unless it has its own. A value a file may not hold (an MTBF of 0, a
/// monitored detection slower than the unmonitored one) is refused with the loader's
/// message in the status bar, and the field shows the model's value again.
pub(super) fn timing_defaults_ui(ui: &mut Ui, model: &Model, actions: &mut Vec<Action>) {
    let d = model.defaults;
    let (detect, failover) = (d.detect_minutes, d.failover_minutes);
    ui.strong("Failure defaults")
        .on_hover_text("Defaults for every component that has no value of its own");
    let mut next = d;
    egui::Grid::new("timing_defaults")
        .num_columns(2)
        .show(ui, |ui| {
            if let Some(v) = number_row(
                ui,
                (
                    "MTBF",
                    "Mean time between failures of one replica, in hours (more than 0)",
                ),
                d.mtbf_hours,
                0.0..=MAX_HOURS,
                Unit::Hours,
            ) {
                next.mtbf_hours = v;
            }
            if let Some(v) = number_row(
                ui,
                (
                    "Common cause",
                    "β: the share of a replica's failures that hit every replica of its \
                         component at once, from 0 up to (not including) 1",
                ),
                d.common_cause,
                0.0..=1.0,
                Unit::Share,
            ) {
                next.common_cause = v;
            }
            if let Some(v) = number_row(
                ui,
                (
                    "Noticed, monitored",
                    "Minutes until a failure of a monitored component is noticed: from 0 \
                         up to the unmonitored time",
                ),
                detect.monitored,
                0.0..=MAX_MINUTES,
                Unit::Minutes,
            ) {
                next.detect_minutes.monitored = v;
            }
            if let Some(v) = number_row(
                ui,
                (
                    "Noticed, unmonitored",
                    "Minutes until users report a failure of an unmonitored component: at \
                         least the monitored time",
                ),
                detect.unmonitored,
                0.0..=MAX_MINUTES,
                Unit::Minutes,
            ) {
                next.detect_minutes.unmonitored = v;
            }
            if let Some(v) = number_row(
                ui,
                (
                    "Failover, automatic",
                    "Minutes until a standby takes over by itself once a failure is \
                         noticed (0 or more)",
                ),
                failover.automatic,
                0.0..=MAX_MINUTES,
                Unit::Minutes,
            ) {
                next.failover_minutes.automatic = v;
            }
            if let Some(v) = number_row(
                ui,
                (
                    "Failover, manual",
                    "Minutes a human needs to promote a standby once a failure is noticed \
                         (0 or more): the window is detection plus this",
                ),
                failover.manual,
                0.0..=MAX_MINUTES,
                Unit::Minutes,
            ) {
                next.failover_minutes.manual = v;
            }
        });
    if next != d {
        actions.push(Action::edit_model(
            "Set failure defaults",
            Edit::SetDefaults(next),
        ));
    }
}

/// What a number of the model page counts, for its field's steps and suffix.
#[derive(Clone, Copy)]
enum Unit {
    Hours,
    Minutes,
    Share,
}

/// One labelled row of the model page: `(label, what it means)`, the value, the range a
/// file allows. Returns the new value once an edit ends.
fn number_row(
    ui: &mut Ui,
    (label, hint): (&str, &str),
    value: f64,
    range: std::ops::RangeInclusive<f64>,
    unit: Unit,
) -> Option<f64> {
    let salt = ("default", label);
    let label = ui.label(label).on_hover_text(hint);
    let changed = ui
        .horizontal(|ui| {
            let changed = drag_commit(ui, salt, value, Some(label.id), |x| {
                let x = x.range(range).max_decimals(4).custom_formatter(shortest);
                match unit {
                    Unit::Hours => x.speed(1.0).suffix(" h"),
                    Unit::Minutes => x.speed(0.1).suffix(" min"),
                    Unit::Share => x.speed(0.001),
                }
            });
            if let Unit::Hours = unit {
                ui.weak(duration(value * 60.0));
            }
            changed
        })
        .inner;
    ui.end_row();
    changed
}

/// One "own value" row: what it is, the default it overrides, the component's value.
struct OwnValue<S> {
    /// Lower case, for the checkbox's accessible name: "own MTBF".
    what: &'static str,
    hint: &'static str,
    /// The row's label: it names the number field.
    label: Id,
    salt: S,
    own: Option<f64>,
    default: f64,
    default_text: String,
}

/// "own" unchecked shows the model default, weak; checked, the component's own value in a
/// field (starting from the default). Returns the override as it now is.
fn own_value_ui<S: std::hash::Hash + std::fmt::Debug>(
    ui: &mut Ui,
    row: OwnValue<S>,
    style: impl FnOnce(DragValue<'_>) -> DragValue<'_>,
) -> Option<f64> {
    ui.horizontal(|ui| {
        let mut own = row.own.is_some();
        let enabled = ui.is_enabled();
        let check: Response = ui.checkbox(&mut own, "own").on_hover_text(format!(
            "{}; otherwise the model default {}",
            row.hint, row.default_text
        ));
        check.widget_info(|| {
            WidgetInfo::selected(
                WidgetType::Checkbox,
                enabled,
                own,
                format!("own {}", row.what),
            )
        });
        if !own {
            ui.weak(row.default_text);
            return None;
        }
        let current = row.own.unwrap_or(row.default);
        Some(drag_commit(ui, row.salt, current, Some(row.label), style).unwrap_or(current))
    })
    .inner
}

/// `720 h`, the way the file writes the number.
fn hours_text(hours: f64) -> String {
    format!("{hours} h")
}

/// A number as the file writes it: `0.05`, `2`, `240`, not `0.050` or `2.0` (fields round
/// to their decimals while dragging, so this stays short).
fn shortest(value: f64, _decimals: std::ops::RangeInclusive<usize>) -> String {
    value.to_string()
}

/// A weak line under a field with what it means in numbers; the whole sentence on hover.
fn note(ui: &mut Ui, short: String, sentence: String) {
    ui.add(egui::Label::new(RichText::new(short).weak()))
        .on_hover_text(sentence);
}

/// What slow detection does to a replica of unmonitored `c` (DESIGN §2b rule 1).
pub(super) fn detection_sentence(model: &Model, c: &Component) -> String {
    let late = model.detect_minutes(c) - model.defaults.detect_minutes.monitored;
    format!(
        "Without monitoring a failure goes unnoticed {} longer, so each replica is up {} of the time instead of {}.",
        duration(late),
        percent(model.effective_replica_availability(c)),
        percent(model.replica_availability(c))
    )
}

/// `c`'s bad deploys (`common:c`, failing with probability `q`) as time a year.
pub(super) fn common_cause_sentence(model: &Model, c: &Component, q: f64) -> String {
    format!(
        "Common cause: {} takes all {} replicas down at once, {} a year (event common:{}).",
        Event::Common(c.id.clone()).in_words(model),
        c.replicas,
        duration(q * MINUTES_PER_YEAR),
        c.id
    )
}

/// `c`'s failover window (`failover:c`, open with probability `q`) per failure and a year.
pub(super) fn failover_sentence(model: &Model, c: &Component, q: f64) -> String {
    format!(
        "Failover: {} keeps it down {} per failure, {} a year (event failover:{}).",
        Event::Failover(c.id.clone()).in_words(model),
        duration(model.failover_window_hours(c) * 60.0),
        duration(q * MINUTES_PER_YEAR),
        c.id
    )
}

/// Every sentence that applies to `c`: for the canvas tooltip.
pub(super) fn failure_sentences(model: &Model, c: &Component) -> Vec<String> {
    if !c.kind.has_replicas() {
        return Vec::new();
    }
    let rates = model.rates(c);
    let mut out = Vec::new();
    if !c.monitored {
        out.push(detection_sentence(model, c));
    }
    if let Some(q) = rates.common {
        out.push(common_cause_sentence(model, c, q));
    }
    if let Some(q) = rates.failover {
        out.push(failover_sentence(model, c, q));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ComponentKind, Replication};

    fn orders_db() -> Component {
        let mut db = Component::new("db", ComponentKind::Database);
        db.name = "Orders DB".to_owned();
        db
    }

    #[test]
    fn a_monitored_single_replica_needs_no_explanation() {
        assert!(failure_sentences(&Model::default(), &orders_db()).is_empty());
    }

    #[test]
    fn an_unmonitored_replica_says_how_much_later_failures_are_noticed() {
        let mut db = orders_db();
        db.monitored = false;
        let model = Model::default();
        assert_eq!(
            failure_sentences(&model, &db),
            [format!(
                "Without monitoring a failure goes unnoticed 3 h 58 min longer, so each replica is up {} of the time instead of 99.90 %.",
                percent(model.effective_replica_availability(&db))
            )]
        );
    }

    #[test]
    fn a_replicated_store_names_its_bad_deploys_and_its_failover_window() {
        let mut db = orders_db();
        db.replicas = 2;
        db.replication = Replication::Sync;
        db.failover = Failover::Manual;
        let model = Model {
            components: vec![db.clone()],
            ..Model::default()
        };
        let rates = model.rates(&db);
        let a_year = |q: Option<f64>| duration(q.unwrap_or_default() * MINUTES_PER_YEAR);
        assert_eq!(
            failure_sentences(&model, &db),
            [
                format!(
                    "Common cause: a bad deploy of Orders DB takes all 2 replicas down at once, {} a year (event common:db).",
                    a_year(rates.common)
                ),
                format!(
                    "Failover: Orders DB's failover window keeps it down 32.0 min per failure, {} a year (event failover:db).",
                    a_year(rates.failover)
                ),
            ]
        );
    }
}
