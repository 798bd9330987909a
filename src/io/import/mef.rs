//! Open-PSA MEF fault tree import (the XML of SCRAM, XFTA and other tools): a fault tree
//! becomes groups and single-replica components. Never quantifies; errors give line, column.

use std::collections::{BTreeMap, HashMap, HashSet};

use roxmltree::{Document, Node, ParsingOptions};

use super::Imported;
use super::infer::IdTable;
use crate::model::{Component, ComponentKind, Dependency, LoadError, Model, Needs};

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
        message: format!("malformed XML: {e}")
            .trim_end_matches(&format!(" at {}", e.pos()))
            .to_owned(),
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
