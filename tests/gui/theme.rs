//! View ▸ Theme on the real `SpofApp`: following the system, light and dark switch egui's
//! visuals, the choice survives a restart through eframe's storage; snapshots of the main
//! window in both themes, and of what-if mode and a presentation slide in the dark one (the
//! light ones are in `snapshots.rs` and `present.rs`).

use std::collections::HashMap;

use egui::{Key, Theme, ThemePreference};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spofscope::ui::{Action, SpofApp};

use crate::support::{
    App, WINDOW, app, app_in_theme, event, open_sample_advised, settle_advice, snapshot, wait,
};

fn dark(h: &App) -> bool {
    h.ctx.global_style().visuals.dark_mode
}

/// Pick `entry` (as the menu shows it, with its tick or its blank) under View ▸ Theme.
fn choose(h: &mut App, entry: &str) {
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label_contains("Theme").click();
    h.run_steps(2);
    h.get_by_label(entry).click();
    h.run_steps(3);
}

/// eframe's storage kept in memory, as it would be written to disk at exit.
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

#[test]
fn view_theme_switches_between_light_and_dark() {
    let mut h = app(WINDOW);
    assert!(dark(&h), "no system theme: egui falls back to dark");
    choose(&mut h, "    Light");
    assert!(!dark(&h));
    assert_eq!(
        h.ctx.options(|o| o.theme_preference),
        ThemePreference::Light
    );
    choose(&mut h, "    Dark");
    assert!(dark(&h));
    choose(&mut h, "    Follow the system");
    assert_eq!(
        h.ctx.options(|o| o.theme_preference),
        ThemePreference::System
    );
}

#[test]
fn following_the_system_takes_its_theme() {
    let mut h = app(WINDOW);
    h.input_mut().system_theme = Some(Theme::Light);
    h.run_steps(2);
    assert!(!dark(&h));
    choose(&mut h, "    Dark");
    assert!(dark(&h));
    choose(&mut h, "    Follow the system");
    assert!(!dark(&h));
}

#[test]
fn the_chosen_theme_is_restored_at_the_next_start() {
    let mut h = app(WINDOW);
    choose(&mut h, "    Light");
    let mut storage = MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);

    let storage: &'static MemoryStorage = Box::leak(Box::new(storage));
    let mut restarted = Harness::builder().with_size(WINDOW).build_eframe(|cc| {
        cc.storage = Some(storage);
        SpofApp::new(cc, None)
    });
    restarted.run_steps(2);
    assert!(!dark(&restarted));
    restarted.get_by_label("View").click();
    restarted.run_steps(2);
    restarted.get_by_label_contains("Theme").click();
    restarted.run_steps(2);
    restarted.get_by_label("✔ Light");
    restarted.get_by_label("    Follow the system");
}

fn app_on(sample: &str, theme: ThemePreference) -> App {
    let mut h = app_in_theme([1440.0, 900.0], theme);
    open_sample_advised(&mut h, sample);
    h
}

#[test]
fn main_window_in_the_light_theme() {
    let mut h = app_on("webshop.spof.ron", ThemePreference::Light);
    snapshot(&mut h, "theme_light_main_window");
}

#[test]
fn main_window_in_the_dark_theme() {
    let mut h = app_on("webshop.spof.ron", ThemePreference::Dark);
    snapshot(&mut h, "theme_dark_main_window");
}

#[test]
fn whatif_mode_in_the_dark_theme() {
    let mut h = app_on("webshop-hardened.spof.ron", ThemePreference::Dark);
    h.state_mut()
        .request(Action::SetKnockouts(vec![event("zone:eu-a"), event("db")]));
    settle_advice(&mut h);
    snapshot(&mut h, "theme_dark_whatif_mode");
}

/// The scenario slide: the zone outage's red and amber fills on a dark canvas.
#[test]
fn presentation_in_the_dark_theme() {
    let mut h = app_in_theme([1280.0, 720.0], ThemePreference::Dark);
    open_sample_advised(&mut h, "webshop.spof.ron");
    for key in [Key::F5, Key::ArrowRight] {
        h.key_press(key);
        h.run_steps(1);
    }
    wait(&mut h, "the slide's numbers", |h| {
        h.query_by_label("computing the knockout…").is_none()
    });
    h.run_steps(4);
    h.get_by_label("Scenario: Zone eu-a outage");
    h.snapshot("theme_dark_present_scenario_1280x720");
}
