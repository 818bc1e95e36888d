//! Re-parsing only the top-level blocks an edit touched, for the server's keystrokes.
//!
//! Why it is exact: the line scanner's state at a column-0 bullet line is fresh (nothing open, no
//! list or quote running on) and it only ever looks forward. So parsing from the last column-0
//! bullet before the edit gives what a whole-page parse gives from there, provided the edit
//! cannot change how an *earlier* line's forward search ended; and once the new parse reaches a
//! column-0 bullet after the edit that the old parse also started a block at, the rest is the
//! old parse moved by the edit's length. An earlier search can only change if the edited lines
//! (before or after) could close a region (fence, `#+END_`, `$$`, `</tag>`, `:END:`, `---`):
//! then [`reparse`] declines and the caller parses the whole page. The proptests in
//! `lint/reanalysis.rs` hold this against a whole-page parse.

use std::ops::Range;

use super::{collect_groups_and_inlines, lines, nesting, Block, BlockKind, Outline};
use crate::syntax::inline::InlineKind;

/// One text change in bytes: `start..old_end` of the old text became `start..new_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Edit {
    pub fn delta(&self) -> isize {
        self.new_end as isize - self.old_end as isize
    }
}

/// What [`reparse`] replaced: blocks `first..old_end` of the old outline are now
/// `first..new_end`, parsed from bytes `from..new_stop` of the new text (`from..old_stop` of the
/// old); blocks after them moved by `delta` bytes and `new_end - old_end` places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub first: usize,
    pub old_end: usize,
    pub new_end: usize,
    pub from: usize,
    pub old_stop: usize,
    pub new_stop: usize,
    pub delta: isize,
}

impl Splice {
    /// Where an old block index went, for blocks outside the re-parsed run.
    pub fn block(&self, i: usize) -> usize {
        if i < self.first {
            i
        } else {
            i + self.new_end - self.old_end
        }
    }
    /// Where an old byte offset went, for offsets outside the re-parsed bytes.
    pub fn offset(&self, o: usize) -> usize {
        if o < self.from {
            o
        } else {
            shift(o, self.delta)
        }
    }
}

/// Updates `outline` (of `old_src`) to the outline of `new_src`, which is `old_src` with `e`
/// applied; `None` (outline untouched) when only a whole-page parse is safe.
pub fn reparse(outline: &mut Outline, old_src: &str, new_src: &str, e: &Edit) -> Option<Splice> {
    if outline.blocks.is_empty() || e.start > e.old_end.min(e.new_end) {
        return None;
    }
    let old_lines = line_span(old_src, e.start, e.old_end);
    let new_lines = line_span(new_src, e.start, e.new_end);
    // Front matter's closing `---` counts only on a page that opens with `---`.
    let front = old_src.starts_with("---") || new_src.starts_with("---");
    if may_close_region(&old_src[old_lines.clone()], front)
        || may_close_region(&new_src[new_lines.clone()], front)
    {
        return None;
    }
    let blocks = &outline.blocks;
    // The last column-0 bullet starting before the edited line: the edit may turn its own line
    // into a continuation of the block above, so that block must be re-read too.
    let before = blocks.partition_point(|b| b.range.start < old_lines.start);
    let first = blocks[..before]
        .iter()
        .rposition(|b| b.kind == BlockKind::Bullet && b.indent.is_empty())
        .unwrap_or(0);
    let from = if first == 0 {
        0
    } else {
        blocks[first].range.start
    };
    let delta = e.delta();
    let mut stop = |new_start: usize| {
        if new_start < new_lines.end {
            return false;
        }
        let old = shift(new_start, -delta);
        let j = blocks.partition_point(|b| b.range.start < old);
        blocks
            .get(j)
            .is_some_and(|b| b.range.start == old && b.kind == BlockKind::Bullet)
    };
    let (mut window, unclosed, stopped) = lines::split_from(new_src, from, &mut stop);
    let (old_end, old_stop, new_stop) = match stopped {
        Some(p) => {
            let old = shift(p, -delta);
            (blocks.partition_point(|b| b.range.start < old), old, p)
        }
        None => (blocks.len(), old_src.len(), new_src.len()),
    };
    // Directives are page-wide (the pre-block's first group): a page with any is parsed whole.
    let mut directives = Vec::new();
    for b in &mut window {
        collect_groups_and_inlines(new_src, b, &mut directives);
    }
    if !directives.is_empty() || !outline.directives.is_empty() {
        return None;
    }
    let splice = Splice {
        first,
        old_end,
        new_end: first + window.len(),
        from,
        old_stop,
        new_stop,
        delta,
    };
    for b in &mut outline.blocks[old_end..] {
        shift_block(b, delta);
    }
    outline.blocks.splice(first..old_end, window);
    // Depths depend on every earlier block (nesting.rs); one pass over the page is cheap.
    nesting::assign_levels(&mut outline.blocks, |b| b.indent.len());
    let mut fences: Vec<Range<usize>> = Vec::with_capacity(outline.unclosed_fences.len());
    fences.extend(
        outline
            .unclosed_fences
            .iter()
            .filter(|r| r.start < from)
            .cloned(),
    );
    fences.extend(unclosed);
    fences.extend(
        outline
            .unclosed_fences
            .iter()
            .filter(|r| r.start >= old_stop)
            .map(|r| shift_range(r, delta)),
    );
    outline.unclosed_fences = fences;
    Some(splice)
}

/// The whole lines (with their terminators) holding `start..end`.
fn line_span(src: &str, start: usize, end: usize) -> Range<usize> {
    let a = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let b = src[end..].find('\n').map_or(src.len(), |i| end + i + 1);
    a..b
}

/// Whether a line in `text` could close a region opened on an earlier line (lines.rs
/// `closed_region`, and front matter's closing `---`). Deliberately broad: a false "yes" costs a
/// whole-page parse, a false "no" a wrong outline.
fn may_close_region(text: &str, front_matter: bool) -> bool {
    text.as_bytes().windows(2).any(|w| match w {
        b"``" | b"~~" | b"#+" | b"$$" | b"</" | b":E" | b":e" => true,
        b"--" => front_matter,
        _ => false,
    })
}

fn shift(o: usize, d: isize) -> usize {
    (o as isize + d) as usize
}

fn shift_range(r: &Range<usize>, d: isize) -> Range<usize> {
    shift(r.start, d)..shift(r.end, d)
}

/// Moves every offset in a block by `d` bytes.
pub fn shift_block(b: &mut Block, d: isize) {
    if d == 0 {
        return;
    }
    let s = |r: &mut Range<usize>| *r = shift_range(r, d);
    s(&mut b.range);
    s(&mut b.indent);
    s(&mut b.title);
    for l in &mut b.lines {
        l.line.start = shift(l.line.start, d);
        l.line.end = shift(l.line.end, d);
        l.line.next = shift(l.line.next, d);
    }
    for g in &mut b.groups {
        for p in &mut g.props {
            s(&mut p.line);
            s(&mut p.key);
            s(&mut p.value);
        }
    }
    for x in &mut b.inlines {
        s(&mut x.range);
        match &mut x.kind {
            InlineKind::PageRef { name } | InlineKind::Tag { name, .. } => s(name),
            InlineKind::BlockRef { inner, .. } => s(inner),
            InlineKind::Macro { name, args, .. } => {
                s(name);
                s(args);
            }
            InlineKind::Code => {}
        }
    }
}
