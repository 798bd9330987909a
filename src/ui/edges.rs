//! The canvas's dependencies: their looks, which one is under the pointer, and their
//! triangles, kept from frame to frame and made again only where a card moved, a look
//! changed or the view changed. Paint and geometry only; decides nothing about the model.
//!
//! They are drawn beside egui_graphs rather than by it: its drawing clones both cards of
//! every dependency every frame, which alone cost more than a frame at 50,000 of them.

use std::sync::Arc;

use egui::{Pos2, Rect, Shape, Vec2};

use super::parts::PartsMesh;
use super::resident::ResidentMesh;
use super::shapes::{DependencyLook, Drawing, dependency_shapes, on_segment, segment};

/// The view the kept triangles were made for.
#[derive(Clone, Debug)]
struct View {
    zoom: f32,
    /// Screen position of the canvas origin.
    offset: Vec2,
    clip: Rect,
    drawing: Arc<Drawing>,
}

impl View {
    fn same(&self, other: &View) -> bool {
        self.zoom == other.zoom
            && self.offset == other.offset
            && self.clip == other.clip
            && Arc::ptr_eq(&self.drawing, &other.drawing)
    }

    fn to_screen(&self, p: Pos2) -> Pos2 {
        (p.to_vec2() * self.zoom + self.offset).to_pos2()
    }
}

#[derive(Debug)]
struct Kept {
    view: View,
    /// Card centres the triangles were made for.
    positions: Vec<Pos2>,
    parts: PartsMesh,
}

#[derive(Debug, Default)]
pub struct Dependencies {
    /// Each dependency's two cards (node indices), in model order.
    ends: Vec<(usize, usize)>,
    /// 1 when the opposite dependency exists (drawn side by side), else 0.
    order: Vec<usize>,
    looks: Vec<DependencyLook>,
    /// The dependencies of each card.
    touching: Vec<Vec<usize>>,
    selected: Option<usize>,
    /// Dependencies to draw again whatever else happened.
    stale: Vec<usize>,
    kept: Option<Kept>,
    frames: u64,
}

impl Dependencies {
    /// A new set of dependencies between `cards` cards, all plain.
    pub fn new(ends: Vec<(usize, usize)>, cards: usize) -> Self {
        let pairs: std::collections::HashSet<(usize, usize)> = ends.iter().copied().collect();
        let order = ends
            .iter()
            .map(|&(f, t)| usize::from(f != t && pairs.contains(&(t, f))))
            .collect();
        let mut touching = vec![Vec::new(); cards];
        for (e, &(f, t)) in ends.iter().enumerate() {
            for card in [f, t] {
                if let Some(list) = touching.get_mut(card)
                    && list.last() != Some(&e)
                {
                    list.push(e);
                }
            }
        }
        let plain = DependencyLook {
            soft: false,
            into_spof: false,
            down: false,
        };
        Self {
            looks: vec![plain; ends.len()],
            ends,
            order,
            touching,
            ..Self::default()
        }
    }

    pub fn ends(&self) -> &[(usize, usize)] {
        &self.ends
    }

    /// The dependencies from or to `card`.
    pub fn touching(&self, card: usize) -> &[usize] {
        self.touching.get(card).map_or(&[], Vec::as_slice)
    }

    /// Set dependency `e`'s look; whether it changed.
    pub fn set_look(&mut self, e: usize, look: DependencyLook) -> bool {
        match self.looks.get_mut(e) {
            Some(old) if *old != look => {
                *old = look;
                self.stale.push(e);
                true
            }
            _ => false,
        }
    }

    /// Select dependency `e` or none; whether that changed.
    pub fn select(&mut self, e: Option<usize>) -> bool {
        if self.selected == e {
            return false;
        }
        self.stale.extend(self.selected);
        self.stale.extend(e);
        self.selected = e;
        true
    }

    /// The first dependency drawn through canvas point `pos`, cards centred at `positions`.
    pub fn at(&self, positions: &[Pos2], pos: Pos2) -> Option<usize> {
        (0..self.ends.len()).find(|&e| {
            self.segment(positions, e)
                .is_some_and(|(p0, p1)| on_segment(pos, p0, p1))
        })
    }

    fn segment(&self, positions: &[Pos2], e: usize) -> Option<(Pos2, Pos2)> {
        let (f, t) = self.ends[e];
        segment(*positions.get(f)?, *positions.get(t)?, self.order[e])
    }

    /// Every dependency but the selected one as one mesh (to paint under the cards), and the
    /// selected one as shapes (to paint over them). `offset` is the screen position of the
    /// canvas origin; triangles are kept from the last call where nothing they show changed,
    /// and reach the screen by way of `resident`.
    pub fn paint(
        &mut self,
        positions: &[Pos2],
        zoom: f32,
        offset: Vec2,
        clip: Rect,
        drawing: &Arc<Drawing>,
        resident: &mut ResidentMesh,
    ) -> (Shape, Vec<Shape>) {
        self.frames += 1;
        let view = View {
            zoom,
            offset,
            clip,
            drawing: Arc::clone(drawing),
        };
        let mut stale = vec![false; self.ends.len()];
        let reusable = self.kept.as_ref().filter(|k| {
            k.view.same(&view)
                && k.positions.len() == positions.len()
                && k.parts.len() == self.ends.len()
        });
        match reusable {
            None => stale.fill(true),
            Some(kept) => {
                for e in self.stale.drain(..) {
                    if let Some(s) = stale.get_mut(e) {
                        *s = true;
                    }
                }
                for (card, (was, now)) in kept.positions.iter().zip(positions).enumerate() {
                    if was != now {
                        for &e in &self.touching[card] {
                            stale[e] = true;
                        }
                    }
                }
            }
        }
        self.stale.clear();
        if stale.contains(&true) || self.kept.is_none() {
            self.kept = Some(self.remade(&stale, positions, view));
        }
        let on_top = match (self.selected, &self.kept) {
            (Some(e), Some(kept)) => self
                .segment(positions, e)
                .map(|(p0, p1)| {
                    let ends = (kept.view.to_screen(p0), kept.view.to_screen(p1));
                    dependency_shapes(ends, &self.looks[e], true, zoom, clip, drawing)
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let under = self
            .kept
            .as_ref()
            .map_or(Shape::Noop, |k| resident.shape(&k.parts, clip));
        (under, on_top)
    }

    /// The kept triangles with the `stale` dependencies' made again for `view`.
    fn remade(&mut self, stale: &[bool], positions: &[Pos2], view: View) -> Kept {
        let mut tessellator = view.drawing.tessellator(view.clip);
        let kept = self.kept.take().map(|k| k.parts);
        let parts = PartsMesh::update(kept, stale, self.frames, |e, mesh| {
            if Some(e) != self.selected
                && let Some((p0, p1)) = self.segment(positions, e)
            {
                let ends = (view.to_screen(p0), view.to_screen(p1));
                let shapes = dependency_shapes(
                    ends,
                    &self.looks[e],
                    false,
                    view.zoom,
                    view.clip,
                    &view.drawing,
                );
                for shape in shapes {
                    tessellator.tessellate_shape(shape, mesh);
                }
            }
        });
        Kept {
            view,
            positions: positions.to_vec(),
            parts,
        }
    }

    /// Each dependency's look.
    #[cfg(test)]
    pub fn looks(&self) -> &[DependencyLook] {
        &self.looks
    }

    /// The frame in which each dependency's triangles were last made (tests watch reuse).
    #[cfg(test)]
    pub fn made(&self) -> Vec<u64> {
        self.kept
            .as_ref()
            .map(|k| k.parts.made())
            .unwrap_or_default()
    }
}
