//! Autosave and recovery in the desktop app, through egui_kittest on the real `SpofApp`
//! with a temp recovery root. Time is egui's input time, which the harness moves by a
//! quarter of a second per step: no test here waits on the wall clock.

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spofscope::edit::recovery::{self, Meta, Session};
use spofscope::model::{self, Model};
use spofscope::ui::{Action, SAMPLES, SpofApp};

use crate::support::{App, WINDOW, settle, temp_dir};

fn app_with_recovery(root: &Path) -> App {
    let root = root.to_owned();
    Harness::builder()
        .with_size(WINDOW)
        .build_eframe(move |cc| SpofApp::new(cc, None).with_recovery(root))
}

fn edited() -> Model {
    let mut m = model::from_str(SAMPLES[2].text, SAMPLES[2].file).unwrap_or_else(|e| panic!("{e}"));
    m.name = "Microservices, edited".to_owned();
    m.components[0].replicas = 4;
    m
}

/// A copy left by an editor that is gone (its session dropped without finishing).
fn leave_copy(root: &Path, original: &Path) -> Meta {
    let meta = Meta {
        original: Some(original.to_owned()),
        label: "shop.spof.ron".to_owned(),
        saved_at: recovery::now() - 150,
        disk: None,
    };
    let session = Session::start(root).unwrap_or_else(|e| panic!("{e}"));
    session
        .write(&edited(), &meta)
        .unwrap_or_else(|e| panic!("{e}"));
    drop(session);
    meta
}

/// Every `.spof.ron` file under `root`'s session directories.
fn copies_on_disk(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|session| {
            std::fs::read_dir(session.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".spof.ron"))
        .collect();
    found.sort();
    found
}

#[test]
fn restore_brings_the_copy_back_unsaved_on_its_original_path() {
    let root = temp_dir();
    let files = temp_dir();
    let original = files.path().join("shop.spof.ron");
    leave_copy(root.path(), &original);
    let mut h = app_with_recovery(root.path());
    h.run_steps(2);
    h.get_by_label("Recover unsaved work?");
    h.get_by_label("shop.spof.ron");
    h.get_by_label("saved 2 min ago");
    h.get_by_label("Restore").click();
    settle(&mut h);
    assert!(h.query_by_label("Recover unsaved work?").is_none());
    assert_eq!(*h.state().model(), edited());
    assert!(h.state().has_unsaved_changes());
    assert_eq!(h.state().document_label(), "shop.spof.ron");
    // The old copy is gone; this editor keeps its own, locked while it runs.
    assert!(recovery::list(root.path()).is_empty());
    let own = copies_on_disk(root.path());
    assert_eq!(own.len(), 1);
    assert_eq!(model::load(&own[0]).ok(), Some(edited()));

    // Save goes to the original file, and the copy goes with the unsaved changes.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    settle(&mut h);
    assert!(!h.state().has_unsaved_changes());
    assert_eq!(model::load(&original).ok(), Some(edited()));
    assert!(copies_on_disk(root.path()).is_empty());
}

#[test]
fn discard_deletes_the_copy_and_keeps_the_sample() {
    let root = temp_dir();
    leave_copy(root.path(), Path::new("/nowhere/shop.spof.ron"));
    let mut h = app_with_recovery(root.path());
    h.run_steps(2);
    h.get_by_label("Recover unsaved work?");
    h.get_by_label("Discard").click();
    settle(&mut h);
    assert!(h.query_by_label("Recover unsaved work?").is_none());
    assert!(recovery::list(root.path()).is_empty());
    assert_eq!(
        std::fs::read_dir(root.path()).map(Iterator::count).ok(),
        Some(0)
    );
    assert_eq!(
        Some(h.state().model().clone()),
        model::from_str(SAMPLES[0].text, SAMPLES[0].file).ok()
    );
    assert!(!h.state().has_unsaved_changes());
}

#[test]
fn nothing_is_offered_without_copies() {
    let root = temp_dir();
    let mut h = app_with_recovery(root.path());
    settle(&mut h);
    assert!(h.query_by_label("Recover unsaved work?").is_none());
    assert!(copies_on_disk(root.path()).is_empty());
}

#[test]
fn an_edit_is_copied_after_a_quiet_spell_and_the_copy_goes_on_save() {
    let root = temp_dir();
    let files = temp_dir();
    let mut h = app_with_recovery(root.path());
    settle(&mut h);
    // Not `settle`: waiting for the analysis could take any number of frames, and each
    // moves input time on. The click's events take a frame each, about a second in all.
    h.get_by_label("⚙  Service").click();
    h.run_steps(1);
    assert!(h.state().has_unsaved_changes());
    assert!(copies_on_disk(root.path()).is_empty());
    h.run_steps(24);
    let copies = copies_on_disk(root.path());
    assert_eq!(copies.len(), 1);
    assert_eq!(
        model::load(&copies[0]).ok().as_ref(),
        Some(h.state().model())
    );
    assert!(h.state().recovery_dir().is_some());

    // Another edit updates the copy after its own quiet spell.
    h.get_by_label("⚙  Service").click();
    h.run_steps(1);
    assert_ne!(
        model::load(&copies[0]).ok().as_ref(),
        Some(h.state().model())
    );
    h.run_steps(24);
    assert_eq!(
        model::load(&copies[0]).ok().as_ref(),
        Some(h.state().model())
    );
    assert_eq!(h.state().model().components.len(), 9);

    h.state_mut()
        .request(Action::SaveTo(files.path().join("shop.spof.ron")));
    settle(&mut h);
    assert!(!h.state().has_unsaved_changes());
    assert!(copies_on_disk(root.path()).is_empty());
}

#[test]
fn closing_cleanly_removes_the_copy_and_its_directory() {
    let root = temp_dir();
    let mut h = app_with_recovery(root.path());
    settle(&mut h);
    h.get_by_label("⚙  Service").click();
    settle(&mut h);
    h.run_steps(24);
    assert_eq!(copies_on_disk(root.path()).len(), 1);
    // What eframe calls once the window has closed (after the unsaved-changes prompt).
    eframe::App::on_exit(h.state_mut(), None);
    assert_eq!(
        std::fs::read_dir(root.path()).map(Iterator::count).ok(),
        Some(0)
    );
}
