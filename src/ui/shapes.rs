//! How components and dependencies are painted (egui_graphs display types): outline per kind, badges, marks.
//! Paint only; must not decide anything about the model (looks arrive precomputed from `canvas`).

use std::cell::Cell;
use std::sync::Arc;

use egui::epaint::{PathShape, PathStroke, TessellationOptions, Tessellator, TextShape};
use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Color32, FontId, Pos2, Rect, Shape, Stroke, StrokeKind, Vec2, pos2, vec2};
use egui_graphs::{DisplayNode, DrawContext, NodeProps};
use petgraph::Directed;
use petgraph::stable_graph::DefaultIx;

use super::look::{AMBER, DOT, GREEN, RED, glyph, state_text};
use crate::model::ComponentKind;
use crate::style::{CARD_H, CARD_W};

/// Size of a component card in canvas units (the samples space cards 200 × 100 apart).
pub const NODE_SIZE: Vec2 = vec2(CARD_W, CARD_H);
/// Below this zoom only outlines and SPOF dots are painted: text would be unreadable anyway.
const DETAIL_ZOOM: f32 = 0.45;
/// Below this zoom edges are plain lines, without arrowheads.
const OVERVIEW_ZOOM: f32 = 0.15;

/// What a component looks like right now, computed from the model and the analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentLook {
    pub kind: ComponentKind,
    pub name: String,
    pub badge: Option<String>,
    pub zones: Vec<(String, Color32)>,
    /// `sync` / `async` for replicated stores.
    pub replication: Option<&'static str>,
    pub entry: bool,
    pub spof: bool,
    /// Set only in what-if mode.
    pub whatif: Option<WhatIfState>,
    pub knocked_out: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhatIfState {
    Healthy,
    Degraded,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DependencyLook {
    pub soft: bool,
    /// The target is a SPOF: drawn a little heavier.
    pub into_spof: bool,
    /// Either end is down in what-if mode.
    pub down: bool,
}

pub type NodePayload = Arc<ComponentLook>;

/// What the triangles of our cards and dependencies depend on besides their own data:
/// egui's tessellation settings and the theme's colours. Made with an equal `Drawing`, a
/// mesh is the one egui would make of the same shapes in the frame, as long as they hold no
/// text or circle (those come from the font atlas, which egui may rebuild at any time).
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    pixels_per_point: f32,
    options: TessellationOptions,
    /// Colours of cards and dependencies.
    dark: bool,
    accent: Color32,
    text: Color32,
    fill: Color32,
    chip_fill: Color32,
}

impl Drawing {
    pub fn of(ctx: &egui::Context) -> Self {
        let visuals = &ctx.global_style().visuals;
        Self {
            pixels_per_point: ctx.pixels_per_point(),
            options: ctx.tessellation_options(|o| *o),
            dark: visuals.dark_mode,
            accent: visuals.selection.stroke.color,
            text: visuals.strong_text_color(),
            fill: visuals.extreme_bg_color,
            chip_fill: visuals.widgets.inactive.bg_fill,
        }
    }

    /// A tessellator for shapes without text or circles that culls against `clip` as
    /// egui's does for shapes painted there.
    pub fn tessellator(&self, clip: Rect) -> Tessellator {
        // The font image size only scales glyphs; the atlas's discs only draw circles.
        let mut t = Tessellator::new(self.pixels_per_point, self.options, [1, 1], Vec::new());
        t.set_clip_rect(clip);
        t
    }
}

thread_local! {
    /// Whether the cards of the frame being drawn leave their outlines to the canvas's kept
    /// mesh: egui_graphs hands a card nothing but egui's context.
    static KEEPING: Cell<bool> = const { Cell::new(false) };
}

/// While this lives, cards drawn on this thread below [`DETAIL_ZOOM`], neither selected nor
/// dragged, return only their SPOF dot and leave their outline ([`ComponentShape::outline`])
/// to the canvas, which keeps all of them as one mesh; without one, cards are drawn as shapes.
pub struct KeepingCards(());

impl KeepingCards {
    pub fn start() -> Self {
        KEEPING.with(|k| k.set(true));
        KeepingCards(())
    }
}

impl Drop for KeepingCards {
    fn drop(&mut self) {
        KEEPING.with(|k| k.set(false));
    }
}

/// A card whose outline the canvas draws, as it was drawn in the last frame.
#[derive(Clone, Debug)]
pub struct Outline {
    pub look: NodePayload,
    /// Where, on screen.
    pub rect: Rect,
    pub hovered: bool,
}

impl Outline {
    /// Whether both draw the same triangles (in the same view).
    pub fn same(&self, other: &Outline) -> bool {
        Arc::ptr_eq(&self.look, &other.look)
            && self.rect == other.rect
            && self.hovered == other.hovered
    }
}

#[derive(Clone, Debug)]
pub struct ComponentShape {
    pos: Pos2,
    selected: bool,
    hovered: bool,
    dragged: bool,
    look: NodePayload,
    /// Set when the last frame left this card's outline to the canvas.
    outline: Option<Outline>,
}

impl From<NodeProps<NodePayload>> for ComponentShape {
    fn from(props: NodeProps<NodePayload>) -> Self {
        Self {
            pos: props.location(),
            selected: props.selected,
            hovered: props.hovered,
            dragged: props.dragged,
            look: props.payload,
            outline: None,
        }
    }
}

impl ComponentShape {
    /// The outline the last frame left to the canvas, if it did.
    pub fn outline(&self) -> Option<&Outline> {
        self.outline.as_ref()
    }
}

/// The outline of a card of `look` drawn at `rect` (screen units) for `zoom`, neither
/// selected nor dragged, as shapes with no text or circle.
pub fn outline_shapes(
    look: &ComponentLook,
    rect: Rect,
    zoom: f32,
    hovered: bool,
    drawing: &Drawing,
) -> Vec<Shape> {
    let card = Card {
        look,
        rect,
        zoom,
        selected: false,
        hovered,
        dark: drawing.dark,
        accent: drawing.accent,
        text: drawing.text,
        fill: drawing.fill,
        chip_fill: drawing.chip_fill,
        ghost: false,
    };
    let mut shapes = Vec::with_capacity(8);
    card.paint_frame(&mut shapes);
    shapes
}

impl DisplayNode<NodePayload, (), Directed, DefaultIx> for ComponentShape {
    fn closest_boundary_point(&self, dir: Vec2) -> Pos2 {
        boundary_point(self.pos, dir)
    }

    fn shapes(&mut self, ctx: &DrawContext) -> Vec<Shape> {
        let zoom = ctx.meta.zoom;
        let rect =
            Rect::from_center_size(ctx.meta.canvas_to_screen_pos(self.pos), NODE_SIZE * zoom);
        let clip = ctx.painter.clip_rect();
        self.outline = None;
        // Culling: with thousands of components only the visible ones cost anything.
        if !clip.intersects(rect.expand(24.0 * zoom)) {
            return Vec::new();
        }
        // Zoomed out, where there are thousands of cards and no text, the canvas draws the
        // outlines as one kept mesh; the dot comes from the font atlas and is drawn here.
        // Selected and dragged cards are drawn whole, on top of the others.
        if zoom < DETAIL_ZOOM && !(self.selected || self.dragged) && KEEPING.with(Cell::get) {
            self.outline = Some(Outline {
                look: Arc::clone(&self.look),
                rect,
                hovered: self.hovered,
            });
            return spof_dot(&self.look, rect, zoom).into_iter().collect();
        }
        let visuals = &ctx.ctx.global_style().visuals;
        let mut card = Card::new(&self.look, rect, zoom, visuals);
        card.selected = self.selected || self.dragged;
        card.hovered = self.hovered;
        let mut out = Vec::with_capacity(12);
        card.paint(ctx.ctx, &mut out);
        // egui_graphs adds each returned shape to the painter on its own, taking the
        // context lock every time: one `Shape::Vec` per card keeps that to one lock.
        vec![Shape::Vec(out)]
    }

    fn update(&mut self, props: &NodeProps<NodePayload>) {
        self.pos = props.location();
        self.selected = props.selected;
        self.hovered = props.hovered;
        self.dragged = props.dragged;
        if !Arc::ptr_eq(&self.look, &props.payload) {
            self.look = Arc::clone(&props.payload);
        }
    }

    fn is_inside(&self, pos: Pos2) -> bool {
        Rect::from_center_size(self.pos, NODE_SIZE).contains(pos)
    }
}

/// A card a recommendation would add, painted without its outline (the caller draws it
/// translucent and adds [`dashed_outline`]): `rect` in screen units.
pub fn ghost_card(
    ctx: &egui::Context,
    look: &ComponentLook,
    rect: Rect,
    zoom: f32,
    visuals: &egui::Visuals,
) -> Vec<Shape> {
    let mut card = Card::new(look, rect, zoom, visuals);
    card.ghost = true;
    let mut out = Vec::with_capacity(12);
    card.paint(ctx, &mut out);
    out
}

/// A dashed rounded outline around `rect`: what is not there yet, or what would change.
pub fn dashed_outline(rect: Rect, zoom: f32, colour: Color32) -> Vec<Shape> {
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.right_bottom(),
        rect.left_bottom(),
        rect.left_top(),
    ];
    Shape::dashed_line(
        &corners,
        Stroke::new((2.0 * zoom).max(1.0), colour),
        (7.0 * zoom).max(3.0),
        (4.0 * zoom).max(2.0),
    )
}

/// A dependency a recommendation would add, from screen point `s0` to `s1`: dashed always,
/// so it never reads as an existing one.
pub fn ghost_edge(s0: Pos2, s1: Pos2, zoom: f32, colour: Color32) -> Vec<Shape> {
    let stroke = Stroke::new((2.0 * zoom).clamp(1.0, 4.0), colour);
    arrow(s0, s1, stroke, colour, true, zoom)
}

/// A line from `s0` to an arrowhead of colour `head` at `s1`, dashed when `dashed`.
fn arrow(s0: Pos2, s1: Pos2, stroke: Stroke, head: Color32, dashed: bool, zoom: f32) -> Vec<Shape> {
    let dir = (s1 - s0).normalized();
    let tip = (10.0 * zoom).clamp(3.0, 14.0);
    let line_end = s1 - dir * tip * 0.8;
    let mut out = if dashed {
        Shape::dashed_line(
            &[s0, line_end],
            stroke,
            (7.0 * zoom).max(4.0),
            (5.0 * zoom).max(3.0),
        )
    } else {
        vec![Shape::line_segment([s0, line_end], stroke)]
    };
    let normal = vec2(-dir.y, dir.x) * tip * 0.45;
    let back = s1 - dir * tip;
    out.push(Shape::convex_polygon(
        vec![s1, back + normal, back - normal],
        head,
        Stroke::NONE,
    ));
    out
}

/// Where a ray from the card's centre along `dir` leaves the card.
pub fn boundary_point(centre: Pos2, dir: Vec2) -> Pos2 {
    let d = dir.normalized();
    if !d.x.is_finite() || !d.y.is_finite() || d == Vec2::ZERO {
        return centre;
    }
    let half = NODE_SIZE / 2.0;
    let tx = if d.x.abs() > f32::EPSILON {
        half.x / d.x.abs()
    } else {
        f32::INFINITY
    };
    let ty = if d.y.abs() > f32::EPSILON {
        half.y / d.y.abs()
    } else {
        f32::INFINITY
    };
    centre + d * tx.min(ty)
}

/// The red dot on a SPOF card's corner.
fn spof_dot(look: &ComponentLook, rect: Rect, zoom: f32) -> Option<Shape> {
    look.spof
        .then(|| Shape::circle_filled(rect.left_top(), (6.0 * zoom).max(3.0), RED))
}

/// One card being painted, with the colours of the current theme.
struct Card<'a> {
    look: &'a ComponentLook,
    rect: Rect,
    zoom: f32,
    selected: bool,
    hovered: bool,
    dark: bool,
    accent: Color32,
    text: Color32,
    fill: Color32,
    chip_fill: Color32,
    /// Not in the model yet (a recommendation's preview): no outline of its own.
    ghost: bool,
}

impl<'a> Card<'a> {
    fn new(look: &'a ComponentLook, rect: Rect, zoom: f32, visuals: &egui::Visuals) -> Self {
        Self {
            look,
            rect,
            zoom,
            selected: false,
            hovered: false,
            dark: visuals.dark_mode,
            accent: visuals.selection.stroke.color,
            text: visuals.strong_text_color(),
            fill: visuals.extreme_bg_color,
            chip_fill: visuals.widgets.inactive.bg_fill,
            ghost: false,
        }
    }

    fn paint(&self, ctx: &egui::Context, out: &mut Vec<Shape>) {
        self.paint_frame(out);
        self.paint_marks(ctx, out);
    }

    /// The outline of its kind and the selection: no text, no circle.
    fn paint_frame(&self, out: &mut Vec<Shape>) {
        let (fill, _) = self.fill_and_text();
        let outline = self.outline();
        body(self.look.kind, self.rect, self.zoom, fill, outline, out);
        if self.selected {
            out.push(Shape::rect_stroke(
                self.rect.expand(4.0 * self.zoom),
                6.0 * self.zoom,
                Stroke::new(2.0, self.accent),
                StrokeKind::Outside,
            ));
        }
    }

    /// The SPOF dot and, zoomed in far enough, the text.
    fn paint_marks(&self, ctx: &egui::Context, out: &mut Vec<Shape>) {
        let (_, text) = self.fill_and_text();
        out.extend(spof_dot(self.look, self.rect, self.zoom));
        if self.zoom < DETAIL_ZOOM {
            return;
        }
        let z = self.zoom;
        let r = self.rect;
        // Glyph and name on the first row.
        let glyph_galley = galley(ctx, glyph(self.look.kind), 18.0 * z, text, f32::INFINITY);
        out.push(
            TextShape::new(
                pos2(r.left() + 10.0 * z, r.top() + 9.0 * z),
                glyph_galley,
                text,
            )
            .into(),
        );
        let name_left = r.left() + 36.0 * z;
        let name_width = r.right() - 10.0 * z - name_left;
        let name = galley(ctx, &self.look.name, 13.0 * z, text, name_width);
        let name_pos = pos2(name_left, r.top() + 12.0 * z);
        let name_rect = Rect::from_min_size(name_pos, name.size());
        out.push(TextShape::new(name_pos, name, text).into());
        if self.look.whatif == Some(WhatIfState::Down) {
            let y = name_rect.center().y;
            out.push(Shape::line_segment(
                [pos2(name_rect.left(), y), pos2(name_rect.right(), y)],
                Stroke::new(1.5 * z, text),
            ));
        }
        self.paint_second_row(ctx, out);
        self.paint_badge(ctx, out);
        self.paint_tags(ctx, out);
    }

    fn fill_and_text(&self) -> (Color32, Color32) {
        if self.ghost {
            return (GREEN.gamma_multiply(0.15), self.text);
        }
        match self.look.whatif {
            Some(WhatIfState::Down) => (RED.gamma_multiply(0.85), Color32::WHITE),
            Some(WhatIfState::Degraded) => (AMBER.gamma_multiply(0.55), self.text),
            Some(WhatIfState::Healthy) => (GREEN.gamma_multiply(0.18), self.text),
            None => {
                let fill = if self.look.kind == ComponentKind::Group {
                    self.fill.gamma_multiply(0.6)
                } else {
                    self.fill
                };
                (fill, self.text)
            }
        }
    }

    fn outline(&self) -> Stroke {
        let neutral = if self.dark {
            Color32::from_gray(150)
        } else {
            Color32::from_gray(110)
        };
        if self.ghost {
            return Stroke::NONE;
        }
        let (width, colour) = if self.look.spof {
            (2.5, RED)
        } else if self.look.whatif == Some(WhatIfState::Healthy) {
            (2.0, GREEN)
        } else if self.hovered {
            (1.5, self.accent)
        } else {
            (1.2, neutral)
        };
        Stroke::new((width * self.zoom).max(1.0), colour)
    }

    /// Zone chips and the replication mark.
    fn paint_second_row(&self, ctx: &egui::Context, out: &mut Vec<Shape>) {
        let z = self.zoom;
        let r = self.rect;
        let y = r.bottom() - 20.0 * z;
        let mut x = r.left() + 36.0 * z;
        let limit = r.right() - 8.0 * z;
        for (i, (zone, colour)) in self.look.zones.iter().enumerate() {
            let shown_all = i >= 3;
            let label = if shown_all {
                format!("+{}", self.look.zones.len() - 3)
            } else {
                zone.clone()
            };
            let g = galley(ctx, &label, 10.0 * z, Color32::WHITE, f32::INFINITY);
            let chip =
                Rect::from_min_size(pos2(x, y), vec2(g.size().x + 8.0 * z, g.size().y + 2.0 * z));
            if chip.right() > limit {
                break;
            }
            let chip_colour = if shown_all {
                Color32::from_gray(120)
            } else {
                *colour
            };
            out.push(Shape::rect_filled(chip, 3.0 * z, chip_colour));
            out.push(TextShape::new(chip.min + vec2(4.0 * z, z), g, Color32::WHITE).into());
            x = chip.right() + 3.0 * z;
            if shown_all {
                break;
            }
        }
        if let Some(mode) = self.look.replication {
            let g = galley(
                ctx,
                &format!("🔒{mode}"),
                10.0 * z,
                self.text,
                f32::INFINITY,
            );
            let pos = pos2(r.right() - 8.0 * z - g.size().x, y + z);
            if pos.x > x {
                out.push(TextShape::new(pos, g, self.text).into());
            }
        }
    }

    /// `×3` / `2/3` on the top-right corner.
    fn paint_badge(&self, ctx: &egui::Context, out: &mut Vec<Shape>) {
        let Some(badge) = &self.look.badge else {
            return;
        };
        let z = self.zoom;
        let g = galley(ctx, badge, 11.0 * z, self.text, f32::INFINITY);
        let size = vec2(g.size().x + 10.0 * z, g.size().y + 2.0 * z);
        let chip = Rect::from_center_size(
            self.rect.right_top() + vec2(-size.x / 2.0 - 6.0 * z, 0.0),
            size,
        );
        out.push(Shape::rect_filled(chip, 8.0 * z, self.chip_fill));
        out.push(Shape::rect_stroke(
            chip,
            8.0 * z,
            Stroke::new(1.0, self.outline().color),
            StrokeKind::Inside,
        ));
        out.push(TextShape::new(chip.min + vec2(5.0 * z, z), g, self.text).into());
    }

    /// Marks above the card: SPOF, entry, what-if state, knocked out. Never colour alone.
    fn paint_tags(&self, ctx: &egui::Context, out: &mut Vec<Shape>) {
        let z = self.zoom;
        let mut tags: Vec<(String, Color32)> = Vec::new();
        let text = state_text(self.dark);
        let (red, amber, green) = (
            Color32::from_rgb(text.red.0, text.red.1, text.red.2),
            Color32::from_rgb(text.amber.0, text.amber.1, text.amber.2),
            Color32::from_rgb(text.green.0, text.green.1, text.green.2),
        );
        if self.look.spof {
            tags.push((format!("{DOT} SPOF"), red));
        }
        match self.look.whatif {
            Some(WhatIfState::Down) if self.look.knocked_out => {
                tags.push(("✖ knocked out".to_owned(), red));
            }
            Some(WhatIfState::Down) => tags.push(("✖ down".to_owned(), red)),
            Some(WhatIfState::Degraded) => tags.push(("! degraded".to_owned(), amber)),
            Some(WhatIfState::Healthy) => tags.push(("✔ up".to_owned(), green)),
            None => {}
        }
        if self.look.entry {
            tags.push(("★ entry".to_owned(), self.accent));
        }
        // Start right of the SPOF dot on the corner.
        let mut x = self.rect.left() + 9.0 * z;
        for (text, colour) in tags {
            let g = galley(ctx, &text, 11.0 * z, colour, f32::INFINITY);
            let pos = pos2(x, self.rect.top() - g.size().y - 2.0 * z);
            x += g.size().x + 8.0 * z;
            out.push(TextShape::new(pos, g, colour).into());
        }
    }
}

fn galley(
    ctx: &egui::Context,
    text: &str,
    size: f32,
    colour: Color32,
    max_width: f32,
) -> Arc<egui::Galley> {
    let mut job = LayoutJob::single_section(
        text.to_owned(),
        TextFormat::simple(FontId::proportional(size), colour),
    );
    job.wrap = TextWrapping::truncate_at_width(max_width);
    ctx.fonts_mut(|f| f.layout_job(job))
}

/// The outline that says which kind this is.
fn body(kind: ComponentKind, r: Rect, z: f32, fill: Color32, stroke: Stroke, out: &mut Vec<Shape>) {
    let rounded = |out: &mut Vec<Shape>, radius: f32| {
        out.push(Shape::rect_filled(r, radius, fill));
        out.push(Shape::rect_stroke(r, radius, stroke, StrokeKind::Inside));
    };
    let polygon = |out: &mut Vec<Shape>, points: Vec<Pos2>| {
        out.push(Shape::Path(PathShape::convex_polygon(
            points,
            fill,
            PathStroke::new(stroke.width, stroke.color),
        )));
    };
    let (l, t, rt, b) = (r.left(), r.top(), r.right(), r.bottom());
    let cy = r.center().y;
    match kind {
        ComponentKind::Client => rounded(out, r.height() / 2.0),
        ComponentKind::Service => rounded(out, 6.0 * z),
        ComponentKind::Cdn => rounded(out, 16.0 * z),
        ComponentKind::LoadBalancer => {
            rounded(out, 3.0 * z);
            out.push(Shape::rect_stroke(
                r.shrink(4.0 * z),
                2.0 * z,
                Stroke::new(stroke.width * 0.6, stroke.color),
                StrokeKind::Inside,
            ));
        }
        ComponentKind::Cache => {
            rounded(out, 6.0 * z);
            let bar = Rect::from_min_max(pos2(l, t), pos2(l + 5.0 * z, b));
            out.push(Shape::rect_filled(bar, 3.0 * z, stroke.color));
        }
        ComponentKind::Queue => {
            rounded(out, 6.0 * z);
            for i in 1..=3 {
                let x = rt - (4.0 + 5.0 * i as f32) * z;
                out.push(Shape::line_segment(
                    [pos2(x, t + 9.0 * z), pos2(x, b - 9.0 * z)],
                    Stroke::new(stroke.width * 0.8, stroke.color),
                ));
            }
        }
        ComponentKind::Dns => {
            let k = 14.0 * z;
            polygon(
                out,
                vec![
                    pos2(l + k, t),
                    pos2(rt - k, t),
                    pos2(rt, cy),
                    pos2(rt - k, b),
                    pos2(l + k, b),
                    pos2(l, cy),
                ],
            );
        }
        ComponentKind::Gateway => {
            let k = 11.0 * z;
            polygon(
                out,
                vec![
                    pos2(l + k, t),
                    pos2(rt - k, t),
                    pos2(rt, t + k),
                    pos2(rt, b - k),
                    pos2(rt - k, b),
                    pos2(l + k, b),
                    pos2(l, b - k),
                    pos2(l, t + k),
                ],
            );
        }
        ComponentKind::Storage => {
            let k = 9.0 * z;
            polygon(
                out,
                vec![pos2(l, t), pos2(rt, t), pos2(rt - k, b), pos2(l + k, b)],
            );
            out.push(Shape::line_segment(
                [
                    pos2(l + 2.0 * z, t + 7.0 * z),
                    pos2(rt - 2.0 * z, t + 7.0 * z),
                ],
                Stroke::new(stroke.width * 0.8, stroke.color),
            ));
        }
        ComponentKind::Database => {
            let ry = 7.0 * z;
            let rx = r.width() / 2.0;
            let cx = r.center().x;
            let arc = |cy: f32, from: f32, to: f32| -> Vec<Pos2> {
                (0..=12)
                    .map(|i| {
                        let a = from + (to - from) * i as f32 / 12.0;
                        pos2(cx + rx * a.cos(), cy + ry * a.sin())
                    })
                    .collect()
            };
            let pi = std::f32::consts::PI;
            let mut outline = arc(t + ry, pi, 2.0 * pi);
            outline.extend(arc(b - ry, 0.0, pi));
            polygon(out, outline);
            out.push(Shape::line(
                arc(t + ry, pi, 0.0),
                Stroke::new(stroke.width * 0.8, stroke.color),
            ));
        }
        ComponentKind::External | ComponentKind::Group => {
            out.push(Shape::rect_filled(r, 4.0 * z, fill));
            let corners = vec![
                r.left_top(),
                r.right_top(),
                r.right_bottom(),
                r.left_bottom(),
                r.left_top(),
            ];
            let dash = if kind == ComponentKind::External {
                6.0
            } else {
                3.0
            };
            // Dashes keep a floor in screen pixels: zoomed far out, a dash per fraction of a
            // pixel would cost thousands of shapes for nothing visible.
            out.extend(Shape::dashed_line(
                &corners,
                stroke,
                (dash * z).max(3.0),
                (4.0 * z).max(2.0),
            ));
        }
    }
}

/// The segment a dependency is drawn along, between the borders of the cards centred at `a`
/// and `b` (canvas units), moved to its own side (`order` 1) when the opposite dependency
/// exists; none for a self-loop.
pub fn segment(a: Pos2, b: Pos2, order: usize) -> Option<(Pos2, Pos2)> {
    let dir = (b - a).normalized();
    if !dir.x.is_finite() || !dir.y.is_finite() || dir == Vec2::ZERO {
        return None;
    }
    let side = vec2(-dir.y, dir.x) * 8.0 * order as f32;
    Some((
        boundary_point(a, dir) + side,
        boundary_point(b, -dir) + side,
    ))
}

/// Whether canvas point `pos` is on the dependency drawn along `p0`–`p1`.
pub fn on_segment(pos: Pos2, p0: Pos2, p1: Pos2) -> bool {
    distance_to_segment(pos, p0, p1) <= 6.0
}

/// A dependency from screen point `s0` to `s1`; nothing when it is outside `clip`.
pub fn dependency_shapes(
    (s0, s1): (Pos2, Pos2),
    look: &DependencyLook,
    selected: bool,
    zoom: f32,
    clip: Rect,
    drawing: &Drawing,
) -> Vec<Shape> {
    if !clip.intersects(Rect::from_two_pos(s0, s1).expand(12.0)) {
        return Vec::new();
    }
    let colour = if selected {
        drawing.accent
    } else if look.down {
        RED
    } else if drawing.dark {
        Color32::from_gray(170)
    } else {
        Color32::from_gray(90)
    };
    let width = if look.into_spof || selected { 2.6 } else { 1.4 };
    let stroke = Stroke::new((width * zoom).clamp(0.6, 4.0), colour);
    // Zoomed out so far that a card is a few pixels, an arrowhead would be a smudge on
    // top of its card: one plain line per edge (tens of thousands on big models).
    if zoom < OVERVIEW_ZOOM {
        let stroke = if look.soft {
            Stroke::new(stroke.width, colour.gamma_multiply(0.5))
        } else {
            stroke
        };
        return vec![Shape::line_segment([s0, s1], stroke)];
    }
    // Zoomed out past the point where names are drawn, dashes would only cost triangles
    // (tens of thousands of edges on big models): soft edges are drawn faint instead.
    if look.soft && zoom < DETAIL_ZOOM {
        let faint = Stroke::new(stroke.width, colour.gamma_multiply(0.5));
        arrow(s0, s1, faint, colour, false, zoom)
    } else {
        arrow(s0, s1, stroke, colour, look.soft, zoom)
    }
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 <= f32::EPSILON {
        return (p - a).length();
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    (p - (a + ab * t)).length()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_point_leaves_through_the_nearest_side() {
        let c = pos2(100.0, 100.0);
        assert_eq!(boundary_point(c, vec2(1.0, 0.0)), pos2(175.0, 100.0));
        assert_eq!(boundary_point(c, vec2(0.0, -1.0)), pos2(100.0, 70.0));
        assert_eq!(boundary_point(c, Vec2::ZERO), c);
    }

    #[test]
    fn outline_shapes_are_the_frame_a_card_paints_itself() {
        let ctx = egui::Context::default();
        for visuals in [egui::Visuals::dark(), egui::Visuals::light()] {
            ctx.set_visuals(visuals.clone());
            let drawing = Drawing::of(&ctx);
            let look = ComponentLook {
                kind: ComponentKind::Gateway,
                name: "gw".to_owned(),
                badge: None,
                zones: Vec::new(),
                replication: None,
                entry: true,
                spof: false,
                whatif: Some(WhatIfState::Degraded),
                knocked_out: false,
            };
            let rect = Rect::from_center_size(pos2(50.0, 40.0), NODE_SIZE * 0.3);
            for hovered in [false, true] {
                let mut card = Card::new(&look, rect, 0.3, &visuals);
                card.hovered = hovered;
                let mut theirs = Vec::new();
                card.paint_frame(&mut theirs);
                let ours = outline_shapes(&look, rect, 0.3, hovered, &drawing);
                assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
            }
        }
    }

    #[test]
    fn distance_to_segment_clamps_to_the_ends() {
        let (a, b) = (pos2(0.0, 0.0), pos2(10.0, 0.0));
        assert_eq!(distance_to_segment(pos2(5.0, 3.0), a, b), 3.0);
        assert_eq!(distance_to_segment(pos2(14.0, 3.0), a, b), 5.0);
    }
}
