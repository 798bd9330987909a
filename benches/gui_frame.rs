//! CPU time of one GUI frame (layout + painting + tessellation, no GPU) on generated models:
//! the whole 1,000-component model fitted to the view, the same zoomed in (culling), and the
//! UI-thread part of an edit on a 10,000-component model (analysis itself runs off-thread).
//! The app paints as on the desktop (eframe's glow renderer): the canvas's kept meshes stay
//! in the GPU and the frame hands egui paint callbacks, which nothing here runs (the GPU
//! work they do when a mesh changed is measured apart, BENCHMARKS.md). The edit frame is
//! also measured with the meshes handed to egui, as without glow.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Pos2, RawInput, Rect, vec2};
use spofscope::edit::Edit;
use spofscope::ui::{Action, Command, Settings, SpofApp};

/// A frame with the pointer moving over the canvas: a frame without input would replay the
/// canvas painted in the previous one instead of drawing it.
fn input() -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1600.0, 1000.0))),
        events: vec![egui::Event::PointerMoved(Pos2::new(700.0, 500.0))],
        ..RawInput::default()
    }
}

fn frame(ctx: &egui::Context, app: &mut SpofApp) {
    let output = ctx.run_ui(input(), |ui| app.show(ui));
    black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
}

/// An app on a generated model, with its first analysis finished; `gpu`: its kept meshes
/// in the GPU, as under glow.
fn app_on(components: usize, dir: &Path, gpu: bool) -> (egui::Context, SpofApp) {
    let path = dir.join(format!("g{components}.spof.ron"));
    let model = spofscope::generate::generate(components, 1);
    if let Err(e) = spofscope::model::save(&model, &path) {
        panic!("cannot write {}: {e}", path.display());
    }
    let ctx = egui::Context::default();
    let mut app = SpofApp::with_settings(Settings::default());
    if gpu {
        app.keep_meshes_on_gpu();
    }
    app.request(Action::OpenFile(path));
    for _ in 0..6000 {
        frame(&ctx, &mut app);
        if app.analysis_is_current() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (ctx, app)
}

fn gui_frame(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("no temp dir: {e}"),
    };
    let (ctx, mut app) = app_on(1000, dir.path(), true);
    let mut group = c.benchmark_group("gui_frame");
    group.sample_size(30);
    group.bench_function("1000 components, whole model in view", |b| {
        b.iter(|| frame(&ctx, &mut app));
    });
    for _ in 0..8 {
        app.request(Action::Run(Command::ZoomIn));
    }
    frame(&ctx, &mut app);
    group.bench_function("1000 components, zoomed in", |b| {
        b.iter(|| frame(&ctx, &mut app));
    });

    group.sample_size(10);
    for (gpu, name) in [
        (true, "10000 components, frame with an edit"),
        (
            false,
            "10000 components, frame with an edit, meshes through egui",
        ),
    ] {
        let (ctx, mut app) = app_on(10_000, dir.path(), gpu);
        let mut flip = false;
        group.bench_function(name, |b| {
            b.iter(|| {
                flip = !flip;
                edit(&mut app, flip);
                frame(&ctx, &mut app);
            });
        });
    }
    group.finish();
}

/// Ask for the first component's monitoring to be set to `on`.
fn edit(app: &mut SpofApp, on: bool) {
    let mut c = app.model().components[0].clone();
    c.monitored = on;
    app.request(Action::Edit {
        label: "toggle monitoring".to_owned(),
        edits: vec![Edit::UpdateComponent {
            id: c.id.clone(),
            component: c,
        }],
        select: None,
    });
}

criterion_group!(benches, gui_frame);
criterion_main!(benches);
