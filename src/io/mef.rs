//! Open-PSA MEF fault trees (the XML of SCRAM, XFTA and other tools): import a fault
//! tree as a model of groups and single-replica components, and export a model's
//! failure logic, bad deploys and failover windows included, as one fault tree per
//! entry. No egui; errors name line and column.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use roxmltree::{Document, Node, ParsingOptions};

use super::Imported;
use crate::analysis::{BasicEvent, FailureGraph};
use crate::model::{
    Component, ComponentKind, Dependency, LoadError, MAX_ID_LEN, Model, Needs, is_valid_id,
};

/// Largest number of XML nodes an import reads.
const MAX_XML_NODES: u32 = 2_000_000;
/// Deepest nesting of anonymous formulas inside one gate.
const MAX_FORMULA_DEPTH: usize = 64;

/// Read a MEF document: every `define-fault-tree` (and `model-data`) with `and`, `or`
/// and `atleast` gates over basic events with `float` probabilities or parameters.
pub fn import(text: &str, file: &str) -> Result<Imported, LoadError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| LoadError {
        file: file.to_owned(),
        location: Some((e.pos().row as usize, e.pos().col as usize)),
        message: format!("malformed XML: {e}"),
    })?;
    let mut reader = Reader {
        doc: &doc,
        file,
        gates: BTreeMap::new(),
        gate_order: Vec::new(),
        events: HashMap::new(),
        event_order: Vec::new(),
        parameters: HashMap::new(),
        notes: Vec::new(),
        anonymous: 0,
    };
    let root = doc.root_element();
    if root.tag_name().name() != "opsa-mef" {
        return Err(reader.error(root, "expected an <opsa-mef> document"));
    }
    for container in root.children().filter(Node::is_element) {
        match container.tag_name().name() {
            "define-fault-tree" | "model-data" => reader.container(container)?,
            "label" | "attributes" => {}
            other => reader.notes.push(format!(
                "line {}: <{other}> is not a fault tree; skipped",
                reader.line(container)
            )),
        }
    }
    reader.build()
}

/// A gate's failure logic: fails when at least `min` of its inputs fail.
struct Gate<'a> {
    node: Node<'a, 'a>,
    min: usize,
    inputs: Vec<Input<'a>>,
}

#[derive(Clone, Copy)]
enum Input<'a> {
    /// A named gate or basic event, resolved once everything is read.
    Named(Node<'a, 'a>, &'a str),
    /// A nested formula, registered as an anonymous gate.
    Gate(usize),
}

struct Reader<'a> {
    doc: &'a Document<'a>,
    file: &'a str,
    gates: BTreeMap<String, Gate<'a>>,
    gate_order: Vec<String>,
    events: HashMap<String, (Node<'a, 'a>, f64)>,
    event_order: Vec<String>,
    parameters: HashMap<String, f64>,
    notes: Vec<String>,
    anonymous: usize,
}

impl<'a> Reader<'a> {
    fn line(&self, node: Node) -> u32 {
        self.doc.text_pos_at(node.range().start).row
    }

    fn error(&self, node: Node, message: &str) -> LoadError {
        let pos = self.doc.text_pos_at(node.range().start);
        LoadError {
            file: self.file.to_owned(),
            location: Some((pos.row as usize, pos.col as usize)),
            message: message.to_owned(),
        }
    }

    fn name(&self, node: Node<'a, 'a>) -> Result<&'a str, LoadError> {
        node.attribute("name").ok_or_else(|| {
            self.error(
                node,
                &format!(
                    "<{}> has no name attribute; expected name=\"...\"",
                    node.tag_name().name()
                ),
            )
        })
    }

    fn container(&mut self, node: Node<'a, 'a>) -> Result<(), LoadError> {
        // Parameters first: basic events may reference them before their definition.
        for child in node
            .children()
            .filter(|c| c.has_tag_name("define-parameter"))
        {
            let name = self.name(child)?;
            let value = self.float_expression(child)?;
            self.parameters.insert(name.to_owned(), value);
        }
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "define-gate" => {
                    let name = self.name(child)?.to_owned();
                    let formula = child
                        .children()
                        .find(|c| {
                            c.is_element() && !matches!(c.tag_name().name(), "label" | "attributes")
                        })
                        .ok_or_else(|| {
                            self.error(
                                child,
                                "gate has no formula; expected <or>, <and> or <atleast>",
                            )
                        })?;
                    let gate = self.formula(formula, 0)?;
                    if self.gates.insert(name.clone(), gate).is_some() {
                        return Err(self.error(
                            child,
                            &format!("gate \"{name}\" is defined twice; expected unique names"),
                        ));
                    }
                    self.gate_order.push(name);
                }
                "define-basic-event" => {
                    let name = self.name(child)?.to_owned();
                    let p = self.float_expression(child)?;
                    if !(0.0..1.0).contains(&p) {
                        return Err(self.error(
                            child,
                            &format!("basic event \"{name}\" has probability {p}; expected a value in [0, 1)"),
                        ));
                    }
                    if self.events.insert(name.clone(), (child, p)).is_some() {
                        return Err(self.error(
                            child,
                            &format!(
                                "basic event \"{name}\" is defined twice; expected unique names"
                            ),
                        ));
                    }
                    self.event_order.push(name);
                }
                "define-house-event" => {
                    return Err(self.error(
                        child,
                        "house events are not supported; expected basic events and gates",
                    ));
                }
                "define-parameter" | "label" | "attributes" => {}
                other => self.notes.push(format!(
                    "line {}: <{other}> is not supported; skipped",
                    self.line(child)
                )),
            }
        }
        Ok(())
    }

    /// The value of a basic event's or parameter's expression: `<float>` or `<parameter>`.
    fn float_expression(&self, node: Node<'a, 'a>) -> Result<f64, LoadError> {
        let expr = node
            .children()
            .find(|c| c.is_element() && !matches!(c.tag_name().name(), "label" | "attributes"))
            .ok_or_else(|| self.error(node, "no probability; expected <float value=\"...\"/>"))?;
        match expr.tag_name().name() {
            "float" | "int" => {
                let text = expr
                    .attribute("value")
                    .ok_or_else(|| self.error(expr, "expected a value attribute"))?;
                text.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        self.error(
                            expr,
                            &format!("\"{text}\" is not a number; expected a probability"),
                        )
                    })
            }
            "parameter" => {
                let name = self.name(expr)?;
                self.parameters
                    .get(name)
                    .copied()
                    .ok_or_else(|| self.error(expr, &format!("unknown parameter \"{name}\"; expected a <define-parameter> with a <float>")))
            }
            other => Err(self.error(
                expr,
                &format!(
                    "<{other}> expressions are not supported; expected <float> or <parameter>"
                ),
            )),
        }
    }

    fn formula(&mut self, node: Node<'a, 'a>, depth: usize) -> Result<Gate<'a>, LoadError> {
        if depth > MAX_FORMULA_DEPTH {
            return Err(self.error(
                node,
                &format!("formulas nested deeper than {MAX_FORMULA_DEPTH}; expected named gates"),
            ));
        }
        let tag = node.tag_name().name();
        let mut inputs = Vec::new();
        let (min, args) = match tag {
            "or" => (1, true),
            "and" => (0, true),
            "atleast" => {
                let text = node.attribute("min").unwrap_or("");
                let k = text.parse::<usize>().map_err(|_| {
                    self.error(
                        node,
                        &format!("atleast min=\"{text}\"; expected a positive integer"),
                    )
                })?;
                (k, true)
            }
            "event" | "gate" | "basic-event" => {
                inputs.push(self.input(node)?);
                (1, false)
            }
            "house-event" | "constant" => {
                return Err(self.error(
                    node,
                    "house events and constants are not supported; expected basic events and gates",
                ));
            }
            other => {
                return Err(self.error(
                    node,
                    &format!("<{other}> gates are not supported (not monotone or not implemented); expected <or>, <and> or <atleast>"),
                ));
            }
        };
        if args {
            for child in node.children().filter(Node::is_element) {
                let input = match child.tag_name().name() {
                    "event" | "gate" | "basic-event" => self.input(child)?,
                    "house-event" => {
                        return Err(self.error(
                            child,
                            "house events are not supported; expected basic events and gates",
                        ));
                    }
                    _ => {
                        let nested = self.formula(child, depth + 1)?;
                        self.anonymous += 1;
                        let name = format!("formula-{}", self.anonymous);
                        self.gates.insert(name.clone(), nested);
                        self.gate_order.push(name);
                        Input::Gate(self.gate_order.len() - 1)
                    }
                };
                inputs.push(input);
            }
        }
        let min = if tag == "and" { inputs.len() } else { min };
        if inputs.is_empty() {
            return Err(self.error(
                node,
                &format!("<{tag}> has no inputs; expected at least one"),
            ));
        }
        if min == 0 || min > inputs.len() {
            return Err(self.error(
                node,
                &format!(
                    "atleast min=\"{min}\" of {} inputs; expected 1..={}",
                    inputs.len(),
                    inputs.len()
                ),
            ));
        }
        Ok(Gate { node, min, inputs })
    }

    fn input(&self, node: Node<'a, 'a>) -> Result<Input<'a>, LoadError> {
        if node.attribute("type") == Some("house-event") {
            return Err(self.error(
                node,
                "house events are not supported; expected basic events and gates",
            ));
        }
        Ok(Input::Named(node, self.name(node)?))
    }

    /// Turn gates into groups and basic events into single-replica components.
    fn build(self) -> Result<Imported, LoadError> {
        let mut ids = IdTable::default();
        let mut model = Model {
            name: "Imported fault tree".to_owned(),
            ..Model::default()
        };
        let mut event_ids = HashMap::new();
        for name in &self.event_order {
            let (node, p) = self.events[name];
            let id = ids.fresh(name);
            let mut c = Component::new(&id, ComponentKind::Service);
            c.name = label(node).unwrap_or_else(|| name.clone());
            c.availability = Some(1.0 - p);
            event_ids.insert(name.as_str(), id);
            model.components.push(c);
        }
        let gate_ids: HashMap<&str, String> = self
            .gate_order
            .iter()
            .map(|name| (name.as_str(), ids.fresh(name)))
            .collect();
        let mut referenced = HashSet::new();
        for name in &self.gate_order {
            let gate = &self.gates[name];
            let id = &gate_ids[name.as_str()];
            let mut c = Component::new(id, ComponentKind::Group);
            c.name = label(gate.node.parent().unwrap_or(gate.node)).unwrap_or_else(|| name.clone());
            let n = gate.inputs.len();
            // Fails when ≥ min inputs fail ⇔ up when ≥ n − min + 1 inputs are up.
            c.needs = if gate.min == 1 {
                Needs::All
            } else {
                Needs::AtLeast((n - gate.min + 1) as u32)
            };
            for input in &gate.inputs {
                let target = match *input {
                    Input::Gate(i) => gate_ids[self.gate_order[i].as_str()].clone(),
                    Input::Named(node, target) => {
                        let kind = node.attribute("type").unwrap_or(node.tag_name().name());
                        let resolved = match kind {
                            "gate" => gate_ids.get(target),
                            "basic-event" => event_ids.get(target),
                            _ => gate_ids.get(target).or_else(|| event_ids.get(target)),
                        };
                        resolved.cloned().ok_or_else(|| {
                            self.error(node, &format!("unknown event \"{target}\"; expected a defined gate or basic event"))
                        })?
                    }
                };
                if model
                    .dependencies
                    .iter()
                    .any(|d| d.from == *id && d.to == target)
                {
                    return Err(self.error(
                        gate.node,
                        &format!("gate \"{name}\" lists \"{target}\" twice"),
                    ));
                }
                referenced.insert(target.clone());
                model
                    .dependencies
                    .push(Dependency::hard(id.clone(), target));
            }
            model.components.push(c);
        }
        for c in &mut model.components {
            if c.kind == ComponentKind::Group && !referenced.contains(&c.id) {
                c.entry = true;
            }
        }
        if !model.components.iter().any(|c| c.entry) {
            return Err(LoadError {
                file: self.file.to_owned(),
                location: None,
                message: "no top gate; expected a gate that no other gate uses".to_owned(),
            });
        }
        super::finish(model, self.notes, self.file)
    }
}

/// A `<label>` child's text, used as the component's display name.
fn label(node: Node) -> Option<String> {
    node.children()
        .find(|c| c.has_tag_name("label"))
        .and_then(|l| l.text())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Unique identifiers built from foreign names, in a given character set.
#[derive(Default)]
pub(crate) struct IdTable {
    taken: HashSet<String>,
}

impl IdTable {
    pub(crate) fn fresh(&mut self, name: &str) -> String {
        let mut stem: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if stem.is_empty() {
            stem.push('x');
        }
        // Leave room for a `_n` suffix: a longer stem could never become a valid id.
        stem.truncate(MAX_ID_LEN - 12);
        let mut id = stem.clone();
        let mut n = 2;
        while !is_valid_id(&id) || !self.taken.insert(id.clone()) {
            id = format!("{stem}_{n}");
            n += 1;
        }
        id
    }

    /// An MEF-safe name: letters, digits and single inner hyphens, no dots.
    fn fresh_mef(&mut self, prefix: &str, name: &str) -> String {
        let mut s = String::from(prefix);
        for c in name.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                s.push(c);
            } else if !s.ends_with('-') && !s.ends_with('_') {
                s.push('_');
            }
        }
        let stem = s.trim_end_matches(['-', '_']).to_owned();
        let mut id = stem.clone();
        let mut n = 2;
        while !self.taken.insert(id.clone()) {
            id = format!("{stem}_{n}");
            n += 1;
        }
        id
    }
}

/// Why a model cannot be written as a fault tree.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ExportError(pub String);

/// The model's failure logic as MEF: one fault tree per entry whose top gate is
/// "entry down"; basic events in `model-data` with probability 1 − availability,
/// labelled with their spofscope event ids. Besides replicas, zones and regions these are
/// the time events of DESIGN §2b: `common:c` (a bad deploy) feeds the failure of every
/// replica of c, and `failover:c` (its failover window) puts c down by itself, so a tool
/// that quantifies the tree gets the availability `check` reports. A fault tree knows
/// nothing of SPOFs: read back, each time event is a basic event like any other.
pub fn export(model: &Model) -> Result<String, ExportError> {
    let g = FailureGraph::compile(model);
    let singles = crate::analysis::cuts::singles(&g);
    if let Some(c) = singles.baseline_down.iter().position(|&d| d) {
        return Err(ExportError(format!(
            "\"{}\" is down with nothing failed; fix the model before exporting a fault tree",
            g.ids[c]
        )));
    }
    for block in &g.blocks {
        let members = &g.order[block.start as usize..block.end as usize];
        if block.cyclic
            && members
                .iter()
                .any(|&c| g.need[c as usize] as usize != g.hard_deps(c).len())
        {
            return Err(ExportError(format!(
                "\"{}\" is in a dependency cycle through a k-of-n component; a fault tree must be acyclic",
                g.ids[members[0] as usize]
            )));
        }
    }
    let mut names = IdTable::default();
    let event_names: Vec<String> = (0..g.events.len() as u32)
        .map(|e| names.fresh_mef("e_", &g.event_name(e)))
        .collect();
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<!-- Written by spofscope: one fault tree per entry. -->\n<opsa-mef>\n",
    );
    let mut used_events = vec![false; g.events.len()];
    for entry in (0..g.len() as u32).filter(|&c| g.is_entry[c as usize]) {
        let mut tree = TreeWriter {
            g: &g,
            names: &mut names,
            event_names: &event_names,
            used_events: &mut used_events,
            gates: String::new(),
            gate_of: HashMap::new(),
            prefix: format!("{}__", mef_fragment(&g.ids[entry as usize])),
        };
        let top = tree.component(entry);
        let tree_name = tree.names.fresh_mef("ft_", &g.ids[entry as usize]);
        let _ = writeln!(xml, "  <define-fault-tree name=\"{tree_name}\">");
        let _ = writeln!(
            xml,
            "    <label>{} down</label>",
            escape(&g.ids[entry as usize])
        );
        match top {
            Some(gate) => {
                let gates = std::mem::take(&mut tree.gates);
                let top_name = tree.names.fresh_mef("top_", &g.ids[entry as usize]);
                let _ = writeln!(
                    xml,
                    "    <define-gate name=\"{top_name}\">\n      {gate}\n    </define-gate>"
                );
                xml.push_str(&gates);
            }
            None => {
                let _ = writeln!(
                    xml,
                    "    <!-- {} cannot fail: it has no basic events below it. -->",
                    escape(&g.ids[entry as usize])
                );
            }
        }
        xml.push_str("  </define-fault-tree>\n");
    }
    xml.push_str("  <model-data>\n");
    for (e, name) in event_names.iter().enumerate() {
        if used_events[e] {
            let _ = writeln!(
                xml,
                "    <define-basic-event name=\"{name}\">\n      <label>{}</label>\n      <float value=\"{:?}\"/>\n    </define-basic-event>",
                escape(&g.event_name(e as u32)),
                1.0 - g.availability[e]
            );
        }
    }
    xml.push_str("  </model-data>\n</opsa-mef>\n");
    Ok(xml)
}

struct TreeWriter<'a> {
    g: &'a FailureGraph,
    names: &'a mut IdTable,
    event_names: &'a [String],
    used_events: &'a mut [bool],
    gates: String,
    /// The reference to each component's "down" logic, or `None` when it cannot fail.
    gate_of: HashMap<u32, Option<String>>,
    prefix: String,
}

impl TreeWriter<'_> {
    fn event(&mut self, e: u32) -> String {
        self.used_events[e as usize] = true;
        format!("<basic-event name=\"{}\"/>", self.event_names[e as usize])
    }

    /// The reference to c's outage event of one kind, when it has one.
    fn outage(&mut self, c: u32, kind: fn(&BasicEvent) -> bool) -> Option<String> {
        let g = self.g;
        let e = g.outages(c).find(|&e| kind(&g.events[e as usize]))?;
        Some(self.event(e))
    }

    /// Define a gate failing when at least `min` of `inputs` fail; returns a reference.
    fn gate(&mut self, stem: &str, min: usize, inputs: Vec<String>) -> Option<String> {
        if min == 0 {
            return None;
        }
        if min > inputs.len() {
            return None;
        }
        if inputs.len() == 1 {
            return inputs.into_iter().next();
        }
        let name = self.names.fresh_mef(&self.prefix, stem);
        let op = if min == 1 {
            "<or>".to_owned()
        } else if min == inputs.len() {
            "<and>".to_owned()
        } else {
            format!("<atleast min=\"{min}\">")
        };
        let close = if min == 1 {
            "</or>"
        } else if min == inputs.len() {
            "</and>"
        } else {
            "</atleast>"
        };
        let _ = writeln!(self.gates, "    <define-gate name=\"{name}\">\n      {op}");
        for i in &inputs {
            let _ = writeln!(self.gates, "        {i}");
        }
        let _ = writeln!(self.gates, "      {close}\n    </define-gate>");
        Some(format!("<gate name=\"{name}\"/>"))
    }

    /// "Component c is down", following `All` cycles by folding the whole cycle in.
    fn component(&mut self, c: u32) -> Option<String> {
        if let Some(done) = self.gate_of.get(&c) {
            return done.clone();
        }
        let g = self.g;
        let block = g
            .blocks
            .iter()
            .find(|b| (b.start..b.end).contains(&g.rank[c as usize]));
        let members: Vec<u32> = match block {
            Some(b) if b.cyclic => g.order[b.start as usize..b.end as usize].to_vec(),
            _ => vec![c],
        };
        // Reserve the entry to stop recursion inside an `All` cycle.
        for &m in &members {
            self.gate_of.insert(m, None);
        }
        let mut causes = Vec::new();
        for &m in &members {
            if let Some(r) = self.replicas(m) {
                causes.push(r);
            }
            if let Some(e) = self.outage(m, |e| matches!(e, BasicEvent::Failover(_))) {
                causes.push(e);
            }
            let deps: Vec<u32> = g
                .hard_deps(m)
                .iter()
                .copied()
                .filter(|d| !members.contains(d))
                .collect();
            let need = g.need[m as usize] as usize;
            let total = g.hard_deps(m).len();
            if need > total {
                continue;
            }
            let mut inputs = Vec::new();
            for d in deps {
                if let Some(x) = self.component(d) {
                    inputs.push(x);
                }
            }
            // Down when more than total − need dependencies are down.
            let min = total - need + 1;
            if let Some(x) = self.gate(&format!("deps_{}", g.ids[m as usize]), min, inputs) {
                causes.push(x);
            }
        }
        let result = self.gate(&format!("down_{}", g.ids[c as usize]), 1, causes);
        for &m in &members {
            self.gate_of.insert(m, result.clone());
        }
        result
    }

    /// "Too few replicas of c are up".
    fn replicas(&mut self, c: u32) -> Option<String> {
        let g = self.g;
        let reps = g.replicas(c);
        if reps.is_empty() {
            return None;
        }
        let regions = g.region_ids.len() as u32;
        let common = self.outage(c, |e| matches!(e, BasicEvent::Common(_)));
        let mut inputs = Vec::new();
        for e in reps.clone() {
            let mut causes = vec![self.event(e)];
            if let Some(z) = g.zone_of(e) {
                causes.push(self.event(regions + z));
                causes.push(self.event(g.zone_region[z as usize]));
            }
            causes.extend(common.clone());
            let stem = format!("replica_{}", g.event_name(e));
            if let Some(x) = self.gate(&stem, 1, causes) {
                inputs.push(x);
            }
        }
        let n = reps.len();
        let min = n - g.k_replicas[c as usize] as usize + 1;
        self.gate(&format!("replicas_{}", g.ids[c as usize]), min, inputs)
    }
}

fn mef_fragment(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
