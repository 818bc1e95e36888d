//! card-no-answer, card-answer-inline, card-empty-question, card-tag-not-native.

use super::PageCtx;
use crate::engine::cards::NATIVE_TAG;
use crate::engine::diagnostic::{Code, Diagnostic};

pub(super) fn check(ctx: &PageCtx, out: &mut Vec<Diagnostic>) {
    for c in ctx.cards {
        let tag = ctx.src[c.tag_range.clone()].to_string();
        if c.question.trim().is_empty() && c.clozes.is_empty() {
            out.push(Diagnostic::new(
                Code::CardEmptyQuestion,
                c.tag_range.clone(),
                format!("This card has no question: nothing but `{tag}` on its question line. Logseq would show an empty front in review."),
            ));
        }
        if c.answer_lines.is_empty() && !c.has_children && c.clozes.is_empty() {
            out.push(Diagnostic::new(
                Code::CardNoAnswer,
                c.tag_range.clone(),
                "This card has nothing to reveal: no answer lines, no child blocks and no {{cloze}}. Add the answer as a child block.",
            ));
        }
        if !c.answer_lines.is_empty() && !c.has_children {
            let first = c.answer_lines[0].start;
            let last = c.answer_lines[c.answer_lines.len() - 1].end;
            out.push(Diagnostic::new(
                Code::CardAnswerInline,
                first..last,
                "The answer is on continuation lines of the card block. Logseq shows every line of the block on the front of the card, so the answer is visible before \"Show answers\"; only child blocks are hidden.",
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
