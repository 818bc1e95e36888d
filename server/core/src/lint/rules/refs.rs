//! block-ref-malformed, block-ref-unresolved, page-missing.

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::model::graph::{Graph, PageFacts};
use crate::syntax::inline::InlineKind;
use crate::syntax::outline::Block;
use crate::syntax::uuid::parse_uuid;

pub(super) fn check(ctx: &PageCtx, b: &Block, out: &mut Vec<Diagnostic>) {
    for x in &b.inlines {
        let InlineKind::BlockRef { inner, in_embed } = &x.kind else {
            continue;
        };
        let t = &ctx.src[inner.clone()];
        if parse_uuid(t).is_some() {
            if crate::syntax::uuid::block_ref_id(t, *in_embed).is_none() {
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

/// graph-validator's `tags-and-page-refs-have-pages` (default_validations.cljs@v0.5.0, lines
/// 191-214): every tag and page reference names a page that has a file, or an alias. References
/// to journal days in the default title format (`Dec 3rd, 2024`: its regex, line 198, on the
/// lower-cased name) are dates, not pages; so are `background-color::` values such as `#ff0000`
/// (lines 154-159), and Logseq's built-in pages (`card`, `TODO`, …) exist in every graph, which
/// graph-validator, counting only pages with a file, would report. Tags are checked by their full name (graph-validator takes a tag's last
/// `/` segment, line 193, which would pass `#a/b` when only `b` exists).
pub(super) fn check_pages(graph: &Graph, facts: &PageFacts, out: &mut Vec<Diagnostic>) {
    let read = facts.page_refs.iter().zip(&facts.page_ref_read);
    for ((key, range), _) in read.filter(|(_, r)| **r) {
        if key.trim().is_empty()
            || is_journal_title(key)
            || BUILT_IN_PAGES.contains(&key.as_str())
            || graph.page_by_name(key).is_some()
        {
            continue;
        }
        out.push(Diagnostic::new(
            Code::PageMissing,
            range.clone(),
            format!("No page of the graph is named `{key}` (no file, no alias): Logseq creates the page, empty, for the reference."),
        ));
    }
}

/// The pages every Logseq 0.10.9 graph has without a file (deps/db default.cljs
/// `built-in-pages-names`, lower-cased): a reference to them names a page.
const BUILT_IN_PAGES: &[&str] = &[
    "now",
    "later",
    "doing",
    "done",
    "canceled",
    "cancelled",
    "in-progress",
    "todo",
    "wait",
    "waiting",
    "a",
    "b",
    "c",
    "favorites",
    "contents",
    "card",
];

/// graph-validator's test for a journal reference: a month's three letters and a space first.
fn is_journal_title(key: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    key.get(..3).is_some_and(|m| MONTHS.contains(&m))
        && key[3..].starts_with(|c: char| c.is_whitespace())
}
