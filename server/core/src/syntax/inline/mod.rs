//! Logseq's inline syntax inside one line of text: `[[page]]`, `#tag`, `#[[multi word]]`,
//! `((block ref))`, `{{macro args}}` (embed, cloze, …), and code spans and inline math
//! (`$…$`, `\\(…\\)`), which make everything in them inert. Tags follow mldoc 1.5.7, the version
//! Logseq 0.10.x ships: a `#` starts a tag after any character (`Def#card`), except inside a
//! bare URL or a link target. Hand-written rather than tree-sitter-md's inline grammar: none of these are
//! CommonMark, and that grammar's incremental path returns wrong trees (ARCHITECTURE.md, "Dependencies and why").

use std::ops::Range;

mod spans;
use spans::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InlineKind {
    /// `[[name]]`; `name` excludes the brackets.
    PageRef { name: Range<usize> },
    /// `#name` or `#[[name]]`.
    Tag { name: Range<usize>, bracketed: bool },
    /// `((inner))`: `inner` is the raw text between the parentheses (may not be a UUID).
    BlockRef { inner: Range<usize>, in_embed: bool },
    /// `{{name args}}`. `closed` is false for an unclosed `{{` running to the end of the line.
    Macro {
        name: Range<usize>,
        args: Range<usize>,
        closed: bool,
    },
    /// `` `code` `` or inline math (`$x$`, `\\(x\\)`, `$$x$$`): nothing inside is a reference.
    Code,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub range: Range<usize>,
    pub kind: InlineKind,
}

/// Scans `text` (which starts at byte `base` of the page) and appends what it finds to `out`.
pub fn scan(text: &str, base: usize, out: &mut Vec<Inline>) {
    let mut s = Scanner {
        line: text.as_bytes(),
        base,
        no_backtick_close: Vec::new(),
        no_macro_close: None,
        last_close_brackets: None,
    };
    s.scan(text, base, out, 0);
}

/// The next byte at or after `from` that may start something the scanner reads (`` ` [ ( { # $ ``),
/// or `b.len()`. memchr finds each set with SIMD; `next` remembers where each search stopped, so
/// a line is searched about once per set however many candidates it holds (a `match` on every
/// byte was the parser's hottest loop).
struct Candidates {
    /// Next `[`, `(` or `{` at or after the last search's start, and next `` ` ``, `#` or `$`.
    brackets: usize,
    marks: usize,
    /// Whether the two positions above are valid (searched at least once).
    started: bool,
}

impl Candidates {
    fn next(&mut self, b: &[u8], from: usize) -> usize {
        let find = |k: Option<usize>| k.map_or(b.len(), |k| from + k);
        if !self.started || self.brackets < from {
            self.brackets = find(memchr::memchr3(b'[', b'(', b'{', &b[from..]));
        }
        if !self.started || self.marks < from {
            self.marks = find(memchr::memchr3(b'`', b'#', b'$', &b[from..]));
        }
        self.started = true;
        self.brackets.min(self.marks)
    }
}

/// Start of the last `]]` in `b`, as `str::rfind("]]")` finds it.
fn last_double_close(b: &[u8]) -> Option<usize> {
    let mut end = b.len();
    while let Some(q) = memchr::memrchr(b']', &b[..end]) {
        if q > 0 && b[q - 1] == b']' {
            return Some(q - 1);
        }
        end = q;
    }
    None
}

/// Longest `[[…]]` and `((…))` looked for: references are short, and a bound keeps a 1 MB line of
/// unmatched brackets linear.
const MAX_PAGE_REF: usize = 2048;
const MAX_BLOCK_REF: usize = 512;
const MAX_MACRO_NAME: usize = 256;
/// Macros nest (`{{embed ((x))}}` inside a cloze…) only this deep before their text is inert.
const MAX_DEPTH: usize = 4;

/// Memory of failed searches, so that unmatched openers cost one scan in all, not one each.
struct Scanner<'a> {
    /// The whole line being scanned, starting at page offset `base`.
    line: &'a [u8],
    base: usize,
    /// (backtick run length, offset from which no closing run of that length exists); a few
    /// entries at most, so a `Vec` costs less than a map created for every line.
    no_backtick_close: Vec<(usize, usize)>,
    /// Offset from which no `}}` exists.
    no_macro_close: Option<usize>,
    /// End of the last `]]` of the line: no `[[` after it can be closed. Found on the first `[[`
    /// (most lines have none, and searching every line cost a tenth of `check`).
    last_close_brackets: Option<Option<usize>>,
}

impl Scanner<'_> {
    fn scan(&mut self, text: &str, base: usize, out: &mut Vec<Inline>, depth: usize) {
        let b = text.as_bytes();
        let mut next = Candidates {
            brackets: 0,
            marks: 0,
            started: false,
        };
        let mut words = WordStart::default();
        // Whether the text holds an emphasis delimiter at all (asked on its first tag).
        let mut delims: Option<bool> = None;
        let mut i = 0;
        while i < b.len() {
            i = next.next(b, i);
            if i >= b.len() {
                break;
            }
            match b[i] {
                b'`' => {
                    let run = b[i..].iter().take_while(|c| **c == b'`').count();
                    let known_open = self
                        .no_backtick_close
                        .iter()
                        .any(|&(r, from)| r == run && base + i >= from);
                    match (!known_open)
                        .then(|| find_backtick_run(&b[i + run..], run))
                        .flatten()
                    {
                        Some(close) => {
                            let end = i + run + close + run;
                            out.push(Inline {
                                range: base + i..base + end,
                                kind: InlineKind::Code,
                            });
                            i = end;
                        }
                        None => {
                            match self.no_backtick_close.iter_mut().find(|(r, _)| *r == run) {
                                Some(e) => e.1 = base + i,
                                None => self.no_backtick_close.push((run, base + i)),
                            }
                            i += run;
                        }
                    }
                }
                b'[' if b[i..].starts_with(b"[[") => match self
                    .can_close(base + i)
                    .then(|| matching_brackets(b, i))
                    .flatten()
                {
                    Some(end) => {
                        out.push(Inline {
                            range: base + i..base + end,
                            kind: InlineKind::PageRef {
                                name: base + i + 2..base + end - 2,
                            },
                        });
                        i = end;
                    }
                    None => i += 2,
                },
                // `[label](target)`: mldoc keeps the label as plain text (`[#12](https://…)` is
                // no tag); a `[[page]]` or `((uuid))` target is a reference.
                b'[' if !b[i..].starts_with(b"[[") => match markdown_link(b, i) {
                    Some((t0, t1)) => {
                        let t = &b[t0..t1];
                        if t.len() > 4 && t.starts_with(b"[[") && t.ends_with(b"]]") {
                            out.push(Inline {
                                range: base + t0..base + t1,
                                kind: InlineKind::PageRef {
                                    name: base + t0 + 2..base + t1 - 2,
                                },
                            });
                        } else if t.starts_with(b"((") && block_ref_end(b, t0) == Some(t1) {
                            out.push(Inline {
                                range: base + t0..base + t1,
                                kind: InlineKind::BlockRef {
                                    inner: base + t0 + 2..base + t1 - 2,
                                    in_embed: false,
                                },
                            });
                        }
                        i = t1 + 1;
                    }
                    None => i += 1,
                },
                // `\(x\)`: inline math (mldoc Latex_Fragment), inert.
                b'(' if i > 0 && b[i - 1] == b'\\' => match find_from(b, i + 1, b"\\)") {
                    Some(c) => {
                        out.push(Inline {
                            range: base + i - 1..base + c + 2,
                            kind: InlineKind::Code,
                        });
                        i = c + 2;
                    }
                    None => i += 1,
                },
                // `[label](((uuid)))`: the first `(` belongs to the link.
                b'(' if b[i..].starts_with(b"(((") => i += 1,
                b'(' if b[i..].starts_with(b"((") => match block_ref_end(b, i) {
                    Some(end) => {
                        out.push(Inline {
                            range: base + i..base + end,
                            kind: InlineKind::BlockRef {
                                inner: base + i + 2..base + end - 2,
                                in_embed: false,
                            },
                        });
                        i = end;
                    }
                    None => i += 2,
                },
                b'{' if b[i..].starts_with(b"{{") => {
                    i = self.scan_macro(text, base, i, out, depth);
                }
                b'$' => match inline_math_end(b, i) {
                    Some(end) => {
                        out.push(Inline {
                            range: base + i..base + end,
                            kind: InlineKind::Code,
                        });
                        i = end;
                    }
                    None => i += 1,
                },
                // mldoc 1.5.7: a tag may follow any character (`Def#card`, `##card` is `#` then
                // `card`), but a `#` in a bare URL is part of the link.
                // `\#x` is an escaped `#`, plain text.
                b'#' if i > 0 && b[i - 1] == b'\\' => i += 1,
                b'#' => match link_part_end(b, words.of(b, i), i) {
                    Some(end) => i = end,
                    // mldoc 1.5.7 reads no tags inside emphasis (`**a #t**` is the text `a #t`).
                    None if !b[i + 1..].starts_with(b"[[")
                        && *delims.get_or_insert_with(|| has_delims(b))
                        && in_emphasis(b, i) =>
                    {
                        i += 1
                    }
                    None => {
                        // Only `#[[…]]` asks whether brackets can close.
                        let can_close = b[i + 1..].starts_with(b"[[") && self.can_close(base + i);
                        i = scan_tag(text, base, i, out, can_close);
                    }
                },
                _ => i += 1,
            }
        }
    }

    fn can_close(&mut self, at: usize) -> bool {
        let (line, base) = (self.line, self.base);
        self.last_close_brackets
            .get_or_insert_with(|| last_double_close(line).map(|p| base + p + 2))
            .is_some_and(|e| at + 4 <= e)
    }

    fn scan_macro(
        &mut self,
        text: &str,
        base: usize,
        i: usize,
        out: &mut Vec<Inline>,
        depth: usize,
    ) -> usize {
        let b = text.as_bytes();
        let ns = i + 2;
        let mut ne = ns;
        while ne < b.len() && !matches!(b[ne], b' ' | b'\t') && !b[ne..].starts_with(b"}}") {
            ne += 1;
            if ne - ns > MAX_MACRO_NAME {
                return ns; // no macro has such a name: plain text
            }
        }
        let close = if self.no_macro_close.is_some_and(|from| base + ne >= from) {
            None
        } else {
            let c = text[ne..].find("}}").map(|p| ne + p);
            if c.is_none() {
                self.no_macro_close = Some(base + ne);
            }
            c
        };
        let (args_end, end, closed) = match close {
            Some(c) => (c, c + 2, true),
            None => (b.len(), b.len(), false),
        };
        let a0 = (ne..args_end)
            .find(|&k| !matches!(b[k], b' ' | b'\t'))
            .unwrap_or(args_end);
        let name = &text[ns..ne];
        out.push(Inline {
            range: base + i..base + end,
            kind: InlineKind::Macro {
                name: base + ns..base + ne,
                args: base + a0..base + args_end,
                closed,
            },
        });
        if !closed {
            return ns; // an unclosed `{{` is plain text: keep scanning inside it
        }
        if depth >= MAX_DEPTH {
            return end;
        }
        // `{{embed ((uuid))}}` and `{{embed [[page]]}}` are references; `{{query …}}` contents are not.
        if name == "embed" {
            let mut inner = Vec::new();
            self.scan(&text[a0..args_end], base + a0, &mut inner, depth + 1);
            for mut x in inner {
                if let InlineKind::BlockRef { in_embed, .. } = &mut x.kind {
                    *in_embed = true;
                }
                out.push(x);
            }
        } else if name != "query" && name != "function" {
            self.scan(&text[a0..args_end], base + a0, out, depth + 1);
        }
        end
    }
}

/// Start of the whitespace-separated word holding each `#` asked about; remembers the last answer
/// so that a long line without whitespace is walked back once, not once per `#`.
#[derive(Default)]
struct WordStart {
    last: Option<(usize, usize)>,
}

impl WordStart {
    fn of(&mut self, b: &[u8], i: usize) -> usize {
        let (stop, known) = match self.last {
            Some((at, ws)) if at <= i => (at, ws),
            _ => (0, 0),
        };
        let mut j = i;
        while j > stop && !b[j - 1].is_ascii_whitespace() {
            j -= 1;
        }
        let ws = if j == stop { known } else { j };
        self.last = Some((i, ws));
        ws
    }
}

/// `#tag` stops at whitespace and `, ! ? ' " # :`; trailing `.` and `;` are dropped (mldoc 1.5.7:
/// `#a;b` and `#a)` are tags, `#a:b` is the tag `a`).
fn scan_tag(text: &str, base: usize, i: usize, out: &mut Vec<Inline>, can_close: bool) -> usize {
    let b = text.as_bytes();
    if b[i + 1..].starts_with(b"[[") {
        if let Some(end) = can_close.then(|| matching_brackets(b, i + 1)).flatten() {
            out.push(Inline {
                range: base + i..base + end,
                kind: InlineKind::Tag {
                    name: base + i + 3..base + end - 2,
                    bracketed: true,
                },
            });
            return end;
        }
        return i + 1;
    }
    // ASCII bytes are tested as bytes; the first non-ASCII character takes the `char` path.
    let mut j = i + 1;
    while j < b.len() && b[j].is_ascii() {
        if matches!(
            b[j],
            b'\t'
                | b'\n'
                | 0x0b
                | 0x0c
                | b'\r'
                | b' '
                | b','
                | b'!'
                | b'?'
                | b'\''
                | b'"'
                | b'#'
                | b':'
        ) {
            break;
        }
        j += 1;
    }
    if j < b.len() && !b[j].is_ascii() {
        for ch in text[j..].chars() {
            if ch.is_whitespace() || matches!(ch, ',' | '!' | '?' | '\'' | '"' | '#' | ':') {
                break;
            }
            j += ch.len_utf8();
        }
    }
    while j > i + 1 && matches!(b[j - 1], b'.' | b';') {
        j -= 1;
    }
    if j == i + 1 {
        return i + 1;
    }
    out.push(Inline {
        range: base + i..base + j,
        kind: InlineKind::Tag {
            name: base + i + 1..base + j,
            bracketed: false,
        },
    });
    j
}

#[cfg(test)]
mod tests;
