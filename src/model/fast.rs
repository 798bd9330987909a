//! A fast path for reading `.spof.ron` files: a hand-written parser for the plain RON
//! that spofscope writes and people usually type. Anything else (comments, raw
//! strings, extensions, unknown or duplicate fields, any syntax error) makes it step
//! aside, and the full RON parser reads the file and reports the error: this module
//! only ever accepts what that parser would read identically.

use std::collections::BTreeMap;

use super::{
    Accepted, Component, ComponentKind, Date, Defaults, Dependency, DependencyKind, DetectMinutes,
    Event, Failover, FailoverMinutes, Model, Needs, Region, Replication, Risk, Scenario, Workload,
    Zone,
};

/// The model in `text`, or `None` when the full parser must decide.
pub fn parse(text: &str) -> Option<Model> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
    };
    let model = p.model()?;
    p.ws()?;
    (p.i == p.s.len()).then_some(model)
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

/// Fields seen so far in one struct: a second occurrence is left to the full parser.
struct Seen(u32);

impl Seen {
    fn first(&mut self, field: u32) -> Option<()> {
        let bit = 1 << field;
        if self.0 & bit != 0 {
            return None;
        }
        self.0 |= bit;
        Some(())
    }

    fn has(&self, field: u32) -> bool {
        self.0 & (1 << field) != 0
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Skip ASCII whitespace; a comment hands the file to the full parser.
    fn ws(&mut self) -> Option<()> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.i += 1,
                b'/' => return None,
                _ => break,
            }
        }
        Some(())
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws()?;
        if self.peek() == Some(c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn ident(&mut self) -> Option<&[u8]> {
        self.ws()?;
        let start = self.i;
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.i += 1;
            } else {
                break;
            }
        }
        let id = &self.s[start..self.i];
        match id.first() {
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => Some(id),
            _ => None,
        }
    }

    /// `Name(` or `(`: the full parser checks any other name.
    fn open(&mut self, name: &str) -> Option<()> {
        self.ws()?;
        if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) && self.ident()? != name.as_bytes()
        {
            return None;
        }
        self.eat(b'(')
    }

    /// The fields of a struct up to its closing parenthesis; `field` reads one value.
    fn fields(&mut self, mut field: impl FnMut(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        loop {
            self.ws()?;
            if self.peek() == Some(b')') {
                self.i += 1;
                return Some(());
            }
            let start = self.i;
            self.ident()?;
            let name_end = self.i;
            self.eat(b':')?;
            let s = self.s;
            field(self, &s[start..name_end])?;
            self.ws()?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b')') => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        loop {
            self.ws()?;
            if self.peek() == Some(b']') {
                self.i += 1;
                return Some(out);
            }
            out.push(item(self)?);
            self.ws()?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let start = self.i;
        // Most strings have no escapes: take them as one slice.
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    // Both ends sit next to ASCII quotes: always character boundaries.
                    let text = self.text.get(start..self.i)?;
                    self.i += 1;
                    return Some(text.to_owned());
                }
                b'\\' => break,
                _ => self.i += 1,
            }
        }
        let mut out: Vec<u8> = self.s[start..self.i].to_vec();
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return String::from_utf8(out).ok();
                }
                b'\\' => {
                    self.i += 1;
                    let unescaped = match self.peek()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.i += 1;
                            self.eat_raw(b'{')?;
                            let start = self.i;
                            while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                                self.i += 1;
                            }
                            let hex = self.text.get(start..self.i)?;
                            if hex.is_empty() || hex.len() > 6 || self.peek() != Some(b'}') {
                                return None;
                            }
                            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                        }
                        _ => return None,
                    };
                    self.i += 1;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(unescaped.encode_utf8(&mut buf).as_bytes());
                }
                b => {
                    out.push(b);
                    self.i += 1;
                }
            }
        }
    }

    fn eat_raw(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// The characters RON reads as a float, parsed as the full parser does.
    fn float_token(&mut self) -> Option<&str> {
        self.ws()?;
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            self.i += 1;
        }
        let token = self.text.get(start..self.i)?;
        let next_is_word = self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80);
        if token.is_empty() || token.contains("..") || next_is_word {
            return None;
        }
        Some(token)
    }

    fn f64(&mut self) -> Option<f64> {
        self.float_token()?.parse().ok()
    }

    fn f32(&mut self) -> Option<f32> {
        self.float_token()?.parse().ok()
    }

    fn u32(&mut self) -> Option<u32> {
        self.ws()?;
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        let digits = &self.s[start..self.i];
        let next_is_word = self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.') || b >= 0x80);
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') || next_is_word {
            return None;
        }
        self.text.get(start..self.i)?.parse().ok()
    }

    fn bool(&mut self) -> Option<bool> {
        match self.ident()? {
            b"true" => Some(true),
            b"false" => Some(false),
            _ => None,
        }
    }

    fn option_f64(&mut self) -> Option<Option<f64>> {
        match self.ident()? {
            b"None" => Some(None),
            b"Some" => {
                self.eat(b'(')?;
                let v = self.f64()?;
                self.eat(b')')?;
                Some(Some(v))
            }
            _ => None,
        }
    }

    fn model(&mut self) -> Option<Model> {
        let mut m = Model::default();
        let mut seen = Seen(0);
        self.open("Model")?;
        self.fields(|p, name| {
            match name {
                b"format" => {
                    seen.first(0)?;
                    m.format = p.u32()?;
                }
                b"name" => {
                    seen.first(1)?;
                    m.name = p.string()?;
                }
                b"description" => {
                    seen.first(2)?;
                    m.description = p.string()?;
                }
                b"defaults" => {
                    seen.first(3)?;
                    m.defaults = p.defaults()?;
                }
                b"regions" => {
                    seen.first(4)?;
                    m.regions = p.list(Self::region)?;
                }
                b"components" => {
                    seen.first(5)?;
                    m.components = p.list(Self::component)?;
                }
                b"dependencies" => {
                    seen.first(6)?;
                    m.dependencies = p.list(Self::dependency)?;
                }
                b"scenarios" => {
                    seen.first(7)?;
                    m.scenarios = p.list(Self::scenario)?;
                }
                b"accepted" => {
                    seen.first(8)?;
                    m.accepted = p.list(Self::accepted)?;
                }
                _ => return None,
            }
            Some(())
        })?;
        (seen.has(0) && seen.has(1)).then_some(m)
    }

    fn defaults(&mut self) -> Option<Defaults> {
        let mut d = Defaults::default();
        let mut seen = Seen(0);
        self.open("Defaults")?;
        self.fields(|p, name| {
            match name {
                b"replica_availability" => {
                    seen.first(0)?;
                    d.replica_availability = p.f64()?;
                }
                b"zone_availability" => {
                    seen.first(1)?;
                    d.zone_availability = p.f64()?;
                }
                b"region_availability" => {
                    seen.first(2)?;
                    d.region_availability = p.f64()?;
                }
                b"mtbf_hours" => {
                    seen.first(3)?;
                    d.mtbf_hours = p.f64()?;
                }
                b"detect_minutes" => {
                    seen.first(4)?;
                    let (monitored, unmonitored) = p.pair(
                        "DetectMinutes",
                        ("monitored", d.detect_minutes.monitored),
                        ("unmonitored", d.detect_minutes.unmonitored),
                    )?;
                    d.detect_minutes = DetectMinutes {
                        monitored,
                        unmonitored,
                    };
                }
                b"failover_minutes" => {
                    seen.first(5)?;
                    let (automatic, manual) = p.pair(
                        "FailoverMinutes",
                        ("automatic", d.failover_minutes.automatic),
                        ("manual", d.failover_minutes.manual),
                    )?;
                    d.failover_minutes = FailoverMinutes { automatic, manual };
                }
                b"common_cause" => {
                    seen.first(6)?;
                    d.common_cause = p.f64()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(d)
    }

    /// A struct of two optional floats, each defaulting to the value given with its name.
    fn pair(&mut self, name: &str, first: (&str, f64), second: (&str, f64)) -> Option<(f64, f64)> {
        let (mut a, mut b) = (first.1, second.1);
        let mut seen = Seen(0);
        self.open(name)?;
        self.fields(|p, field| {
            if field == first.0.as_bytes() {
                seen.first(0)?;
                a = p.f64()?;
            } else if field == second.0.as_bytes() {
                seen.first(1)?;
                b = p.f64()?;
            } else {
                return None;
            }
            Some(())
        })?;
        Some((a, b))
    }

    fn region(&mut self) -> Option<Region> {
        let mut r = Region {
            id: String::new(),
            name: String::new(),
            zones: Vec::new(),
        };
        let mut seen = Seen(0);
        self.open("Region")?;
        self.fields(|p, name| {
            match name {
                b"id" => {
                    seen.first(0)?;
                    r.id = p.string()?;
                }
                b"name" => {
                    seen.first(1)?;
                    r.name = p.string()?;
                }
                b"zones" => {
                    seen.first(2)?;
                    r.zones = p.list(Self::zone)?;
                }
                _ => return None,
            }
            Some(())
        })?;
        seen.has(0).then_some(r)
    }

    fn zone(&mut self) -> Option<Zone> {
        let mut z = Zone::new(String::new());
        let mut seen = Seen(0);
        self.open("Zone")?;
        self.fields(|p, name| {
            match name {
                b"id" => {
                    seen.first(0)?;
                    z.id = p.string()?;
                }
                b"name" => {
                    seen.first(1)?;
                    z.name = p.string()?;
                }
                b"availability" => {
                    seen.first(2)?;
                    z.availability = p.option_f64()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        seen.has(0).then_some(z)
    }

    fn component(&mut self) -> Option<Component> {
        let mut c = Component::new("", ComponentKind::Service);
        c.name.clear();
        let mut seen = Seen(0);
        self.open("Component")?;
        self.fields(|p, name| {
            match name {
                b"id" => {
                    seen.first(0)?;
                    c.id = p.string()?;
                }
                b"name" => {
                    seen.first(1)?;
                    c.name = p.string()?;
                }
                b"kind" => {
                    seen.first(2)?;
                    let id = p.ident()?;
                    c.kind = *ComponentKind::ALL
                        .iter()
                        .find(|k| k.as_str().as_bytes() == id)?;
                }
                b"entry" => {
                    seen.first(3)?;
                    c.entry = p.bool()?;
                }
                b"replicas" => {
                    seen.first(4)?;
                    c.replicas = p.u32()?;
                }
                b"min_healthy" => {
                    seen.first(5)?;
                    c.min_healthy = p.u32()?;
                }
                b"zones" => {
                    seen.first(6)?;
                    c.zones = p.list(Self::string)?;
                }
                b"needs" => {
                    seen.first(7)?;
                    c.needs = match p.ident()? {
                        b"All" => Needs::All,
                        b"AtLeast" => {
                            p.eat(b'(')?;
                            let k = p.u32()?;
                            p.eat(b')')?;
                            Needs::AtLeast(k)
                        }
                        _ => return None,
                    };
                }
                b"replication" => {
                    seen.first(8)?;
                    c.replication = match p.ident()? {
                        b"None" => Replication::None,
                        b"Sync" => Replication::Sync,
                        b"Async" => Replication::Async,
                        _ => return None,
                    };
                }
                b"availability" => {
                    seen.first(9)?;
                    c.availability = p.option_f64()?;
                }
                b"monitored" => {
                    seen.first(10)?;
                    c.monitored = p.bool()?;
                }
                b"failover" => {
                    seen.first(11)?;
                    c.failover = match p.ident()? {
                        b"Automatic" => Failover::Automatic,
                        b"Manual" => Failover::Manual,
                        _ => return None,
                    };
                }
                b"pos" => {
                    seen.first(12)?;
                    p.eat(b'(')?;
                    let x = p.f32()?;
                    p.eat(b',')?;
                    let y = p.f32()?;
                    p.ws()?;
                    if p.peek() == Some(b',') {
                        p.i += 1;
                    }
                    p.eat(b')')?;
                    c.pos = (x, y);
                }
                b"notes" => {
                    seen.first(13)?;
                    c.notes = p.string()?;
                }
                b"mtbf_hours" => {
                    seen.first(14)?;
                    c.mtbf_hours = p.option_f64()?;
                }
                b"common_cause" => {
                    seen.first(15)?;
                    c.common_cause = p.option_f64()?;
                }
                b"workload" => {
                    seen.first(16)?;
                    c.workload = match p.ident()? {
                        b"None" => None,
                        b"Some" => {
                            p.eat(b'(')?;
                            let w = p.workload()?;
                            p.eat(b')')?;
                            Some(w)
                        }
                        _ => return None,
                    };
                }
                _ => return None,
            }
            Some(())
        })?;
        seen.has(0).then_some(c)
    }

    fn workload(&mut self) -> Option<Workload> {
        let mut w = Workload::default();
        let mut seen = Seen(0);
        self.open("Workload")?;
        self.fields(|p, name| {
            match name {
                b"namespace" => {
                    seen.first(0)?;
                    w.namespace = p.string()?;
                }
                b"kind" => {
                    seen.first(1)?;
                    w.kind = p.string()?;
                }
                b"name" => {
                    seen.first(2)?;
                    w.name = p.string()?;
                }
                b"labels" => {
                    seen.first(3)?;
                    w.labels = p.string_map()?;
                }
                b"url" => {
                    seen.first(4)?;
                    w.url = match p.ident()? {
                        b"None" => None,
                        b"Some" => {
                            p.eat(b'(')?;
                            let url = p.string()?;
                            p.eat(b')')?;
                            Some(url)
                        }
                        _ => return None,
                    };
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(w)
    }

    /// `{"k": "v", ...}`; a key given twice is left to the full parser.
    fn string_map(&mut self) -> Option<BTreeMap<String, String>> {
        self.eat(b'{')?;
        let mut out = BTreeMap::new();
        loop {
            self.ws()?;
            if self.peek() == Some(b'}') {
                self.i += 1;
                return Some(out);
            }
            let key = self.string()?;
            self.eat(b':')?;
            let value = self.string()?;
            if out.insert(key, value).is_some() {
                return None;
            }
            self.ws()?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    fn dependency(&mut self) -> Option<Dependency> {
        let mut d = Dependency::hard("", "");
        let mut seen = Seen(0);
        self.open("Dependency")?;
        self.fields(|p, name| {
            match name {
                b"from" => {
                    seen.first(0)?;
                    d.from = p.string()?;
                }
                b"to" => {
                    seen.first(1)?;
                    d.to = p.string()?;
                }
                b"kind" => {
                    seen.first(2)?;
                    d.kind = match p.ident()? {
                        b"Hard" => DependencyKind::Hard,
                        b"Soft" => DependencyKind::Soft,
                        _ => return None,
                    };
                }
                _ => return None,
            }
            Some(())
        })?;
        (seen.has(0) && seen.has(1)).then_some(d)
    }

    /// An event id; one that does not parse is left to the full parser's error.
    fn event(&mut self) -> Option<Event> {
        Event::parse(&self.string()?).ok()
    }

    fn scenario(&mut self) -> Option<Scenario> {
        let mut s = Scenario {
            name: String::new(),
            fail: Vec::new(),
        };
        let mut seen = Seen(0);
        self.open("Scenario")?;
        self.fields(|p, name| {
            match name {
                b"name" => {
                    seen.first(0)?;
                    s.name = p.string()?;
                }
                b"fail" => {
                    seen.first(1)?;
                    s.fail = p.list(Self::event)?;
                }
                _ => return None,
            }
            Some(())
        })?;
        seen.has(0).then_some(s)
    }

    /// An accepted risk; a risk or date that does not parse is left to the full parser.
    fn accepted(&mut self) -> Option<Accepted> {
        let mut risk = None;
        let mut reason = None;
        let mut until = None;
        let mut seen = Seen(0);
        self.open("Accepted")?;
        self.fields(|p, name| {
            match name {
                b"risk" => {
                    seen.first(0)?;
                    risk = Some(Risk::parse(&p.string()?).ok()?);
                }
                b"reason" => {
                    seen.first(1)?;
                    reason = Some(p.string()?);
                }
                b"until" => {
                    seen.first(2)?;
                    until = match p.ident()? {
                        b"None" => None,
                        b"Some" => {
                            p.eat(b'(')?;
                            let day = p.string()?.parse::<Date>().ok()?;
                            p.eat(b')')?;
                            Some(day)
                        }
                        _ => return None,
                    };
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(Accepted {
            risk: risk?,
            reason: reason?,
            until,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn full_parser(text: &str) -> Result<Model, ron::error::SpannedError> {
        ron::Options::default()
            .with_recursion_limit(64)
            .from_str(text)
    }

    /// Whatever the fast path accepts, the full parser reads the same.
    fn agrees(text: &str) -> Result<(), TestCaseError> {
        if let Some(fast) = parse(text) {
            match full_parser(text) {
                Ok(full) => prop_assert_eq!(fast, full, "{}", text),
                Err(e) => prop_assert!(false, "fast path accepted what RON rejects ({e}):\n{text}"),
            }
        }
        Ok(())
    }

    fn samples() -> Vec<String> {
        ["webshop", "webshop-hardened", "microservices", "two-region"]
            .iter()
            .map(|s| {
                let path = format!("{}/samples/{s}.spof.ron", env!("CARGO_MANIFEST_DIR"));
                std::fs::read_to_string(path).unwrap_or_default()
            })
            .collect()
    }

    /// Every field and syntax the fast path knows, written by hand.
    const HAND_WRITTEN: &str = r#"
Model(
  format: 1, name: "x \"y\" \\ \u{e9}\n", description: "d",
  defaults: Defaults(replica_availability: 1, zone_availability: 0.5e0, region_availability: 1e-1, mtbf_hours: 100,
    detect_minutes: DetectMinutes(unmonitored: 60.5, monitored: 1), failover_minutes: (manual: 15.0,), common_cause: 0.1),
  regions: [Region(id: "r", zones: [Zone(id: "z", availability: Some( 0.25 )), (id: "w", availability: None, name: "W",)],), ],
  components: [
    Component(id: "a", kind: Database, entry: false, replicas: 3, min_healthy: 2, zones: ["z", "w",], needs: AtLeast( 1 ),
      replication: Async, availability: Some(0.99), monitored: false, failover: Manual, pos: (-1.5, 2e3,), notes: "n",
      mtbf_hours: Some(2000.0), common_cause: None,
      workload: Some(Workload(namespace: "shop", kind: "StatefulSet", name: "a", labels: {"app": "a", "tier": "db",}, url: Some("http://a:80/")))),
    (id: "b", kind: Client, entry: true, needs: All, replication: None, failover: Automatic, pos: (0.0,0.0), common_cause: Some(0.0), workload: None),
    (id: "c", workload: Some((name: "c", kind: "ComposeService", url: None))),
  ],
  dependencies: [Dependency(from: "b", to: "a", kind: Soft), (to: "a", from: "b", kind: Hard)],
  scenarios: [Scenario(name: "s", fail: ["a#0", "zone:z"]), (name: "t")],
  accepted: [Accepted(risk: "spof:zone:z", reason: "r", until: Some("2027-06-30")), (reason: "q", risk: "order2:a#0+a#1",), (risk: "finding:unmonitored:a", reason: "", until: None)],
)
"#;

    #[test]
    fn reads_canonical_files_without_falling_back() {
        for text in samples() {
            assert_eq!(parse(&text).map(Ok), Some(full_parser(&text)));
        }
        for n in [1, 10, 300] {
            let text = crate::model::to_string(&crate::generate::generate(n, 5));
            assert_eq!(parse(&text).map(Ok), Some(full_parser(&text)));
        }
    }

    #[test]
    fn reads_saved_workloads_without_falling_back() {
        let mut model = crate::generate::generate(10, 5);
        for (i, c) in model.components.iter_mut().enumerate() {
            c.workload = Some(Workload {
                namespace: if i % 2 == 0 {
                    "shop".to_owned()
                } else {
                    String::new()
                },
                kind: "Deployment".to_owned(),
                name: format!("w-{i} \"quoted\""),
                labels: (0..i % 3)
                    .map(|k| (format!("k{k}"), format!("v{i}")))
                    .collect(),
                url: (i % 2 == 1).then(|| format!("http://w-{i}/")),
            });
        }
        let text = crate::model::to_string(&model);
        assert_eq!(parse(&text).map(Ok), Some(full_parser(&text)));
    }

    #[test]
    fn reads_every_field_and_optional_syntax() {
        let fast = parse(HAND_WRITTEN);
        assert!(fast.is_some());
        assert_eq!(fast.map(Ok), Some(full_parser(HAND_WRITTEN)));
    }

    #[test]
    fn leaves_comments_unknown_and_duplicate_fields_to_the_full_parser() {
        for text in [
            "// c\nModel(format: 1, name: \"x\")",
            "Model(format: 1, name: \"x\", extra: 1)",
            "Model(format: 1, name: \"x\", name: \"y\")",
            "Model(format: 1)",
            "Model(format: 1, name: r\"x\")",
            "Other(format: 1, name: \"x\")",
            "Model(format: 1, name: \"x\", components: [(id: \"a\", replicas: 1_0)])",
            "Model(format: 1, name: \"x\", components: [(id: \"a\", pos: (1f32, 0.0))])",
            "#![enable(implicit_some)]\nModel(format: 1, name: \"x\")",
            "Model(format: 1, name: \"x\", components: [(id: \"a\", workload: Some((name: \"a\", labels: {\"k\": \"1\", \"k\": \"2\"})))])",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    fn edited(base: String) -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0..3u8,
                "[\\[\\](){},:\"#a-zA-Z0-9_. \\\\\n+-]{0,3}",
            ),
            1..4,
        )
        .prop_map(move |edits| {
            let mut text = base.clone().into_bytes();
            for (at, op, insert) in edits {
                let i = at.index(text.len() + 1);
                if op == 0 {
                    let end = (i + insert.len().max(1)).min(text.len());
                    text.drain(i..end);
                } else {
                    text.splice(i..i, insert.bytes());
                }
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn edited_hand_written_file_reads_like_ron(text in edited(HAND_WRITTEN.to_owned())) {
            agrees(&text)?;
        }

        #[test]
        fn edited_sample_reads_like_ron(
            (i, text) in (0..4usize).prop_flat_map(|i| (Just(i), edited(samples()[i].clone())))
        ) {
            let _ = i;
            agrees(&text)?;
        }
    }
}
