//! One mesh made of numbered parts (a dependency, a card's outline), kept from frame to
//! frame: a part whose triangles must be made again is written over its old place when it
//! keeps its size, else the mesh is put together anew with the other parts copied. Paint
//! only; what a part looks like is the caller's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use egui::epaint::Mesh;

/// Where a part's triangles are in the mesh, and the frame they were made in.
#[derive(Clone, Copy, Debug, Default)]
struct Part {
    vertices: (u32, u32),
    indices: (u32, u32),
    made: u64,
}

/// Vertices and indices written over in place, in revision `revision`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patch {
    pub revision: u64,
    pub vertices: (u32, u32),
    pub indices: (u32, u32),
}

/// Patches kept for a copy of the mesh elsewhere (the GPU's) to catch up by; past this
/// many the copy is sent whole again.
const PATCHES_KEPT: usize = 256;

/// Revisions of every parts mesh, from one counter: a copy that holds revision `r` of one
/// mesh can tell that another mesh, put together after it, is not the one it holds.
static REVISIONS: AtomicU64 = AtomicU64::new(1);

fn next_revision() -> u64 {
    REVISIONS.fetch_add(1, Ordering::Relaxed)
}

#[derive(Debug)]
pub struct PartsMesh {
    parts: Vec<Part>,
    mesh: Arc<Mesh>,
    /// Changes with every change of the mesh.
    revision: u64,
    /// The revision in which the mesh was last put together whole.
    whole: u64,
    /// What was written over in place since then, oldest first.
    patches: Vec<Patch>,
}

impl PartsMesh {
    /// How many parts (made or empty) the mesh has.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn mesh(&self) -> &Arc<Mesh> {
        &self.mesh
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// What a copy holding revision `held` must take from [`Self::mesh`] to hold the
    /// current one: the patches after it, or none when it must take the whole mesh.
    pub fn patches_since(&self, held: u64) -> Option<&[Patch]> {
        if held < self.whole {
            return None;
        }
        let after = self.patches.partition_point(|p| p.revision <= held);
        Some(&self.patches[after..])
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
        let revision = next_revision();
        if self.patches.len() + made.len() > PATCHES_KEPT {
            self.patches.clear();
            self.whole = revision;
        }
        for (i, mesh) in made {
            let part = &mut self.parts[i];
            let (v0, v1) = (part.vertices.0 as usize, part.vertices.1 as usize);
            let (i0, i1) = (part.indices.0 as usize, part.indices.1 as usize);
            whole.vertices[v0..v1].copy_from_slice(&mesh.vertices);
            for (to, from) in whole.indices[i0..i1].iter_mut().zip(&mesh.indices) {
                *to = from + part.vertices.0;
            }
            part.made = frame;
            if self.whole != revision {
                self.patches.push(Patch {
                    revision,
                    vertices: part.vertices,
                    indices: part.indices,
                });
            }
        }
        self.revision = revision;
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
        let revision = next_revision();
        Self {
            parts,
            mesh: Arc::new(mesh),
            revision,
            whole: revision,
            patches: Vec::new(),
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

#[cfg(test)]
mod tests {
    use egui::epaint::Vertex;
    use egui::{Color32, pos2};

    use super::*;

    /// Part `i` as one triangle of `colour`, or two when `long`.
    fn make(i: usize, colour: Color32, long: bool, mesh: &mut Mesh) {
        let x = i as f32 * 10.0;
        for n in 0..if long { 2 } else { 1 } {
            let base = mesh.vertices.len() as u32;
            for (dx, dy) in [(0.0, 0.0), (5.0, 0.0), (0.0, 5.0)] {
                mesh.vertices.push(Vertex {
                    pos: pos2(x + dx + n as f32, dy),
                    uv: pos2(0.0, 0.0),
                    color: colour,
                });
            }
            mesh.indices.extend([base, base + 1, base + 2]);
        }
    }

    #[test]
    fn a_copy_catches_up_by_the_patches_written_in_place_and_takes_a_new_mesh_whole() {
        let mesh = PartsMesh::update(None, &[true; 8], 1, |i, m| make(i, Color32::RED, false, m));
        let held = mesh.revision();
        assert_eq!(mesh.patches_since(held), Some(&[][..]));

        // A new colour keeps part 1's size: written over its place, one patch.
        let mut stale = [false; 8];
        stale[1] = true;
        let mesh = PartsMesh::update(Some(mesh), &stale, 2, |i, m| {
            make(i, Color32::BLUE, false, m)
        });
        assert_ne!(mesh.revision(), held);
        let patches = mesh.patches_since(held).map(<[Patch]>::to_vec);
        assert_eq!(
            patches,
            Some(vec![Patch {
                revision: mesh.revision(),
                vertices: (3, 6),
                indices: (3, 6),
            }])
        );
        assert_eq!(mesh.patches_since(mesh.revision()), Some(&[][..]));

        // A longer part does not fit: a new mesh, which a copy must take whole.
        let caught_up = mesh.revision();
        let mesh = PartsMesh::update(Some(mesh), &stale, 3, |i, m| {
            make(i, Color32::BLUE, true, m)
        });
        assert_eq!(mesh.patches_since(caught_up), None);
        assert_eq!(mesh.patches_since(held), None);
        assert_eq!(mesh.mesh().vertices.len(), 27);
    }
}
