//! The diagram's legend: the zones (marked when they are SPOFs or failed) and a key to the
//! marks the diagram uses, wrapped into rows. Draws the legend only; never a card.

use std::fmt::Write as _;

use super::shapes::lock;
use super::{
    ACCENT, CARD_FILL, CHIP_FILL, CHIP_TEXT, Card, DEGRADED_FILL, DOWN_OUTLINE, EDGE, LEGEND_ROW,
    MARGIN, MUTED, OUTLINE, TEXT, UP_FILL, esc, n, replication_mark,
};
use crate::analysis::scenario::Knockout;
use crate::analysis::{DomainKind, Report};
use crate::io::export::font::text_width;
use crate::model::Model;
use crate::style::{GREEN, RED, Rgb, replica_badge, zone_colour};

/// One item of the legend (`width` measures it in pixels).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Key {
    Heading(&'static str),
    Zone {
        id: String,
        label: String,
        colour: Rgb,
        failed: bool,
    },
    Hard,
    Soft,
    Spof,
    Badge,
    Replication,
    Entry,
    Down,
    Degraded,
    Up,
}

impl Key {
    fn label(&self) -> String {
        match self {
            Key::Heading(h) => (*h).to_owned(),
            Key::Zone {
                label,
                failed: true,
                ..
            } => format!("{label} ✖ failed"),
            Key::Zone { label, .. } => label.clone(),
            Key::Hard => "hard dependency".to_owned(),
            Key::Soft => "soft dependency (degrades only)".to_owned(),
            Key::Spof => "SPOF (red outline and dot)".to_owned(),
            Key::Badge => "replicas that must be up / replicas".to_owned(),
            Key::Replication => "data replication".to_owned(),
            Key::Entry => "entry (protected)".to_owned(),
            Key::Down => "down".to_owned(),
            Key::Degraded => "degraded".to_owned(),
            Key::Up => "up".to_owned(),
        }
    }

    /// Width of the mark drawn before the label.
    fn mark_width(&self) -> f32 {
        match self {
            Key::Heading(_) => 0.0,
            Key::Zone { id, .. } => text_width(id, 10.0) + 8.0 + 5.0,
            Key::Hard | Key::Soft => 34.0,
            Key::Spof | Key::Down | Key::Degraded | Key::Up => 24.0,
            Key::Badge => text_width("2/3", 11.0) + 10.0 + 5.0,
            Key::Replication => 12.0,
            Key::Entry => text_width("★", 11.0) + 4.0,
        }
    }

    fn width(&self) -> f32 {
        let size = if matches!(self, Key::Heading(_)) {
            12.0
        } else {
            11.0
        };
        self.mark_width() + text_width(&self.label(), size)
    }
}

/// The legend's groups: the zones (marked when they or their region are SPOFs, or failed
/// in the scenario), then the key to the marks the diagram uses.
pub(super) fn groups(
    model: &Model,
    report: &Report,
    knockout: Option<&Knockout>,
    cards: &[Card],
) -> Vec<Vec<Key>> {
    let failed = knockout.map(|k| k.failed_zones(model)).unwrap_or_default();
    let spof =
        |kind: DomainKind, id: &str| report.spofs.iter().any(|s| s.kind == kind && s.id == id);
    let mut zones = Vec::new();
    let mut i = 0;
    for region in &model.regions {
        for zone in &region.zones {
            let mut label = String::new();
            if !zone.name.is_empty() && zone.name != zone.id {
                label.push_str(&zone.name);
            }
            let region_name = if region.name.is_empty() {
                region.id.as_str()
            } else {
                region.name.as_str()
            };
            if label.is_empty() {
                label.push_str(region_name);
            } else {
                let _ = write!(label, " · {region_name}");
            }
            match (
                spof(DomainKind::Zone, &zone.id),
                spof(DomainKind::Region, &region.id),
            ) {
                (true, true) => label.push_str(" ● zone and region SPOF"),
                (true, false) => label.push_str(" ● zone SPOF"),
                (false, true) => label.push_str(" ● region SPOF"),
                (false, false) => {}
            }
            zones.push(Key::Zone {
                id: zone.id.clone(),
                label,
                colour: zone_colour(i),
                failed: failed.contains(zone.id.as_str()),
            });
            i += 1;
        }
    }
    let mut key = vec![Key::Heading("Key"), Key::Hard, Key::Soft, Key::Spof];
    if cards.iter().any(|c| replica_badge(c.c).is_some()) {
        key.push(Key::Badge);
    }
    if cards.iter().any(|c| replication_mark(c.c).is_some()) {
        key.push(Key::Replication);
    }
    if cards.iter().any(|c| c.c.entry) {
        key.push(Key::Entry);
    }
    if knockout.is_some() {
        key.extend([Key::Down, Key::Degraded, Key::Up]);
    }
    let mut groups = Vec::new();
    if !zones.is_empty() {
        zones.insert(0, Key::Heading("Zones"));
        groups.push(zones);
    }
    groups.push(key);
    groups
}

/// Lay the legend's groups out in rows no wider than `width`, each group on new rows.
pub(super) fn wrap(groups: &[Vec<Key>], width: f32) -> Vec<Vec<(f32, Key)>> {
    let mut rows = Vec::new();
    for group in groups {
        let mut row: Vec<(f32, Key)> = Vec::new();
        let mut x = 0.0;
        for item in group {
            let w = item.width();
            if !row.is_empty() && x + w > width {
                rows.push(std::mem::take(&mut row));
                x = 0.0;
            }
            row.push((x, item.clone()));
            x += w + 16.0;
        }
        rows.push(row);
    }
    rows
}

pub(super) fn render(s: &mut String, rows: &[Vec<(f32, Key)>], top: f32) {
    let _ = writeln!(s, r#"<g class="legend">"#);
    let _ = writeln!(
        s,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{CHIP_FILL}" stroke-width="1"/>"#,
        n(MARGIN),
        n(top - 10.0),
        n(MARGIN + rows_width(rows)),
        n(top - 10.0)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f32 * LEGEND_ROW + 8.0;
        for (x, item) in row {
            let x = MARGIN + x;
            let label_x = x + item.mark_width();
            match item {
                Key::Heading(_) => {}
                Key::Zone {
                    id, colour, failed, ..
                } => {
                    let cw = text_width(id, 10.0) + 8.0;
                    let _ = writeln!(
                        s,
                        r#"<rect x="{}" y="{}" width="{}" height="14" rx="3" fill="{colour}"/><text x="{}" y="{}" font-size="10" fill="{CHIP_TEXT}">{}</text>"#,
                        n(x),
                        n(y - 7.0),
                        n(cw),
                        n(x + 4.0),
                        n(y + 3.5),
                        esc(id)
                    );
                    if *failed {
                        let _ = writeln!(
                            s,
                            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{RED}" stroke-width="1.5"/>"#,
                            n(x),
                            n(y),
                            n(x + cw),
                            n(y)
                        );
                    }
                }
                Key::Hard | Key::Soft => {
                    let dash = if *item == Key::Soft {
                        r#" stroke-dasharray="7 5""#
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        s,
                        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{EDGE}" stroke-width="1.4"{dash}/><path d="M{} {}L{} {}L{} {}Z" fill="{EDGE}"/>"#,
                        n(x),
                        n(y),
                        n(x + 22.0),
                        n(y),
                        n(x + 28.0),
                        n(y),
                        n(x + 18.0),
                        n(y - 4.5),
                        n(x + 18.0),
                        n(y + 4.5)
                    );
                }
                Key::Spof | Key::Down | Key::Degraded | Key::Up => {
                    let (fill, stroke, w) = match item {
                        Key::Spof => (CARD_FILL, RED, 2.0),
                        Key::Down => (RED, DOWN_OUTLINE, 1.0),
                        Key::Degraded => (DEGRADED_FILL, OUTLINE, 1.0),
                        _ => (UP_FILL, GREEN, 2.0),
                    };
                    let _ = writeln!(
                        s,
                        r#"<rect x="{}" y="{}" width="16" height="12" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="{w}"/>"#,
                        n(x + 1.0),
                        n(y - 6.0)
                    );
                    if *item == Key::Spof {
                        let _ = writeln!(
                            s,
                            r#"<circle cx="{}" cy="{}" r="3.5" fill="{RED}"/>"#,
                            n(x + 1.0),
                            n(y - 6.0)
                        );
                    }
                }
                Key::Badge => {
                    let bw = text_width("2/3", 11.0) + 10.0;
                    let _ = writeln!(
                        s,
                        r#"<rect x="{}" y="{}" width="{}" height="15" rx="7.5" fill="{CHIP_FILL}" stroke="{OUTLINE}" stroke-width="1"/><text x="{}" y="{}" font-size="11" fill="{TEXT}">2/3</text>"#,
                        n(x),
                        n(y - 7.5),
                        n(bw),
                        n(x + 5.0),
                        n(y + 4.0)
                    );
                }
                Key::Replication => lock(s, (x, y - 6.0), TEXT),
                Key::Entry => {
                    let _ = writeln!(
                        s,
                        r#"<text x="{}" y="{}" font-size="11" fill="{ACCENT}">★</text>"#,
                        n(x),
                        n(y + 4.0)
                    );
                }
            }
            let (size, colour) = if matches!(item, Key::Heading(_)) {
                (12.0, TEXT)
            } else {
                (11.0, MUTED)
            };
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="{size}" fill="{colour}">{}</text>"#,
                n(label_x),
                n(y + 4.0),
                esc(&item.label())
            );
        }
    }
    s.push_str("</g>\n");
}

fn rows_width(rows: &[Vec<(f32, Key)>]) -> f32 {
    rows.iter()
        .filter_map(|row| row.last().map(|(x, k)| x + k.width()))
        .fold(0.0, f32::max)
}
