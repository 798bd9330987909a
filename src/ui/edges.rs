//! The canvas's dependencies: their looks, which one is under the pointer, and their
//! triangles, kept from frame to frame and made again only where a card moved, a look
//! changed or the view changed. Paint and geometry only; decides nothing about the model.
//!
//! They are drawn beside egui_graphs rather than by it: its drawing clones both cards of
//! every dependency every frame, which alone cost more than a frame at 50,000 of them.

use std::sync::Arc;

use egui::epaint::Mesh;
use egui::{Pos2, Rect, Shape, Vec2};

use super::shapes::{DependencyLook, Drawing, dependency_shapes, on_segment, segment};

/// Where a dependency's triangles are in the kept mesh, and the frame they were made in.
#[derive(Clone, Copy, Debug, Default)]
struct Part {
    vertices: (u32, u32),
    indices: (u32, u32),
    made: u64,
}

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
    parts: Vec<Part>,
    mesh: Arc<Mesh>,
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
    /// canvas origin; triangles are kept from the last call where nothing they show changed.
    pub fn paint(
        &mut self,
        positions: &[Pos2],
        zoom: f32,
        offset: Vec2,
        clip: Rect,
        drawing: &Arc<Drawing>,
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
        if stale.contains(&true) && !self.patch(&stale, positions) {
            self.kept = Some(self.remake(&stale, positions, view));
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
            .map_or(Shape::Noop, |k| Shape::Mesh(Arc::clone(&k.mesh)));
        (under, on_top)
    }

    /// Make the `stale` dependencies' triangles again in the kept mesh, in place; whether
    /// that was possible (each came out with as many vertices and indices as before: a new
    /// colour or width does, a new length or an arrowhead that comes or goes may not).
    /// Cheaper than [`Self::remake`] when few changed: the rest stay where they are.
    fn patch(&mut self, stale: &[bool], positions: &[Pos2]) -> bool {
        let Some(kept) = &self.kept else {
            return false;
        };
        let stale: Vec<usize> = (0..stale.len()).filter(|&e| stale[e]).collect();
        // Past this share, copying everything once costs less than checking each.
        if stale.len() > self.ends.len() / 4 {
            return false;
        }
        let mut tessellator = kept.view.drawing.tessellator(kept.view.clip);
        let mut made = Vec::with_capacity(stale.len());
        for &e in &stale {
            let mut mesh = Mesh::default();
            if Some(e) != self.selected
                && let Some((p0, p1)) = self.segment(positions, e)
            {
                let ends = (kept.view.to_screen(p0), kept.view.to_screen(p1));
                let shapes = dependency_shapes(
                    ends,
                    &self.looks[e],
                    false,
                    kept.view.zoom,
                    kept.view.clip,
                    &kept.view.drawing,
                );
                for shape in shapes {
                    tessellator.tessellate_shape(shape, &mut mesh);
                }
            }
            let part = kept.parts[e];
            let fits = mesh.vertices.len() == (part.vertices.1 - part.vertices.0) as usize
                && mesh.indices.len() == (part.indices.1 - part.indices.0) as usize;
            if !fits {
                return false;
            }
            made.push((e, mesh));
        }
        let frame = self.frames;
        let Some(kept) = &mut self.kept else {
            return false;
        };
        let whole = Arc::make_mut(&mut kept.mesh);
        for (e, mesh) in made {
            let part = &mut kept.parts[e];
            let (v0, v1) = (part.vertices.0 as usize, part.vertices.1 as usize);
            let (i0, i1) = (part.indices.0 as usize, part.indices.1 as usize);
            whole.vertices[v0..v1].copy_from_slice(&mesh.vertices);
            for (to, from) in whole.indices[i0..i1].iter_mut().zip(&mesh.indices) {
                *to = from + part.vertices.0;
            }
            part.made = frame;
        }
        kept.positions.clear();
        kept.positions.extend_from_slice(positions);
        true
    }

    /// A new mesh: triangles of the `stale` dependencies made anew, the others copied.
    fn remake(&self, stale: &[bool], positions: &[Pos2], view: View) -> Kept {
        let old = self.kept.as_ref();
        let mut mesh = Mesh::default();
        if let Some(k) = old {
            mesh.reserve_triangles(k.mesh.indices.len() / 3);
            mesh.reserve_vertices(k.mesh.vertices.len());
        }
        let mut tessellator = view.drawing.tessellator(view.clip);
        let mut parts = Vec::with_capacity(self.ends.len());
        for (e, &remake) in stale.iter().enumerate() {
            let start = (mesh.vertices.len() as u32, mesh.indices.len() as u32);
            let made = match old.and_then(|k| k.parts.get(e)).filter(|_| !remake) {
                Some(part) => {
                    if let Some(k) = old {
                        copy_part(&k.mesh, part, &mut mesh);
                    }
                    part.made
                }
                None => {
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
                            tessellator.tessellate_shape(shape, &mut mesh);
                        }
                    }
                    self.frames
                }
            };
            parts.push(Part {
                vertices: (start.0, mesh.vertices.len() as u32),
                indices: (start.1, mesh.indices.len() as u32),
                made,
            });
        }
        Kept {
            view,
            positions: positions.to_vec(),
            parts,
            mesh: Arc::new(mesh),
        }
    }

    /// The frame in which each dependency's triangles were last made (tests watch reuse).
    #[cfg(test)]
    pub fn made(&self) -> Vec<u64> {
        self.kept
            .as_ref()
            .map(|k| k.parts.iter().map(|p| p.made).collect())
            .unwrap_or_default()
    }
}

/// Append `part` of `from` to `to`, its indices moved to where its vertices land.
fn copy_part(from: &Mesh, part: &Part, to: &mut Mesh) {
    let (v0, v1) = (part.vertices.0 as usize, part.vertices.1 as usize);
    let (i0, i1) = (part.indices.0 as usize, part.indices.1 as usize);
    let (Some(vertices), Some(indices)) = (from.vertices.get(v0..v1), from.indices.get(i0..i1))
    else {
        return;
    };
    let shift = to.vertices.len() as u32;
    to.vertices.extend_from_slice(vertices);
    to.indices
        .extend(indices.iter().map(|i| i - part.vertices.0 + shift));
}
