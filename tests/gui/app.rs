//! The desktop app driven like a user would, through egui_kittest on the real `SpofApp`:
//! widgets are found by their labels; the canvas is reached through the app's own actions.

use std::path::Path;
use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use spofscope::analysis::scenario::Knockout;
use spofscope::io::export::{self, ExportFormat, ExportOptions};
use spofscope::model::{self, DependencyKind, Replication, Scenario};
use spofscope::style::{CARD_H, CARD_W};
use spofscope::ui::{Action, Command, SAMPLES};

use crate::support::{App, WINDOW, app, event, import_fixture, open_sample, settle, temp_dir};

#[test]
fn opening_a_sample_lists_its_spofs_in_the_panel() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    // The same six SPOFs, in the same order, and the same numbers as
    // `spofscope check samples/webshop.spof.ron`.
    h.get_by_label("SPOFs (6)");
    for spof in [
        "region eu",
        "zone eu-a",
        "component db",
        "component files",
        "component dns",
        "component lb",
    ] {
        h.get_by_label(spof);
    }
    h.get_by_label("99.34 %   2.2 nines");
    h.get_by_label("2.4 days / year down");
    // `check --format json`: full_service_availability 0.98696, degraded 3377 minutes.
    h.get_by_label("full service 98.70 % · 2.3 days / year degraded");
    h.get_by_label("Order-2 risks (1)");
    h.get_by_label("Findings (3)");
}

#[test]
fn clicking_a_spof_in_the_panel_selects_it() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("component db").click();
    settle(&mut h);
    assert_eq!(h.state().selection().components, vec!["db".to_owned()]);
}

#[test]
fn adding_a_component_from_the_palette_changes_the_count() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("7 components · 6 dependencies");
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    h.get_by_label("8 components · 6 dependencies");
    assert_eq!(h.state().model().components.len(), 8);
    assert_eq!(h.state().selection().components, vec!["service".to_owned()]);
}

#[test]
fn more_replicas_in_the_inspector_make_a_spof_disappear() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("component lb").click();
    settle(&mut h);
    h.get_by_label("More replicas").click();
    settle(&mut h);
    assert_eq!(
        h.state().model().component("lb").map(|c| c.replicas),
        Some(2)
    );
    h.get_by_label("SPOFs (5)");
    assert!(h.query_by_label("component lb").is_none());
    h.get_by_label("component db");
}

#[test]
fn undo_and_redo_walk_the_history() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let original = h.state().model().clone();
    h.get_by_label("🗄  Database").click();
    settle(&mut h);
    let edited = h.state().model().clone();
    assert_eq!(edited.components.len(), 8);

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(*h.state().model(), original);
    h.get_by_label("7 components · 6 dependencies");

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    settle(&mut h);
    assert_eq!(*h.state().model(), edited);

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    settle(&mut h);
    assert_eq!(*h.state().model(), edited);
    h.get_by_label("8 components · 6 dependencies");
}

#[test]
fn knocking_out_a_zone_lists_the_entries_down() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("💥 What-if").click();
    settle(&mut h);
    h.get_by_label("eu-a").click();
    settle(&mut h);
    assert_eq!(h.state().knockouts(), [event("zone:eu-a")]);
    h.get_by_label("Entries down:");
    h.get_by_label("✖ users");
    h.get_by_label("7 down · 0 degraded");
    h.get_by_label("Web users: 0.00 % with this knockout (365.0 days / year down)");
}

#[test]
fn saving_and_reloading_gives_the_same_model() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
    let path = dir.path().join("shop.spof.ron");
    let mut h = app(WINDOW);
    open_sample(&mut h, "microservices.spof.ron");
    h.get_by_label("⚡  Cache").click();
    settle(&mut h);
    assert!(h.state().has_unsaved_changes());
    h.state_mut().request(Action::SaveTo(path.clone()));
    settle(&mut h);
    assert!(!h.state().has_unsaved_changes());
    assert_eq!(h.state().document_label(), "shop.spof.ron");
    let saved = h.state().model().clone();
    assert_eq!(model::load(&path).ok(), Some(saved.clone()));

    let mut again = app(WINDOW);
    again.state_mut().request(Action::OpenFile(path.clone()));
    settle(&mut again);
    assert_eq!(*again.state().model(), saved);
    assert!(!again.state().has_unsaved_changes());
}

#[test]
fn a_broken_file_shows_line_and_column_and_keeps_the_model() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
    let path = dir.path().join("broken.spof.ron");
    let text = "Model(\n    format: 1,\n    name: \"x\",\n    components: [(id: \"a\", kind: Blender)],\n)\n";
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write: {e}"));
    let expected = model::load(&path).err().map(|e| e.location);
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let before = h.state().model().clone();
    h.state_mut().request(Action::OpenFile(path.clone()));
    settle(&mut h);
    h.get_by_label("Cannot open the model");
    let Some(Some((line, column))) = expected else {
        panic!("the broken file loaded");
    };
    h.get_by_label(&format!("Line {line}, column {column}"));
    assert_eq!(*h.state().model(), before);
}

#[test]
fn new_asks_before_dropping_unsaved_changes() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    settle(&mut h);
    h.get_by_label("Unsaved changes");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert_eq!(h.state().model().components.len(), 8);
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    settle(&mut h);
    h.get_by_label("Discard changes").click();
    settle(&mut h);
    assert!(h.state().model().components.is_empty());
}

#[test]
fn every_sample_opens_from_the_menu_list() {
    let mut h = app(WINDOW);
    for sample in &SAMPLES {
        open_sample(&mut h, sample.file);
        let expected = model::load(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("samples")
                .join(sample.file),
        )
        .ok();
        assert_eq!(Some(h.state().model().clone()), expected, "{}", sample.file);
        assert_eq!(
            h.state().document_label(),
            format!("{} (sample)", sample.file)
        );
    }
}

fn select(h: &mut App, ids: &[&str]) {
    h.state_mut().request(Action::SelectOnly(
        ids.iter().map(|s| (*s).to_owned()).collect(),
    ));
    settle(h);
}

fn has_dependency(h: &App, from: &str, to: &str) -> Option<DependencyKind> {
    h.state()
        .model()
        .dependencies
        .iter()
        .find(|d| d.from == from && d.to == to)
        .map(|d| d.kind)
}

#[test]
fn c_connects_two_selected_components_and_h_toggles_hard_and_soft() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, &["dns", "db"]);
    h.key_press(Key::C);
    settle(&mut h);
    assert_eq!(has_dependency(&h, "dns", "db"), Some(DependencyKind::Hard));
    assert_eq!(
        h.state().selection().dependency,
        Some(("dns".to_owned(), "db".to_owned()))
    );
    h.key_press(Key::H);
    settle(&mut h);
    assert_eq!(has_dependency(&h, "dns", "db"), Some(DependencyKind::Soft));
    h.key_press(Key::Delete);
    settle(&mut h);
    assert_eq!(has_dependency(&h, "dns", "db"), None);
}

#[test]
fn delete_removes_components_with_their_dependencies_in_one_step() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, &["web", "db"]);
    h.key_press(Key::Delete);
    settle(&mut h);
    let m = h.state().model().clone();
    assert_eq!(m.components.len(), 5);
    assert!(
        m.dependencies
            .iter()
            .all(|d| d.from != "web" && d.to != "web")
    );
    h.get_by_label("5 components · 2 dependencies");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    h.get_by_label("7 components · 6 dependencies");
}

#[test]
fn duplicate_copies_the_selection_with_the_dependencies_inside_it() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, &["web", "db"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::D);
    settle(&mut h);
    assert_eq!(h.state().model().components.len(), 9);
    assert_eq!(
        has_dependency(&h, "web-2", "db-2"),
        Some(DependencyKind::Hard)
    );
    assert_eq!(
        h.state().selection().components,
        vec!["web-2".to_owned(), "db-2".to_owned()]
    );
    // The copies keep their arrangement and land clear of every card (the placement rule).
    assert_eq!(shift(&h, "web", "web-2"), shift(&h, "db", "db-2"));
    assert_eq!(overlapping_cards(&h), Vec::<(String, String)>::new());
}

/// How far the card `copy` is from the card `original`.
fn shift(h: &App, original: &str, copy: &str) -> Option<(f32, f32)> {
    let m = h.state().model();
    let (a, b) = (m.component(original)?.pos, m.component(copy)?.pos);
    Some((b.0 - a.0, b.1 - a.1))
}

/// Every pair of cards drawn over each other.
fn overlapping_cards(h: &App) -> Vec<(String, String)> {
    let cards = &h.state().model().components;
    let mut out = Vec::new();
    for (i, a) in cards.iter().enumerate() {
        for b in &cards[i + 1..] {
            if (a.pos.0 - b.pos.0).abs() < CARD_W && (a.pos.1 - b.pos.1).abs() < CARD_H {
                out.push((a.id.clone(), b.id.clone()));
            }
        }
    }
    out
}

#[test]
fn cards_added_from_the_palette_pasted_or_duplicated_never_cover_another() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    for kind in ["⚙  Service", "🌐  DNS", "🗄  Database"] {
        h.get_by_label(kind).click();
        settle(&mut h);
    }
    assert_eq!(h.state().model().components.len(), 10);
    assert_eq!(overlapping_cards(&h), Vec::<(String, String)>::new());
    select(&mut h, &["lb", "service"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::C);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::V);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::D);
    settle(&mut h);
    assert_eq!(h.state().model().components.len(), 14);
    assert_eq!(overlapping_cards(&h), Vec::<(String, String)>::new());
}

#[test]
fn copy_and_paste_add_fresh_copies() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    select(&mut h, &["lb"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::C);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::V);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::V);
    settle(&mut h);
    let ids: Vec<String> = h
        .state()
        .model()
        .components
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert!(ids.contains(&"lb-2".to_owned()) && ids.contains(&"lb-3".to_owned()));
    assert_eq!(ids.len(), 9);
}

#[test]
fn a_knockout_saved_as_scenario_lands_in_the_model() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.state_mut()
        .request(Action::SetKnockouts(vec![event("db"), event("zone:eu-a")]));
    settle(&mut h);
    h.get_by_label("Save as scenario").click();
    settle(&mut h);
    let last = h.state().model().scenarios.last().cloned();
    assert_eq!(
        last,
        Some(Scenario {
            name: "What-if 3".to_owned(),
            fail: vec![event("db"), event("zone:eu-a")],
        })
    );
}

#[test]
fn make_redundant_spreads_a_database_over_its_region() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "microservices.spof.ron");
    select(&mut h, &["users-db"]);
    h.get_by_label("Make redundant").click();
    settle(&mut h);
    let c = h.state().model().component("users-db").cloned();
    assert_eq!(c.as_ref().map(|c| c.replicas), Some(3));
    assert_eq!(
        c.as_ref().map(|c| c.zones.clone()),
        Some(vec![
            "us-a".to_owned(),
            "us-b".to_owned(),
            "us-c".to_owned()
        ])
    );
    assert_eq!(c.map(|c| c.replication), Some(Replication::Sync));
    assert!(h.query_by_label("component users-db").is_none());
}

#[test]
fn a_broken_file_is_reported_without_asking_to_drop_unsaved_changes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
    let path = dir.path().join("broken.spof.ron");
    std::fs::write(&path, "Model(format: 1, name: \"x\", colour: 3)\n")
        .unwrap_or_else(|e| panic!("cannot write: {e}"));
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    let edited = h.state().model().clone();
    h.state_mut().request(Action::OpenFile(path));
    settle(&mut h);
    h.get_by_label("Cannot open the model");
    assert!(h.query_by_label("Unsaved changes").is_none());
    assert_eq!(*h.state().model(), edited);
    assert!(h.state().has_unsaved_changes());
}

/// Edit, then `cancel` while the analysis of the edit runs. The sample analyses in well
/// under a millisecond, so the analysis may win the race (egui can run a frame twice);
/// then the next edit tries again. Returns the attempts it took.
fn cancel_while_running(h: &mut App, cancel: impl Fn(&mut App)) -> usize {
    for attempt in 1..=50 {
        h.state_mut().request(Action::AddComponent {
            kind: model::ComponentKind::Service,
            at: None,
        });
        h.run_steps(1);
        cancel(h);
        if h.state().analysis_cancelled() {
            return attempt;
        }
    }
    panic!("the analysis always finished before it could be cancelled");
}

#[test]
fn cancelling_the_analysis_shows_it_and_re_run_analyses_again() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    // Actions run at the end of the frame that started the analysis.
    cancel_while_running(&mut h, |h| {
        h.state_mut().request(Action::Run(Command::CancelAnalysis));
        h.run_steps(1);
    });
    h.run_steps(2);
    assert!(h.state().analysis_cancelled());
    assert!(!h.state().analysis_is_current());
    assert!(h.state().current_report().is_none());
    h.get_by_label("analysis cancelled —");
    h.get_by_label("Showing an earlier edit's results: this edit's analysis was cancelled.");
    assert!(h.query_by_label("analysing…").is_none());
    h.get_by_label("Re-run").click();
    settle(&mut h);
    assert!(!h.state().analysis_cancelled());
    assert!(h.state().analysis_is_current());
    h.get_by_label("SPOFs (6)");
    assert!(h.query_by_label("analysis cancelled —").is_none());
}

#[test]
fn the_cancel_button_next_to_the_spinner_cancels() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    cancel_while_running(&mut h, |h| {
        // A second edit: the next frame analyses again, with the button where it was.
        h.state_mut().request(Action::AddComponent {
            kind: model::ComponentKind::Service,
            at: None,
        });
        h.run_steps(1);
        if let Some(button) = h.query_by_label("Cancel") {
            // One event, one frame (a pointer click takes several).
            button.click_accesskit();
            h.run_steps(1);
        }
    });
    h.run_steps(2);
    h.get_by_label("analysis cancelled —");
    assert!(h.query_by_label("Cancel").is_none());
}

#[test]
fn escape_cancels_a_running_analysis_and_keeps_the_selection() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    cancel_while_running(&mut h, |h| {
        h.state_mut()
            .request(Action::SelectOnly(vec!["db".to_owned()]));
        h.key_press(Key::Escape);
        h.run_steps(1);
    });
    assert_eq!(h.state().selection().components, vec!["db".to_owned()]);
    h.run_steps(2);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.state().selection().components.is_empty());
}

/// A copy of a sample in a temp dir, opened in the app.
fn open_copy_of_sample(h: &mut App, dir: &Path, file: &str) -> std::path::PathBuf {
    let text = SAMPLES
        .iter()
        .find(|s| s.file == file)
        .map(|s| s.text)
        .unwrap_or_else(|| panic!("no sample {file}"));
    let path = dir.join("shop.spof.ron");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write: {e}"));
    h.state_mut().request(Action::OpenFile(path.clone()));
    settle(h);
    assert_eq!(h.state().document_label(), "shop.spof.ron");
    path
}

#[test]
fn a_failed_save_says_why_and_keeps_the_document_and_the_old_file() {
    let dir = temp_dir();
    let mut h = app(WINDOW);
    let path = open_copy_of_sample(&mut h, dir.path(), "webshop.spof.ron");
    let old = std::fs::read(&path).ok();
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    let edited = h.state().model().clone();
    // A directory that is a regular file: no save there can work, even as root.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "x").unwrap_or_else(|e| panic!("cannot write: {e}"));
    h.state_mut()
        .request(Action::SaveTo(blocker.join("shop.spof.ron")));
    settle(&mut h);
    h.get_by_label("Cannot save the model");
    assert!(h.state().has_unsaved_changes());
    assert_eq!(*h.state().model(), edited);
    assert_eq!(h.state().document_label(), "shop.spof.ron");
    assert_eq!(std::fs::read(&path).ok(), old);
    h.get_by_label("OK").click();
    settle(&mut h);
    assert!(h.query_by_label("Cannot save the model").is_none());
    assert!(h.state().has_unsaved_changes());
}

#[test]
fn save_asks_before_overwriting_a_file_changed_on_disk() {
    let dir = temp_dir();
    let mut h = app(WINDOW);
    let path = open_copy_of_sample(&mut h, dir.path(), "webshop.spof.ron");
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    let theirs = SAMPLES[1].text;
    std::fs::write(&path, theirs).unwrap_or_else(|e| panic!("cannot write: {e}"));

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    h.get_by_label("shop.spof.ron was changed on disk since you opened it");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert!(h.query_by_label("Changed on disk").is_none());
    assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some(theirs));
    assert!(h.state().has_unsaved_changes());

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    h.get_by_label("Overwrite").click();
    settle(&mut h);
    assert_eq!(model::load(&path).ok().as_ref(), Some(h.state().model()));
    assert!(!h.state().has_unsaved_changes());

    // Saved by us since: the next save asks nothing.
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    assert!(h.query_by_label("Changed on disk").is_none());
    assert_eq!(model::load(&path).ok().as_ref(), Some(h.state().model()));
    assert_eq!(h.state().model().components.len(), 9);
}

/// A file dropped on the window, as a desktop integration hands it to egui.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_compose_file_imports_it_and_a_model_file_opens() {
    let path = import_fixture("compose.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let expected = spofscope::io::import::compose::import(&text, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut h = app(WINDOW);
    let drop = |h: &mut App, path: std::path::PathBuf| {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(DroppedPath(path)));
        settle(h);
    };
    drop(&mut h, path);
    assert_eq!(*h.state().model(), expected.model);
    assert_eq!(h.state().document_label(), "Untitled");
    h.get_by_label("OK").click();
    settle(&mut h);
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/webshop.spof.ron");
    drop(&mut h, sample.clone());
    h.get_by_label("Discard changes").click();
    settle(&mut h);
    let model = spofscope::model::load(&sample).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(*h.state().model(), model);
}

#[test]
fn dropping_a_terraform_plan_or_a_backstage_catalog_imports_it() {
    let mut h = app(WINDOW);
    for name in ["aws-web-plan.json", "catalog-info.yaml"] {
        let path = import_fixture(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let file = path.display().to_string();
        let format = spofscope::io::import::guess_import_format(&path, &text)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let expected =
            spofscope::io::import::import(format, &text, &file).unwrap_or_else(|e| panic!("{e}"));
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(DroppedPath(path)));
        settle(&mut h);
        if name != "aws-web-plan.json" {
            h.get_by_label("Discard changes").click();
            settle(&mut h);
        }
        assert_eq!(*h.state().model(), expected.model, "{name}");
        h.get_by_label("OK").click();
        settle(&mut h);
    }
}

#[test]
fn importing_compose_opens_an_unsaved_model_and_shows_the_notes() {
    let path = import_fixture("compose.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let expected = spofscope::io::import::compose::import(&text, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Import…");
    h.get_by_label("Export…");
    h.key_press(Key::Escape);
    h.run_steps(2);

    h.state_mut().request(Action::ImportFile(path));
    settle(&mut h);
    assert_eq!(*h.state().model(), expected.model);
    assert_eq!(h.state().model().components.len(), 5);
    assert!(h.state().has_unsaved_changes());
    assert_eq!(h.state().document_label(), "Untitled");
    h.get_by_label("5 components · 4 dependencies");
    h.get_by_label("Imported with notes");
    assert_eq!(expected.notes.len(), 3);
    for note in &expected.notes {
        h.get_by_label(&format!("• {note}"));
    }
    h.get_by_label("OK").click();
    settle(&mut h);
    assert!(h.query_by_label("Imported with notes").is_none());
    let report = spofscope::analysis::analyze(&expected.model, &Default::default());
    assert_eq!(h.state().current_report(), Some(&report));
    h.get_by_label(&format!("SPOFs ({})", report.spofs.len()));
}

#[test]
fn add_traces_lays_them_over_the_open_model_in_one_undo_step() {
    let jaeger = import_fixture("hotel-jaeger.json");
    let mut h = app(WINDOW);
    h.state_mut()
        .request(Action::ImportFile(import_fixture("hotel-reservation.yml")));
    settle(&mut h);
    h.get_by_label("OK").click();
    settle(&mut h);
    let before = h.state().model().clone();
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Add traces…");
    h.key_press(Key::Escape);
    h.run_steps(2);

    h.state_mut().request(Action::AddTraces(jaeger.clone()));
    settle(&mut h);
    let text = std::fs::read_to_string(&jaeger).unwrap_or_else(|e| panic!("{e}"));
    let traces = spofscope::io::import::traces::read(&text, &jaeger.display().to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let overlay = spofscope::io::import::traces::overlay(&before, &traces);
    let mut expected = before.clone();
    overlay.apply(&mut expected);
    assert_eq!(*h.state().model(), expected);
    assert_eq!(overlay.dependencies.len(), 4);
    h.get_by_label(&format!(
        "Added traces from {}: 4 new dependencies",
        jaeger.display()
    ));
    h.get_by_label(
        "• traces name `recommendation`, which matches no component: its call is left out",
    );
    h.get_by_label("OK").click();
    settle(&mut h);

    h.state_mut().request(Action::Run(Command::Undo));
    settle(&mut h);
    assert_eq!(*h.state().model(), before);
}

/// Dropped on the window over the user's own model, a traces file is the same one undoable
/// edit as File ▸ Add traces…; over the built-in sample it is imported as a new model.
#[test]
fn a_dropped_traces_file_lays_itself_over_the_users_model_but_not_over_the_sample() {
    let jaeger = import_fixture("hotel-jaeger.json");
    let text = std::fs::read_to_string(&jaeger).unwrap_or_else(|e| panic!("{e}"));
    let file = jaeger.display().to_string();
    let drop = |h: &mut App, path: std::path::PathBuf| {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(DroppedPath(path)));
        settle(h);
    };
    let mut h = app(WINDOW);
    assert_eq!(h.state().document_label(), "webshop.spof.ron (sample)");
    drop(&mut h, jaeger.clone());
    let alone =
        spofscope::io::import::traces::import(&text, &file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(*h.state().model(), alone.model);
    assert_eq!(h.state().document_label(), "Untitled");
    h.get_by_label("Imported with notes");
    h.get_by_label("OK").click();
    settle(&mut h);

    h.state_mut()
        .request(Action::ImportFile(import_fixture("hotel-reservation.yml")));
    settle(&mut h);
    h.get_by_label("Discard changes").click();
    settle(&mut h);
    h.get_by_label("OK").click();
    settle(&mut h);
    let before = h.state().model().clone();
    drop(&mut h, jaeger.clone());
    let traces =
        spofscope::io::import::traces::read(&text, &file).unwrap_or_else(|e| panic!("{e}"));
    let overlay = spofscope::io::import::traces::overlay(&before, &traces);
    let mut expected = before.clone();
    overlay.apply(&mut expected);
    assert_eq!(*h.state().model(), expected);
    assert_eq!(h.state().document_label(), "Untitled");
    h.get_by_label(&format!("Added traces from {file}: 4 new dependencies"));
    h.get_by_label(
        "• traces name `recommendation`, which matches no component: its call is left out",
    );
    h.get_by_label("OK").click();
    settle(&mut h);

    h.state_mut().request(Action::Run(Command::Undo));
    settle(&mut h);
    assert_eq!(*h.state().model(), before);
}

#[test]
fn importing_over_unsaved_changes_asks_first() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    h.state_mut()
        .request(Action::ImportFile(import_fixture("architecture.dot")));
    settle(&mut h);
    h.get_by_label("Unsaved changes");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert_eq!(h.state().model().components.len(), 8);
    h.state_mut()
        .request(Action::ImportFile(import_fixture("k8s.yaml")));
    settle(&mut h);
    h.get_by_label("Discard changes").click();
    settle(&mut h);
    let path = import_fixture("k8s.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let expected = spofscope::io::import::k8s::import(&text, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(*h.state().model(), expected.model);
    assert!(h.state().has_unsaved_changes());
}

#[test]
fn a_broken_import_shows_line_and_column_and_keeps_the_model() {
    let dir = temp_dir();
    let path = dir.path().join("broken.yml");
    let text = "services:\n  web:\n    image: [nginx\n";
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write: {e}"));
    let error = spofscope::io::import::compose::import(text, &path.display().to_string()).err();
    let Some(Some((line, column))) = error.map(|e| e.location) else {
        panic!("the broken file imported, or without a location");
    };
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let before = h.state().model().clone();
    h.state_mut().request(Action::ImportFile(path));
    settle(&mut h);
    h.get_by_label("Cannot open the model");
    h.get_by_label(&format!("Line {line}, column {column}"));
    assert_eq!(*h.state().model(), before);
    assert!(!h.state().has_unsaved_changes());
}

#[test]
fn a_yaml_file_of_no_known_kind_asks_compose_or_kubernetes() {
    let dir = temp_dir();
    let path = dir.path().join("stack.yaml");
    std::fs::write(&path, "x-note: 1\n").unwrap_or_else(|e| panic!("cannot write: {e}"));
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let before = h.state().model().clone();
    h.state_mut().request(Action::ImportFile(path));
    settle(&mut h);
    h.get_by_label("Which kind of YAML?");
    h.get_by_label("Docker Compose");
    h.get_by_label("Kubernetes");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert!(h.query_by_label("Which kind of YAML?").is_none());
    assert_eq!(*h.state().model(), before);
}

/// File ▸ Export to `path`, waiting until the background export has finished.
fn export_to(h: &mut App, path: &Path) {
    h.state_mut().request(Action::ExportTo(path.to_owned()));
    h.run_steps(1);
    for _ in 0..2000 {
        if !h.state().is_exporting() {
            h.run_steps(1);
            return;
        }
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the export of {} did not finish", path.display());
}

fn exported(model: &model::Model, format: ExportFormat, options: &ExportOptions) -> Vec<u8> {
    export::export(model, format, options)
        .unwrap_or_else(|e| panic!("{e}"))
        .bytes
}

#[test]
fn export_writes_svg_png_and_mef_exactly_as_the_core_and_refuses_unknown_extensions() {
    let dir = temp_dir();
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let model = h.state().model().clone();
    for (name, format) in [
        ("shop.xml", ExportFormat::Mef),
        ("shop.svg", ExportFormat::Svg),
    ] {
        let path = dir.path().join(name);
        export_to(&mut h, &path);
        assert_eq!(
            std::fs::read(&path).ok(),
            Some(exported(&model, format, &ExportOptions::default())),
            "{name}"
        );
        assert!(h.query_by_label("Cannot export the model").is_none());
        let said = format!("Exported to {}", path.display());
        assert_eq!(h.state().status_message(), Some(said.as_str()));
    }

    let txt = dir.path().join("shop.txt");
    export_to(&mut h, &txt);
    h.get_by_label("Cannot export the model");
    assert!(!txt.exists());
}

#[test]
fn export_writes_the_html_report_and_the_markdown_report_with_its_diagram_beside_it() {
    let dir = temp_dir();
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let model = h.state().model().clone();
    let html = dir.path().join("review.html");
    export_to(&mut h, &html);
    assert_eq!(
        std::fs::read(&html).ok(),
        Some(exported(
            &model,
            ExportFormat::Html,
            &ExportOptions::default()
        ))
    );

    let md = dir.path().join("review.md");
    export_to(&mut h, &md);
    let options = ExportOptions {
        diagram_file: Some("review.svg".to_owned()),
        ..ExportOptions::default()
    };
    let expected =
        export::export(&model, ExportFormat::Markdown, &options).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read(&md).ok(), Some(expected.bytes));
    let svg = dir.path().join("review.svg");
    assert!(expected.diagram.is_some());
    assert_eq!(std::fs::read(&svg).ok(), expected.diagram);
    let said = format!("Exported to {} and {}", svg.display(), md.display());
    assert_eq!(h.state().status_message(), Some(said.as_str()));
    assert!(h.query_by_label("Cannot export the model").is_none());
}

#[test]
fn export_draws_the_what_if_knockout_on_the_diagram() {
    let dir = temp_dir();
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.state_mut().request(Action::Run(Command::ToggleWhatIf));
    h.state_mut().request(Action::ToggleKnockout(event("db")));
    settle(&mut h);
    let model = h.state().model().clone();
    let outcome = h.state().current_whatif().cloned();
    let Some(outcome) = outcome else {
        panic!("no what-if outcome");
    };
    let svg = dir.path().join("whatif.svg");
    export_to(&mut h, &svg);
    let options = ExportOptions {
        knockout: Some(Knockout {
            scenario: "what-if".to_owned(),
            outcome,
        }),
        ..ExportOptions::default()
    };
    let expected = exported(&model, ExportFormat::Svg, &options);
    assert_ne!(
        expected,
        exported(&model, ExportFormat::Svg, &ExportOptions::default())
    );
    assert_eq!(std::fs::read(&svg).ok(), Some(expected));

    // DOT draws no knockout: the what-if does not stop it.
    let dot = dir.path().join("whatif.dot");
    export_to(&mut h, &dot);
    assert_eq!(
        std::fs::read(&dot).ok(),
        Some(exported(
            &model,
            ExportFormat::Dot,
            &ExportOptions::default()
        ))
    );
}

/// Press on `from`, move to `from + by` in ten steps and release, batched into frames as
/// a real window delivers them: the press alone, then the first four moves in one frame
/// (the pointer is well outside the card's first place when egui decides it is a drag),
/// then one move a frame. (`Harness::event` would run a frame for every event.)
fn drag_like_a_window(h: &mut App, from: egui::Pos2, by: egui::Vec2) {
    let button = |pressed, pos| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    let frame = |h: &mut App, events: Vec<egui::Event>| {
        h.input_mut().events.extend(events);
        h.run_steps(1);
    };
    frame(h, vec![egui::Event::PointerMoved(from)]);
    frame(h, vec![button(true, from)]);
    let at = |i: u8| egui::Event::PointerMoved(from + by * (f32::from(i) / 10.0));
    frame(h, (1..=4).map(at).collect());
    for i in 5..=10 {
        frame(h, vec![at(i)]);
    }
    frame(h, vec![button(false, from + by)]);
    h.run_steps(1);
}

#[test]
fn clicking_a_card_off_its_centre_selects_it_without_moving_it() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "microservices.spof.ron");
    let before = h.state().model().clone();
    let Some(centre) = h.state().card_on_screen("catalog-db") else {
        panic!("no card catalog-db");
    };
    // Near the card's top left corner: a press pulls the card's centre under the pointer.
    let at = centre + egui::vec2(-25.0, -10.0);
    let button = |pressed| egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    for event in [egui::Event::PointerMoved(at), button(true), button(false)] {
        h.input_mut().events.push(event);
        h.run_steps(1);
    }
    settle(&mut h);
    assert_eq!(h.state().selection().components, ["catalog-db"]);
    assert_eq!(*h.state().model(), before);
    assert_eq!(h.state().document_revision(), 0, "no undo step");
    assert_eq!(h.state().card_on_screen("catalog-db"), Some(centre));
}

/// Move the pointer to `at`, press and release, a frame each.
fn click_at(h: &mut App, at: egui::Pos2) {
    let button = |pressed| egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    for event in [egui::Event::PointerMoved(at), button(true), button(false)] {
        h.input_mut().events.push(event);
        h.run_steps(1);
    }
    settle(h);
}

#[test]
fn clicking_a_dependency_selects_it_and_a_card_over_one_is_clicked_instead() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let card = |h: &App, id: &str| match h.state().card_on_screen(id) {
        Some(p) => p,
        None => panic!("no card {id}"),
    };
    let (web, db) = (card(&h, "web"), card(&h, "db"));
    click_at(&mut h, web + (db - web) / 2.0);
    let selection = h.state().selection();
    assert_eq!(
        selection.dependency,
        Some(("web".to_owned(), "db".to_owned()))
    );
    assert!(selection.components.is_empty());
    // users -> lb runs under the DNS card.
    let dns = card(&h, "dns");
    click_at(&mut h, dns);
    let selection = h.state().selection();
    assert_eq!(selection.components, ["dns"]);
    assert_eq!(selection.dependency, None);
}

#[test]
fn dragging_a_card_moves_it_and_not_the_view() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    for id in ["dns", "web", "users"] {
        let before = h.state().model().clone();
        let others: Vec<_> = before
            .components
            .iter()
            .filter(|c| c.id != id)
            .map(|c| (c.id.clone(), h.state().card_on_screen(&c.id)))
            .collect();
        let start = h.state().card_on_screen(id);
        let Some(start) = start else {
            panic!("no card {id}");
        };
        let by = egui::vec2(30.0, 150.0);
        drag_like_a_window(&mut h, start, by);
        settle(&mut h);
        let zoom = h.state().canvas_zoom();
        let (Some(was), Some(now)) = (
            before.component(id).map(|c| c.pos),
            h.state().model().component(id).map(|c| c.pos),
        ) else {
            panic!("{id} is gone");
        };
        // The model keeps whole units: the card lands within half a unit of the pointer.
        let off = (now.0 - was.0 - by.x / zoom, now.1 - was.1 - by.y / zoom);
        assert!(
            off.0.abs() <= 0.5 && off.1.abs() <= 0.5,
            "{id} moved {was:?} -> {now:?}"
        );
        for (other, at) in &others {
            assert_eq!(
                h.state().card_on_screen(other),
                *at,
                "{other} while dragging {id}"
            );
        }
        h.state_mut().request(Action::Run(Command::Undo));
        settle(&mut h);
        assert_eq!(
            *h.state().model(),
            before,
            "one undo step for dragging {id}"
        );
    }
}
