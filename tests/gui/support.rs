//! What the GUI tests share: the harness on the real `SpofApp`, waiting for its background
//! threads, opening samples and reading labels.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use spofscope::model::Event;
use spofscope::ui::{Action, SAMPLES, Settings, SpofApp};

pub type App = Harness<'static, SpofApp>;

/// The what-if event written `text` (`db#0`, `zone:eu-a`).
pub fn event(text: &str) -> Event {
    Event::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

/// The window size most tests use.
pub const WINDOW: [f32; 2] = [1400.0, 900.0];

/// The app in a window of `size`, following the system's theme: dark, as the harness tells
/// no system theme.
pub fn app(size: [f32; 2]) -> App {
    Harness::builder()
        .with_size(size)
        .build_eframe(|cc| SpofApp::new(cc, None))
}

/// The app in a window of `size` with View ▸ Theme set to `theme`.
pub fn app_in_theme(size: [f32; 2], theme: egui::ThemePreference) -> App {
    Harness::builder().with_size(size).build_eframe(move |_| {
        SpofApp::with_settings(Settings {
            theme,
            ..Settings::default()
        })
    })
}

/// The app in a window of `size` in the light theme, as the snapshots are rendered.
pub fn light_app(size: [f32; 2]) -> App {
    app_in_theme(size, egui::ThemePreference::Light)
}

/// Step until `done`, sleeping a little between frames (the analysis runs on its own
/// thread), then `after` more frames.
fn wait_then(h: &mut App, what: &str, after: usize, done: impl Fn(&App) -> bool) {
    for _ in 0..2000 {
        h.run_steps(1);
        if done(h) {
            h.run_steps(after);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{what} never came");
}

/// Step until `done`, then three more frames.
pub fn wait(h: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    wait_then(h, what, 3, done);
}

fn whatif_done(h: &App) -> bool {
    h.state().knockouts().is_empty() || h.state().whatif_is_current()
}

/// Step until the background analysis (and the what-if, if anything is knocked out)
/// matches the document.
pub fn settle(h: &mut App) {
    wait_then(h, "the background analysis", 2, |h| {
        h.state().analysis_is_current() && whatif_done(h)
    });
}

/// Like [`settle`], and also until the recommendations match the document and no Apply all
/// runs.
pub fn settle_advice(h: &mut App) {
    wait(h, "the analysis and the recommendations", |h| {
        let s = h.state();
        s.analysis_is_current() && s.current_advice().is_some() && !s.is_fixing() && whatif_done(h)
    });
}

/// Where the sample `file` is in the File ▸ Samples list.
pub fn sample_index(file: &str) -> usize {
    SAMPLES
        .iter()
        .position(|s| s.file == file)
        .unwrap_or_else(|| panic!("no sample {file}"))
}

/// Ask the app to open the sample `file`, without waiting for its analysis.
pub fn request_sample(h: &mut App, file: &str) {
    h.state_mut()
        .request(Action::OpenSample(sample_index(file)));
}

/// Open the sample `file` and [`settle`].
pub fn open_sample(h: &mut App, file: &str) {
    request_sample(h, file);
    settle(h);
}

/// Open the sample `file` and [`settle_advice`].
pub fn open_sample_advised(h: &mut App, file: &str) {
    request_sample(h, file);
    settle_advice(h);
}

/// Every label's text in the order the window lays them out.
pub fn label_texts(h: &App) -> Vec<String> {
    h.query_all_by(|n| n.role() == Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect()
}

/// Snapshot with the analysis timings masked: they differ from run to run. Each timing is the
/// last thing on its row, so a fixed-width mask hides it whatever its length.
pub fn snapshot(h: &mut App, name: &str) {
    let timings: Vec<egui::Rect> = h
        .query_all_by_label_contains(" ms")
        .map(|n| {
            let r = n.rect();
            egui::Rect::from_min_size(r.min, egui::vec2(160.0, r.height()))
        })
        .collect();
    for rect in timings {
        h.mask(rect);
    }
    h.snapshot(name);
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"))
}

/// A file under `tests/fixtures/import`.
pub fn import_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}
