//! block-ref-malformed, block-ref-unresolved.

use super::PageCtx;
use crate::engine::diagnostic::{Code, Diagnostic};
use crate::engine::graph::{Graph, PageFacts};
use crate::engine::ids::parse_uuid;
use crate::engine::inline::InlineKind;

pub(super) fn check(ctx: &PageCtx, out: &mut Vec<Diagnostic>) {
    for b in &ctx.outline.blocks {
        for x in &b.inlines {
            let InlineKind::BlockRef { inner, in_embed } = &x.kind else {
                continue;
            };
            let t = &ctx.src[inner.clone()];
            if parse_uuid(t).is_some() {
                if t.trim() != t && !in_embed {
                    out.push(Diagnostic::new(
                        Code::BlockRefMalformed,
                        x.range.clone(),
                        "Spaces inside (( )): Logseq does not trim block references, so this one shows as \"Block ref invalid\". Remove the spaces.",
                    ));
                }
            } else {
                out.push(Diagnostic::new(
                    Code::BlockRefMalformed,
                    x.range.clone(),
                    format!("`(({t}))` is not a block reference: Logseq reads ((…)) as one, but `{t}` is not a block UUID, so it shows as \"Block ref invalid\"."),
                ));
            }
        }
    }
}

pub(super) fn check_unresolved(graph: &Graph, facts: &PageFacts, out: &mut Vec<Diagnostic>) {
    for r in &facts.block_refs {
        if graph.id_count(&r.id) == 0 {
            let what = if r.embed { "embed" } else { "reference" };
            out.push(Diagnostic::new(
                Code::BlockRefUnresolved,
                r.range.clone(),
                format!("No block of the graph has id:: {}. Logseq shows this {what} as \"Block ref invalid\".", r.id),
            ));
        }
    }
}
