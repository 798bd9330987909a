//! Gestures on the canvas: clicks on dependencies, dragging cards and their companions,
//! pan, rubber band, connect and wheel zoom, turned into actions.

use egui::{CursorIcon, PointerButton, Rect, Vec2, pos2};
use egui_graphs::GraphChange;
use petgraph::stable_graph::NodeIndex;

use super::view::zoom_around;
use super::{Canvas, CanvasSelection, Gesture};
use crate::edit::Edit;
use crate::model::Model;
use crate::ui::action::Action;

impl Canvas {
    /// A click beside every card but on a dependency selects it (as egui_graphs would for
    /// its own edges); whether there was one.
    pub(super) fn click_dependency(
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

    /// Dragging one of several selected cards drags them all.
    pub(super) fn move_companions(
        &mut self,
        dragged: usize,
        delta: Vec2,
        selection: &CanvasSelection<'_>,
    ) {
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
    pub(super) fn put_back(
        &mut self,
        clicked: usize,
        model: &Model,
        selection: &CanvasSelection<'_>,
    ) {
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

    pub(super) fn finish_move(
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

    pub(super) fn gestures(
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

    pub(super) fn zoom_with_wheel(&mut self, ui: &egui::Ui, resp: &egui::Response) {
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
}
