//! The SVG diagram rasterised to PNG with resvg: no window, no GPU, and only the bundled
//! font (never the system's), so a model gives the same bytes on every machine.
//! Characters the bundled font lacks are left out. Must not lay anything out itself.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use super::font;

/// Largest image side in pixels: bigger ones are refused rather than allocated.
pub const MAX_SIDE: u32 = 16_384;
/// Scales accepted by `--scale`.
pub const SCALES: std::ops::RangeInclusive<f32> = 0.1..=8.0;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PngError {
    #[error("--scale is {0}; expected 0.1..=8")]
    Scale(f32),
    #[error(
        "the image would be {0}×{1} pixels; expected at most {MAX_SIDE} a side (lower --scale)"
    )]
    TooLarge(u32, u32),
    #[error("cannot read the diagram: {0}")]
    Svg(String),
    #[error("cannot encode the image: {0}")]
    Encode(String),
}

/// Fonts for rendering: the bundled font alone, which is what `sans-serif` means.
/// Loaded once.
pub fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    Arc::clone(FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_source(fontdb::Source::Binary(Arc::new(font::SANS)));
        db.set_sans_serif_family(font::SANS_FAMILY);
        Arc::new(db)
    }))
}

/// Rasterise `svg` at `scale` (1: one pixel per SVG unit) to PNG bytes.
pub fn render(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    if !SCALES.contains(&scale) {
        return Err(PngError::Scale(scale));
    }
    // Refuse an oversized image before the costly parse (seconds on a 10k-component
    // diagram) when the root element says how big it is.
    if let Some((w, h)) = declared_size(svg) {
        let (w, h) = ((w * scale).ceil() as u32, (h * scale).ceil() as u32);
        if w > MAX_SIDE || h > MAX_SIDE {
            return Err(PngError::TooLarge(w, h));
        }
    }
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: font::SANS_FAMILY.to_owned(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(PngError::TooLarge(w, h));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or(PngError::TooLarge(w, h))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}

/// The `width` and `height` the root `<svg>` element gives in plain numbers, if it does.
fn declared_size(svg: &str) -> Option<(f32, f32)> {
    let start = svg.find("<svg")?;
    let tag = &svg[start..start + svg[start..].find('>')?];
    let attribute = |name: &str| -> Option<f32> {
        let key = format!(" {name}=\"");
        let from = tag.find(&key)? + key.len();
        let value = &tag[from..from + tag[from..].find('"')?];
        value.parse().ok().filter(|v: &f32| v.is_finite())
    };
    Some((attribute("width")?, attribute("height")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_elements_size_is_read_without_parsing_the_rest() {
        let svg = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1200" height="80.5" viewBox="0 0 1200 80.5"><g>"#;
        assert_eq!(declared_size(svg), Some((1200.0, 80.5)));
        assert_eq!(declared_size(r#"<svg width="100%" height="10">"#), None);
        assert_eq!(declared_size(r#"<svg viewBox="0 0 1 1">"#), None);
        assert_eq!(declared_size("no svg here"), None);
    }

    #[test]
    fn an_oversized_image_is_refused_before_the_diagram_is_read() {
        // The body is not even valid XML: only the size check can have answered.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="300"><unclosed"#;
        assert_eq!(render(svg, 2.0), Err(PngError::TooLarge(18_000, 600)));
        assert!(matches!(render(svg, 1.0), Err(PngError::Svg(_))));
    }
}
