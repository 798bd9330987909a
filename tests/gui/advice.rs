//! Recommendations in the desktop app, driven through egui_kittest on the real `SpofApp`:
//! Apply removes a SPOF in one undo step, Apply all matches `advice::fix_all`, hovering
//! previews without editing; and one rendered image of the panel with a preview.

use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use spofscope::advice;
use spofscope::analysis::{self, Options};
use spofscope::edit::Edit;
use spofscope::model::Model;
use spofscope::ui::Action;

use crate::support::{App, WINDOW, light_app, open_sample_advised, settle_advice, snapshot};

/// Where `id` is in the panel's ranked list.
fn rank(h: &App, id: &str) -> usize {
    h.state()
        .current_advice()
        .and_then(|a| a.recommendations.iter().position(|r| r.id == id))
        .unwrap_or_else(|| panic!("no recommendation {id}"))
}

fn summary(h: &App, id: &str) -> String {
    let i = rank(h, id);
    h.state()
        .current_advice()
        .map(|a| a.recommendations[i].summary.clone())
        .unwrap_or_default()
}

/// Scroll the panel until the widget labelled `label` is in view (scrolling is animated).
fn reveal(h: &mut App, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(30);
}

/// Click the Apply button of the row of `id` (rows are in rank order).
fn apply(h: &mut App, id: &str) {
    let title = summary(h, id);
    reveal(h, &title);
    let i = rank(h, id);
    h.query_all_by_label("Apply")
        .nth(i)
        .unwrap_or_else(|| panic!("no Apply button for {id}"))
        .click();
    settle_advice(h);
}

#[test]
fn the_panel_lists_the_recommendations_in_the_engines_order() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "webshop.spof.ron");
    let model = h.state().model().clone();
    let expected = advice::recommend(&model, &analysis::analyze(&model, &Options::default()));
    assert_eq!(
        h.state().current_advice().map(|a| a.recommendations.len()),
        Some(expected.recommendations.len())
    );
    h.get_by_label(&format!(
        "Recommendations ({})",
        expected.recommendations.len()
    ));
    assert_eq!(
        h.query_all_by_label("Apply").count(),
        expected.recommendations.len()
    );
    // The first row, as `spofscope check` prints it.
    h.get_by_label("Give Orders DB a synchronous replica with automatic failover");
    // The asynchronous replica, second, measures the same.
    h.get_by_label("Give Orders DB an asynchronous replica with automatic failover");
    for line in [
        "removes db",
        "saves 23 h 20 min / year down · +1 replica",
        "Web users: 99.34 % ➡ 99.60 % · 2.2 ➡ 2.4 nines",
    ] {
        assert_eq!(h.query_all_by_label(line).count(), 2, "{line}");
    }
}

#[test]
fn apply_removes_the_spof_in_one_undo_step_and_undo_brings_it_back() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "webshop.spof.ron");
    let original = h.state().model().clone();
    h.get_by_label("SPOFs (6)");
    h.get_by_label("component lb");

    apply(&mut h, "redundancy:lb");
    assert_eq!(
        h.state().model().component("lb").map(|c| c.replicas),
        Some(2)
    );
    h.get_by_label("SPOFs (5)");
    assert!(h.query_by_label("component lb").is_none());
    assert!(
        h.state()
            .current_advice()
            .is_some_and(|a| a.recommendations.iter().all(|r| r.id != "redundancy:lb"))
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle_advice(&mut h);
    assert_eq!(*h.state().model(), original);
    h.get_by_label("SPOFs (6)");
    h.get_by_label("component lb");
}

#[test]
fn after_an_edit_the_old_recommendations_cannot_be_applied() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "webshop.spof.ron");
    let mut lb = h.state().model().component("lb").cloned();
    if let Some(c) = &mut lb {
        c.replicas = 2;
    }
    let Some(lb) = lb else {
        panic!("no lb in the web shop");
    };
    h.state_mut().request(Action::Edit {
        label: "More replicas".to_owned(),
        edits: vec![spofscope::edit::Edit::UpdateComponent {
            id: "lb".to_owned(),
            component: lb,
        }],
        select: None,
    });
    // The edit applies at the end of the first frame; the second is drawn after it, and
    // the recommendations of the new content wait for its analysis.
    h.run_steps(2);
    assert!(h.state().current_advice().is_none());
    let buttons: Vec<bool> = h
        .query_all_by_label("Apply")
        .map(|b| b.accesskit_node().is_disabled())
        .collect();
    assert!(!buttons.is_empty());
    assert!(buttons.iter().all(|&disabled| disabled));
    settle_advice(&mut h);
    assert!(
        h.query_all_by_label("Apply")
            .all(|b| !b.accesskit_node().is_disabled())
    );
}

#[test]
fn moving_a_card_keeps_the_recommendations_and_apply_leaves_it_where_it_is() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "microservices.spof.ron");
    let ids = |h: &App| -> Vec<String> {
        h.state()
            .current_advice()
            .map(|a| a.recommendations.iter().map(|r| r.id.clone()).collect())
            .unwrap_or_default()
    };
    let before = ids(&h);
    // The best recommendation that changes a card already on the canvas.
    let (id, card) = h
        .state()
        .current_advice()
        .and_then(|a| {
            a.recommendations.iter().find_map(|r| {
                r.edits.iter().find_map(|e| match e {
                    Edit::UpdateComponent { id, .. } => Some((r.id.clone(), id.clone())),
                    _ => None,
                })
            })
        })
        .unwrap_or_else(|| panic!("no recommendation changes a card"));
    let moved = h
        .state()
        .model()
        .component(&card)
        .map(|c| (c.pos.0 + 300.0, c.pos.1 + 200.0))
        .unwrap_or_else(|| panic!("no card {card}"));
    h.state_mut().request(Action::Edit {
        label: "Move".to_owned(),
        edits: vec![Edit::Move(vec![(card.clone(), moved)])],
        select: None,
    });
    // The edit applies at the end of the first frame: the next one already has the
    // recommendations, carried over rather than measured again.
    h.run_steps(2);
    assert_eq!(ids(&h), before);
    apply(&mut h, &id);
    assert_eq!(
        h.state().model().component(&card).map(|c| c.pos),
        Some(moved),
        "{id} moved {card} back"
    );
}

#[test]
fn apply_is_labelled_with_the_recommendation_in_the_edit_menu() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "webshop.spof.ron");
    let title = summary(&h, "replication:db:sync");
    apply(&mut h, "replication:db:sync");
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label(&format!("Undo {title} Ctrl+Z"));
}

fn unplaced(m: &Model) -> Model {
    let mut m = m.clone();
    for c in &mut m.components {
        c.pos = (0.0, 0.0);
    }
    m
}

#[test]
fn apply_all_fixes_what_fix_all_fixes_in_one_undo_step() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "webshop.spof.ron");
    let original = h.state().model().clone();
    let expected = advice::fix_all(&original);
    let left = analysis::analyze(&expected.model, &Options::default())
        .spofs
        .len();
    assert_eq!(left, 0);

    h.get_by_label("Apply all fixes").click();
    settle_advice(&mut h);
    // The same model, but for where the app moved new cards that would cover others.
    assert_eq!(unplaced(h.state().model()), unplaced(&expected.model));
    assert_eq!(
        h.state().current_report().map(|r| r.spofs.len()),
        Some(left)
    );
    h.get_by_label("SPOFs (0)");
    let n = expected.applied.len();
    assert_eq!(
        h.state().status_message(),
        Some(format!("Applied {n} fixes; no SPOF left").as_str())
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle_advice(&mut h);
    assert_eq!(*h.state().model(), original);
    h.get_by_label("SPOFs (6)");
}

#[test]
fn hovering_a_row_previews_it_without_editing_the_document() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "webshop.spof.ron");
    let revision = h.state().document_revision();
    let model = h.state().model().clone();
    let title = summary(&h, "redundancy:lb");
    reveal(&mut h, &title);
    h.get_by_label(&title).hover();
    h.run_steps(3);
    assert_eq!(h.state().previewed_recommendation(), Some("redundancy:lb"));
    assert_eq!(h.state().document_revision(), revision);
    assert_eq!(*h.state().model(), model);
    assert!(!h.state().has_unsaved_changes());

    h.get_by_label("SPOFs (6)").hover();
    h.run_steps(2);
    assert_eq!(h.state().previewed_recommendation(), None);
    assert_eq!(h.state().document_revision(), revision);
}

/// The panel with its recommendations and the canvas previewing a standby provider (two new
/// components): rendered like `snapshots.rs`, timings masked.
#[test]
fn snapshot_of_a_previewed_recommendation() {
    let mut h = light_app([1440.0, 900.0]);
    open_sample_advised(&mut h, "microservices.spof.ron");
    let title = summary(&h, "redundancy:payment:standby");
    reveal(&mut h, &title);
    h.get_by_label(&title).hover();
    h.run_steps(3);
    assert_eq!(
        h.state().previewed_recommendation(),
        Some("redundancy:payment:standby")
    );
    snapshot(&mut h, "recommendation_preview");
}

/// How long the app asks egui to wait before the next frame (`Duration::MAX`: until input).
fn repaint_delay(h: &App) -> Option<Duration> {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.repaint_delay)
}

#[test]
fn an_idle_window_with_a_finished_analysis_asks_for_no_frames() {
    let mut h = light_app(WINDOW);
    open_sample_advised(&mut h, "webshop.spof.ron");
    h.run_steps(2);
    assert_eq!(repaint_delay(&h), Some(Duration::MAX));

    // After an edit and its analysis, and after a selection that moves the view, it goes
    // quiet again.
    h.get_by_label("component db").click();
    settle_advice(&mut h);
    h.run_steps(2);
    assert_eq!(repaint_delay(&h), Some(Duration::MAX));
    apply(&mut h, "redundancy:lb");
    h.run_steps(2);
    assert_eq!(repaint_delay(&h), Some(Duration::MAX));
}
