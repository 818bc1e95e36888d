//! A hand port of `cljs-time.coerce/from-string` as Logseq 0.10.9 runs it (deps.edn pins the
//! logseq/cljs-time fork at 5704fbf): try every formatter of `cljs-time.format/formatters`, in
//! the map's iteration order, and keep the first that parses (`internal/parse.cljs` `parse` +
//! `compile`, `internal/core.cljs` `valid-date?`, goog `UtcDateTime`). Its quirks are kept on
//! purpose, because they decide whether Logseq sees a `card-next-schedule`: `.` in a pattern is a
//! regex (any char), anything after a `Z` offset is ignored, `HH` is never range-checked, two-digit
//! years follow `infer-years`. `tests/test_schedule_oracle.py` compares it with the real thing.

/// `(vals formatters)` order of the implemented formatters (PersistentHashMap order, printed by
/// nbb-logseq); the `not-implemented` ones and `:time-parser` never parse anything.
const FORMATTERS: [&str; 44] = [
    "HH:mm",                         // :hour-minute
    "'T'HH:mm:ss.SSSZZ",             // :t-time
    "yyyyDDD",                       // :basic-ordinal-date
    "yyyy-MM-dd",                    // :date
    "HH",                            // :hour
    "HH:mm:ssZZ",                    // :time-no-ms
    "xxxx-'W'ww-e",                  // :weekyear-week-day
    "xxxx-'W'ww-e'T'HH:mm:ss.SSSZZ", // :week-date-time
    "yyyy-MM-dd'T'HH:mm:ss.SSS",     // :date-hour-minute-second-fraction
    "yyyyMMdd'T'HHmmss.SSSZ",        // :basic-date-time
    "yyyy-MM-dd'T'HH:mm:ss.SSSZZ",   // :date-time
    "HHmmssZ",                       // :basic-time-no-ms
    "xxxx'W'wwe",                    // :basic-week-date
    "'T'HHmmssZ",                    // :basic-t-time-no-ms
    "yyyy-MM-dd'T'HH:mm:ssZZ",       // :date-time-no-ms
    "yyyy-MM-dd",                    // :year-month-day
    "EEE, dd MMM yyyy HH:mm:ss Z",   // :rfc822
    "yyyy-MM-dd'T'HH:mm:ss.SSS",     // :date-hour-minute-second-ms
    "yyyyDDD'T'HHmmss.SSSZ",         // :basic-ordinal-date-time
    "yyyy-DDD",                      // :ordinal-date
    "HH:mm:ss.SSS",                  // :hour-minute-second-fraction
    "yyyy-MM-dd'T'HH:mm",            // :date-hour-minute
    "HH:mm:ss.SSSZZ",                // :time
    "xxxx'W'wwe'T'HHmmss.SSSZ",      // :basic-week-date-time
    "xxxx",                          // :weekyear
    "HHmmss.SSSZ",                   // :basic-time
    "HH:mm:ss",                      // :hour-minute-second
    "yyyy-DDD'T'HH:mm:ss.SSSZZ",     // :ordinal-date-time
    "yyyy-DDD'T'HH:mm:ssZZ",         // :ordinal-date-time-no-ms
    "HH:mm:ss.SSS",                  // :hour-minute-second-ms
    "yyyy",                          // :year
    "'T'HH:mm:ssZZ",                 // :t-time-no-ms
    "xxxx'W'wwe'T'HHmmssZ",          // :basic-week-date-time-no-ms
    "yyyyMMdd",                      // :basic-date
    "xxxx-'W'ww",                    // :weekyear-week
    "yyyyDDD'T'HHmmssZ",             // :basic-ordinal-date-time-no-ms
    "yyyy-MM",                       // :year-month
    "xxxx-'W'ww-e",                  // :week-date
    "yyyy-MM-dd'T'HH",               // :date-hour
    "yyyy-MM-dd'T'HH:mm:ss",         // :date-hour-minute-second
    "xxxx-'W'ww-e'T'HH:mm:ssZZ",     // :week-date-time-no-ms
    "yyyyMMdd'T'HHmmssZ",            // :basic-date-time-no-ms
    "yyyy-MM-dd HH:mm:ss",           // :mysql
    "'T'HHmmss.SSSZ",                // :basic-t-time
];

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(crate) const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

#[derive(Clone, Copy)]
enum Tok {
    Token(&'static str),
    Quoted(&'static str),
}

/// Every formatter's tokens, read once: reading them on every call, and copying the text at
/// every step, made `from_string` half of `check`'s instructions (BENCHMARKS.md, session 3).
fn patterns() -> &'static [Vec<Tok>] {
    static P: std::sync::OnceLock<Vec<Vec<Tok>>> = std::sync::OnceLock::new();
    P.get_or_init(|| FORMATTERS.iter().map(|p| read_pattern(p)).collect())
}

/// `read-pattern` (the patterns are ASCII, so bytes are characters).
fn read_pattern(p: &'static str) -> Vec<Tok> {
    let c = p.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let h = c[i];
        i += 1;
        if h == b'\'' {
            if c.get(i) == Some(&b'\'') {
                out.push(Tok::Quoted("'"));
                i += 1;
            } else {
                let start = i;
                while i < c.len() && c[i] != b'\'' {
                    i += 1;
                }
                out.push(Tok::Quoted(&p[start..i]));
                i += 1;
            }
        } else if h.is_ascii_alphabetic() {
            let start = i - 1;
            while i < c.len() && c[i] == h {
                i += 1;
            }
            out.push(Tok::Token(&p[start..i]));
        } else {
            let start = i - 1;
            while i < c.len() && !(c[i].is_ascii_alphabetic() || c[i] == b'\'') {
                i += 1;
            }
            out.push(Tok::Quoted(&p[start..i]));
        }
    }
    out
}

#[derive(Default)]
struct Fields {
    years: Option<f64>,
    months: Option<f64>,
    days: Option<f64>,
    hours_h: Option<f64>, // `:HOURS` (pattern H): never range-checked by valid-date?
    minutes: Option<f64>,
    seconds: Option<f64>,
    millis: Option<f64>,
    weekyear: Option<f64>,
    weekyear_week: Option<f64>,
    day_of_week: Option<f64>,
    tz_minutes: f64,
}

/// `parse-number`: JS `parseInt` of at most `upper` ASCII digits (NaN when there are none).
fn number(s: &[char], lower: usize, upper: usize, max_kept: usize) -> (f64, &[char]) {
    let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let digits = &s[..n];
    let (take, rest_from) = if n >= lower {
        (upper.min(max_kept).min(n), upper.min(n))
    } else {
        (max_kept.min(n), n)
    };
    let v = if take == 0 {
        f64::NAN
    } else if take <= 15 {
        // Exact in an f64.
        digits[..take]
            .iter()
            .fold(0u64, |a, c| a * 10 + u64::from(*c as u32 - 48)) as f64
    } else {
        digits[..take].iter().collect::<String>().parse().unwrap()
    };
    // The digits left over and the rest: `s` from `rest_from` on.
    (v, &s[rest_from..])
}

/// `parse-period-name`: full names first, then their first three letters.
fn period_name<'a>(s: &'a [char], names: &[&str]) -> Option<(usize, &'a [char])> {
    let all = names.iter().copied().chain(names.iter().map(|n| &n[..3]));
    for (i, name) in all.enumerate() {
        let n = name.as_bytes();
        if s.len() >= n.len() && n.iter().zip(s).all(|(b, c)| *c == *b as char) {
            return Some((i % names.len(), &s[n.len()..]));
        }
    }
    None
}

/// `parse-quoted`: the quoted text is used as a regex anchored at the start; in these patterns
/// only `.` is special (any character but a line terminator).
fn quoted<'a>(s: &'a [char], q: &str) -> Option<&'a [char]> {
    let q = q.as_bytes();
    if s.len() < q.len() {
        return None;
    }
    let ok = q.iter().zip(s).all(|(p, c)| {
        if *p == b'.' {
            // JS `.` without the u flag: one UTF-16 unit; the half of an astral char it leaves
            // fails the `SSS` that always follows, so an astral char never matches here.
            !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') && (*c as u32) < 0x10000
        } else {
            *p as char == *c
        }
    });
    ok.then(|| &s[q.len()..])
}

/// `parse-timezone` :dddd / :long. `None` = throws; `Some(None)` = a `Z`, after which the rest of
/// the text is ignored.
fn timezone<'a>(s: &'a [char], f: &mut Fields) -> Option<Option<&'a [char]>> {
    let h = s[0];
    if h == 'Z' {
        f.tz_minutes = 0.0;
        return Some(None);
    }
    if h != '+' && h != '-' {
        return None;
    }
    let more = &s[1..];
    let d = |i: usize| {
        more.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| *c as u32 - 48)
    };
    let (hh, mm, used) = match (d(0), d(1), d(2), d(3)) {
        (Some(a), Some(b), Some(c), Some(e)) => (a * 10 + b, c * 10 + e, 4),
        _ => match (d(0), d(1), more.get(2), d(3), d(4)) {
            (Some(a), Some(b), Some(':'), Some(c), Some(e)) => (a * 10 + b, c * 10 + e, 5),
            _ => return None,
        },
    };
    let mins = f64::from(hh * 60 + mm);
    // "sign is reversed for adj"
    f.tz_minutes = if h == '+' { -mins } else { mins };
    Some(Some(&more[used..]))
}

/// `parse` with one formatter, then `valid-date?`, `week-date->gregorian` and `compile`.
/// Epoch milliseconds (NaN for an Invalid Date, which is still "a date" to Logseq).
fn parse_with(toks: &[Tok], value: &[char], this_year: i64) -> Option<f64> {
    let mut f = Fields::default();
    let mut s: &[char] = value;
    let mut i = 0;
    loop {
        if s.is_empty() {
            if i < toks.len() {
                return None;
            }
            break;
        }
        let t = toks.get(i)?;
        i += 1;
        s = match t {
            Tok::Quoted(q) => quoted(s, q)?,
            Tok::Token(t) => {
                let (slot, lower, upper, keep) = match *t {
                    "SSS" => (&mut f.millis, 3, 3, 3),
                    "ss" => (&mut f.seconds, 2, 2, usize::MAX),
                    "mm" => (&mut f.minutes, 2, 2, usize::MAX),
                    "HH" => (&mut f.hours_h, 2, 2, usize::MAX),
                    "dd" => (&mut f.days, 2, 2, usize::MAX),
                    "DDD" => (&mut f.days, 3, 3, usize::MAX),
                    "MM" => (&mut f.months, 1, 2, usize::MAX),
                    "yyyy" => (&mut f.years, 4, 4, usize::MAX),
                    "xxxx" => (&mut f.weekyear, 4, 4, usize::MAX),
                    "ww" => (&mut f.weekyear_week, 2, 2, usize::MAX),
                    "e" => (&mut f.day_of_week, 1, 2, usize::MAX),
                    "EEE" => {
                        let (d, rest) = period_name(s, &DAYS)?;
                        f.day_of_week = Some(if d == 0 { 7.0 } else { d as f64 });
                        s = rest;
                        continue;
                    }
                    "MMM" => {
                        let (m, rest) = period_name(s, &MONTHS)?;
                        f.months = Some(m as f64 + 1.0);
                        s = rest;
                        continue;
                    }
                    "Z" | "ZZ" => match timezone(s, &mut f)? {
                        Some(rest) => {
                            s = rest;
                            continue;
                        }
                        None => break,
                    },
                    _ => unreachable!("pattern letter not used by any formatter"),
                };
                let (v, rest) = number(s, lower, upper, keep);
                *slot = Some(v);
                rest
            }
        };
    }
    compile(f, this_year)
}

fn in_range(v: Option<f64>, lo: f64, hi: f64) -> bool {
    v.is_none_or(|v| lo <= v && v <= hi)
}

fn leap(y: f64) -> bool {
    (y % 400.0 == 0.0) || (y % 100.0 != 0.0 && y % 4.0 == 0.0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 0-based, may overflow like JS).
fn day_number(y: f64, m: f64, d: f64) -> f64 {
    let y = y + (m / 12.0).floor();
    let m = m.rem_euclid(12.0) as i64 + 1;
    let (y, m) = (y as i64, m);
    let (yy, mm) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * mm + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146097 + doe - 719468) as f64 + d
}

fn compile(mut f: Fields, this_year: i64) -> Option<f64> {
    // valid-date?
    let dim = match f.months {
        Some(m) if (1.0..=12.0).contains(&m) => {
            let base = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1];
            let leap_feb = f.years.is_some_and(|y| m == 2.0 && leap(y));
            Some(f64::from(base + i32::from(leap_feb)))
        }
        _ => None,
    };
    let ok = in_range(f.months, 1.0, 12.0)
        && in_range(f.days, 1.0, dim.unwrap_or(31.0))
        && in_range(f.minutes, 0.0, 59.0)
        && in_range(f.seconds, 0.0, 60.0)
        && in_range(f.millis, 0.0, 999.0)
        && in_range(f.weekyear_week, 1.0, 53.0)
        && in_range(f.day_of_week, 1.0, 7.0);
    if !ok {
        return None;
    }
    // week-date->gregorian: ISO week date from Jan 4 of the week-year.
    if let (Some(wy), Some(ww)) = (f.weekyear, f.weekyear_week) {
        if wy.is_nan() {
            return Some(f64::NAN);
        }
        let jan4 = day_number(wy, 0.0, 4.0) - 1.0;
        let iso_dow = (jan4 + 3.0).rem_euclid(7.0) + 1.0; // 1970-01-01 was a Thursday
        let day = jan4 + 7.0 * (ww - 1.0) + (f.day_of_week.unwrap_or(1.0) - iso_dow);
        let (y, m, d) = civil(day as i64);
        f.years = Some(y as f64);
        f.months = Some(m as f64);
        f.days = Some(d as f64);
    }
    // infer-years
    let pivot = this_year - 30;
    let century = this_year - this_year.rem_euclid(100);
    let mut years = f.years.unwrap_or(0.0);
    if years < ((pivot + 50).rem_euclid(100)) as f64 {
        years += century as f64;
    }
    // goog.date.UtcDateTime -> Date.UTC (`x || 0`: NaN and nil read as 0; years 0-99 are 19xx).
    let or = |v: Option<f64>, d: f64| v.filter(|v| !v.is_nan() && *v != 0.0).unwrap_or(d);
    if years.is_nan() {
        return Some(f64::NAN);
    }
    let years = if (0.0..=99.0).contains(&years) {
        years + 1900.0
    } else {
        years
    };
    let month = f.months.map(|m| m - 1.0);
    let days = day_number(years, or(month, 0.0), or(f.days, 1.0)) - 1.0;
    let ms = days * 86_400_000.0
        + or(f.hours_h, 0.0) * 3_600_000.0
        + or(f.minutes, 0.0) * 60_000.0
        + or(f.seconds, 0.0) * 1000.0
        + or(f.millis, 0.0)
        + f.tz_minutes * 60_000.0;
    Some(if ms.abs() > 8.64e15 { f64::NAN } else { ms })
}

/// Gregorian date of a day number since 1970-01-01 (day 0 = 1970-01-01).
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// One remembered answer of [`from_string`]: (text, year, result).
type Memo = (String, i64, Option<f64>);

/// `tc/from-string` on a string: epoch milliseconds of the first formatter that parses, NaN for
/// an Invalid Date; `None` when none parses. `this_year` feeds `infer-years` (it reads the clock).
pub fn from_string(s: &str, this_year: i64) -> Option<f64> {
    // A card's `card-next-schedule` is parsed for its schedule and again by the schedule rule of
    // the same analysis, on the same thread: the last few answers are kept (slots reuse their
    // buffers, so no allocation once warm).
    const SLOTS: usize = 32;
    thread_local! {
        static MEMO: std::cell::RefCell<(usize, Vec<Memo>)> =
            const { std::cell::RefCell::new((0, Vec::new())) };
    }
    MEMO.with_borrow_mut(|(next, slots)| {
        if let Some((_, _, v)) = slots.iter().find(|(k, y, _)| k == s && *y == this_year) {
            return *v;
        }
        let v = parse_all(s, this_year);
        if slots.len() < SLOTS {
            slots.push((s.to_string(), this_year, v));
        } else {
            let slot = &mut slots[*next];
            slot.0.clear();
            slot.0.push_str(s);
            (slot.1, slot.2) = (this_year, v);
            *next = (*next + 1) % SLOTS;
        }
        v
    })
}

fn parse_all(s: &str, this_year: i64) -> Option<f64> {
    // The characters on the stack: a schedule value is short.
    let mut buf = ['\0'; 64];
    let heap: Vec<char>;
    let chars: &[char] = if s.len() <= buf.len() {
        let mut n = 0;
        for c in s.chars() {
            buf[n] = c;
            n += 1;
        }
        &buf[..n]
    } else {
        heap = s.chars().collect();
        &heap
    };
    patterns()
        .iter()
        .find_map(|toks| parse_with(toks, chars, this_year))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of fixtures/schedule/from-string.txt against what the nbb-logseq oracle printed
    /// for it (from-string.expected, made in 2026; tests/test_schedule_oracle.py re-runs it live).
    #[test]
    fn agrees_with_the_cljs_time_oracle() {
        let input = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/schedule/from-string.txt"
        ));
        let expected = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/schedule/from-string.expected"
        ));
        let want: Vec<&str> = expected.lines().filter(|l| !l.starts_with('#')).collect();
        let got: Vec<&str> = input.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(got.len(), want.len());
        assert!(got.len() >= 100);
        let bad: Vec<String> = got
            .iter()
            .zip(&want)
            .filter_map(|(s, w)| {
                let ours = match from_string(s, 2026) {
                    None => "nil".to_string(),
                    Some(ms) if ms.is_nan() => "NaN".to_string(),
                    Some(ms) => format!("{}", ms as i64),
                };
                (ours != *w).then(|| format!("{s:?}: ours {ours}, cljs-time {w}"))
            })
            .collect();
        assert!(
            bad.is_empty(),
            "{} of {} differ:\n{}",
            bad.len(),
            got.len(),
            bad.join("\n")
        );
    }
}
