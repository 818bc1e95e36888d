//! The six `card-*` scheduling properties Logseq's SRS writes (srs.cljs, dialect doc §3.4), how it
//! parses them, and when a card is due.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::engine::outline::PropertyGroup;

pub const KEYS: [&str; 6] = [
    "card-last-interval",
    "card-repeats",
    "card-ease-factor",
    "card-next-schedule",
    "card-last-reviewed",
    "card-last-score",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub last_interval: Option<f64>,
    pub repeats: Option<i64>,
    pub ease_factor: Option<f64>,
    pub next_schedule: Option<DateTime<Utc>>,
    pub last_reviewed: Option<DateTime<Utc>>,
    pub last_score: Option<i64>,
}

impl Schedule {
    /// No scheduling property at all: Logseq has never reviewed it.
    pub fn is_new(&self) -> bool {
        self.repeats.is_none() && self.next_schedule.is_none() && self.last_reviewed.is_none()
    }
    /// Logseq's `query-scheduled`: due when repeats is missing or < 1, or the next schedule is
    /// missing, unparsable or not after `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        match (self.repeats, self.next_schedule) {
            (Some(r), Some(n)) if r >= 1 => n <= now,
            _ => true,
        }
    }
}

/// Why a `card-*` value is not one Logseq can use.
pub fn check_value(key: &str, value: &str) -> Result<(), String> {
    let v = value.trim();
    let nil_ok = matches!(
        key,
        "card-next-schedule" | "card-last-reviewed" | "card-last-score"
    );
    if v == "nil" && nil_ok {
        return Ok(());
    }
    match key {
        "card-repeats" => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(()),
            Ok(_) => Err("a review count cannot be negative".into()),
            Err(_) => Err("must be a whole number of reviews".into()),
        },
        "card-last-interval" => match parse_float(v) {
            Some(x) if x >= -1.0 => Ok(()),
            Some(_) => Err("an interval below -1 day is out of range".into()),
            None => Err("must be a number of days".into()),
        },
        "card-ease-factor" => match parse_float(v) {
            Some(x) if x >= 1.3 => Ok(()),
            Some(_) => Err("the ease factor is at least 1.3".into()),
            None => Err("must be a number (2.5 for a new card)".into()),
        },
        "card-last-score" => match v.parse::<i64>() {
            Ok(n) if (0..=5).contains(&n) => Ok(()),
            _ => Err("must be a score from 0 to 5, or nil".into()),
        },
        "card-next-schedule" | "card-last-reviewed" => match parse_time(v) {
            Some(_) => Ok(()),
            None => Err("must be an ISO-8601 time such as 2024-01-31T08:00:00.000Z, or nil".into()),
        },
        _ => Ok(()),
    }
}

fn parse_float(v: &str) -> Option<f64> {
    v.parse::<f64>().ok().filter(|x| x.is_finite())
}

pub fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Reads the schedule from a block's effective properties; invalid values read as absent.
pub fn read(src: &str, group: Option<&PropertyGroup>) -> Schedule {
    let get = |k: &str| {
        group
            .and_then(|g| g.get(k))
            .map(|p| p.value_str(src).trim())
            .filter(|v| *v != "nil")
    };
    Schedule {
        last_interval: get("card-last-interval").and_then(parse_float),
        repeats: get("card-repeats").and_then(|v| v.parse().ok()),
        ease_factor: get("card-ease-factor").and_then(parse_float),
        next_schedule: get("card-next-schedule").and_then(parse_time),
        last_reviewed: get("card-last-reviewed").and_then(parse_time),
        last_score: get("card-last-score").and_then(|v| v.parse().ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_logseq_writes_are_valid() {
        for (k, v) in [
            ("card-last-interval", "-1"),
            ("card-last-interval", "4.14"),
            ("card-repeats", "0"),
            ("card-ease-factor", "1.3"),
            ("card-next-schedule", "2021-11-08T17:59:40.382Z"),
            ("card-last-reviewed", "nil"),
            ("card-last-score", "5"),
        ] {
            assert_eq!(check_value(k, v), Ok(()), "{k} {v}");
        }
        for (k, v) in [
            ("card-repeats", "1.5"),
            ("card-ease-factor", "1.2"),
            ("card-last-score", "6"),
            ("card-next-schedule", "tomorrow"),
            ("card-last-interval", "x"),
        ] {
            assert!(check_value(k, v).is_err(), "{k} {v}");
        }
    }

    #[test]
    fn due_follows_query_scheduled() {
        let now = parse_time("2024-06-01T00:00:00Z").unwrap();
        let mut s = Schedule::default();
        assert!(s.is_due(now));
        s.repeats = Some(2);
        s.next_schedule = parse_time("2024-07-01T00:00:00.000Z");
        assert!(!s.is_due(now));
        s.next_schedule = parse_time("2024-05-01T00:00:00.000Z");
        assert!(s.is_due(now));
    }
}
