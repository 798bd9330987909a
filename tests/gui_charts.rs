#![cfg(feature = "gui")]
//! The charts section of the analysis panel, through egui_kittest on the real `SpofApp`:
//! collapsed by default, and once opened it shows both charts with their titles.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spofscope::ui::{Action, SAMPLES, SpofApp};

fn app() -> Harness<'static, SpofApp> {
    Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(|cc| SpofApp::new(cc, None))
}

/// Step until the analysis and the recommendations (which lengthen the panel) are there.
fn settle(h: &mut Harness<'static, SpofApp>) {
    for _ in 0..1000 {
        h.run_steps(1);
        if h.state().analysis_is_current() && h.state().current_advice().is_some() {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the background analysis did not finish");
}

#[test]
fn the_charts_section_opens_on_both_charts() {
    let mut h = app();
    let index = SAMPLES
        .iter()
        .position(|s| s.file == "microservices.spof.ron");
    h.state_mut()
        .request(Action::OpenSample(index.unwrap_or_default()));
    settle(&mut h);
    assert!(h.query_by_label("Downtime per year").is_none());
    h.get_by_label("Charts").scroll_to_me();
    h.run_steps(30);
    h.get_by_label("Charts").click();
    h.run_steps(5);
    h.get_by_label("Downtime per year");
    h.get_by_label("Importance (top 10)");
}
