//! card-no-answer, card-answer-inline, card-empty-question, card-tag-not-native.
//!
//! What Logseq's review shows (srs.cljs@0.10.9 `Sided-Cloze-Card` `show-cycle`): phase 1 the
//! whole card block, every line, with clozes hidden; "Show answers" adds the child blocks; "Show
//! clozes" reveals the clozes. A card with neither children nor a cloze has nothing to hide.

use super::PageCtx;
use crate::engine::cards::NATIVE_TAG;
use crate::engine::diagnostic::{Code, Diagnostic};

pub(super) fn check(ctx: &PageCtx, out: &mut Vec<Diagnostic>) {
    for c in ctx.cards {
        let tag = ctx.src[c.tag_range.clone()].to_string();
        if !c.front_has_text && c.clozes.is_empty() {
            out.push(Diagnostic::new(
                Code::CardEmptyQuestion,
                c.tag_range.clone(),
                format!("This card's block holds nothing but `{tag}`: Logseq's review shows the whole block as the front, so the front is only the tag."),
            ));
        }
        let nothing_hidden = !c.has_children && c.clozes.is_empty();
        if nothing_hidden && c.lines_after_tag.is_empty() {
            out.push(Diagnostic::new(
                Code::CardNoAnswer,
                c.tag_range.clone(),
                "This card has no child blocks and no {{cloze}}: Logseq's review shows the whole block as the front and \"Show answers\" reveals nothing more. Add the answer as a child block.",
            ));
        }
        if nothing_hidden && !c.lines_after_tag.is_empty() {
            let first = c.lines_after_tag[0].start;
            let last = c.lines_after_tag[c.lines_after_tag.len() - 1].end;
            out.push(Diagnostic::new(
                Code::CardAnswerInline,
                first..last,
                "These lines are on the front of the card: Logseq's review shows every line of the card block at once, and this card has no child blocks and no {{cloze}}, so \"Show answers\" reveals nothing. Only child blocks are hidden until then.",
            ));
        }
        if !c.native {
            out.push(Diagnostic::new(
                Code::CardTagNotNative,
                c.tag_range.clone(),
                format!("`{tag}` is not Logseq's card tag: Logseq's review only shows blocks tagged #{NATIVE_TAG}, so this card never comes up for review there."),
            ));
        }
    }
}
