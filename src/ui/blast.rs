//! The blast-radius tint: which SPOF the user is pointing at (its row in the panel, its card
//! on the canvas, or the one selected component) and which components go down with it, for
//! the canvas and the slides to tint. Reads the report; draws and changes nothing.

use crate::analysis::{Report, Spof};
use crate::model::Event;

/// The SPOF to tint: the hovered row first, then the hovered card, then the selection
/// when it is exactly one component.
pub fn pointed_spof<'r>(
    report: &'r Report,
    hovered_row: Option<&Event>,
    hovered_card: Option<&str>,
    selected: &[String],
) -> Option<&'r Spof> {
    if let Some(event) = hovered_row {
        return report.spofs.iter().find(|s| s.event() == *event);
    }
    if let Some(id) = hovered_card
        && let Some(spof) = report.component_spof(id)
    {
        return Some(spof);
    }
    match selected {
        [id] => report.component_spof(id),
        _ => None,
    }
}
