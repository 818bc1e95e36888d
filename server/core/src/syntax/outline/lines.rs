//! Splits a page into blocks and classifies every line, following mldoc's block parsers:
//! a heading line (bullet or `#`) always starts a block, except inside a *closed* code fence or
//! `#+BEGIN_…` container; property lines are read anywhere else except in list items and quotes.

use super::{Block, BlockKind, BodyLine, LineKind};
use crate::syntax::properties;
use crate::syntax::text::{self, indent_len, Line};

use super::lazy_lines::{Closers, Lines};
use super::markers::{
    begin_container, bullet_marker, drawer_end, drawer_open, end_container, fence_close,
    fence_open, heading_marker, html_open,
};

/// A region mldoc reads as one node when it is closed: code fence, `#+BEGIN_…`, `$$` math, raw
/// HTML, org drawer. Unclosed, each is plain text (tests/mldoc/cases 12 and 44).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    /// Inert content.
    Inert,
    /// `:PROPERTIES:` … `:END:`: its `:key: value` lines are properties.
    PropertyDrawer,
}

/// Whether `seg` may open a region: every opener starts, after blanks, with one of these bytes.
/// Most lines start with a letter, and the full tests below trim and compare several times.
fn may_open_region(seg: &str) -> bool {
    let b = seg.as_bytes();
    match b.get(indent_len(seg)) {
        None => false,
        // Other (Unicode) whitespace is trimmed by some of the tests: take the full path.
        Some(c) => matches!(c, b'`' | b'~' | b'#' | b'$' | b'<' | b':' | 0x0b | 0x0c) || *c >= 0x80,
    }
}

/// If `seg` (the rest of line `i`) opens a region that a later line closes: its kind and the
/// index of the closing line.
fn closed_region(
    closers: &mut Closers,
    src: &str,
    all: &mut Lines,
    i: usize,
    seg: &str,
) -> Option<(Region, usize)> {
    if !may_open_region(seg) {
        return None;
    }
    if fence_open(seg) {
        return closers
            .find("fence".into(), src, all, i, &fence_close)
            .map(|k| (Region::Inert, k));
    }
    if let Some(name) = begin_container(seg) {
        return closers
            .find(
                format!("begin:{}", name.to_ascii_lowercase()),
                src,
                all,
                i,
                &|l| end_container(l, name),
            )
            .map(|k| (Region::Inert, k));
    }
    let t = seg.trim();
    // Display math opens at a line starting with `$$` and closes at the FIRST later `$$`,
    // wherever it stands on its line (`\end{aligned}$$`, inside backticks, on a bullet line):
    // mldoc 1.5.7 takes everything up to the next `$$` (graph-parser oracle, cases 48-49).
    if t.starts_with("$$") && !(t.len() > 2 && t[2..].contains("$$")) {
        return closers
            .find("math".into(), src, all, i, &|l| l.contains("$$"))
            .map(|k| (Region::Inert, k));
    }
    if let Some(tag) = html_open(seg) {
        let close = format!("</{tag}>");
        if seg.contains(&close) {
            return None; // one line of HTML: nothing to protect
        }
        return closers
            .find(format!("html:{tag}"), src, all, i, &|l| l.contains(&close))
            .map(|k| (Region::Inert, k));
    }
    if let Some(name) = drawer_open(seg) {
        let k = closers.find("drawer".into(), src, all, i, &drawer_end)?;
        // A `:PROPERTIES:` drawer with anything but `:key: value` lines is an ordinary drawer.
        let entries = all.got[i + 1..k]
            .iter()
            .all(|l| properties::is_drawer_entry(l.text(src)));
        let kind = if name.eq_ignore_ascii_case("PROPERTIES") && entries {
            Region::PropertyDrawer
        } else {
            Region::Inert
        };
        return Some((kind, k));
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lazy {
    No,
    List,
    Quote,
}

/// A list item (`* `, `+ `, `1. `) or quote (`>`) line: mldoc reads no properties in it or in the
/// lines that continue it.
fn list_or_quote_start(line: &str) -> Option<Lazy> {
    let t = &line.as_bytes()[indent_len(line)..];
    match t {
        [b'>', ..] => Some(Lazy::Quote),
        [b'*' | b'+', b' ' | b'\t', ..] => Some(Lazy::List),
        _ => {
            let d = t.iter().take_while(|b| b.is_ascii_digit()).count();
            (d > 0
                && matches!(t.get(d), Some(b'.' | b')'))
                && matches!(t.get(d + 1), Some(b' ' | b'\t')))
            .then_some(Lazy::List)
        }
    }
}

/// Splits `src` into blocks (levels not yet assigned) with every line classified.
pub(super) fn split(src: &str) -> (Vec<Block>, Vec<std::ops::Range<usize>>) {
    let (blocks, unclosed, _) = split_from(src, 0, &mut |_| false);
    (blocks, unclosed)
}

/// [`split`] from byte `from` on, which is 0 or the start of a column-0 bullet line: the scanner's
/// state there is fresh and it only ever looks forward, so what it reads from there on is what a
/// whole-page split reads. Stops before the first later column-0 bullet line whose start `stop`
/// accepts, and returns that offset (the incremental re-parse in `incremental.rs` syncs there).
pub(super) fn split_from(
    src: &str,
    from: usize,
    stop: &mut dyn FnMut(usize) -> bool,
) -> (Vec<Block>, Vec<std::ops::Range<usize>>, Option<usize>) {
    let mut unclosed = Vec::new();
    // graph-parser makes no blocks at all for blank content (`string/blank?`: JS whitespace,
    // which includes the BOM and NBSP).
    if src[from..]
        .chars()
        .all(|c| c.is_whitespace() || c == '\u{feff}')
    {
        return (Vec::new(), unclosed, None);
    }
    // Sized from a guess at the line length: growing one element at a time copied the vectors
    // several times per page (the line list is dropped at the end, the block list trimmed). A
    // re-parse from `from` > 0 usually stops after a few blocks.
    let rest = &src[from..];
    let lines = text::lines(rest).map(move |l| Line {
        start: l.start + from,
        end: l.end + from,
        next: l.next + from,
    });
    // A whole page is split at once (its blocks sized from its lines); a re-parse, as it goes.
    let mut all = if from == 0 {
        let mut v: Vec<Line> = Vec::with_capacity(rest.len() / 32 + 1);
        v.extend(lines);
        Lines::whole(v)
    } else {
        Lines::lazy(lines)
    };
    let mut blocks: Vec<Block> =
        Vec::with_capacity(if from == 0 { all.got.len() / 2 + 1 } else { 8 });
    let mut stopped = None;
    let mut closers = Closers::default();
    let mut i = 0;
    let mut lazy = Lazy::No; // inside a list item or quote paragraph

    // YAML front matter: `---` at byte 0 up to the next `---`. mldoc drops it whole (no
    // properties) when a line in it is not `key: value` (case 46).
    let mut front_end = 0;
    let mut front_kind = LineKind::FrontMatter;
    // Only at byte 0, so only on a whole page: `all.got` holds every line.
    if all
        .get(0)
        .is_some_and(|l| l.start == 0 && l.text(src).trim_end() == "---")
    {
        if let Some(k) = all
            .got
            .iter()
            .skip(1)
            .position(|l| l.text(src).trim_end() == "---")
        {
            front_end = k + 2;
            if !all.got[1..k + 1]
                .iter()
                .all(|l| properties::parse_yaml_line(l.text(src), 0).is_some())
            {
                front_kind = LineKind::Code;
            }
        }
    }
    while let Some(line) = all.get(i) {
        let t = line.text(src);
        if i < front_end {
            push_line(src, &mut blocks, line, front_kind);
            i += 1;
            continue;
        }
        // A `-#…` heading bullet (no space after `-`) continues a quote's paragraph, and an
        // indented one a list item's (mldoc 1.5.7, case 52); `- x` always starts a block.
        let absorbed_bullet = || {
            t[indent_len(t)..].starts_with("-#")
                && (lazy == Lazy::Quote || (lazy == Lazy::List && indent_len(t) > 0))
        };
        if let Some(m) = bullet_marker(t).filter(|_| !absorbed_bullet()) {
            if i > 0 && m == 2 && indent_len(t) == 0 && stop(line.start) {
                stopped = Some(line.start);
                break;
            }
            lazy = Lazy::No;
            i = push_heading(
                src,
                &mut blocks,
                &mut closers,
                &mut all,
                i,
                BlockKind::Bullet,
                m,
            );
            continue;
        }
        // An indented `#` line continues a list item's paragraph (a quote's lazy line does not).
        let in_list_text = lazy == Lazy::List && indent_len(t) > 0;
        // A quote's lazy line absorbs `##…` but not `# ` (mldoc's quote parser).
        let absorbed = |size: u8| in_list_text || (lazy == Lazy::Quote && size >= 2);
        if let Some((size, m)) = heading_marker(t).filter(|(size, _)| !absorbed(*size)) {
            lazy = Lazy::No;
            i = push_heading(
                src,
                &mut blocks,
                &mut closers,
                &mut all,
                i,
                BlockKind::Heading { size },
                m,
            );
            continue;
        }
        // Everything else continues a list item's or quote's paragraph, except a line at column
        // 0 after a list and an `id:: value` line after a quote (mldoc). A list item also runs on
        // over a whitespace-only (not empty) line.
        if lazy == Lazy::List && !t.is_empty() && t.trim().is_empty() {
            push_line(src, &mut blocks, line, LineKind::Blank);
            i += 1;
            continue;
        }
        // A line at column 0 ends a list item (mldoc 1.5.7: `* item` then `text` or `key:: v`
        // at column 0 is a new node, case 52).
        if lazy == Lazy::List && indent_len(t) == 0 {
            lazy = Lazy::No;
        }
        if lazy != Lazy::No && !t.trim().is_empty() {
            // A list item keeps every indented line; a quote keeps a `#+KEY:` line (a Directive
            // inside the Quote node, so neither the block's nor the page's), not an `id::` line.
            let breaks = lazy == Lazy::Quote
                && properties::parse_line(t, 0)
                    .is_some_and(|p| p.name == "id" && !p.value.is_empty());
            if !breaks {
                push_line(src, &mut blocks, line, LineKind::Container);
                i += 1;
                continue;
            }
            lazy = Lazy::No;
        }
        if let Some((region, k)) = closed_region(&mut closers, src, &mut all, i, t) {
            push_region(src, &mut blocks, &all.got[i..=k], region, true);
            lazy = Lazy::No;
            i = k + 1;
            continue;
        }
        if fence_open(t) {
            unclosed.push(line.range());
        }
        let kind = if t.trim().is_empty() {
            lazy = Lazy::No;
            LineKind::Blank
        } else if let Some(l) = list_or_quote_start(t) {
            lazy = l;
            LineKind::Container
        } else if properties::is_line(t) || properties::is_directive(t) {
            LineKind::Property
        } else {
            LineKind::Text
        };
        push_line(src, &mut blocks, line, kind);
        i += 1;
    }
    let mut next = stopped.unwrap_or(src.len());
    for b in blocks.iter_mut().rev() {
        b.range.end = next;
        next = b.range.start;
    }
    if from == 0 {
        blocks.shrink_to_fit();
    }
    (blocks, unclosed, stopped)
}

/// The byte offset in a heading line (bullet or `#`) where mldoc's title look-ahead starts
/// (heading0.ml@1.5.7 `parse`: level, then `ws marker`, `ws priority`, `ws title`): past the
/// `#…#` of a heading bullet, a task marker followed by a space, and a `[#X]` priority. A drawer,
/// property, fence, `#+BEGIN_…` or `$$` there is its own node and the title is empty
/// (`title_aux_p`), also after a marker: `- DOING $$` opens display math.
pub fn title_lookahead(t: &str, content: usize) -> usize {
    let ws = |at: usize| at + indent_len(&t[at..]);
    let mut at = ws(content);
    // A marker word, then a space (not a tab) or the end of the input. No marker is a prefix
    // of another followed by a space, so mldoc's order of alternatives does not matter here.
    if let Some(m) = crate::syntax::task::MARKERS.iter().find(|m| {
        t[at..].starts_with(**m) && t.as_bytes().get(at + m.len()).is_none_or(|&c| c == b' ')
    }) {
        at = ws(at + m.len());
    }
    // `string "[#" *> any_char <* char ']'`: one byte between.
    let p = &t.as_bytes()[at..];
    if p.len() >= 4 && p.starts_with(b"[#") && p[3] == b']' {
        at = ws(at + 4);
    }
    at
}

/// Starts the block of heading line `i` (bullet or `#`) and returns the next line to read: the
/// line after the node that opens at the title look-ahead, if one does.
fn push_heading(
    src: &str,
    blocks: &mut Vec<Block>,
    closers: &mut Closers,
    all: &mut Lines,
    i: usize,
    kind: BlockKind,
    marker: usize,
) -> usize {
    let line = all.got[i];
    let t = line.text(src);
    let mut content = marker;
    // `- ## title`: a heading bullet; the hashes are not part of the title.
    if kind == BlockKind::Bullet {
        if let Some((_, m)) = heading_marker(&t[content..]) {
            if !t[content..].starts_with(char::is_whitespace) {
                content += m;
            }
        }
    }
    let at = title_lookahead(t, content);
    let mut b = new_block(src, line, kind, content, at);
    // A closed fence, container, `$$` or drawer right after the bullet, marker or priority: the
    // title is empty (but for the marker and priority) and the block's body is that node.
    if let Some((region, k)) = closed_region(closers, src, all, i, &t[at..]) {
        b.title =
            b.title.start..line.start + t[..at].trim_end().len().max(b.title.start - line.start);
        blocks.push(b);
        push_region(src, blocks, &all.got[i..=k], region, false);
        return k + 1;
    }
    blocks.push(b);
    i + 1
}

/// The closed `#+BEGIN_NAME` … `#+END_NAME` regions of block `b` that are nodes of the block
/// itself (not inside another region): (lower-case name, index of the opening line, index of the
/// closing line) in `b.lines`. The regions are found again as the scanner found them (a region
/// lies within its block, so its closer is the first matching line after it there too); a
/// container opening on the bullet line (`- #+BEGIN_QUERY`) counts.
pub fn containers(src: &str, b: &Block) -> Vec<(String, usize, usize)> {
    let mut all = Lines::whole(b.lines.iter().map(|l| l.line).collect());
    let mut closers = Closers::default();
    let mut out = Vec::new();
    let mut k = 0;
    while k < all.got.len() {
        let seg = if k == 0 {
            // After the bullet, marker and priority (the title ends before a region opener).
            let first = &b.lines[0].line;
            let from = b.title.end.clamp(first.start, first.end);
            match b.lines.get(1) {
                Some(l) if l.kind == LineKind::Code => src[from..first.end].trim_start(),
                _ => "",
            }
        } else if b.lines[k].kind == LineKind::Code {
            all.got[k].text(src)
        } else {
            ""
        };
        match closed_region(&mut closers, src, &mut all, k, seg) {
            Some((_, end)) => {
                if let Some(name) = begin_container(seg) {
                    out.push((name.to_ascii_lowercase(), k, end));
                }
                k = end + 1;
            }
            None => k += 1,
        }
    }
    out
}

/// Lines `ls` of a region, as its kind reads them; `first` says whether its first line is pushed
/// too (it is not when it is the block's first line, already there).
fn push_region(src: &str, blocks: &mut Vec<Block>, ls: &[Line], region: Region, first: bool) {
    for (n, l) in ls.iter().enumerate() {
        let kind = match region {
            Region::Inert => LineKind::Code,
            Region::PropertyDrawer if n == 0 || n + 1 == ls.len() => LineKind::DrawerMark,
            Region::PropertyDrawer => LineKind::Property,
        };
        if n == 0 {
            if first {
                push_line(src, blocks, *l, kind);
            } else {
                blocks.last_mut().unwrap().lines[0].kind = kind;
            }
        } else {
            push_line(src, blocks, *l, kind);
        }
    }
}

/// A block from its first line; `content` is where its title may start (past the bullet and any
/// heading hashes), `at` where mldoc's title look-ahead starts ([`title_lookahead`]).
fn new_block(src: &str, line: Line, kind: BlockKind, content: usize, at: usize) -> Block {
    let t = line.text(src);
    let ind = indent_len(t);
    let first_is_prop = kind == BlockKind::Bullet
        && (properties::is_line(&t[at..]) || properties::is_directive(&t[at..]));
    let rest = &t[content..];
    let lead = rest.len() - rest.trim_start().len();
    let content = line.start + content;
    let title = if first_is_prop {
        // Only the marker and priority before the property, if any.
        content + lead..line.start + t[..at].trim_end().len().max(content + lead - line.start)
    } else {
        content + lead..content + rest.trim_end().len().max(lead)
    };
    Block {
        kind,
        range: line.start..line.next,
        indent: line.start..line.start + ind,
        title,
        level: 1,
        parent: None,
        lines: {
            // Room for a few lines: most blocks have more than one (properties, continuation
            // lines), and `vec![x]` then reallocates on the second push.
            let mut v = Vec::with_capacity(4);
            v.push(BodyLine {
                line,
                kind: if first_is_prop {
                    LineKind::Property
                } else {
                    LineKind::First
                },
            });
            v
        },
        groups: Vec::new(),
        inlines: Vec::new(),
    }
}

fn push_line(_src: &str, blocks: &mut Vec<Block>, line: Line, kind: LineKind) {
    if blocks.is_empty() {
        blocks.push(Block {
            kind: BlockKind::Pre,
            range: 0..line.next,
            indent: 0..0,
            title: 0..0,
            level: 1,
            parent: None,
            lines: Vec::new(),
            groups: Vec::new(),
            inlines: Vec::new(),
        });
    }
    blocks
        .last_mut()
        .unwrap()
        .lines
        .push(BodyLine { line, kind });
}
