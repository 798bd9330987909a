//! Values and references inside a resource: scalars at a path, expression references
//! resolved to node keys, instance keys stripped, zone and region names. Pure functions.

/// A value found in a resource: known text or a number, or a reference to another
/// resource (by key) where the plan does not know the value yet.
use serde_json::Value;

#[derive(Debug, PartialEq)]
pub(super) enum Found {
    Text(String),
    Number(u64),
    Bool(bool),
    Ref(String),
}

fn push_scalar(v: &Value, out: &mut Vec<Found>) {
    match v {
        Value::String(s) => out.push(Found::Text(s.clone())),
        Value::Number(n) => out.extend(
            n.as_u64()
                .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                .map(Found::Number),
        ),
        Value::Bool(b) => out.push(Found::Bool(*b)),
        Value::Array(list) => {
            for item in list {
                if !item.is_array() {
                    push_scalar(item, out);
                }
            }
        }
        _ => {}
    }
}

pub(super) fn collect_values(v: &Value, path: &[&str], out: &mut Vec<Found>) {
    match (v, path.split_first()) {
        (Value::Array(list), Some(_)) => {
            for item in list {
                collect_values(item, path, out);
            }
        }
        (Value::Object(map), Some((key, rest))) => {
            if let Some(next) = map.get(*key) {
                collect_values(next, rest, out);
            }
        }
        (v, None) => push_scalar(v, out),
        _ => {}
    }
}

pub(super) fn collect_expressions(e: &Value, path: &[&str], module: &str, out: &mut Vec<Found>) {
    match (e, path.split_first()) {
        (Value::Array(blocks), Some(_)) => {
            for b in blocks {
                collect_expressions(b, path, module, out);
            }
        }
        (Value::Object(map), Some((key, rest))) => {
            if let Some(next) = map.get(*key) {
                collect_expressions(next, rest, module, out);
            }
        }
        (Value::Object(map), None) => {
            if let Some(c) = map.get("constant_value") {
                push_scalar(c, out);
            }
            for r in map
                .get("references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(key) = resolve(r, module) {
                    out.push(Found::Ref(key));
                }
            }
        }
        _ => {}
    }
}

/// Every reference in an expression tree, resolved to node keys; those under an attribute
/// about logs are soft (a service keeps serving when its log bucket is down).
pub(super) fn expression_refs(e: &Value, module: &str, soft: bool, out: &mut Vec<(String, bool)>) {
    match e {
        Value::Object(map) => {
            for (key, v) in map {
                match key.as_str() {
                    "constant_value" => {}
                    "references" => {
                        for r in v.as_array().into_iter().flatten().filter_map(Value::as_str) {
                            out.extend(resolve(r, module).map(|k| (k, soft)));
                        }
                    }
                    _ => {
                        let soft = soft || key.contains("log") || key.contains("dead_letter");
                        expression_refs(v, module, soft, out);
                    }
                }
            }
        }
        Value::Array(list) => {
            for v in list {
                expression_refs(v, module, soft, out);
            }
        }
        _ => {}
    }
}

/// The node key a reference in module `module` names: a resource, a module output
/// (`module.db.output.address`) or a module input (`module.db.var.name`); `None` for
/// locals, `count`, `each`, `path`, `self` and root variables.
pub(super) fn resolve(reference: &str, module: &str) -> Option<String> {
    let plain = strip_indexes(reference);
    let parts: Vec<&str> = plain.split('.').collect();
    match parts.as_slice() {
        ["var", name, ..] if !module.is_empty() => Some(format!("{module}var.{name}")),
        [
            "var" | "local" | "count" | "each" | "path" | "self" | "terraform",
            ..,
        ] => None,
        ["module", name, output, ..] => Some(format!("{module}module.{name}.output.{output}")),
        ["module", ..] => None,
        ["data", t, n, ..] => Some(format!("{module}data.{t}.{n}")),
        [t, n, ..] => Some(format!("{module}{t}.{n}")),
        _ => None,
    }
}

/// `eu-west-1a`, `us-gov-west-1b`, `us-west-2-lax-1a`: a region name and a zone letter
/// (not a subnet id such as `subnet-0a1b`).
pub(super) fn looks_like_zone(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    let letter = last.chars().last().filter(char::is_ascii_lowercase);
    let number = &last[..last.len() - letter.map_or(0, char::len_utf8)];
    parts.len() >= 3
        && first.len() == 2
        && first.chars().all(|c| c.is_ascii_lowercase())
        && letter.is_some()
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// The region a zone name belongs to: `eu-west-1a` → `eu-west-1`; a local zone
/// (`us-west-2-lax-1a`) → `us-west-2`.
pub(super) fn region_of(zone: &str) -> String {
    let parts: Vec<&str> = zone.split('-').collect();
    // The region is the shortest prefix of parts that ends in a number.
    for n in 2..=parts.len() {
        if let Some(last) = parts.get(n - 1)
            && last.chars().all(|c| c.is_ascii_digit())
            && !last.is_empty()
        {
            return parts[..n].join("-");
        }
    }
    zone.trim_end_matches(|c: char| c.is_ascii_lowercase())
        .to_owned()
}

/// `module.a["x"].module.b[0]` without its instance keys: `module.a.module.b`.
pub(super) fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if quoted {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quoted = false;
                }
            } else if c == '"' {
                quoted = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
            }
        } else if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_keys_are_stripped_from_addresses() {
        assert_eq!(
            strip_indexes("module.a[\"x]y\"].aws_instance.web[0]"),
            "module.a.aws_instance.web"
        );
        assert_eq!(strip_indexes("aws_lb.front"), "aws_lb.front");
    }

    #[test]
    fn references_resolve_in_their_module() {
        assert_eq!(resolve("aws_subnet.a.id", ""), Some("aws_subnet.a".into()));
        assert_eq!(
            resolve("aws_subnet.a[count.index].id", "module.net."),
            Some("module.net.aws_subnet.a".into())
        );
        assert_eq!(
            resolve("module.db.address", ""),
            Some("module.db.output.address".into())
        );
        assert_eq!(
            resolve("var.subnets", "module.db."),
            Some("module.db.var.subnets".into())
        );
        assert_eq!(resolve("var.region", ""), None);
        assert_eq!(resolve("local.x", ""), None);
        assert_eq!(
            resolve("data.aws_subnet.x.availability_zone", ""),
            Some("data.aws_subnet.x".into())
        );
    }

    #[test]
    fn zones_and_their_regions() {
        assert!(looks_like_zone("eu-west-1a"));
        assert!(looks_like_zone("us-west-2-lax-1a"));
        assert!(!looks_like_zone("subnet-0abc"));
        assert!(!looks_like_zone("subnet-0a1b"));
        assert!(!looks_like_zone("eu-west-1"));
        assert_eq!(region_of("eu-west-1a"), "eu-west-1");
        assert_eq!(region_of("us-gov-west-1b"), "us-gov-west-1");
        assert_eq!(region_of("us-west-2-lax-1a"), "us-west-2");
    }
}
