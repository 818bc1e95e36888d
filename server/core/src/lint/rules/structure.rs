//! indent-mixed, heading-splits-block, fence-unclosed: places where the outline Logseq builds
//! differs from the one the text shows.

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::syntax::outline::{nesting, Block, BlockKind};

/// heading-splits-block: reads the block before (one block back, so re-checking a block means
/// re-checking the one after it too).
pub(super) fn check(ctx: &PageCtx, i: usize, b: &Block, out: &mut Vec<Diagnostic>) {
    if let BlockKind::Heading { .. } = b.kind {
        let follows_bullet = i > 0 && ctx.outline.blocks[i - 1].kind == BlockKind::Bullet;
        if !b.indent.is_empty() && follows_bullet {
            out.push(Diagnostic::new(
                Code::HeadingSplitsBlock,
                b.lines[0].line.range(),
                "This indented line starts with `#` and a space, so Logseq reads it as a heading: it ends the block above and starts a new top-level block with the lines after it. Make it a child block (`- #…`) or drop the space after `#`.",
            ));
        }
    }
}

/// indent-mixed and fence-unclosed: page-wide (the nesting of every block, line numbers in
/// messages, fences across blocks), so they run on the whole page every time.
pub(super) fn check_page_wide(ctx: &PageCtx, out: &mut Vec<Diagnostic>) {
    indent_mixed(ctx, out);
    for r in &ctx.outline.unclosed_fences {
        out.push(Diagnostic::new(
            Code::FenceUnclosed,
            r.clone(),
            "This code fence is never closed, so Logseq does not treat what follows as code: its `- ` lines become blocks and its `key:: value` lines properties. Close it with a matching fence.",
        ));
    }
}

/// Flags a bullet whose parent under Logseq's raw-count nesting differs from its parent as the
/// text looks, with tabs at both common widths (2 and 4): only then is the outline surprising.
fn indent_mixed(ctx: &PageCtx, out: &mut Vec<Diagnostic>) {
    let blocks = &ctx.outline.blocks;
    let has_tab = blocks
        .iter()
        .any(|b| ctx.src[b.indent.clone()].contains('\t'));
    let has_space = blocks
        .iter()
        .any(|b| ctx.src[b.indent.clone()].contains(' '));
    if !(has_tab && has_space) {
        return;
    }
    let visual = |tab: usize| {
        nesting::parents(blocks, |b| {
            ctx.src[b.indent.clone()]
                .bytes()
                .map(|c| if c == b'\t' { tab } else { 1 })
                .sum()
        })
    };
    let (v2, v4) = (visual(2), visual(4));
    for (i, b) in blocks.iter().enumerate() {
        if b.kind != BlockKind::Bullet || b.parent == v2[i] || b.parent == v4[i] {
            continue;
        }
        let parent = |p: Option<usize>| {
            p.map_or("the top level".to_string(), |j| {
                format!("line {}'s block", line_of(ctx.src, blocks[j].range.start))
            })
        };
        out.push(Diagnostic::new(
            Code::IndentMixed,
            b.indent.clone(),
            format!(
                "Tabs and spaces are mixed in this indentation. Logseq counts each tab or space as one level step, so this block goes under {} rather than {} as it looks. Indent with tabs only.",
                parent(b.parent),
                parent(v4[i])
            ),
        ));
    }
}

fn line_of(src: &str, off: usize) -> usize {
    src[..off].bytes().filter(|b| *b == b'\n').count() + 1
}
