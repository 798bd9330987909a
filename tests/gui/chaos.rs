//! Analysis ▸ Chaos experiment… driven through egui_kittest on the real `SpofApp`: the
//! dialog shows exactly what `analysis::chaos::run` reports for the same trials and seed,
//! and Cancel stops a long experiment without a result.

use std::sync::atomic::AtomicBool;

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use spofscope::analysis::chaos;
use spofscope::format::percent;
use spofscope::model::Event;
use spofscope::ui::{Action, Command};

use crate::support::{App, WINDOW, app, label_texts, request_sample, settle_advice, wait};

fn open_dialog(h: &mut App, file: &str) {
    request_sample(h, file);
    h.state_mut().request(Action::Run(Command::ChaosExperiment));
    // Wait out the panel's own spinners: the experiment's bar is then the only progress shown.
    settle_advice(h);
}

/// Replace the text of the field labelled `label` with `text`, as a user would.
fn set_field(h: &mut App, label: &str, text: &str) {
    let old = h.get_by_label(label).value().unwrap_or_default();
    h.get_by_label(label).focus();
    h.run_steps(2);
    h.key_press(Key::End);
    for _ in 0..old.chars().count() {
        h.key_press(Key::Backspace);
    }
    h.run_steps(2);
    assert_eq!(h.get_by_label(label).value().as_deref(), Some(""));
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
    assert_eq!(h.get_by_label(label).value().as_deref(), Some(text));
}

/// Step until the experiment has finished with a report.
fn wait_for_report(h: &mut App) {
    wait(h, "the chaos experiment's report", |h| {
        !h.state().chaos_is_running() && h.state().chaos_report().is_some()
    });
}

#[test]
fn the_dialog_shows_what_chaos_run_reports_for_the_same_seed() {
    let mut h = app(WINDOW);
    open_dialog(&mut h, "webshop.spof.ron");
    assert_eq!(h.get_by_label("Trials").value().as_deref(), Some("100000"));
    set_field(&mut h, "Trials", "5000");
    set_field(&mut h, "Seed", "1");
    h.get_by_label("Run").click();
    wait_for_report(&mut h);

    let model = h.state().model().clone();
    let expected = chaos::run(&model, 5000, 1, &|_, _| {}, &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.state().chaos_report(), Some(&expected));

    let mut shown: Vec<String> = vec![
        "5000 trials, seed 1".to_owned(),
        "Entry".to_owned(),
        "Observed".to_owned(),
        "95 % interval".to_owned(),
        "Exact".to_owned(),
        "Inside".to_owned(),
    ];
    for e in &expected.entries {
        shown.push(e.name.clone());
        shown.push(percent(e.observed_availability));
        shown.push(format!(
            "{} – {}",
            percent(e.interval[0]),
            percent(e.interval[1])
        ));
        shown.push(format!(
            "{}{}",
            percent(e.availability),
            if e.exact { "" } else { " (estimate)" }
        ));
        shown.push(
            if e.interval_contains_availability {
                "yes"
            } else {
                "NO"
            }
            .to_owned(),
        );
    }
    shown.push(format!(
        "Outages: {} of 5000 trials, from {} distinct minimal failure sets",
        expected.outage_trials, expected.distinct_causes
    ));
    assert!(!expected.causes.is_empty());
    shown.extend(["Trials".to_owned(), "Failed together".to_owned()]);
    // Failure sets in words: `replica 0 of Orders DB`, `a bad deploy of Web app`.
    for k in expected.causes.iter().take(10) {
        shown.push(k.trials.to_string());
        let words: Vec<String> = k
            .failed
            .iter()
            .map(|e| Event::parse(e).map_or_else(|_| e.clone(), |e| e.in_words(&model)))
            .collect();
        shown.push(words.join(" + "));
    }
    assert!(shown.iter().any(|s| s == "replica 0 of Orders DB"));
    shown.push("Took part in outages most often".to_owned());
    shown.extend(["Trials".to_owned(), "Component, zone or region".to_owned()]);
    for p in expected.participants.iter().take(10) {
        shown.push(p.trials.to_string());
        shown.push(p.id.clone());
    }

    let texts = label_texts(&h);
    let start = texts
        .iter()
        .position(|t| t == "5000 trials, seed 1")
        .unwrap_or_else(|| panic!("no chaos report in {texts:?}"));
    assert_eq!(texts[start..start + shown.len()], shown[..]);
}

#[test]
fn trials_out_of_range_cannot_run() {
    let mut h = app(WINDOW);
    open_dialog(&mut h, "webshop.spof.ron");
    for bad in ["0", "100000001", "many"] {
        set_field(&mut h, "Trials", bad);
        h.get_by_label("a whole number from 1 to 100000000");
        assert!(h.query_by_label("Run").is_none());
    }
    set_field(&mut h, "Trials", "100000000");
    h.get_by_label("Run");
}

/// The dialog on the microservices sample, running an experiment too long to finish.
fn long_experiment_running() -> App {
    let mut h = app(WINDOW);
    open_dialog(&mut h, "microservices.spof.ron");
    set_field(&mut h, "Trials", "100000000");
    h.get_by_label("Run").click();
    h.run_steps(2);
    assert!(h.state().chaos_is_running());
    h
}

#[test]
fn cancel_stops_a_long_experiment_without_a_result() {
    let mut h = long_experiment_running();
    h.get_by_role(Role::ProgressIndicator);
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!h.state().chaos_is_running());
    assert!(h.state().chaos_report().is_none());
    h.get_by_label("Cancelled.");
    // Run is offered again.
    h.get_by_label("Run");
}

#[test]
fn escape_cancels_a_running_experiment() {
    let mut h = long_experiment_running();
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(!h.state().chaos_is_running());
    assert!(h.state().chaos_report().is_none());
    h.get_by_label("Cancelled.");
}

#[test]
fn closing_the_dialog_stops_a_running_experiment() {
    let mut h = long_experiment_running();
    h.get_by_label("Close window").click();
    h.run_steps(2);
    assert!(!h.state().chaos_is_running());
    assert!(h.state().chaos_report().is_none());
    assert!(h.query_by_label("Chaos experiment").is_none());
}
