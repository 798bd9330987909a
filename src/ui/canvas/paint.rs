//! What the canvas paints over the graph: the band or connect line, the preview of a
//! recommendation, the zone legend, the empty-model hint and the SPOF count (SPOFs the
//! team accepted do not raise it).

use std::collections::HashMap;

use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, StrokeKind, pos2, vec2};

use super::restyle::look_of;
use super::{Canvas, Gesture, ZoneIndex};
use crate::analysis::Report;
use crate::model::Model;
use crate::ui::look::{DOT, GREEN, RED, green_text, red_text, zone_colour};
use crate::ui::shapes::{NODE_SIZE, boundary_point, dashed_outline, ghost_card, ghost_edge};

impl Canvas {
    pub(super) fn paint_overlays(&self, ui: &egui::Ui, model: &Model, report: Option<&Report>) {
        let painter = ui.painter_at(self.rect);
        let visuals = ui.visuals();
        match self.gesture {
            Gesture::Band { start } => {
                if let Some(end) = ui.input(|i| i.pointer.latest_pos()) {
                    let band = Rect::from_two_pos(start, end);
                    painter.rect_filled(band, 0.0, visuals.selection.bg_fill.gamma_multiply(0.25));
                    painter.rect_stroke(band, 0.0, visuals.selection.stroke, StrokeKind::Inside);
                }
            }
            Gesture::Connect { from } => {
                if let (Some(end), Some(id)) =
                    (ui.input(|i| i.pointer.latest_pos()), self.ids.get(from))
                    && let Some(p) = self.position_of(id)
                {
                    let colour = visuals.selection.stroke.color;
                    painter.line_segment([self.to_screen(p), end], Stroke::new(2.0, colour));
                    painter.circle_filled(end, 4.0, colour);
                }
            }
            Gesture::Pan | Gesture::None => {}
        }
        self.paint_preview(&painter, ui);
        self.paint_marks(&painter, ui, model);
        self.paint_legend(&painter, ui, model);
        if model.components.is_empty() {
            painter.text(
                self.rect.center(),
                Align2::CENTER_CENTER,
                "Click a kind in the palette, or double-click here, to add a component",
                FontId::proportional(16.0),
                visuals.weak_text_color(),
            );
        }
        if let Some(r) = report
            && let Some((text, alarm)) = spof_badge(r.spofs.len(), r.unaccepted_spofs())
        {
            painter.text(
                self.rect.right_top() + vec2(-10.0, 10.0),
                Align2::RIGHT_TOP,
                text,
                FontId::proportional(15.0),
                if alarm {
                    red_text(visuals)
                } else {
                    visuals.weak_text_color()
                },
            );
        }
    }

    /// The hovered recommendation: components it adds as translucent cards with a dashed
    /// outline, dependencies it adds or changes dashed, ones it removes crossed out, and
    /// components it changes outlined with the change written under them.
    pub(super) fn paint_preview(&self, painter: &egui::Painter, ui: &egui::Ui) {
        let Some(preview) = &self.preview else {
            return;
        };
        let zoom = self.zoom;
        let zone_index: ZoneIndex<'_> = preview
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.as_str(), i))
            .collect();
        let ghosts: HashMap<&str, Pos2> = preview
            .added
            .iter()
            .map(|c| (c.id.as_str(), pos2(c.pos.0, c.pos.1)))
            .collect();
        let centre = |id: &str| self.position_of(id).or_else(|| ghosts.get(id).copied());
        let mark = FontId::proportional((16.0 * zoom).max(10.0));
        for (from, to) in &preview.removed {
            if let (Some(a), Some(b)) = (centre(from), centre(to)) {
                let middle = self.to_screen(a + (b - a) / 2.0);
                painter.text(middle, Align2::CENTER_CENTER, "✖", mark.clone(), RED);
            }
        }
        for d in &preview.edges {
            if let (Some(a), Some(b)) = (centre(&d.from), centre(&d.to)) {
                let (p0, p1) = (boundary_point(a, b - a), boundary_point(b, a - b));
                painter.extend(ghost_edge(
                    self.to_screen(p0),
                    self.to_screen(p1),
                    zoom,
                    GREEN,
                ));
            }
        }
        let mut faint = painter.clone();
        faint.set_opacity(0.55);
        let font = FontId::proportional((11.0 * zoom).max(8.0));
        for c in &preview.added {
            let rect =
                Rect::from_center_size(self.to_screen(pos2(c.pos.0, c.pos.1)), NODE_SIZE * zoom);
            let look = look_of(c, &zone_index);
            faint.extend(ghost_card(ui.ctx(), &look, rect, zoom, ui.visuals()));
            painter.extend(dashed_outline(rect, zoom, GREEN));
            painter.text(
                rect.left_bottom() + vec2(0.0, 3.0 * zoom),
                Align2::LEFT_TOP,
                "+ new",
                font.clone(),
                green_text(ui.visuals()),
            );
        }
        for (c, words) in &preview.changed {
            let Some(p) = self.position_of(&c.id) else {
                continue;
            };
            let rect = Rect::from_center_size(self.to_screen(p), NODE_SIZE * zoom);
            painter.extend(dashed_outline(rect.expand(5.0 * zoom), zoom, GREEN));
            let mut x = rect.left();
            let y = rect.bottom() + 8.0 * zoom;
            for word in words {
                let g = painter.layout_no_wrap(word.clone(), font.clone(), Color32::WHITE);
                let chip = Rect::from_min_size(pos2(x, y), g.size() + vec2(8.0 * zoom, 2.0 * zoom));
                painter.rect_filled(chip, 4.0 * zoom, GREEN);
                painter.galley(chip.min + vec2(4.0 * zoom, zoom), g, Color32::WHITE);
                x = chip.right() + 4.0 * zoom;
            }
        }
    }

    /// Regions and their zones, with the colours the cards use.
    pub(super) fn paint_legend(&self, painter: &egui::Painter, ui: &egui::Ui, model: &Model) {
        if model.regions.is_empty() {
            return;
        }
        let text = ui.visuals().text_color();
        let mut y = self.rect.top() + 8.0;
        let mut zone_i = 0;
        let font = FontId::proportional(12.0);
        let background = ui.visuals().window_fill.gamma_multiply(0.85);
        let mut shapes = Vec::new();
        let mut extent = Rect::NOTHING;
        for region in &model.regions {
            let mut x = self.rect.left() + 10.0;
            let label = if region.name.is_empty() {
                format!("region {}", region.id)
            } else {
                format!("region {} · {}", region.id, region.name)
            };
            let g = painter.layout_no_wrap(label, font.clone(), text);
            let r = Rect::from_min_size(pos2(x, y), g.size());
            extent = extent.union(r);
            x = r.right() + 8.0;
            shapes.push(Shape::galley(r.min, g, text));
            for zone in &region.zones {
                let g = painter.layout_no_wrap(zone.id.clone(), font.clone(), Color32::WHITE);
                let chip = Rect::from_min_size(pos2(x, y - 1.0), g.size() + vec2(10.0, 2.0));
                extent = extent.union(chip);
                shapes.push(Shape::rect_filled(chip, 4.0, zone_colour(zone_i)));
                shapes.push(Shape::galley(chip.min + vec2(5.0, 1.0), g, Color32::WHITE));
                x = chip.right() + 5.0;
                zone_i += 1;
            }
            y += 20.0;
        }
        painter.rect_filled(extent.expand(5.0), 5.0, background);
        painter.extend(shapes);
    }
}

/// The canvas' SPOF count, and whether it is an alarm: the SPOFs no acceptance covers in
/// red (`● 3 SPOFs, 1 accepted`), or, when the team has accepted every one, a quiet
/// `2 SPOFs, all accepted`; nothing without SPOFs.
fn spof_badge(total: usize, unaccepted: usize) -> Option<(String, bool)> {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let accepted = total - unaccepted.min(total);
    match (total, unaccepted) {
        (0, _) => None,
        (_, 0) => Some((
            format!("{total} SPOF{}, all accepted", plural(total)),
            false,
        )),
        (_, n) if accepted == 0 => Some((format!("{DOT} {n} SPOF{}", plural(n)), true)),
        (_, n) => Some((
            format!("{DOT} {n} SPOF{}, {accepted} accepted", plural(n)),
            true,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_spofs_do_not_raise_the_alarm() {
        assert_eq!(spof_badge(0, 0), None);
        assert_eq!(spof_badge(1, 1), Some((format!("{DOT} 1 SPOF"), true)));
        assert_eq!(spof_badge(6, 6), Some((format!("{DOT} 6 SPOFs"), true)));
        assert_eq!(
            spof_badge(6, 5),
            Some((format!("{DOT} 5 SPOFs, 1 accepted"), true))
        );
        assert_eq!(
            spof_badge(2, 0),
            Some(("2 SPOFs, all accepted".to_owned(), false))
        );
    }
}
