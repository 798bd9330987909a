//! Failure event ids as written in scenarios and on the command line:
//! `db#0` (a replica), `db` (a whole component), `zone:eu-a`, `region:eu`.

use std::fmt;

use super::{Model, is_valid_id};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    Replica { component: String, index: u32 },
    Component(String),
    Zone(String),
    Region(String),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EventParseError(pub String);

const EXPECTED: &str = "expected `ID`, `ID#i`, `zone:Z` or `region:R`";

impl Event {
    /// Parse an event id; whether it names something in a model is [`Event::check`]'s job.
    pub fn parse(text: &str) -> Result<Event, EventParseError> {
        let text = text.trim();
        let bad = || EventParseError(format!("invalid event `{text}`; {EXPECTED}"));
        let event = if let Some(z) = text.strip_prefix("zone:") {
            Event::Zone(z.to_owned())
        } else if let Some(r) = text.strip_prefix("region:") {
            Event::Region(r.to_owned())
        } else if let Some((c, i)) = text.split_once('#') {
            let index = i.parse::<u32>().map_err(|_| bad())?;
            Event::Replica {
                component: c.to_owned(),
                index,
            }
        } else {
            Event::Component(text.to_owned())
        };
        let id = match &event {
            Event::Replica { component, .. } | Event::Component(component) => component,
            Event::Zone(id) | Event::Region(id) => id,
        };
        if is_valid_id(id) {
            Ok(event)
        } else {
            Err(bad())
        }
    }

    /// Whether the event names an existing component replica, component, zone or region.
    pub fn check(&self, model: &Model) -> Result<(), EventParseError> {
        let unknown = |what: &str, id: &str| {
            EventParseError(format!(
                "unknown {what} \"{id}\" in event `{self}`; {EXPECTED} naming something in the model"
            ))
        };
        match self {
            Event::Component(id) => model
                .component(id)
                .map(|_| ())
                .ok_or_else(|| unknown("component", id)),
            Event::Replica { component, index } => {
                let c = model
                    .component(component)
                    .ok_or_else(|| unknown("component", component))?;
                let n = c.replica_count();
                if n == 0 {
                    Err(EventParseError(format!(
                        "\"{component}\" is a {} and has no replicas; fail it as `{component}`",
                        c.kind.label()
                    )))
                } else if *index >= n {
                    Err(EventParseError(format!(
                        "\"{component}\" has {n} replica(s); expected `{component}#0`..`{component}#{}`",
                        n - 1
                    )))
                } else {
                    Ok(())
                }
            }
            Event::Zone(id) => model
                .zone(id)
                .map(|_| ())
                .ok_or_else(|| unknown("zone", id)),
            Event::Region(id) => model
                .region(id)
                .map(|_| ())
                .ok_or_else(|| unknown("region", id)),
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Replica { component, index } => write!(f, "{component}#{index}"),
            Event::Component(id) => f.write_str(id),
            Event::Zone(id) => write!(f, "zone:{id}"),
            Event::Region(id) => write!(f, "region:{id}"),
        }
    }
}
