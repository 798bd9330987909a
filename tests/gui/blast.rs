//! The blast-radius tint, at the level of the app's state: hovering a SPOF row in the
//! analysis panel, pointing at a SPOF's card or selecting a component that is a SPOF, names
//! the components the canvas tints; anything else names none.

use egui_kittest::kittest::Queryable;
use spofscope::ui::Action;

use crate::support::{App, WINDOW, app, open_sample, settle};

fn tinted(h: &App) -> Vec<String> {
    h.state().blast_radius().to_vec()
}

/// The blast radius `spofscope check` reports for the SPOF `id`.
fn radius_of(h: &App, id: &str) -> Vec<String> {
    h.state()
        .current_report()
        .and_then(|r| r.spofs.iter().find(|s| s.id == id))
        .map(|s| s.blast_radius.clone())
        .unwrap_or_else(|| panic!("{id} is no SPOF"))
}

#[test]
fn hovering_a_spof_row_or_selecting_a_spof_tints_its_blast_radius() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    assert_eq!(tinted(&h), Vec::<String>::new());

    h.get_by_label("zone eu-a").hover();
    h.run_steps(2);
    assert_eq!(tinted(&h), radius_of(&h, "eu-a"));
    assert_eq!(tinted(&h).len(), 7);

    h.state_mut()
        .request(Action::SelectOnly(vec!["db".to_owned()]));
    settle(&mut h);
    h.get_by_label("component dns").hover();
    h.run_steps(2);
    assert_eq!(tinted(&h), radius_of(&h, "dns"), "the hovered row wins");

    h.hover_at(egui::pos2(4.0, WINDOW[1] - 4.0));
    h.run_steps(2);
    assert_eq!(tinted(&h), radius_of(&h, "db"));
    assert_eq!(tinted(&h)[0], "db");

    h.state_mut()
        .request(Action::SelectOnly(vec!["web".to_owned()]));
    settle(&mut h);
    assert_eq!(tinted(&h), Vec::<String>::new(), "web is no SPOF");

    let lb = h
        .state()
        .card_on_screen("lb")
        .unwrap_or_else(|| panic!("no card lb"));
    h.hover_at(lb);
    h.run_steps(3);
    assert_eq!(
        tinted(&h),
        radius_of(&h, "lb"),
        "the card under the pointer wins"
    );
}
