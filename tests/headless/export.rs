//! `export` (SVG, PNG, HTML, Markdown, DOT, MEF) and `check --format html`: the diagram
//! parses and renders, the PNG has the asked size and looks like the committed reference,
//! the HTML is self-contained and well-formed and its tables hold `check --format json`'s
//! numbers, the DOT is exact, and bad input exits 2 and writes nothing.
//!
//! Regenerate the reference image after an intended change to the drawing with
//! `UPDATE_REFERENCE=1 cargo test --test headless export::png_matches_the_reference`,
//! and look at it.

use std::path::Path;

use predicates::prelude::*;
use resvg::tiny_skia::Pixmap;
use resvg::usvg;
use serde_json::Value;
use spofscope::format::{duration, percent};
use spofscope::io::export::{self, ExportFormat, ExportOptions};
use spofscope::model::{self, Model};

use crate::support::{SAMPLES, in_crate, sample, sample_path, spofscope, temp_dir};

fn exported(model: &Model, format: ExportFormat, options: &ExportOptions) -> Vec<u8> {
    export::export(model, format, options)
        .unwrap_or_else(|e| panic!("{format:?}: {e}"))
        .bytes
}

fn scenario(name: &str) -> ExportOptions {
    ExportOptions {
        scenario: Some(name.to_owned()),
        ..ExportOptions::default()
    }
}

fn scaled(scale: f32) -> ExportOptions {
    ExportOptions {
        scale: Some(scale),
        ..ExportOptions::default()
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// The `width` and `height` attributes of the root `<svg>`.
fn svg_size(svg: &str) -> (u32, u32) {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(svg, options).unwrap_or_else(|e| panic!("{e}"));
    let root = doc.root_element();
    let attr = |name| {
        root.attribute(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no integer {name}"))
    };
    (attr("width"), attr("height"))
}

#[test]
fn svg_parses_and_renders_for_every_sample_and_scenario() {
    for name in SAMPLES {
        let m = sample(name);
        let mut options = vec![ExportOptions::default()];
        options.extend(m.scenarios.iter().map(|s| scenario(&s.name)));
        for o in options {
            let svg = text(exported(&m, ExportFormat::Svg, &o));
            let tree = usvg::Tree::from_str(&svg, &usvg::Options::default())
                .unwrap_or_else(|e| panic!("{name} {o:?}: {e}"));
            let (w, h) = svg_size(&svg);
            assert_eq!(
                (tree.size().width(), tree.size().height()),
                (w as f32, h as f32)
            );
            assert!(svg.contains(&format!("<title>{}</title>", m.name)));
            for c in &m.components {
                assert!(svg.contains(&format!("data-id=\"{}\"", c.id)), "{}", c.id);
            }
            if let Some(s) = &o.scenario {
                assert!(
                    svg.contains(&format!("Scenario \u{201c}{s}\u{201d}")),
                    "{s}"
                );
            }
        }
    }
}

#[test]
fn svg_marks_spofs_the_knockout_and_the_headline_numbers() {
    let m = sample("webshop");
    let svg = text(exported(&m, ExportFormat::Svg, &ExportOptions::default()));
    // DESIGN §2b: the unmonitored Orders DB (A' = 1 / (1/A + Δ/M)) and the bad deploys
    // of the web app (β = 0.2) cost users 2.4 days a year; the unmonitored session cache,
    // a soft dependency, leaves them without full service 2.3 days more (the hand
    // computation is cli::webshop_users_by_hand).
    assert!(svg.contains(
        "6 SPOFs · Web users 99.34 % (2.4 days down per year), full service 98.70 % (2.3 days degraded)"
    ));
    for id in ["dns", "lb", "db", "files"] {
        let class = if id == "db" {
            "database"
        } else if id == "files" {
            "storage"
        } else if id == "dns" {
            "dns"
        } else {
            "load-balancer"
        };
        assert!(
            svg.contains(&format!(
                "<g class=\"component {class} spof\" data-id=\"{id}\">"
            )),
            "{id}"
        );
    }
    assert!(svg.contains("<g class=\"component service\" data-id=\"web\">"));
    assert!(svg.contains("<g class=\"dependency soft\">"));
    assert!(svg.contains("stroke-dasharray=\"7 5\""));

    let svg = text(exported(&m, ExportFormat::Svg, &scenario("Database crash")));
    assert!(svg.contains(
        "Scenario \u{201c}Database crash\u{201d}: db#0 failed · entries down: users · 4 down, 0 degraded"
    ));
    assert!(svg.contains("<g class=\"component database spof down\" data-id=\"db\">"));
    assert!(svg.contains("<g class=\"component cache up\" data-id=\"cache\">"));
}

#[test]
fn png_has_the_svg_size_times_the_scale() {
    let m = sample("microservices");
    let svg = text(exported(&m, ExportFormat::Svg, &ExportOptions::default()));
    let (w, h) = svg_size(&svg);
    for scale in [1.0, 2.0] {
        let png = exported(&m, ExportFormat::Png, &scaled(scale));
        let pixmap = Pixmap::decode_png(&png).unwrap_or_else(|e| panic!("{e}"));
        let k = scale as u32;
        assert_eq!((pixmap.width(), pixmap.height()), (w * k, h * k));
    }
    let default = exported(&m, ExportFormat::Png, &ExportOptions::default());
    assert_eq!(default, exported(&m, ExportFormat::Png, &scaled(1.0)));
}

/// Pixels whose colour differs by more than this in any channel count as different.
const CHANNEL_TOLERANCE: u8 = 24;
/// At most this fraction of the pixels may differ (anti-aliasing across resvg releases).
const PIXEL_BUDGET: f64 = 0.002;

#[test]
fn png_matches_the_reference() {
    let reference = in_crate("tests/reference/microservices-zone-outage.png");
    let png = exported(
        &sample("microservices"),
        ExportFormat::Png,
        &scenario("Zone us-a outage"),
    );
    if std::env::var_os("UPDATE_REFERENCE").is_some() {
        std::fs::write(&reference, &png).unwrap_or_else(|e| panic!("{e}"));
    }
    let expected = std::fs::read(&reference).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_REFERENCE=1 to create it",
            reference.display()
        )
    });
    let (a, b) = (
        Pixmap::decode_png(&png).unwrap_or_else(|e| panic!("{e}")),
        Pixmap::decode_png(&expected).unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let differing = a
        .data()
        .chunks_exact(4)
        .zip(b.data().chunks_exact(4))
        .filter(|(p, q)| {
            p.iter()
                .zip(*q)
                .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
        })
        .count();
    let total = (a.width() * a.height()) as usize;
    assert!(
        differing as f64 <= PIXEL_BUDGET * total as f64,
        "{differing} of {total} pixels differ from {}; if the change is intended, run with UPDATE_REFERENCE=1 and look at the new image",
        reference.display()
    );
}

#[test]
fn exports_are_deterministic() {
    let m = sample("two-region");
    for format in ExportFormat::ALL {
        let o = ExportOptions::default();
        assert_eq!(
            exported(&m, format, &o),
            exported(&m, format, &o),
            "{format:?}"
        );
    }
}

fn check(path: &Path, format: &str) -> Vec<u8> {
    spofscope()
        .arg("check")
        .arg(path)
        .args(["--format", format])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// The text of every cell, row by row, of the table with this id.
fn table(doc: &roxmltree::Document, id: &str) -> Vec<Vec<(String, Option<String>)>> {
    let Some(table) = doc
        .descendants()
        .find(|n| n.has_tag_name("table") && n.attribute("id") == Some(id))
    else {
        return Vec::new();
    };
    table
        .descendants()
        .filter(|n| n.has_tag_name("tbody"))
        .flat_map(|b| b.children().filter(|n| n.has_tag_name("tr")))
        .map(|row| {
            row.children()
                .filter(|n| n.has_tag_name("td"))
                .map(|td| {
                    let text: String = td
                        .descendants()
                        .filter(|n| n.is_text())
                        .filter_map(|n| n.text())
                        .collect();
                    (text, td.attribute("data-value").map(str::to_owned))
                })
                .collect()
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("{v} is not a list"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("{s}")).to_owned())
        .collect()
}

/// A cell's `data-value`, read by the same parser as the JSON it is compared with
/// (serde_json's fast float parsing can be one unit in the last place off `str::parse`).
fn number(cell: &(String, Option<String>)) -> f64 {
    cell.1
        .as_deref()
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or_else(|| panic!("no data-value in {cell:?}"))
}

#[test]
fn html_is_self_contained_well_formed_and_its_tables_equal_check_json() {
    for name in SAMPLES {
        let path = sample_path(name);
        let html = String::from_utf8(check(&path, "html")).unwrap_or_else(|e| panic!("{e}"));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(!html.to_ascii_lowercase().contains("http"), "{name}");
        assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(&html, options)
            .unwrap_or_else(|e| panic!("{name}: not well-formed: {e}"));
        let json: Value =
            serde_json::from_slice(&check(&path, "json")).unwrap_or_else(|e| panic!("{e}"));

        let entries = table(&doc, "entries");
        let expected = json["entries"].as_array().unwrap_or_else(|| panic!());
        assert_eq!(entries.len(), expected.len(), "{name}");
        for (row, e) in entries.iter().zip(expected) {
            let availability = e["availability"].as_f64().unwrap_or_else(|| panic!());
            let downtime = e["downtime_minutes_per_year"]
                .as_f64()
                .unwrap_or_else(|| panic!());
            assert_eq!(row[0].0, e["id"].as_str().unwrap_or_default());
            assert_eq!(row[1].0, e["name"].as_str().unwrap_or_default());
            assert_eq!(number(&row[2]), availability);
            assert_eq!(row[2].0, percent(availability));
            assert_eq!(number(&row[4]), downtime);
            assert_eq!(row[4].0, duration(downtime));
            let full = e["full_service_availability"]
                .as_f64()
                .unwrap_or_else(|| panic!());
            let degraded = e["degraded_minutes_per_year"]
                .as_f64()
                .unwrap_or_else(|| panic!());
            assert_eq!(number(&row[5]), full);
            assert_eq!(row[5].0, percent(full));
            assert_eq!(number(&row[6]), degraded);
            assert_eq!(
                row[6].0,
                if degraded > 0.0 {
                    duration(degraded)
                } else {
                    "none".to_owned()
                }
            );
        }

        let spofs = table(&doc, "spofs");
        let expected = json["spofs"].as_array().unwrap_or_else(|| panic!());
        assert_eq!(spofs.len(), expected.len(), "{name}");
        for (row, p) in spofs.iter().zip(expected) {
            let cells: Vec<&str> = row.iter().map(|c| c.0.as_str()).collect();
            let blast = strings(&p["blast_radius"]);
            // An accepted SPOF's id carries its mark (the reason is its tooltip).
            let id = match p["accepted"]["expired"].as_bool() {
                Some(false) => format!("{} (accepted)", p["id"].as_str().unwrap_or_default()),
                Some(true) => format!(
                    "{} (acceptance expired)",
                    p["id"].as_str().unwrap_or_default()
                ),
                None => p["id"].as_str().unwrap_or_default().to_owned(),
            };
            assert_eq!(
                cells,
                [
                    p["kind"].as_str().unwrap_or_default(),
                    id.as_str(),
                    &strings(&p["takes_down"]).join(", "),
                    &blast.len().to_string(),
                    &blast.join(", "),
                ]
            );
        }

        let order2 = table(&doc, "order2");
        let expected = json["order2"].as_array().unwrap_or_else(|| panic!());
        assert_eq!(order2.len(), expected.len(), "{name}");
        assert!(html.contains(&format!(
            "<h2>Order-2 risks ({})</h2>",
            json["order2_total"]
        )));
        for (row, c) in order2.iter().zip(expected) {
            assert_eq!(row[0].0, strings(&c["events"]).join(" + "));
            assert_eq!(row[1].0, strings(&c["takes_down"]).join(", "));
        }

        let findings = table(&doc, "findings");
        let expected = json["findings"].as_array().unwrap_or_else(|| panic!());
        assert_eq!(findings.len(), expected.len(), "{name}");
        for (row, f) in findings.iter().zip(expected) {
            assert_eq!(row[1].0, f["rule"].as_str().unwrap_or_default());
            assert_eq!(row[2].0, f["target"].as_str().unwrap_or_default());
        }

        let recommendations = table(&doc, "recommendations");
        let expected = json["recommendations"]
            .as_array()
            .unwrap_or_else(|| panic!());
        assert_eq!(recommendations.len(), expected.len(), "{name}");
        for (row, r) in recommendations.iter().zip(expected) {
            let id = r["id"].as_str().unwrap_or_default();
            assert!(row[1].0.starts_with(id), "{} {id}", row[1].0);
        }

        let m = sample(name);
        let scenario_tables = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("scenario"))
            .count();
        assert_eq!(scenario_tables, m.scenarios.len(), "{name}");
    }
}

#[test]
fn export_html_equals_check_html_and_draws_the_scenario() {
    let dir = temp_dir();
    let path = sample_path("webshop");
    let out = dir.path().join("review.html");
    spofscope()
        .arg("export")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let written = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written, check(&path, "html"));

    let html = text(exported(
        &sample("webshop"),
        ExportFormat::Html,
        &scenario("Database crash"),
    ));
    assert!(html.contains("Drawn with the scenario \u{201c}Database crash\u{201d} applied"));
    assert!(html.contains("<g class=\"component database spof down\" data-id=\"db\">"));
    assert!(html.contains("<h3>Database crash</h3>\n<p>Fails <code>db#0</code>.</p>"));
    assert!(html.contains(
        "<li>Entries down: users</li>\n<li>Components down (4): db, web, lb, users</li>\n<li>Components degraded (0): none</li>"
    ));
}

#[test]
fn html_shows_full_service_beside_availability_and_stacks_degraded_time_on_downtime() {
    let html = text(exported(
        &sample("webshop"),
        ExportFormat::Html,
        &ExportOptions {
            chaos_trials: Some(0),
            ..ExportOptions::default()
        },
    ));
    // The numbers of cli::webshop_users_by_hand.
    assert!(html.contains(
        "<li class=\"bad\"><b>99.34 %</b><span>Web users · 2.2 nines · 2.4 days down per year, full service 98.70 % (2.3 days degraded)</span></li>"
    ));
    assert!(html.contains("<title>Downtime and degraded time per year by entry</title>"));
    let row = html
        .lines()
        .find(|l| l.contains("text-anchor=\"end\">Web users</text>"))
        .unwrap_or_else(|| panic!("no chart row for Web users"));
    let red = row.find(&format!("fill=\"{}\"", spofscope::style::RED));
    let amber = row.find(&format!("fill=\"{}\"", spofscope::style::AMBER));
    assert!(red.is_some() && red < amber, "{row}");
    assert!(
        row.ends_with(">2.4 days down, 2.3 days degraded</text>"),
        "{row}"
    );
}

#[test]
fn the_importance_table_says_how_much_of_a_components_downtime_bad_deploys_cause() {
    let html = text(exported(
        &sample("webshop"),
        ExportFormat::Html,
        &ExportOptions {
            chaos_trials: Some(0),
            ..ExportOptions::default()
        },
    ));
    assert!(html.contains("<th>Of it, bad deploys and failover</th>"));
    // web: both replicas down together (0.0008²) is rare beside a bad deploy (0.0002).
    assert!(html.contains("<td><code>web</code> Web app</td>"));
    assert!(html.contains("<td>bad deploys 1 h 44 min (&gt; 99 %)</td>"));
}

#[test]
fn markdown_holds_the_check_tables_and_links_the_diagram_written_beside_it() {
    let dir = temp_dir();
    for name in SAMPLES {
        let path = sample_path(name);
        let out = dir.path().join(format!("{name}.md"));
        spofscope()
            .arg("export")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let md = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}"));
        let svg = std::fs::read_to_string(dir.path().join(format!("{name}.svg")))
            .unwrap_or_else(|e| panic!("{e}"));
        let m = sample(name);
        assert_eq!(
            svg.as_bytes(),
            exported(&m, ExportFormat::Svg, &ExportOptions::default())
        );
        assert!(md.contains(&format!("\n![Diagram of {}]({name}.svg)\n", m.name)));
        let tables = String::from_utf8(check(&path, "markdown")).unwrap_or_else(|e| panic!("{e}"));
        let (_, body) = tables.split_once("\n\n").unwrap_or_else(|| panic!());
        assert!(
            md.contains(body),
            "{name}: the check tables are not in the export"
        );
        assert!(md.contains("\n## Importance\n"));
        // The largest downtime gets the full-width text bar.
        let report = spofscope::analysis::analyze(&m, &Default::default());
        let worst = report
            .entries
            .iter()
            .max_by(|a, b| {
                a.downtime_minutes_per_year
                    .total_cmp(&b.downtime_minutes_per_year)
            })
            .unwrap_or_else(|| panic!("{name} has no entry"));
        assert!(md.contains(
            "\n## Downtime per year by entry\n\n| Entry | Downtime per year | | Degraded per year | |\n|---|---:|---|---:|---|\n"
        ));
        assert!(md.contains(&format!(
            "| {} | {} | `{}` |",
            worst.name,
            spofscope::format::duration(worst.downtime_minutes_per_year),
            "█".repeat(24)
        )));
        assert!(md.contains(&format!("\n## Scenarios ({})\n", m.scenarios.len())));
        for s in &m.scenarios {
            assert!(md.contains(&format!("\n### {}\n", s.name)), "{}", s.name);
        }
    }
}

const SMALL: &str = r#"Model(
    format: 1,
    name: "Small \"shop\"",
    components: [
        (id: "users", name: "Users", kind: Client, entry: true),
        (id: "api", name: "API", kind: Service, replicas: 3, min_healthy: 2),
        (id: "db", kind: Database),
        (id: "cache", name: "Cache", kind: Cache),
        (id: "pay", name: "Payments", kind: External),
    ],
    dependencies: [
        (from: "users", to: "api"),
        (from: "api", to: "db"),
        (from: "api", to: "cache", kind: Soft),
        (from: "api", to: "pay"),
    ],
)
"#;

#[test]
fn dot_is_exact_for_a_small_model() {
    let m = model::from_str(SMALL, "small.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    let dot = text(exported(&m, ExportFormat::Dot, &ExportOptions::default()));
    assert_eq!(
        dot,
        r##"digraph "Small \"shop\"" {
  node [fontname="DejaVu Sans", fontsize=11];
  "users" [label="Users", shape=egg];
  "api" [label="API\n2/3", shape=box, style=rounded];
  "db" [label="db", shape=cylinder, color="#d63031", fontcolor="#d63031", penwidth=2.5, xlabel="SPOF"];
  "cache" [label="Cache", shape=parallelogram];
  "pay" [label="Payments", shape=box, style=dashed, color="#d63031", fontcolor="#d63031", penwidth=2.5, xlabel="SPOF"];
  "users" -> "api";
  "api" -> "db" [penwidth=2];
  "api" -> "cache" [style=dashed];
  "api" -> "pay" [penwidth=2];
}
"##
    );
    let back =
        spofscope::io::import::dot::import(&dot, "small.dot").unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = back
        .model
        .components
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, ["users", "api", "db", "cache", "pay"]);
    let kinds: Vec<_> = m.dependencies.iter().map(|d| d.kind).collect();
    let back_kinds: Vec<_> = back.model.dependencies.iter().map(|d| d.kind).collect();
    assert_eq!(back_kinds, kinds);
}

#[test]
fn graphviz_accepts_every_sample_when_installed() {
    let installed = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipped: graphviz `dot` is not installed");
        return;
    }
    for name in SAMPLES {
        let dot = exported(&sample(name), ExportFormat::Dot, &ExportOptions::default());
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        std::io::Write::write_all(&mut child.stdin.take().unwrap_or_else(|| panic!()), &dot)
            .unwrap_or_else(|e| panic!("{e}"));
        let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.status.success() && out.stdout.starts_with(b"<?xml"),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn cli_writes_every_extension() {
    let dir = temp_dir();
    let path = sample_path("webshop");
    let m = sample("webshop");
    for format in ExportFormat::ALL {
        let out = dir.path().join(format!("webshop.{}", format.extension()));
        spofscope()
            .arg("export")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .assert()
            .success()
            .stdout("")
            .stderr("");
        let written = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
        let options = ExportOptions {
            diagram_file: (format == ExportFormat::Markdown).then(|| "webshop.svg".to_owned()),
            ..ExportOptions::default()
        };
        assert_eq!(written, exported(&m, format, &options), "{format:?}");
    }
    let out = dir.path().join("big.png");
    spofscope()
        .arg("export")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--scale", "2", "--scenario", "Zone eu-a outage"])
        .assert()
        .success();
    let png = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    let pixmap = Pixmap::decode_png(&png).unwrap_or_else(|e| panic!("{e}"));
    let svg = text(exported(
        &m,
        ExportFormat::Svg,
        &scenario("Zone eu-a outage"),
    ));
    let (w, h) = svg_size(&svg);
    assert_eq!((pixmap.width(), pixmap.height()), (2 * w, 2 * h));
}

/// Runs `export` with `args`, expects exit 2 with `message` on standard error, and
/// that nothing was written into the directory.
fn refused(out_name: &str, args: &[&str], message: &str) {
    let dir = temp_dir();
    let out = dir.path().join(out_name);
    spofscope()
        .arg("export")
        .arg(sample_path("webshop"))
        .arg("--out")
        .arg(&out)
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(message));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    assert!(left.is_empty(), "{out_name} {args:?} wrote {left:?}");
}

#[test]
fn cli_refuses_bad_options_with_exit_2_and_writes_nothing() {
    refused(
        "x.svg",
        &["--scenario", "Meteor"],
        "webshop.spof.ron: unknown scenario \"Meteor\"; expected one of \"Zone eu-a outage\", \"Database crash\"",
    );
    refused(
        "x.md",
        &["--scenario", "Meteor"],
        "unknown scenario \"Meteor\"",
    );
    refused(
        "x.svg",
        &["--scale", "2"],
        "error: --scale applies to .png only, not to .svg",
    );
    refused(
        "x.html",
        &["--scale", "1"],
        "error: --scale applies to .png only, not to .html",
    );
    refused(
        "x.dot",
        &["--scenario", "Database crash"],
        "error: --scenario applies to .svg, .png, .html and .md, not to .dot",
    );
    refused(
        "x.png",
        &["--scale", "0"],
        "error: --scale is 0; expected 0.1..=8",
    );
    refused(
        "x.png",
        &["--scale", "9"],
        "error: --scale is 9; expected 0.1..=8",
    );
    refused(
        "x.txt",
        &[],
        "x.txt: cannot tell the format from the extension; expected .svg, .png, .html, .md, .dot or .xml",
    );
}

#[test]
fn write_file_puts_the_markdown_diagram_beside_the_report_under_its_name() {
    let dir = temp_dir();
    let out = dir.path().join("design review.MD");
    let m = sample("webshop");
    let written =
        export::write_file(&m, &out, &scenario("Database crash")).unwrap_or_else(|e| panic!("{e}"));
    let beside = dir.path().join("design review.svg");
    assert_eq!(written, [beside.clone(), out.clone()]);
    let md = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(md.contains("\n![Diagram of Web shop (single zone)](<design review.svg>)\n"));
    let svg = std::fs::read(&beside).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        svg,
        exported(&m, ExportFormat::Svg, &scenario("Database crash"))
    );
}
