//! Journal pages: a page whose name reads as a date is the journal of that day, named in the
//! graph's `:journal/page-title-format` (graph-parser block.cljs@0.10.9 line 273
//! `convert-page-if-journal`, date_time_util.cljs `safe-journal-title-formatters`: the name is
//! lower-cased, capitalized word by word and parsed with the configured format, then
//! `MMM do, yyyy`, `yyyy-MM-dd` and `yyyy_MM_dd`). So `journals/2024_01_31.md` is the page
//! `Jan 31st, 2024`, and `[[2024-01-31]]` links to it.
//!
//! The formats are cljs-time patterns; the tokens written here are the ones Logseq's own format
//! choices use (`yyyy yy MMMM MMM MM M dd d do EEEE EEE EE E`, quoted text, other characters as
//! they are). A day is `yyyymmdd` as an integer, as graph-parser stores `:block/journal-day`.

use chrono::{Datelike, NaiveDate};

// cljs-time's English names (its `months` and `days`, Sunday first).
use crate::model::cljs_time::{DAYS as WEEKDAYS, MONTHS};

/// Logseq's default `:journal/page-title-format`.
pub const DEFAULT_FORMAT: &str = "MMM do, yyyy";

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Field(&'a str),
    Text(&'a str),
}

/// A cljs-time pattern as tokens: runs of one letter are fields, `'…'` is text.
fn tokens(p: &str) -> Vec<Tok<'_>> {
    let b = p.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c == b'\'' {
            let end = p[i + 1..].find('\'').map_or(p.len(), |k| i + 1 + k);
            out.push(Tok::Text(&p[i + 1..end]));
            i = (end + 1).min(p.len());
        } else if c.is_ascii_alphabetic() {
            while i < b.len() && b[i] == c {
                i += 1;
            }
            // `do` (day with ordinal suffix) is one field in Logseq's cljs-time fork.
            if &p[start..i] == "d" && b.get(i) == Some(&b'o') {
                i += 1;
            }
            out.push(Tok::Field(&p[start..i]));
        } else {
            while i < b.len() && !b[i].is_ascii_alphabetic() && b[i] != b'\'' {
                i += 1;
            }
            out.push(Tok::Text(&p[start..i]));
        }
    }
    out
}

fn ordinal(d: u32) -> &'static str {
    match d {
        11..=13 => "th",
        _ if d % 10 == 1 => "st",
        _ if d % 10 == 2 => "nd",
        _ if d % 10 == 3 => "rd",
        _ => "th",
    }
}

fn date_of(day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt((day / 10000) as i32, (day / 100) % 100, day % 100)
}

fn day_of(d: NaiveDate) -> u32 {
    d.year() as u32 * 10000 + d.month() * 100 + d.day()
}

/// `int->journal-title`: the day written in `format`. None for a token this port does not know.
pub fn title(day: u32, format: &str) -> Option<String> {
    let d = date_of(day)?;
    let mut s = String::new();
    for t in tokens(format) {
        match t {
            Tok::Text(x) => s.push_str(x),
            Tok::Field("yyyy") => s.push_str(&format!("{:04}", d.year())),
            Tok::Field("yy") => s.push_str(&format!("{:02}", d.year() % 100)),
            Tok::Field("MMMM") => s.push_str(MONTHS[d.month0() as usize]),
            Tok::Field("MMM") => s.push_str(&MONTHS[d.month0() as usize][..3]),
            Tok::Field("MM") => s.push_str(&format!("{:02}", d.month())),
            Tok::Field("M") => s.push_str(&d.month().to_string()),
            Tok::Field("dd") => s.push_str(&format!("{:02}", d.day())),
            Tok::Field("d") => s.push_str(&d.day().to_string()),
            Tok::Field("do") => s.push_str(&format!("{}{}", d.day(), ordinal(d.day()))),
            Tok::Field("EEEE") => s.push_str(WEEKDAYS[d.weekday().num_days_from_sunday() as usize]),
            Tok::Field("EEE" | "EE" | "E") => {
                s.push_str(&WEEKDAYS[d.weekday().num_days_from_sunday() as usize][..3])
            }
            Tok::Field(_) => return None,
        }
    }
    Some(s)
}

/// The day `name` is written in `format`, read strictly: the name must be what [`title`] writes
/// for that day, in any case (graph-parser lower-cases it first).
fn parse(name: &str, format: &str) -> Option<u32> {
    let mut rest = name;
    let (mut y, mut m, mut d) = (None, None, None);
    let digits = |s: &str, min: usize, max: usize| -> Option<(u32, usize)> {
        let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
        (n >= min)
            .then(|| (s[..n].parse().ok(), n))
            .and_then(|(v, n)| Some((v?, n)))
    };
    let word = |s: &str, words: &[&str], len: Option<usize>| -> Option<(u32, usize)> {
        words.iter().enumerate().find_map(|(k, w)| {
            let w = len.map_or(*w, |n| &w[..n]);
            s.get(..w.len())
                .filter(|h| h.eq_ignore_ascii_case(w))
                .map(|_| (k as u32, w.len()))
        })
    };
    for t in tokens(format) {
        let (_, n) = match t {
            Tok::Text(x) => {
                let h = rest.get(..x.len()).filter(|h| h.eq_ignore_ascii_case(x))?;
                (0, h.len())
            }
            Tok::Field("yyyy") => digits(rest, 4, 4).inspect(|(v, _)| y = Some(*v))?,
            Tok::Field("MMMM") => word(rest, &MONTHS, None).inspect(|(v, _)| m = Some(v + 1))?,
            Tok::Field("MMM") => word(rest, &MONTHS, Some(3)).inspect(|(v, _)| m = Some(v + 1))?,
            Tok::Field("MM") => digits(rest, 2, 2).inspect(|(v, _)| m = Some(*v))?,
            Tok::Field("M") => digits(rest, 1, 2).inspect(|(v, _)| m = Some(*v))?,
            Tok::Field("dd") => digits(rest, 2, 2).inspect(|(v, _)| d = Some(*v))?,
            Tok::Field("d") => digits(rest, 1, 2).inspect(|(v, _)| d = Some(*v))?,
            Tok::Field("do") => {
                let (v, n) = digits(rest, 1, 2)?;
                let suffix = rest[n..]
                    .get(..2)
                    .filter(|s| s.eq_ignore_ascii_case(ordinal(v)))?;
                d = Some(v);
                (v, n + suffix.len())
            }
            Tok::Field("EEEE") => word(rest, &WEEKDAYS, None)?,
            Tok::Field("EEE" | "EE" | "E") => word(rest, &WEEKDAYS, Some(3))?,
            // `yy` needs cljs-time's century pivot; not ported: no journal by this format.
            Tok::Field(_) => return None,
        };
        rest = &rest[n..];
    }
    if !rest.is_empty() {
        return None;
    }
    let day = day_of(NaiveDate::from_ymd_opt(y? as i32, m?, d?)?);
    // A weekday must be the day's own.
    title(day, format)?
        .eq_ignore_ascii_case(name)
        .then_some(day)
}

/// `journal-title->int` with `safe-journal-title-formatters`: the day a page name reads as.
pub fn day(name: &str, format: &str) -> Option<u32> {
    let name = name.trim();
    [format, DEFAULT_FORMAT, "yyyy-MM-dd", "yyyy_MM_dd"]
        .iter()
        .filter(|f| !f.trim().is_empty())
        .find_map(|f| parse(name, f))
}

/// A page's name as graph-parser stores it: a journal's in `format`, anything else as it is.
pub fn page_name(name: &str, format: &str) -> Option<String> {
    day(name, format).and_then(|d| title(d, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    // block.cljs@0.10.9 line 273 `convert-page-if-journal` with the default format.
    #[test]
    fn file_names_and_titles_become_journal_names() {
        for (name, want) in [
            ("2024_01_31", Some("Jan 31st, 2024")),
            ("2024-02-02", Some("Feb 2nd, 2024")),
            ("jan 1st, 2024", Some("Jan 1st, 2024")),
            ("Mar 13th, 2023", Some("Mar 13th, 2023")),
            ("Mar 13rd, 2023", None),
            ("2024_02_30", None),
            ("2024_1_31", None),
            ("my 😀 page", None),
            ("", None),
        ] {
            assert_eq!(page_name(name, DEFAULT_FORMAT).as_deref(), want, "{name:?}");
        }
    }

    #[test]
    fn a_configured_format_names_the_journals() {
        let f = "EEEE, dd.MM.yyyy";
        assert_eq!(title(20240131, f).as_deref(), Some("Wednesday, 31.01.2024"));
        assert_eq!(
            page_name("2024_01_31", f).as_deref(),
            Some("Wednesday, 31.01.2024")
        );
        assert_eq!(day("wednesday, 31.01.2024", f), Some(20240131));
        // The wrong weekday is no date.
        assert_eq!(day("Monday, 31.01.2024", f), None);
        assert_eq!(
            page_name("2024-01-31", "yyyy/MM/dd").as_deref(),
            Some("2024/01/31")
        );
        assert_eq!(title(20240131, "'week' ww"), None);
    }
}
