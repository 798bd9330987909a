//! Open-PSA MEF fault tree export: a model's failure logic, bad deploys and failover
//! windows included, as one fault tree per entry. Writes text only; never quantifies.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::analysis::{BasicEvent, FailureGraph};
use crate::model::Model;

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
    let mut names = MefNames::default();
    let event_names: Vec<String> = (0..g.events.len() as u32)
        .map(|e| names.fresh("e_", &g.event_name(e)))
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
        let tree_name = tree.names.fresh("ft_", &g.ids[entry as usize]);
        let _ = writeln!(xml, "  <define-fault-tree name=\"{tree_name}\">");
        let _ = writeln!(
            xml,
            "    <label>{} down</label>",
            escape(&g.ids[entry as usize])
        );
        match top {
            Some(gate) => {
                let gates = std::mem::take(&mut tree.gates);
                let top_name = tree.names.fresh("top_", &g.ids[entry as usize]);
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

/// Unique MEF names for events, gates and trees.
#[derive(Default)]
struct MefNames {
    taken: HashSet<String>,
}

impl MefNames {
    /// An MEF-safe name: letters, digits and single inner hyphens, no dots.
    fn fresh(&mut self, prefix: &str, name: &str) -> String {
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

struct TreeWriter<'a> {
    g: &'a FailureGraph,
    names: &'a mut MefNames,
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
        let name = self.names.fresh(&self.prefix, stem);
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
