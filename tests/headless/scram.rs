//! SCRAM as a second opinion: the published fault trees in `tests/fixtures/mef` and the
//! MEF exports of generated models give the P(top) and the numbers of minimal cut sets of
//! order 1 and 2 that `scram --probability 1 -l 2` reports, wherever it is installed;
//! the published trees' reference values and exactness are checked everywhere.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use spofscope::analysis::{self, Options, Report};
use spofscope::io::import::mef;
use spofscope::model::Model;

use crate::support::{fixture_path, spofscope, temp_dir};

/// One fault tree of a SCRAM report: its top gate, P(top) as printed and its minimal cut
/// sets of order ≤ 2, basic events named by their labels where they have one.
pub struct Tree {
    pub top: String,
    pub probability: f64,
    pub cut_sets: BTreeSet<BTreeSet<String>>,
}

impl Tree {
    fn order(&self, n: usize) -> usize {
        self.cut_sets.iter().filter(|s| s.len() == n).count()
    }
}

/// SCRAM's P(top) and cut sets of order ≤ 2 for every fault tree in a MEF file; `None`
/// when a file cannot be read back.
pub fn scram(xml_path: &Path, report: &Path) -> Option<Vec<Tree>> {
    let status = Command::new("scram")
        .args(["--probability", "1", "-l", "2"])
        .arg(xml_path)
        .arg("-o")
        .arg(report)
        .current_dir(xml_path.parent()?)
        .status()
        .ok()?;
    assert!(status.success(), "scram failed on {}", xml_path.display());
    let model_text = std::fs::read_to_string(xml_path).ok()?;
    let model_doc = roxmltree::Document::parse(&model_text).ok()?;
    let labels: std::collections::HashMap<&str, &str> = model_doc
        .descendants()
        .filter(|n| n.has_tag_name("define-basic-event"))
        .filter_map(|n| {
            let label = n.children().find(|c| c.has_tag_name("label"))?.text()?;
            Some((n.attribute("name")?, label))
        })
        .collect();
    let text = std::fs::read_to_string(report).ok()?;
    let doc = roxmltree::Document::parse(&text).ok()?;
    Some(
        doc.descendants()
            .filter(|n| n.has_tag_name("sum-of-products"))
            .map(|sop| Tree {
                top: sop.attribute("name").unwrap_or_default().to_owned(),
                probability: sop
                    .attribute("probability")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN),
                cut_sets: sop
                    .children()
                    .filter(|n| n.has_tag_name("product"))
                    .map(|prod| {
                        prod.children()
                            .filter_map(|b| b.attribute("name"))
                            .map(|b| labels.get(b).copied().unwrap_or(b).to_owned())
                            .collect()
                    })
                    .collect(),
            })
            .collect(),
    )
}

pub fn scram_installed() -> bool {
    let installed = Command::new("scram").arg("--version").output().is_ok();
    if !installed {
        eprintln!("scram is not installed (apt-get install -y scram): skipping the comparison");
    }
    installed
}

/// `ours` rounds to `printed`, a probability SCRAM printed with six significant digits:
/// they differ by at most half a unit of its sixth digit.
pub fn assert_same_as_printed(ours: f64, printed: f64, what: &str) {
    let half_unit = if printed == 0.0 {
        0.0
    } else {
        0.5 * 10f64.powi(printed.abs().log10().floor() as i32 - 5)
    };
    // The printed value itself is the nearest double to a decimal: allow its last bits.
    let tolerance = half_unit + printed.abs() * 4.0 * f64::EPSILON;
    assert!(
        (ours - printed).abs() <= tolerance,
        "{what}: {ours} is not {printed} to six significant digits"
    );
}

/// P(top) and the numbers of minimal cut sets of order 1 and 2 of each top event of a
/// model read from MEF (`what`), by top gate: from the library.
fn ours(m: &Model, what: &str) -> Vec<(String, f64, usize, usize)> {
    let r = analysis::analyze(m, &Options::default());
    assert_exact(&r, what);
    r.entries
        .iter()
        .map(|e| {
            let order1 = r
                .spofs
                .iter()
                .filter(|s| s.takes_down.contains(&e.id))
                .count();
            let order2 = r
                .order2
                .iter()
                .filter(|c| c.takes_down.contains(&e.id))
                .count();
            (e.id.clone(), 1.0 - e.availability, order1, order2)
        })
        .collect()
}

fn assert_exact(r: &Report, what: &str) {
    for e in &r.entries {
        assert!(e.exact, "{what}: {} is an estimate", e.id);
        assert_eq!(e.error_bound, 0.0, "{what}: {}", e.id);
    }
}

fn import(path: &Path) -> Model {
    let text = std::fs::read_to_string(path).unwrap();
    mef::import(&text, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{e}"))
        .model
}

/// Published Aralia trees (rakhimov/scram `input/Aralia`) in the fixtures, with what
/// SCRAM 0.16.2 prints for them: P(top), cut sets of order 1 and of order 2.
const PUBLISHED: [(&str, f64, usize, usize); 6] = [
    ("baobab1.xml", 0.000_101_708, 0, 1),
    ("baobab2.xml", 0.000_713_018, 0, 6),
    ("chinese.xml", 0.001_170_58, 0, 12),
    ("das9201.xml", 0.013_423_7, 0, 82),
    ("edf9202.xml", 0.781_302, 138, 1812),
    ("isp9605.xml", 0.000_013_717_1, 0, 0),
];

#[test]
fn published_trees_are_exact_with_scrams_values() {
    for (name, p, order1, order2) in PUBLISHED {
        let trees = ours(&import(&fixture_path("mef").join(name)), name);
        let [(top, ours_p, ours_order1, ours_order2)] = trees.as_slice() else {
            panic!("{name}: one top event expected, got {}", trees.len());
        };
        assert_eq!(top, "r1", "{name}");
        assert_same_as_printed(*ours_p, p, name);
        assert_eq!((*ours_order1, *ours_order2), (order1, order2), "{name}");
    }
}

/// Every tree SCRAM reports for the MEF file at `path` against `ours`, matched by top gate.
fn assert_agrees(path: &Path, ours: &[(String, f64, usize, usize)], dir: &Path) {
    let what = path.display().to_string();
    let trees = scram(path, &dir.join("report.xml")).unwrap();
    assert_eq!(trees.len(), ours.len(), "{what}");
    for tree in &trees {
        let (_, p, order1, order2) = ours
            .iter()
            .find(|(top, ..)| *top == tree.top)
            .unwrap_or_else(|| panic!("{what}: no top event {}", tree.top));
        assert_same_as_printed(*p, tree.probability, &format!("{what} {}", tree.top));
        assert_eq!(
            (*order1, *order2),
            (tree.order(1), tree.order(2)),
            "{what} {}: cut sets of order 1 and 2",
            tree.top
        );
    }
}

#[test]
fn every_fixture_tree_matches_scram_when_installed() {
    if !scram_installed() {
        return;
    }
    let dir = temp_dir();
    let mut files: Vec<_> = std::fs::read_dir(fixture_path("mef"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    assert!(files.len() >= PUBLISHED.len(), "{files:?}");
    for path in files {
        let what = path.display().to_string();
        assert_agrees(&path, &ours(&import(&path), &what), dir.path());
    }
}

/// What `check --format json` says of a model file: per entry, P(down) and the numbers
/// of SPOFs and order-2 sets that take it down.
fn checked(path: &Path) -> Vec<(String, f64, usize, usize)> {
    let out = spofscope()
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let takes_down = |list: &str, id: &str| {
        json[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| {
                x["takes_down"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t.as_str() == Some(id))
            })
            .count()
    };
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let id = e["id"].as_str().unwrap().to_owned();
            assert_eq!(e["exact"], serde_json::Value::Bool(true), "{id}");
            let p = 1.0 - e["availability"].as_f64().unwrap();
            let (order1, order2) = (takes_down("spofs", &id), takes_down("order2", &id));
            (id, p, order1, order2)
        })
        .collect()
}

/// `generate`, `export` to MEF, `import --from mef` and `check`, as a user would: the
/// imported trees give SCRAM's numbers on the exported file.
#[test]
fn generated_models_exported_and_imported_match_scram_when_installed() {
    if !scram_installed() {
        return;
    }
    let dir = temp_dir();
    for (n, seed) in [(30, 1), (120, 2), (400, 3)] {
        let model = dir.path().join(format!("g{n}.spof.ron"));
        let xml = dir.path().join(format!("g{n}.xml"));
        let imported = dir.path().join(format!("g{n}-imported.spof.ron"));
        let run = |args: &[&std::ffi::OsStr]| spofscope().args(args).assert().success();
        run(&[
            "generate".as_ref(),
            "--components".as_ref(),
            n.to_string().as_ref(),
            "--seed".as_ref(),
            seed.to_string().as_ref(),
            "--out".as_ref(),
            model.as_os_str(),
        ]);
        run(&[
            "export".as_ref(),
            model.as_os_str(),
            "--out".as_ref(),
            xml.as_os_str(),
        ]);
        run(&[
            "import".as_ref(),
            xml.as_os_str(),
            "--from".as_ref(),
            "mef".as_ref(),
            "--out".as_ref(),
            imported.as_os_str(),
        ]);
        assert_agrees(&xml, &checked(&imported), dir.path());
    }
}
