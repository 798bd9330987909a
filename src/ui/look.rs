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
