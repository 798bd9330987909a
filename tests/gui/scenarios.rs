//! The scenarios section of the analysis panel, driven through egui_kittest on the real
//! `SpofApp`: add, rename, reorder and delete are undoable edits of the model's scenarios,
//! and Run all shows exactly what `analysis::whatif` says for each scenario.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use spofscope::analysis;
use spofscope::format::percent;
use spofscope::model::Scenario;
use spofscope::ui::{Action, Command};

use crate::support::{App, WINDOW, app, event, label_texts, request_sample, settle, wait};

/// Open `file` with the inspector hidden (more room for the panel) and the
/// scenarios section expanded.
fn open_scenarios(h: &mut App, file: &str) {
    request_sample(h, file);
    h.state_mut().request(Action::Run(Command::ToggleInspector));
    settle(h);
    let n = h.state().model().scenarios.len();
    h.get_by_label(&format!("Scenarios ({n})")).click();
    h.run_steps(5);
}

fn names(h: &App) -> Vec<String> {
    h.state()
        .model()
        .scenarios
        .iter()
        .map(|s| s.name.clone())
        .collect()
}

/// The scenario name field holding `name`.
fn name_field<'h>(h: &'h App, name: &'h str) -> egui_kittest::Node<'h> {
    h.get_by(move |n| n.role() == Role::TextInput && n.value().as_deref() == Some(name))
}

/// The text field that has the keyboard.
fn focused_field<'h>(h: &'h App) -> egui_kittest::Node<'h> {
    h.get_by(|n| n.role() == Role::TextInput && n.is_focused())
}

fn undo(h: &mut App) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(h);
}

#[test]
fn add_rename_reorder_and_delete_are_undoable_scenario_edits() {
    let mut h = app(WINDOW);
    open_scenarios(&mut h, "webshop.spof.ron");
    let original = h.state().model().scenarios.clone();
    assert_eq!(names(&h), ["Zone eu-a outage", "Database crash"]);

    // Add from the current knockouts.
    h.state_mut().request(Action::ToggleKnockout(event("lb")));
    settle(&mut h);
    h.get_by_label("Add scenario").click();
    settle(&mut h);
    let added = Scenario {
        name: "Scenario 3".to_owned(),
        fail: vec![event("lb")],
    };
    assert_eq!(h.state().model().scenarios.last(), Some(&added));
    h.get_by_label("Scenarios (3)");

    // Rename inline: type into the name field, Enter commits.
    name_field(&h, "Scenario 3").focus();
    h.run_steps(2);
    h.key_press(Key::End);
    for _ in 0.."Scenario 3".len() {
        h.key_press(Key::Backspace);
    }
    h.run_steps(2);
    assert_eq!(focused_field(&h).value().as_deref(), Some(""));
    focused_field(&h).type_text("LB crash");
    h.run_steps(2);
    assert_eq!(h.state().model().scenarios.len(), 3);
    assert_eq!(names(&h)[2], "Scenario 3", "renamed before Enter");
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(
        names(&h),
        ["Zone eu-a outage", "Database crash", "LB crash"]
    );

    // Move the third one up.
    h.get_all_by_label("⬆")
        .nth(2)
        .unwrap_or_else(|| panic!("no ⬆ on the third row"))
        .click();
    settle(&mut h);
    assert_eq!(
        names(&h),
        ["Zone eu-a outage", "LB crash", "Database crash"]
    );

    // Delete the first.
    h.get_all_by_label("🗑")
        .next()
        .unwrap_or_else(|| panic!("no 🗑 on the first row"))
        .click();
    settle(&mut h);
    assert_eq!(names(&h), ["LB crash", "Database crash"]);
    h.get_by_label("Scenarios (2)");

    undo(&mut h);
    assert_eq!(
        names(&h),
        ["Zone eu-a outage", "LB crash", "Database crash"]
    );
    undo(&mut h);
    assert_eq!(
        names(&h),
        ["Zone eu-a outage", "Database crash", "LB crash"]
    );
    undo(&mut h);
    assert_eq!(h.state().model().scenarios.last(), Some(&added));
    undo(&mut h);
    assert_eq!(h.state().model().scenarios, original);
    assert!(!h.state().has_unsaved_changes());
}

#[test]
fn running_one_scenario_knocks_it_out() {
    let mut h = app(WINDOW);
    open_scenarios(&mut h, "webshop.spof.ron");
    h.get_all_by_label("▶")
        .nth(1)
        .unwrap_or_else(|| panic!("no ▶ on the second row"))
        .click();
    settle(&mut h);
    assert_eq!(h.state().knockouts(), [event("db#0")]);
}

/// Step until the comparison shown is the current content's.
fn wait_for_comparison(h: &mut App) {
    wait(h, "the scenario comparison", |h| {
        h.state().scenario_comparison_is_current()
    });
}

#[test]
fn run_all_shows_each_scenarios_whatif() {
    let mut h = app(WINDOW);
    open_scenarios(&mut h, "webshop-hardened.spof.ron");
    h.get_by_label("Run all").click();
    wait_for_comparison(&mut h);

    let model = h.state().model().clone();
    let mut expected: Vec<String> = vec!["Scenario".to_owned()];
    let mut entries = 0;
    for s in &model.scenarios {
        let w = analysis::whatif(&model, &s.fail).unwrap_or_else(|e| panic!("{e}"));
        if entries == 0 {
            entries = w.entries.len();
            expected.extend(w.entries.iter().map(|e| e.name.clone()));
            expected.extend(["Down", "Degraded"].map(String::from));
        }
        expected.push(s.name.clone());
        expected.extend(w.entries.iter().map(|e| {
            if w.entries_down.contains(&e.id) {
                "down".to_owned()
            } else {
                percent(e.availability)
            }
        }));
        expected.push(w.down.len().to_string());
        expected.push(w.degraded.len().to_string());
    }
    assert_eq!(entries, 1);

    let texts = label_texts(&h);
    let start = texts
        .iter()
        .position(|t| t == "Scenario")
        .unwrap_or_else(|| panic!("no comparison table in {texts:?}"));
    assert_eq!(texts[start..start + expected.len()], expected[..]);
}

#[test]
fn the_comparison_follows_edits_and_undo() {
    let mut h = app(WINDOW);
    open_scenarios(&mut h, "webshop.spof.ron");
    h.get_by_label("Run all").click();
    wait_for_comparison(&mut h);
    assert!(h.query_by_label("Database crash").is_some());
    h.get_all_by_label("🗑")
        .nth(1)
        .unwrap_or_else(|| panic!("no 🗑 on the second row"))
        .click();
    settle(&mut h);
    wait_for_comparison(&mut h);
    assert!(h.query_by_label("Database crash").is_none());
    h.get_by_label("Zone eu-a outage");
}

#[test]
fn renaming_to_a_taken_or_empty_name_changes_nothing() {
    let mut h = app(WINDOW);
    open_scenarios(&mut h, "webshop.spof.ron");
    let revision = h.state().document_revision();
    for (typed, message) in [
        ("   ", None),
        (
            "Zone eu-a outage",
            Some(
                "Rename scenario Database crash to Zone eu-a outage: duplicate scenario name \"Zone eu-a outage\"; expected a unique name",
            ),
        ),
    ] {
        name_field(&h, "Database crash").click();
        h.run_steps(2);
        h.key_press(Key::End);
        for _ in 0.."Database crash".len() {
            h.key_press(Key::Backspace);
        }
        h.run_steps(2);
        assert_eq!(focused_field(&h).value().as_deref(), Some(""));
        focused_field(&h).type_text(typed);
        h.key_press(Key::Enter);
        settle(&mut h);
        assert_eq!(names(&h), ["Zone eu-a outage", "Database crash"]);
        assert_eq!(h.state().document_revision(), revision);
        assert_eq!(h.state().status_message(), message);
    }
}
