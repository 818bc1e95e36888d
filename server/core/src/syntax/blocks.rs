//! Small questions about one block of an outline that navigation, completion and symbols share:
//! its title as a person reads it, the range of its subtree, where a new `id::` goes.

use std::ops::Range;

use crate::syntax::edit::TextEdit;
use crate::syntax::outline::{drawer_end, drawer_open, Block, LineKind, Outline};

/// The block's title: the text after the bullet, or, when the bullet line holds only a property
/// (`- id:: …`, as Readwise writes) or nothing, the first line of text after it. Trimmed; empty
/// when the block has no text at all.
pub fn title<'a>(src: &'a str, o: &Outline, bi: usize) -> &'a str {
    title_range(src, o, bi).map_or("", |r| &src[r])
}

/// Byte range of [`title`].
pub fn title_range(src: &str, o: &Outline, bi: usize) -> Option<Range<usize>> {
    let b = &o.blocks[bi];
    if !b.title.is_empty() && b.lines.first().is_some_and(|l| l.kind == LineKind::First) {
        return Some(b.title.clone());
    }
    b.lines.iter().find_map(|l| {
        if !matches!(
            l.kind,
            LineKind::Text | LineKind::Container | LineKind::First
        ) {
            return None;
        }
        let r = if l.kind == LineKind::First {
            b.title.clone()
        } else {
            l.line.range()
        };
        let t = &src[r.clone()];
        let lead = t.len() - t.trim_start().len();
        let t = t.trim();
        (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
    })
}

/// Per line of `b`, whether Logseq shows it as text of the block: not property lines, blank lines,
/// `SCHEDULED:`/`DEADLINE:` (rendered as dates) or drawers such as `:LOGBOOK:` … `:END:` (hidden
/// or folded). Everything else is content: the card fixes never move the rest, and a card's front
/// is the shown lines.
pub fn shown_lines(src: &str, b: &Block) -> Vec<bool> {
    let mut out = Vec::with_capacity(b.lines.len());
    let mut in_drawer = false;
    for (k, l) in b.lines.iter().enumerate() {
        let t = l.line.text(src).trim();
        let shown = match l.kind {
            LineKind::Property | LineKind::DrawerMark | LineKind::FrontMatter | LineKind::Blank => {
                false
            }
            // A closed drawer is an inert region; a `:NAME:` line opening a run of code lines
            // starts one (a fence's content never starts such a run: the fence line does).
            LineKind::Code if in_drawer => {
                in_drawer = !drawer_end(t);
                false
            }
            LineKind::Code
                if drawer_open(t).is_some()
                    && (k == 0 || b.lines[k - 1].kind != LineKind::Code) =>
            {
                in_drawer = true;
                false
            }
            LineKind::First | LineKind::Text => !is_timestamp_line(t),
            _ => true,
        };
        out.push(shown);
    }
    out
}

/// `SCHEDULED: <…>` / `DEADLINE: <…>` on a line of their own: block metadata, not text
/// (frontend/util/property.cljs@0.10.9 `insert-property` keeps them with the title the same way).
pub fn is_timestamp_line(t: &str) -> bool {
    let t = t.trim_start();
    ["SCHEDULED:", "DEADLINE:"].iter().any(|p| {
        t.strip_prefix(p)
            .is_some_and(|r| r.trim_start().starts_with('<'))
    })
}

/// For a block whose first line is a property (`- id:: …`): the line that would be its title,
/// when it has one to lose. Logseq writes properties first itself when the block's content starts
/// with anything but a paragraph (frontend/util/property.cljs@0.10.9 `with-built-in-properties`
/// puts them before the body unless `mldoc/block-with-title?`, i.e. a Paragraph, Heading or
/// HTML): so math, code, `#+BEGIN_…`, lists, quotes and drawers are no title. The line is the
/// first non-blank one after the property group, so moving it up reorders nothing else.
pub fn title_after_properties(src: &str, b: &Block) -> Option<usize> {
    if b.lines.first()?.kind != LineKind::Property {
        return None;
    }
    let group = b
        .lines
        .iter()
        .take_while(|l| l.kind == LineKind::Property)
        .count();
    let k = (group..b.lines.len()).find(|&k| b.lines[k].kind != LineKind::Blank)?;
    let t = b.lines[k].line.text(src).trim();
    (b.lines[k].kind == LineKind::Text
        && !t.starts_with("$$")
        && !t.starts_with('|')
        && !is_timestamp_line(t)
        && drawer_open(t).is_none())
    .then_some(k)
}

/// A block's visible text: its lines without property lines, trimmed.
pub fn block_text(src: &str, o: &Outline, bi: usize) -> String {
    let b = &o.blocks[bi];
    let mut v = Vec::new();
    for l in &b.lines {
        match l.kind {
            LineKind::Property | LineKind::FrontMatter => {}
            LineKind::First => v.push(src[b.title.clone()].to_string()),
            _ => v.push(l.line.text(src).trim().to_string()),
        }
    }
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    while v.first().is_some_and(|l| l.is_empty()) {
        v.remove(0);
    }
    v.join("\n")
}

/// Cuts `s` to at most `max` characters, with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// From the block's first byte to the end of its last descendant's last non-blank line.
pub fn subtree_range(src: &str, o: &Outline, bi: usize) -> Range<usize> {
    subtree_range_to(src, o, bi, o.subtree_end(bi))
}

/// [`subtree_range`] given the block's [`Outline::subtree_end`].
pub fn subtree_range_to(src: &str, o: &Outline, bi: usize, end: usize) -> Range<usize> {
    let last = end - 1;
    let start = o.blocks[bi].range.start;
    let end = o.blocks[last].range.end;
    start..start + src[start..end].trim_end().len()
}

/// The line terminator the page uses (of its first line), for lines we write.
pub fn newline(src: &str) -> &'static str {
    match src.find('\n') {
        Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The edit that gives block `bi` the id `id`: a new `id::` line in the block's first property
/// group (so no property is pushed into an ignored group), else right under its first line,
/// indented as Logseq indents continuation lines.
pub fn add_id_edit(src: &str, o: &Outline, bi: usize, id: &str) -> TextEdit {
    let b = &o.blocks[bi];
    let nl = newline(src);
    let cont = format!("{}  ", &src[b.indent.clone()]);
    if let Some(g) = b.properties() {
        let last = &g.props[g.props.len() - 1];
        // Indent like the group's last line, unless that line is the bullet line itself.
        let first = b.first_line();
        let indent = if (first.start..=first.end).contains(&last.line.start) {
            cont
        } else {
            src[last.line.start..last.key.start].to_string()
        };
        return TextEdit::insert(last.line.end, format!("{nl}{indent}id:: {id}"));
    }
    TextEdit::insert(b.first_line().end, format!("{nl}{cont}id:: {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::edit::apply;
    use crate::syntax::outline::parse;

    fn with_id(src: &str, bi: usize) -> String {
        let o = parse(src);
        apply(src, &[add_id_edit(src, &o, bi, "X")])
    }

    #[test]
    fn titles() {
        let src = "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n   What is NoOps? #flashcard \n    answer\n- plain 😀\n-\n";
        let o = parse(src);
        assert_eq!(title(src, &o, 0), "What is NoOps? #flashcard");
        assert_eq!(title(src, &o, 1), "plain 😀");
        assert_eq!(title(src, &o, 2), "");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("ab", 3), "ab");
    }

    #[test]
    fn ids_go_into_the_first_group_or_under_the_first_line() {
        assert_eq!(with_id("- a\n  b\n- c\n", 0), "- a\n  id:: X\n  b\n- c\n");
        assert_eq!(
            with_id("- a\n    k:: v\n  b\n", 0),
            "- a\n    k:: v\n    id:: X\n  b\n"
        );
        assert_eq!(
            with_id("\t- a\r\n\t  k:: v\r\n", 0),
            "\t- a\r\n\t  k:: v\r\n\t  id:: X\r\n"
        );
        assert_eq!(with_id("- k:: v\n", 0), "- k:: v\n  id:: X\n");
        assert_eq!(with_id("- last", 0), "- last\n  id:: X");
        assert_eq!(with_id("- p\n\t- c\n", 1), "- p\n\t- c\n\t  id:: X\n");
    }
}
