//! Automatic layered layout for imported models: entries on the left, stores on the
//! right, one column per dependency depth, no overlapping nodes. Positions only.

use std::collections::HashMap;

use crate::model::Model;

/// Horizontal distance between columns and vertical distance between rows.
pub const COLUMN: f32 = 220.0;
pub const ROW: f32 = 120.0;
const MARGIN: f32 = 40.0;

/// Give every component a position: column by longest dependency path from the
/// callers, rows ordered to keep edges short (barycentre sweeps).
pub fn layered(model: &mut Model) {
    let n = model.components.len();
    if n == 0 {
        return;
    }
    let index: HashMap<&str, usize> = model
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut inc: Vec<Vec<usize>> = vec![Vec::new(); n];
    for d in &model.dependencies {
        if let (Some(&a), Some(&b)) = (index.get(d.from.as_str()), index.get(d.to.as_str()))
            && a != b
        {
            out[a].push(b);
            inc[b].push(a);
        }
    }
    let order = acyclic_order(model, &out);
    let mut position = vec![0; n];
    for (p, &c) in order.iter().enumerate() {
        position[c] = p;
    }
    // Longest path over the edges that point forward in `order` (back edges of
    // cycles are ignored for layering).
    let mut layer = vec![0usize; n];
    for &c in &order {
        for &d in &out[c] {
            if position[d] > position[c] {
                layer[d] = layer[d].max(layer[c] + 1);
            }
        }
    }
    let last = layer.iter().copied().max().unwrap_or(0);
    for (c, comp) in model.components.iter().enumerate() {
        let leaf = out[c].is_empty();
        if leaf && (comp.kind.is_stateful() || comp.kind == crate::model::ComponentKind::External) {
            layer[c] = last.max(1);
        }
    }
    let columns = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for &c in &order {
        rows[layer[c]].push(c);
    }
    let mut y = vec![0.0f32; n];
    let assign = |rows: &Vec<Vec<usize>>, y: &mut Vec<f32>| {
        for row in rows {
            for (i, &c) in row.iter().enumerate() {
                y[c] = i as f32;
            }
        }
    };
    assign(&rows, &mut y);
    for sweep in 0..6 {
        let forward = sweep % 2 == 0;
        for col in 0..columns {
            let col = if forward { col } else { columns - 1 - col };
            let neighbours = if forward { &inc } else { &out };
            let mut keyed: Vec<(f32, usize)> = rows[col]
                .iter()
                .map(|&c| {
                    let ns = &neighbours[c];
                    let key = if ns.is_empty() {
                        y[c]
                    } else {
                        ns.iter().map(|&x| y[x]).sum::<f32>() / ns.len() as f32
                    };
                    (key, c)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            rows[col] = keyed.into_iter().map(|(_, c)| c).collect();
            for (i, &c) in rows[col].iter().enumerate() {
                y[c] = i as f32;
            }
        }
    }
    let tallest = rows.iter().map(Vec::len).max().unwrap_or(1) as f32;
    for (col, row) in rows.iter().enumerate() {
        let offset = (tallest - row.len() as f32) * ROW / 2.0;
        for (i, &c) in row.iter().enumerate() {
            model.components[c].pos = (
                MARGIN + col as f32 * COLUMN,
                MARGIN + offset + i as f32 * ROW,
            );
        }
    }
}

/// A DFS order from the entries (then everything else) in which every edge that is
/// not part of a cycle points forward.
fn acyclic_order(model: &Model, out: &[Vec<usize>]) -> Vec<usize> {
    let n = out.len();
    let mut state = vec![0u8; n];
    let mut post = Vec::with_capacity(n);
    let roots = model
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.entry)
        .map(|(i, _)| i)
        .chain(0..n);
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (c, ref mut next)) = stack.last_mut() {
            if let Some(&d) = out[c].get(*next) {
                *next += 1;
                if state[d] == 0 {
                    state[d] = 1;
                    stack.push((d, 0));
                }
            } else {
                state[c] = 2;
                post.push(c);
                stack.pop();
            }
        }
    }
    post.reverse();
    post
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, ComponentKind, Dependency};

    #[test]
    fn chain_goes_left_to_right_without_overlap() {
        let mut m = Model::default();
        for (id, kind) in [
            ("u", ComponentKind::Client),
            ("a", ComponentKind::Service),
            ("b", ComponentKind::Service),
            ("db", ComponentKind::Database),
        ] {
            let mut c = Component::new(id, kind);
            c.entry = id == "u";
            m.components.push(c);
        }
        m.dependencies = vec![
            Dependency::hard("u", "a"),
            Dependency::hard("u", "b"),
            Dependency::hard("a", "db"),
            Dependency::hard("b", "db"),
        ];
        layered(&mut m);
        let pos = |id: &str| m.component(id).map(|c| c.pos).unwrap_or_default();
        assert!(pos("u").0 < pos("a").0 && pos("a").0 < pos("db").0);
        assert_eq!(pos("a").0, pos("b").0);
        assert_ne!(pos("a").1, pos("b").1);
    }
}
