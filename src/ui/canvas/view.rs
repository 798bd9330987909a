//! The canvas's view: the layout that keeps the model's positions, zoom and pan kept in
//! egui_graphs' metadata, fitting and centring, and the conversions between screen and model.

use egui::{Pos2, Rect, Vec2, pos2, vec2};
use egui_graphs::{Layout, LayoutState, MetadataFrame};
use serde::{Deserialize, Serialize};

use super::{CANVAS_ID, Canvas, FIT_ZOOM, MAX_ZOOM, MIN_ZOOM, PRESENT_FIT_ZOOM};
use crate::model::Model;
use crate::ui::shapes::NODE_SIZE;

impl Canvas {
    pub(super) fn update_meta(&mut self, ctx: &egui::Context, f: impl FnOnce(&mut MetadataFrame)) {
        // The very key egui_graphs' `MetadataFrame::load` reads (it wraps `get_id` once more).
        let id = egui::Id::new(MetadataFrame::new(Some(CANVAS_ID.to_owned())).get_id());
        ctx.data_mut(|d| {
            let mut meta = d
                .get_persisted::<MetadataFrame>(id)
                .unwrap_or_else(|| MetadataFrame::new(Some(CANVAS_ID.to_owned())));
            f(&mut meta);
            self.zoom = meta.zoom;
            self.pan = meta.pan;
            d.insert_persisted(id, meta);
        });
    }

    pub(super) fn node_at(&self, screen: Pos2) -> Option<usize> {
        let p = self.to_canvas(screen);
        self.graph
            .nodes_iter()
            .find(|(_, n)| Rect::from_center_size(n.location(), NODE_SIZE).contains(p))
            .map(|(i, _)| i.index())
    }

    pub(super) fn to_canvas(&self, screen: Pos2) -> Pos2 {
        ((screen - self.rect.min - self.pan) / self.zoom).to_pos2()
    }

    pub(super) fn to_screen(&self, canvas: Pos2) -> Pos2 {
        self.rect.min + self.pan + canvas.to_vec2() * self.zoom
    }

    pub(super) fn apply_pending_view(&mut self, ctx: &egui::Context, model: &Model) {
        let size = self.rect.size();
        if self.pending_fit > 0 && size.x > 1.0 && size.y > 1.0 {
            self.pending_fit -= 1;
            let largest = if self.presenting {
                PRESENT_FIT_ZOOM
            } else {
                FIT_ZOOM
            };
            let (zoom, pan) = fit_view(model, size, largest);
            self.update_meta(ctx, |meta| {
                meta.zoom = zoom;
                meta.pan = pan;
            });
        }
        if let Some(id) = self.pending_centre.take()
            && let Some(c) = model.component(&id)
        {
            let target = vec2(c.pos.0, c.pos.1);
            self.update_meta(ctx, |meta| {
                meta.pan = size / 2.0 - target * meta.zoom;
            });
        }
    }

    pub(super) fn read_meta(&mut self, ctx: &egui::Context) {
        self.update_meta(ctx, |_| {});
    }
}

/// A layout that never moves anything: positions belong to the model.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KeepState;

impl LayoutState for KeepState {}

#[derive(Debug, Default)]
pub struct KeepPositions;

impl Layout<KeepState> for KeepPositions {
    fn from_state(_: KeepState) -> impl Layout<KeepState> {
        KeepPositions
    }

    fn next<N, E, Ty, Ix, Dn, De>(
        &mut self,
        _: &mut egui_graphs::Graph<N, E, Ty, Ix, Dn, De>,
        _: &egui::Ui,
    ) where
        N: Clone,
        E: Clone,
        Ty: petgraph::EdgeType,
        Ix: petgraph::graph::IndexType,
        Dn: egui_graphs::DisplayNode<N, E, Ty, Ix>,
        De: egui_graphs::DisplayEdge<N, E, Ty, Ix, Dn>,
    {
    }

    fn state(&self) -> KeepState {
        KeepState
    }
}

pub(super) fn zoom_around(meta: &mut MetadataFrame, local: Vec2, factor: f32) {
    let new_zoom = (meta.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
    let graph_point = (local - meta.pan) / meta.zoom;
    meta.pan = local - graph_point * new_zoom;
    meta.zoom = new_zoom;
}

/// Zoom and pan that show every component in a view of `size`, zoomed in no further than `largest`.
pub(super) fn fit_view(model: &Model, size: Vec2, largest: f32) -> (f32, Vec2) {
    let mut bounds = Rect::NOTHING;
    for c in &model.components {
        bounds = bounds.union(Rect::from_center_size(pos2(c.pos.0, c.pos.1), NODE_SIZE));
    }
    if !bounds.is_finite() || bounds.is_negative() {
        return (1.0, size / 2.0);
    }
    // Room for the tags above the cards and the legend in the corner.
    let bounds = bounds.expand2(vec2(30.0, 40.0));
    let zoom = (size.x / bounds.width())
        .min(size.y / bounds.height())
        .clamp(MIN_ZOOM, largest);
    let pan = size / 2.0 - bounds.center().to_vec2() * zoom;
    (zoom, pan)
}
