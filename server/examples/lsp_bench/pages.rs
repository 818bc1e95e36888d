//! The pages the benchmark types into, and the spots it types and hovers at.

use super::*;

pub(crate) fn file_uri(p: &Path) -> String {
    let s = p.to_string_lossy();
    let mut out = String::from("file://");
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The page repeated until it is `kb` kilobytes, each copy's `id::` uuids changed in their last
/// digits, so references inside a copy still resolve and no id is duplicated.
pub(crate) fn big_page(small: &str, kb: usize) -> String {
    let mut out = String::with_capacity(kb * 1000 + small.len());
    let mut copy = 0u32;
    while out.len() < kb * 1000 {
        let suffix = format!("{copy:04x}");
        let mut rest = small;
        while let Some(i) = find_uuid(rest) {
            out.push_str(&rest[..i + 32]);
            out.push_str(&suffix);
            rest = &rest[i + 36..];
        }
        out.push_str(rest);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        copy += 1;
    }
    out
}

/// Byte offset of the next 8-4-4-4-12 hex uuid.
pub(crate) fn find_uuid(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let shape = |i: usize| {
        b.len() >= i + 36
            && (0..36).all(|k| match k {
                8 | 13 | 18 | 23 => b[i + k] == b'-',
                _ => b[i + k].is_ascii_hexdigit(),
            })
    };
    (0..b.len()).find(|&i| shape(i))
}

/// UTF-16 position of byte `at` in `text`.
pub(crate) fn position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let col: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col})
}

/// Where to type: the end of the first card's question line at or after the middle of the page.
pub(crate) fn typing_spot(text: &str) -> usize {
    let mid = text.len() / 2;
    let from = mid + text[mid..].find('\n').map_or(0, |i| i + 1);
    tag_spot(text, from)
        .map(|t| t + text[t..].find('\n').unwrap_or(text.len() - t))
        .unwrap_or(text.len())
}

/// A `#flashcard` or `#card` tag at or after `from`.
pub(crate) fn tag_spot(text: &str, from: usize) -> Option<usize> {
    ["#flashcard", "#card"]
        .iter()
        .filter_map(|t| text[from..].find(t).map(|i| from + i + 1))
        .min()
}
