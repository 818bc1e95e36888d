//! Lint rules, one file per family. Page rules see one parsed page; graph rules see the index.
//! Messages say what Logseq will do and why, so the fix is obvious without the docs.

mod assets;
pub use assets::{suggest_assets, unused_assets};
mod cards;
mod cloze;
pub use cloze::is_anki_cloze;
pub mod ids;
mod properties;
mod queries;
mod refs;
mod schedule;
mod structure;

use crate::lint::diagnostic::{Code, Diagnostic, Severity};
use crate::model::cards::Card;
use crate::model::graph::{Graph, PageFacts};
use crate::model::settings::Settings;
use crate::syntax::outline::Outline;

/// One parsed page, as the page rules see it.
pub struct PageCtx<'a> {
    pub src: &'a str,
    pub outline: &'a Outline,
    pub cards: &'a [Card],
}

/// Rules that need only the page itself: each block's, in block order, then the page-wide
/// ones. The second list holds the block of each of the first diagnostics (those after it are
/// the page-wide ones), so that re-analysis can re-check only the blocks an edit touched.
pub fn check_page(ctx: &PageCtx) -> (Vec<Diagnostic>, Vec<usize>) {
    let (mut out, blocks) = check_blocks(ctx, 0..ctx.outline.blocks.len());
    check_page_wide(ctx, &mut out);
    (out, blocks)
}

/// [`check_block`] for a run of blocks: their diagnostics and the block of each.
pub fn check_blocks(ctx: &PageCtx, run: std::ops::Range<usize>) -> (Vec<Diagnostic>, Vec<usize>) {
    let mut out = Vec::new();
    let mut blocks = Vec::new();
    for i in run {
        check_block(ctx, i, &mut out);
        blocks.resize(out.len(), i);
    }
    (out, blocks)
}

/// The rules that read one block (and, for heading-splits-block, the kind of the block before;
/// for a card, the shape of its subtree as the card holds it).
pub fn check_block(ctx: &PageCtx, i: usize, out: &mut Vec<Diagnostic>) {
    let from = out.len();
    let b = &ctx.outline.blocks[i];
    cards::check(ctx, i, out);
    cloze::check(ctx, b, out);
    schedule::check(ctx, i, b, out);
    ids::check(ctx, b, out);
    refs::check(ctx, b, out);
    properties::check(ctx, b, out);
    queries::check(ctx, b, out);
    structure::check(ctx, i, b, out);
    // In the order `finish` sorts by (stable, as it is): a page's list is then in order but for
    // the page-wide rules', and sorting it on every keystroke is a check of that (3,600 on the
    // exported 1 MB page, each rule's in its own order, were 12 % of a keystroke's diagnostics).
    out[from..].sort_by_key(Diagnostic::order);
}

/// The rules that read the whole page: run again after every edit.
pub fn check_page_wide(ctx: &PageCtx, out: &mut Vec<Diagnostic>) {
    structure::check_page_wide(ctx, out);
}

/// Rules that need the whole graph: duplicate ids, unresolved references, missing assets, pages
/// that do not
/// exist (only when turned on: it is off by default and looks up every reference).
pub fn check_graph(
    graph: &Graph,
    path: &str,
    facts: &PageFacts,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    ids::check_duplicates(graph, path, facts, &mut out);
    refs::check_unresolved(graph, facts, &mut out);
    assets::check_missing(graph, facts, &mut out);
    if settings.severity_of(Code::PageMissing).is_some() {
        refs::check_pages(graph, facts, &mut out);
    }
    out
}

/// Applies the user's severities (dropping rules turned off, and rules off by default that the
/// user did not turn on) and sorts by position. Without a
/// user setting a diagnostic keeps the severity its rule gave it (a rule may lower its default,
/// e.g. card-schedule-invalid on a value Logseq still uses).
pub fn finish(diags: Vec<Diagnostic>, settings: &Settings) -> Vec<Diagnostic> {
    let mut diags = finish_unsorted(diags, settings);
    diags.sort_by_key(Diagnostic::order);
    diags
}

/// The severity the settings give `d`, or none if they drop it.
fn severity_in(settings: &Settings, d: &Diagnostic) -> Option<Severity> {
    match settings.severity.get(&d.code) {
        Some(s) => *s,
        None => d.code.on_by_default().then_some(d.severity),
    }
}

/// [`finish`] but for the sort.
fn finish_unsorted(mut diags: Vec<Diagnostic>, settings: &Settings) -> Vec<Diagnostic> {
    diags.retain_mut(|d| match severity_in(settings, d) {
        Some(s) => {
            d.severity = s;
            true
        }
        None => false,
    });
    diags
}

/// [`finish`] of `local` followed by `extra`, each diagnostic of `local` by reference: the same
/// list in the same order, without copying a page's thousands of findings on every keystroke
/// (BENCHMARKS.md, issue 15). Those whose severity the settings change are copies, made into
/// `hold` (cleared first) with the kept ones of `extra`.
pub fn finish_borrowed<'a>(
    local: &'a [Diagnostic],
    extra: Vec<Diagnostic>,
    settings: &Settings,
    hold: &'a mut Vec<Diagnostic>,
) -> Vec<&'a Diagnostic> {
    let restyled = |d: &Diagnostic| severity_in(settings, d).is_some_and(|s| s != d.severity);
    hold.clear();
    hold.extend(local.iter().filter(|d| restyled(d)).cloned());
    let copies = hold.len();
    hold.extend(extra);
    // The copies all stay (a severity is set for them) and take it; of `extra`, what `finish`
    // keeps.
    *hold = finish_unsorted(std::mem::take(hold), settings);
    let hold: &'a [Diagnostic] = hold;
    let (copies, extra) = hold.split_at(copies);
    let mut copies = copies.iter();
    let mut out: Vec<&Diagnostic> = Vec::with_capacity(local.len() + extra.len());
    for d in local {
        match severity_in(settings, d) {
            Some(s) if s != d.severity => out.extend(copies.next()),
            Some(_) => out.push(d),
            None => {}
        }
    }
    out.extend(extra);
    // Stable, as `finish`'s: equal places keep the order above, which is `local ++ extra`'s.
    out.sort_by_key(|d| d.order());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::analysis::analyze;
    use crate::lint::diagnostic::Severity;
    use proptest::prelude::*;

    /// Findings of many codes, some of them at the same place (a tie the sort must keep).
    const PAGE: &str =
        "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n  What is NoOps? 😀 #flashcard\n  \
        Ideally, developers deploy.\n- Q #card\n- {{cloze}} #card\n- x\n  tags:: a\n\
        - id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n  twin #card\n- ((nope)) [[é]]\n\
        \t- mixed\n    - indent\n```\nopen fence";

    fn choice() -> impl Strategy<Value = Option<Option<Severity>>> {
        prop::sample::select(vec![
            None,
            Some(None),
            Some(Some(Severity::Error)),
            Some(Some(Severity::Warning)),
            Some(Some(Severity::Information)),
            Some(Some(Severity::Hint)),
        ])
    }

    proptest! {
        /// Whatever the settings say of each rule, the borrowed list is `finish`'s.
        #[test]
        fn borrowed_equals_finish(
            choices in prop::collection::vec(choice(), Code::ALL.len()),
            extra_from in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let mut settings = Settings::default();
            for (code, c) in Code::ALL.iter().zip(choices) {
                if let Some(c) = c {
                    settings.severity.insert(*code, c);
                }
            }
            let plain = Settings::default();
            let local = analyze(PAGE, &plain).local;
            prop_assert!(local.len() >= 8, "{local:?}");
            // Graph findings stand in as copies of page ones: same places, other orders.
            let extra: Vec<Diagnostic> =
                extra_from.iter().map(|i| local[i.index(local.len())].clone()).collect();
            let mut all = local.clone();
            all.extend(extra.iter().cloned());
            let want = finish(all, &settings);
            let mut hold = Vec::new();
            let got: Vec<Diagnostic> =
                finish_borrowed(&local, extra, &settings, &mut hold).into_iter().cloned().collect();
            prop_assert_eq!(got, want);
        }
    }
}
