//! `check --format sarif` (DESIGN §3 "SARIF"): one SARIF 2.1.0 log for code scanning. A
//! result per SPOF (`spof`, error), order-2 risk (`order2`, warning) and finding (its
//! rule and severity), located at the id of the component, zone or region in the model
//! file; accepted risks carry an `inSource` suppression with their reason.

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    SCHEMA_URL, Sarif, Suppression, Tool, ToolComponent,
};

use crate::analysis::{Report, Rule, Severity};
use crate::model::{Event, Model, Risk, event_position};

/// Where the model came from: its text (for line and column) and the URI results point at.
pub struct Source<'a> {
    pub text: &'a str,
    /// The model file's path as a URI relative to the repository root (`arch/x.spof.ron`).
    pub uri: &'a str,
}

const SPOF: &str = "spof";
const ORDER2: &str = "order2";

/// The SARIF log of an analysis, pretty-printed.
pub fn check(model: &Model, report: &Report, source: &Source) -> String {
    let results = results(model, report, source);
    let driver = ToolComponent::builder()
        .name("spofscope")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules())
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA_URL)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// Rule metadata: `spof`, `order2`, then every finding rule, each with help text that
/// says which way the fix goes.
fn rules() -> Vec<ReportingDescriptor> {
    let rule = |id: &str, summary: &str, help: &str, level: ResultLevel| {
        ReportingDescriptor::builder()
            .id(id)
            .name(id)
            .short_description(text(summary))
            .full_description(text(help))
            .help(text(help))
            .default_configuration(
                ReportingConfiguration::builder()
                    .level(serde_json::json!(level.to_string()))
                    .build(),
            )
            .build()
    };
    let mut out = vec![
        rule(
            SPOF,
            "A single point of failure: one component, zone or region whose failure puts a user-facing entry down",
            "Its failure alone takes the listed entries down. Fix: redundancy (replicas behind a load balancer), replication with failover for data stores, or spreading over zones and regions; `spofscope check` lists the recommendation that removes it with its measured effect.",
            ResultLevel::Error,
        ),
        rule(
            ORDER2,
            "An order-2 risk: two failures that together, and neither alone, put an entry down",
            "Both failures together take the listed entries down. Fix: a third replica, a second zone, or removing the shared dependency the two have in common.",
            ResultLevel::Warning,
        ),
    ];
    out.extend(
        Rule::ALL
            .iter()
            .map(|r| rule(r.as_str(), r.summary(), r.help(), level(r.severity()))),
    );
    out
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn results(model: &Model, report: &Report, source: &Source) -> Vec<SarifResult> {
    let mut out = Vec::new();
    for p in &report.spofs {
        let event = p.event();
        let message = format!(
            "{} is a single point of failure: its failure takes down {} (blast radius {} components)",
            event.in_words(model),
            p.takes_down.join(", "),
            p.blast_radius.len()
        );
        out.push(result(
            report,
            source,
            model,
            SPOF,
            ResultLevel::Error,
            message,
            Some(&event),
            Some(p.risk()),
        ));
    }
    for c in &report.order2 {
        let events: Vec<Event> = c
            .events
            .iter()
            .filter_map(|e| Event::parse(e).ok())
            .collect();
        let message = format!(
            "{} together take down {}",
            Event::list_in_words(&events, model, " and "),
            c.takes_down.join(", ")
        );
        out.push(result(
            report,
            source,
            model,
            ORDER2,
            ResultLevel::Warning,
            message,
            events.first(),
            c.risk(),
        ));
    }
    for f in &report.findings {
        let target = Event::Component(f.target.clone());
        out.push(result(
            report,
            source,
            model,
            f.rule.as_str(),
            level(f.severity),
            f.message.clone(),
            Some(&target),
            Some(f.risk()),
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn result(
    report: &Report,
    source: &Source,
    model: &Model,
    rule: &str,
    level: ResultLevel,
    message: String,
    at: Option<&Event>,
    risk: Option<Risk>,
) -> SarifResult {
    let (line, column) = at
        .and_then(|e| event_position(model, source.text, e))
        .unwrap_or((1, 1));
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(source.uri).build())
                .region(
                    Region::builder()
                        .start_line(line as i64)
                        .start_column(column as i64)
                        .build(),
                )
                .build(),
        )
        .build();
    let acceptance = risk.as_ref().and_then(|r| report.acceptance(r));
    let mut properties = PropertyBag::builder().build();
    if let Some(r) = &risk {
        properties
            .additional_properties
            .insert("risk".to_owned(), serde_json::json!(r.to_string()));
    }
    if let Some(a) = acceptance.filter(|a| !a.holds()) {
        properties.additional_properties.insert(
            "acceptanceExpired".to_owned(),
            serde_json::json!(a.until.map(|d| d.to_string())),
        );
    }
    let builder = SarifResult::builder()
        .rule_id(rule)
        .level(level)
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .properties(properties);
    match acceptance.filter(|a| a.holds()) {
        Some(a) => builder
            .suppressions(vec![
                Suppression::builder()
                    .kind(serde_json::json!("inSource"))
                    .justification(a.reason.clone())
                    .build(),
            ])
            .build(),
        None => builder.build(),
    }
}
