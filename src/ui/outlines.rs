//! Cards' outlines while zoomed out too far for text, as one mesh kept from frame to frame
//! under the cards (their dots, and the selected or dragged cards, are drawn by egui_graphs
//! on top): a card's triangles are made again only when its look, place or hover changed,
//! all of them when the zoom, the clip or the drawing settings did. Paint only.
//!
//! egui_graphs would otherwise take 10,000 meshes a frame from the cards of a large model,
//! one context lock each, and hand them to egui's tessellator one by one.

use std::sync::Arc;

use egui::{Rect, Shape};

use super::parts::PartsMesh;
use super::resident::ResidentMesh;
use super::shapes::{Drawing, Outline, outline_shapes};

/// What the kept triangles were made for.
#[derive(Debug)]
struct Kept {
    zoom: f32,
    clip: Rect,
    drawing: Arc<Drawing>,
    /// Each card's outline (none: not in the mesh), by node index.
    cards: Vec<Option<Outline>>,
    parts: PartsMesh,
}

#[derive(Debug, Default)]
pub struct Outlines {
    kept: Option<Kept>,
    frames: u64,
}

impl Outlines {
    /// The mesh of `cards`' outlines (by node index; none where a card draws itself) for
    /// `zoom`, culled to `clip`: the kept one where nothing it shows changed, on its way to
    /// the screen by `resident`.
    pub fn paint(
        &mut self,
        cards: Vec<Option<Outline>>,
        zoom: f32,
        clip: Rect,
        drawing: &Arc<Drawing>,
        resident: &mut ResidentMesh,
    ) -> Shape {
        self.frames += 1;
        if cards.iter().all(Option::is_none) {
            self.kept = None;
            return Shape::Noop;
        }
        let kept = self.kept.take().filter(|k| {
            k.zoom == zoom
                && k.clip == clip
                && Arc::ptr_eq(&k.drawing, drawing)
                && k.cards.len() == cards.len()
        });
        let stale: Vec<bool> = match &kept {
            Some(k) => cards
                .iter()
                .zip(&k.cards)
                .map(|(now, was)| match (now, was) {
                    (Some(now), Some(was)) => !now.same(was),
                    (None, None) => false,
                    _ => true,
                })
                .collect(),
            None => vec![true; cards.len()],
        };
        let parts = match kept {
            Some(k) if !stale.contains(&true) => k.parts,
            kept => {
                let mut tessellator = drawing.tessellator(clip);
                PartsMesh::update(kept.map(|k| k.parts), &stale, self.frames, |i, mesh| {
                    if let Some(Some(card)) = cards.get(i) {
                        for shape in
                            outline_shapes(&card.look, card.rect, zoom, card.hovered, drawing)
                        {
                            tessellator.tessellate_shape(shape, mesh);
                        }
                    }
                })
            }
        };
        let mesh = resident.shape(&parts, clip);
        self.kept = Some(Kept {
            zoom,
            clip,
            drawing: Arc::clone(drawing),
            cards,
            parts,
        });
        mesh
    }

    /// The frame in which each card's outline was last made, for cards in the mesh (tests
    /// watch reuse).
    #[cfg(test)]
    pub fn made(&self) -> Vec<Option<u64>> {
        self.kept
            .as_ref()
            .map(|k| {
                k.cards
                    .iter()
                    .zip(k.parts.made())
                    .map(|(card, made)| card.as_ref().map(|_| made))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use egui::epaint::{ClippedShape, Primitive};
    use egui::{Color32, Pos2, pos2, vec2};

    use super::*;
    use crate::model::ComponentKind;
    use crate::ui::shapes::{ComponentLook, NODE_SIZE, WhatIfState};

    fn look(kind: ComponentKind, spof: bool, whatif: Option<WhatIfState>) -> Arc<ComponentLook> {
        Arc::new(ComponentLook {
            kind,
            name: "a card".to_owned(),
            badge: Some("×3".to_owned()),
            zones: vec![("eu-1a".to_owned(), Color32::BLUE)],
            replication: None,
            entry: false,
            spof,
            whatif,
            knocked_out: false,
        })
    }

    /// What egui makes of the outlines' shapes, painted in `clip`.
    fn theirs(
        ctx: &egui::Context,
        cards: &[Option<Outline>],
        zoom: f32,
        clip: Rect,
        drawing: &Drawing,
    ) -> egui::epaint::Mesh {
        let shapes = cards
            .iter()
            .flatten()
            .map(|c| ClippedShape {
                clip_rect: clip,
                shape: Shape::Vec(outline_shapes(&c.look, c.rect, zoom, c.hovered, drawing)),
            })
            .collect();
        match ctx.tessellate(shapes, ctx.pixels_per_point()).as_slice() {
            [] => egui::epaint::Mesh::default(),
            [
                egui::epaint::ClippedPrimitive {
                    primitive: Primitive::Mesh(mesh),
                    ..
                },
            ] => mesh.clone(),
            _ => panic!("one mesh"),
        }
    }

    #[test]
    fn outline_triangles_are_the_ones_egui_makes_and_follow_every_change() {
        let ctx = egui::Context::default();
        ctx.run_ui(egui::RawInput::default(), |_| {})
            .textures_delta
            .clear();
        let drawing = Arc::new(Drawing::of(&ctx));
        let clip = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        let kinds = [
            ComponentKind::Client,
            ComponentKind::Dns,
            ComponentKind::LoadBalancer,
            ComponentKind::Queue,
            ComponentKind::Database,
            ComponentKind::External,
            ComponentKind::Group,
        ];
        for zoom in [0.05, 0.2, 0.44] {
            let mut outlines = Outlines::default();
            let mut cards: Vec<Option<Outline>> = kinds
                .iter()
                .enumerate()
                .map(|(i, &kind)| {
                    let centre = pos2(60.0 + 110.0 * i as f32, 300.0);
                    Some(Outline {
                        look: look(kind, i == 2, (i == 4).then_some(WhatIfState::Healthy)),
                        rect: Rect::from_center_size(centre, NODE_SIZE * zoom),
                        hovered: i == 3,
                    })
                })
                .collect();
            // One card draws itself (selected), one lies partly outside the clip.
            cards[1] = None;
            if let Some(c) = &mut cards[6] {
                c.rect = c.rect.translate(vec2(0.0, 598.0 - c.rect.center().y));
            }
            let check = |outlines: &mut Outlines, cards: &[Option<Outline>]| {
                let resident = &mut ResidentMesh::default();
                let Shape::Mesh(ours) =
                    outlines.paint(cards.to_vec(), zoom, clip, &drawing, resident)
                else {
                    panic!("outlines come as one mesh");
                };
                let theirs = theirs(&ctx, cards, zoom, clip, &drawing);
                assert!(!theirs.is_empty());
                assert_eq!(ours.vertices, theirs.vertices, "zoom {zoom}");
                assert_eq!(ours.indices, theirs.indices, "zoom {zoom}");
            };
            check(&mut outlines, &cards);
            let made = outlines.made();
            // Hovering changes a colour: made again in place, the others kept.
            if let Some(c) = &mut cards[0] {
                c.hovered = true;
            }
            check(&mut outlines, &cards);
            let now = outlines.made();
            assert_ne!(now[0], made[0]);
            assert_eq!(now[2..], made[2..]);
            // A new place and a new look, and a card that starts drawing itself.
            if let Some(c) = &mut cards[3] {
                c.rect = c.rect.translate(vec2(5.0, 40.0));
            }
            if let Some(c) = &mut cards[5] {
                c.look = look(ComponentKind::Cache, true, None);
            }
            cards[2] = None;
            check(&mut outlines, &cards);
            let last = outlines.made();
            assert_eq!(last[2], None);
            assert_ne!(last[3], now[3]);
            assert_ne!(last[5], now[5]);
            assert_eq!(last[4], now[4]);
        }
    }

    #[test]
    fn no_outline_left_draws_nothing() {
        let ctx = egui::Context::default();
        let drawing = Arc::new(Drawing::of(&ctx));
        let mut outlines = Outlines::default();
        let clip = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        assert!(matches!(
            outlines.paint(
                vec![None, None],
                1.0,
                clip,
                &drawing,
                &mut ResidentMesh::default()
            ),
            Shape::Noop
        ));
        assert!(outlines.made().is_empty());
    }
}
