//! The visual language the canvas and the exported diagrams share: card size, zone palette,
//! state colours, the replica badge. Plain numbers and sRGB triples; must not import egui.

use std::fmt;

use crate::model::Component;

/// An sRGB colour; `Display` writes it as `#rrggbb`, as SVG, CSS and DOT read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// A component card at zoom 1, in model units.
pub const CARD_W: f32 = 150.0;
pub const CARD_H: f32 = 60.0;

/// SPOF and "down".
pub const RED: Rgb = Rgb(214, 48, 49);
/// "Degraded".
pub const AMBER: Rgb = Rgb(230, 145, 20);
/// "Up" in a what-if.
pub const GREEN: Rgb = Rgb(46, 160, 90);

/// The state colours as text, on one theme's background.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateText {
    pub red: Rgb,
    pub amber: Rgb,
    pub green: Rgb,
}

/// State text on a light background. The outline colours above stay as they are (cards and
/// exports keep their look) but read too faintly as text on a projector: amber 2.35:1 and
/// green 3.1:1 on light grey, where WCAG asks 4.5:1. These are the same hues, darker.
pub const LIGHT_TEXT: StateText = StateText {
    red: RED,
    amber: Rgb(150, 85, 0),
    green: Rgb(25, 120, 60),
};

/// State text on a dark background: red is lighter (3.55:1 on dark grey before).
pub const DARK_TEXT: StateText = StateText {
    red: Rgb(250, 100, 100),
    amber: AMBER,
    green: GREEN,
};

/// Zone colours, picked by the zone's position in the model (regions in order).
const ZONE_COLOURS: [Rgb; 8] = [
    Rgb(66, 133, 244),
    Rgb(155, 89, 182),
    Rgb(0, 150, 136),
    Rgb(233, 30, 99),
    Rgb(121, 85, 72),
    Rgb(63, 81, 181),
    Rgb(139, 195, 74),
    Rgb(255, 87, 34),
];

/// The colour of the zone at `index` in the model's order.
pub fn zone_colour(index: usize) -> Rgb {
    ZONE_COLOURS[index % ZONE_COLOURS.len()]
}

/// The replica badge: `×3`, or `2/3` when fewer than all must be up; none for one replica
/// or a kind without replicas.
pub fn replica_badge(c: &Component) -> Option<String> {
    if !c.kind.has_replicas() || c.replicas <= 1 {
        None
    } else if c.min_healthy < c.replicas {
        Some(format!("{}/{}", c.min_healthy, c.replicas))
    } else {
        Some(format!("×{}", c.replicas))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ComponentKind;

    #[test]
    fn colours_read_as_lowercase_hex() {
        assert_eq!(RED.to_string(), "#d63031");
        assert_eq!(AMBER.to_string(), "#e69114");
        assert_eq!(GREEN.to_string(), "#2ea05a");
        assert_eq!(zone_colour(2).to_string(), "#009688");
        assert_eq!(zone_colour(8), zone_colour(0));
    }

    #[test]
    fn badge_shows_quorum_only_when_below_all() {
        let mut c = Component::new("web", ComponentKind::Service);
        assert_eq!(replica_badge(&c), None);
        c.replicas = 3;
        c.min_healthy = 3;
        assert_eq!(replica_badge(&c).as_deref(), Some("×3"));
        c.min_healthy = 2;
        assert_eq!(replica_badge(&c).as_deref(), Some("2/3"));
        c.replicas = 1;
        c.min_healthy = 1;
        assert_eq!(replica_badge(&c), None);
        c.replicas = 3;
        c.min_healthy = 1;
        c.kind = ComponentKind::Client;
        assert_eq!(replica_badge(&c), None);
    }
}
