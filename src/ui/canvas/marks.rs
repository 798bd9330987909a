//! What the canvas lays over its cards besides a recommendation's preview: the blast radius
//! of the SPOF pointed at (tinted) and, while comparing, the components added (green
//! outline), changed (amber outline) and removed (a faded ghost where it stood). Each mark
//! pairs its colour with a word, so it survives greyscale. Paints only; decides nothing.

use egui::{Align2, FontId, Painter, Rect, Stroke, StrokeKind, pos2, vec2};

use super::restyle::look_of;
use super::{Canvas, ZoneIndex};
use crate::model::Model;
use crate::ui::compare::CompareMarks;
use crate::ui::look::{AMBER, GREEN, RED, amber_text, green_text, red_text};
use crate::ui::shapes::{NODE_SIZE, dashed_outline, ghost_card};

/// The marks of one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CanvasMarks {
    pub compare: Option<CompareMarks>,
    /// The components in the blast radius of the SPOF pointed at, the SPOF first.
    pub blast: Vec<String>,
}

impl Canvas {
    /// Paint the marks set for this frame over the cards.
    pub(super) fn paint_marks(&self, painter: &Painter, ui: &egui::Ui, model: &Model) {
        let zoom = self.zoom;
        let marks = &self.marks;
        let visuals = ui.visuals();
        let card = |id: &str| {
            let p = self.position_of(id)?;
            Some(Rect::from_center_size(self.to_screen(p), NODE_SIZE * zoom))
        };
        let font = FontId::proportional((11.0 * zoom).max(8.0));
        let word = |rect: Rect, text: &str, colour| {
            painter.text(
                rect.left_bottom() + vec2(0.0, 6.0 * zoom),
                Align2::LEFT_TOP,
                text,
                font.clone(),
                colour,
            );
        };
        for (i, id) in marks.blast.iter().enumerate() {
            let Some(rect) = card(id) else {
                continue;
            };
            let halo = rect.expand(6.0 * zoom);
            painter.rect_filled(halo, 8.0 * zoom, RED.gamma_multiply(0.18));
            painter.extend(dashed_outline(halo, zoom, RED));
            if i > 0 {
                painter.text(
                    halo.right_top() + vec2(0.0, -2.0 * zoom),
                    Align2::RIGHT_BOTTOM,
                    "✖ goes down",
                    font.clone(),
                    red_text(visuals),
                );
            }
        }
        let Some(compare) = &marks.compare else {
            return;
        };
        let outline = |rect: Rect, colour| {
            painter.rect_stroke(
                rect.expand(4.0 * zoom),
                6.0 * zoom,
                Stroke::new((3.0 * zoom).max(1.5), colour),
                StrokeKind::Outside,
            );
        };
        for id in &compare.added {
            if let Some(rect) = card(id) {
                outline(rect, GREEN);
                word(rect, "+ added", green_text(visuals));
            }
        }
        for id in &compare.changed {
            if let Some(rect) = card(id) {
                outline(rect, AMBER);
                word(rect, "~ changed", amber_text(visuals));
            }
        }
        let zone_index: ZoneIndex<'_> = model.zone_ids().enumerate().map(|(i, z)| (z, i)).collect();
        let mut faint = painter.clone();
        faint.set_opacity(0.35);
        for c in &compare.removed {
            let rect =
                Rect::from_center_size(self.to_screen(pos2(c.pos.0, c.pos.1)), NODE_SIZE * zoom);
            let look = look_of(c, &zone_index);
            faint.extend(ghost_card(ui.ctx(), &look, rect, zoom, visuals));
            painter.extend(dashed_outline(rect, zoom, visuals.weak_text_color()));
            word(rect, "− removed", visuals.weak_text_color());
        }
    }
}
