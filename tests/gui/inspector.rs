//! The inspector's failure fields (DESIGN §2b) driven through egui_kittest on the real
//! `SpofApp`: typing an MTBF, a β or a time default, ticking monitoring or switching
//! failover is one undo step that the analysis panel's numbers follow, and a value a file
//! could not hold is refused with the loader's message. The model page adds zones and
//! regions the same way.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use spofscope::analysis::{self, Options};
use spofscope::format::{duration, nines, percent};
use spofscope::model::{Failover, Model};
use spofscope::ui::Action;

use crate::support::{App, WINDOW, app, open_sample, settle};

/// The panel's first line for `model`'s first entry, as `spofscope check` computes it.
fn first_entry_line(model: &Model) -> String {
    let report = analysis::analyze(model, &Options::default());
    let e = &report.entries[0];
    format!("{}   {}", percent(e.availability), nines(e.availability))
}

/// The panel's full-service line for `model`'s first entry.
fn first_full_service_line(model: &Model) -> String {
    let report = analysis::analyze(model, &Options::default());
    let e = &report.entries[0];
    format!(
        "full service {} · {} / year degraded",
        percent(e.full_service_availability),
        duration(e.degraded_minutes_per_year)
    )
}

fn select(h: &mut App, id: &str) {
    h.state_mut()
        .request(Action::SelectOnly(vec![id.to_owned()]));
    settle(h);
}

/// Type `text` into the number field named `label` as a user would (click, clear, type,
/// Enter), then wait for the analysis.
fn type_number(h: &mut App, label: &str, text: &str) {
    field(h, label).click();
    h.run_steps(2);
    assert!(
        field(h, label).accesskit_node().is_focused(),
        "{label} is not being edited"
    );
    let old = field(h, label).value().unwrap_or_default();
    h.key_press(Key::End);
    for _ in 0..old.chars().count() {
        h.key_press(Key::Backspace);
    }
    h.run_steps(1);
    field(h, label).type_text(text);
    h.run_steps(1);
    h.key_press(Key::Enter);
    settle(h);
}

/// The number field named `label`.
fn field<'h>(h: &'h App, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by_role_and_label(Role::SpinButton, label)
}

fn undo(h: &mut App) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(h);
}

#[test]
fn typing_an_mtbf_is_one_undo_step_that_the_panel_follows() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, "db");
    let before = h.state().model().clone();
    let revision = h.state().document_revision();
    assert_eq!(
        before.component("db").and_then(|c| c.mtbf_hours),
        Some(2160.0)
    );
    h.get_by_label(&first_entry_line(&before));

    type_number(&mut h, "MTBF", "720");
    let after = h.state().model().clone();
    assert_eq!(
        after.component("db").and_then(|c| c.mtbf_hours),
        Some(720.0)
    );
    assert_eq!(h.state().document_revision(), revision + 1);
    // An unmonitored database failing three times as often is down longer.
    assert_ne!(first_entry_line(&after), first_entry_line(&before));
    h.get_by_label(&first_entry_line(&after));
    h.get_by_label(&first_full_service_line(&after));

    undo(&mut h);
    assert_eq!(*h.state().model(), before);
    h.get_by_label(&first_entry_line(&before));
}

#[test]
fn unticking_own_mtbf_falls_back_to_the_model_default() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, "db");
    h.get_by_label("own MTBF").click();
    settle(&mut h);
    assert_eq!(
        h.state().model().component("db").and_then(|c| c.mtbf_hours),
        None
    );
    // The default shows where the field was.
    h.get_by_label("720 h");
    assert!(
        h.query_by_role_and_label(Role::SpinButton, "MTBF")
            .is_none()
    );
    h.get_by_label(&first_entry_line(h.state().model()));

    h.get_by_label("own MTBF").click();
    settle(&mut h);
    assert_eq!(
        h.state().model().component("db").and_then(|c| c.mtbf_hours),
        Some(720.0),
        "ticking starts from the default"
    );
}

#[test]
fn a_lower_common_cause_share_raises_the_availability() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, "web");
    let before = h.state().model().clone();
    assert_eq!(
        before.component("web").and_then(|c| c.common_cause),
        Some(0.2)
    );

    type_number(&mut h, "Common cause", "0.02");
    let after = h.state().model().clone();
    assert_eq!(
        after.component("web").and_then(|c| c.common_cause),
        Some(0.02)
    );
    let availability =
        |m: &Model| analysis::analyze(m, &Options::default()).entries[0].availability;
    assert!(availability(&after) > availability(&before));
    h.get_by_label(&first_entry_line(&after));

    // 1 and more is not a share a file may hold: refused, as loading such a file would be.
    let revision = h.state().document_revision();
    type_number(&mut h, "Common cause", "1.5");
    assert_eq!(h.state().document_revision(), revision);
    assert_eq!(*h.state().model(), after);
    assert_eq!(
        h.state().status_message(),
        Some("Set common cause of web: \"web\" common_cause is 1; expected a share in [0, 1)")
    );
    assert_eq!(field(&h, "Common cause").value().as_deref(), Some("0.02"));
}

#[test]
fn common_cause_is_disabled_for_a_single_replica() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, "db");
    assert!(
        h.get_by_label("own common cause")
            .accesskit_node()
            .is_disabled()
    );
    select(&mut h, "web");
    assert!(
        !h.get_by_label("own common cause")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn ticking_monitoring_raises_the_availability_and_undo_restores_it() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, "db");
    let before = h.state().model().clone();
    let shown = percent(
        before
            .component("db")
            .map_or(0.0, |c| before.effective_replica_availability(c)),
    );
    h.get_by_label(&format!("{shown} per replica"));

    h.get_by_label("health checks and alerts").click();
    settle(&mut h);
    let after = h.state().model().clone();
    assert_eq!(after.component("db").map(|c| c.monitored), Some(true));
    assert!(h.query_by_label(&format!("{shown} per replica")).is_none());
    h.get_by_label(&first_entry_line(&after));

    undo(&mut h);
    assert_eq!(*h.state().model(), before);
    h.get_by_label(&first_entry_line(&before));
}

#[test]
fn automatic_failover_shortens_the_window_of_a_replicated_database() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "microservices.spof.ron");
    select(&mut h, "catalog-db");
    let before = h.state().model().clone();
    assert_eq!(
        before.component("catalog-db").map(|c| c.failover),
        Some(Failover::Manual)
    );
    // Manual: detection (2 min) and a DBA (30 min).
    h.get_by_label_contains("32.0 min per failure");

    h.get_by_label("automatic").click();
    settle(&mut h);
    let after = h.state().model().clone();
    assert_eq!(
        after.component("catalog-db").map(|c| c.failover),
        Some(Failover::Automatic)
    );
    h.get_by_label_contains("1.0 min per failure");
    // Both entries read the same here.
    assert!(h.query_all_by_label(&first_entry_line(&after)).count() > 0);
    let availability =
        |m: &Model| analysis::analyze(m, &Options::default()).entries[0].availability;
    assert!(availability(&after) > availability(&before));
}

#[test]
fn failover_on_a_store_without_a_window_says_it_has_no_effect() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "microservices.spof.ron");
    select(&mut h, "users-db");
    h.get_by_label("no effect (no window)");
    select(&mut h, "catalog-db");
    assert!(h.query_by_label("no effect (no window)").is_none());
}

#[test]
fn the_model_page_edits_detection_times_within_what_a_file_allows() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.state_mut().request(Action::SelectOnly(Vec::new()));
    settle(&mut h);
    let before = h.state().model().clone();
    assert_eq!(before.defaults.detect_minutes.unmonitored, 240.0);

    // Users report failures within the hour: the unmonitored database is down less.
    type_number(&mut h, "Noticed, unmonitored", "60");
    let after = h.state().model().clone();
    assert_eq!(after.defaults.detect_minutes.unmonitored, 60.0);
    h.get_by_label(&first_entry_line(&after));
    assert_ne!(first_entry_line(&after), first_entry_line(&before));

    // Monitored detection may not be slower than unmonitored: refused with the loader's
    // message, the model and the field as they were.
    type_number(&mut h, "Noticed, monitored", "100");
    assert_eq!(*h.state().model(), after);
    assert_eq!(
        h.state().status_message(),
        Some(
            "Set failure defaults: detect_minutes.unmonitored is 60; expected minutes ≥ monitored (100)"
        )
    );
    assert_eq!(
        field(&h, "Noticed, monitored").value().as_deref(),
        Some("2 min")
    );

    undo(&mut h);
    assert_eq!(*h.state().model(), before);
    h.get_by_label(&first_entry_line(&before));
}

#[test]
fn the_model_page_edits_mtbf_common_cause_and_failover_defaults() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "microservices.spof.ron");
    h.state_mut().request(Action::SelectOnly(Vec::new()));
    settle(&mut h);
    type_number(&mut h, "MTBF", "1440");
    type_number(&mut h, "Common cause", "0.1");
    type_number(&mut h, "Failover, automatic", "0.5");
    type_number(&mut h, "Failover, manual", "60");
    let d = h.state().model().defaults;
    assert_eq!(d.mtbf_hours, 1440.0);
    assert_eq!(d.common_cause, 0.1);
    assert_eq!(d.failover_minutes.automatic, 0.5);
    assert_eq!(d.failover_minutes.manual, 60.0);
    assert!(
        h.query_all_by_label(&first_entry_line(h.state().model()))
            .count()
            > 0
    );

    // 0 hours between failures is not an MTBF: refused, as loading such a file would be.
    let before = h.state().model().clone();
    type_number(&mut h, "MTBF", "0");
    assert_eq!(*h.state().model(), before);
    assert_eq!(
        h.state().status_message(),
        Some("Set failure defaults: mtbf_hours is 0; expected a positive number of hours")
    );
}

#[test]
fn dragging_a_number_is_one_undo_step_when_it_ends() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.state_mut().request(Action::SelectOnly(Vec::new()));
    settle(&mut h);
    let before = h.state().model().clone();
    let revision = h.state().document_revision();
    let from = field(&h, "MTBF").rect().center();
    let button = |pressed, pos| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    let frame = |h: &mut App, event: egui::Event| {
        h.input_mut().events.push(event);
        h.run_steps(1);
    };
    frame(&mut h, egui::Event::PointerMoved(from));
    frame(&mut h, button(true, from));
    for dx in [10.0, 20.0, 30.0, 40.0] {
        frame(
            &mut h,
            egui::Event::PointerMoved(from + egui::vec2(dx, 0.0)),
        );
    }
    assert_eq!(
        h.state().document_revision(),
        revision,
        "no edit while dragging"
    );
    assert_eq!(*h.state().model(), before);
    frame(&mut h, button(false, from + egui::vec2(40.0, 0.0)));
    settle(&mut h);
    assert_eq!(h.state().document_revision(), revision + 1);
    let mtbf = h.state().model().defaults.mtbf_hours;
    assert!(mtbf > before.defaults.mtbf_hours, "MTBF {mtbf}");
    undo(&mut h);
    assert_eq!(*h.state().model(), before);
}

/// The model page's text field whose placeholder is `hint`.
fn new_id_field<'h>(h: &'h App, hint: &str) -> egui_kittest::Node<'h> {
    h.query_all_by_role(Role::TextInput)
        .find(|n| n.accesskit_node().placeholder() == Some(hint))
        .unwrap_or_else(|| panic!("no field for {hint}"))
}

#[test]
fn the_model_page_adds_a_zone_and_a_region_as_one_undo_step_each() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.state_mut().request(Action::SelectOnly(Vec::new()));
    settle(&mut h);
    let before = h.state().model().clone();
    new_id_field(&h, "new zone id").click();
    h.run_steps(2);
    new_id_field(&h, "new zone id").type_text("eu-b");
    h.run_steps(2);
    h.get_by_label("Add zone").click();
    settle(&mut h);
    let zones: Vec<&str> = h.state().model().regions[0]
        .zones
        .iter()
        .map(|z| z.id.as_str())
        .collect();
    assert_eq!(zones, ["eu-a", "eu-b"]);
    assert_eq!(new_id_field(&h, "new zone id").value().as_deref(), Some(""));
    new_id_field(&h, "new region id").click();
    h.run_steps(2);
    new_id_field(&h, "new region id").type_text(" us ");
    h.run_steps(2);
    h.get_by_label("Add region").click();
    settle(&mut h);
    let regions: Vec<&str> = h
        .state()
        .model()
        .regions
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(regions, ["eu", "us"]);
    undo(&mut h);
    undo(&mut h);
    assert_eq!(*h.state().model(), before);
}
