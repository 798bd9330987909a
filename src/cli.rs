//! The command line (DESIGN §3): a thin layer that loads, calls the core and prints.
//! Exit codes: 0 done, 1 `--fail-on` triggered (for `chaos-result`: a mismatch between
//! the experiment and the model), 2 bad input (nothing written).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::advice;
use crate::analysis::chaos::MAX_TRIALS as MAX_CHAOS_TRIALS;
use crate::analysis::{self, Options, Status};
use crate::io::export::{self, ExportOptions, html};
use crate::io::import::{self, UnknownFormat};
use crate::io::report;
use crate::model::{self, Event};

#[derive(Parser, Debug)]
#[command(
    name = "spofscope",
    version,
    about = "Find single points of failure in software architectures"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Model to open in the GUI (a built-in sample when omitted).
    pub file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse a model: availability, SPOFs, order-2 risks, findings.
    Check {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Exit with code 1 when the model has SPOFs (`spof`) or SPOFs or order-2 risks
        /// (`order2`) that are not accepted (or whose acceptance expired).
        #[arg(long, value_enum, default_value_t = FailOn::None)]
        fail_on: FailOn,
        /// List at most this many order-2 sets (`order2_total` still gives the count).
        #[arg(long)]
        max_order2: Option<usize>,
        /// Judge accepted risks' expiry dates on this day (YYYY-MM-DD) instead of today.
        #[arg(long)]
        today: Option<model::Date>,
        /// Write the report here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Knock out events together and show what goes down and what degrades.
    Whatif {
        file: PathBuf,
        /// Events: `ID#i` (a replica), `ID` (a whole component), `zone:Z`, `region:R`,
        /// `common:ID` (a bad deploy of ID: the same as `ID`), `failover:ID` (ID's failover
        /// window: ID down while a standby takes over).
        #[arg(long, required = true, value_delimiter = ',')]
        fail: Vec<String>,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Compare two versions of a model: SPOFs and order-2 risks added and removed, each
    /// entry's availability before and after, components and dependencies changed.
    Diff {
        /// The old version (`-`: standard input, e.g. `git show main:x.spof.ron |`).
        old: PathBuf,
        /// The new version (`-`: standard input).
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit with code 1 when a SPOF appeared (and is not accepted) or an entry's
        /// availability fell.
        #[arg(long, value_enum, default_value_t = DiffFailOn::None)]
        fail_on: DiffFailOn,
    },
    /// Read another format (docker-compose, Kubernetes manifests, Graphviz DOT, Open-PSA
    /// MEF fault trees, traces, Terraform plan or state JSON, Backstage catalogs) into a model file; prints one note per thing it could not
    /// map and per decision it made.
    Import {
        file: PathBuf,
        /// Input format; guessed from the file name and content when omitted.
        #[arg(long, value_enum)]
        from: Option<ImportFormat>,
        /// Traces to lay over the import (repeatable): Jaeger or Zipkin dependencies JSON, or
        /// OpenTelemetry service-graph metrics in Prometheus text.
        #[arg(long = "with", value_name = "TRACES", num_args = 1..)]
        with: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the model in another format, chosen by the extension of --out: `.svg` or `.png`
    /// (the diagram), `.html` or `.md` (the review report), `.dot` (Graphviz), `.xml`
    /// (Open-PSA MEF fault tree). With --chaos, a scenario as a chaos experiment against the
    /// running system instead: its hypothesis is the model's prediction (the entries that
    /// stay up), its method the scenario's failures, aimed at the components' workloads.
    Export {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Draw this scenario's knockout on the diagram (svg, png, html, md); with --chaos,
        /// the scenario to turn into an experiment (required).
        #[arg(long)]
        scenario: Option<String>,
        /// Write the scenario as a Chaos Toolkit experiment (JSON, chaostoolkit-kubernetes)
        /// or Chaos Mesh manifests (YAML: a PodChaos, or a Workflow for several failures).
        #[arg(long, value_enum)]
        chaos: Option<ChaosArg>,
        /// Pixels per diagram unit (png only; default 1).
        #[arg(long)]
        scale: Option<f32>,
        /// Trials of the report's chaos experiment (html, md; default 100000, 0 leaves it out).
        #[arg(long)]
        chaos_trials: Option<u64>,
    },
    /// Apply recommendations and write the fixed model (`all`: until no SPOF is left).
    Fix {
        file: PathBuf,
        /// `all`, or recommendation ids as `check` lists them, applied in this order.
        #[arg(long, required = true, value_delimiter = ',')]
        apply: Vec<String>,
        /// Where to write the fixed model; the input is overwritten only if named here.
        #[arg(long)]
        out: PathBuf,
    },
    /// Inject random failures by each basic event's probability and compare what was
    /// observed with the exact availability (seeded, reproducible, on all cores).
    Chaos {
        file: PathBuf,
        #[arg(long, default_value_t = analysis::chaos::DEFAULT_TRIALS)]
        trials: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Compare a Chaos Toolkit journal (`chaos run --journal-path`) of an experiment from
    /// `export --chaos chaos-toolkit` with the model's prediction: each entry predicted up
    /// whose probe failed after the method is a mismatch, with the model's assumptions to
    /// review. Exit code 1 when there is a mismatch, 0 when the run agrees with the model
    /// (or says nothing about it), 2 on bad input.
    ChaosResult {
        /// The model the experiment was exported from.
        file: PathBuf,
        /// The journal `chaos run` wrote (JSON).
        journal: PathBuf,
        /// The scenario to compare with; the one the experiment was exported from when
        /// omitted.
        #[arg(long)]
        scenario: Option<String>,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Write a synthetic architecture of exactly N components (for benchmarks and tests).
    Generate {
        #[arg(long)]
        components: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Markdown,
    Html,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Compose,
    K8s,
    Dot,
    Mef,
    Terraform,
    Backstage,
}

impl From<ImportFormat> for import::ImportFormat {
    fn from(format: ImportFormat) -> Self {
        match format {
            ImportFormat::Compose => import::ImportFormat::Compose,
            ImportFormat::K8s => import::ImportFormat::K8s,
            ImportFormat::Dot => import::ImportFormat::Dot,
            ImportFormat::Mef => import::ImportFormat::Mef,
            ImportFormat::Terraform => import::ImportFormat::Terraform,
            ImportFormat::Backstage => import::ImportFormat::Backstage,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChaosArg {
    ChaosToolkit,
    ChaosMesh,
}

impl From<ChaosArg> for export::ChaosFormat {
    fn from(format: ChaosArg) -> Self {
        match format {
            ChaosArg::ChaosToolkit => export::ChaosFormat::ChaosToolkit,
            ChaosArg::ChaosMesh => export::ChaosFormat::ChaosMesh,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFailOn {
    Regression,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Spof,
    Order2,
    None,
}

/// Bad input: the message goes to standard error and the exit code is 2.
struct BadInput(String);

impl<E: std::fmt::Display> From<E> for BadInput {
    fn from(e: E) -> Self {
        BadInput(e.to_string())
    }
}

/// Run a subcommand and turn its outcome into the process exit code.
pub fn run(command: Command) -> ExitCode {
    match execute(command) {
        Ok(code) => code,
        Err(BadInput(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn execute(command: Command) -> Result<ExitCode, BadInput> {
    match command {
        Command::Check {
            file,
            format,
            fail_on,
            max_order2,
            today,
            out,
        } => {
            let source = model::read_text(&file)?;
            let model = model::from_str(&source, &file.display().to_string())?;
            let options = Options {
                max_order2,
                today,
                ..Options::default()
            };
            let (report, baseline) = analysis::analyze_with_baseline(&model, &options);
            let advice = advice::recommend_with_baseline(&model, &report, baseline);
            let text = match format {
                CheckFormat::Text => report::text::check(&report, &advice),
                CheckFormat::Json => report::json::check(&report, &advice),
                CheckFormat::Markdown => report::markdown::check(&report, &advice),
                CheckFormat::Html => {
                    let chaos = export::chaos_report(&model, None);
                    html::render(&model, &report, &advice, None, chaos.as_ref())
                }
                CheckFormat::Sarif => {
                    let uri = file.to_string_lossy().replace('\\', "/");
                    let source = report::sarif::Source {
                        text: &source,
                        uri: &uri,
                    };
                    report::sarif::check(&model, &report, &source)
                }
            };
            emit(&text, out.as_deref())?;
            for a in report.stale_accepted() {
                eprintln!(
                    "note: {}: accepted risk `{}` no longer exists; remove it from `accepted`",
                    file.display(),
                    a.risk
                );
            }
            let failed = match fail_on {
                FailOn::None => false,
                FailOn::Spof => report.unaccepted_spofs() > 0,
                FailOn::Order2 => report.unaccepted_spofs() > 0 || report.unaccepted_order2() > 0,
            };
            if failed {
                for a in report
                    .accepted
                    .iter()
                    .filter(|a| a.status == Status::Expired)
                {
                    eprintln!("note: {}: {}", a.risk, report::acceptance_text(a));
                }
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
        } => diff(&old, &new, format, fail_on),
        Command::Whatif { file, fail, format } => {
            let model = model::load(&file)?;
            let events = fail
                .iter()
                .map(|e| Event::parse(e).and_then(|ev| ev.check(&model).map(|()| ev)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| BadInput(format!("{}: {e}", file.display())))?;
            let outcome = analysis::whatif(&model, &events)?;
            let text = match format {
                TextOrJson::Text => report::whatif::text(&outcome),
                TextOrJson::Json => report::whatif::json(&outcome),
            };
            emit(&text, None)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            file,
            from,
            with,
            out,
        } => import(&file, from, &with, &out),
        Command::Export {
            file,
            out,
            scenario,
            scale,
            chaos_trials,
            chaos: Some(format),
        } => {
            if scale.is_some() || chaos_trials.is_some() {
                return Err(BadInput(
                    "--scale and --chaos-trials do not apply to --chaos".to_owned(),
                ));
            }
            let scenario = scenario.ok_or_else(|| {
                BadInput("--chaos needs --scenario NAME: the scenario to inject".to_owned())
            })?;
            let model = model::load(&file)?;
            export::write_chaos_experiment(&model, &scenario, format.into(), &out)
                .map_err(|e| BadInput(format!("{}: {e}", file.display())))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            file,
            out,
            scenario,
            scale,
            chaos_trials,
            chaos: None,
        } => export(&file, &out, scenario, scale, chaos_trials),
        Command::ChaosResult {
            file,
            journal,
            scenario,
            format,
        } => {
            let model = model::load(&file)?;
            let text = read_text(&journal)?;
            let journal_name = journal.display().to_string();
            let run = crate::io::journal::read(&text, &journal_name)?;
            let scenario = scenario.or_else(|| run.scenario.clone()).ok_or_else(|| {
                BadInput(format!(
                    "{journal_name}: the experiment does not name a spofscope scenario (no `{}` extension); expected --scenario NAME",
                    export::chaos_toolkit::EXTENSION
                ))
            })?;
            let result = crate::io::journal::compare(&model, &run, &scenario)
                .map_err(|e| BadInput(format!("{}: {e}", file.display())))?;
            let shown = match format {
                TextOrJson::Text => report::chaos_result::text(&result),
                TextOrJson::Json => report::chaos_result::json(&result),
            };
            emit(&shown, None)?;
            Ok(if result.findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Fix { file, apply, out } => fix(&file, &apply, &out),
        Command::Chaos {
            file,
            trials,
            seed,
            format,
        } => chaos(&file, trials, seed, format),
        Command::Generate {
            components,
            seed,
            out,
        } => {
            if components == 0 || components > crate::generate::MAX_COMPONENTS {
                return Err(BadInput(format!(
                    "--components is {components}; expected 1..={}",
                    crate::generate::MAX_COMPONENTS
                )));
            }
            let model = crate::generate::generate(components, seed);
            model::save(&model, &out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `import`: read `file`, lay each traces file of `with` over it, and write the model to
/// `out`; every file is read before anything is written.
fn import(
    file: &Path,
    from: Option<ImportFormat>,
    with: &[PathBuf],
    out: &Path,
) -> Result<ExitCode, BadInput> {
    let text = read_text(file)?;
    let format = match from {
        Some(f) => f.into(),
        None => guess_import_format(file, &text)?,
    };
    let name = file.display().to_string();
    let imported = import::import(format, &text, &name)?;
    let mut model = imported.model;
    let mut notes: Vec<(String, String)> = imported
        .notes
        .into_iter()
        .map(|n| (name.clone(), n))
        .collect();
    for traces_file in with {
        let traces_name = traces_file.display().to_string();
        let traces = import::traces::read(&read_text(traces_file)?, &traces_name)?;
        let overlay = import::traces::overlay(&model, &traces);
        overlay.apply(&mut model);
        notes.extend(overlay.notes.into_iter().map(|n| (traces_name.clone(), n)));
    }
    if !with.is_empty() {
        import::layout::layered(&mut model);
    }
    for (file, note) in &notes {
        eprintln!("note: {file}: {note}");
    }
    model::save(&model, out)?;
    Ok(ExitCode::SUCCESS)
}

/// `export`: the format from the extension of `out`; nothing is written on an error.
fn export(
    file: &Path,
    out: &Path,
    scenario: Option<String>,
    scale: Option<f32>,
    chaos_trials: Option<u64>,
) -> Result<ExitCode, BadInput> {
    let reports = [export::ExportFormat::Html, export::ExportFormat::Markdown];
    if chaos_trials.is_some()
        && !export::ExportFormat::from_path(out).is_some_and(|f| reports.contains(&f))
    {
        return Err(BadInput(format!(
            "--chaos-trials applies to .html and .md only; {} is neither",
            out.display()
        )));
    }
    if let Some(t) = chaos_trials.filter(|&t| t > MAX_CHAOS_TRIALS) {
        return Err(BadInput(format!(
            "--chaos-trials is {t}; expected 0..={MAX_CHAOS_TRIALS}"
        )));
    }
    let model = model::load(file)?;
    let options = ExportOptions {
        scenario,
        scale,
        chaos_trials,
        ..ExportOptions::default()
    };
    export::write_file(&model, out, &options).map_err(|e| match e {
        export::ExportError::Scenario(_) => BadInput(format!("{}: {e}", file.display())),
        e => BadInput(e.to_string()),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `chaos`: progress on standard error when it is a terminal, the report on standard output.
fn chaos(file: &Path, trials: u64, seed: u64, format: TextOrJson) -> Result<ExitCode, BadInput> {
    use std::io::{IsTerminal, Write};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    if trials == 0 || trials > MAX_CHAOS_TRIALS {
        return Err(BadInput(format!(
            "--trials is {trials}; expected 1..={MAX_CHAOS_TRIALS}"
        )));
    }
    let model = model::load(file)?;
    let show = std::io::stderr().is_terminal();
    let shown = AtomicU64::new(0);
    let progress = |done: u64, total: u64| {
        let percent = done * 100 / total;
        if show && shown.fetch_max(percent, Ordering::Relaxed) < percent {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\rchaos: {percent:>3} % of {total} trials");
            let _ = err.flush();
        }
    };
    let outcome = analysis::chaos::run(&model, trials, seed, &progress, &AtomicBool::new(false));
    if show {
        eprintln!();
    }
    let report = outcome?;
    let text = match format {
        TextOrJson::Text => report::chaos::text(&report),
        TextOrJson::Json => report::chaos::json(&report),
    };
    emit(&text, None)?;
    Ok(ExitCode::SUCCESS)
}

/// `fix`: apply `all` or the named recommendations and write the result to `out` only.
fn fix(file: &Path, apply: &[String], out: &Path) -> Result<ExitCode, BadInput> {
    let model = model::load(file)?;
    let ids: Vec<String> = apply
        .iter()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    let all = ids.iter().any(|id| id == "all");
    if ids.is_empty() || (all && ids.len() > 1) {
        return Err(BadInput(format!(
            "--apply is `{}`; expected `all` or recommendation ids (see `spofscope check {}`)",
            apply.join(","),
            file.display()
        )));
    }
    let (fixed, applied, skipped, unfixable) = if all {
        let outcome = advice::fix_all(&model);
        (
            outcome.model,
            outcome.applied,
            Vec::new(),
            outcome.unfixable,
        )
    } else {
        let done = advice::apply(&model, &ids)
            .map_err(|e| BadInput(format!("{}: {e}", file.display())))?;
        (done.model, done.applied, done.skipped, Vec::new())
    };
    let options = Options {
        order2: false,
        importance: false,
        component_importance_work: 0,
        ..Options::default()
    };
    let before = analysis::analyze(&model, &options);
    let after = analysis::analyze(&fixed, &options);
    model::save(&fixed, out)?;
    let mut text = report::text::fix(&applied, &skipped, &unfixable, &before, &after);
    text.push_str(&format!("Wrote {}\n", out.display()));
    emit(&text, None)?;
    Ok(ExitCode::SUCCESS)
}

/// The import format from the file name, and for YAML from its top-level keys.
fn guess_import_format(file: &Path, text: &str) -> Result<import::ImportFormat, BadInput> {
    match import::guess_import_format(file, text) {
        Ok(format) => Ok(format),
        Err(UnknownFormat::Yaml) => Err(BadInput(format!(
            "{}: a YAML file without `services:` or `apiVersion:`; pass --from compose, k8s or backstage",
            file.display()
        ))),
        Err(UnknownFormat::Extension) => Err(BadInput(format!(
            "{}: cannot tell the format from the file name or content; pass --from compose|k8s|dot|mef|terraform|backstage",
            file.display()
        ))),
    }
}

/// Read a whole text file within the size limit every loader shares.
fn read_text(file: &Path) -> Result<String, BadInput> {
    let name = file.display();
    let size = std::fs::metadata(file)
        .map_err(|e| BadInput(format!("{name}: cannot read: {e}")))?
        .len();
    if size > model::MAX_FILE_BYTES {
        return Err(BadInput(format!(
            "{name}: file is {size} bytes; expected at most {}",
            model::MAX_FILE_BYTES
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| BadInput(format!("{name}: cannot read: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| BadInput(format!("{name}: invalid UTF-8; expected a text file")))
}

/// Print to standard output, or write atomically to `out`.
fn emit(text: &str, out: Option<&Path>) -> Result<(), BadInput> {
    match out {
        Some(path) => model::write_atomically(path, text.as_bytes())?,
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    Ok(())
}

/// `spofscope diff`: both versions analysed in full (every order-2 set), then compared.
fn diff(
    old: &Path,
    new: &Path,
    format: DiffFormat,
    fail_on: DiffFailOn,
) -> Result<ExitCode, BadInput> {
    if old == Path::new("-") && new == Path::new("-") {
        return Err(BadInput(
            "both versions are `-`; expected at most one of them from standard input".to_owned(),
        ));
    }
    let load = |path: &Path| -> Result<(model::Model, analysis::Report), BadInput> {
        let m = if path == Path::new("-") {
            model::from_str(&read_stdin()?, "<stdin>")?
        } else {
            model::load(path)?
        };
        let report = analysis::analyze(&m, &Options::default());
        Ok((m, report))
    };
    let (old_model, old_report) = load(old)?;
    let (new_model, new_report) = load(new)?;
    let d = analysis::diff::diff(&old_model, &old_report, &new_model, &new_report);
    let text = match format {
        DiffFormat::Text => report::diff::text(&d),
        DiffFormat::Json => report::diff::json(&d),
        DiffFormat::Markdown => report::diff::markdown(&d),
    };
    emit(&text, None)?;
    Ok(if fail_on == DiffFailOn::Regression && d.regressed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Standard input as text, refused past [`model::MAX_FILE_BYTES`] or when not UTF-8.
fn read_stdin() -> Result<String, BadInput> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(model::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| BadInput(format!("<stdin>: cannot read: {e}")))?;
    if bytes.len() as u64 > model::MAX_FILE_BYTES {
        return Err(BadInput(format!(
            "<stdin>: more than {} bytes; expected a model file",
            model::MAX_FILE_BYTES
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| BadInput("<stdin>: invalid UTF-8; expected a text file".to_owned()))
}
