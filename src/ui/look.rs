//! The visual language shared by canvas, palette and panels: kind glyphs, zone colours,
//! state colours. Pure lookups; must not hold state or draw anything by itself.

use egui::Color32;

use crate::advice::Strategy;
use crate::model::{ComponentKind, Event, Model};

/// SPOF and "down" red; also used for the SPOF marker.
pub const RED: Color32 = Color32::from_rgb(214, 48, 49);
/// "Degraded" amber.
pub const AMBER: Color32 = Color32::from_rgb(230, 145, 20);
/// The SPOF dot: a glyph the default fonts have (U+25CF is missing from them).
pub const DOT: &str = "⏺";
/// "Healthy" green in what-if mode.
pub const GREEN: Color32 = Color32::from_rgb(46, 160, 90);

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

/// Zone colours, picked by the zone's position in the model (regions in order).
const ZONE_COLOURS: [Color32; 8] = [
    Color32::from_rgb(66, 133, 244),
    Color32::from_rgb(155, 89, 182),
    Color32::from_rgb(0, 150, 136),
    Color32::from_rgb(233, 30, 99),
    Color32::from_rgb(121, 85, 72),
    Color32::from_rgb(63, 81, 181),
    Color32::from_rgb(139, 195, 74),
    Color32::from_rgb(255, 87, 34),
];

pub fn zone_colour(index: usize) -> Color32 {
    ZONE_COLOURS[index % ZONE_COLOURS.len()]
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

/// The replica badge: `×3`, or `2/3` when fewer than all must be up; none for one replica.
pub fn replica_badge(replicas: u32, min_healthy: u32, has_replicas: bool) -> Option<String> {
    if !has_replicas || replicas <= 1 {
        None
    } else if min_healthy < replicas {
        Some(format!("{min_healthy}/{replicas}"))
    } else {
        Some(format!("×{replicas}"))
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

    #[test]
    fn badge_shows_quorum_only_when_below_all() {
        assert_eq!(replica_badge(3, 3, true).as_deref(), Some("×3"));
        assert_eq!(replica_badge(3, 2, true).as_deref(), Some("2/3"));
        assert_eq!(replica_badge(1, 1, true), None);
        assert_eq!(replica_badge(3, 1, false), None);
    }
}
