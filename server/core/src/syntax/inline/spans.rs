//! Byte-level finders the inline scanner uses: where a URL, a link, a bracketed or
//! parenthesised span, a code span, inline math or emphasis ends.

use super::{MAX_BLOCK_REF, MAX_PAGE_REF};

/// If the `#` at `i` (in the word starting at `ws`) is part of a bare URL (`https://a.com/#x`,
/// `<http://…>`): where the URL ends. mldoc reads a URL only at a word's start
/// (`(http://a/#x)` is text and a tag). A `#` in a link target (`[t](#a)`) never gets here:
/// `markdown_link` consumed the link.
pub(super) fn link_part_end(b: &[u8], ws: usize, i: usize) -> Option<usize> {
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
pub(super) fn markdown_link(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let limit = b.len().min(i + MAX_PAGE_REF);
    let close = matching(b, i, limit, b'[', b']')?;
    if b.get(close + 1) != Some(&b'(') {
        return None;
    }
    let end = matching(b, close + 1, limit, b'(', b')')?;
    Some((close + 2, end))
}

/// Index of the `close` matching the `open` at `i`, before `limit`.
pub(super) fn matching(b: &[u8], i: usize, limit: usize, open: u8, close: u8) -> Option<usize> {
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
pub(super) fn find_from(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    memchr::memmem::find(&b[from..], pat).map(|k| from + k)
}

/// End (exclusive) of the inline math starting at the `$` at `i`, as mldoc 1.5.7 reads it:
/// `$$…$$`, or `$x…y$` whose first and last characters are not spaces (`$5 and $6` is text).
pub(super) fn inline_math_end(b: &[u8], i: usize) -> Option<usize> {
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

pub(super) fn find_backtick_run(b: &[u8], run: usize) -> Option<usize> {
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
pub(super) fn matching_brackets(b: &[u8], i: usize) -> Option<usize> {
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
pub(super) fn block_ref_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 2;
    let limit = b.len().min(i + MAX_BLOCK_REF);
    while j < limit && b[j] != b')' {
        j += 1;
    }
    (j > i + 2 && b[j..].starts_with(b"))")).then_some(j + 2)
}

pub(super) fn has_delims(b: &[u8]) -> bool {
    memchr::memchr3(b'*', b'_', b'~', b).is_some() || memchr::memchr2(b'=', b'^', b).is_some()
}

/// How far [`in_emphasis`] looks for the delimiters around a `#`.
pub(super) const MAX_EMPHASIS: usize = 512;

/// Whether the `#` at `i` lies inside an emphasis span on its line, as mldoc 1.5.7 reads them:
/// `**`, `__`, `~~`, `==`, `^^`, `*` or `_` followed by a non-blank, closed by the same delimiter
/// after a non-blank (an `_` only at a word's edges: `a_b_` is text).
pub(super) fn in_emphasis(b: &[u8], i: usize) -> bool {
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
