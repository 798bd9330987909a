//! Failure event ids as written in scenarios and on the command line:
//! `db#0` (a replica), `db` (a whole component), `zone:eu-a`, `region:eu`, and the
//! time events of DESIGN §2b: `common:db` (a bad deploy: the same as `db`) and
//! `failover:db` (db's failover window).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Model, is_valid_id};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    Replica {
        component: String,
        index: u32,
    },
    Component(String),
    Zone(String),
    Region(String),
    /// `common:c`: a failure that hits every replica of c at once.
    Common(String),
    /// `failover:c`: c's writes wait while a standby takes over.
    Failover(String),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EventParseError(pub String);

const EXPECTED: &str = "expected `ID`, `ID#i`, `zone:Z`, `region:R`, `common:ID` or `failover:ID`";

impl Event {
    /// Parse an event id; whether it names something in a model is [`Event::check`]'s job.
    pub fn parse(text: &str) -> Result<Event, EventParseError> {
        let text = text.trim();
        let bad = || EventParseError(format!("invalid event `{text}`; {EXPECTED}"));
        let event = if let Some(z) = text.strip_prefix("zone:") {
            Event::Zone(z.to_owned())
        } else if let Some(r) = text.strip_prefix("region:") {
            Event::Region(r.to_owned())
        } else if let Some(c) = text.strip_prefix("common:") {
            Event::Common(c.to_owned())
        } else if let Some(c) = text.strip_prefix("failover:") {
            Event::Failover(c.to_owned())
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
            Event::Replica { component, .. }
            | Event::Component(component)
            | Event::Common(component)
            | Event::Failover(component) => component,
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
            Event::Component(id) | Event::Common(id) => model
                .component(id)
                .map(|_| ())
                .ok_or_else(|| unknown("component", id)),
            Event::Failover(id) => {
                let c = model
                    .component(id)
                    .ok_or_else(|| unknown("component", id))?;
                if c.has_failover_window() {
                    Ok(())
                } else {
                    Err(EventParseError(format!(
                        "\"{id}\" has no failover window (only a replicated Database, Cache, Queue or Storage with 2 or more replicas has one); fail it as `{id}`"
                    )))
                }
            }
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

impl Event {
    /// Call component `old` `new` in this event; whether it named `old` (zones and
    /// regions never do).
    pub fn rename_component(&mut self, old: &str, new: &str) -> bool {
        match self {
            Event::Component(c)
            | Event::Replica { component: c, .. }
            | Event::Common(c)
            | Event::Failover(c)
                if c == old =>
            {
                *c = new.to_owned();
                true
            }
            _ => false,
        }
    }

    /// The component this event fails itself, whole or one replica; none for a zone, a
    /// region, a bad deploy or a failover window.
    pub fn component_or_replica(&self) -> Option<&str> {
        match self {
            Event::Component(id) | Event::Replica { component: id, .. } => Some(id),
            _ => None,
        }
    }

    /// The event as a reviewer says it, with component names from `model` (ids where a
    /// component is unknown): `replica 1 of Orders DB`, `a bad deploy of Orders DB`,
    /// `Orders DB's failover window`, `zone eu-a`.
    pub fn in_words(&self, model: &Model) -> String {
        let name = |id: &str| {
            model
                .component(id)
                .map_or(id, |c| c.display_name())
                .to_owned()
        };
        match self {
            Event::Replica { component, index } => {
                format!("replica {index} of {}", name(component))
            }
            Event::Component(id) => format!("all of {}", name(id)),
            Event::Zone(id) => format!("zone {id}"),
            Event::Region(id) => format!("region {id}"),
            Event::Common(id) => format!("a bad deploy of {}", name(id)),
            Event::Failover(id) => format!("{} failover window", possessive(&name(id))),
        }
    }
}

impl Event {
    /// Several events in words ([`Event::in_words`]), with `separator` between them.
    pub fn list_in_words(events: &[Event], model: &Model, separator: &str) -> String {
        events
            .iter()
            .map(|e| e.in_words(model))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

/// `Orders DB's`, `Product images'`.
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Replica { component, index } => write!(f, "{component}#{index}"),
            Event::Component(id) => f.write_str(id),
            Event::Zone(id) => write!(f, "zone:{id}"),
            Event::Region(id) => write!(f, "region:{id}"),
            Event::Common(id) => write!(f, "common:{id}"),
            Event::Failover(id) => write!(f, "failover:{id}"),
        }
    }
}

/// Written as its id (`db#0`, `zone:eu-a`), in files and in JSON.
impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read from its id; whether it names something in the model is [`Event::check`]'s job.
impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Event::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, ComponentKind};

    #[test]
    fn time_events_read_as_words_with_the_component_name() {
        let mut db = Component::new("db", ComponentKind::Database);
        db.name = "Orders DB".to_owned();
        let model = Model {
            components: vec![db],
            ..Model::default()
        };
        let words = |text: &str| Event::parse(text).map(|e| e.in_words(&model));
        assert_eq!(
            words("common:db"),
            Ok("a bad deploy of Orders DB".to_owned())
        );
        assert_eq!(
            words("failover:db"),
            Ok("Orders DB's failover window".to_owned())
        );
        assert_eq!(words("db#1"), Ok("replica 1 of Orders DB".to_owned()));
        assert_eq!(words("zone:eu-a"), Ok("zone eu-a".to_owned()));
        assert_eq!(
            words("failover:images"),
            Ok("images' failover window".to_owned())
        );
        assert_eq!(words("common:gone"), Ok("a bad deploy of gone".to_owned()));
    }

    #[test]
    fn time_events_round_trip_through_their_ids() {
        for text in [
            "common:db",
            "failover:db",
            "db#0",
            "db",
            "zone:z",
            "region:r",
        ] {
            assert_eq!(
                Event::parse(text).map(|e| e.to_string()),
                Ok(text.to_owned())
            );
        }
    }
}
