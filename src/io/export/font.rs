//! The font bundled for exported images (DejaVu Sans) and text widths measured with it,
//! so diagrams lay out alike on every machine. Metrics only; must not rasterise.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// DejaVu Sans Book (Bitstream Vera licence, `assets/fonts/DejaVuSans-LICENSE.txt`).
pub const SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The family name inside [`SANS`]: what `sans-serif` resolves to when rasterising.
pub const SANS_FAMILY: &str = "DejaVu Sans";

/// Width of `text` set in the bundled font at `size` pixels (no kerning: a few tenths
/// of a pixel wide at worst). Characters the font lacks count one em.
pub fn text_width(text: &str, size: f32) -> f32 {
    let Ok(font) = FontRef::new(SANS) else {
        return text.chars().count() as f32 * size * 0.6;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size)
        })
        .sum()
}

/// `text` cut at a character boundary and ended with `…` so that it fits `max_width`.
pub fn truncate(text: &str, size: f32, max_width: f32) -> String {
    if text_width(text, size) <= max_width {
        return text.to_owned();
    }
    let ellipsis = text_width("…", size);
    let mut out = String::new();
    let mut width = 0.0;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if width + w + ellipsis > max_width {
            break;
        }
        width += w;
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_measures_wider() {
        let narrow = text_width("iii", 13.0);
        let wide = text_width("WWW", 13.0);
        assert!(narrow > 0.0 && wide > 2.0 * narrow, "{narrow} {wide}");
        assert_eq!(text_width("", 13.0), 0.0);
    }

    #[test]
    fn truncate_keeps_short_text_and_ends_long_text_with_an_ellipsis() {
        assert_eq!(truncate("Cart", 13.0, 100.0), "Cart");
        let cut = truncate("Recommendations service", 13.0, 104.0);
        assert!(cut.ends_with('…') && cut.len() < "Recommendations service".len());
        assert!(text_width(&cut, 13.0) <= 104.0);
    }
}
