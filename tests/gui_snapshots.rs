//! Rendered images of the real app (egui_kittest + wgpu on Mesa's software Vulkan), compared with
//! the committed PNGs in `tests/snapshots/`: the main window, what-if mode and the inspector.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spofscope::ui::{Action, SAMPLES, SpofApp};

fn app_on(sample: &str) -> Harness<'static, SpofApp> {
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .with_theme(egui::Theme::Light)
        .build_eframe(|cc| SpofApp::new(cc, None));
    let index = SAMPLES
        .iter()
        .position(|s| s.file == sample)
        .unwrap_or_default();
    h.state_mut().request(Action::OpenSample(index));
    settle(&mut h);
    h
}

fn settle(h: &mut Harness<'static, SpofApp>) {
    for _ in 0..1000 {
        h.run_steps(1);
        let s = h.state();
        if s.analysis_is_current()
            && s.current_advice().is_some()
            && (s.knockouts().is_empty() || s.whatif_is_current())
        {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the background analysis did not finish");
}

/// Snapshot with the analysis timings masked: they differ from run to run. Each timing is the
/// last thing on its row, so a fixed-width mask hides it whatever its length.
fn snapshot(h: &mut Harness<'static, SpofApp>, name: &str) {
    let timings: Vec<egui::Rect> = h
        .query_all_by_label_contains(" ms")
        .map(|n| {
            let r = n.rect();
            egui::Rect::from_min_size(r.min, egui::vec2(160.0, r.height()))
        })
        .collect();
    for rect in timings {
        h.mask(rect);
    }
    h.snapshot(name);
}

#[test]
fn main_window_on_the_microservices_sample() {
    let mut h = app_on("microservices.spof.ron");
    snapshot(&mut h, "main_window");
}

#[test]
fn whatif_mode_with_a_zone_knocked_out() {
    let mut h = app_on("webshop-hardened.spof.ron");
    h.state_mut().request(Action::SetKnockouts(vec![
        "zone:eu-a".to_owned(),
        "db".to_owned(),
    ]));
    settle(&mut h);
    snapshot(&mut h, "whatif_mode");
}

#[test]
fn inspector_on_a_selected_database() {
    let mut h = app_on("webshop.spof.ron");
    h.state_mut().request(Action::Focus("db".to_owned()));
    settle(&mut h);
    snapshot(&mut h, "inspector");
}
