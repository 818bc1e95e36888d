//! indent-mixed: re-indent bullets with tabs so that Logseq nests them the way they look.

use super::{Fix, FixCtx};
use crate::lint::diagnostic::Diagnostic;
use crate::syntax::edit::TextEdit;
use crate::syntax::outline::{nesting, BlockKind};

pub(super) fn reindent_with_tabs(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let src = ctx.src;
    let blocks = &ctx.analysis.outline.blocks;
    // The nesting as it looks with tabs four columns wide: what the user meant.
    let mut visual = blocks.clone();
    nesting::assign_levels(&mut visual, |b| {
        src[b.indent.clone()]
            .bytes()
            .map(|c| if c == b'\t' { 4 } else { 1 })
            .sum()
    });
    let mut edits = Vec::new();
    for (b, v) in blocks.iter().zip(&visual) {
        if b.kind != BlockKind::Bullet {
            continue;
        }
        let old = &src[b.indent.clone()];
        let new = "\t".repeat(v.level.saturating_sub(1) as usize);
        if old == new {
            continue;
        }
        edits.push(TextEdit::replace(b.indent.clone(), new.clone()));
        // Continuation lines move with their bullet.
        for l in &b.lines[1..] {
            let t = l.line.text(src);
            if !t.trim().is_empty() && t.starts_with(old) {
                edits.push(TextEdit::replace(
                    l.line.start..l.line.start + old.len(),
                    new.clone(),
                ));
            }
        }
    }
    if edits.is_empty() {
        return Vec::new();
    }
    vec![Fix {
        title: "Re-indent the blocks with tabs, nested as they look".into(),
        code: d.code,
        edits,
        safe: false,
    }]
}
