//! Graphviz DOT export: kinds as shapes (the ones `import --from dot` reads back), the replica
//! badge, SPOFs in red, soft dependencies dashed. Writes text only; never lays anything out.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::analysis::Report;
use crate::model::{ComponentKind, DependencyKind, Model};
use crate::style::{RED, replica_badge};

/// The Graphviz shape of each kind (`import --from dot` reads the marked ones back:
/// egg, diamond, hexagon, cylinder, cds, folder).
fn dot_shape(kind: ComponentKind) -> (&'static str, Option<&'static str>) {
    match kind {
        ComponentKind::Client => ("egg", None),
        ComponentKind::Dns => ("octagon", None),
        ComponentKind::Cdn => ("ellipse", None),
        ComponentKind::LoadBalancer => ("diamond", None),
        ComponentKind::Gateway => ("hexagon", None),
        ComponentKind::Service => ("box", Some("rounded")),
        ComponentKind::Database => ("cylinder", None),
        ComponentKind::Cache => ("parallelogram", None),
        ComponentKind::Queue => ("cds", None),
        ComponentKind::Storage => ("folder", None),
        ComponentKind::External => ("box", Some("dashed")),
        ComponentKind::Group => ("box", Some("dotted")),
    }
}

/// A DOT quoted string.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The model as a Graphviz digraph: kinds as shapes, the replica badge under the name,
/// SPOFs red and labelled, hard dependencies solid, soft ones dashed, edges into a
/// SPOF heavier.
pub fn render(model: &Model, report: &Report) -> String {
    let spofs: BTreeSet<&str> = report.component_spofs().map(|s| s.id.as_str()).collect();
    let mut s = String::new();
    let _ = writeln!(s, "digraph {} {{", quoted(&model.name));
    let _ = writeln!(s, "  node [fontname=\"DejaVu Sans\", fontsize=11];");
    for c in &model.components {
        let (shape, style) = dot_shape(c.kind);
        let mut label = c.display_name().to_owned();
        if let Some(badge) = replica_badge(c) {
            let _ = write!(label, "\n{badge}");
        }
        let mut attrs = vec![
            format!("label={}", quoted(&label)),
            format!("shape={shape}"),
        ];
        if let Some(style) = style {
            attrs.push(format!("style={style}"));
        }
        if spofs.contains(c.id.as_str()) {
            attrs.push(format!(
                "color={0}, fontcolor={0}, penwidth=2.5, xlabel=\"SPOF\"",
                quoted(&RED.to_string())
            ));
        }
        let _ = writeln!(s, "  {} [{}];", quoted(&c.id), attrs.join(", "));
    }
    for d in &model.dependencies {
        let mut attrs = Vec::new();
        if d.kind == DependencyKind::Soft {
            attrs.push("style=dashed");
        }
        if spofs.contains(d.to.as_str()) {
            attrs.push("penwidth=2");
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(s, "  {} -> {}{attrs};", quoted(&d.from), quoted(&d.to));
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_strings_escape_quotes_backslashes_and_newlines() {
        assert_eq!(quoted("a \"b\"\\\nc"), r#""a \"b\"\\\nc""#);
    }
}
