//! Fixes that must not be offered: each page below is one where the fix, as it was, changed what
//! Logseq 0.10.9's graph-parser reads (found by tests/test_fix_oracle.py, which runs it before
//! and after every offered fix). The diagnostic stays; only the destructive fix goes.

use super::{fixes_for, FixCtx};
use crate::lint::analysis;
use crate::lint::diagnostic::Code;
use crate::model::settings::Settings;

/// The fixes offered for the first `code` diagnostic of `src` (which must have one).
fn offered(src: &str, code: Code) -> Vec<String> {
    let a = analysis::analyze(src, &Settings::default());
    let d = a
        .local
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {} on {src:?}", code.as_str()));
    let ctx = FixCtx { src, analysis: &a };
    fixes_for(&ctx, d, &mut || {
        "00000000-0000-4000-8000-000000000000".into()
    })
    .into_iter()
    .map(|f| f.title)
    .collect()
}

#[test]
fn answer_stays_when_the_card_is_the_page() {
    // `tags:: card` in the pre-block makes the pre-block the card; a bullet under page
    // properties is a block of the page, not its child, and the pre-block lost its text.
    let src = "tags:: card\n\nthe answer\n\n- a block\n";
    assert_eq!(offered(src, Code::CardAnswerInline), Vec::<String>::new());
}

#[test]
fn answer_stays_when_moving_it_would_cut_a_region() {
    // `#+END_IMPORTANT #card` closes the region and holds the tag: moved, the region broke open
    // and the child became a card.
    let end_tag = "- #+BEGIN_IMPORTANT\n  q #Card\n  #+END_IMPORTANT #card\n  x\n";
    // mldoc 1.5.7 opens a drawer after a marker on the title line: its CLOCK and `:END:` moved
    // into the child, and the drawer's properties with them.
    let drawer = "- TODO :LOGBOOK:\n  CLOCK: [2024-01-07 Mon 10:00]--[2024-01-09 Mon 10:05] =>  00:05:00\n  :END:\n  tags:: card\n  x y\n";
    // `$$` opened on the title line closes at the next `$$`: the child took its end.
    let math = "- CANCELED $$\n  \\sum_{i=1}^n x\n  $$\n  card:: [[card]]\n  y=2\n";
    for src in [end_tag, drawer, math] {
        assert_eq!(
            offered(src, Code::CardAnswerInline),
            Vec::<String>::new(),
            "{src}"
        );
    }
}

#[test]
fn planning_lines_keep_their_neighbour() {
    // graph-parser stores no :block/deadline here (the line follows text); with the answer
    // moved out, it follows the title and the card got a deadline it never had.
    let answer = "- Q #card\n  one\n  DEADLINE: <2024-03-04 Mon>\n";
    assert_eq!(
        offered(answer, Code::CardAnswerInline),
        Vec::<String>::new()
    );
    // Here Logseq stores :block/scheduled 20240224 (the line follows a property line); with
    // `tags::` moved into the first group it follows text and the date was gone.
    let props = "- id:: f3b820f1-48da-4330-a4d0-ffbc597103d1\n  text\n  tags:: [[card]]\n  SCHEDULED: <2024-02-24 Sat>\n";
    assert_eq!(offered(props, Code::PropertyIgnored), Vec::<String>::new());
}

#[test]
fn an_unclosed_cloze_is_not_closed_over_the_card_tag() {
    // Closed after `[[card]]`, the ref is a macro argument, which makes no ref
    // (block.cljs@0.10.9 `get-page-refs-from-macros` reads only `{{embed}}`): no card left.
    let src = "- capital {{cloze Paris [[card]] x\n";
    assert_eq!(offered(src, Code::ClozeMalformed), Vec::<String>::new());
}
