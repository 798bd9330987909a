//! Accepted risks in the window: the "Accept risk…" dialog, the greyed mark beside an
//! accepted row, and the inspector's list of them. Every change is one `SetAccepted` edit
//! pushed as an action; nothing here changes the model.

use egui::{Button, RichText, Ui};

use super::action::Action;
use super::fields::text_commit;
use super::look::red_text;
use crate::analysis::{AcceptedRisk, Report, Status};
use crate::edit::Edit;
use crate::io::report::acceptance_text;
use crate::model::{Accepted, Date, Model, Risk};

/// The dialog's fields while the user types them.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptForm {
    pub risk: Risk,
    pub reason: String,
    /// `YYYY-MM-DD`, or empty for no expiry.
    pub until: String,
}

impl AcceptForm {
    /// The form for `risk`, filled with its acceptance if the model has one (an expired one
    /// is renewed this way).
    pub fn new(risk: Risk, model: &Model) -> Self {
        let known = model.accepted.iter().find(|a| a.risk == risk);
        Self {
            reason: known.map(|a| a.reason.clone()).unwrap_or_default(),
            until: known
                .and_then(|a| a.until)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            risk,
        }
    }

    /// The acceptance the form describes, or why it cannot be one yet.
    pub fn accepted(&self) -> Result<Accepted, String> {
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err("Say why the team lives with this risk.".to_owned());
        }
        let until = parse_until(&self.until)?;
        Ok(Accepted {
            risk: self.risk.clone(),
            reason: reason.to_owned(),
            until,
        })
    }
}

/// An optional expiry as typed: empty is none; anything else must be a `YYYY-MM-DD` day.
fn parse_until(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<Date>().map(Some).map_err(|e| e.to_string())
}

/// The model's accepted risks with `accepted` in them: replacing an acceptance of the same
/// risk in place, appended otherwise.
pub fn with_accepted(model: &Model, accepted: Accepted) -> Vec<Accepted> {
    let mut list = model.accepted.clone();
    match list.iter_mut().find(|a| a.risk == accepted.risk) {
        Some(slot) => *slot = accepted,
        None => list.push(accepted),
    }
    list
}

/// One undo step accepting a risk (or changing its acceptance).
pub fn accept_action(model: &Model, accepted: Accepted) -> Action {
    let label = format!("Accept risk {}", accepted.risk);
    Action::edit_model(&label, Edit::SetAccepted(with_accepted(model, accepted)))
}

/// The "Accept risk…" dialog: a reason (required: OK stays disabled without one) and an
/// optional last day, checked as typed. `Some(acceptance)` once OK is pressed; `None`
/// while open; the bool says whether it stays open.
pub fn accept_dialog_ui(ctx: &egui::Context, form: &mut AcceptForm) -> (bool, Option<Accepted>) {
    let mut keep = true;
    let mut chosen = None;
    let modal = egui::Modal::new(egui::Id::new("accept_risk_dialog")).show(ctx, |ui| {
        ui.set_min_width(440.0);
        ui.heading("Accept risk");
        ui.label(RichText::new(form.risk.to_string()).monospace());
        ui.weak("It stays listed, greyed, and no longer fails `check --fail-on`.");
        ui.add_space(6.0);
        egui::Grid::new("accept_fields")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("Reason").id;
                let field = ui.add(
                    egui::TextEdit::multiline(&mut form.reason)
                        .desired_rows(2)
                        .desired_width(300.0)
                        .hint_text("why the team lives with it"),
                );
                field.labelled_by(label);
                ui.end_row();
                let label = ui.label("Until (optional)").id;
                ui.add(
                    egui::TextEdit::singleline(&mut form.until)
                        .desired_width(120.0)
                        .hint_text("YYYY-MM-DD"),
                )
                .labelled_by(label);
                ui.end_row();
            });
        if let Err(e) = parse_until(&form.until) {
            ui.colored_label(red_text(ui.visuals()), e);
        }
        ui.add_space(8.0);
        let accepted = form.accepted();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(accepted.is_ok(), Button::new("OK"))
                .clicked()
            {
                chosen = accepted.ok();
                keep = false;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
    });
    (keep && !modal.should_close(), chosen)
}

/// The greyed line under an accepted row: `accepted until 2027-06-30: migrating in Q2`.
pub fn acceptance_line_ui(ui: &mut Ui, acceptance: &AcceptedRisk) {
    let text = format!("✋ {}", acceptance_text(acceptance));
    match acceptance.status {
        Status::Holds => ui.weak(text),
        Status::Expired | Status::Stale => ui.colored_label(red_text(ui.visuals()), text),
    };
}

/// The row's context menu entry: accept the risk, or change its acceptance.
pub fn accept_menu_ui(ui: &mut Ui, report: &Report, risk: Risk, actions: &mut Vec<Action>) {
    let label = if report.acceptance(&risk).is_some() {
        "Edit acceptance…"
    } else {
        "Accept risk…"
    };
    if ui.button(label).clicked() {
        actions.push(Action::AcceptRisk(risk));
        ui.close();
    }
}

/// Accepted risks the analysis no longer finds, one greyed line each.
pub fn stale_ui(ui: &mut Ui, report: &Report) {
    let stale: Vec<&AcceptedRisk> = report.stale_accepted().collect();
    if stale.is_empty() {
        return;
    }
    ui.strong(format!("Stale acceptances ({})", stale.len()));
    for a in stale {
        ui.horizontal_wrapped(|ui| {
            ui.monospace(a.risk.to_string());
            acceptance_line_ui(ui, a);
        });
    }
}

/// The inspector's model page: each accepted risk with its reason and last day to edit,
/// and a button to revoke it; each change one undo step.
pub fn accepted_risks_ui(
    ui: &mut Ui,
    model: &Model,
    report: Option<&Report>,
    actions: &mut Vec<Action>,
) {
    ui.strong(format!("Accepted risks ({})", model.accepted.len()));
    if model.accepted.is_empty() {
        ui.weak("None: right-click a SPOF, order-2 risk or finding to accept it.");
    }
    for (i, a) in model.accepted.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.monospace(a.risk.to_string());
            let status = report.and_then(|r| r.accepted.iter().find(|x| x.risk == a.risk));
            match status.map(|s| s.status) {
                Some(Status::Expired) => {
                    ui.colored_label(red_text(ui.visuals()), "expired");
                }
                Some(Status::Stale) => {
                    ui.colored_label(red_text(ui.visuals()), "stale");
                }
                Some(Status::Holds) | None => {}
            }
            if ui
                .small_button("Revoke")
                .on_hover_text("The risk counts again for `check --fail-on`")
                .clicked()
            {
                let mut list = model.accepted.clone();
                list.remove(i);
                actions.push(Action::edit_model(
                    &format!("Revoke acceptance of {}", a.risk),
                    Edit::SetAccepted(list),
                ));
            }
        });
        ui.indent(("accepted", i), |ui| {
            accepted_fields_ui(ui, model, i, a, actions);
        });
    }
}

/// The reason and the last day of one acceptance, committed when a field loses focus. A
/// value refused (an empty reason, a malformed day) is said under the field until the next
/// commit.
fn accepted_fields_ui(
    ui: &mut Ui,
    model: &Model,
    i: usize,
    a: &Accepted,
    actions: &mut Vec<Action>,
) {
    let error_id = egui::Id::new(("accepted-error", i));
    let mut set = |ui: &mut Ui, next: Result<Accepted, String>| match next {
        Ok(next) => {
            ui.data_mut(|d| d.remove::<String>(error_id));
            let mut list = model.accepted.clone();
            if let Some(slot) = list.get_mut(i) {
                *slot = next;
            }
            actions.push(Action::edit_model(
                &format!("Edit acceptance of {}", a.risk),
                Edit::SetAccepted(list),
            ));
        }
        Err(e) => ui.data_mut(|d| {
            d.insert_temp(error_id, e);
        }),
    };
    ui.horizontal(|ui| {
        ui.weak("reason");
        if let Some(reason) =
            text_commit(ui, ("accepted-reason", i), &a.reason, false, false, 240.0)
        {
            let reason = reason.trim().to_owned();
            let next = if reason.is_empty() {
                Err("A reason is required.".to_owned())
            } else {
                Ok(Accepted {
                    reason,
                    ..a.clone()
                })
            };
            set(ui, next);
        }
    });
    ui.horizontal(|ui| {
        ui.weak("until");
        let shown = a.until.map(|d| d.to_string()).unwrap_or_default();
        if let Some(text) = text_commit(ui, ("accepted-until", i), &shown, false, false, 100.0) {
            let next = parse_until(&text).map(|until| Accepted { until, ..a.clone() });
            set(ui, next);
        }
    });
    if let Some(e) = ui.data(|d| d.get_temp::<String>(error_id)) {
        ui.colored_label(red_text(ui.visuals()), e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Event;

    fn form(reason: &str, until: &str) -> AcceptForm {
        AcceptForm {
            risk: Risk::Spof(Event::Component("db".to_owned())),
            reason: reason.to_owned(),
            until: until.to_owned(),
        }
    }

    #[test]
    fn the_form_needs_a_reason_and_takes_an_optional_iso_day() {
        assert_eq!(
            form("  ", "").accepted(),
            Err("Say why the team lives with this risk.".to_owned())
        );
        assert_eq!(
            form("migrating", "2027-02-30").accepted(),
            Err(
                "invalid date `2027-02-30`; expected a day as YYYY-MM-DD, e.g. 2027-06-30"
                    .to_owned()
            )
        );
        assert_eq!(
            form(" migrating ", " 2027-06-30 ").accepted(),
            Ok(Accepted {
                risk: Risk::Spof(Event::Component("db".to_owned())),
                reason: "migrating".to_owned(),
                until: Date::new(2027, 6, 30),
            })
        );
        assert_eq!(form("migrating", "").accepted().map(|a| a.until), Ok(None));
    }

    #[test]
    fn accepting_again_replaces_the_acceptance_in_place() {
        let mut model = Model::default();
        let other = Accepted {
            risk: Risk::Spof(Event::Zone("eu-a".to_owned())),
            reason: "one zone for now".to_owned(),
            until: None,
        };
        let old = Accepted {
            until: Date::new(2020, 1, 1),
            ..form("old", "").accepted().unwrap_or_else(|e| panic!("{e}"))
        };
        model.accepted = vec![old, other.clone()];
        let renewed = form("renewed", "2030-01-01")
            .accepted()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            AcceptForm::new(renewed.risk.clone(), &model),
            form("old", "2020-01-01")
        );
        assert_eq!(with_accepted(&model, renewed.clone()), vec![renewed, other]);
    }
}
