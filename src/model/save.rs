//! Writing `.spof.ron` files: one canonical text per model (fixed field order, defaults
//! left out, one line per item so git diffs stay small), written atomically.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use super::{
    Accepted, Component, Defaults, DependencyKind, Failover, Model, Needs, Region, Replication,
    Scenario, Workload,
};

#[derive(Debug, thiserror::Error)]
#[error("cannot save {file}: {source}")]
pub struct SaveError {
    pub file: String,
    #[source]
    pub source: std::io::Error,
}

/// Write `model` to `path` atomically: a temporary file in the same directory, flushed
/// to disk, then renamed over the target. On error the old file is left untouched.
pub fn save(model: &Model, path: &Path) -> Result<(), SaveError> {
    let text = to_string(model);
    write_atomically(path, text.as_bytes())
}

/// Replace `path` with `bytes` so that readers see either the old or the new file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let fail = |source| SaveError {
        file: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".spofscope-").suffix(".tmp");
    // A new file gets the permissions any program's new file gets (0666 less the umask),
    // not a temporary file's private 0600; a replaced file keeps its own.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    if let Some(old) = std::fs::metadata(path).ok().filter(|m| m.is_file()) {
        tmp.as_file()
            .set_permissions(old.permissions())
            .map_err(fail)?;
    }
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Persist the rename itself; not every platform can sync a directory.
        let _ = d.sync_all();
    }
    Ok(())
}

/// The canonical text of a model.
pub fn to_string(model: &Model) -> String {
    let mut out = String::new();
    out.push_str("Model(\n");
    let _ = writeln!(out, "    format: {},", model.format);
    let _ = writeln!(out, "    name: {},", quote(&model.name));
    if !model.description.is_empty() {
        let _ = writeln!(out, "    description: {},", quote(&model.description));
    }
    let _ = writeln!(out, "    defaults: {},", defaults(&model.defaults));
    list(&mut out, "regions", &model.regions, region);
    list(&mut out, "components", &model.components, component);
    list(&mut out, "dependencies", &model.dependencies, |d| {
        let mut s = format!("(from: {}, to: {}", quote(&d.from), quote(&d.to));
        if d.kind == DependencyKind::Soft {
            s.push_str(", kind: Soft");
        }
        s.push(')');
        s
    });
    list(&mut out, "scenarios", &model.scenarios, scenario);
    if !model.accepted.is_empty() {
        list(&mut out, "accepted", &model.accepted, accepted);
    }
    out.push_str(")\n");
    out
}

fn list<T>(out: &mut String, name: &str, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        let _ = writeln!(out, "    {name}: [],");
        return;
    }
    let _ = writeln!(out, "    {name}: [");
    for item in items {
        let _ = writeln!(out, "        {},", line(item));
    }
    out.push_str("    ],\n");
}

/// The three availabilities always; the time defaults of DESIGN §2b only where they
/// differ from the built-in ones, so files that never set them stay as they were.
fn defaults(d: &Defaults) -> String {
    let builtin = Defaults::default();
    let mut s = format!(
        "(replica_availability: {}, zone_availability: {}, region_availability: {}",
        float(d.replica_availability),
        float(d.zone_availability),
        float(d.region_availability)
    );
    if d.mtbf_hours != builtin.mtbf_hours {
        let _ = write!(s, ", mtbf_hours: {}", float(d.mtbf_hours));
    }
    if d.detect_minutes != builtin.detect_minutes {
        let _ = write!(
            s,
            ", detect_minutes: (monitored: {}, unmonitored: {})",
            float(d.detect_minutes.monitored),
            float(d.detect_minutes.unmonitored)
        );
    }
    if d.failover_minutes != builtin.failover_minutes {
        let _ = write!(
            s,
            ", failover_minutes: (automatic: {}, manual: {})",
            float(d.failover_minutes.automatic),
            float(d.failover_minutes.manual)
        );
    }
    if d.common_cause != builtin.common_cause {
        let _ = write!(s, ", common_cause: {}", float(d.common_cause));
    }
    s.push(')');
    s
}

fn region(r: &Region) -> String {
    let mut s = format!("(id: {}", quote(&r.id));
    if !r.name.is_empty() {
        let _ = write!(s, ", name: {}", quote(&r.name));
    }
    let zones: Vec<String> = r
        .zones
        .iter()
        .map(|z| {
            let mut zs = format!("(id: {}", quote(&z.id));
            if !z.name.is_empty() {
                let _ = write!(zs, ", name: {}", quote(&z.name));
            }
            if let Some(a) = z.availability {
                let _ = write!(zs, ", availability: Some({})", float(a));
            }
            zs.push(')');
            zs
        })
        .collect();
    let _ = write!(s, ", zones: [{}])", zones.join(", "));
    s
}

fn component(c: &Component) -> String {
    let mut s = format!(
        "(id: {}, name: {}, kind: {}",
        quote(&c.id),
        quote(&c.name),
        c.kind.as_str()
    );
    if c.entry {
        s.push_str(", entry: true");
    }
    if c.replicas != 1 {
        let _ = write!(s, ", replicas: {}", c.replicas);
    }
    if c.min_healthy != 1 {
        let _ = write!(s, ", min_healthy: {}", c.min_healthy);
    }
    if !c.zones.is_empty() {
        let zones: Vec<String> = c.zones.iter().map(|z| quote(z)).collect();
        let _ = write!(s, ", zones: [{}]", zones.join(", "));
    }
    if let Needs::AtLeast(k) = c.needs {
        let _ = write!(s, ", needs: AtLeast({k})");
    }
    match c.replication {
        Replication::None => {}
        Replication::Sync => s.push_str(", replication: Sync"),
        Replication::Async => s.push_str(", replication: Async"),
    }
    if let Some(a) = c.availability {
        let _ = write!(s, ", availability: Some({})", float(a));
    }
    if !c.monitored {
        s.push_str(", monitored: false");
    }
    if c.failover == Failover::Manual {
        s.push_str(", failover: Manual");
    }
    if let Some(m) = c.mtbf_hours {
        let _ = write!(s, ", mtbf_hours: Some({})", float(m));
    }
    if let Some(b) = c.common_cause {
        let _ = write!(s, ", common_cause: Some({})", float(b));
    }
    let _ = write!(s, ", pos: ({}, {})", float32(c.pos.0), float32(c.pos.1));
    if !c.notes.is_empty() {
        let _ = write!(s, ", notes: {}", quote(&c.notes));
    }
    if let Some(w) = &c.workload {
        let _ = write!(s, ", workload: Some({})", workload(w));
    }
    s.push(')');
    s
}

/// Kind and name always, the rest where given.
fn workload(w: &Workload) -> String {
    let mut s = String::from("(");
    if !w.namespace.is_empty() {
        let _ = write!(s, "namespace: {}, ", quote(&w.namespace));
    }
    let _ = write!(s, "kind: {}, name: {}", quote(&w.kind), quote(&w.name));
    if !w.labels.is_empty() {
        let labels: Vec<String> = w
            .labels
            .iter()
            .map(|(k, v)| format!("{}: {}", quote(k), quote(v)))
            .collect();
        let _ = write!(s, ", labels: {{{}}}", labels.join(", "));
    }
    if let Some(url) = &w.url {
        let _ = write!(s, ", url: Some({})", quote(url));
    }
    s.push(')');
    s
}

fn scenario(sc: &Scenario) -> String {
    let fail: Vec<String> = sc.fail.iter().map(|e| quote(&e.to_string())).collect();
    format!("(name: {}, fail: [{}])", quote(&sc.name), fail.join(", "))
}

fn accepted(a: &Accepted) -> String {
    let until = a.until.map_or_else(
        || "None".to_owned(),
        |d| format!("Some({})", quote(&d.to_string())),
    );
    format!(
        "(risk: {}, reason: {}, until: {until})",
        quote(&a.risk.to_string()),
        quote(&a.reason)
    )
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Shortest text that reads back as the same `f64`.
fn float(v: f64) -> String {
    if v.is_finite() {
        format!("{v:?}")
    } else {
        "0.0".to_owned()
    }
}

fn float32(v: f32) -> String {
    if v.is_finite() {
        format!("{v:?}")
    } else {
        "0.0".to_owned()
    }
}
