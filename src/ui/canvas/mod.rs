//! The canvas: an egui_graphs view model patched from the document, plus pan, zoom, rubber band and connect.
//! Turns gestures into actions; must never edit the model itself nor run a force layout.

mod gestures;
mod hover;
mod marks;
mod menu;
mod paint;
mod restyle;
#[cfg(test)]
mod tests;
mod view;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use egui::epaint::ClippedShape;
use egui::{CursorIcon, Pos2, Rect, Sense, Shape, Vec2, pos2, vec2};
use egui_graphs::{
    DefaultEdgeShape, GraphChange, GraphView, SettingsInteraction, SettingsNavigation,
    SettingsStyle,
};
use petgraph::Directed;
use petgraph::stable_graph::{DefaultIx, NodeIndex};

use super::action::Action;
use super::edges::Dependencies;
use super::outlines::Outlines;
use super::preview::Preview;
use super::resident::ResidentMesh;
use super::shapes::{ComponentLook, ComponentShape, Drawing, KeepingCards, NodePayload, Outline};
use crate::analysis::{Report, WhatIf};
use crate::edit::Document;
use crate::model::{Event, FastHash, Model};
use view::{KeepPositions, KeepState, zoom_around};

pub use marks::CanvasMarks;

/// Cards only: dependencies are drawn and hit-tested by [`Dependencies`].
pub type CanvasGraph =
    egui_graphs::Graph<NodePayload, (), Directed, DefaultIx, ComponentShape, DefaultEdgeShape>;

/// Each zone's position in the model, which picks its colour.
type ZoneIndex<'a> = HashMap<&'a str, usize, FastHash>;

/// Key of egui_graphs' zoom/pan metadata for our one canvas.
const CANVAS_ID: &str = "spofscope-canvas";
const MIN_ZOOM: f32 = 0.05;
const MAX_ZOOM: f32 = 4.0;
/// The largest zoom a fit picks: cards at their drawn size, or larger on a projector.
const FIT_ZOOM: f32 = 1.25;
const PRESENT_FIT_ZOOM: f32 = 2.5;
const FIT_FRAMES: u8 = 3;

/// What the canvas shows on top of the model this frame.
pub struct Overlay<'a> {
    /// The analysis of exactly the shown revision, if finished.
    pub report: Option<&'a Report>,
    /// The what-if outcome for exactly the shown revision and knockouts, if finished.
    pub whatif: Option<&'a WhatIf>,
    pub whatif_mode: bool,
    pub knockouts: &'a [Event],
}

/// Identifies everything the looks were computed from.
#[derive(Clone, Debug, PartialEq)]
struct LookKey {
    content: (u64, u64),
    analysed: bool,
    whatif: Option<Vec<Event>>,
    whatif_mode: bool,
    knockouts: Vec<Event>,
}

/// Everything egui_graphs' drawing depends on besides the input: equal prints, equal pictures.
#[derive(Clone, Debug, PartialEq)]
struct ViewPrint {
    rect: Rect,
    zoom: f32,
    pan: Vec2,
    version: u64,
    dark: bool,
    pixels_per_point: f32,
    /// Changes when glyphs are added and drops when egui rebuilds a full font atlas, which
    /// leaves galleys painted before it pointing at the wrong glyphs.
    font_atlas_fill: f32,
}

enum Gesture {
    None,
    Pan,
    Band { start: Pos2 },
    Connect { from: usize },
}

pub struct Canvas {
    graph: CanvasGraph,
    ids: Vec<String>,
    edges: Dependencies,
    /// Cards' outlines while zoomed out.
    outlines: Outlines,
    /// How the kept meshes of dependencies and outlines reach the screen; they outlive a
    /// rebuilt view model, with the GPU buffers they may hold.
    resident: [ResidentMesh; 2],
    index: HashMap<String, usize>,
    structure_key: Option<(u64, u64)>,
    /// The structure number the graph was last checked against.
    structure_seen: Option<(u64, u64)>,
    look_key: Option<LookKey>,
    /// The document (generation) and its change number at the last restyle.
    styled: Option<(u64, u64)>,
    /// Cards that had a mark (SPOF, what-if state, knocked out) at the last restyle.
    marked: Vec<usize>,
    gesture: Gesture,
    rect: Rect,
    zoom: f32,
    pan: Vec2,
    /// Frames left in which to fit the view: panels settle their widths over the first frames.
    pending_fit: u8,
    pending_centre: Option<String>,
    context_node: Option<usize>,
    /// A recommendation's edit drawn over the model ("ghost" parts), while its row is hovered.
    preview: Option<Arc<Preview>>,
    /// The blast radius and compare marks drawn over the cards.
    marks: CanvasMarks,
    /// Bumped whenever what egui_graphs draws changes: structure, looks, selection.
    version: u64,
    /// The view the previous frame started from.
    last_view: Option<ViewPrint>,
    /// What egui_graphs painted in the last frame without input, replayed while nothing
    /// changes: its `show` asks for another frame every time, which would keep an idle
    /// window repainting forever.
    painted: Option<Vec<ClippedShape>>,
    /// Presentation mode: cards fit larger, cannot be dragged, no context menu.
    presenting: bool,
    /// The drawing settings of the last frame drawn; a new value when they change.
    drawing: Option<Arc<Drawing>>,
}

impl Default for Canvas {
    fn default() -> Self {
        Self {
            graph: CanvasGraph::new(),
            ids: Vec::new(),
            edges: Dependencies::default(),
            outlines: Outlines::default(),
            resident: Default::default(),
            index: HashMap::new(),
            structure_key: None,
            structure_seen: None,
            look_key: None,
            styled: None,
            marked: Vec::new(),
            gesture: Gesture::None,
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            zoom: 1.0,
            pan: Vec2::ZERO,
            pending_fit: FIT_FRAMES,
            pending_centre: None,
            context_node: None,
            preview: None,
            marks: CanvasMarks::default(),
            version: 0,
            last_view: None,
            painted: None,
            presenting: false,
            drawing: None,
        }
    }
}

/// A clip rect with the same pixels as `clip` (renderers round a clip rect to whole
/// pixels) but another value, the `nth` (1 or 2) of its kind. egui appends the shapes of
/// one clip rect into one growing mesh, so a kept mesh of many megabytes painted among
/// other shapes was copied two or three times over as the mesh grew (half the edit frame
/// of a 10,000-component model); alone in its primitive it is copied once.
fn own_clip(clip: Rect, pixels_per_point: f32, nth: f32) -> Rect {
    let px = |v: f32| (v * pixels_per_point).round() / pixels_per_point;
    let aligned = Rect::from_min_max(
        pos2(px(clip.min.x), px(clip.min.y)),
        pos2(px(clip.max.x), px(clip.max.y)),
    );
    aligned.shrink(nth * 0.125 / pixels_per_point)
}

/// The selection as the canvas needs it.
pub struct CanvasSelection<'a> {
    pub components: &'a [String],
    pub dependency: Option<&'a (String, String)>,
}

impl Canvas {
    pub fn fit(&mut self) {
        self.pending_fit = FIT_FRAMES;
    }

    pub fn centre_on(&mut self, id: &str) {
        self.pending_centre = Some(id.to_owned());
    }

    /// Draw `marks` over the cards from this frame on.
    pub fn set_marks(&mut self, marks: CanvasMarks) {
        self.marks = marks;
    }

    /// The component whose card the pointer was over in the last frame.
    pub fn hovered_card(&self) -> Option<&str> {
        let i = self.graph.hovered_node()?;
        self.ids.get(i.index()).map(String::as_str)
    }

    /// Draw `preview` over the model from this frame on, or nothing.
    pub fn set_preview(&mut self, preview: Option<Arc<Preview>>) {
        self.preview = preview;
    }

    /// Show the canvas for a presentation (larger fit, view only), or for editing again.
    pub fn set_presenting(&mut self, on: bool) {
        self.presenting = on;
    }

    /// Keep the meshes of dependencies and outlines in the GPU from now on (eframe paints
    /// through glow).
    pub fn keep_meshes_on_gpu(&mut self) {
        self.resident = [ResidentMesh::on_gpu(), ResidentMesh::on_gpu()];
    }

    /// Let go of what the canvas keeps in the GPU, with the context it lives in.
    pub fn free_gpu(&mut self, gl: &eframe::glow::Context) {
        for resident in &mut self.resident {
            resident.free(gl);
        }
    }

    pub fn cancel_gesture(&mut self) {
        self.gesture = Gesture::None;
    }

    /// Zoom by `factor` around the middle of the view.
    pub fn zoom_by(&mut self, ctx: &egui::Context, factor: f32) {
        let centre = self.rect.size() / 2.0;
        self.update_meta(ctx, |meta| zoom_around(meta, centre, factor));
    }

    pub fn zoom(&self) -> f32 {
        self.zoom
    }

    /// Where the middle of a component's card is drawn on screen (tests drive the pointer
    /// with it).
    pub fn card_on_screen(&self, id: &str) -> Option<Pos2> {
        Some(self.to_screen(self.position_of(id)?))
    }

    /// The model position under the middle of the view.
    pub fn view_centre(&self) -> Pos2 {
        ((self.rect.size() / 2.0 - self.pan) / self.zoom).to_pos2()
    }

    /// Positions of components as currently drawn (after a drag, before the model knows).
    pub fn position_of(&self, id: &str) -> Option<Pos2> {
        let i = *self.index.get(id)?;
        Some(self.graph.node(NodeIndex::new(i))?.location())
    }

    /// Bring the view model in line with the document (the `generation`th opened) and the
    /// analysis. While the document's structure number stays, the graph is not compared
    /// with the model; while its changes only changed values, only the cards and
    /// dependencies they touched, and those whose marks came or went, are restyled.
    pub fn sync(&mut self, doc: &Document, generation: u64, overlay: &Overlay<'_>) {
        let model = doc.model();
        let key = (generation, doc.revision());
        let structure = (generation, doc.structure());
        let mut rebuilt = false;
        if self.structure_key != Some(key) {
            if self.structure_seen != Some(structure) && !self.same_structure(model) {
                self.rebuild(model);
                self.version += 1;
                rebuilt = true;
            }
            self.structure_key = Some(key);
            self.structure_seen = Some(structure);
            self.look_key = None;
        }
        let key = LookKey {
            content: key,
            analysed: overlay.report.is_some(),
            whatif: overlay.whatif.map(|w| w.failed.clone()),
            whatif_mode: overlay.whatif_mode,
            knockouts: overlay.knockouts.to_vec(),
        };
        if self.look_key.as_ref() != Some(&key) {
            let changed = match self.styled {
                Some((g, n)) if g == generation && !rebuilt => doc.values_changed_since(n),
                _ => None,
            };
            self.restyle(model, overlay, changed);
            self.styled = Some((generation, doc.changes()));
            self.look_key = Some(key);
            self.version += 1;
        }
    }

    fn same_structure(&self, model: &Model) -> bool {
        self.ids.len() == model.components.len()
            && self.edges.ends().len() == model.dependencies.len()
            && self
                .ids
                .iter()
                .zip(&model.components)
                .all(|(a, c)| *a == c.id)
            && self
                .edges
                .ends()
                .iter()
                .zip(&model.dependencies)
                .all(|(&(f, t), d)| self.ids[f] == d.from && self.ids[t] == d.to)
    }

    fn rebuild(&mut self, model: &Model) {
        let mut graph = CanvasGraph::new();
        self.ids = model.components.iter().map(|c| c.id.clone()).collect();
        self.index = self
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let blank = Arc::new(ComponentLook {
            kind: crate::model::ComponentKind::Service,
            name: String::new(),
            badge: None,
            zones: Vec::new(),
            replication: None,
            entry: false,
            spof: false,
            whatif: None,
            knocked_out: false,
        });
        for c in &model.components {
            graph.add_node_custom(Arc::clone(&blank), |n| {
                n.set_location(pos2(c.pos.0, c.pos.1));
            });
        }
        let ends = model
            .dependencies
            .iter()
            .filter_map(|d| Some((*self.index.get(&d.from)?, *self.index.get(&d.to)?)))
            .collect();
        self.edges = Dependencies::new(ends, self.ids.len());
        self.graph = graph;
    }

    /// Draw the canvas and turn this frame's gestures into actions.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        model: &Model,
        report: Option<&Report>,
        selection: &CanvasSelection<'_>,
        whatif_mode: bool,
        actions: &mut Vec<Action>,
    ) {
        self.rect = ui.available_rect_before_wrap();
        self.sync_selection(selection);

        let modifiers = ui.input(|i| i.modifiers);
        let connect_modifier = modifiers.command || modifiers.alt;
        let connecting = matches!(self.gesture, Gesture::Connect { .. });
        let interactions = SettingsInteraction::new()
            .with_dragging_enabled(!self.presenting && !connect_modifier && !connecting)
            .with_node_clicking_enabled(true)
            .with_edge_clicking_enabled(true)
            .with_hover_enabled(true);
        let navigation = SettingsNavigation::new()
            .with_fit_to_screen_enabled(false)
            .with_zoom_and_pan_enabled(false);
        let quiet = self.quiet(ui);
        if !quiet {
            self.painted = None;
        }
        let (resp, changes) = if let Some(shapes) = &self.painted {
            // The very widget egui_graphs allocates (same place, same id), without its drawing.
            let (resp, _) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
            let layer = ui.layer_id();
            ui.ctx().graphics_mut(|g| {
                let list = g.entry(layer);
                for s in shapes {
                    list.add(s.clip_rect, s.shape.clone());
                }
            });
            if self.graph.hovered_node().is_some() {
                ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
            }
            (resp, Vec::new())
        } else {
            let layer = ui.layer_id();
            let start = ui
                .ctx()
                .graphics(|g| g.get(layer).map_or(0, |l| l.next_idx().0));
            // Dependencies go under the cards, and the outlines the cards leave to the
            // canvas under the rest of them: their places are taken now and filled after
            // `show`, in the view it drew the cards in.
            let under = ui.painter().add(Shape::Noop);
            let outlines = ui.painter().add(Shape::Noop);
            let drawing = self.drawing(ui.ctx());
            let keeping = KeepingCards::start();
            let response = GraphView::<KeepState, KeepPositions>::new()
                .with_id(Some(CANVAS_ID.to_owned()))
                .with_interactions(&interactions)
                .with_navigations(&navigation)
                .with_styles(&SettingsStyle::new())
                .show(ui, &mut self.graph);
            drop(keeping);
            self.read_meta(ui.ctx());
            let rect = response.response.rect;
            // The clip egui_graphs paints the cards with.
            let painter = ui.painter().with_clip_rect(rect);
            let positions = self.positions();
            let cards = self.outlines_left();
            let [dependencies, outlines_mesh] = &mut self.resident;
            let (mesh, on_top) = self.edges.paint(
                &positions,
                self.zoom,
                self.pan + rect.min.to_vec2(),
                painter.clip_rect(),
                &drawing,
                dependencies,
            );
            // Each kept mesh in a primitive of its own (see `own_clip`).
            let ppp = ui.ctx().pixels_per_point();
            let own = |nth| painter.with_clip_rect(own_clip(painter.clip_rect(), ppp, nth));
            own(1.0).set(under, mesh);
            let mesh = self.outlines.paint(
                cards,
                self.zoom,
                painter.clip_rect(),
                &drawing,
                outlines_mesh,
            );
            own(2.0).set(outlines, mesh);
            painter.extend(on_top);
            self.painted = quiet.then(|| {
                ui.ctx().graphics(|g| {
                    g.get(layer)
                        .map(|l| l.all_entries().skip(start).cloned().collect())
                        .unwrap_or_default()
                })
            });
            (response.response, response.changes)
        };
        let mut clicked_something = self.click_dependency(&resp, &changes, actions);
        // After `show`: egui_graphs shifts the pan when the canvas moves (panels settling),
        // so a fit applied before it would be pushed aside.
        self.apply_pending_view(ui.ctx(), model);
        self.read_meta(ui.ctx());

        // A press on a card pulls its centre under the pointer (egui_graphs); a click, released
        // without dragging, must leave the card and the model where they were.
        let clicked: Vec<usize> = changes
            .iter()
            .filter_map(|c| match c {
                GraphChange::NodeClicked { node } => Some(node.index()),
                _ => None,
            })
            .collect();
        for change in &changes {
            match *change {
                GraphChange::NodeClicked { node } => {
                    clicked_something = true;
                    let id = self.ids[node.index()].clone();
                    actions.push(if whatif_mode {
                        Action::ToggleKnockout(Event::Component(id))
                    } else if modifiers.shift {
                        Action::ToggleSelected(id)
                    } else {
                        Action::SelectOnly(vec![id])
                    });
                }
                GraphChange::NodeDoubleClicked { node } => {
                    clicked_something = true;
                    if !whatif_mode {
                        actions.push(Action::Rename(self.ids[node.index()].clone()));
                    }
                }
                GraphChange::NodeMoved { node, delta, .. } => {
                    self.move_companions(node.index(), delta, selection);
                }
                GraphChange::NodeDragEnded { node } if clicked.contains(&node.index()) => {
                    self.put_back(node.index(), model, selection);
                }
                GraphChange::NodeDragEnded { node } => {
                    self.finish_move(node.index(), model, selection, actions);
                }
                _ => {}
            }
        }

        self.gestures(ui, &resp, modifiers, selection, actions);
        if resp.clicked() && !clicked_something && !whatif_mode && !modifiers.shift {
            actions.push(Action::SelectOnly(Vec::new()));
        }
        if resp.double_clicked()
            && !clicked_something
            && !whatif_mode
            && let Some(p) = resp.interact_pointer_pos()
        {
            let at = self.to_canvas(p);
            actions.push(Action::AddComponent {
                kind: crate::model::ComponentKind::Service,
                at: Some(at),
            });
        }
        if let Some(kind) = resp.dnd_release_payload::<crate::model::ComponentKind>()
            && let Some(p) = ui.input(|i| i.pointer.latest_pos())
        {
            actions.push(Action::AddComponent {
                kind: *kind,
                at: Some(self.to_canvas(p)),
            });
        }
        self.zoom_with_wheel(ui, &resp);
        self.paint_overlays(ui, model, report);
        self.hover_ui(&resp, model, report);
        if !self.presenting {
            self.context_menu(&resp, model, report, whatif_mode, actions);
        }
    }

    /// Where each card is drawn, by node index.
    fn positions(&self) -> Vec<Pos2> {
        (0..self.ids.len())
            .map(|i| {
                self.graph
                    .node(NodeIndex::new(i))
                    .map_or(Pos2::ZERO, |n| n.location())
            })
            .collect()
    }

    /// The outline each card left to the canvas in the last `show`, by node index.
    fn outlines_left(&self) -> Vec<Option<Outline>> {
        (0..self.ids.len())
            .map(|i| {
                let node = self.graph.node(NodeIndex::new(i))?;
                node.display().outline().cloned()
            })
            .collect()
    }

    /// This frame's drawing settings: the same value as last frame's when they are equal.
    fn drawing(&mut self, ctx: &egui::Context) -> Arc<Drawing> {
        let now = Drawing::of(ctx);
        match &self.drawing {
            Some(d) if **d == now => Arc::clone(d),
            _ => Arc::clone(self.drawing.insert(Arc::new(now))),
        }
    }

    /// Whether this frame can only draw what the last one did: no input, no gesture or
    /// pending view change, and the same view as the frame before.
    fn quiet(&mut self, ui: &egui::Ui) -> bool {
        self.read_meta(ui.ctx());
        let view = ViewPrint {
            rect: self.rect,
            zoom: self.zoom,
            pan: self.pan,
            version: self.version,
            dark: ui.visuals().dark_mode,
            pixels_per_point: ui.ctx().pixels_per_point(),
            font_atlas_fill: ui.ctx().fonts(|f| f.font_atlas_fill_ratio()),
        };
        let same = self.last_view.as_ref() == Some(&view);
        self.last_view = Some(view);
        let no_input = ui.input(|i| {
            i.raw.events.is_empty()
                && i.raw.hovered_files.is_empty()
                && i.raw.dropped_files.is_empty()
                && !i.pointer.any_down()
        });
        same && no_input
            && matches!(self.gesture, Gesture::None)
            && self.graph.dragged_node().is_none()
            && self.pending_fit == 0
            && self.pending_centre.is_none()
    }

    fn sync_selection(&mut self, selection: &CanvasSelection<'_>) {
        let chosen: HashSet<usize> = selection
            .components
            .iter()
            .filter_map(|id| self.index.get(id).copied())
            .collect();
        for i in 0..self.ids.len() {
            if let Some(n) = self.graph.node_mut(NodeIndex::new(i)) {
                let on = chosen.contains(&i);
                if n.selected() != on {
                    n.set_selected(on);
                    self.version += 1;
                }
            }
        }
        let edge = selection.dependency.and_then(|(f, t)| {
            let (f, t) = (self.index.get(f)?, self.index.get(t)?);
            self.edges
                .ends()
                .iter()
                .position(|&(a, b)| a == *f && b == *t)
        });
        if self.edges.select(edge) {
            self.version += 1;
        }
    }
}
