//! What one line opens or closes, read alone: a bullet, a heading, a fence, a `#+BEGIN_…`
//! container, raw HTML, a drawer (mldoc's line-level parsers).

use crate::syntax::text::indent_len;

/// `- ` bullet: returns the byte length of indent + `-` + the whitespace char after it (if any).
/// `-` must be followed by whitespace or the end of the line, or by `#…#` and whitespace or the
/// end of the line (`-## x` and `-#` are heading bullets; `-#tag` is text).
pub fn bullet_marker(line: &str) -> Option<usize> {
    let ind = indent_len(line);
    let rest = &line.as_bytes()[ind..];
    match rest {
        [b'-'] => Some(ind + 1),
        [b'-', b' ' | b'\t', ..] => Some(ind + 2),
        [b'-', b'#', ..] => {
            let n = rest[1..].iter().take_while(|b| **b == b'#').count();
            matches!(rest.get(1 + n), None | Some(b' ' | b'\t')).then_some(ind + 1)
        }
        _ => None,
    }
}

/// `## heading` without a bullet: (number of `#`, byte length up to the title).
pub fn heading_marker(line: &str) -> Option<(u8, usize)> {
    let ind = indent_len(line);
    let rest = &line.as_bytes()[ind..];
    let n = rest.iter().take_while(|b| **b == b'#').count();
    if n == 0 {
        return None;
    }
    match rest.get(n) {
        None => Some((n.min(255) as u8, ind + n)),
        Some(b' ' | b'\t') => Some((n.min(255) as u8, ind + n + 1)),
        _ => None,
    }
}

/// Opening code fence: indent then three or more backticks or tildes.
pub(super) fn fence_open(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.starts_with("```") || t.starts_with("~~~")
}

/// mldoc closes a fence at the next line starting with either marker, whatever its length,
/// indentation or trailing text (cases 42, 43).
pub(super) fn fence_close(line: &str) -> bool {
    fence_open(line)
}

pub(super) fn begin_container(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let name = t
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("#+BEGIN_"))
        .map(|_| &t[8..])?;
    let name = name.split(|c: char| c.is_whitespace()).next().unwrap_or("");
    (!name.is_empty()).then_some(name)
}

/// mldoc 1.5.7 closes `#+BEGIN_NAME` at the first line starting with `#+END_NAME`, whatever
/// follows it on the line (`#+END_NOTE #card`, `#+END_NOTEX`), and drops that rest.
pub(super) fn end_container(line: &str, name: &str) -> bool {
    let t = line.trim();
    t.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("#+END_"))
        && t.get(6..6 + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
}

/// `<tag` opening a raw HTML block (closed by `</tag>` on this or a later line).
pub(super) fn html_open(line: &str) -> Option<&str> {
    let t = line.trim_start_matches([' ', '\t']).strip_prefix('<')?;
    let n = t.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
    (n > 0 && t.as_bytes()[0].is_ascii_alphabetic()).then_some(&t[..n])
}

/// `:NAME:` opening an org drawer (`:PROPERTIES:`, `:LOGBOOK:`, …), closed by `:END:`. A stray
/// `:END:` opens one too (mldoc 1.5.7: a Drawer named "end" up to the next `:END:`, case 52).
pub fn drawer_open(line: &str) -> Option<&str> {
    let t = line.trim();
    let name = t.strip_prefix(':')?.strip_suffix(':')?;
    (!name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then_some(name)
}

pub fn drawer_end(line: &str) -> bool {
    line.trim().eq_ignore_ascii_case(":END:")
}
