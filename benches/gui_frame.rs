//! CPU time of one GUI frame (layout + painting + tessellation, no GPU) on generated models:
//! the whole 1,000-component model fitted to the view, the same zoomed in (culling), and the
//! UI-thread part of an edit on a 10,000-component model (analysis itself runs off-thread).
//! The app paints as on the desktop (eframe's glow renderer): the canvas's kept meshes stay
//! in the GPU and the frame hands egui paint callbacks, which nothing here runs (the GPU
//! work they do when a mesh changed is measured apart, BENCHMARKS.md). The edit frame is
//! also measured with the meshes handed to egui, as without glow. Background jobs get one
//! core fewer than the machine has, as in the app (`ui::run`). On a shared machine the
//! wall time of the edit frame says little; `gui_frame_ui_thread` measures the same frames
//! in CPU time of the thread that runs them.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
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
    spofscope::ui::leave_a_core_to_the_ui();
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

    group.finish();
    edit_frames(c, "gui_frame", dir.path());
}

/// The edit frames on 10,000 components, in `group`.
fn edit_frames<M: Measurement>(c: &mut Criterion<M>, group: &str, dir: &Path) {
    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    for (gpu, name) in [
        (true, "10000 components, frame with an edit"),
        (
            false,
            "10000 components, frame with an edit, meshes through egui",
        ),
    ] {
        let (ctx, mut app) = app_on(10_000, dir, gpu);
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

fn gui_frame_ui_thread(c: &mut Criterion<ThreadTime>) {
    spofscope::ui::leave_a_core_to_the_ui();
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("no temp dir: {e}"),
    };
    edit_frames(c, "gui_frame_ui_thread", dir.path());
}

/// CPU time of the measuring thread (Linux: `/proc/thread-self/schedstat`), to which the
/// background jobs and other programs on the machine do not add.
struct ThreadTime;

/// Nanoseconds the calling thread has run.
fn thread_nanos() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no /proc/thread-self/schedstat"))
}

impl Measurement for ThreadTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        thread_nanos()
    }

    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(thread_nanos().saturating_sub(start))
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
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
criterion_group! {
    name = ui_thread;
    config = Criterion::default().with_measurement(ThreadTime);
    targets = gui_frame_ui_thread
}
criterion_main!(benches, ui_thread);
