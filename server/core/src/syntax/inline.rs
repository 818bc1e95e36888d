//! Logseq's inline syntax inside one line of text: `[[page]]`, `#tag`, `#[[multi word]]`,
//! `((block ref))`, `{{macro args}}` (embed, cloze, …), and code spans and inline math
//! (`$…$`, `\\(…\\)`), which make everything in them inert. Tags follow mldoc 1.5.7, the version
//! Logseq 0.10.x ships: a `#` starts a tag after any character (`Def#card`), except inside a
//! bare URL or a link target. Hand-written rather than tree-sitter-md's inline grammar: none of these are
//! CommonMark, and that grammar's incremental path returns wrong trees (ARCHITECTURE.md, "Dependencies and why").

use std::ops::Range;

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

/// If the `#` at `i` (in the word starting at `ws`) is part of a bare URL (`https://a.com/#x`,
/// `<http://…>`): where the URL ends. mldoc reads a URL only at a word's start
/// (`(http://a/#x)` is text and a tag). A `#` in a link target (`[t](#a)`) never gets here:
/// `markdown_link` consumed the link.
fn link_part_end(b: &[u8], ws: usize, i: usize) -> Option<usize> {
    let word = &b[ws..i];
    let url = word.strip_prefix(b"<").unwrap_or(word);
    let scheme = url
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        .count();
    (scheme > 0 && url[0].is_ascii_alphabetic() && url[scheme..].starts_with(b"://")).then(|| {
        i + b[i..]
            .iter()
            .take_while(|c| !c.is_ascii_whitespace())
            .count()
    })
}

/// `[label](target)` starting at the `[` at `i`: the target's range (inside the parentheses).
/// Brackets and parentheses nest (`[x [[p]]](u)`, `[l](((uuid)))`).
fn markdown_link(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let limit = b.len().min(i + MAX_PAGE_REF);
    let close = matching(b, i, limit, b'[', b']')?;
    if b.get(close + 1) != Some(&b'(') {
        return None;
    }
    let end = matching(b, close + 1, limit, b'(', b')')?;
    Some((close + 2, end))
}

/// Index of the `close` matching the `open` at `i`, before `limit`.
fn matching(b: &[u8], i: usize, limit: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &c) in b[i..limit].iter().enumerate() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i + k);
            }
        }
    }
    None
}

/// First occurrence of `pat` in `b` at or after `from`.
fn find_from(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    memchr::memmem::find(&b[from..], pat).map(|k| from + k)
}

/// End (exclusive) of the inline math starting at the `$` at `i`, as mldoc 1.5.7 reads it:
/// `$$…$$`, or `$x…y$` whose first and last characters are not spaces (`$5 and $6` is text).
fn inline_math_end(b: &[u8], i: usize) -> Option<usize> {
    if b[i..].starts_with(b"$$") {
        return find_from(b, i + 2, b"$$")
            .filter(|&c| c > i + 2)
            .map(|c| c + 2);
    }
    let first = *b.get(i + 1)?;
    if first.is_ascii_whitespace() || first == b'$' {
        return None;
    }
    let c = find_from(b, i + 1, b"$")?;
    (!b[c - 1].is_ascii_whitespace()).then_some(c + 1)
}

fn find_backtick_run(b: &[u8], run: usize) -> Option<usize> {
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let r = b[i..].iter().take_while(|c| **c == b'`').count();
            if r == run {
                return Some(i);
            }
            i += r;
        } else {
            i += 1;
        }
    }
    None
}

/// End (exclusive) of the `[[…]]` starting at `i`, honouring nesting (`[[a [[b]]]]`).
fn matching_brackets(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    let limit = b.len().min(i + MAX_PAGE_REF);
    while j + 1 < limit {
        if b[j] == b'[' && b[j + 1] == b'[' {
            depth += 1;
            j += 2;
        } else if b[j] == b']' && b[j + 1] == b']' {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return (j - i > 4).then_some(j);
            }
        } else {
            j += 1;
        }
    }
    None
}

/// mldoc reads `((` + any text without `)` + `))` as a block reference.
fn block_ref_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 2;
    let limit = b.len().min(i + MAX_BLOCK_REF);
    while j < limit && b[j] != b')' {
        j += 1;
    }
    (j > i + 2 && b[j..].starts_with(b"))")).then_some(j + 2)
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

fn has_delims(b: &[u8]) -> bool {
    memchr::memchr3(b'*', b'_', b'~', b).is_some() || memchr::memchr2(b'=', b'^', b).is_some()
}

/// How far [`in_emphasis`] looks for the delimiters around a `#`.
const MAX_EMPHASIS: usize = 512;

/// Whether the `#` at `i` lies inside an emphasis span on its line, as mldoc 1.5.7 reads them:
/// `**`, `__`, `~~`, `==`, `^^`, `*` or `_` followed by a non-blank, closed by the same delimiter
/// after a non-blank (an `_` only at a word's edges: `a_b_` is text).
fn in_emphasis(b: &[u8], i: usize) -> bool {
    const DELIMS: [&[u8]; 7] = [b"**", b"__", b"~~", b"==", b"^^", b"*", b"_"];
    let lo = i.saturating_sub(MAX_EMPHASIS);
    let hi = (i + MAX_EMPHASIS).min(b.len());
    let delim = |c: &u8| matches!(c, b'*' | b'_' | b'~' | b'=' | b'^');
    if !b[lo..i].iter().any(delim) || !b[i..hi].iter().any(delim) {
        return false;
    }
    DELIMS.iter().any(|d| {
        let under = d[0] == b'_';
        // A run of exactly this delimiter (`**` is not two `*`).
        let run = |k: usize| {
            b[k..].starts_with(d)
                && (k == 0 || b[k - 1] != d[0])
                && b.get(k + d.len()) != Some(&d[0])
        };
        let opens = |k: usize| {
            run(k)
                && b.get(k + d.len()).is_some_and(|c| !c.is_ascii_whitespace())
                && (!under || k == 0 || !b[k - 1].is_ascii_alphanumeric())
        };
        let closes = |k: usize| {
            run(k)
                && k > 0
                && !b[k - 1].is_ascii_whitespace()
                && (!under
                    || b.get(k + d.len())
                        .is_none_or(|c| !c.is_ascii_alphanumeric()))
        };
        // The nearest opener before `i` not closed before `i`, then a closer after it.
        let Some(o) = (lo..i).rev().find(|&k| opens(k)) else {
            return false;
        };
        if (o + d.len()..i).any(|k| closes(k) && k > o + d.len()) {
            return false;
        }
        (i + 1..hi).any(closes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        scan(s, 0, &mut v);
        v.iter()
            .map(|x| match &x.kind {
                InlineKind::PageRef { name } => format!("page:{}", &s[name.clone()]),
                InlineKind::Tag { name, .. } => format!("tag:{}", &s[name.clone()]),
                InlineKind::BlockRef { inner, in_embed } => {
                    format!("ref:{}:{}", &s[inner.clone()], in_embed)
                }
                InlineKind::Macro { name, args, closed } => {
                    format!("macro:{}:{}:{}", &s[name.clone()], &s[args.clone()], closed)
                }
                InlineKind::Code => format!("code:{}", &s[x.range.clone()]),
            })
            .collect()
    }

    #[test]
    fn tags_follow_mldoc() {
        assert_eq!(
            kinds("#card. (#yes) x#yes #a.b #日本 ##c #a:b #a;b; C# #."),
            [
                "tag:card",
                "tag:yes)",
                "tag:yes",
                "tag:a.b",
                "tag:日本",
                "tag:c",
                "tag:a",
                "tag:a;b"
            ]
        );
        assert_eq!(kinds("\\#no"), Vec::<String>::new());
        // A `#` in a bare URL at a word's start or in a link target is the link's
        // (mldoc 1.5.7 `Link` / `Complex` URL); after `(` a URL is text.
        assert_eq!(
            kinds("https://a.com/p#s [t](#a) ![i](x.png#y)#z (http://a/#q)"),
            ["tag:z", "tag:q)"]
        );
        // Inline math is inert (mldoc `Latex_Fragment`): `$f((1,2))$` is no block ref.
        assert_eq!(
            kinds("$f((1,2))$ \\(#a\\) $$#b$$ $5 and $6 #c $x #d $"),
            [
                "code:$f((1,2))$",
                "code:\\(#a\\)",
                "code:$$#b$$",
                "tag:c",
                "tag:d"
            ]
        );
        assert_eq!(kinds("#[[multi word]] #t,"), ["tag:multi word", "tag:t"]);
    }

    #[test]
    fn no_tags_inside_emphasis() {
        // mldoc 1.5.7: `**Removal of #tags**` is Bold [Plain "Removal of #tags"] (docs corpus
        // pages/Export.md); the same inside `*`, `_`, `~~`, `==`, `^^`; links still count.
        for s in [
            "**a #t** b",
            "*a #t* b",
            "_a #t_ b",
            "~~a #t~~ b",
            "==a #t== b",
            "^^a #t^^ b",
            "a*b #t* c",
            "*a #t*b",
            "_a_b #t_ c",
        ] {
            assert_eq!(kinds(s), Vec::<String>::new(), "{s}");
        }
        assert_eq!(kinds("**a [[x]] #t**"), ["page:x"]);
        // Not emphasis: blanks inside the delimiters, an `_` inside a word, a tag ending in one.
        for (s, t) in [
            ("a * b #t * c", "tag:t"),
            ("a ** b #t ** c", "tag:t"),
            ("a #t** b", "tag:t**"),
            ("a #t_x b", "tag:t_x"),
            ("snake_case #t more_x", "tag:t"),
        ] {
            assert_eq!(kinds(s), [t], "{s}");
        }
    }

    #[test]
    fn refs_macros_and_code() {
        assert_eq!(
            kinds("[l](((u))) [[a [[b]]]] ((x y)) `#no [[no]]` {{embed ((u))}} {{cloze a \\\\ b}} {{cloze"),
            [
                "ref:u:false",
                "page:a [[b]]",
                "ref:x y:false",
                "code:`#no [[no]]`",
                "macro:embed:((u)):true",
                "ref:u:true",
                "macro:cloze:a \\\\ b:true",
                "macro:cloze::false"
            ]
        );
        assert_eq!(
            kinds("{{c1::x}} {{cloze: x}}"),
            ["macro:c1::x::true", "macro:cloze::x:true"]
        );
    }
}
