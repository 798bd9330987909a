//! Each kind's outline and glyph, and the padlock of replication, as SVG elements in the
//! canvas's visual language. Shapes only; never places a card or picks its colours.

use std::fmt::Write as _;

use super::n;
use crate::model::ComponentKind;
use crate::style::{CARD_H, CARD_W, Rgb};

pub(super) fn kind_class(kind: ComponentKind) -> &'static str {
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
pub(super) fn body(
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
pub(super) fn glyph(
    s: &mut String,
    kind: ComponentKind,
    (x, y): (f32, f32),
    size: f32,
    ink: Rgb,
    paper: Rgb,
) {
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

/// A padlock 8 wide and 10 high with its top-left at `(x, y)`.
pub(super) fn lock(s: &mut String, (x, y): (f32, f32), ink: Rgb) {
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
