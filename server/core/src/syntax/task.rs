//! A block's task data as graph-parser stores it: `:block/marker`, `:block/priority`,
//! `:block/scheduled` and `:block/deadline`. One reader for every face (refs, `logseq-lsp graph`).
//!
//! Planning follows graph-parser block.cljs@0.10.9 `extract-blocks` (lines 659-687): it walks a
//! block's mldoc nodes backwards, and each `Paragraph` whose first or second inline is a
//! `Timestamp` (`paragraph-timestamp-block?`, line 240) *replaces* the pending timestamps with
//! its own (`extract-timestamps`, line 246: every timestamp of that paragraph, the later of two
//! of one kind winning) and is left out of the block's body, so its links and tags are no refs.
//! So the first such paragraph in the text decides SCHEDULED/DEADLINE (line 255
//! `timestamps->scheduled-and-deadline`: the day as the int `yyyyMMdd`), even when it holds only
//! a plain `<date>`. mldoc 1.5.7 splits paragraphs at property drawers, drawers, fences,
//! `#+BEGIN_…`, display math and lists, not at blank lines (each is a `Break_Line` inline).

use std::ops::Range;

use crate::syntax::outline::{Block, BlockKind, LineKind};
use crate::syntax::text::indent_len;

/// mldoc 1.5.7's task markers.
pub const MARKERS: [&str; 11] = [
    "TODO",
    "DOING",
    "WAITING",
    "WAIT",
    "DONE",
    "CANCELED",
    "CANCELLED",
    "STARTED",
    "IN-PROGRESS",
    "NOW",
    "LATER",
];

/// The marker and priority of a heading (bullet or `#`) block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Task {
    /// The marker and where it is written.
    pub marker: Option<(&'static str, Range<usize>)>,
    /// `[#A]`: where it is written; the priority is the byte at `start + 2`.
    pub priority: Option<Range<usize>>,
}

/// mldoc 1.5.7 heading parser: the title's first word is a marker when a space follows it (a
/// tab or the line's end makes it text: `- TODO` and `- TODO<TAB>x` have no marker, checked on
/// the graph-parser oracle), then after blanks `[#` one byte `]` is the priority (`[#1]` too).
pub fn task(src: &str, b: &Block) -> Task {
    let mut t = Task::default();
    if b.kind == BlockKind::Pre || b.lines.is_empty() {
        return t;
    }
    let end = b.lines[0].line.end;
    let start = b.title.start.min(end);
    let raw = &src[start..end];
    let mut at = 0;
    if let Some((w, _)) = raw.split_once(' ') {
        if let Some(m) = MARKERS.iter().find(|m| **m == w) {
            t.marker = Some((m, start..start + m.len()));
            at = m.len() + indent_len(&raw[m.len()..]);
        }
    }
    let p = &raw.as_bytes()[at..];
    if p.len() >= 4 && p.starts_with(b"[#") && p[2].is_ascii() && p[3] == b']' {
        t.priority = Some(start + at..start + at + 4);
    }
    t
}

/// Where the heading's text starts after its marker and priority (and the blanks after them):
/// the outline's title look-ahead, where a `$$`, fence, `#+BEGIN_`, drawer or property is the
/// block's body rather than its title.
pub fn after_task(src: &str, b: &Block) -> usize {
    let Some(first) = b.lines.first().filter(|_| b.kind != BlockKind::Pre) else {
        return b.title.start; // a pre-block has no heading line
    };
    let (ls, le) = (first.line.start, first.line.end);
    let content = b.title.start.clamp(ls, le) - ls;
    ls + crate::syntax::outline::title_lookahead(&src[ls..le], content)
}

/// SCHEDULED and DEADLINE days (`yyyyMMdd` as graph-parser computes it) and the paragraphs
/// graph-parser takes out of the block's body for holding them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planning {
    pub scheduled: Option<u64>,
    pub deadline: Option<u64>,
    /// Byte ranges of the timestamp paragraphs (no refs are read in them).
    pub dropped: Vec<Range<usize>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scheduled,
    Deadline,
    /// `CLOSED:`, a plain `<date>` or `[date]`, a range: timestamps that set neither day.
    Other,
}

/// An open paragraph.
struct Para {
    start: usize,
    end: usize,
    /// Inlines before its first text (one `Break_Line` per leading blank line).
    leading: usize,
    /// Whether its first text line was read, and then whether it is a timestamp paragraph.
    started: bool,
    timestamps: bool,
}

pub fn planning(src: &str, b: &Block) -> Planning {
    let mut out = Planning::default();
    // Every timestamp opens with `<` or `[`: most blocks have neither.
    if memchr::memchr2(b'<', b'[', src[b.range.clone()].as_bytes()).is_none() {
        return out;
    }
    let mut para: Option<Para> = None;
    let mut first = true;
    for bl in &b.lines {
        let (ls, le) = (bl.line.start, bl.line.end);
        match bl.kind {
            LineKind::First => {
                // The title is the heading's, no paragraph; after a one-line `$$…$$` at its start
                // the rest of the line is one (`- $$ x $$ SCHEDULED: <…>`).
                let t0 = after_task(src, b).min(le);
                if let Some(rest) = after_line_math(src, t0, le) {
                    para = Some(open(src, rest, le, 0));
                }
            }
            LineKind::Text => {
                if let Some(rest) = after_line_math(src, ls, le) {
                    close(src, para.take(), &mut out, &mut first);
                    para = Some(open(src, rest, le, 0));
                    continue;
                }
                para = Some(match para.take() {
                    Some(mut p) if p.started => {
                        p.end = le;
                        p
                    }
                    // After leading blank lines: they are its first inlines.
                    Some(p) => Para {
                        start: p.start,
                        ..open(src, ls, le, p.leading)
                    },
                    None => open(src, ls, le, 0),
                });
            }
            LineKind::Blank => match &mut para {
                Some(p) => {
                    if !p.started {
                        p.leading += 1;
                    }
                    p.end = le;
                }
                None => {
                    para = Some(Para {
                        start: ls,
                        end: le,
                        leading: 1,
                        started: false,
                        timestamps: false,
                    })
                }
            },
            _ => close(src, para.take(), &mut out, &mut first),
        }
    }
    close(src, para, &mut out, &mut first);
    out
}

/// A paragraph whose first text starts at `at` (line end `le`) after `leading` inlines.
fn open(src: &str, at: usize, le: usize, leading: usize) -> Para {
    let s = &src[at..le];
    let timestamps = first_timestamp(s).is_some_and(|(pos, _, _)| {
        let prefix = &s[..pos];
        let before = leading + usize::from(!prefix.is_empty());
        before <= 1 && (prefix.is_empty() || is_plain(prefix))
    });
    Para {
        start: at,
        end: le,
        leading,
        started: true,
        timestamps,
    }
}

fn close(src: &str, para: Option<Para>, out: &mut Planning, first: &mut bool) {
    let Some(p) = para.filter(|p| p.started && p.timestamps) else {
        return;
    };
    out.dropped.push(p.start..p.end);
    if !std::mem::take(first) {
        return; // a later timestamp paragraph is replaced by the first
    }
    let text = &src[p.start..p.end];
    let mut from = 0;
    while let Some((pos, kind, len_day)) = first_timestamp(&text[from..]) {
        let (len, day) = len_day;
        match kind {
            Kind::Scheduled => out.scheduled = day,
            Kind::Deadline => out.deadline = day,
            Kind::Other => {}
        }
        from += pos + len;
    }
}

/// If `src[at..le]` starts (after blanks) with a one-line display math `$$…$$`: where the rest
/// of the line starts (mldoc reads the math as its own node, the rest as a new paragraph).
fn after_line_math(src: &str, at: usize, le: usize) -> Option<usize> {
    let s = &src[at..le];
    let t = s.trim_start();
    let body = t.strip_prefix("$$")?;
    let close = body.find("$$")?;
    Some(at + (s.len() - t.len()) + 2 + close + 2)
        .filter(|&r| r < le && !src[r..le].trim().is_empty())
}

/// Whether `prefix` is one mldoc `Plain` inline: no markup that would make another inline.
fn is_plain(prefix: &str) -> bool {
    let b = prefix.as_bytes();
    !b.iter().enumerate().any(|(k, &c)| match c {
        b'[' | b']' | b'#' | b'*' | b'~' | b'=' | b'^' | b'`' | b'$' | b'<' | b'{' | b'\\' => true,
        b'_' => k == 0 || b[k - 1].is_ascii_whitespace(),
        b'(' => b.get(k + 1) == Some(&b'('),
        b':' => b[k + 1..].starts_with(b"//"),
        _ => false,
    })
}

/// The first timestamp in `s`: (where it starts, its kind, (its length, its day)).
#[allow(clippy::type_complexity)]
fn first_timestamp(s: &str) -> Option<(usize, Kind, (usize, Option<u64>))> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr2(b'<', b'[', &b[from..]) {
        let q = from + k;
        from = q + 1;
        let Some((len, day)) = date(&b[q..]) else {
            continue;
        };
        // `SCHEDULED: <…>`, `DEADLINE: […]`, `CLOSED: <…>` (any case, blanks after the colon).
        let head = s[..q].trim_end_matches([' ', '\t']);
        if head.len() < q {
            for (word, kind) in [
                ("SCHEDULED:", Kind::Scheduled),
                ("DEADLINE:", Kind::Deadline),
                ("CLOSED:", Kind::Other),
            ] {
                let Some(w0) = head.len().checked_sub(word.len()) else {
                    continue;
                };
                let boundary = w0 == 0 || b[w0 - 1].is_ascii_whitespace();
                if boundary && head.is_char_boundary(w0) && head[w0..].eq_ignore_ascii_case(word) {
                    return Some((w0, kind, (q + len - w0, day)));
                }
            }
        }
        // A plain `<date>` needs a blank or the start before it (`x:<…>` is text).
        if q == 0 || b[q - 1].is_ascii_whitespace() {
            return Some((q, Kind::Other, (len, day)));
        }
    }
    None
}

/// `<yyyy-mm-dd Www…>` or `[…]` (mldoc 1.5.7: any digits, no date check, one space then ASCII
/// letters, then the close or a space and more): (length, the day as graph-parser's
/// `(js/parseInt (str year (zero-pad month) (zero-pad day)))`).
fn date(b: &[u8]) -> Option<(usize, Option<u64>)> {
    let close = match b.first()? {
        b'<' => b'>',
        b'[' => b']',
        _ => return None,
    };
    let mut i = 1;
    let num = |i: &mut usize| -> Option<(u64, usize)> {
        let n = b[*i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        let v = std::str::from_utf8(&b[*i..*i + n]).ok()?.parse().ok()?;
        *i += n;
        Some((v, n))
    };
    let (y, _) = num(&mut i)?;
    (b.get(i) == Some(&b'-')).then_some(())?;
    i += 1;
    let (m, _) = num(&mut i)?;
    (b.get(i) == Some(&b'-')).then_some(())?;
    i += 1;
    let (d, _) = num(&mut i)?;
    (b.get(i) == Some(&b' ')).then_some(())?;
    i += 1;
    let w = b[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if w == 0 {
        return None;
    }
    i += w;
    match b.get(i) {
        Some(&c) if c == close => i += 1,
        Some(b' ') if b.get(i + 1).is_some_and(|&c| c != b' ' && c != close) => {
            let e = memchr::memchr(close, &b[i..])?;
            if b[i..i + e].contains(&b'\n') {
                return None;
            }
            i += e + 1;
        }
        _ => return None,
    }
    let digits = |v: u64| if v < 10 { 2 } else { v.ilog10() + 1 };
    let day = y
        .checked_mul(10u64.checked_pow(digits(m) + digits(d))?)
        .and_then(|v| v.checked_add(m * 10u64.pow(digits(d)) + d));
    Some((i, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline::parse;

    fn plan(s: &str, i: usize) -> (Option<u64>, Option<u64>) {
        let o = parse(s);
        let p = planning(s, &o.blocks[i]);
        (p.scheduled, p.deadline)
    }

    fn marker(s: &str) -> Option<&'static str> {
        let o = parse(s);
        task(s, &o.blocks[0]).marker.map(|m| m.0)
    }

    #[test]
    fn markers_need_a_space() {
        // graph-parser oracle: `- TODO` and `- TODO<TAB>x` have no marker, `- TODO ` has one.
        assert_eq!(marker("- TODO\n"), None);
        assert_eq!(marker("- TODO\tx\n"), None);
        assert_eq!(marker("- TODO \n"), Some("TODO"));
        assert_eq!(marker("- WAITING x\n"), Some("WAITING"));
        assert_eq!(marker("- WAIT x\n"), Some("WAIT"));
        assert_eq!(marker("- TODOx y\n"), None);
        let s = "- DONE [#1] y\n";
        let o = parse(s);
        assert_eq!(task(s, &o.blocks[0]).priority, Some(7..11));
    }

    #[test]
    fn planning_as_graph_parser() {
        // The first timestamp paragraph wins; within it, the later of one kind.
        let s = "- a\n  SCHEDULED: <2024-12-05 Sun>\n  b\n  DEADLINE: <2024-07-17 Sun>\n";
        assert_eq!(plan(s, 0), (Some(20241205), Some(20240717)));
        let s = "- a\n  DEADLINE: <2024-07-03 Sat>\n  k:: v\n  SCHEDULED: <2024-03-11 Mon>\n";
        assert_eq!(plan(s, 0), (None, Some(20240703)));
        // After a fence, a drawer, display math or a `#+END_…`: a paragraph of its own.
        for body in [
            "```\n  x\n  ```",
            ":LOGBOOK:\n  CLOCK: x\n  :END:",
            "$$\n  x\n  $$",
            "#+BEGIN_TIP\n  x\n  #+END_TIP",
        ] {
            let s = format!("- a\n  {body}\n  SCHEDULED: <2024-01-02 Tue>\n");
            assert_eq!(plan(&s, 0), (Some(20240102), None), "{s}");
        }
        // Inline 3 or later: text.
        let s = "- a\n  $$ x = 1 $$ b\n  SCHEDULED: <2024-10-08 Sun>\n";
        assert_eq!(plan(s, 0), (None, None));
        let s = "- a\n  b\n  SCHEDULED: <2024-10-08 Sun>\n";
        assert_eq!(plan(s, 0), (None, None));
        let s = "- a\n\n  SCHEDULED: <2024-10-08 Sun>\n";
        assert_eq!(plan(s, 0), (None, None));
        // One plain inline before it is fine; no date check; any case; `[…]` too.
        let s = "- a\n  x, scheduled: [2024-13-45 Mon 10:00 +1w]\n";
        assert_eq!(plan(s, 0), (Some(20241345), None));
        // A plain date paragraph first replaces a later schedule.
        let s = "- a\n  <2024-01-01 Mon> x\n  k:: v\n  SCHEDULED: <2024-01-02 Tue>\n";
        assert_eq!(plan(s, 0), (None, None));
        for bad in ["<2024-01-01>", "<2024-01-01 Mon >", "<2024-01-01 Mon10:00>"] {
            let s = format!("- a\n  SCHEDULED: {bad}\n");
            assert_eq!(plan(&s, 0), (None, None), "{s}");
        }
    }
}
