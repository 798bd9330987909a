//! The charts section of the analysis panel, through egui_kittest on the real `SpofApp`:
//! collapsed by default, and once opened it shows both charts with their titles.

use egui_kittest::kittest::Queryable;

use crate::support::{WINDOW, app, open_sample_advised};

#[test]
fn the_charts_section_opens_on_both_charts() {
    let mut h = app(WINDOW);
    open_sample_advised(&mut h, "microservices.spof.ron");
    assert!(
        h.query_by_label("Down and degraded time per year")
            .is_none()
    );
    h.get_by_label("Charts").scroll_to_me();
    h.run_steps(30);
    h.get_by_label("Charts").click();
    h.run_steps(5);
    h.get_by_label("Down and degraded time per year");
    h.get_by_label("Importance (top 10)");
}
