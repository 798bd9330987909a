//! The visual language shared by canvas, palette and panels: kind glyphs, and the core
//! `style`'s colours as egui paints them. Pure lookups; must not hold state or draw anything.

use egui::Color32;

use crate::advice::Strategy;
use crate::model::{ComponentKind, Event, Model};
use crate::style::{self, Rgb};

/// SPOF and "down" red; also used for the SPOF marker.
pub const RED: Color32 = colour(style::RED);
/// "Degraded" amber.
pub const AMBER: Color32 = colour(style::AMBER);
/// The SPOF dot: a glyph the default fonts have (U+25CF is missing from them).
pub const DOT: &str = "⏺";
/// "Healthy" green in what-if mode.
pub const GREEN: Color32 = colour(style::GREEN);

/// Red text, legible (WCAG 4.5:1 or more) on the background of the theme of `visuals`.
pub fn red_text(visuals: &egui::Visuals) -> Color32 {
    colour(state_text(visuals.dark_mode).red)
}

/// Amber text, legible on the theme's background.
pub fn amber_text(visuals: &egui::Visuals) -> Color32 {
    colour(state_text(visuals.dark_mode).amber)
}

/// Green text, legible on the theme's background.
pub fn green_text(visuals: &egui::Visuals) -> Color32 {
    colour(state_text(visuals.dark_mode).green)
}

/// The state colours as text in the dark theme or the light one.
pub fn state_text(dark: bool) -> style::StateText {
    if dark {
        style::DARK_TEXT
    } else {
        style::LIGHT_TEXT
    }
}

/// A colour of the shared [`style`] as egui paints it.
const fn colour(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// A glyph from egui's default fonts that reads as the kind at a glance.
pub fn glyph(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Client => "👤",
        ComponentKind::Dns => "🌐",
        ComponentKind::Cdn => "☁",
        ComponentKind::LoadBalancer => "⚖",
        ComponentKind::Gateway => "🚪",
        ComponentKind::Service => "⚙",
        ComponentKind::Database => "🗄",
        ComponentKind::Cache => "⚡",
        ComponentKind::Queue => "☰",
        ComponentKind::Storage => "📦",
        ComponentKind::External => "🔗",
        ComponentKind::Group => "⛶",
    }
}

/// The colour of the zone at `index` in the model's order.
pub fn zone_colour(index: usize) -> Color32 {
    colour(style::zone_colour(index))
}

/// The chip colour of a recommendation's strategy: one hue each, none of them the state
/// colours (red, amber, green), and dark enough for white text in both themes.
pub fn strategy_colour(strategy: Strategy) -> Color32 {
    match strategy {
        Strategy::Redundancy => Color32::from_rgb(25, 118, 210),
        Strategy::LoadBalancing => Color32::from_rgb(0, 131, 143),
        Strategy::Replication => Color32::from_rgb(123, 31, 162),
        Strategy::GeoDistribution => Color32::from_rgb(57, 73, 171),
        Strategy::Failover => Color32::from_rgb(93, 64, 55),
        Strategy::Monitoring => Color32::from_rgb(84, 110, 122),
        Strategy::GracefulDegradation => Color32::from_rgb(173, 20, 87),
    }
}

/// An event id as a reviewer says it, with `model`'s names (`a bad deploy of Checkout`,
/// `zone us-a`); an id that does not parse stays as it is.
pub fn event_words(id: &str, model: &Model) -> String {
    Event::parse(id).map_or_else(|_| id.to_owned(), |e| e.in_words(model))
}

/// Several events in words, joined by `separator`.
pub fn events_words(ids: &[String], model: &Model, separator: &str) -> String {
    ids.iter()
        .map(|id| event_words(id, model))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2's relative luminance of an sRGB colour.
    fn luminance(c: Color32) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }

    fn contrast(a: Color32, b: Color32) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn contrast_is_measured_as_wcag_does() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
        let amber_on_light = contrast(colour(style::AMBER), Color32::from_gray(248));
        assert!((amber_on_light - 2.347).abs() < 1e-3, "{amber_on_light}");
    }

    /// Panels, dialogs and the canvas behind the card tags: every state text colour reads
    /// at 4.5:1 or more on each, in both themes (a projector washes out anything less).
    #[test]
    fn state_text_reads_at_four_and_a_half_to_one_on_every_theme_background() {
        for visuals in [egui::Visuals::light(), egui::Visuals::dark()] {
            let backgrounds = [
                ("panel", visuals.panel_fill),
                ("window", visuals.window_fill),
                ("canvas", visuals.extreme_bg_color),
            ];
            let texts = [
                ("red", red_text(&visuals)),
                ("amber", amber_text(&visuals)),
                ("green", green_text(&visuals)),
            ];
            for (place, background) in backgrounds {
                for (name, text) in texts {
                    let ratio = contrast(text, background);
                    assert!(
                        ratio >= 4.5,
                        "{name} on the {place} of the {} theme: {ratio:.2}:1",
                        if visuals.dark_mode { "dark" } else { "light" }
                    );
                }
            }
        }
    }
}
