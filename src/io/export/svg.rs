//! The diagram as an SVG document in the canvas's visual language: each kind's outline and
//! glyph, name, replica badge, zone chips, replication mark, hard and soft edges, SPOFs,
//! optionally a scenario's knockout. Deterministic text only; no egui, no file I/O.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use super::font::{text_width, truncate};
use crate::analysis::scenario::Knockout;
use crate::analysis::{DomainKind, Report};
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
    let legend = legend(model, report, knockout, &cards);
    let content_w = right - left;
    let width = (content_w + 2.0 * MARGIN)
        .max(text_width(title, 18.0) + 2.0 * MARGIN)
        .max(text_width(&subtitle, 12.0) + 2.0 * MARGIN)
        .max(420.0)
        .ceil();
    let legend_rows = wrap(&legend, width - 2.0 * MARGIN);
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
    legend_svg(&mut s, &legend_rows, legend_top);
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

fn kind_class(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Client => "client",
        ComponentKind::Dns => "dns",
        ComponentKind::Cdn => "cdn",
        ComponentKind::LoadBalancer => "load-balancer",
        ComponentKind::Gateway => "gateway",
        ComponentKind::Service => "service",
        ComponentKind::Database => "database",
        ComponentKind::Cache => "cache",
        ComponentKind::Queue => "queue",
        ComponentKind::Storage => "storage",
        ComponentKind::External => "external",
        ComponentKind::Group => "group",
    }
}

/// The outline that says which kind this is (`ui::shapes::body` at zoom 1).
fn body(
    s: &mut String,
    kind: ComponentKind,
    (l, t, r, b): (f32, f32, f32, f32),
    fill: Rgb,
    stroke: Rgb,
    width: f32,
) {
    let paint = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="{width}""#);
    let thin = |k: f32| {
        format!(
            r#"fill="none" stroke="{stroke}" stroke-width="{}""#,
            width * k
        )
    };
    let rounded = |s: &mut String, radius: f32| {
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{CARD_W}" height="{CARD_H}" rx="{radius}" {paint}/>"#,
            n(l),
            n(t)
        );
    };
    let polygon = |s: &mut String, points: &[(f32, f32)]| {
        let list: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{},{}", n(x), n(y)))
            .collect();
        let _ = writeln!(s, r#"<polygon points="{}" {paint}/>"#, list.join(" "));
    };
    let cy = (t + b) / 2.0;
    match kind {
        ComponentKind::Client => rounded(s, CARD_H / 2.0),
        ComponentKind::Service => rounded(s, 6.0),
        ComponentKind::Cdn => rounded(s, 16.0),
        ComponentKind::LoadBalancer => {
            rounded(s, 3.0);
            let _ = writeln!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="2" {}/>"#,
                n(l + 4.0),
                n(t + 4.0),
                n(CARD_W - 8.0),
                n(CARD_H - 8.0),
                thin(0.6)
            );
        }
        ComponentKind::Cache => {
            rounded(s, 6.0);
            let _ = writeln!(
                s,
                r#"<rect x="{}" y="{}" width="5" height="{CARD_H}" rx="2.5" fill="{stroke}"/>"#,
                n(l),
                n(t)
            );
        }
        ComponentKind::Queue => {
            rounded(s, 6.0);
            for i in 1..=3 {
                let x = r - (4.0 + 5.0 * i as f32);
                let _ = writeln!(
                    s,
                    r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" {}/>"#,
                    n(t + 9.0),
                    n(b - 9.0),
                    thin(0.8)
                );
            }
        }
        ComponentKind::Dns => {
            let k = 14.0;
            polygon(
                s,
                &[
                    (l + k, t),
                    (r - k, t),
                    (r, cy),
                    (r - k, b),
                    (l + k, b),
                    (l, cy),
                ],
            );
        }
        ComponentKind::Gateway => {
            let k = 11.0;
            polygon(
                s,
                &[
                    (l + k, t),
                    (r - k, t),
                    (r, t + k),
                    (r, b - k),
                    (r - k, b),
                    (l + k, b),
                    (l, b - k),
                    (l, t + k),
                ],
            );
        }
        ComponentKind::Storage => {
            let k = 9.0;
            polygon(s, &[(l, t), (r, t), (r - k, b), (l + k, b)]);
            let _ = writeln!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>"#,
                n(l + 2.0),
                n(t + 7.0),
                n(r - 2.0),
                n(t + 7.0),
                thin(0.8)
            );
        }
        ComponentKind::Database => {
            let ry = 7.0;
            let rx = CARD_W / 2.0;
            let _ = writeln!(
                s,
                r#"<path d="M{l} {top}A{rx} {ry} 0 0 1 {r} {top}L{r} {bot}A{rx} {ry} 0 0 1 {l} {bot}Z" {paint}/>"#,
                l = n(l),
                r = n(r),
                top = n(t + ry),
                bot = n(b - ry),
            );
            let _ = writeln!(
                s,
                r#"<path d="M{l} {top}A{rx} {ry} 0 0 0 {r} {top}" {}/>"#,
                thin(0.8),
                l = n(l),
                r = n(r),
                top = n(t + ry),
            );
        }
        ComponentKind::External | ComponentKind::Group => {
            let dash = if kind == ComponentKind::External {
                "6 4"
            } else {
                "3 4"
            };
            let _ = writeln!(
                s,
                r#"<rect x="{}" y="{}" width="{CARD_W}" height="{CARD_H}" rx="4" {paint} stroke-dasharray="{dash}"/>"#,
                n(l),
                n(t)
            );
        }
    }
}

/// The kind's glyph (`ui::look::glyph`) drawn as a small vector symbol, so it reads the
/// same in every browser, viewer and printer whatever emoji fonts they have.
fn glyph(s: &mut String, kind: ComponentKind, (x, y): (f32, f32), size: f32, ink: Rgb, paper: Rgb) {
    let scale = size / 16.0;
    let _ = write!(
        s,
        r#"<g transform="translate({} {}) scale({scale})" fill="none" stroke="{ink}" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round">"#,
        n(x),
        n(y)
    );
    let body = match kind {
        // 👤
        ComponentKind::Client => format!(
            r#"<circle cx="8" cy="5" r="3" fill="{ink}"/><path d="M2.5 15C2.5 10 13.5 10 13.5 15Z" fill="{ink}"/>"#
        ),
        // 🌐
        ComponentKind::Dns => r#"<circle cx="8" cy="8" r="6.5"/><ellipse cx="8" cy="8" rx="2.8" ry="6.5"/><path d="M1.5 8H14.5M2.6 4.8H13.4M2.6 11.2H13.4"/>"#.to_owned(),
        // ☁
        ComponentKind::Cdn => format!(
            r#"<path d="M4.5 13A3 3 0 0 1 4 7.1A4 4 0 0 1 11.6 6A3.5 3.5 0 0 1 12 13Z" fill="{ink}"/>"#
        ),
        // ⚖
        ComponentKind::LoadBalancer => r#"<path d="M8 2.5V14M5 14H11M2.5 4.5H13.5M2.5 4.5L0.9 9.5H4.1ZM13.5 4.5L11.9 9.5H15.1Z"/>"#.to_owned(),
        // 🚪
        ComponentKind::Gateway => format!(
            r#"<rect x="4" y="1.5" width="8" height="13"/><circle cx="10" cy="8.5" r="0.9" fill="{ink}" stroke="none"/><path d="M2 14.5H14"/>"#
        ),
        // ⚙
        ComponentKind::Service => format!(
            r#"<path d="{}" fill="{ink}" stroke="none"/><circle cx="8" cy="8" r="2.2" fill="{paper}" stroke="none"/>"#,
            gear_path()
        ),
        // 🗄
        ComponentKind::Database => r#"<rect x="3" y="1.5" width="10" height="13" rx="1"/><path d="M3 8H13M6.5 4.8H9.5M6.5 11.3H9.5"/>"#.to_owned(),
        // ⚡
        ComponentKind::Cache => format!(
            r#"<path d="M9.5 1L3.5 9H7.5L6.5 15L12.5 7H8.5Z" fill="{ink}" stroke="none"/>"#
        ),
        // ☰
        ComponentKind::Queue => r#"<path d="M2.5 4H13.5M2.5 8H13.5M2.5 12H13.5" stroke-width="1.8"/>"#.to_owned(),
        // 📦
        ComponentKind::Storage => r#"<path d="M2 5.5L8 2.5L14 5.5V12L8 15L2 12ZM2 5.5L8 8.5L14 5.5M8 8.5V15"/>"#.to_owned(),
        // 🔗
        ComponentKind::External => r#"<rect x="1.6" y="7.8" width="8" height="4.4" rx="2.2" transform="rotate(-45 5.6 10)"/><rect x="6.4" y="3.8" width="8" height="4.4" rx="2.2" transform="rotate(-45 10.4 6)"/>"#.to_owned(),
        // ⛶
        ComponentKind::Group => r#"<path d="M2 5.5V2H5.5M10.5 2H14V5.5M14 10.5V14H10.5M5.5 14H2V10.5"/>"#.to_owned(),
    };
    s.push_str(&body);
    s.push_str("</g>\n");
}

/// A gear of eight teeth around (8, 8) in a 16-unit box.
fn gear_path() -> String {
    let mut d = String::new();
    for tooth in 0..8 {
        let a = tooth as f32 * std::f32::consts::FRAC_PI_4;
        for (da, radius) in [(-0.36, 5.4), (-0.2, 7.4), (0.2, 7.4), (0.36, 5.4)] {
            let (x, y) = (8.0 + radius * (a + da).cos(), 8.0 + radius * (a + da).sin());
            d.push(if d.is_empty() { 'M' } else { 'L' });
            let _ = write!(d, "{} {}", n(x), n(y));
        }
    }
    d.push('Z');
    d
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

/// A padlock 8 wide and 10 high with its top-left at `(x, y)`.
fn lock(s: &mut String, (x, y): (f32, f32), ink: Rgb) {
    let _ = writeln!(
        s,
        r#"<path d="M{} {}V{}A2.5 2.5 0 0 1 {} {}V{}" fill="none" stroke="{ink}" stroke-width="1.2"/><rect x="{}" y="{}" width="8" height="5.5" rx="1" fill="{ink}"/>"#,
        n(x + 1.5),
        n(y + 4.5),
        n(y + 2.5),
        n(x + 6.5),
        n(y + 2.5),
        n(y + 4.5),
        n(x),
        n(y + 4.5)
    );
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

/// One item of the legend (`width` measures it in pixels).
#[derive(Clone, Debug, PartialEq)]
enum Key {
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
fn legend(
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
fn wrap(groups: &[Vec<Key>], width: f32) -> Vec<Vec<(f32, Key)>> {
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

fn legend_svg(s: &mut String, rows: &[Vec<(f32, Key)>], top: f32) {
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
