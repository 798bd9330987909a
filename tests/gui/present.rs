//! Presentation mode (F5) driven through egui_kittest on the real `SpofApp`: the headline
//! numbers equal the analysis formatted as the panel does, the arrow keys step through the
//! scenarios and the top recommendations, Esc leaves; plus snapshots at projector sizes.

use egui::{Key, ViewportCommand};
use egui_kittest::kittest::Queryable;
use spofscope::advice;
use spofscope::analysis::{self, Options, Report};
use spofscope::format::{duration, joined, nines, percent, percents};
use spofscope::model::{Event, Model};
use spofscope::ui::{Action, Command};

use crate::support::{App, light_app, open_sample_advised, settle_advice, wait};

fn app_on(sample: &str, size: [f32; 2]) -> App {
    let mut h = light_app(size);
    open_sample_advised(&mut h, sample);
    h
}

fn wait_for_label(h: &mut App, label: &str) {
    wait(h, label, |h| h.query_by_label(label).is_some());
}

fn press(h: &mut App, key: Key) {
    h.key_press(key);
    h.run_steps(1);
}

fn key_event(key: Key, pressed: bool) -> egui::Event {
    egui::Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }
}

/// Press `key` and return the viewport commands the app sent in that very frame (the
/// harness's own `key_press` runs one more frame, for the release, before we could look).
fn press_for_commands(h: &mut App, key: Key) -> Vec<ViewportCommand> {
    h.input_mut().events.push(key_event(key, true));
    h.run_steps(1);
    let commands = h
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.commands.clone())
        .unwrap_or_default();
    h.input_mut().events.push(key_event(key, false));
    h.run_steps(1);
    commands
}

fn report_of(model: &Model) -> Report {
    analysis::analyze(model, &Options::default())
}

/// The knockout of the scenario named `name`, as `spofscope whatif` computes it.
fn scenario_whatif(model: &Model, name: &str) -> analysis::WhatIf {
    let scenario = model.scenarios.iter().find(|s| s.name == name);
    assert!(scenario.is_some(), "no scenario {name}");
    let events: Vec<Event> = scenario.map(|s| s.fail.clone()).unwrap_or_default();
    analysis::whatif(model, &events).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_headline_shows_the_spofs_and_each_entry_as_the_panel_does() {
    let mut h = app_on("microservices.spof.ron", [1280.0, 720.0]);
    let model = h.state().model().clone();
    let report = report_of(&model);
    assert_eq!(report.spofs.len(), 7);
    h.get_by_label("SPOFs (7)");

    let commands = press_for_commands(&mut h, Key::F5);
    assert!(commands.contains(&ViewportCommand::Fullscreen(true)));
    assert!(h.state().is_presenting());
    h.run_steps(2);

    h.get_by_label("Current state");
    h.get_by_label("⏺ 7 SPOFs");
    for e in &report.entries {
        h.get_by_label(&e.name);
        h.get_by_label(&format!(
            "{}   {}",
            percent(e.availability),
            nines(e.availability)
        ));
        h.get_by_label(&format!(
            "{} / year down",
            duration(e.downtime_minutes_per_year)
        ));
    }
    // Under each: the time it serves degraded (both entries read the same here).
    let degraded = |e: &spofscope::analysis::EntryAvailability| {
        format!("{} / year degraded", duration(e.degraded_minutes_per_year))
    };
    for e in &report.entries {
        let same = report
            .entries
            .iter()
            .filter(|x| degraded(x) == degraded(e))
            .count();
        assert_eq!(h.query_all_by_label(&degraded(e)).count(), same);
    }
    // One slide for now, one per scenario, one per top recommendation.
    let recommendations = advice::recommend(&model, &report).recommendations.len();
    assert!(recommendations >= 3);
    h.get_by_label(&format!("slide 1 / {}", 1 + model.scenarios.len() + 3));
    // Only the canvas and the headline: no menu, no panels, no status bar.
    assert!(h.query_by_label("SPOFs (7)").is_none());
    assert!(h.query_by_label("File").is_none());
    assert!(h.query_by_label("Palette").is_none());
}

#[test]
fn arrow_keys_step_through_scenarios_and_recommendations_and_esc_leaves() {
    let mut h = app_on("microservices.spof.ron", [1280.0, 720.0]);
    let model = h.state().model().clone();
    let report = report_of(&model);
    let names: Vec<String> = model.scenarios.iter().map(|s| s.name.clone()).collect();
    assert_eq!(
        names,
        [
            "Cart store crash",
            "Zone us-a outage",
            "Bad checkout deploy"
        ]
    );
    press(&mut h, Key::F5);

    press(&mut h, Key::ArrowRight);
    wait_for_label(&mut h, "Entries down");
    h.get_by_label("Scenario: Cart store crash");
    h.get_by_label("slide 2 / 7");
    let w = scenario_whatif(&model, "Cart store crash");
    assert_eq!(w.entries_down, ["web-users", "mobile-users"]);
    h.get_by_label("✖ 2 of 2");
    h.get_by_label("Web shoppers, Mobile app");
    // For the room, in words (the id `redis-cart#0` on hover).
    h.get_by_label("knocked out: replica 0 of Cart store (Redis)");
    h.get_by_label(&format!("·  {} down", w.down.len()));
    // Both entries are down: 0.00 % each, all year.
    for e in &w.entries {
        assert_eq!(percent(e.availability), "0.00 %");
        let downtime = format!("{} / year down", duration(e.downtime_minutes_per_year));
        assert_eq!(h.query_all_by_label(&downtime).count(), w.entries.len());
    }
    assert_eq!(h.query_all_by_label("0.00 %").count(), w.entries.len());

    // Page Down and Space step on too.
    press(&mut h, Key::PageDown);
    h.get_by_label("Scenario: Zone us-a outage");
    press(&mut h, Key::Space);
    h.get_by_label("Scenario: Bad checkout deploy");

    press(&mut h, Key::ArrowRight);
    h.get_by_label("Recommendation 1 of 3");
    h.get_by_label("slide 5 / 7");
    let advice = advice::recommend(&model, &report);
    let best = &advice.recommendations[0];
    h.get_by_label(&format!("·  {}", best.summary));
    assert!(!best.removes_spofs.is_empty());
    h.get_by_label(&joined(&best.removes_spofs, ", "));
    for e in &best.entries {
        let (before, after) = percents(e.before, e.after);
        h.get_by_label(&format!("{before} ➡ {after}"));
    }

    // The last slide stays the last.
    for _ in 0..4 {
        press(&mut h, Key::ArrowRight);
    }
    h.get_by_label("Recommendation 3 of 3");
    h.get_by_label("slide 7 / 7");

    press(&mut h, Key::ArrowLeft);
    press(&mut h, Key::PageUp);
    press(&mut h, Key::ArrowLeft);
    h.get_by_label("Scenario: Bad checkout deploy");

    let commands = press_for_commands(&mut h, Key::Escape);
    assert!(commands.contains(&ViewportCommand::Fullscreen(false)));
    assert!(!h.state().is_presenting());
    h.run_steps(2);
    h.get_by_label("SPOFs (7)");
    h.get_by_label("File");
    assert!(h.query_by_label("Scenario: Bad checkout deploy").is_none());

    // Presenting again starts from the first slide.
    press(&mut h, Key::F5);
    h.get_by_label("slide 1 / 7");
}

#[test]
fn keys_that_edit_do_nothing_while_presenting() {
    let mut h = app_on("webshop.spof.ron", [1280.0, 720.0]);
    h.state_mut().request(Action::Focus("db".to_owned()));
    h.run_steps(2);
    let before = h.state().model().clone();
    press(&mut h, Key::F5);
    press(&mut h, Key::Delete);
    press(&mut h, Key::W);
    h.run_steps(2);
    assert_eq!(*h.state().model(), before);
    assert!(h.state().knockouts().is_empty());
    // Esc leaves the presentation without clearing the selection.
    press(&mut h, Key::Escape);
    assert!(!h.state().is_presenting());
    assert_eq!(h.state().selection().components, ["db"]);
}

#[test]
fn leaving_brings_back_the_panels_as_they_were() {
    let mut h = app_on("webshop.spof.ron", [1280.0, 720.0]);
    h.state_mut().request(Action::Run(Command::ToggleAnalysis));
    h.run_steps(2);
    assert!(h.query_by_label("SPOFs (6)").is_none());
    h.get_by_label("Palette");
    press(&mut h, Key::F5);
    assert!(h.query_by_label("Palette").is_none());
    press(&mut h, Key::ArrowRight);
    press(&mut h, Key::Escape);
    h.run_steps(2);
    h.get_by_label("Palette");
    assert!(h.query_by_label("SPOFs (6)").is_none());
    // From the View menu, as from the key.
    h.get_by_label("View").click();
    h.run_steps(1);
    h.get_by_label_contains("Presentation mode").click();
    h.run_steps(2);
    assert!(h.state().is_presenting());
    h.get_by_label("slide 1 / 6");
}

#[test]
fn a_scenario_no_entry_goes_down_in_says_so() {
    let mut h = app_on("webshop-hardened.spof.ron", [1280.0, 720.0]);
    let model = h.state().model().clone();
    let first = model.scenarios.first().map(|s| s.name.clone());
    assert_eq!(first.as_deref(), Some("Zone eu-a outage"));
    let w = scenario_whatif(&model, "Zone eu-a outage");
    assert!(w.entries_down.is_empty());
    press(&mut h, Key::F5);
    press(&mut h, Key::ArrowRight);
    wait_for_label(&mut h, "Entries down");
    h.get_by_label("Scenario: Zone eu-a outage");
    h.get_by_label("✔ none");
    for e in &w.entries {
        h.get_by_label(&format!(
            "{} / year down",
            duration(e.downtime_minutes_per_year)
        ));
    }
}

// ----- snapshots -----

fn presenting(sample: &str, size: [f32; 2], slide: usize) -> App {
    let mut h = app_on(sample, size);
    press(&mut h, Key::F5);
    for _ in 0..slide {
        press(&mut h, Key::ArrowRight);
    }
    // Let the fit settle on the slide's canvas, and the knockouts arrive.
    wait(&mut h, "the slide's numbers", |h| {
        h.query_by_label("computing the knockout…").is_none()
    });
    h.run_steps(4);
    h
}

#[test]
fn snapshot_current_state_at_1280x720() {
    let mut h = presenting("microservices.spof.ron", [1280.0, 720.0], 0);
    h.snapshot("present_current_1280x720");
}

#[test]
fn snapshot_current_state_at_1920x1080() {
    let mut h = presenting("microservices.spof.ron", [1920.0, 1080.0], 0);
    h.snapshot("present_current_1920x1080");
}

#[test]
fn snapshot_scenario_at_1280x720() {
    let mut h = presenting("webshop.spof.ron", [1280.0, 720.0], 1);
    h.get_by_label("Scenario: Zone eu-a outage");
    h.snapshot("present_scenario_1280x720");
}

#[test]
fn snapshot_recommendation_at_1920x1080() {
    let mut h = presenting("webshop.spof.ron", [1920.0, 1080.0], 3);
    // The slide stays empty until the analysis it shows has arrived: wait for it, then
    // let its layout settle.
    wait_for_label(&mut h, "Recommendation 1 of 3");
    settle_advice(&mut h);
    h.run();
    h.snapshot("present_recommendation_1920x1080");
}

#[test]
fn the_shortcuts_dialog_lists_the_presentation_keys() {
    let mut h = app_on("webshop.spof.ron", [1280.0, 720.0]);
    press(&mut h, Key::F1);
    h.run_steps(1);
    h.get_by_label("Presentation mode");
    h.get_by_label("F5");
    h.get_by_label("presentation: next slide");
    h.get_by_label("➡  or  Page Down  or  Space");
    h.get_by_label("presentation: slide before");
    h.get_by_label("presentation: leave");
}
