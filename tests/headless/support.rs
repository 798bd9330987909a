//! What the headless tests share: the samples, the fixtures, temp dirs and the binary.

use std::path::{Path, PathBuf};

use spofscope::model::{self, Event, Model, Region, Zone};

/// The bundled samples, by name without `.spof.ron`.
pub const SAMPLES: [&str; 4] = ["webshop", "webshop-hardened", "microservices", "two-region"];

/// `path` under the crate's root, whatever directory the test runs in.
pub fn in_crate(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The file of the sample `name` (without `.spof.ron`).
/// The what-if event written `text` (`db#0`, `zone:eu-a`).
pub fn event(text: &str) -> Event {
    Event::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

pub fn sample_path(name: &str) -> PathBuf {
    in_crate("samples").join(format!("{name}.spof.ron"))
}

/// The sample `name` (without `.spof.ron`), loaded.
pub fn sample(name: &str) -> Model {
    model::load(&sample_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A file under `tests/fixtures`, e.g. `fixture_path("mef/abc.xml")`.
pub fn fixture_path(path: &str) -> PathBuf {
    in_crate("tests/fixtures").join(path)
}

/// The region `id` with the zones `zones`, names empty and availabilities the defaults.
pub fn region(id: &str, zones: &[&str]) -> Region {
    Region {
        id: id.to_owned(),
        name: String::new(),
        zones: zones.iter().map(|z| Zone::new(*z)).collect(),
    }
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"))
}

/// The `spofscope` binary of this build.
pub fn spofscope() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_spofscope"))
}
