//! The canvas's kept meshes (dependencies, cards' outlines) handed to the renderer: with
//! eframe's glow renderer as vertex and index buffers that stay in the GPU and are sent
//! again only where the mesh changed; else as ordinary egui meshes. Paint only; what a
//! mesh shows is the caller's.
//!
//! egui copies every `Shape::Mesh` into the frame's primitives, and its renderer sends them
//! to the GPU again every frame: for a 10,000-component model fitted to the view that was
//! 18.6 MB of kept triangles, most of the CPU time of a frame. A paint callback costs the
//! frame the same whatever the mesh holds.

use std::sync::{Arc, Mutex, PoisonError};

use eframe::egui_glow::{self, ShaderVersion};
use eframe::glow::{self, HasContext as _};
use egui::epaint::{Mesh, Vertex};
use egui::{PaintCallback, PaintCallbackInfo, Rect, Shape};

use super::parts::{PartsMesh, Patch};

/// Whether eframe dithers colours down to 8 bits (its default), which the shader here
/// must do the same way to paint the pixels egui's own shader would.
pub const DITHERING: bool = true;

/// One kept mesh's way to the screen. The default hands it to egui every frame.
#[derive(Debug, Default)]
pub struct ResidentMesh {
    /// The GPU's copy, when painting through glow.
    gpu: Option<Arc<Mutex<GpuCopy>>>,
}

/// Whether meshes can be kept in `gl`'s GPU: vertex array objects came with OpenGL 3 and
/// OpenGL ES 3.
pub fn can_keep(gl: &glow::Context) -> bool {
    gl.version().major >= 3
}

impl ResidentMesh {
    /// Paint through glow from now on (see [`can_keep`]).
    pub fn on_gpu() -> Self {
        Self {
            gpu: Some(Arc::default()),
        }
    }

    /// The shape that paints `kept` (in screen points) inside `rect`: a paint callback that
    /// brings the GPU's copy up to date and draws it, or the mesh itself. Falls back to
    /// the mesh for good once the GPU could not take it (a shader the driver refused).
    pub fn shape(&mut self, kept: &PartsMesh, rect: Rect) -> Shape {
        let Some(gpu) = &self.gpu else {
            return Shape::Mesh(Arc::clone(kept.mesh()));
        };
        let (failed, held) = {
            let copy = gpu.lock().unwrap_or_else(PoisonError::into_inner);
            (copy.failed, copy.held)
        };
        if failed {
            self.gpu = None;
            return Shape::Mesh(Arc::clone(kept.mesh()));
        }
        if kept.mesh().indices.is_empty() {
            return Shape::Noop;
        }
        let update = match held.and_then(|h| Some((h, kept.patches_since(h)?))) {
            Some((h, _)) if h == kept.revision() => Update::None,
            Some((_, patches)) => Update::Patches(patches.to_vec()),
            None => Update::Whole,
        };
        let paint = Paint {
            mesh: Arc::clone(kept.mesh()),
            revision: kept.revision(),
            update,
        };
        let gpu = Arc::clone(gpu);
        let callback = egui_glow::CallbackFn::new(move |info, painter| {
            let mut copy = gpu.lock().unwrap_or_else(PoisonError::into_inner);
            copy.paint(painter.gl(), &info, &paint);
        });
        Shape::Callback(PaintCallback {
            rect,
            callback: Arc::new(callback),
        })
    }

    /// Let go of the GPU's buffers and shader, with the context they live in.
    pub fn free(&mut self, gl: &glow::Context) {
        if let Some(gpu) = self.gpu.take() {
            let mut copy = gpu.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(objects) = copy.objects.take() {
                objects.delete(gl);
            }
        }
    }
}

/// What a paint must send to the GPU first. Worked out when the frame is laid out, from
/// the revision the GPU held then; a callback painted again unchanged (an idle frame
/// replaying the last one) finds the GPU already holding its revision.
#[derive(Debug)]
enum Update {
    None,
    Patches(Vec<Patch>),
    Whole,
}

struct Paint {
    mesh: Arc<Mesh>,
    revision: u64,
    update: Update,
}

/// The GPU's copy of one kept mesh.
#[derive(Debug, Default)]
struct GpuCopy {
    objects: Option<GlObjects>,
    /// The revision of the mesh the buffers hold.
    held: Option<u64>,
    /// The shader or a buffer could not be made: the mesh goes through egui again.
    failed: bool,
}

impl GpuCopy {
    fn paint(&mut self, gl: &glow::Context, info: &PaintCallbackInfo, paint: &Paint) {
        let objects = match &self.objects {
            Some(objects) => objects,
            None => match GlObjects::new(gl) {
                Ok(objects) => self.objects.insert(objects),
                Err(e) => {
                    log::error!("cannot keep the canvas's meshes in the GPU: {e}");
                    self.failed = true;
                    return;
                }
            },
        };
        let vertices: &[u8] = bytemuck::cast_slice(&paint.mesh.vertices);
        let indices: &[u8] = bytemuck::cast_slice(&paint.mesh.indices);
        let vertex = size_of::<Vertex>();
        let index = size_of::<u32>();
        let [width, height] = info.screen_size_px;
        // SAFETY: every object used was made in this context (eframe paints with one), the
        // ranges written lie inside the buffers (a patch rewrites a part of a mesh the
        // buffers hold whole, in place), and egui_glow restores its own state after a
        // callback.
        unsafe {
            gl.bind_vertex_array(Some(objects.vertex_array));
            gl.bind_buffer(glow::ARRAY_BUFFER, Some(objects.vertices));
            match (&paint.update, self.held) {
                (Update::None, Some(_)) => {}
                (Update::Patches(patches), Some(held)) => {
                    for p in patches.iter().filter(|p| p.revision > held) {
                        let (v0, v1) = (p.vertices.0 as usize, p.vertices.1 as usize);
                        let (i0, i1) = (p.indices.0 as usize, p.indices.1 as usize);
                        gl.buffer_sub_data_u8_slice(
                            glow::ARRAY_BUFFER,
                            (v0 * vertex) as i32,
                            &vertices[v0 * vertex..v1 * vertex],
                        );
                        gl.buffer_sub_data_u8_slice(
                            glow::ELEMENT_ARRAY_BUFFER,
                            (i0 * index) as i32,
                            &indices[i0 * index..i1 * index],
                        );
                    }
                }
                _ => {
                    gl.buffer_data_u8_slice(glow::ARRAY_BUFFER, vertices, glow::DYNAMIC_DRAW);
                    gl.buffer_data_u8_slice(
                        glow::ELEMENT_ARRAY_BUFFER,
                        indices,
                        glow::DYNAMIC_DRAW,
                    );
                }
            }
            gl.viewport(0, 0, width as i32, height as i32);
            gl.use_program(Some(objects.program));
            gl.uniform_2_f32(
                objects.screen_size.as_ref(),
                width as f32 / info.pixels_per_point,
                height as f32 / info.pixels_per_point,
            );
            gl.draw_elements(
                glow::TRIANGLES,
                paint.mesh.indices.len() as i32,
                glow::UNSIGNED_INT,
                0,
            );
            gl.bind_vertex_array(None);
        }
        self.held = Some(paint.revision);
    }
}

/// The shader, buffers and vertex layout of one kept mesh.
#[derive(Debug)]
struct GlObjects {
    program: glow::Program,
    screen_size: Option<glow::UniformLocation>,
    vertex_array: glow::VertexArray,
    vertices: glow::Buffer,
    indices: glow::Buffer,
}

impl GlObjects {
    fn new(gl: &glow::Context) -> Result<Self, String> {
        let version = ShaderVersion::get(gl);
        let header = format!(
            "{}\n#define NEW_SHADER_INTERFACE {}\n#define DITHERING {}\n{PRECISION}",
            version.version_declaration(),
            i32::from(version.is_new_shader_interface()),
            i32::from(DITHERING),
        );
        // SAFETY: objects made here are used only with this context and deleted with it
        // (`delete`); the vertex layout matches epaint's `Vertex` (`#[repr(C)]`).
        unsafe {
            let program = program(gl, &header)?;
            let screen_size = gl.get_uniform_location(program, "u_screen_size");
            let vertex_array = gl.create_vertex_array()?;
            let vertices = gl.create_buffer()?;
            let indices = gl.create_buffer()?;
            gl.bind_vertex_array(Some(vertex_array));
            gl.bind_buffer(glow::ARRAY_BUFFER, Some(vertices));
            gl.bind_buffer(glow::ELEMENT_ARRAY_BUFFER, Some(indices));
            let stride = size_of::<Vertex>() as i32;
            gl.enable_vertex_attrib_array(POSITION);
            gl.vertex_attrib_pointer_f32(
                POSITION,
                2,
                glow::FLOAT,
                false,
                stride,
                std::mem::offset_of!(Vertex, pos) as i32,
            );
            gl.enable_vertex_attrib_array(COLOUR);
            gl.vertex_attrib_pointer_f32(
                COLOUR,
                4,
                glow::UNSIGNED_BYTE,
                false,
                stride,
                std::mem::offset_of!(Vertex, color) as i32,
            );
            gl.bind_vertex_array(None);
            Ok(Self {
                program,
                screen_size,
                vertex_array,
                vertices,
                indices,
            })
        }
    }

    fn delete(self, gl: &glow::Context) {
        // SAFETY: the objects were made in `gl` and nothing uses them after this.
        unsafe {
            gl.delete_program(self.program);
            gl.delete_vertex_array(self.vertex_array);
            gl.delete_buffer(self.vertices);
            gl.delete_buffer(self.indices);
        }
    }
}

const POSITION: u32 = 0;
const COLOUR: u32 = 1;

/// Float precision under OpenGL ES, as egui_glow's shaders declare it: the start of
/// both shaders.
const PRECISION: &str = r"
#ifdef GL_ES
    #if defined(GL_FRAGMENT_PRECISION_HIGH) && GL_FRAGMENT_PRECISION_HIGH == 1
        precision highp float;
    #else
        precision mediump float;
    #endif
#endif
";

/// egui_glow's vertex shader, less the texture coordinates: kept triangles are plain
/// colour (they sample the font atlas's white texel, which multiplies by one).
const VERTEX_SHADER: &str = r"
#if NEW_SHADER_INTERFACE
    #define I in
    #define O out
#else
    #define I attribute
    #define O varying
#endif
uniform vec2 u_screen_size;
I vec2 a_pos;
I vec4 a_srgba; // 0-255 sRGB
O vec4 v_rgba_in_gamma;
void main() {
    gl_Position = vec4(
        2.0 * a_pos.x / u_screen_size.x - 1.0,
        1.0 - 2.0 * a_pos.y / u_screen_size.y,
        0.0,
        1.0);
    v_rgba_in_gamma = a_srgba / 255.0;
}
";

/// egui_glow's fragment shader, less the texture, with the same dithering.
const FRAGMENT_SHADER: &str = r"
#if NEW_SHADER_INTERFACE
    in vec4 v_rgba_in_gamma;
    out vec4 f_color;
    #define gl_FragColor f_color
#else
    varying vec4 v_rgba_in_gamma;
#endif
float interleaved_gradient_noise(vec2 n) {
    float f = 0.06711056 * n.x + 0.00583715 * n.y;
    return fract(52.9829189 * fract(f));
}
vec3 dither_interleaved(vec3 rgb, float levels) {
    float noise = interleaved_gradient_noise(gl_FragCoord.xy);
    noise = (noise - 0.5) * 0.95;
    return rgb + noise / (levels - 1.0);
}
void main() {
    vec4 frag_color_gamma = v_rgba_in_gamma;
#if DITHERING
    frag_color_gamma.rgb = dither_interleaved(frag_color_gamma.rgb, 256.);
#endif
    gl_FragColor = frag_color_gamma;
}
";

/// The kept meshes' shader program, its attributes at [`POSITION`] and [`COLOUR`].
///
/// # Safety
/// `gl` must be current on this thread.
unsafe fn program(gl: &glow::Context, header: &str) -> Result<glow::Program, String> {
    // SAFETY: the caller's context; shaders are deleted once linked into the program.
    unsafe {
        let program = gl.create_program()?;
        let mut shaders = Vec::new();
        for (kind, source) in [
            (glow::VERTEX_SHADER, VERTEX_SHADER),
            (glow::FRAGMENT_SHADER, FRAGMENT_SHADER),
        ] {
            let shader = gl.create_shader(kind)?;
            gl.shader_source(shader, &format!("{header}{source}"));
            gl.compile_shader(shader);
            if !gl.get_shader_compile_status(shader) {
                let log = gl.get_shader_info_log(shader);
                gl.delete_shader(shader);
                gl.delete_program(program);
                return Err(log);
            }
            gl.attach_shader(program, shader);
            shaders.push(shader);
        }
        gl.bind_attrib_location(program, POSITION, "a_pos");
        gl.bind_attrib_location(program, COLOUR, "a_srgba");
        gl.link_program(program);
        for shader in shaders {
            gl.detach_shader(program, shader);
            gl.delete_shader(shader);
        }
        if gl.get_program_link_status(program) {
            Ok(program)
        } else {
            let log = gl.get_program_info_log(program);
            gl.delete_program(program);
            Err(log)
        }
    }
}

#[cfg(test)]
mod tests {
    use egui::{Color32, pos2, vec2};

    use super::*;

    fn kept(triangles: bool) -> PartsMesh {
        PartsMesh::update(None, &[true], 1, |_, mesh| {
            if triangles {
                mesh.add_colored_rect(
                    Rect::from_min_size(pos2(1.0, 2.0), vec2(3.0, 4.0)),
                    Color32::RED,
                );
            }
        })
    }

    #[test]
    fn without_glow_the_kept_mesh_itself_is_painted() {
        let kept = kept(true);
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(10.0, 10.0));
        let Shape::Mesh(mesh) = ResidentMesh::default().shape(&kept, rect) else {
            panic!("a mesh");
        };
        assert!(Arc::ptr_eq(&mesh, kept.mesh()));
    }

    #[test]
    fn on_the_gpu_a_callback_paints_the_mesh_and_nothing_paints_an_empty_one() {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(10.0, 10.0));
        let mut resident = ResidentMesh::on_gpu();
        let Shape::Callback(callback) = resident.shape(&kept(true), rect) else {
            panic!("a paint callback");
        };
        assert_eq!(callback.rect, rect);
        assert!(
            callback
                .callback
                .downcast_ref::<egui_glow::CallbackFn>()
                .is_some()
        );
        assert!(matches!(resident.shape(&kept(false), rect), Shape::Noop));
    }
}
