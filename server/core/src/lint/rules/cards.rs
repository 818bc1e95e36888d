//! card-no-answer, card-answer-inline, card-empty-question, card-tag-not-native.
//!
//! What Logseq's review shows (srs.cljs@0.10.9 `Sided-Cloze-Card` `show-cycle`): phase 1 the
//! whole card block, every line, with clozes hidden; "Show answers" adds the child blocks; "Show
//! clozes" reveals the clozes. A card with neither children nor a cloze has nothing to hide.
//! The children are the block's descendants (`db/get-paginated-blocks` with `:scoped-block-id`,
//! srs.cljs line 228).

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::model::cards::NATIVE_TAG;
use crate::syntax::outline::BlockKind;

pub(super) fn check(ctx: &PageCtx, block: usize, out: &mut Vec<Diagnostic>) {
    // Cards are in block order.
    let Ok(k) = ctx.cards.binary_search_by_key(&block, |c| c.block) else {
        return;
    };
    let c = &ctx.cards[k];
    let tag = ctx.src[c.tag_range.clone()].to_string();
    // `tags:: card` in the page properties makes the pre-block the card (graph-parser gives
    // the pre-block the page's refs); its children are only bullets indented under the
    // properties: the page's blocks are the page's, not the pre-block's.
    let page_card = ctx.outline.blocks[c.block].kind == BlockKind::Pre;
    if !c.front_has_text && c.clozes.is_empty() {
        let msg = if page_card {
            format!("This page is a card only through `{tag}` in its page properties: Logseq's review shows the page properties as the front, so there is no question on it.")
        } else {
            format!("This card's block holds nothing but `{tag}`: Logseq's review shows the whole block as the front, so the front is only the tag.")
        };
        out.push(Diagnostic::new(
            Code::CardEmptyQuestion,
            c.tag_range.clone(),
            msg,
        ));
    }
    let nothing_hidden = !c.has_children && c.clozes.is_empty();
    if nothing_hidden && c.lines_after_tag.is_empty() {
        let msg = if page_card {
            "This page is a card through its page properties (the block holding them is the card): Logseq's review shows that block as the front and its child blocks as the back, and it has none: the page's blocks are not its children, so \"Show answers\" reveals nothing. Indent the answer under the page properties, or tag the blocks that hold the questions with #card."
        } else {
            "This card has no child blocks and no {{cloze}}: Logseq's review shows the whole block as the front and \"Show answers\" reveals nothing more. Add the answer as a child block."
        };
        out.push(Diagnostic::new(
            Code::CardNoAnswer,
            c.tag_range.clone(),
            msg,
        ));
    }
    if nothing_hidden && !c.lines_after_tag.is_empty() {
        let first = c.lines_after_tag[0].start;
        let last = c.lines_after_tag[c.lines_after_tag.len() - 1].end;
        // A card only through another tag is not reviewed at all (card-tag-not-native says
        // so): what these lines would be once it is one.
        let msg = if c.native {
            "These lines are on the front of the card: Logseq's review shows every line of the card block at once, and this card has no child blocks and no {{cloze}}, so \"Show answers\" reveals nothing. Only child blocks are hidden until then."
        } else {
            "These lines would be on the front of the card: once it is a Logseq card (#card), Logseq's review shows every line of the card block at once, and this card has no child blocks and no {{cloze}}, so \"Show answers\" would reveal nothing. Only child blocks are hidden until then."
        };
        out.push(Diagnostic::new(Code::CardAnswerInline, first..last, msg));
    }
    if !c.native {
        out.push(Diagnostic::new(
            Code::CardTagNotNative,
            c.tag_range.clone(),
            format!("`{tag}` is not Logseq's card tag: Logseq's review only shows blocks tagged #{NATIVE_TAG}, so this card never comes up for review there."),
        ));
    }
}
