//! Accepted risks (DESIGN §1 `accepted`): a SPOF, order-2 risk or finding that a team
//! knowingly lives with, with the reason and an optional expiry date. Written in files
//! as ids: `spof:db`, `spof:zone:eu-a`, `order2:web#0+web#1`, `finding:unmonitored:db`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Event, is_valid_id};

/// One accepted risk as written in the model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    pub risk: Risk,
    pub reason: String,
    /// The last day the acceptance holds; none: until revoked.
    #[serde(default)]
    pub until: Option<Date>,
}

impl Accepted {
    /// Whether the acceptance still holds on `today` (the `until` day included).
    pub fn holds_on(&self, today: Date) -> bool {
        self.until.is_none_or(|until| today <= until)
    }
}

/// What was accepted.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Risk {
    /// A single point of failure: a component, zone or region.
    Spof(Event),
    /// An order-2 risk: two events that together take an entry down, in sorted order.
    Order2(Event, Event),
    /// A finding: its rule's name and its target.
    Finding { rule: String, target: String },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RiskParseError(pub String);

const EXPECTED: &str = "expected `spof:EVENT` (`spof:db`, `spof:zone:Z`, `spof:region:R`), `order2:A+B` or `finding:RULE:TARGET`";

impl Risk {
    /// Call component `old` `new` in this risk (an order-2 pair kept in sorted order);
    /// whether it named `old`.
    pub fn rename_component(&mut self, old: &str, new: &str) -> bool {
        match self {
            Risk::Spof(e) => e.rename_component(old, new),
            Risk::Order2(a, b) => {
                let (a_named, b_named) =
                    (a.rename_component(old, new), b.rename_component(old, new));
                if a_named || b_named {
                    *self = Risk::order2(a.clone(), b.clone());
                }
                a_named || b_named
            }
            Risk::Finding { target, .. } if target == old => {
                *target = new.to_owned();
                true
            }
            Risk::Finding { .. } => false,
        }
    }

    /// An order-2 risk of two events, in the sorted order the file uses.
    pub fn order2(a: Event, b: Event) -> Risk {
        if a.to_string() <= b.to_string() {
            Risk::Order2(a, b)
        } else {
            Risk::Order2(b, a)
        }
    }

    pub fn parse(text: &str) -> Result<Risk, RiskParseError> {
        let text = text.trim();
        let bad = |why: String| RiskParseError(format!("invalid risk `{text}`: {why}; {EXPECTED}"));
        if let Some(event) = text.strip_prefix("spof:") {
            let event = Event::parse(event).map_err(|e| bad(e.0))?;
            match event {
                Event::Component(_) | Event::Zone(_) | Event::Region(_) => Ok(Risk::Spof(event)),
                other => Err(bad(format!("`{other}` is not a component, zone or region"))),
            }
        } else if let Some(pair) = text.strip_prefix("order2:") {
            let Some((a, b)) = pair.split_once('+') else {
                return Err(bad("expected two events joined by `+`".to_owned()));
            };
            let a = Event::parse(a).map_err(|e| bad(e.0))?;
            let b = Event::parse(b).map_err(|e| bad(e.0))?;
            if a.to_string() >= b.to_string() {
                return Err(bad(format!(
                    "expected the two events in sorted order and different: `order2:{}`",
                    Risk::order2(a, b).ids()
                )));
            }
            Ok(Risk::Order2(a, b))
        } else if let Some(rest) = text.strip_prefix("finding:") {
            let Some((rule, target)) = rest.split_once(':') else {
                return Err(bad("expected a rule and a target joined by `:`".to_owned()));
            };
            let rule_ok = !rule.is_empty()
                && rule
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit());
            if !rule_ok {
                return Err(bad(format!("`{rule}` is not a rule name")));
            }
            if !is_valid_id(target) {
                return Err(bad(format!("`{target}` is not a component id")));
            }
            Ok(Risk::Finding {
                rule: rule.to_owned(),
                target: target.to_owned(),
            })
        } else {
            Err(bad("unknown kind".to_owned()))
        }
    }

    /// The part after `order2:` for an order-2 risk; the whole id otherwise.
    fn ids(&self) -> String {
        match self {
            Risk::Order2(a, b) => format!("{a}+{b}"),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Risk::Spof(e) => write!(f, "spof:{e}"),
            Risk::Order2(..) => write!(f, "order2:{}", self.ids()),
            Risk::Finding { rule, target } => write!(f, "finding:{rule}:{target}"),
        }
    }
}

impl Serialize for Risk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Risk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Risk::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(jiff::civil::Date);

impl Date {
    /// Today in the machine's time zone.
    pub fn today() -> Date {
        Date(jiff::ZonedDateTime::now().date())
    }

    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid date `{0}`; expected a day as YYYY-MM-DD, e.g. 2027-06-30")]
pub struct DateParseError(pub String);

impl FromStr for Date {
    type Err = DateParseError;

    fn from_str(text: &str) -> Result<Date, DateParseError> {
        let bad = || DateParseError(text.to_owned());
        let shape_ok = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(bad());
        }
        text.parse::<jiff::civil::Date>()
            .map(Date)
            .map_err(|_| bad())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risks_round_trip_through_their_ids() {
        for text in [
            "spof:db",
            "spof:zone:eu-a",
            "spof:region:eu",
            "order2:web#0+web#1",
            "order2:db+zone:eu-a",
            "finding:unmonitored:db",
        ] {
            assert_eq!(
                Risk::parse(text).map(|r| r.to_string()),
                Ok(text.to_owned())
            );
        }
    }

    #[test]
    fn malformed_risks_say_what_was_expected() {
        let err = |text: &str| Risk::parse(text).err().map(|e| e.0);
        assert_eq!(
            err("order2:web#1+web#0"),
            Some(format!(
                "invalid risk `order2:web#1+web#0`: expected the two events in sorted order and different: `order2:web#0+web#1`; {EXPECTED}"
            ))
        );
        assert_eq!(
            err("spof:db#0"),
            Some(format!(
                "invalid risk `spof:db#0`: `db#0` is not a component, zone or region; {EXPECTED}"
            ))
        );
        assert_eq!(
            err("db"),
            Some(format!("invalid risk `db`: unknown kind; {EXPECTED}"))
        );
        assert!(err("order2:a+a").is_some());
        assert!(err("finding:unmonitored").is_some());
        assert!(err("finding:Bad Rule:db").is_some());
    }

    #[test]
    fn dates_are_iso_days_and_acceptances_hold_through_their_last_day() {
        let day = |s: &str| s.parse::<Date>();
        assert_eq!(
            day("2027-06-30").map(|d| d.to_string()),
            Ok("2027-06-30".to_owned())
        );
        for bad in [
            "2027-6-30",
            "2027-02-30",
            "30.06.2027",
            "2027-06-30T00:00",
            "",
        ] {
            assert_eq!(day(bad), Err(DateParseError(bad.to_owned())));
        }
        let accepted = Accepted {
            risk: Risk::Spof(Event::Component("db".to_owned())),
            reason: "migrating in Q2".to_owned(),
            until: Date::new(2027, 6, 30),
        };
        assert!(accepted.holds_on(Date::new(2027, 6, 30).unwrap()));
        assert!(!accepted.holds_on(Date::new(2027, 7, 1).unwrap()));
        let forever = Accepted {
            until: None,
            ..accepted
        };
        assert!(forever.holds_on(Date::new(2100, 1, 1).unwrap()));
    }
}
