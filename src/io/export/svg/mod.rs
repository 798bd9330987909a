//! The diagram as an SVG document in the canvas's visual language: each kind's outline and
//! glyph, name, replica badge, zone chips, replication mark, hard and soft edges, SPOFs,
//! optionally a scenario's knockout. Deterministic text only; no egui, no file I/O.

mod legend;
mod shapes;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use self::shapes::{body, glyph, kind_class, lock};
use super::font::{text_width, truncate};
use crate::analysis::Report;
use crate::analysis::scenario::Knockout;
use crate::format::joined;
use crate::io::report::headline;
use crate::model::{Component, ComponentKind, DependencyKind, Model, Replication};
use crate::style::{CARD_H, CARD_W, GREEN, RED, Rgb, replica_badge, zone_colour};

const MARGIN: f32 = 28.0;
const HEADER_H: f32 = 58.0;
/// Room above a card for its tags (`● SPOF`, `★ entry`, what-if state).
const TAG_H: f32 = 20.0;
const LEGEND_ROW: f32 = 22.0;

// Light theme: exports are printed and pasted into documents.
const BACKGROUND: Rgb = Rgb(0xff, 0xff, 0xff);
const TEXT: Rgb = Rgb(0x1b, 0x1b, 0x1b);
const MUTED: Rgb = Rgb(0x5f, 0x5f, 0x5f);
const CARD_FILL: Rgb = Rgb(0xff, 0xff, 0xff);
const GROUP_FILL: Rgb = Rgb(0xf2, 0xf2, 0xf2);
const OUTLINE: Rgb = Rgb(0x6e, 0x6e, 0x6e);
const EDGE: Rgb = Rgb(0x5a, 0x5a, 0x5a);
const CHIP_FILL: Rgb = Rgb(0xe6, 0xe6, 0xe6);
pub const ACCENT: Rgb = Rgb(0x00, 0x53, 0x7d);
/// Text on red, the outline of a card that is down, and the `+N` zone chip.
const ON_RED: Rgb = Rgb(0xff, 0xff, 0xff);
const DOWN_OUTLINE: Rgb = Rgb(0x8e, 0x1f, 0x20);
const MORE_ZONES: Rgb = Rgb(0x78, 0x78, 0x78);
/// The degraded and up tags: amber and green dark enough to read on white.
const DEGRADED_TEXT: Rgb = Rgb(0x9a, 0x5c, 0x00);
const UP_TEXT: Rgb = Rgb(0x1e, 0x7a, 0x43);
/// Amber and green at the canvas's opacities, over white.
const DEGRADED_FILL: Rgb = Rgb(0xf1, 0xc3, 0x7e);
const UP_FILL: Rgb = Rgb(0xd9, 0xee, 0xe1);
const UNKNOWN_ZONE: Rgb = Rgb(0x80, 0x80, 0x80);
const CHIP_TEXT: Rgb = Rgb(0xff, 0xff, 0xff);

/// Whether the SVG is a file of its own or sits inside an HTML page (where the
/// namespace is implied and the page must not name any web address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Embedding {
    Standalone,
    Inline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Up,
    Degraded,
    Down,
}

struct Card<'a> {
    c: &'a Component,
    centre: (f32, f32),
    spof: bool,
    state: Option<State>,
    knocked_out: bool,
    zones: Vec<(&'a str, Rgb)>,
}

/// The diagram of `model` with the SPOFs of `report` (its analysis) marked and, when
/// given, a scenario's knockout applied.
pub fn render(
    model: &Model,
    report: &Report,
    knockout: Option<&Knockout>,
    embedding: Embedding,
) -> String {
    let zone_index: HashMap<&str, usize> =
        model.zone_ids().enumerate().map(|(i, z)| (z, i)).collect();
    let spofs: BTreeSet<&str> = report.component_spofs().map(|s| s.id.as_str()).collect();
    let down: BTreeSet<&str> = knockout
        .map(|k| k.outcome.down.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let degraded: BTreeSet<&str> = knockout
        .map(|k| k.outcome.degraded.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let knocked: BTreeSet<&str> = knockout.map(Knockout::knocked_out).unwrap_or_default();
    let cards: Vec<Card> = model
        .components
        .iter()
        .map(|c| Card {
            c,
            centre: (c.pos.0, c.pos.1),
            spof: spofs.contains(c.id.as_str()),
            state: knockout.map(|_| {
                if down.contains(c.id.as_str()) {
                    State::Down
                } else if degraded.contains(c.id.as_str()) {
                    State::Degraded
                } else {
                    State::Up
                }
            }),
            knocked_out: knocked.contains(c.id.as_str()),
            zones: c
                .zones
                .iter()
                .map(|z| {
                    let colour = zone_index
                        .get(z.as_str())
                        .map_or(UNKNOWN_ZONE, |&i| zone_colour(i));
                    (z.as_str(), colour)
                })
                .collect(),
        })
        .collect();

    let (left, top, right, bottom) = bounds(&cards);
    let title = model.name.as_str();
    let subtitle = subtitle(report, knockout);
    let legend = legend::groups(model, report, knockout, &cards);
    let content_w = right - left;
    let width = (content_w + 2.0 * MARGIN)
        .max(text_width(title, 18.0) + 2.0 * MARGIN)
        .max(text_width(&subtitle, 12.0) + 2.0 * MARGIN)
        .max(420.0)
        .ceil();
    let legend_rows = legend::wrap(&legend, width - 2.0 * MARGIN);
    let diagram_top = HEADER_H + MARGIN / 2.0;
    let legend_top = diagram_top + (bottom - top) + MARGIN;
    let height = (legend_top + legend_rows.len() as f32 * LEGEND_ROW + MARGIN / 2.0).ceil();
    // Centre the diagram when the header or legend is wider than it.
    let dx = (width - content_w) / 2.0 - left;
    let dy = diagram_top - top;

    let mut s = String::new();
    let w = n(width);
    let h = n(height);
    match embedding {
        Embedding::Standalone => {
            s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            let _ = writeln!(
                s,
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" role="img">"#
            );
        }
        Embedding::Inline => {
            let _ = writeln!(
                s,
                r#"<svg class="diagram" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" role="img">"#
            );
        }
    }
    let _ = writeln!(s, "<title>{}</title>", esc(title));
    let _ = writeln!(
        s,
        r#"<rect x="0" y="0" width="{w}" height="{h}" fill="{BACKGROUND}"/>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="{}" y="30" font-size="18" fill="{TEXT}">{}</text>"#,
        n(MARGIN),
        esc(title)
    );
    let _ = writeln!(
        s,
        r#"<text x="{}" y="49" font-size="12" fill="{MUTED}">{}</text>"#,
        n(MARGIN),
        esc(&subtitle)
    );
    if cards.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="13" fill="{MUTED}">No components yet.</text>"#,
            n(MARGIN),
            n(diagram_top + 20.0)
        );
    }
    let _ = writeln!(s, r#"<g transform="translate({} {})">"#, n(dx), n(dy));
    edges(&mut s, model, &cards, &spofs, &down);
    for card in &cards {
        card_svg(&mut s, card, report);
    }
    s.push_str("</g>\n");
    legend::render(&mut s, &legend_rows, legend_top);
    s.push_str("</svg>\n");
    s
}

/// Where the cards, their tags and badges reach, in model coordinates.
fn bounds(cards: &[Card]) -> (f32, f32, f32, f32) {
    if cards.is_empty() {
        return (0.0, 0.0, 0.0, 40.0);
    }
    let (mut l, mut t, mut r, mut b) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for card in cards {
        let (x, y) = card.centre;
        l = l.min(x - CARD_W / 2.0 - 8.0);
        r = r.max(x + CARD_W / 2.0 + 2.0);
        t = t.min(y - CARD_H / 2.0 - TAG_H);
        b = b.max(y + CARD_H / 2.0 + 2.0);
    }
    (l, t, r, b)
}

/// The line under the title: SPOFs and entries, or the scenario's outcome.
fn subtitle(report: &Report, knockout: Option<&Knockout>) -> String {
    if let Some(k) = knockout {
        let o = &k.outcome;
        let entries = if o.entries_down.is_empty() {
            "no entry down".to_owned()
        } else {
            format!("entries down: {}", o.entries_down.join(", "))
        };
        return format!(
            "Scenario \u{201c}{}\u{201d}: {} failed · {entries} · {} down, {} degraded",
            k.scenario,
            joined(&o.failed, ", "),
            o.down.len(),
            o.degraded.len()
        );
    }
    headline(report)
}

/// A number for an attribute: one decimal at most, never `-0`.
fn n(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0 + 0.0;
    format!("{r}")
}

/// Escape text for an XML text node or attribute value.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Where a ray from a card's centre along `dir` leaves the card.
fn boundary_point(centre: (f32, f32), dir: (f32, f32)) -> (f32, f32) {
    let tx = if dir.0.abs() > f32::EPSILON {
        CARD_W / 2.0 / dir.0.abs()
    } else {
        f32::INFINITY
    };
    let ty = if dir.1.abs() > f32::EPSILON {
        CARD_H / 2.0 / dir.1.abs()
    } else {
        f32::INFINITY
    };
    let t = tx.min(ty);
    (centre.0 + dir.0 * t, centre.1 + dir.1 * t)
}

/// Dependencies: hard solid, soft dashed, each with an arrowhead; heavier into a SPOF,
/// red when either end is down in the scenario.
fn edges(
    s: &mut String,
    model: &Model,
    cards: &[Card],
    spofs: &BTreeSet<&str>,
    down: &BTreeSet<&str>,
) {
    let index: HashMap<&str, usize> = cards
        .iter()
        .enumerate()
        .map(|(i, c)| (c.c.id.as_str(), i))
        .collect();
    let pairs: BTreeSet<(&str, &str)> = model
        .dependencies
        .iter()
        .map(|d| (d.from.as_str(), d.to.as_str()))
        .collect();
    for d in &model.dependencies {
        let (Some(&a), Some(&b)) = (index.get(d.from.as_str()), index.get(d.to.as_str())) else {
            continue;
        };
        let (pa, pb) = (cards[a].centre, cards[b].centre);
        let (vx, vy) = (pb.0 - pa.0, pb.1 - pa.1);
        let len = (vx * vx + vy * vy).sqrt();
        if len < 1.0 {
            continue;
        }
        let dir = (vx / len, vy / len);
        // Two opposite dependencies would overlap: each keeps to its own side.
        let side = if pairs.contains(&(d.to.as_str(), d.from.as_str())) {
            (-dir.1 * 5.0, dir.0 * 5.0)
        } else {
            (0.0, 0.0)
        };
        let p0 = boundary_point(pa, dir);
        let p1 = boundary_point(pb, (-dir.0, -dir.1));
        let (p0, p1) = (
            (p0.0 + side.0, p0.1 + side.1),
            (p1.0 + side.0, p1.1 + side.1),
        );
        let seg = ((p1.0 - p0.0).powi(2) + (p1.1 - p0.1).powi(2)).sqrt();
        if seg < 4.0 || (p1.0 - p0.0) * dir.0 + (p1.1 - p0.1) * dir.1 <= 0.0 {
            // The cards overlap: no room for a line between them.
            continue;
        }
        let is_down = down.contains(d.from.as_str()) || down.contains(d.to.as_str());
        let colour = if is_down { RED } else { EDGE };
        let width = if spofs.contains(d.to.as_str()) {
            2.6
        } else {
            1.4
        };
        let tip = 10.0;
        let end = (p1.0 - dir.0 * tip * 0.8, p1.1 - dir.1 * tip * 0.8);
        let dash = if d.kind == DependencyKind::Soft {
            r#" stroke-dasharray="7 5""#
        } else {
            ""
        };
        let kind = match d.kind {
            DependencyKind::Hard => "hard",
            DependencyKind::Soft => "soft",
        };
        let _ = writeln!(
            s,
            r#"<g class="dependency {kind}"><title>{} → {} ({kind})</title><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="{width}"{dash}/>"#,
            esc(&d.from),
            esc(&d.to),
            n(p0.0),
            n(p0.1),
            n(end.0),
            n(end.1)
        );
        let back = (p1.0 - dir.0 * tip, p1.1 - dir.1 * tip);
        let normal = (-dir.1 * tip * 0.45, dir.0 * tip * 0.45);
        let _ = writeln!(
            s,
            r#"<path d="M{} {}L{} {}L{} {}Z" fill="{colour}"/></g>"#,
            n(p1.0),
            n(p1.1),
            n(back.0 + normal.0),
            n(back.1 + normal.1),
            n(back.0 - normal.0),
            n(back.1 - normal.1)
        );
    }
}

/// `sync` / `async` for replicated stores.
fn replication_mark(c: &Component) -> Option<&'static str> {
    match c.replication {
        _ if !c.kind.is_stateful() => None,
        Replication::None => None,
        Replication::Sync => Some("sync"),
        Replication::Async => Some("async"),
    }
}

fn card_svg(s: &mut String, card: &Card, report: &Report) {
    let c = card.c;
    let (cx, cy) = card.centre;
    let (l, t) = (cx - CARD_W / 2.0, cy - CARD_H / 2.0);
    let (r, b) = (l + CARD_W, t + CARD_H);
    let (fill, text) = match card.state {
        Some(State::Down) => (RED, ON_RED),
        Some(State::Degraded) => (DEGRADED_FILL, TEXT),
        Some(State::Up) => (UP_FILL, TEXT),
        None if c.kind == ComponentKind::Group => (GROUP_FILL, TEXT),
        None => (CARD_FILL, TEXT),
    };
    let (outline, stroke_w) = if card.spof {
        (RED, 2.5)
    } else if card.state == Some(State::Up) {
        (GREEN, 2.0)
    } else if card.state == Some(State::Down) {
        (DOWN_OUTLINE, 1.2)
    } else {
        (OUTLINE, 1.2)
    };
    let mut classes = vec!["component", kind_class(c.kind)];
    if card.spof {
        classes.push("spof");
    }
    match card.state {
        Some(State::Down) => classes.push("down"),
        Some(State::Degraded) => classes.push("degraded"),
        Some(State::Up) => classes.push("up"),
        None => {}
    }
    let _ = writeln!(
        s,
        r#"<g class="{}" data-id="{}"><title>{}</title>"#,
        classes.join(" "),
        esc(&c.id),
        esc(&tooltip(card, report))
    );
    body(s, c.kind, (l, t, r, b), fill, outline, stroke_w);
    if card.spof {
        let _ = writeln!(
            s,
            r#"<circle cx="{}" cy="{}" r="6" fill="{RED}"/>"#,
            n(l),
            n(t)
        );
    }
    glyph(s, c.kind, (l + 9.0, t + 9.0), 18.0, text, fill);
    let name_x = l + 36.0;
    let name = truncate(c.display_name(), 13.0, r - 10.0 - name_x);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="13" fill="{text}">{}</text>"#,
        n(name_x),
        n(t + 24.0),
        esc(&name)
    );
    if card.state == Some(State::Down) {
        let y = t + 19.5;
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{text}" stroke-width="1.5"/>"#,
            n(name_x - 1.0),
            n(y),
            n(name_x + text_width(&name, 13.0) + 1.0),
            n(y)
        );
    }
    second_row(s, card, (l, r, b), text);
    if let Some(badge) = replica_badge(c) {
        let tw = text_width(&badge, 11.0);
        let (bw, bh) = (tw + 10.0, 15.0);
        let bx = r - 6.0 - bw;
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{bh}" rx="7.5" fill="{CHIP_FILL}" stroke="{outline}" stroke-width="1"/><text x="{}" y="{}" font-size="11" fill="{TEXT}">{}</text>"#,
            n(bx),
            n(t - bh / 2.0),
            n(bw),
            n(bx + 5.0),
            n(t + 4.0),
            esc(&badge)
        );
    }
    tags(s, card, (l, t));
    s.push_str("</g>\n");
}

/// What a hover shows: the full detail, and for a SPOF what it takes down.
fn tooltip(card: &Card, report: &Report) -> String {
    let c = card.c;
    let mut parts = vec![format!(
        "{} ({}) · {}",
        c.display_name(),
        c.id,
        c.kind.label()
    )];
    if c.kind.has_replicas() {
        parts.push(format!(
            "{} {}, {} must be up",
            c.replicas,
            if c.replicas == 1 {
                "replica"
            } else {
                "replicas"
            },
            c.effective_min_healthy()
        ));
    }
    if !c.zones.is_empty() {
        parts.push(format!("zones {}", c.zones.join(", ")));
    }
    if let Some(mode) = replication_mark(c) {
        parts.push(format!("{mode} replication"));
    }
    if c.entry {
        parts.push("entry".to_owned());
    }
    if let Some(spof) = report.component_spof(&c.id) {
        parts.push(format!("SPOF: takes down {}", spof.takes_down.join(", ")));
    }
    match card.state {
        Some(State::Down) if card.knocked_out => parts.push("knocked out".to_owned()),
        Some(State::Down) => parts.push("down".to_owned()),
        Some(State::Degraded) => parts.push("degraded".to_owned()),
        Some(State::Up) => parts.push("up".to_owned()),
        None => {}
    }
    parts.join(" · ")
}

/// Zone chips (at most three, then `+N`) and the replication mark with its lock.
fn second_row(s: &mut String, card: &Card, (l, r, b): (f32, f32, f32), text: Rgb) {
    let y = b - 20.0;
    let mut x = l + 36.0;
    let limit = r - 8.0;
    for (i, (zone, colour)) in card.zones.iter().enumerate() {
        let rest = i >= 3;
        let label = if rest {
            format!("+{}", card.zones.len() - 3)
        } else {
            (*zone).to_owned()
        };
        let cw = text_width(&label, 10.0) + 8.0;
        if x + cw > limit {
            break;
        }
        let colour = if rest { MORE_ZONES } else { *colour };
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="14" rx="3" fill="{colour}"/><text x="{}" y="{}" font-size="10" fill="{CHIP_TEXT}">{}</text>"#,
            n(x),
            n(y),
            n(cw),
            n(x + 4.0),
            n(y + 10.5),
            esc(&label)
        );
        x += cw + 3.0;
        if rest {
            break;
        }
    }
    if let Some(mode) = replication_mark(card.c) {
        let tw = text_width(mode, 10.0);
        let start = r - 8.0 - tw - 10.0;
        if start > x {
            lock(s, (start, y + 2.0), text);
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="10" fill="{text}">{mode}</text>"#,
                n(start + 10.0),
                n(y + 10.5)
            );
        }
    }
}

/// Marks above the card: SPOF, what-if state, entry. Never colour alone.
fn tags(s: &mut String, card: &Card, (l, t): (f32, f32)) {
    let mut list: Vec<(&str, Rgb)> = Vec::new();
    if card.spof {
        list.push(("● SPOF", RED));
    }
    match card.state {
        Some(State::Down) if card.knocked_out => list.push(("✖ knocked out", RED)),
        Some(State::Down) => list.push(("✖ down", RED)),
        Some(State::Degraded) => list.push(("! degraded", DEGRADED_TEXT)),
        Some(State::Up) => list.push(("✔ up", UP_TEXT)),
        None => {}
    }
    if card.c.entry {
        list.push(("★ entry", ACCENT));
    }
    let mut x = l + 9.0;
    for (text, colour) in list {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="11" fill="{colour}">{text}</text>"#,
            n(x),
            n(t - 5.0)
        );
        x += text_width(text, 11.0) + 8.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_decimal_and_no_negative_zero() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.34), "12.3");
        assert_eq!(n(-0.01), "0");
        assert_eq!(n(-3.06), "-3.1");
    }

    #[test]
    fn escapes_markup_characters() {
        assert_eq!(esc("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
    }
}
