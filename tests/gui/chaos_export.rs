//! Analysis ▸ Scenarios ▸ Export experiment… and Read experiment result… driven through
//! egui_kittest on the real `SpofApp`: the menu offers both, the experiment written is the
//! one `export --chaos` writes for the what-if's scenario, and a journal's result shows
//! beside its scenario.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use spofscope::io::export::{self, ChaosFormat};
use spofscope::io::import::{self, ImportFormat};
use spofscope::model::{self, DependencyKind, Model, Scenario};
use spofscope::ui::{Action, Command};

use crate::support::{App, WINDOW, app, event, settle, temp_dir, wait};

/// Online Boutique's checkout path imported from its manifests, the cart's Redis a soft
/// dependency, the front end probed by URL, and two scenarios.
fn boutique() -> Model {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chaos/boutique.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let mut model = import::import(ImportFormat::K8s, &text, "boutique.yaml")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    for d in &mut model.dependencies {
        if d.from == "cartservice" && d.to == "redis-cart" {
            d.kind = DependencyKind::Soft;
        }
    }
    if let Some(w) = model
        .component_mut("frontend")
        .and_then(|c| c.workload.as_mut())
    {
        w.url = Some("http://frontend.boutique.svc.cluster.local/".to_owned());
    }
    for (name, fail) in [
        ("Lose a cart pod", "cartservice#0"),
        ("Redis cart down", "redis-cart"),
    ] {
        model.scenarios.push(Scenario {
            name: name.to_owned(),
            fail: vec![event(fail)],
        });
    }
    model
}

fn open_boutique(h: &mut App, dir: &std::path::Path) {
    let path = dir.join("boutique.spof.ron");
    model::save(&boutique(), &path).unwrap_or_else(|e| panic!("{e}"));
    h.state_mut().request(Action::OpenFile(path));
    settle(h);
}

#[test]
fn the_analysis_menu_offers_both_experiment_commands_under_scenarios() {
    let mut h = app(WINDOW);
    let dir = temp_dir();
    open_boutique(&mut h, dir.path());
    // The menu bar's Analysis, not the panel's heading of the same name.
    h.get_by(|n| n.label().as_deref() == Some("Analysis") && n.role() == Role::Button)
        .click();
    h.run_steps(3);
    h.get_by(|n| {
        n.label()
            .is_some_and(|l| l.contains("Scenarios") && !l.contains('('))
    })
    .click();
    h.run_steps(3);
    h.get_by_label(Command::ExportExperiment.label());
    h.get_by_label(Command::ReadExperimentResult.label());
}

#[test]
fn export_experiment_writes_the_whatif_scenario_as_the_command_line_does() {
    let mut h = app(WINDOW);
    let dir = temp_dir();
    open_boutique(&mut h, dir.path());
    h.state_mut()
        .request(Action::SetKnockouts(vec![event("redis-cart")]));
    settle(&mut h);
    for (file, format) in [
        ("x.json", ChaosFormat::ChaosToolkit),
        ("x.yaml", ChaosFormat::ChaosMesh),
    ] {
        let out = dir.path().join(file);
        h.state_mut()
            .request(Action::ExportExperimentTo(out.clone()));
        wait(&mut h, "the experiment to be written", |h| {
            !h.state().is_exporting() && out.exists()
        });
        let written = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}"));
        let expected = export::chaos_experiment(&boutique(), "Redis cart down", format)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(written, expected, "{file}");
    }
}

#[test]
fn a_journal_with_one_deviation_shows_one_mismatch_beside_its_scenario() {
    let mut h = app(WINDOW);
    let dir = temp_dir();
    open_boutique(&mut h, dir.path());
    h.state_mut().request(Action::Run(Command::ToggleInspector));
    settle(&mut h);
    h.get_by_label("Scenarios (2)").click();
    h.run_steps(5);
    let journal = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chaos/redis-cart-down.journal.json");
    h.state_mut().request(Action::ReadResultFrom(journal));
    wait(&mut h, "the experiment result", |h| {
        h.state().chaos_result().is_some()
    });
    h.run_steps(3);
    let result = h
        .state()
        .chaos_result()
        .map(|r| (r.scenario.clone(), r.findings.len()));
    assert_eq!(result, Some(("Redis cart down".to_owned(), 1)));
    h.get_by_label("⚠ 1 mismatch");
    assert!(h.query_by_label("✔ experiment agrees").is_none());
    assert_eq!(
        *h.state().model(),
        boutique(),
        "the result stays out of the model"
    );
}

/// The text field holding `value`.
fn text_field<'h>(h: &'h App, value: &'h str) -> egui_kittest::Node<'h> {
    h.get_by(move |n| n.role() == Role::TextInput && n.value().as_deref() == Some(value))
}

/// Replace the text of the field holding `old` with `new` and press Enter.
fn retype(h: &mut App, old: &str, new: &str) {
    text_field(h, old).focus();
    h.run_steps(2);
    h.key_press(Key::End);
    for _ in 0..old.chars().count() {
        h.key_press(Key::Backspace);
    }
    h.run_steps(1);
    h.get_by(|n| n.role() == Role::TextInput && n.is_focused())
        .type_text(new);
    h.run_steps(1);
    h.key_press(Key::Enter);
    settle(h);
}

fn labels_of(h: &App, id: &str) -> Vec<(String, String)> {
    h.state()
        .model()
        .component(id)
        .and_then(|c| c.workload.as_ref())
        .map(|w| w.labels.clone().into_iter().collect())
        .unwrap_or_default()
}

/// The boutique open in a window, with cartservice selected (its inspector shown).
fn boutique_with_cart_selected(dir: &std::path::Path) -> App {
    let mut h = app(WINDOW);
    open_boutique(&mut h, dir);
    h.state_mut()
        .request(Action::SelectOnly(vec!["cartservice".to_owned()]));
    settle(&mut h);
    h
}

#[test]
fn the_inspector_edits_workload_labels_as_one_undo_step_and_refuses_a_bad_one() {
    let dir = temp_dir();
    let mut h = boutique_with_cart_selected(dir.path());
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(labels_of(&h, "cartservice"), [pair("app", "cartservice")]);
    retype(&mut h, "app=cartservice", "app=cartservice, tier=backend");
    assert_eq!(
        labels_of(&h, "cartservice"),
        [pair("app", "cartservice"), pair("tier", "backend")]
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(labels_of(&h, "cartservice"), [pair("app", "cartservice")]);
    let before = h.state().model().clone();
    retype(&mut h, "app=cartservice", "app cartservice");
    assert_eq!(*h.state().model(), before);
    h.get_by_label_contains("Labels: `app cartservice` is not a label");
}

/// A workload is no analysis input: giving a card one keeps the analysis (the same one,
/// carried to the new revision) instead of analysing again.
#[test]
fn editing_a_workload_keeps_the_analysis() {
    let dir = temp_dir();
    let mut h = boutique_with_cart_selected(dir.path());
    let report = |h: &App| {
        h.state()
            .current_report()
            .map(|r| r as *const spofscope::analysis::Report)
            .unwrap_or_else(|| panic!("no current analysis"))
    };
    let before = report(&h);
    let revision = h.state().document_revision();
    retype(&mut h, "app=cartservice", "app=cartservice, tier=backend");
    assert_ne!(
        h.state().document_revision(),
        revision,
        "the edit made a new revision"
    );
    assert!(h.state().analysis_is_current());
    assert_eq!(report(&h), before, "the workload edit was analysed again");
}
