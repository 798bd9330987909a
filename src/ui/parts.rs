//! One mesh made of numbered parts (a dependency, a card's outline), kept from frame to
//! frame: a part whose triangles must be made again is written over its old place when it
//! keeps its size, else the mesh is put together anew with the other parts copied. Paint
//! only; what a part looks like is the caller's.

use std::sync::Arc;

use egui::epaint::Mesh;

/// Where a part's triangles are in the mesh, and the frame they were made in.
#[derive(Clone, Copy, Debug, Default)]
struct Part {
    vertices: (u32, u32),
    indices: (u32, u32),
    made: u64,
}

#[derive(Debug)]
pub struct PartsMesh {
    parts: Vec<Part>,
    mesh: Arc<Mesh>,
}

impl PartsMesh {
    /// How many parts (made or empty) the mesh has.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn mesh(&self) -> &Arc<Mesh> {
        &self.mesh
    }

    /// The frame in which each part's triangles were last made (tests watch reuse).
    #[cfg(test)]
    pub fn made(&self) -> Vec<u64> {
        self.parts.iter().map(|p| p.made).collect()
    }

    /// Make the parts marked in `stale` again, in `frame`: `make(i, mesh)` appends part
    /// `i`'s triangles to `mesh`. In place when there is a mesh of as many parts
    /// and each stale part comes out with as many vertices and indices as before (a new
    /// colour or width does, a new length or shape may not), else a new mesh with the
    /// other parts copied from the old one, if any.
    pub fn update(
        kept: Option<Self>,
        stale: &[bool],
        frame: u64,
        mut make: impl FnMut(usize, &mut Mesh),
    ) -> Self {
        let kept = kept.filter(|k| k.parts.len() == stale.len());
        match kept {
            Some(mut kept) => {
                if kept.patch(stale, frame, &mut make) {
                    kept
                } else {
                    Self::remake(Some(&kept), stale, frame, make)
                }
            }
            None => Self::remake(None, &vec![true; stale.len()], frame, make),
        }
    }

    /// Write the stale parts over their old places; whether that was possible (if not,
    /// nothing changed). Cheaper than [`Self::remake`] when few changed.
    fn patch(
        &mut self,
        stale: &[bool],
        frame: u64,
        make: &mut impl FnMut(usize, &mut Mesh),
    ) -> bool {
        let stale: Vec<usize> = (0..stale.len()).filter(|&i| stale[i]).collect();
        // Past this share, copying everything once costs less than checking each.
        if stale.len() > self.parts.len() / 4 {
            return false;
        }
        let mut made = Vec::with_capacity(stale.len());
        for &i in &stale {
            let mut mesh = Mesh::default();
            make(i, &mut mesh);
            let part = self.parts[i];
            let fits = mesh.vertices.len() == (part.vertices.1 - part.vertices.0) as usize
                && mesh.indices.len() == (part.indices.1 - part.indices.0) as usize;
            if !fits {
                return false;
            }
            made.push((i, mesh));
        }
        let whole = Arc::make_mut(&mut self.mesh);
        for (i, mesh) in made {
            let part = &mut self.parts[i];
            let (v0, v1) = (part.vertices.0 as usize, part.vertices.1 as usize);
            let (i0, i1) = (part.indices.0 as usize, part.indices.1 as usize);
            whole.vertices[v0..v1].copy_from_slice(&mesh.vertices);
            for (to, from) in whole.indices[i0..i1].iter_mut().zip(&mesh.indices) {
                *to = from + part.vertices.0;
            }
            part.made = frame;
        }
        true
    }

    /// A new mesh: the stale parts made anew, the others copied from `old`.
    fn remake(
        old: Option<&Self>,
        stale: &[bool],
        frame: u64,
        mut make: impl FnMut(usize, &mut Mesh),
    ) -> Self {
        let mut mesh = Mesh::default();
        if let Some(k) = old {
            mesh.reserve_triangles(k.mesh.indices.len() / 3);
            mesh.reserve_vertices(k.mesh.vertices.len());
        }
        let mut parts = Vec::with_capacity(stale.len());
        for (i, &remake) in stale.iter().enumerate() {
            let start = (mesh.vertices.len() as u32, mesh.indices.len() as u32);
            let made = match old.and_then(|k| k.parts.get(i).map(|p| (k, p))) {
                Some((k, part)) if !remake => {
                    copy_part(&k.mesh, part, &mut mesh);
                    part.made
                }
                _ => {
                    make(i, &mut mesh);
                    frame
                }
            };
            parts.push(Part {
                vertices: (start.0, mesh.vertices.len() as u32),
                indices: (start.1, mesh.indices.len() as u32),
                made,
            });
        }
        Self {
            parts,
            mesh: Arc::new(mesh),
        }
    }
}

/// Append `part` of `from` to `to`, its indices moved to where its vertices land.
fn copy_part(from: &Mesh, part: &Part, to: &mut Mesh) {
    let (v0, v1) = (part.vertices.0 as usize, part.vertices.1 as usize);
    let (i0, i1) = (part.indices.0 as usize, part.indices.1 as usize);
    let (Some(vertices), Some(indices)) = (from.vertices.get(v0..v1), from.indices.get(i0..i1))
    else {
        return;
    };
    let shift = to.vertices.len() as u32;
    to.vertices.extend_from_slice(vertices);
    to.indices
        .extend(indices.iter().map(|i| i - part.vertices.0 + shift));
}
