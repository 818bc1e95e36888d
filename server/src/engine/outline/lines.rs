//! Splits a page into blocks and classifies every line, following mldoc's block parsers:
//! a heading line (bullet or `#`) always starts a block, except inside a *closed* code fence or
//! `#+BEGIN_…` container; property lines are read anywhere else except in list items and quotes.

use super::{Block, BlockKind, BodyLine, LineKind};
use crate::engine::properties;
use crate::engine::text::{self, indent_len, Line};

/// `- ` bullet: returns the byte length of indent + `-` + following whitespace char (if any).
/// `-` must be followed by whitespace or the end of the line.
pub fn bullet_marker(line: &str) -> Option<usize> {
    let ind = indent_len(line);
    let rest = &line.as_bytes()[ind..];
    match rest {
        [b'-'] => Some(ind + 1),
        [b'-', b' ' | b'\t', ..] => Some(ind + 2),
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

/// Opening code fence: indent then three or more backticks or tildes. Returns (char, run length).
fn fence_open(line: &str) -> Option<(u8, usize)> {
    let t = &line.as_bytes()[indent_len(line)..];
    let c = *t.first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.iter().take_while(|b| **b == c).count();
    (n >= 3).then_some((c, n))
}

/// A line that closes a fence opened with (`c`, `n`): only the fence characters and whitespace.
fn fence_close(line: &str, c: u8, n: usize) -> bool {
    let t = line.trim();
    t.len() >= n && t.bytes().all(|b| b == c)
}

fn begin_container(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let name = t
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("#+BEGIN_"))
        .map(|_| &t[8..])?;
    let name = name.split(|c: char| c.is_whitespace()).next().unwrap_or("");
    (!name.is_empty()).then_some(name)
}

fn end_container(line: &str, name: &str) -> bool {
    let t = line.trim();
    t.len() == 6 + name.len()
        && t.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("#+END_"))
        && t[6..].eq_ignore_ascii_case(name)
}

fn list_or_quote_start(line: &str) -> bool {
    let t = &line.as_bytes()[indent_len(line)..];
    match t {
        [b'>', ..] => true,
        [b'*' | b'+', b' ' | b'\t', ..] => true,
        _ => {
            let d = t.iter().take_while(|b| b.is_ascii_digit()).count();
            d > 0
                && matches!(t.get(d), Some(b'.' | b')'))
                && matches!(t.get(d + 1), Some(b' ' | b'\t'))
        }
    }
}

/// Splits `src` into blocks (levels not yet assigned) with every line classified.
pub(super) fn split(src: &str) -> (Vec<Block>, Vec<std::ops::Range<usize>>) {
    let mut unclosed = Vec::new();
    let all: Vec<Line> = text::lines(src).collect();
    let mut blocks: Vec<Block> = Vec::new();
    let mut i = 0;
    let mut lazy = false; // inside a list item or quote paragraph

    // YAML front matter: `---` on the first line up to the next `---`.
    let mut front_end = 0;
    if all.first().is_some_and(|l| l.text(src).trim_end() == "---") {
        if let Some(k) = all
            .iter()
            .skip(1)
            .position(|l| l.text(src).trim_end() == "---")
        {
            front_end = k + 2;
        }
    }
    while i < all.len() {
        let line = all[i];
        let t = line.text(src);
        if i < front_end {
            push_line(src, &mut blocks, line, LineKind::FrontMatter);
            i += 1;
            continue;
        }
        if let Some(m) = bullet_marker(t) {
            lazy = false;
            blocks.push(new_block(src, line, BlockKind::Bullet, m));
            // mldoc's title look-ahead gives up when a code fence or container starts right after
            // the bullet (`- ```calc`): the title is empty and the block's body is code.
            if let Some(k) = closed_region(src, &all, i, &t[m..]) {
                let b = blocks.last_mut().unwrap();
                b.title = b.title.start..b.title.start;
                b.lines[0].kind = LineKind::Code;
                for l in &all[i + 1..=k] {
                    b.lines.push(BodyLine {
                        line: *l,
                        kind: LineKind::Code,
                    });
                }
                i = k + 1;
                continue;
            }
            i += 1;
            continue;
        }
        if let Some((size, m)) = heading_marker(t) {
            lazy = false;
            blocks.push(new_block(src, line, BlockKind::Heading { size }, m));
            i += 1;
            continue;
        }
        if let Some(k) = closed_region(src, &all, i, t) {
            for l in &all[i..=k] {
                push_line(src, &mut blocks, *l, LineKind::Code);
            }
            lazy = false;
            i = k + 1;
            continue;
        }
        if fence_open(t).is_some() {
            unclosed.push(line.range());
        }
        let kind = if t.trim().is_empty() {
            lazy = false;
            LineKind::Blank
        } else if lazy || list_or_quote_start(t) {
            lazy = true;
            LineKind::Container
        } else if properties::parse_line(t, line.start).is_some() {
            LineKind::Property
        } else {
            LineKind::Text
        };
        push_line(src, &mut blocks, line, kind);
        i += 1;
    }
    let mut next = src.len();
    for b in blocks.iter_mut().rev() {
        b.range.end = next;
        next = b.range.start;
    }
    (blocks, unclosed)
}

/// If `seg` (the rest of line `i`) opens a code fence or `#+BEGIN_` container that a later line
/// closes, the index of the closing line. An unclosed one is not code (dialect doc §1.4).
fn closed_region(src: &str, all: &[Line], i: usize, seg: &str) -> Option<usize> {
    if let Some((c, n)) = fence_open(seg) {
        return (i + 1..all.len()).find(|&k| fence_close(all[k].text(src), c, n));
    }
    let name = begin_container(seg)?;
    (i + 1..all.len()).find(|&k| end_container(all[k].text(src), name))
}

fn new_block(src: &str, line: Line, kind: BlockKind, marker: usize) -> Block {
    let t = line.text(src);
    let ind = indent_len(t);
    let mut content = line.start + marker;
    // `- ## title`: a heading bullet; the hashes are not part of the title.
    if kind == BlockKind::Bullet {
        if let Some((_, m)) = heading_marker(&src[content..line.end]) {
            if !src[content..line.end].starts_with(char::is_whitespace) {
                content += m;
            }
        }
    }
    let rest = &src[content..line.end];
    let first_is_prop =
        kind == BlockKind::Bullet && properties::parse_line(rest, content).is_some();
    let title = if first_is_prop {
        content..content
    } else {
        let lead = rest.len() - rest.trim_start().len();
        content + lead..content + rest.trim_end().len().max(lead)
    };
    Block {
        kind,
        range: line.start..line.next,
        indent: line.start..line.start + ind,
        title,
        level: 1,
        parent: None,
        lines: vec![BodyLine {
            line,
            kind: if first_is_prop {
                LineKind::Property
            } else {
                LineKind::First
            },
        }],
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
