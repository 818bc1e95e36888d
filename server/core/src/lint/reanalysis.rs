//! Re-analysing a page after one edit by redoing only the top-level blocks it touched: the
//! server's keystroke path (a whole [`analyze`](crate::lint::analysis::analyze) of a 1 MB page takes ~12 ms; issue 5
//! asks for 5 ms from keystroke to diagnostics).
//!
//! The outline is re-parsed from the last column-0 bullet before the edit up to the first one
//! after it that lines up with the old parse (outline/incremental.rs says why that is exact).
//! Cards and index facts belong to blocks and read only a block's own subtree, so those of the
//! re-parsed blocks are recomputed and the rest moved. So are the page rules' diagnostics, which
//! are kept per block; the page-wide rules (mixed indentation, with line numbers in its
//! messages; unclosed fences) run again on the whole page.

use crate::lint::analysis::PageAnalysis;
use crate::lint::diagnostic::Diagnostic;
use crate::lint::rules::{self, PageCtx};
use crate::model::cards::{self, Card};
use crate::model::graph::{PageFacts, VisibleChange};
use crate::model::settings::Settings;
use crate::syntax::outline::incremental::{self, Edit, Splice};
use crate::syntax::outline::{BlockKind, Outline};

/// Brings `a` (the analysis of `old_src`) up to date with `new_src` = `old_src` with `e`
/// applied. Returns false, leaving `a` as it was, when only a whole analysis is exact.
pub fn reanalyze(
    a: &mut PageAnalysis,
    old_src: &str,
    new_src: &str,
    e: &Edit,
    settings: &Settings,
) -> bool {
    reanalyze_seen(a, old_src, new_src, e, settings).is_some()
}

/// [`reanalyze`], saying how the facts other pages see changed (`None`: declined). Read off the
/// re-read blocks: comparing every id of a page before and after cost a keystroke on a 1 MB
/// page with 1,450 ids 11 % of `did_change` (perf).
pub fn reanalyze_seen(
    a: &mut PageAnalysis,
    old_src: &str,
    new_src: &str,
    e: &Edit,
    settings: &Settings,
) -> Option<VisibleChange> {
    let sp = incremental::reparse(&mut a.outline, old_src, new_src, e)?;
    let window = sp.first..sp.new_end;
    let reshaped = splice_cards(
        new_src,
        &a.outline,
        &mut a.cards,
        cards::cards_in(
            new_src,
            &a.outline,
            &settings.card_tags,
            window.clone(),
            &settings.refs,
        ),
        &sp,
    );
    let seen = splice_facts(
        &mut a.facts,
        PageFacts::from_blocks(new_src, &a.outline, window),
        &sp,
    );
    let ctx = PageCtx {
        src: new_src,
        outline: &a.outline,
        cards: &a.cards,
    };
    splice_local(&mut a.local, &mut a.local_blocks, &ctx, &sp, reshaped);
    Some(seen)
}

/// More blocks than this to re-check outside the window (cards whose subtree changed shape)
/// and the page rules run on the whole page: each re-check moves the diagnostics after it.
const MAX_RECHECKED: usize = 32;

/// The page rules again for the re-parsed blocks and the cards outside them whose subtree changed
/// shape; the other blocks' diagnostics moved with their blocks; the page-wide rules run again.
fn splice_local(
    local: &mut Vec<Diagnostic>,
    blocks: &mut Vec<usize>,
    ctx: &PageCtx,
    sp: &Splice,
    mut reshaped: Vec<usize>,
) {
    // heading-splits-block reads the block before, but the block after the window is always a
    // bullet (re-parsing stops only at one), never the heading it would fire on.
    debug_assert!(ctx
        .outline
        .blocks
        .get(sp.new_end)
        .is_none_or(|b| b.kind == BlockKind::Bullet));
    reshaped.sort_unstable();
    reshaped.dedup();
    if reshaped.len() > MAX_RECHECKED {
        (*local, *blocks) = rules::check_page(ctx);
        return;
    }
    local.truncate(blocks.len());
    let head = blocks.partition_point(|&b| b < sp.first);
    let tail = blocks.partition_point(|&b| b < sp.old_end);
    for (d, b) in local[tail..].iter_mut().zip(&mut blocks[tail..]) {
        *b = sp.block(*b);
        move_diagnostic(d, sp);
    }
    let (fresh, fresh_blocks) = rules::check_blocks(ctx, sp.first..sp.new_end);
    local.splice(head..tail, fresh);
    blocks.splice(head..tail, fresh_blocks);
    for i in reshaped {
        let from = blocks.partition_point(|&b| b < i);
        let to = blocks.partition_point(|&b| b <= i);
        let (fresh, fresh_blocks) = rules::check_blocks(ctx, i..i + 1);
        local.splice(from..to, fresh);
        blocks.splice(from..to, fresh_blocks);
    }
    rules::check_page_wide(ctx, local);
}

fn move_diagnostic(d: &mut Diagnostic, sp: &Splice) {
    d.range = sp.offset(d.range.start)..sp.offset(d.range.end);
    for r in &mut d.related {
        r.range = sp.offset(r.range.start)..sp.offset(r.range.end);
    }
}

/// Returns the (new) blocks of the moved cards whose subtree changed shape.
fn splice_cards(
    src: &str,
    o: &Outline,
    cards: &mut Vec<Card>,
    fresh: Vec<Card>,
    sp: &Splice,
) -> Vec<usize> {
    let mut reshaped = Vec::new();
    let head = cards.partition_point(|c| c.block < sp.first);
    let tail = cards.partition_point(|c| c.block < sp.old_end);
    for c in &mut cards[tail..] {
        c.block = sp.block(c.block);
        // A card's subtree can change without its block being re-parsed: an edit before it
        // can change the nesting of the blocks after it (the first block's indent), so what
        // reads the subtree is read again.
        let shape = cards::subtree_shape(src, o, c.block);
        if shape != (c.has_children, c.has_cloze_phase) {
            reshaped.push(c.block);
            (c.has_children, c.has_cloze_phase) = shape;
        }
        c.tag_range = sp.offset(c.tag_range.start)..sp.offset(c.tag_range.end);
        for r in c.lines_after_tag.iter_mut().chain(c.front.iter_mut()) {
            *r = sp.offset(r.start)..sp.offset(r.end);
        }
        for z in &mut c.clozes {
            z.range = sp.offset(z.range.start)..sp.offset(z.range.end);
        }
    }
    cards.splice(head..tail, fresh);
    reshaped
}

fn splice_facts(f: &mut PageFacts, fresh: PageFacts, sp: &Splice) -> VisibleChange {
    let mut renamed = false;
    // Title and aliases live in the pre-block, which is re-read only when the window starts at 0.
    if sp.first == 0 {
        renamed |= f.title_property != fresh.title_property || f.aliases != fresh.aliases;
        f.title_property = fresh.title_property;
        f.aliases = fresh.aliases;
    }
    let head = f.ids.partition_point(|s| s.block < sp.first);
    let tail = f.ids.partition_point(|s| s.block < sp.old_end);
    // Ids before the window are as they were, those after it moved by the edit's length.
    let window = &f.ids[head..tail];
    renamed |=
        window.len() != fresh.ids.len() || window.iter().zip(&fresh.ids).any(|(a, b)| a.id != b.id);
    let same_place = window
        .iter()
        .zip(&fresh.ids)
        .take_while(|(a, b)| a.value == b.value)
        .count();
    let seen = if renamed {
        VisibleChange::Renamed
    } else if same_place < window.len() {
        VisibleChange::Moved {
            from: head + same_place,
        }
    } else if tail < f.ids.len() && sp.delta != 0 {
        VisibleChange::Moved {
            from: head + window.len(),
        }
    } else {
        VisibleChange::Same
    };
    for s in &mut f.ids[tail..] {
        s.block = sp.block(s.block);
        s.value = sp.offset(s.value.start)..sp.offset(s.value.end);
        s.block_range = sp.offset(s.block_range.start)..sp.offset(s.block_range.end);
    }
    f.ids.splice(head..tail, fresh.ids);
    let head = f.block_refs.partition_point(|r| r.range.start < sp.from);
    let tail = f
        .block_refs
        .partition_point(|r| r.range.start < sp.old_stop);
    for r in &mut f.block_refs[tail..] {
        r.range = sp.offset(r.range.start)..sp.offset(r.range.end);
    }
    f.block_refs.splice(head..tail, fresh.block_refs);
    let (head, tail) = splice_named(&mut f.page_refs, fresh.page_refs, sp);
    f.page_ref_read.splice(head..tail, fresh.page_ref_read);
    splice_named(&mut f.asset_links, fresh.asset_links, sp);
    seen
}

/// Replaces the (name, range) entries of the re-read window and moves those after it; returns
/// the window's old index range.
fn splice_named(
    v: &mut Vec<(String, std::ops::Range<usize>)>,
    fresh: Vec<(String, std::ops::Range<usize>)>,
    sp: &Splice,
) -> (usize, usize) {
    let head = v.partition_point(|r| r.1.start < sp.from);
    let tail = v.partition_point(|r| r.1.start < sp.old_stop);
    for r in &mut v[tail..] {
        r.1 = sp.offset(r.1.start)..sp.offset(r.1.end);
    }
    v.splice(head..tail, fresh);
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::analysis::analyze;
    use crate::model::graph::GraphVisible;
    use proptest::prelude::*;

    /// Applies `e` (with `text` as the new bytes) to `src`, both ways, and compares.
    fn check(src: &str, start: usize, old_end: usize, text: &str) -> Result<bool, TestCaseError> {
        let settings = Settings::default();
        let mut new_src = String::with_capacity(src.len() + text.len());
        new_src.push_str(&src[..start]);
        new_src.push_str(text);
        new_src.push_str(&src[old_end..]);
        let e = Edit {
            start,
            old_end,
            new_end: start + text.len(),
        };
        let mut a = analyze(src, &settings);
        let before = GraphVisible::of(&a.facts);
        let seen = reanalyze_seen(&mut a, src, &new_src, &e, &settings);
        let incremental = seen.is_some();
        if !incremental {
            prop_assert_eq!(
                &a.outline,
                &analyze(src, &settings).outline,
                "declined but changed"
            );
            return Ok(false);
        }
        let fresh = analyze(&new_src, &settings);
        prop_assert_eq!(
            &a.outline,
            &fresh.outline,
            "outline after {:?} → {:?}",
            src,
            new_src
        );
        prop_assert_eq!(&a.cards, &fresh.cards);
        prop_assert_eq!(&a.facts, &fresh.facts);
        prop_assert_eq!(&a.local, &fresh.local);
        prop_assert_eq!(&a.local_blocks, &fresh.local_blocks);
        prop_assert_eq!(
            seen,
            Some(before.change_to(&GraphVisible::of(&fresh.facts)))
        );
        Ok(true)
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "- ",
            "- ",
            "- ",
            "\t- ",
            "  - ",
            "\n",
            "\n",
            "\n- ",
            "\n\t- ",
            "\r\n",
            "text ",
            "😀",
            "é",
            "#card ",
            "#flashcard",
            "id:: 6500a1b2-0000-4000-8000-000000000001",
            "id:: 6500a1b2-0000-4000-8000-000000000002",
            "((6500a1b2-0000-4000-8000-000000000001))",
            "[[Page]]",
            "#tag",
            "key:: v",
            "{{cloze x}}",
            "```",
            "~~~",
            "#+BEGIN_QUOTE",
            "#+END_QUOTE",
            "$$",
            "<div>",
            "</div>",
            ":PROPERTIES:",
            ":END:",
            ":LOGBOOK:",
            "---",
            "# ",
            "## h",
            "* ",
            "1. ",
            "> ",
            "alias:: a",
            "title:: T",
            "card-repeats:: 2",
            "-",
            "#",
            ":",
            "`",
            "\t",
        ])
    }

    fn page() -> impl Strategy<Value = String> {
        prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]
        /// Any single edit of a page: the incremental analysis equals a whole one, or declines.
        #[test]
        fn incremental_equals_whole(src in page(), a in 0.0..1.0f64, len in 0usize..12, ins in prop::collection::vec(piece(), 0..3)) {
            let mut start = (src.len() as f64 * a) as usize;
            while !src.is_char_boundary(start) { start -= 1; }
            let mut end = (start + len).min(src.len());
            while !src.is_char_boundary(end) { end += 1; }
            check(&src, start, end, &ins.concat())?;
        }
    }

    /// Other pages see an id that changed in place (same count of ids, another value), and not
    /// an edit that only moves ids.
    #[test]
    fn an_id_edited_in_place_is_a_rename() {
        let src = "- a\n  id:: 6500a1b2-0000-4000-8000-000000000001\n- b 😀\n  id:: 6500a1b2-0000-4000-8000-000000000003\n";
        let one = src.find("001\n").unwrap() + 2;
        assert!(check(src, one, one + 1, "2").unwrap());
        let settings = Settings::default();
        let seen = |at: usize, end: usize, text: &str| {
            let new_src = format!("{}{text}{}", &src[..at], &src[end..]);
            let e = Edit {
                start: at,
                old_end: end,
                new_end: at + text.len(),
            };
            reanalyze_seen(&mut analyze(src, &settings), src, &new_src, &e, &settings)
        };
        assert_eq!(seen(one, one + 1, "2"), Some(VisibleChange::Renamed));
        assert_eq!(seen(2, 2, "x"), Some(VisibleChange::Moved { from: 0 }));
        let b = src.find("b 😀").unwrap() + 1;
        assert_eq!(seen(b, b, ""), Some(VisibleChange::Same));
    }

    /// The common case takes the incremental path: typing in the middle of a real page.
    #[test]
    fn typing_in_a_real_page_is_incremental() {
        let src = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/readwise-export/pages/Kubernetes in Action.md"
        ));
        let mut n = 0;
        for at in (0..src.len()).step_by(997) {
            let mut at = at;
            while !src.is_char_boundary(at) {
                at += 1;
            }
            n += usize::from(check(src, at, at, "x").unwrap());
        }
        let tries = src.len().div_ceil(997);
        assert!(n * 10 >= tries * 8, "{n} of {tries} edits were incremental");
    }
}
