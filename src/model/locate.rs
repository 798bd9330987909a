//! Finds where a value sits in RON source text, so that errors found after parsing
//! (duplicate ids, dangling references) can still name a line and column. Read-only.

use super::{Event, Model};

/// One step of a path into a RON document: a struct field or a list element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Field(&'static str),
    Index(usize),
    /// The value inside `Some(...)`.
    Some,
}

/// Line and column (both from 1) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = 1 + before.matches('\n').count();
    let col = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col)
}

/// Byte offset of the value at `path`, or of the deepest enclosing value that exists.
pub fn locate(src: &str, path: &[Step]) -> usize {
    let mut walker = Walker {
        src: src.as_bytes(),
        pos: 0,
        depth: 0,
    };
    walker.skip_attributes();
    walker.find(path).unwrap_or(walker.pos.min(src.len()))
}

/// The text of the value at `path`, when the whole path exists.
pub fn value_text<'a>(src: &'a str, path: &[Step]) -> Option<&'a str> {
    let mut walker = Walker {
        src: src.as_bytes(),
        pos: 0,
        depth: 0,
    };
    walker.skip_attributes();
    let start = walker.find_exact(path)?;
    walker.pos = start;
    walker.skip_value().ok()?;
    src.get(start..walker.pos)
}

/// Line and column (from 1) of the id of what `event` names in `text`, the source of
/// `model`: the component (of a replica, bad deploy or failover window), zone or region.
/// None when the model does not have it.
pub fn event_position(model: &Model, text: &str, event: &Event) -> Option<(usize, usize)> {
    let path = match event {
        Event::Zone(id) => model.regions.iter().enumerate().find_map(|(ri, r)| {
            let zi = r.zones.iter().position(|z| &z.id == id)?;
            Some(vec![
                Step::Field("regions"),
                Step::Index(ri),
                Step::Field("zones"),
                Step::Index(zi),
                Step::Field("id"),
            ])
        })?,
        Event::Region(id) => {
            let ri = model.regions.iter().position(|r| &r.id == id)?;
            vec![Step::Field("regions"), Step::Index(ri), Step::Field("id")]
        }
        Event::Replica { component: id, .. }
        | Event::Component(id)
        | Event::Common(id)
        | Event::Failover(id) => {
            let ci = model.components.iter().position(|c| &c.id == id)?;
            vec![
                Step::Field("components"),
                Step::Index(ci),
                Step::Field("id"),
            ]
        }
    };
    Some(line_col(text, locate(text, &path)))
}

const MAX_DEPTH: usize = 256;

struct Walker<'a> {
    src: &'a [u8],
    pos: usize,
    depth: usize,
}

struct Malformed;

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            match self.peek() {
                Some(b) if b.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(b) = self.peek() {
                        self.pos += 1;
                        if b == b'\n' {
                            break;
                        }
                    }
                }
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    let mut nesting = 1;
                    while nesting > 0 && self.pos < self.src.len() {
                        if self.src[self.pos..].starts_with(b"/*") {
                            nesting += 1;
                            self.pos += 2;
                        } else if self.src[self.pos..].starts_with(b"*/") {
                            nesting -= 1;
                            self.pos += 2;
                        } else {
                            self.pos += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn skip_attributes(&mut self) {
        loop {
            self.skip_ws();
            if self.src[self.pos..].starts_with(b"#![") {
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    if b == b']' {
                        break;
                    }
                }
            } else {
                return;
            }
        }
    }

    fn find(&mut self, path: &[Step]) -> Option<usize> {
        self.skip_ws();
        let start = self.pos;
        let Some((step, rest)) = path.split_first() else {
            return Some(start);
        };
        match self.enter(step) {
            Ok(true) => self.find(rest).or(Some(start)),
            _ => Some(start),
        }
    }

    fn find_exact(&mut self, path: &[Step]) -> Option<usize> {
        self.skip_ws();
        let Some((step, rest)) = path.split_first() else {
            return Some(self.pos);
        };
        match self.enter(step) {
            Ok(true) => self.find_exact(rest),
            _ => None,
        }
    }

    /// Move from the start of a container to the start of the child named by `step`.
    fn enter(&mut self, step: &Step) -> Result<bool, Malformed> {
        if *step == Step::Some {
            if !self.src[self.pos..].starts_with(b"Some") {
                return Ok(false);
            }
            self.pos += 4;
            self.skip_ws();
            if self.peek() != Some(b'(') {
                return Ok(false);
            }
            self.pos += 1;
            self.skip_ws();
            return Ok(true);
        }
        self.skip_ident();
        self.skip_ws();
        let close = match self.peek() {
            Some(b'(') => b')',
            Some(b'[') => b']',
            Some(b'{') => b'}',
            _ => return Ok(false),
        };
        self.pos += 1;
        let mut index = 0;
        loop {
            self.skip_ws();
            if self.peek() == Some(close) || self.peek().is_none() {
                return Ok(false);
            }
            let element = self.pos;
            let field = self.field_name();
            match (step, field) {
                (Step::Field(name), Some(found)) if found == name.as_bytes() => {
                    self.skip_ws();
                    return Ok(true);
                }
                (Step::Index(i), None) if *i == index => {
                    self.pos = element;
                    return Ok(true);
                }
                _ => {}
            }
            self.skip_value()?;
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
            index += 1;
        }
    }

    /// If an `ident:` field label starts here, consume it (and the colon) and return it.
    fn field_name(&mut self) -> Option<&[u8]> {
        let start = self.pos;
        self.skip_ident();
        let ident_end = self.pos;
        self.skip_ws();
        if ident_end > start && self.peek() == Some(b':') {
            self.pos += 1;
            Some(&self.src[start..ident_end])
        } else {
            self.pos = start;
            None
        }
    }

    fn skip_ident(&mut self) {
        if self.src[self.pos..].starts_with(b"r#") {
            self.pos += 2;
        }
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn skip_value(&mut self) -> Result<(), Malformed> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Malformed);
        }
        let result = self.skip_value_inner();
        self.depth -= 1;
        result
    }

    fn skip_value_inner(&mut self) -> Result<(), Malformed> {
        self.skip_ws();
        match self.peek() {
            None => Err(Malformed),
            Some(b'"') => self.skip_string(),
            Some(b'\'') => {
                self.pos += 1;
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    match b {
                        b'\\' => self.pos += 1,
                        b'\'' => return Ok(()),
                        _ => {}
                    }
                }
                Err(Malformed)
            }
            Some(b'r') if matches!(self.src.get(self.pos + 1), Some(b'"' | b'#')) => {
                self.skip_raw_string()
            }
            Some(b'(' | b'[' | b'{') => self.skip_container(),
            Some(_) => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if b.is_ascii_whitespace() || b",:()[]{}\"".contains(&b) {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(Malformed);
                }
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.skip_container()?;
                }
                Ok(())
            }
        }
    }

    fn skip_string(&mut self) -> Result<(), Malformed> {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => return Ok(()),
                _ => {}
            }
        }
        Err(Malformed)
    }

    fn skip_raw_string(&mut self) -> Result<(), Malformed> {
        self.pos += 1;
        let hashes = self.src[self.pos..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        self.pos += hashes;
        if self.peek() != Some(b'"') {
            return Err(Malformed);
        }
        self.pos += 1;
        while self.pos < self.src.len() {
            if self.src[self.pos] == b'"'
                && self.src[self.pos + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&b| b == b'#')
                    .count()
                    == hashes
            {
                self.pos += 1 + hashes;
                return Ok(());
            }
            self.pos += 1;
        }
        Err(Malformed)
    }

    fn skip_container(&mut self) -> Result<(), Malformed> {
        let close = match self.peek() {
            Some(b'(') => b')',
            Some(b'[') => b']',
            _ => b'}',
        };
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(Malformed),
                Some(b) if b == close => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b',' | b':') => self.pos += 1,
                Some(_) => self.skip_value()?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "// a comment\nModel(\n    format: 1,\n    components: [\n        (id: \"a\", name: \"x(\\\"y\"),\n        (id: \"b\", zones: [\"z1\", \"z2\"]),\n    ],\n)\n";

    #[test]
    fn finds_a_field_of_a_list_element() {
        let path = [
            Step::Field("components"),
            Step::Index(1),
            Step::Field("zones"),
            Step::Index(1),
        ];
        assert_eq!(line_col(SRC, locate(SRC, &path)), (6, 33));
    }

    #[test]
    fn missing_field_falls_back_to_its_parent() {
        let path = [
            Step::Field("components"),
            Step::Index(0),
            Step::Field("replicas"),
        ];
        assert_eq!(line_col(SRC, locate(SRC, &path)), (5, 9));
    }

    #[test]
    fn reads_the_text_of_a_value() {
        assert_eq!(value_text(SRC, &[Step::Field("format")]), Some("1"));
        assert_eq!(value_text(SRC, &[Step::Field("regions")]), None);
    }
}
