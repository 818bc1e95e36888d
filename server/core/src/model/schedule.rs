//! The six `card-*` scheduling properties Logseq's SRS writes (srs.cljs), how it
//! parses them, and when a card is due.

use chrono::{DateTime, Utc};

use crate::syntax::outline::PropertyGroup;

pub const KEYS: [&str; 6] = [
    "card-last-interval",
    "card-repeats",
    "card-ease-factor",
    "card-next-schedule",
    "card-last-reviewed",
    "card-last-score",
];

/// A property value as graph-parser stores it in `:block/properties` (text.cljs 0.10.9
/// `parse-property`): trimmed; refs become a set; `true`/`false` booleans; `^\d+$` a number
/// (`parse-long`, nil beyond 2^53, then the text); quoted text and everything else a string.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    Text(String),
    Long(i64),
    Bool(bool),
    Refs,
}

impl Stored {
    pub fn of(v: &str) -> Stored {
        let v = v.trim();
        let quoted = v.len() >= 2 && v.starts_with('"') && v.ends_with('"');
        if quoted {
            return Stored::Text(v.into());
        }
        // Every page reference and tag is written with `[` or `#`: without them, no scan.
        if memchr::memchr2(b'[', b'#', v.as_bytes()).is_none() {
            return Stored::plain(v);
        }
        let mut inl = Vec::new();
        crate::syntax::inline::scan(v, 0, &mut inl);
        let refs = inl.iter().any(|i| {
            matches!(
                i.kind,
                crate::syntax::inline::InlineKind::PageRef { .. }
                    | crate::syntax::inline::InlineKind::Tag { .. }
            )
        });
        if refs {
            return Stored::Refs;
        }
        Stored::plain(v)
    }

    /// [`Stored::of`] for a value without references.
    fn plain(v: &str) -> Stored {
        match v {
            "true" => return Stored::Bool(true),
            "false" => return Stored::Bool(false),
            _ => {}
        }
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = v.parse::<i64>() {
                if n < (1i64 << 53) {
                    return Stored::Long(n);
                }
            }
        }
        Stored::Text(v.into())
    }

    /// ClojureScript `(< v 1)`: JS `<` on the stored value (a string goes through ToNumber, so
    /// `abc` is NaN and not below 1; a set prints as `#{…}`, NaN too).
    pub fn below_one(&self) -> bool {
        match self {
            Stored::Long(n) => *n < 1,
            Stored::Bool(b) => !*b,
            Stored::Refs => false,
            Stored::Text(t) => js_to_number(t) < 1.0,
        }
    }

    /// `tc/from-string` on the stored value: only a string can parse (`(seq 42)` throws, and the
    /// throw is caught). A set of refs is not ported (see docs/rules.md) and reads as not parsing.
    pub fn time(&self, this_year: i64) -> Option<f64> {
        match self {
            Stored::Text(t) => crate::model::cljs_time::from_string(t, this_year),
            _ => None,
        }
    }
}

/// JS `ToNumber` of a string (StringToNumber): trimmed, empty is 0, `Infinity`, `0x`/`0o`/`0b`
/// integers, else a decimal literal or NaN.
pub fn js_to_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    let radix = |p: &str, r: u32| {
        t.strip_prefix(p)
            .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_digit(r)))
            .map(|d| {
                d.chars()
                    .fold(0.0, |a, c| a * r as f64 + c.to_digit(r).unwrap() as f64)
            })
    };
    for (p, r) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(v) = radix(p, r) {
            return v;
        }
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return sign * f64::INFINITY;
    }
    // StrUnsignedDecimalLiteral: digits [. digits] [e[+-]digits], at least one digit before e.
    let b = body.as_bytes();
    let mut i = 0;
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac;
    }
    if int + frac == 0 {
        return f64::NAN;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return f64::NAN;
        }
        i = j + exp;
    }
    if i != b.len() {
        return f64::NAN;
    }
    sign * body.parse::<f64>().unwrap_or(f64::NAN)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub last_interval: Option<f64>,
    pub repeats: Option<i64>,
    pub ease_factor: Option<f64>,
    pub next_schedule: Option<DateTime<Utc>>,
    pub last_reviewed: Option<DateTime<Utc>>,
    pub last_score: Option<i64>,
    /// `card-repeats` and `card-next-schedule` as stored, which is what `query-scheduled` reads.
    pub repeats_stored: Option<Stored>,
    pub next_stored: Option<Stored>,
}

/// Why Logseq reviews a card now, per srs.cljs 0.10.9 `query-scheduled`; `None` = not due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    NoRepeats,
    RepeatsBelowOne,
    NoNext,
    NextUnparsed,
    NextPassed,
}

impl Schedule {
    /// No scheduling property at all: Logseq has never reviewed it.
    pub fn is_new(&self) -> bool {
        self.repeats_stored.is_none() && self.next_stored.is_none() && self.last_reviewed.is_none()
    }
    /// srs.cljs 0.10.9 `query-scheduled`: `(or (nil? repeats) (< repeats 1) (nil? next)
    /// (nil? (tc/from-string next)) (t/before? next* now))`.
    pub fn due(&self, now: DateTime<Utc>) -> Option<Due> {
        use chrono::Datelike;
        let Some(r) = &self.repeats_stored else {
            return Some(Due::NoRepeats);
        };
        if r.below_one() {
            return Some(Due::RepeatsBelowOne);
        }
        let Some(n) = &self.next_stored else {
            return Some(Due::NoNext);
        };
        let Some(ms) = n.time(i64::from(now.year())) else {
            return Some(Due::NextUnparsed);
        };
        // `before?` compares getTime with `<`: false for an Invalid Date (NaN).
        (ms < now.timestamp_millis() as f64).then_some(Due::NextPassed)
    }
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.due(now).is_some()
    }
}

/// `tc/from-string` as a time, when it is a valid one (an Invalid Date has no time to show).
pub fn parse_time_at(v: &str, this_year: i64) -> Option<DateTime<Utc>> {
    let ms = crate::model::cljs_time::from_string(v, this_year)?;
    if ms.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(ms as i64)
}

/// The year cljs-time's `infer-years` reads from the clock (two-digit years pivot on it).
pub fn this_year() -> i64 {
    use chrono::Datelike;
    i64::from(Utc::now().year())
}

/// What Logseq does with a `card-*` value that is not one it writes itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// True only when Logseq cannot use the value at all (it falls back or reads nothing).
    pub unusable: bool,
    /// The exact consequence, citing srs.cljs 0.10.9.
    pub why: String,
}

fn finding(unusable: bool, why: impl Into<String>) -> Option<Finding> {
    Some(Finding {
        unusable,
        why: why.into(),
    })
}

/// cljs `parse-double` (what `util/safe-parse-float` runs on a string): a Java-style decimal or
/// `Infinity`/`NaN`, with ASCII control/space padding; anything else is nil.
pub fn parse_double(v: &str) -> Option<f64> {
    let t = v.trim_matches(|c: char| c <= ' ');
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if body == "NaN" {
        return Some(f64::NAN);
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = body == "Infinity" || {
        let (mant, exp) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let exp_ok = exp.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && digits(e)
        });
        let mant_ok = match mant.split_once('.') {
            Some((a, b)) => digits(a) && digits(b) && !(a.is_empty() && b.is_empty()),
            None => !mant.is_empty() && digits(mant),
        };
        exp_ok && mant_ok
    };
    ok.then(|| js_to_number(t))
}

/// Checks one `card-*` value of a card the way srs.cljs 0.10.9 reads it: `query-scheduled` for
/// due, `get-next-interval` for the next review. `None`: Logseq uses it as written.
pub fn check_value(key: &str, value: &str, this_year: i64) -> Option<Finding> {
    let stored = Stored::of(value);
    let v = value.trim();
    match key {
        "card-repeats" => match &stored {
            Stored::Long(_) => None,
            _ if stored.below_one() => finding(
                false,
                format!("not a whole number; Logseq treats this card as due now because `(< repeats 1)` is true for it (srs.cljs query-scheduled), and its next review counts from {}", review_repeats(&stored)),
            ),
            _ => finding(
                true,
                "not a whole number of reviews, so Logseq's review counts from 0 (srs.cljs get-next-interval, safe-parse-int); until then `(< repeats 1)` is false for it, so only card-next-schedule decides when it is due",
            ),
        },
        "card-ease-factor" => match &stored {
            Stored::Long(_) => None,
            Stored::Text(t) => match parse_double(t) {
                Some(x) if x < 1.3 => finding(
                    false,
                    "below 1.3, the floor Logseq's own reviews keep (next-ef); Logseq uses it as is",
                ),
                Some(x) if x.is_finite() => None,
                Some(_) => finding(true, "not a finite number; Logseq's next interval from it is not a number of days"),
                None => finding(true, "not a number, so Logseq's next review uses the default ease 2.5 (srs.cljs get-next-interval)"),
            },
            _ => finding(true, "not a number; Logseq's next interval from it is not a number of days"),
        },
        "card-next-schedule" => {
            if v == "nil" {
                return None;
            }
            match stored.time(this_year) {
                Some(ms) if ms.is_nan() => finding(
                    true,
                    "cljs-time reads it as an invalid date, and `t/before?` is false for an invalid date, so Logseq never shows this card as due",
                ),
                Some(_) => None,
                None if matches!(stored, Stored::Refs) => None,
                None => finding(
                    true,
                    "not a time cljs-time can read (tc/from-string, e.g. 2024-01-31T08:00:00.000Z), so Logseq treats this card as due now (srs.cljs query-scheduled)",
                ),
            }
        }
        "card-last-interval" => (parse_double(v).is_none_or(|x| !x.is_finite())).then(|| Finding {
            unusable: false,
            why: "not a number of days; Logseq never reads card-last-interval (srs.cljs next-interval ignores it) and overwrites it on the next review".into(),
        }),
        "card-last-score" => (v != "nil" && !matches!(stored, Stored::Long(0..=5))).then(|| Finding {
            unusable: false,
            why: "not a score from 0 to 5; Logseq never reads card-last-score and overwrites it on the next review".into(),
        }),
        "card-last-reviewed" => (v != "nil" && parse_time_at(v, this_year).is_none()).then(|| Finding {
            unusable: false,
            why: "not a time cljs-time can read; Logseq never reads card-last-reviewed and overwrites it on the next review".into(),
        }),
        _ => None,
    }
}

/// `get-next-interval`'s repeats: `(or (safe-parse-int v) 0)`.
fn review_repeats(v: &Stored) -> i64 {
    match v {
        Stored::Long(n) => *n,
        Stored::Text(t) => t
            .parse::<i64>()
            .ok()
            .filter(|_| {
                t.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
            })
            .unwrap_or(0),
        _ => 0,
    }
}

/// Reads the schedule from a block's effective properties. The typed fields are for display
/// (absent when not readable); `is_due` uses the stored values as Logseq does. `this_year` is
/// [`this_year`], read once by the caller for all the cards of a page.
pub fn read(src: &str, group: Option<&PropertyGroup>, this_year: i64) -> Schedule {
    let raw = |k: &str| {
        group
            .and_then(|g| g.get(k))
            .map(|p| p.value_str(src).trim())
    };
    let get = |k: &str| raw(k).filter(|v| *v != "nil");
    let next_stored = raw("card-next-schedule").map(Stored::of);
    Schedule {
        last_interval: get("card-last-interval")
            .and_then(parse_double)
            .filter(|x| x.is_finite()),
        repeats: get("card-repeats").and_then(|v| v.parse().ok()),
        ease_factor: get("card-ease-factor")
            .and_then(parse_double)
            .filter(|x| x.is_finite()),
        // As stored: `2030` is a number to graph-parser, and from-string reads no number.
        next_schedule: next_stored
            .as_ref()
            .and_then(|v| v.time(this_year))
            .filter(|ms| !ms.is_nan())
            .and_then(|ms| DateTime::from_timestamp_millis(ms as i64)),
        last_reviewed: get("card-last-reviewed").and_then(|v| parse_time_at(v, this_year)),
        last_score: get("card-last-score").and_then(|v| v.parse().ok()),
        repeats_stored: raw("card-repeats").map(Stored::of),
        next_stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: i64 = 2026;

    #[test]
    fn values_logseq_writes_have_no_finding() {
        // srs.cljs 0.10.9: default-card-properties-map, reset-block-card-properties!, get-next-interval.
        for (k, v) in [
            ("card-last-interval", "-1"),
            ("card-last-interval", "4.14"),
            ("card-repeats", "0"),
            ("card-ease-factor", "1.3"),
            ("card-ease-factor", "2.5"),
            ("card-next-schedule", "2021-11-08T17:59:40.382Z"),
            ("card-next-schedule", "nil"),
            ("card-last-reviewed", "nil"),
            ("card-last-score", "5"),
            ("card-last-score", "nil"),
        ] {
            assert_eq!(check_value(k, v, Y), None, "{k} {v}");
        }
    }

    #[test]
    fn unusable_only_where_logseq_falls_back() {
        let f = |k, v| check_value(k, v, Y).map(|f| f.unusable);
        assert_eq!(f("card-repeats", "abc"), Some(true));
        assert_eq!(f("card-repeats", "-1"), Some(false)); // used: (< "-1" 1) is true
        assert_eq!(f("card-ease-factor", "1.1"), Some(false)); // used as is
        assert_eq!(f("card-ease-factor", "x"), Some(true)); // falls back to 2.5
        assert_eq!(f("card-next-schedule", "tomorrow"), Some(true));
        assert_eq!(f("card-next-schedule", "2030-01-01 10:00:00"), None); // :mysql parses it
        assert_eq!(f("card-last-interval", "soon"), Some(false)); // never read
        assert_eq!(f("card-last-score", "7"), Some(false));
    }

    #[test]
    fn stored_values_and_js_less_than() {
        assert_eq!(Stored::of("12"), Stored::Long(12));
        assert_eq!(Stored::of("true"), Stored::Bool(true));
        assert_eq!(Stored::of("[[x]]"), Stored::Refs);
        assert_eq!(
            Stored::of("99999999999999999999"),
            Stored::Text("99999999999999999999".into())
        );
        for (v, below) in [
            ("abc", false),
            ("-1", true),
            ("0.5", true),
            ("1e-3", true),
            ("1.5", false),
            ("0x0", true),
            ("false", true),
            ("0", true),
            ("1", false),
        ] {
            assert_eq!(Stored::of(v).below_one(), below, "{v}");
        }
    }

    #[test]
    fn due_follows_query_scheduled() {
        let now = parse_time_at("2024-06-01T00:00:00.000Z", Y).unwrap();
        let s = |r: Option<&str>, n: Option<&str>| Schedule {
            repeats_stored: r.map(Stored::of),
            next_stored: n.map(Stored::of),
            ..Default::default()
        };
        assert_eq!(s(None, None).due(now), Some(Due::NoRepeats));
        assert_eq!(
            s(Some("0"), Some("2030-01-01")).due(now),
            Some(Due::RepeatsBelowOne)
        );
        assert_eq!(s(Some("2"), None).due(now), Some(Due::NoNext));
        assert_eq!(
            s(Some("2"), Some("tomorrow")).due(now),
            Some(Due::NextUnparsed)
        );
        assert_eq!(
            s(Some("2"), Some("2024-05-01T00:00:00.000Z")).due(now),
            Some(Due::NextPassed)
        );
        assert_eq!(
            s(Some("2"), Some("2024-07-01T00:00:00.000Z")).due(now),
            None
        );
        // `(< "abc" 1)` is false: not due while next is ahead.
        assert_eq!(
            s(Some("abc"), Some("2024-07-01T00:00:00.000Z")).due(now),
            None
        );
        // `t/before?` is strict.
        assert_eq!(
            s(Some("2"), Some("2024-06-01T00:00:00.000Z")).due(now),
            None
        );
        // An Invalid Date (`-01-01` parses with a NaN year) is never before now.
        assert_eq!(s(Some("2"), Some("-01-01")).due(now), None);
    }
}
