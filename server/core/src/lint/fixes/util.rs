//! Shared helpers for fixes: finding the block and property a diagnostic points at, indentation.

use std::ops::Range;

use super::FixCtx;
use crate::syntax::outline::{Block, BlockKind, Outline};
use crate::syntax::properties::Property;

pub(super) fn block_at<'a>(ctx: &'a FixCtx, offset: usize) -> Option<(usize, &'a Block)> {
    let i = ctx.analysis.outline.block_at(offset)?;
    Some((i, &ctx.analysis.outline.blocks[i]))
}

/// The property (in any group) whose value or line is `range`.
pub(super) fn property_at<'a>(b: &'a Block, range: &Range<usize>) -> Option<(usize, &'a Property)> {
    b.groups.iter().enumerate().find_map(|(gi, g)| {
        g.props
            .iter()
            .find(|p| {
                p.value == *range
                    || p.line == *range
                    || (p.line.start <= range.start && range.end <= p.line.end)
            })
            .map(|p| (gi, p))
    })
}

/// The indentation Logseq puts before a block's continuation lines: the bullet's own
/// indentation plus two spaces (FE/modules/file/core.cljs `transform-content`).
pub(super) fn continuation_indent(src: &str, b: &Block) -> String {
    format!("{}  ", &src[b.indent.clone()])
}

/// The indentation for a new child of `b`, the way this file indents: a tab per level when the
/// file indents bullets with tabs or not at all (Logseq's default), else its space step.
pub(super) fn child_indent(src: &str, o: &Outline, b: &Block) -> String {
    let own = &src[b.indent.clone()];
    let mut step: Option<usize> = None;
    let mut tabs = false;
    for c in &o.blocks {
        if c.kind != BlockKind::Bullet {
            continue;
        }
        let ind = &src[c.indent.clone()];
        if ind.contains('\t') {
            tabs = true;
        }
        if let Some(p) = c
            .parent
            .map(|p| &o.blocks[p])
            .filter(|p| p.kind == BlockKind::Bullet)
        {
            let d = ind.len().saturating_sub(p.indent.len());
            if d > 0 && !ind.contains('\t') {
                step = Some(step.map_or(d, |s: usize| s.min(d)));
            }
        }
    }
    match step {
        Some(s) if !tabs => format!("{own}{}", " ".repeat(s)),
        _ => format!("{own}\t"),
    }
}

/// The range of a line including its terminator.
pub(super) fn full_line(l: &crate::syntax::text::Line) -> Range<usize> {
    l.start..l.next
}

/// Whether the block of `src` starting where `b` does still has each `SCHEDULED:`/`DEADLINE:`
/// line after the same line in `new`. mldoc 1.5.7 reads a planning line as the block's date only
/// next to the title or a property drawer, so a fix moving the line before one (an answer into a
/// child, a property into the first group) may give the block a date or take it away.
pub(super) fn keeps_planning(src: &str, b: &Block, new: &str) -> bool {
    let o = crate::syntax::outline::parse(new);
    match o.blocks.iter().find(|x| x.range.start == b.range.start) {
        Some(nb) => planning(src, b) == planning(new, nb),
        None => false,
    }
}

/// Each planning line of a block with the non-blank line before it, trimmed.
fn planning<'a>(src: &'a str, b: &Block) -> Vec<(&'a str, &'a str)> {
    let mut prev = "";
    let mut out = Vec::new();
    for l in &b.lines {
        let t = l.line.text(src).trim();
        if crate::syntax::blocks::is_timestamp_line(t) {
            out.push((t, prev));
        }
        if !t.is_empty() {
            prev = t;
        }
    }
    out
}
