//! File ▸ Compare with…: the open model against another version of it, as `spofscope diff`
//! compares them. The marks the canvas draws (added, changed, removed), the panel's numbers
//! (equal to the command line's), a file that does not load, and Esc closing it.

use std::path::{Path, PathBuf};

use egui::Key;
use egui_kittest::kittest::Queryable;
use spofscope::edit::Edit;
use spofscope::format::{duration, percents};
use spofscope::model::{Component, ComponentKind};
use spofscope::ui::{Action, CompareMarks};

use crate::support::{App, WINDOW, app, label_texts, open_sample, settle, temp_dir, wait};

fn sample_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(file)
}

/// Compare with `path` and wait for the comparison of the current content.
fn compare_with(h: &mut App, path: PathBuf) {
    h.state_mut().request(Action::CompareWith(path));
    wait(h, "the comparison", |h| h.state().comparison().is_some());
}

fn edit(h: &mut App, label: &str, edits: Vec<Edit>) {
    h.state_mut().request(Action::Edit {
        label: label.to_owned(),
        edits,
        select: None,
    });
    settle(h);
}

#[test]
fn comparing_marks_added_changed_and_removed_components() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let mut cache = h
        .state()
        .model()
        .component("cache")
        .cloned()
        .unwrap_or_else(|| panic!("no cache"));
    cache.replicas = 3;
    cache.min_healthy = 1;
    let mut audit = Component::new("audit", ComponentKind::Queue);
    audit.pos = (900.0, 600.0);
    edit(
        &mut h,
        "three changes",
        vec![
            Edit::AddComponent(audit),
            Edit::RemoveComponent("files".to_owned()),
            Edit::UpdateComponent {
                id: "cache".to_owned(),
                component: cache,
            },
        ],
    );
    compare_with(&mut h, sample_path("webshop.spof.ron"));

    let marks = h.state().compare_marks().unwrap_or_default();
    let removed: Vec<&str> = marks.removed.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        (marks.added.clone(), marks.changed.clone(), removed),
        (
            vec!["audit".to_owned()],
            vec!["cache".to_owned()],
            vec!["files"]
        )
    );
    // The ghost stands where the old file had the card.
    let old =
        spofscope::model::load(&sample_path("webshop.spof.ron")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        marks.removed.first().map(|c| c.pos),
        old.component("files").map(|c| c.pos)
    );
    let labels = label_texts(&h);
    for line in [
        "Compared with webshop.spof.ron",
        "Components added (1)",
        "Components removed (1)",
        "Components changed (1)",
        "SPOFs removed (1)",
    ] {
        assert!(
            labels.contains(&line.to_owned()),
            "no {line:?} in {labels:?}"
        );
    }

    h.key_press(Key::Escape);
    h.run_steps(3);
    assert_eq!(h.state().compared_with(), None);
    assert_eq!(h.state().compare_marks(), None::<CompareMarks>);
    assert!(h.query_by_label("Compared with webshop.spof.ron").is_none());
}

/// The panel says what `spofscope diff OLD NEW --format json` says for the web shop before
/// and after hardening.
#[test]
fn the_panel_shows_the_numbers_of_the_command_line_diff() {
    let (old, new) = (
        sample_path("webshop.spof.ron"),
        sample_path("webshop-hardened.spof.ron"),
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_spofscope"))
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run spofscope: {e}"));
    assert!(output.status.success());
    let cli: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    let count = |key: &str| match &cli[key] {
        serde_json::Value::Array(items) => items.len() as u64,
        other => other.as_u64().unwrap_or_else(|| panic!("{key}: {other}")),
    };

    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop-hardened.spof.ron");
    compare_with(&mut h, old);
    let labels = label_texts(&h);
    for (title, key) in [
        ("SPOFs added", "spofs_added"),
        ("SPOFs removed", "spofs_removed"),
        ("Order-2 risks added", "order2_added"),
        ("Order-2 risks removed", "order2_removed"),
        ("Components added", "components_added"),
        ("Components removed", "components_removed"),
        ("Components changed", "components_changed"),
    ] {
        let line = format!("{title} ({})", count(key));
        assert!(labels.contains(&line), "no {line:?} in {labels:?}");
    }
    assert_eq!(count("spofs_removed"), 5);
    let entry = &cli["entries"][0];
    let (before, after) = percents(
        entry["before"].as_f64().unwrap_or_default(),
        entry["after"].as_f64().unwrap_or_default(),
    );
    let line = format!("Web users: {before} ➡ {after}");
    assert_eq!(line, "Web users: 99.34 % ➡ 99.96 %");
    assert!(labels.contains(&line), "no {line:?} in {labels:?}");
    let minutes = |key: &str| entry[key].as_f64().unwrap_or_default();
    let down = format!(
        "{} ➡ {} down per year",
        duration(minutes("downtime_minutes_per_year_before")),
        duration(minutes("downtime_minutes_per_year_after"))
    );
    assert!(labels.contains(&down), "no {down:?} in {labels:?}");
    assert!(labels.contains(&"✔ no regression".to_owned()));
}

#[test]
fn a_file_that_does_not_load_says_where_and_compares_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("broken.spof.ron");
    std::fs::write(
        &path,
        "(\n  format: 1,\n  components: [ (id: \"a\", kind: Nope) ],\n)\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    h.state_mut().request(Action::CompareWith(path));
    h.run_steps(3);
    assert_eq!(h.state().compared_with(), None);
    assert!(h.query_by_label("Cannot open the model").is_some());
    assert!(
        h.query_by_label_contains("Line 3, column").is_some(),
        "{:?}",
        label_texts(&h)
    );
}

/// F5 while comparing: the slide after the current state is "Before ➡ after", with the
/// SPOFs and each entry's availability as the command line words them.
#[test]
fn a_presentation_while_comparing_has_a_before_after_slide() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop-hardened.spof.ron");
    compare_with(&mut h, sample_path("webshop.spof.ron"));
    h.state_mut()
        .request(Action::Run(spofscope::ui::Command::Presentation));
    h.run_steps(3);
    h.key_press(Key::ArrowRight);
    h.run_steps(3);
    let labels = label_texts(&h);
    for line in [
        "Before ➡ after",
        "6 ➡ 1",
        "5 removed · 0 added",
        "99.34 % ➡ 99.96 %",
        "2.4 days ➡ 3 h 6 min down per year",
    ] {
        assert!(
            labels.contains(&line.to_owned()),
            "no {line:?} in {labels:?}"
        );
    }
}
