//! Rendered images of the real app (egui_kittest + wgpu on Mesa's software Vulkan), compared with
//! the committed PNGs in `tests/snapshots/`: the main window (with the model page in the
//! inspector), what-if mode, the inspector, the charts and the scenario comparison.

use egui_kittest::kittest::Queryable;
use spofscope::ui::Action;

use crate::support::{App, event, light_app, open_sample_advised, settle_advice, snapshot, wait};

fn app_on(sample: &str) -> App {
    let mut h = light_app([1440.0, 900.0]);
    open_sample_advised(&mut h, sample);
    h
}

/// Nothing selected: the inspector shows the model page with its defaults.
#[test]
fn main_window_on_the_microservices_sample() {
    let mut h = app_on("microservices.spof.ron");
    snapshot(&mut h, "main_window");
}

#[test]
fn whatif_mode_with_a_zone_knocked_out() {
    let mut h = app_on("webshop-hardened.spof.ron");
    h.state_mut()
        .request(Action::SetKnockouts(vec![event("zone:eu-a"), event("db")]));
    settle_advice(&mut h);
    snapshot(&mut h, "whatif_mode");
}

#[test]
fn inspector_on_a_selected_database() {
    let mut h = app_on("webshop.spof.ron");
    h.state_mut().request(Action::Focus("db".to_owned()));
    settle_advice(&mut h);
    snapshot(&mut h, "inspector");
}

#[test]
fn charts_of_down_and_degraded_time_on_the_microservices_sample() {
    let mut h = app_on("microservices.spof.ron");
    h.get_by_label("Charts").click();
    h.run_steps(3);
    h.get_by_label("Down and degraded time per year")
        .scroll_to_me();
    h.run_steps(30);
    snapshot(&mut h, "charts");
}

#[test]
fn scenarios_compared_on_the_microservices_sample() {
    let mut h = app_on("microservices.spof.ron");
    h.get_by_label("Scenarios (3)").click();
    h.run_steps(3);
    h.get_by_label("Run all").click();
    wait(&mut h, "the scenario comparison", |h| {
        h.state().scenario_comparison_is_current()
    });
    snapshot(&mut h, "scenarios_compared");
}

/// File ▸ Compare with… the web shop before hardening, on the hardened one with a queue
/// added and the file store removed: the added card outlined green, the changed ones amber,
/// the removed one a faded ghost where it stood; the panel with the diff's numbers.
#[test]
fn compare_view_of_the_hardened_web_shop_against_the_original() {
    let mut h = app_on("webshop-hardened.spof.ron");
    let mut audit =
        spofscope::model::Component::new("audit", spofscope::model::ComponentKind::Queue);
    audit.name = "Audit log".to_owned();
    audit.pos = (560.0, 420.0);
    h.state_mut().request(Action::Edit {
        label: "compare".to_owned(),
        edits: vec![
            spofscope::edit::Edit::AddComponent(audit),
            spofscope::edit::Edit::RemoveComponent("files".to_owned()),
        ],
        select: None,
    });
    settle_advice(&mut h);
    let old = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/webshop.spof.ron");
    h.state_mut().request(Action::CompareWith(old));
    wait(&mut h, "the comparison", |h| {
        h.state().comparison().is_some()
    });
    settle_advice(&mut h);
    snapshot(&mut h, "compare_view");
}
