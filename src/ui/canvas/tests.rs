use egui::epaint::{ClippedPrimitive, Primitive};
use egui_graphs::MetadataFrame;

use super::restyle::look_of;
use super::view::{fit_view, zoom_around};
use super::*;
use crate::edit::Edit;
use crate::model::{Component, ComponentKind};
use crate::ui::shapes::ComponentLook;
use crate::ui::shapes::DependencyLook;

/// A canvas on a generated model in a small window, drawn until its view settled.
struct Drawn {
    ctx: egui::Context,
    canvas: Canvas,
    doc: Document,
}

impl Drawn {
    fn new() -> Self {
        let mut d = Drawn {
            ctx: egui::Context::default(),
            canvas: Canvas::default(),
            doc: Document::new(crate::generate::generate(60, 3), None),
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
        let (canvas, doc) = (&mut self.canvas, &self.doc);
        let model = doc.model();
        let mut output = self.ctx.run_ui(input, |ui| {
            canvas.sync(doc, 0, &overlay);
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
        if let Err(e) = self.doc.apply("edit", &[edit]) {
            panic!("{e}");
        }
    }

    fn model(&self) -> &Model {
        self.doc.model()
    }

    /// The frame each card's outline was made in, for cards in the canvas's kept mesh.
    fn cards(&self) -> Vec<Option<u64>> {
        let made = self.canvas.outlines.made();
        if made.is_empty() {
            vec![None; self.model().components.len()]
        } else {
            made
        }
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

/// Which cards kept the triangles they had in `a`.
fn same(a: &[Option<u64>], b: &[Option<u64>]) -> Vec<bool> {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| matches!((x, y), (Some(x), Some(y)) if x == y))
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
    let mut c = d.model().components[5].clone();
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
    let c = &d.model().components[7];
    let to = (c.pos.0 + 40.0, c.pos.1 + 10.0);
    d.edit(Edit::Move(vec![(c.id.clone(), to)]));
    d.frame();
    let now = d.canvas.edges.made();
    let touching = d.touching(7);
    assert!(touching.contains(&true));
    for (e, moved) in touching.iter().enumerate() {
        assert_eq!(now[e] != edges[e], *moved, "dependency {e}");
    }
    // The moved card's outline is made again, the others keep theirs.
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

    let c = &d.model().components[7];
    let to = (c.pos.0 + 30.0, c.pos.1 - 20.0);
    d.edit(Edit::Move(vec![(c.id.clone(), to)]));
    let moved = d.frame();
    assert_ne!(format!("{moved:?}"), format!("{first:?}"));
    assert_eq!(format!("{:?}", d.drawn_afresh()), format!("{moved:?}"));
    let d0 = &d.model().dependencies[0];
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
    let before = d.cards();
    d.canvas.zoom_by(&d.ctx.clone(), 0.9);
    // Outlines made again for the new view, then kept and reused.
    let drawn = d.frame();
    let made = d.cards();
    assert!(made.iter().all(Option::is_some));
    assert!(same(&before, &made).iter().all(|k| !k));
    let reused = d.frame();
    assert!(same(&made, &d.cards()).iter().all(|k| *k));
    assert_eq!(format!("{drawn:?}"), format!("{reused:?}"));
    // A canvas that kept nothing draws the same.
    assert_eq!(format!("{:?}", d.drawn_afresh()), format!("{reused:?}"));
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
        let resident = &mut ResidentMesh::default();
        let (Shape::Mesh(ours), _) =
            edges.paint(&positions, zoom, offset, clip, &drawing, resident)
        else {
            panic!("dependencies come as one mesh");
        };
        let shapes = (0..ends.len())
            .filter_map(|e| {
                let (f, t) = ends[e];
                let order = usize::from(e < 2);
                let (p0, p1) = super::super::shapes::segment(positions[f], positions[t], order)?;
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

/// Every card's look and place and every dependency's look, as a canvas synced to `doc`
/// holds them.
fn looks(canvas: &Canvas) -> (Vec<(ComponentLook, Pos2)>, Vec<DependencyLook>) {
    let cards = (0..canvas.ids.len())
        .filter_map(|i| {
            let n = canvas.graph.node(NodeIndex::new(i))?;
            Some(((**n.payload()).clone(), n.location()))
        })
        .collect();
    (cards, canvas.edges.looks().to_vec())
}

#[test]
fn restyling_what_changed_gives_the_looks_of_a_whole_restyle() {
    let mut doc = Document::new(crate::generate::generate(60, 3), None);
    let report = crate::analysis::analyze(doc.model(), &crate::analysis::Options::default());
    let spofs: Vec<String> = report.component_spofs().map(|s| s.id.clone()).collect();
    assert!(!spofs.is_empty());
    let mut canvas = Canvas::default();
    let knockouts = [Event::Component(doc.model().components[2].id.clone())];
    let sync = |canvas: &mut Canvas, doc: &Document, analysed: bool, knocked: bool| {
        let overlay = Overlay {
            report: analysed.then_some(&report),
            whatif: None,
            whatif_mode: false,
            knockouts: if knocked { &knockouts } else { &[] },
        };
        canvas.sync(doc, 0, &overlay);
        let mut whole = Canvas::default();
        whole.sync(doc, 0, &overlay);
        assert_eq!(looks(canvas), looks(&whole));
    };
    sync(&mut canvas, &doc, true, false);
    let spof = doc.model().component(&spofs[0]).cloned();
    let Some(mut spof) = spof else {
        panic!("a SPOF of the model");
    };
    spof.name = "Renamed".to_owned();
    let plain = doc.model().components[5].clone();
    let edits = [
        Edit::UpdateComponent {
            id: spof.id.clone(),
            component: spof,
        },
        Edit::Move(vec![(plain.id.clone(), (plain.pos.0 + 40.0, plain.pos.1))]),
    ];
    for edit in edits {
        let style = canvas.styled;
        if let Err(e) = doc.apply("edit", &[edit]) {
            panic!("{e}");
        }
        sync(&mut canvas, &doc, true, false);
        assert_ne!(canvas.styled, style);
    }
    let d0 = doc.model().dependencies[0].clone();
    let soft = Edit::SetDependencyKind {
        from: d0.from,
        to: d0.to,
        kind: crate::model::DependencyKind::Soft,
    };
    if let Err(e) = doc.apply("soften", &[soft]) {
        panic!("{e}");
    }
    // Marks going and coming with the analysis and the knockouts, edits in between.
    sync(&mut canvas, &doc, false, false);
    sync(&mut canvas, &doc, false, true);
    assert!(doc.undo());
    sync(&mut canvas, &doc, true, true);
    assert!(doc.undo());
    sync(&mut canvas, &doc, true, false);
    assert!(doc.redo());
    sync(&mut canvas, &doc, false, false);

    // Only what changed is looked at: a card nothing touched keeps even a wrong look.
    let Some(other) = (6..doc.model().components.len()).last() else {
        panic!("cards");
    };
    let wrong = Arc::new(ComponentLook {
        name: "wrong".to_owned(),
        ..look_of(&doc.model().components[other], &ZoneIndex::default())
    });
    if let Some(n) = canvas.graph.node_mut(NodeIndex::new(other)) {
        *n.payload_mut() = Arc::clone(&wrong);
    }
    let mut c = doc.model().components[5].clone();
    c.name = "Five".to_owned();
    let rename = Edit::UpdateComponent {
        id: c.id.clone(),
        component: c,
    };
    if let Err(e) = doc.apply("rename", &[rename]) {
        panic!("{e}");
    }
    let overlay = Overlay {
        report: None,
        whatif: None,
        whatif_mode: false,
        knockouts: &[],
    };
    canvas.sync(&doc, 0, &overlay);
    assert!(
        canvas
            .graph
            .node(NodeIndex::new(other))
            .is_some_and(|n| Arc::ptr_eq(n.payload(), &wrong))
    );
    assert_eq!(
        canvas
            .graph
            .node(NodeIndex::new(5))
            .map(|n| n.payload().name.clone()),
        Some("Five".to_owned())
    );
}

#[test]
fn own_clips_cover_the_same_pixels_as_the_clip_and_differ_from_it() {
    // As egui's renderers turn a clip rect into a scissor rect.
    let scissor =
        |r: Rect, ppp: f32| [r.min.x, r.min.y, r.max.x, r.max.y].map(|v| (v * ppp).round() as i64);
    for ppp in [1.0, 1.25, 1.5, 2.0] {
        for clip in [
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1600.0, 1000.0)),
            Rect::from_min_max(pos2(180.5, 24.5), pos2(1299.5, 975.5)),
            Rect::from_min_max(pos2(180.3, 24.75), pos2(1299.2, 975.6)),
        ] {
            let (one, two) = (own_clip(clip, ppp, 1.0), own_clip(clip, ppp, 2.0));
            assert_eq!(scissor(one, ppp), scissor(clip, ppp), "{clip:?} at {ppp}");
            assert_eq!(scissor(two, ppp), scissor(clip, ppp), "{clip:?} at {ppp}");
            assert!(one != clip && two != clip && one != two);
        }
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
