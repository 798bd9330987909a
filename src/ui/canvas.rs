//! The canvas: an egui_graphs view model patched from the document, plus pan, zoom, rubber band and connect.
//! Turns gestures into actions; must never edit the model itself nor run a force layout.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use egui::epaint::ClippedShape;
use egui::{
    Align2, Color32, CursorIcon, FontId, PointerButton, Pos2, Rect, Sense, Shape, Stroke,
    StrokeKind, Vec2, pos2, vec2,
};
use egui_graphs::{
    DefaultEdgeShape, GraphChange, GraphView, Layout, LayoutState, MetadataFrame,
    SettingsInteraction, SettingsNavigation, SettingsStyle,
};
use petgraph::Directed;
use petgraph::stable_graph::{DefaultIx, NodeIndex};
use serde::{Deserialize, Serialize};

use super::action::Action;
use super::command::Command;
use super::edges::Dependencies;
use super::failures::failure_sentences;
use super::look::{DOT, GREEN, RED, zone_colour};
use super::preview::Preview;
use super::shapes::{
    ComponentLook, ComponentShape, DependencyLook, Drawing, KeepingCards, NODE_SIZE, NodePayload,
    WhatIfState, boundary_point, dashed_outline, ghost_card, ghost_edge,
};
use crate::analysis::{MINUTES_PER_YEAR, Report, WhatIf};
use crate::edit::Edit;
use crate::format::{duration, percent};
use crate::model::{Component, Event, FastHash, Model, Replication};
use crate::style::replica_badge;

/// Cards only: dependencies are drawn and hit-tested by [`Dependencies`].
pub type CanvasGraph =
    egui_graphs::Graph<NodePayload, (), Directed, DefaultIx, ComponentShape, DefaultEdgeShape>;

/// Each zone's position in the model, which picks its colour.
type ZoneIndex<'a> = HashMap<&'a str, usize, FastHash>;
/// Component ids with a mark (SPOF, down, …).
type Ids<'a> = HashSet<&'a str, FastHash>;

/// Key of egui_graphs' zoom/pan metadata for our one canvas.
const CANVAS_ID: &str = "spofscope-canvas";
const MIN_ZOOM: f32 = 0.05;
const MAX_ZOOM: f32 = 4.0;
/// The largest zoom a fit picks: cards at their drawn size, or larger on a projector.
const FIT_ZOOM: f32 = 1.25;
const PRESENT_FIT_ZOOM: f32 = 2.5;
const FIT_FRAMES: u8 = 3;

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
    index: HashMap<String, usize>,
    structure_key: Option<(u64, u64)>,
    /// The structure number the graph was last checked against.
    structure_seen: Option<(u64, u64)>,
    look_key: Option<LookKey>,
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
            index: HashMap::new(),
            structure_key: None,
            structure_seen: None,
            look_key: None,
            gesture: Gesture::None,
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            zoom: 1.0,
            pan: Vec2::ZERO,
            pending_fit: FIT_FRAMES,
            pending_centre: None,
            context_node: None,
            preview: None,
            version: 0,
            last_view: None,
            painted: None,
            presenting: false,
            drawing: None,
        }
    }
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

    /// Draw `preview` over the model from this frame on, or nothing.
    pub fn set_preview(&mut self, preview: Option<Arc<Preview>>) {
        self.preview = preview;
    }

    /// Show the canvas for a presentation (larger fit, view only), or for editing again.
    pub fn set_presenting(&mut self, on: bool) {
        self.presenting = on;
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

    fn update_meta(&mut self, ctx: &egui::Context, f: impl FnOnce(&mut MetadataFrame)) {
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

    /// Bring the view model in line with the document and the analysis.
    /// `key` names the document content (document, revision) and `structure` its ids and
    /// dependency ends (document, [`crate::edit::Document::structure`]): while it stays, the
    /// graph is not compared with the model.
    pub fn sync(
        &mut self,
        model: &Model,
        key: (u64, u64),
        structure: (u64, u64),
        overlay: &Overlay<'_>,
    ) {
        if self.structure_key != Some(key) {
            if self.structure_seen != Some(structure) && !self.same_structure(model) {
                self.rebuild(model);
                self.version += 1;
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
            self.restyle(model, overlay);
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

    /// Bring every look up to date and move cards to the model's positions. A look that
    /// comes out the same keeps its value, and with it the card's kept triangles.
    fn restyle(&mut self, model: &Model, overlay: &Overlay<'_>) {
        let zone_index: ZoneIndex<'_> = model.zone_ids().enumerate().map(|(i, z)| (z, i)).collect();
        let spofs: Ids<'_> = overlay
            .report
            .map(|r| r.component_spofs().map(|s| s.id.as_str()).collect())
            .unwrap_or_default();
        let whatif = overlay.whatif.filter(|_| overlay.whatif_mode);
        let down: Ids<'_> = whatif
            .map(|w| w.down.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let degraded: Ids<'_> = whatif
            .map(|w| w.degraded.iter().map(String::as_str).collect())
            .unwrap_or_default();
        // A bad deploy (`common:c`) knocks c out as a whole; so does its failover window.
        let knocked: Ids<'_> = overlay
            .knockouts
            .iter()
            .filter_map(|k| match k {
                Event::Component(c) | Event::Common(c) | Event::Failover(c) => Some(c.as_str()),
                _ => None,
            })
            .collect();
        let dragging = self.graph.dragged_node().is_some();
        // Most sets are empty: no need to hash 10,000 ids to learn that.
        let has = |set: &Ids<'_>, id: &str| !set.is_empty() && set.contains(id);
        let mut badges: HashMap<_, _, FastHash> = HashMap::default();
        // Each card's SPOF and down marks, which its dependencies show too.
        let mut marks = Vec::with_capacity(model.components.len());
        for (i, c) in model.components.iter().enumerate() {
            let (spof, is_down) = (has(&spofs, &c.id), has(&down, &c.id));
            marks.push((spof, is_down));
            let state = whatif.map(|_| {
                if is_down {
                    WhatIfState::Down
                } else if has(&degraded, &c.id) {
                    WhatIfState::Degraded
                } else {
                    WhatIfState::Healthy
                }
            });
            let knocked_out = has(&knocked, &c.id);
            let badge = badges
                .entry((c.replicas, c.min_healthy, c.kind.has_replicas()))
                .or_insert_with(|| replica_badge(c));
            if let Some(node) = self.graph.node_mut(NodeIndex::new(i)) {
                let marks = (spof, state, knocked_out);
                if !shows(node.payload(), c, badge.as_deref(), &zone_index, marks) {
                    *node.payload_mut() = Arc::new(ComponentLook {
                        spof,
                        whatif: state,
                        knocked_out,
                        ..look_of(c, &zone_index)
                    });
                }
                if !dragging {
                    node.set_location(pos2(c.pos.0, c.pos.1));
                }
            }
        }
        let looks: Vec<DependencyLook> = model
            .dependencies
            .iter()
            .zip(self.edges.ends())
            .map(|(d, &(_, to))| {
                let (spof, down) = marks.get(to).copied().unwrap_or_default();
                DependencyLook {
                    soft: d.kind == crate::model::DependencyKind::Soft,
                    into_spof: spof,
                    down,
                }
            })
            .collect();
        for (e, look) in looks.into_iter().enumerate() {
            self.edges.set_look(e, look);
        }
    }

    fn node_at(&self, screen: Pos2) -> Option<usize> {
        let p = self.to_canvas(screen);
        self.graph
            .nodes_iter()
            .find(|(_, n)| Rect::from_center_size(n.location(), NODE_SIZE).contains(p))
            .map(|(i, _)| i.index())
    }

    fn to_canvas(&self, screen: Pos2) -> Pos2 {
        ((screen - self.rect.min - self.pan) / self.zoom).to_pos2()
    }

    fn to_screen(&self, canvas: Pos2) -> Pos2 {
        self.rect.min + self.pan + canvas.to_vec2() * self.zoom
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
            // Dependencies go under the cards: their place is taken now and filled after
            // `show`, in the view it drew the cards in.
            let under = ui.painter().add(Shape::Noop);
            let drawing = self.drawing(ui.ctx());
            let keeping = KeepingCards::with(Arc::clone(&drawing));
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
            let (mesh, on_top) = self.edges.paint(
                &self.positions(),
                self.zoom,
                self.pan + rect.min.to_vec2(),
                painter.clip_rect(),
                &drawing,
            );
            painter.set(under, mesh);
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
            self.context_menu(&resp, model, whatif_mode, actions);
        }
    }

    /// A click beside every card but on a dependency selects it (as egui_graphs would for
    /// its own edges); whether there was one.
    fn click_dependency(
        &self,
        resp: &egui::Response,
        changes: &[GraphChange],
        actions: &mut Vec<Action>,
    ) -> bool {
        let on_card = changes.iter().any(|c| {
            matches!(
                c,
                GraphChange::NodeClicked { .. } | GraphChange::NodeDoubleClicked { .. }
            )
        });
        if on_card || !(resp.clicked() || resp.double_clicked()) {
            return false;
        }
        let Some(e) = resp
            .hover_pos()
            .and_then(|p| self.edges.at(&self.positions(), self.to_canvas(p)))
        else {
            return false;
        };
        let (f, t) = self.edges.ends()[e];
        actions.push(Action::SelectDependency {
            from: self.ids[f].clone(),
            to: self.ids[t].clone(),
        });
        true
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

    fn apply_pending_view(&mut self, ctx: &egui::Context, model: &Model) {
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

    fn read_meta(&mut self, ctx: &egui::Context) {
        self.update_meta(ctx, |_| {});
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

    /// Dragging one of several selected cards drags them all.
    fn move_companions(&mut self, dragged: usize, delta: Vec2, selection: &CanvasSelection<'_>) {
        let Some(dragged_id) = self.ids.get(dragged) else {
            return;
        };
        if !selection.components.contains(dragged_id) {
            return;
        }
        for id in selection.components {
            if let Some(&i) = self.index.get(id)
                && i != dragged
                && let Some(n) = self.graph.node_mut(NodeIndex::new(i))
            {
                let p = n.location() + delta;
                n.set_location(p);
            }
        }
    }

    /// One undo step for the whole drag.
    /// Cards a click pulled (the card and, when it is selected, the rest of the selection)
    /// back to their places in the model.
    fn put_back(&mut self, clicked: usize, model: &Model, selection: &CanvasSelection<'_>) {
        let Some(clicked_id) = self.ids.get(clicked).cloned() else {
            return;
        };
        let companions = if selection.components.contains(&clicked_id) {
            selection.components
        } else {
            &[]
        };
        for id in std::iter::once(&clicked_id).chain(companions) {
            if let (Some(&i), Some(c)) = (self.index.get(id), model.component(id))
                && let Some(n) = self.graph.node_mut(NodeIndex::new(i))
            {
                n.set_location(pos2(c.pos.0, c.pos.1));
            }
        }
    }

    fn finish_move(
        &self,
        dragged: usize,
        model: &Model,
        selection: &CanvasSelection<'_>,
        actions: &mut Vec<Action>,
    ) {
        let Some(dragged_id) = self.ids.get(dragged) else {
            return;
        };
        let mut moved: Vec<&String> = vec![dragged_id];
        if selection.components.contains(dragged_id) {
            moved.extend(selection.components.iter().filter(|id| *id != dragged_id));
        }
        let moves: Vec<(String, (f32, f32))> = moved
            .into_iter()
            .filter_map(|id| {
                let p = self.position_of(id)?;
                let c = model.component(id)?;
                let to = (p.x.round(), p.y.round());
                (c.pos != to).then(|| (id.clone(), to))
            })
            .collect();
        if !moves.is_empty() {
            let label = if moves.len() == 1 {
                format!("Move {}", moves[0].0)
            } else {
                format!("Move {} components", moves.len())
            };
            actions.push(Action::Edit {
                label,
                edits: vec![Edit::Move(moves)],
                select: None,
            });
        }
    }

    fn gestures(
        &mut self,
        ui: &egui::Ui,
        resp: &egui::Response,
        modifiers: egui::Modifiers,
        selection: &CanvasSelection<'_>,
        actions: &mut Vec<Action>,
    ) {
        if resp.drag_started() {
            let origin = ui.input(|i| i.pointer.press_origin());
            // egui_graphs takes the card on the press and has already moved it to the
            // pointer, which may be far from the press by the time egui calls it a drag.
            let on_node = self
                .graph
                .dragged_node()
                .map(NodeIndex::index)
                .or_else(|| origin.and_then(|p| self.node_at(p)));
            self.gesture = if resp.dragged_by(PointerButton::Middle) {
                Gesture::Pan
            } else if let (Some(from), true) = (on_node, modifiers.command || modifiers.alt) {
                Gesture::Connect { from }
            } else if on_node.is_some() {
                Gesture::None
            } else if modifiers.shift {
                origin.map_or(Gesture::None, |start| Gesture::Band { start })
            } else {
                Gesture::Pan
            };
        }
        match self.gesture {
            Gesture::Pan => {
                let delta = resp.drag_delta();
                if delta != Vec2::ZERO {
                    self.update_meta(ui.ctx(), |meta| meta.pan += delta);
                }
                ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
            }
            Gesture::Connect { .. } => ui.ctx().set_cursor_icon(CursorIcon::Crosshair),
            Gesture::Band { .. } | Gesture::None => {}
        }
        if resp.drag_stopped() {
            let end = resp
                .interact_pointer_pos()
                .or(ui.input(|i| i.pointer.latest_pos()));
            match std::mem::replace(&mut self.gesture, Gesture::None) {
                Gesture::Connect { from } => {
                    if let Some(to) = end.and_then(|p| self.node_at(p))
                        && to != from
                    {
                        actions.push(Action::Connect {
                            from: self.ids[from].clone(),
                            to: self.ids[to].clone(),
                        });
                    }
                }
                Gesture::Band { start } => {
                    if let Some(end) = end {
                        let band = Rect::from_two_pos(self.to_canvas(start), self.to_canvas(end));
                        let mut chosen = selection.components.to_vec();
                        for (i, n) in self.graph.nodes_iter() {
                            let id = &self.ids[i.index()];
                            if band.contains(n.location()) && !chosen.contains(id) {
                                chosen.push(id.clone());
                            }
                        }
                        actions.push(Action::SelectOnly(chosen));
                    }
                }
                Gesture::Pan | Gesture::None => {}
            }
        }
    }

    fn zoom_with_wheel(&mut self, ui: &egui::Ui, resp: &egui::Response) {
        let Some(pointer) = resp.hover_pos() else {
            return;
        };
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = (scroll * 0.0015).exp() * pinch;
        if (factor - 1.0).abs() > 1e-4 {
            let local = pointer - self.rect.min;
            self.update_meta(ui.ctx(), |meta| zoom_around(meta, local, factor));
        }
    }

    fn paint_overlays(&self, ui: &egui::Ui, model: &Model, report: Option<&Report>) {
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
            && !r.spofs.is_empty()
        {
            let text = format!(
                "{DOT} {} SPOF{}",
                r.spofs.len(),
                if r.spofs.len() == 1 { "" } else { "s" }
            );
            painter.text(
                self.rect.right_top() + vec2(-10.0, 10.0),
                Align2::RIGHT_TOP,
                text,
                FontId::proportional(15.0),
                RED,
            );
        }
    }

    /// The hovered recommendation: components it adds as translucent cards with a dashed
    /// outline, dependencies it adds or changes dashed, ones it removes crossed out, and
    /// components it changes outlined with the change written under them.
    fn paint_preview(&self, painter: &egui::Painter, ui: &egui::Ui) {
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
                GREEN,
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
    fn paint_legend(&self, painter: &egui::Painter, ui: &egui::Ui, model: &Model) {
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

    fn hover_ui(&self, resp: &egui::Response, model: &Model, report: Option<&Report>) {
        if !matches!(self.gesture, Gesture::None) || self.graph.dragged_node().is_some() {
            return;
        }
        let Some(i) = self.graph.hovered_node() else {
            return;
        };
        let Some(c) = self.ids.get(i.index()).and_then(|id| model.component(id)) else {
            return;
        };
        resp.clone().on_hover_ui_at_pointer(|ui| {
            ui.strong(format!("{} ({})", c.display_name(), c.kind.label()));
            ui.label(format!("id: {}", c.id));
            if c.kind.has_replicas() {
                ui.label(format!(
                    "replicas: {} · min healthy: {} · availability {} · fails every {} (MTBF)",
                    c.replicas,
                    c.min_healthy,
                    percent(model.replica_availability(c)),
                    duration(model.mtbf_hours(c) * 60.0)
                ));
            }
            for sentence in failure_sentences(model, c) {
                ui.label(sentence);
            }
            if !c.zones.is_empty() {
                ui.label(format!("zones: {}", c.zones.join(", ")));
            }
            if !c.notes.is_empty() {
                ui.label(&c.notes);
            }
            if let Some(s) = report.and_then(|r| r.component_spof(&c.id)) {
                ui.colored_label(
                    RED,
                    format!(
                        "{DOT} SPOF: takes down {} · blast radius {}",
                        s.takes_down.join(", "),
                        s.blast_radius.len()
                    ),
                );
            }
            if let Some((r, drop)) = report.and_then(|r| {
                r.component_importance
                    .iter()
                    .find(|x| x.component == c.id)
                    .map(|d| (r, d))
            }) {
                for (entry, lost) in &drop.drop_by_entry {
                    if let Some(e) = r.entry(entry) {
                        ui.label(format!(
                            "while it is down, {} is up {} of the time (now {})",
                            e.name,
                            percent((e.availability - lost).max(0.0)),
                            percent(e.availability)
                        ));
                    }
                }
                for (entry, gain) in &drop.gain_by_entry {
                    if let Some(e) = r.entry(entry) {
                        ui.label(format!(
                            "it causes {} of downtime a year for {}",
                            duration(gain * MINUTES_PER_YEAR),
                            e.name
                        ));
                    }
                }
            }
        });
    }

    fn context_menu(
        &mut self,
        resp: &egui::Response,
        model: &Model,
        whatif_mode: bool,
        actions: &mut Vec<Action>,
    ) {
        if resp.secondary_clicked() {
            self.context_node = resp.interact_pointer_pos().and_then(|p| self.node_at(p));
        }
        let node = self.context_node.and_then(|i| self.ids.get(i).cloned());
        resp.context_menu(|ui| {
            let Some(id) = &node else {
                if ui.button("Add service here").clicked() {
                    actions.push(Action::AddComponent {
                        kind: crate::model::ComponentKind::Service,
                        at: None,
                    });
                    ui.close();
                }
                if ui.button("Fit to view").clicked() {
                    actions.push(Action::Run(Command::FitView));
                    ui.close();
                }
                return;
            };
            ui.label(egui::RichText::new(id).strong());
            let select = Action::SelectOnly(vec![id.clone()]);
            let knock = if whatif_mode {
                "Knock out / bring back"
            } else {
                "Knock out (what-if)"
            };
            let items: [(&str, Vec<Action>); 5] = [
                (
                    knock,
                    vec![Action::ToggleKnockout(Event::Component(id.clone()))],
                ),
                ("Rename", vec![Action::Rename(id.clone())]),
                (
                    Command::MakeRedundant.label(),
                    vec![select.clone(), Action::Run(Command::MakeRedundant)],
                ),
                (
                    Command::Duplicate.label(),
                    vec![select.clone(), Action::Run(Command::Duplicate)],
                ),
                (
                    Command::Delete.label(),
                    vec![select, Action::Run(Command::Delete)],
                ),
            ];
            for (label, list) in items {
                if ui.button(label).clicked() {
                    actions.extend(list);
                    ui.close();
                }
            }
            if model
                .component(id)
                .is_some_and(Component::has_failover_window)
            {
                let window = Event::Failover(id.clone());
                if ui
                    .button(format!("Knock out {}", window.in_words(model)))
                    .on_hover_text(format!("What-if event {window}"))
                    .clicked()
                {
                    actions.push(Action::ToggleKnockout(window));
                    ui.close();
                }
            }
        });
    }
}

/// How `c` looks by its own properties alone (no analysis, no what-if); zone colours by
/// each zone's index in `zone_index`.
fn look_of(c: &Component, zone_index: &ZoneIndex<'_>) -> ComponentLook {
    ComponentLook {
        kind: c.kind,
        name: c.display_name().to_owned(),
        badge: replica_badge(c),
        zones: c
            .zones
            .iter()
            .map(|z| (z.clone(), zone_colour_in(z, zone_index)))
            .collect(),
        replication: replication_mark(c),
        entry: c.entry,
        spof: false,
        whatif: None,
        knocked_out: false,
    }
}

/// Whether `look` is what `look_of(c)` with these marks gives (`badge` being `c`'s), without
/// building it: a restyle of 10,000 cards would otherwise allocate tens of thousands of strings.
fn shows(
    look: &ComponentLook,
    c: &Component,
    badge: Option<&str>,
    zone_index: &ZoneIndex<'_>,
    (spof, whatif, knocked_out): (bool, Option<WhatIfState>, bool),
) -> bool {
    look.kind == c.kind
        && look.name == c.display_name()
        && look.entry == c.entry
        && look.spof == spof
        && look.whatif == whatif
        && look.knocked_out == knocked_out
        && look.replication == replication_mark(c)
        && look.zones.len() == c.zones.len()
        && look
            .zones
            .iter()
            .zip(&c.zones)
            .all(|((z, colour), id)| z == id && *colour == zone_colour_in(id, zone_index))
        && look.badge.as_deref() == badge
}

fn zone_colour_in(zone: &str, zone_index: &ZoneIndex<'_>) -> Color32 {
    zone_index
        .get(zone)
        .map_or(Color32::GRAY, |&i| zone_colour(i))
}

fn replication_mark(c: &Component) -> Option<&'static str> {
    match c.replication {
        Replication::None => None,
        _ if !c.kind.is_stateful() => None,
        Replication::Sync => Some("sync"),
        Replication::Async => Some("async"),
    }
}

fn zoom_around(meta: &mut MetadataFrame, local: Vec2, factor: f32) {
    let new_zoom = (meta.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
    let graph_point = (local - meta.pan) / meta.zoom;
    meta.pan = local - graph_point * new_zoom;
    meta.zoom = new_zoom;
}

/// Zoom and pan that show every component in a view of `size`, zoomed in no further than `largest`.
fn fit_view(model: &Model, size: Vec2, largest: f32) -> (f32, Vec2) {
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

#[cfg(test)]
mod tests {
    use egui::epaint::{ClippedPrimitive, Mesh, Primitive};

    use super::*;
    use crate::model::{Component, ComponentKind};

    /// A canvas on a generated model in a small window, drawn until its view settled.
    struct Drawn {
        ctx: egui::Context,
        canvas: Canvas,
        model: Model,
        revision: u64,
    }

    impl Drawn {
        fn new() -> Self {
            let mut d = Drawn {
                ctx: egui::Context::default(),
                canvas: Canvas::default(),
                model: crate::generate::generate(60, 3),
                revision: 0,
            };
            for _ in 0..6 {
                d.frame();
            }
            d
        }

        /// One frame with the pointer moving in a corner (so the canvas is drawn, not
        /// replayed), tessellated.
        fn frame(&mut self) -> Vec<ClippedPrimitive> {
            let input = egui::RawInput {
                screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(600.0, 400.0))),
                events: vec![egui::Event::PointerMoved(pos2(2.0, 2.0))],
                ..egui::RawInput::default()
            };
            let overlay = Overlay {
                report: None,
                whatif: None,
                whatif_mode: false,
                knockouts: &[],
            };
            let (canvas, model, key) = (&mut self.canvas, &self.model, (0, self.revision));
            let mut output = self.ctx.run_ui(input, |ui| {
                canvas.sync(model, key, key, &overlay);
                let selection = CanvasSelection {
                    components: &[],
                    dependency: None,
                };
                canvas.ui(ui, model, None, &selection, false, &mut Vec::new());
            });
            output.textures_delta.clear();
            self.ctx.tessellate(output.shapes, output.pixels_per_point)
        }

        fn edit(&mut self, edit: Edit) {
            if let Err(e) = edit.apply(&mut self.model) {
                panic!("{e}");
            }
            self.revision += 1;
        }

        fn cards(&self) -> Vec<Option<Arc<Mesh>>> {
            (0..self.model.components.len())
                .map(|i| {
                    let node = self.canvas.graph.node(NodeIndex::new(i))?;
                    node.display().kept_mesh().cloned()
                })
                .collect()
        }

        /// What a canvas that kept nothing draws now: a new one in the same view.
        fn drawn_afresh(&mut self) -> Vec<ClippedPrimitive> {
            self.canvas = Canvas {
                pending_fit: 0,
                ..Canvas::default()
            };
            self.frame();
            self.frame()
        }

        /// Dependencies touching component `i`.
        fn touching(&self, i: usize) -> Vec<bool> {
            let ends = self.canvas.edges.ends();
            ends.iter().map(|&(f, t)| f == i || t == i).collect()
        }
    }

    fn same(a: &[Option<Arc<Mesh>>], b: &[Option<Arc<Mesh>>]) -> Vec<bool> {
        a.iter()
            .zip(b)
            .map(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => Arc::ptr_eq(x, y),
                _ => false,
            })
            .collect()
    }

    #[test]
    fn an_edit_to_one_component_redraws_its_card_and_keeps_every_other_triangle() {
        let mut d = Drawn::new();
        assert!(
            d.canvas.zoom() < 0.45,
            "zoomed out: cards are kept as triangles"
        );
        let (cards, edges) = (d.cards(), d.canvas.edges.made());
        assert!(cards.iter().all(Option::is_some));
        let mut c = d.model.components[5].clone();
        c.name = "Renamed".to_owned();
        d.edit(Edit::UpdateComponent {
            id: c.id.clone(),
            component: c,
        });
        d.frame();
        let kept = same(&cards, &d.cards());
        assert!(kept.iter().enumerate().all(|(i, k)| *k == (i != 5)));
        assert_eq!(d.canvas.edges.made(), edges);
    }

    #[test]
    fn a_moved_card_redraws_its_dependencies_and_nothing_else() {
        let mut d = Drawn::new();
        let (cards, edges) = (d.cards(), d.canvas.edges.made());
        let c = &d.model.components[7];
        let to = (c.pos.0 + 40.0, c.pos.1 + 10.0);
        d.edit(Edit::Move(vec![(c.id.clone(), to)]));
        d.frame();
        let now = d.canvas.edges.made();
        let touching = d.touching(7);
        assert!(touching.contains(&true));
        for (e, moved) in touching.iter().enumerate() {
            assert_eq!(now[e] != edges[e], *moved, "dependency {e}");
        }
        // The moved card is drawn as shapes while it moves, the others keep theirs.
        let kept = same(&cards, &d.cards());
        assert!(kept.iter().enumerate().all(|(i, k)| *k == (i != 7)));
    }

    #[test]
    fn kept_triangles_show_every_move_and_dependency_change_in_the_next_frame() {
        let mut d = Drawn::new();
        let first = d.frame();
        let (cards, edges) = (d.cards(), d.canvas.edges.made());
        // Nothing changed: nothing is made again and the picture is the same.
        assert_eq!(format!("{:?}", d.frame()), format!("{first:?}"));
        assert!(same(&cards, &d.cards()).iter().all(|k| *k));
        assert_eq!(d.canvas.edges.made(), edges);

        let c = &d.model.components[7];
        let to = (c.pos.0 + 30.0, c.pos.1 - 20.0);
        d.edit(Edit::Move(vec![(c.id.clone(), to)]));
        let moved = d.frame();
        assert_ne!(format!("{moved:?}"), format!("{first:?}"));
        assert_eq!(format!("{:?}", d.drawn_afresh()), format!("{moved:?}"));
        let d0 = &d.model.dependencies[0];
        let (from, to) = (d0.from.clone(), d0.to.clone());
        d.edit(Edit::SetDependencyKind {
            from,
            to,
            kind: crate::model::DependencyKind::Soft,
        });
        let softened = d.frame();
        assert_ne!(format!("{softened:?}"), format!("{moved:?}"));
        let edges = d.canvas.edges.made();
        assert_eq!(format!("{:?}", d.frame()), format!("{softened:?}"));
        assert_eq!(d.canvas.edges.made(), edges);

        assert_eq!(format!("{:?}", d.drawn_afresh()), format!("{softened:?}"));
    }

    #[test]
    fn a_new_view_or_theme_redraws_everything() {
        let mut d = Drawn::new();
        let (cards, edges) = (d.cards(), d.canvas.edges.made());
        d.ctx.set_visuals(egui::Visuals::light());
        d.frame();
        assert!(same(&cards, &d.cards()).iter().all(|k| !k));
        let after_theme = d.canvas.edges.made();
        assert!(after_theme.iter().zip(&edges).all(|(a, b)| a != b));
        d.canvas.zoom_by(&d.ctx.clone(), 0.9);
        d.frame();
        assert!(
            d.canvas
                .edges
                .made()
                .iter()
                .zip(&after_theme)
                .all(|(a, b)| a != b)
        );
    }

    #[test]
    fn kept_triangles_are_the_ones_egui_makes() {
        let mut d = Drawn::new();
        d.canvas.zoom_by(&d.ctx.clone(), 0.9);
        // Cards drawn as shapes (the view just changed), then kept, then reused.
        let drawn = d.frame();
        assert!(d.cards().iter().all(Option::is_none));
        let made = d.frame();
        assert!(d.cards().iter().all(Option::is_some));
        let reused = d.frame();
        assert_eq!(format!("{drawn:?}"), format!("{made:?}"));
        assert_eq!(format!("{made:?}"), format!("{reused:?}"));
    }

    #[test]
    fn dependency_triangles_are_the_ones_egui_makes_at_every_zoom() {
        let ctx = egui::Context::default();
        ctx.run_ui(egui::RawInput::default(), |_| {})
            .textures_delta
            .clear();
        let drawing = Arc::new(Drawing::of(&ctx));
        let positions = [pos2(0.0, 0.0), pos2(400.0, 80.0), pos2(120.0, 300.0)];
        let ends = vec![(0, 1), (1, 0), (1, 2), (2, 0)];
        let soft = [false, true, false, true];
        let clip = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        for zoom in [0.1, 0.3, 1.0] {
            let mut edges = Dependencies::new(ends.clone(), positions.len());
            for (e, soft) in soft.into_iter().enumerate() {
                let look = DependencyLook {
                    soft,
                    into_spof: e == 2,
                    down: e == 3,
                };
                edges.set_look(e, look);
            }
            let offset = vec2(50.0, 40.0);
            let (Shape::Mesh(ours), _) = edges.paint(&positions, zoom, offset, clip, &drawing)
            else {
                panic!("dependencies come as one mesh");
            };
            let shapes = (0..ends.len())
                .filter_map(|e| {
                    let (f, t) = ends[e];
                    let order = usize::from(e < 2);
                    let (p0, p1) =
                        super::super::shapes::segment(positions[f], positions[t], order)?;
                    let screen = |p: Pos2| (p.to_vec2() * zoom + offset).to_pos2();
                    let look = DependencyLook {
                        soft: soft[e],
                        into_spof: e == 2,
                        down: e == 3,
                    };
                    let shapes = super::super::shapes::dependency_shapes(
                        (screen(p0), screen(p1)),
                        &look,
                        false,
                        zoom,
                        clip,
                        &drawing,
                    );
                    Some(ClippedShape {
                        clip_rect: clip,
                        shape: Shape::Vec(shapes),
                    })
                })
                .collect();
            let theirs = ctx.tessellate(shapes, ctx.pixels_per_point());
            let [
                ClippedPrimitive {
                    primitive: Primitive::Mesh(theirs),
                    ..
                },
            ] = theirs.as_slice()
            else {
                panic!("one mesh");
            };
            assert!(!theirs.is_empty());
            assert_eq!(ours.vertices, theirs.vertices, "zoom {zoom}");
            assert_eq!(ours.indices, theirs.indices, "zoom {zoom}");
        }
    }

    #[test]
    fn fit_view_centres_the_model() {
        let mut m = Model::default();
        let mut a = Component::new("a", ComponentKind::Service);
        a.pos = (0.0, 0.0);
        let mut b = Component::new("b", ComponentKind::Service);
        b.pos = (400.0, 200.0);
        m.components = vec![a, b];
        let (zoom, pan) = fit_view(&m, vec2(1000.0, 800.0), FIT_ZOOM);
        let centre = pan + vec2(200.0, 100.0) * zoom;
        assert!((centre - vec2(500.0, 400.0)).length() < 0.01);
        assert!(zoom > 0.5 && zoom <= 1.25);
    }

    #[test]
    fn zoom_around_keeps_the_point_under_the_pointer() {
        let mut meta = MetadataFrame::new(None);
        meta.pan = vec2(10.0, 20.0);
        let local = vec2(300.0, 200.0);
        let before = (local - meta.pan) / meta.zoom;
        zoom_around(&mut meta, local, 2.0);
        let after = (local - meta.pan) / meta.zoom;
        assert!((before - after).length() < 1e-3);
        assert_eq!(meta.zoom, 2.0);
    }
}
