//! Logseq's inline syntax inside one line of text: `[[page]]`, `#tag`, `#[[multi word]]`,
//! `((block ref))`, `{{macro args}}` (embed, cloze, …) and code spans, which make everything in
//! them inert. Hand-written rather than tree-sitter-md's inline grammar: none of these are
//! CommonMark, and that grammar's incremental path returns wrong trees (stack-facts.md §3).

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
    /// `` `code` ``: nothing inside is a reference.
    Code,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub range: Range<usize>,
    pub kind: InlineKind,
}

/// Scans `text` (which starts at byte `base` of the page) and appends what it finds to `out`.
pub fn scan(text: &str, base: usize, out: &mut Vec<Inline>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' => {
                let run = b[i..].iter().take_while(|c| **c == b'`').count();
                if let Some(close) = find_backtick_run(&b[i + run..], run) {
                    let end = i + run + close + run;
                    out.push(Inline {
                        range: base + i..base + end,
                        kind: InlineKind::Code,
                    });
                    i = end;
                } else {
                    i += run;
                }
            }
            b'[' if b[i..].starts_with(b"[[") => match matching_brackets(b, i) {
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
                i = scan_macro(text, base, i, out);
            }
            // `##card` is `#` then the tag `card`.
            b'#' if i == 0
                || matches!(b[i - 1], b' ' | b'\t')
                || (b[i - 1] == b'#' && (i == 1 || matches!(b[i - 2], b' ' | b'\t'))) =>
            {
                i = scan_tag(text, base, i, out);
            }
            _ => i += 1,
        }
    }
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
    while j + 1 < b.len() {
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
    while j < b.len() && b[j] != b')' {
        j += 1;
    }
    (j > i + 2 && b[j..].starts_with(b"))")).then_some(j + 2)
}

fn scan_macro(text: &str, base: usize, i: usize, out: &mut Vec<Inline>) -> usize {
    let b = text.as_bytes();
    let ns = i + 2;
    let mut ne = ns;
    while ne < b.len() && !matches!(b[ne], b' ' | b'\t') && !b[ne..].starts_with(b"}}") {
        ne += 1;
    }
    let close = text[ne..].find("}}").map(|p| ne + p);
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
    // `{{embed ((uuid))}}` and `{{embed [[page]]}}` are references; `{{query …}}` contents are not.
    if name == "embed" {
        let mut inner = Vec::new();
        scan(&text[a0..args_end], base + a0, &mut inner);
        for mut x in inner {
            if let InlineKind::BlockRef { in_embed, .. } = &mut x.kind {
                *in_embed = true;
            }
            out.push(x);
        }
    } else if name != "query" && name != "function" {
        scan(&text[a0..args_end], base + a0, out);
    }
    end
}

/// `#tag` stops at whitespace and `, ! ? ' " #`… trailing `. ; :` are dropped (mldoc hash_tag.ml).
fn scan_tag(text: &str, base: usize, i: usize, out: &mut Vec<Inline>) -> usize {
    let b = text.as_bytes();
    if b[i + 1..].starts_with(b"[[") {
        if let Some(end) = matching_brackets(b, i + 1) {
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
    let mut j = i + 1;
    for (k, ch) in text[i + 1..].char_indices() {
        if ch.is_whitespace() || matches!(ch, ',' | '!' | '?' | '\'' | '"' | '#') {
            break;
        }
        j = i + 1 + k + ch.len_utf8();
    }
    while j > i + 1 && matches!(b[j - 1], b'.' | b';' | b':') {
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
            kinds("#card. (#no) x#no #a.b #日本 ##c"),
            ["tag:card", "tag:a.b", "tag:日本", "tag:c"]
        );
        assert_eq!(kinds("#[[multi word]] #t,"), ["tag:multi word", "tag:t"]);
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
