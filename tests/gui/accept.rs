//! Accepting a risk from the analysis panel (right-click ▸ Accept risk…): the dialog asks a
//! reason and an optional day, the row stays listed greyed with the reason, the SPOF no
//! longer counts (as for `check --fail-on spof`), undo takes it back, and the inspector's
//! model page lists it.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use spofscope::model::{Accepted, Date, Risk};

use crate::support::{App, WINDOW, app, event, label_texts, open_sample, settle};

fn spof_db() -> Risk {
    Risk::Spof(event("db"))
}

/// Open the Accept risk dialog on the SPOF row of `db` of the web shop.
fn open_dialog_on_db(h: &mut App) {
    h.get_by_label("component db").click_secondary();
    h.run_steps(3);
    h.get_by_label("Accept risk…").click();
    h.run_steps(3);
    assert!(
        h.query_by_label("Accept risk").is_some(),
        "the dialog did not open"
    );
}

fn ok_disabled(h: &App) -> bool {
    h.get_by_role_and_label(Role::Button, "OK")
        .accesskit_node()
        .is_disabled()
}

fn type_into(h: &mut App, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(2);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

fn accepted_db(h: &App) -> Vec<Accepted> {
    h.state().model().accepted.clone()
}

#[test]
fn accepting_a_spof_needs_a_reason_greys_its_row_and_undo_takes_it_back() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    assert!(h.query_by_label("SPOFs (6)").is_some());

    open_dialog_on_db(&mut h);
    assert!(ok_disabled(&h), "OK is enabled without a reason");
    type_into(&mut h, "Reason", "   ");
    assert!(ok_disabled(&h), "OK is enabled with a blank reason");
    type_into(&mut h, "Reason", "migrating to a managed cluster");
    assert!(!ok_disabled(&h));
    type_into(&mut h, "Until (optional)", "2027-02-30");
    assert!(ok_disabled(&h), "OK is enabled with an impossible day");
    assert!(label_texts(&h).contains(
        &"invalid date `2027-02-30`; expected a day as YYYY-MM-DD, e.g. 2027-06-30".to_owned()
    ));
    for _ in 0.."2027-02-30".len() {
        h.key_press(Key::Backspace);
    }
    h.run_steps(2);
    assert!(!ok_disabled(&h));
    h.get_by_role_and_label(Role::Button, "OK").click();
    settle(&mut h);

    assert_eq!(
        accepted_db(&h),
        vec![Accepted {
            risk: spof_db(),
            reason: "   migrating to a managed cluster".trim().to_owned(),
            until: None,
        }]
    );
    let report = h.state().current_report().map(|r| r.unaccepted_spofs());
    assert_eq!(
        report,
        Some(5),
        "an accepted SPOF still counts for --fail-on"
    );
    let labels = label_texts(&h);
    assert!(h.query_by_label("SPOFs (6, 1 accepted)").is_some());
    assert!(
        labels.contains(&"✋ accepted: migrating to a managed cluster".to_owned()),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Accepted risks (1)".to_owned()),
        "the inspector's model page does not list it: {labels:?}"
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(accepted_db(&h), Vec::new());
    assert!(h.query_by_label("SPOFs (6)").is_some());
}

#[test]
fn an_expiry_day_is_kept_and_an_acceptance_past_it_counts_again() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    open_dialog_on_db(&mut h);
    type_into(&mut h, "Reason", "old decision");
    type_into(&mut h, "Until (optional)", "2020-01-31");
    assert!(!ok_disabled(&h));
    h.get_by_role_and_label(Role::Button, "OK").click();
    settle(&mut h);
    assert_eq!(
        accepted_db(&h).first().and_then(|a| a.until),
        Date::new(2020, 1, 31)
    );
    assert_eq!(
        h.state().current_report().map(|r| r.unaccepted_spofs()),
        Some(6)
    );
    let labels = label_texts(&h);
    assert!(
        labels.contains(&"✋ acceptance expired on 2020-01-31: old decision".to_owned()),
        "{labels:?}"
    );
    assert!(labels.contains(&"expired".to_owned()), "{labels:?}");
}

#[test]
fn revoking_an_acceptance_in_the_inspector_is_one_undo_step() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    open_dialog_on_db(&mut h);
    type_into(&mut h, "Reason", "known");
    h.get_by_role_and_label(Role::Button, "OK").click();
    settle(&mut h);
    assert_eq!(accepted_db(&h).len(), 1);
    h.get_by_label("Revoke").scroll_to_me();
    h.run_steps(3);
    h.get_by_label("Revoke").click();
    settle(&mut h);
    assert_eq!(accepted_db(&h), Vec::new());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(accepted_db(&h).len(), 1);
}

#[test]
fn an_order2_row_and_a_finding_are_accepted_from_their_rows_too() {
    let mut h = app(WINDOW);
    open_sample(&mut h, "webshop.spof.ron");
    let (cut, finding) = {
        let report = h.state().current_report().expect("the sample is analysed");
        (report.order2[0].clone(), report.findings[0].clone())
    };
    let accept = |h: &mut App, row: &str, reason: &str| {
        h.get_by_label(row).click_secondary();
        h.run_steps(3);
        h.get_by_label("Accept risk…").click();
        h.run_steps(3);
        type_into(h, "Reason", reason);
        h.get_by_role_and_label(Role::Button, "OK").click();
        settle(h);
    };

    h.get_by_label("Order-2 risks (1)").click();
    h.run_steps(3);
    accept(
        &mut h,
        &cut.events.join(" + "),
        "two web replicas are enough",
    );
    accept(&mut h, &finding.message, "a known gap");

    assert_eq!(
        h.state().model().accepted,
        vec![
            Accepted {
                risk: cut.risk().expect("an order-2 set of two events"),
                reason: "two web replicas are enough".to_owned(),
                until: None,
            },
            Accepted {
                risk: finding.risk(),
                reason: "a known gap".to_owned(),
                until: None,
            },
        ]
    );
    let labels = label_texts(&h);
    for line in [
        "✋ accepted: two web replicas are enough",
        "✋ accepted: a known gap",
    ] {
        assert!(labels.contains(&line.to_owned()), "{line}: {labels:?}");
    }
    assert_eq!(
        h.state().current_report().map(|r| r.unaccepted_order2()),
        Some(0)
    );
}
