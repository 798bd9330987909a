//! Where a value sits in the JSON text serde_json parsed without spans, so that errors found
//! after parsing name the line and column of their resource or attribute. Reads valid JSON.

/// One step of a path into a JSON document: an object member or an array element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// `path` with `step` after it.
pub(super) fn join(path: &[Step], step: Step) -> Vec<Step> {
    let mut out = Vec::with_capacity(path.len() + 1);
    out.extend_from_slice(path);
    out.push(step);
    out
}

pub(super) fn field(name: &str) -> Step {
    Step::Key(name.to_owned())
}

/// Byte offset of the value at `path` (of its key when the last step is a member, so that
/// an attribute is shown where its name is), or of the deepest enclosing one that exists.
/// A member that occurs twice is found at its last occurrence, the one serde_json keeps.
/// Linear in the length of the text.
pub(super) fn offset(text: &str, path: &[Step]) -> usize {
    let mut cursor = Cursor {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    cursor.skip_whitespace();
    let mut at = cursor.pos;
    for step in path {
        let found = match step {
            Step::Key(name) => cursor.member(name),
            Step::Index(i) => cursor.element(*i).map(|v| (v, v)),
        };
        let Some((shown, value)) = found else { break };
        at = shown;
        cursor.pos = value;
    }
    at.min(text.len())
}

struct Cursor<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// From an opening quote to just past its closing quote.
    fn skip_string(&mut self) {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += if b == b'\\' { 2 } else { 1 };
            if b == b'"' {
                return;
            }
        }
    }

    /// From the first byte of a value to just past it.
    fn skip_value(&mut self) {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'"' => {
                            self.skip_string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    self.pos += 1;
                    if depth == 0 {
                        return;
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
            }
        }
    }

    /// In the object at the cursor: the offsets of the last member named `name`, of its key
    /// and of its value.
    fn member(&mut self, name: &str) -> Option<(usize, usize)> {
        if self.peek() != Some(b'{') {
            return None;
        }
        self.pos += 1;
        let mut found = None;
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return found;
            }
            let key_at = self.pos;
            self.skip_string();
            let raw = self.text.get(key_at..self.pos).unwrap_or_default();
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return found;
            }
            self.pos += 1;
            self.skip_whitespace();
            if decoded(raw).is_some_and(|k| k == name) {
                found = Some((key_at, self.pos));
            }
            self.skip_value();
            self.skip_whitespace();
            if self.peek() != Some(b',') {
                return found;
            }
            self.pos += 1;
        }
    }

    /// In the array at the cursor: the offset of element `index`.
    fn element(&mut self, index: usize) -> Option<usize> {
        if self.peek() != Some(b'[') {
            return None;
        }
        self.pos += 1;
        for _ in 0..index {
            self.skip_whitespace();
            self.skip_value();
            self.skip_whitespace();
            if self.peek() != Some(b',') {
                return None;
            }
            self.pos += 1;
        }
        self.skip_whitespace();
        match self.peek() {
            Some(b']') | None => None,
            Some(_) => Some(self.pos),
        }
    }
}

/// A quoted JSON string's text, its escapes decoded.
fn decoded(raw: &str) -> Option<String> {
    if raw.contains('\\') {
        serde_json::from_str(raw).ok()
    } else {
        raw.strip_prefix('"')?.strip_suffix('"').map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\"a\": {\"x\\\"]\": [1, {\"b\": 2}], \"c\": \"}]\"},\n \"a\": {\"c\": [true, [], {\"d\": null}]}}";

    fn at(path: &[Step]) -> &'static str {
        &TEXT[offset(TEXT, path)..]
    }

    #[test]
    fn members_and_elements_are_found_past_strings_and_nested_values() {
        assert!(at(&[]).starts_with("{\"a\": {\"x"));
        assert!(
            at(&[field("a"), field("c"), Step::Index(2), field("d")]).starts_with("\"d\": null")
        );
        assert!(at(&[field("a"), field("c"), Step::Index(1)]).starts_with("[]"));
    }

    #[test]
    fn a_repeated_member_is_found_where_serde_json_reads_it() {
        assert!(at(&[field("a")]).starts_with("\"a\": {\"c\": [true"));
    }

    #[test]
    fn a_missing_step_stops_at_the_deepest_value_found() {
        assert!(at(&[field("a"), field("c"), Step::Index(7)]).starts_with("\"c\": [true"));
        assert!(at(&[field("a"), field("zz"), field("d")]).starts_with("\"a\": {\"c\""));
    }

    #[test]
    fn an_escaped_key_is_compared_decoded() {
        let text = "{\"a\": 1, \"x\\\"]\": {\"b\": 2}}";
        let found = offset(text, &[field("x\"]"), field("b")]);
        assert!(text[found..].starts_with("\"b\": 2"));
    }
}
