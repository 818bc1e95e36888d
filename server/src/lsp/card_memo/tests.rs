//! The memo against folding and converting afresh.

use super::*;
use logseq_core::lint::{analysis, rules};
use logseq_core::model::settings::Settings;
use logseq_core::syntax::text::Encoding;
use proptest::prelude::*;
use std::str::FromStr;

const PATH: &str = "pages/p.md";

/// Blocks a page is made of: Readwise cards (three findings each, related places on the
/// card), Logseq cards, clozes, nested cards, a card whose id is on another block too.
const BLOCKS: &[&str] = &[
    "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n  What is NoOps? 😀 #flashcard\n  Ideally, developers deploy.\n",
    "- Plain #flashcard\n",
    "- Q 🧪 #card\n\t- A\n",
    "- note [[page]] é\n",
    "\t- nested #flashcard\n\t  second line\n",
    "- {{cloze x}} #card\n",
    "- # heading #card\n",
    "- #card\n",
    "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n  twin 👩‍👩‍👧 #card\n",
];

/// What `for_snapshot` sent before the memo: fold every card, cap, convert.
fn fresh(text: &Arc<str>, wanted: Wanted) -> Vec<lsp::Diagnostic> {
    let settings = Settings::default();
    let a = analysis::analyze(text, &settings);
    let index = LineIndex::new(text);
    let d = rules::finish(a.local.clone(), &settings);
    let d = grouping::per_card(text, PATH, &a.outline, &a.cards, d);
    let uri = lsp::Uri::from_str("file:///g/pages/p.md").unwrap();
    let none = |_: &str| None;
    let mut conv = Converter::new(&uri, Some(PATH), text, &index, wanted, &none);
    capped(d, &index)
        .into_iter()
        .map(|d| conv.convert(d))
        .collect()
}

/// The memo's list for `text`, from `memo`, told of no edit (so it compares every card's lines).
fn kept(
    text: &Arc<str>,
    wanted: Wanted,
    memo: Option<CardMemo>,
) -> (Vec<Arc<lsp::Diagnostic>>, Option<CardMemo>) {
    kept_as(text, wanted, memo, |_| {}, "")
}

/// [`kept`], with the findings changed by `tweak` first.
fn kept_as(
    text: &Arc<str>,
    wanted: Wanted,
    memo: Option<CardMemo>,
    tweak: impl Fn(&mut [Diagnostic]),
    other_text: &str,
) -> (Vec<Arc<lsp::Diagnostic>>, Option<CardMemo>) {
    // A version the memo was not made at, nor told of: its `since` does not apply.
    let version = memo
        .as_ref()
        .map_or(0, |m| m.since.map_or(0, |s| s.version) + 1000);
    kept_at(text, wanted, memo, tweak, other_text, version)
}

/// [`kept_as`] for the document's `version`.
fn kept_at(
    text: &Arc<str>,
    wanted: Wanted,
    memo: Option<CardMemo>,
    tweak: impl Fn(&mut [Diagnostic]),
    other_text: &str,
    version: i32,
) -> (Vec<Arc<lsp::Diagnostic>>, Option<CardMemo>) {
    let settings = Settings::default();
    let a = analysis::analyze(text, &settings);
    let index = LineIndex::new(text);
    let mut d = rules::finish(a.local.clone(), &settings);
    tweak(&mut d);
    let uri = lsp::Uri::from_str("file:///g/pages/p.md").unwrap();
    let other_uri = lsp::Uri::from_str("file:///g/pages/o.md").unwrap();
    let other = |_: &str| Some((Arc::from(other_text), other_uri.clone()));
    let mut conv = Converter::new(&uri, Some(PATH), text, &index, wanted, &other);
    let page = Page {
        text,
        index: &index,
        outline: &a.outline,
        cards: &a.cards,
        path: PATH,
        version,
    };
    list(memo, &page, wanted, d.iter().collect(), &mut conv)
}

/// Replaces `cut` bytes at `at` (both moved to char boundaries) by `ins`; the range replaced.
fn splice(text: &mut String, at: prop::sample::Index, cut: usize, ins: &str) -> (usize, usize) {
    let mut at = at.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + cut).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text.replace_range(at..end, ins);
    (at, end)
}

fn wanted(utf8: bool, related: bool) -> Wanted {
    Wanted {
        encoding: if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        },
        related_information: related,
        code_description: true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// After any run of edits, the list built from the memo is the list built afresh.
    #[test]
    fn kept_equals_fresh(
        blocks in proptest::collection::vec(0..BLOCKS.len(), 1..12),
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), 0usize..4, prop::sample::select(
                vec!["x", "\n", "\n- ", "#", " ", "é", "😀", "\t", "- ", "#card", "::", "\r\n"])),
            1..8),
        utf8 in any::<bool>(),
        related in any::<bool>(),
        told in proptest::collection::vec(0u8..4, 8),
        listed in proptest::collection::vec(any::<bool>(), 8),
    ) {
        let w = wanted(utf8, related);
        let mut text: String = blocks.iter().map(|&b| BLOCKS[b]).collect();
        let mut version = 1;
        let (_, mut memo) = kept_at(&Arc::from(text.as_str()), w, None, |_| {}, "", version);
        let n = edits.len();
        for (k, (at, cut, ins)) in edits.into_iter().enumerate() {
            let (at, end) = splice(&mut text, at, cut, ins);
            // Mostly told of the edit, as the document tells it; sometimes of a change it
            // cannot follow, or of nothing (an edit made while the memo was taken).
            let cell = Mutex::new(memo.take());
            match told[k] {
                0 => record(&cell, None, version, version + 1),
                1 => {}
                _ => record(&cell, Some((at, end, at + ins.len())), version, version + 1),
            }
            memo = cell.into_inner().unwrap();
            version += 1;
            // Several edits may come before the next list (the debounce).
            if !listed[k] && k + 1 < n {
                continue;
            }
            let t: Arc<str> = Arc::from(text.as_str());
            let (items, next) = kept_at(&t, w, memo, |_| {}, "", version);
            let items: Vec<lsp::Diagnostic> = items.iter().map(|d| (**d).clone()).collect();
            prop_assert_eq!(items, fresh(&t, w), "{:?}", text);
            memo = next;
        }
    }
}

proptest! {
    /// After any run of edits, the text is the memo's outside the window `Since` keeps.
    #[test]
    fn since_leaves_equal_what_no_edit_touched(
        start in "[a-c😀\n]{0,40}",
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), 0usize..6, "[x😀\n]{0,4}"), 1..10),
    ) {
        let old = start.clone();
        let mut text = start;
        let mut since = Since::none(1);
        for (v, (at, cut, ins)) in edits.into_iter().enumerate() {
            let (at, end) = splice(&mut text, at, cut, &ins);
            since = since.edited(at, end, at + ins.len(), v as i32 + 2);
        }
        let (lo, hi) = (since.lo.min(text.len()).min(old.len()), since.hi);
        prop_assert_eq!(&text.as_bytes()[..lo], &old.as_bytes()[..lo]);
        let from = hi as isize - since.delta;
        prop_assert!(hi <= text.len() && from >= 0 && from as usize <= old.len());
        prop_assert_eq!(&text.as_bytes()[hi..], &old.as_bytes()[from as usize..]);
        // And `same` claims only what is true.
        for a in 0..=text.len() {
            for b in a..=text.len().min(a + 5) {
                for o in 0..=old.len().saturating_sub(b - a) {
                    if since.same(&(o..o + b - a), &(a..b)) {
                        prop_assert_eq!(&old.as_bytes()[o..o + b - a], &text.as_bytes()[a..b]);
                    }
                }
            }
        }
    }
}

/// Typing in one card keeps every other card's diagnostic (the same allocation) and
/// rebuilds the typed one's; a newline above a card moves it down a line.
#[test]
fn only_the_edited_card_is_rebuilt() {
    let w = wanted(false, true);
    let card = BLOCKS[0];
    // Three different cards (equal ones may take each other's kept diagnostic).
    let cards = ["🦀", "🐍", "🐘"].map(|e| card.replace("😀", e));
    let before: Arc<str> = Arc::from(cards.concat());
    let (old, memo) = kept(&before, w, None);
    assert_eq!(old.len(), 3, "{old:#?}");
    // A letter in the second card's question.
    let at = card.len() + card.find("NoOps").unwrap();
    let mut t = before.to_string();
    t.insert(at, 'x');
    let typed: Arc<str> = Arc::from(t.as_str());
    let (new, memo) = kept(&typed, w, memo);
    assert!(Arc::ptr_eq(&old[0], &new[0]) && Arc::ptr_eq(&old[2], &new[2]));
    assert!(!Arc::ptr_eq(&old[1], &new[1]));
    assert!(new[1].message.contains("xNoOps"), "{}", new[1].message);
    // A line above the last card: kept, one line down, related places too.
    t.insert_str(2 * card.len() + 1, "\n- new\n");
    let (moved, _) = kept(&Arc::from(t.as_str()), w, memo);
    assert_eq!(moved.len(), 3);
    let (a, b) = (&new[2], &moved[2]);
    assert_eq!(b.range.start.line, a.range.start.line + 2);
    let lines = |d: &lsp::Diagnostic| -> Vec<u32> {
        let r = d.related_information.iter().flatten();
        r.map(|r| r.location.range.start.line).collect()
    };
    assert_eq!(lines(b), lines(a).iter().map(|l| l + 2).collect::<Vec<_>>());
    assert_eq!(b.message, a.message);
}

/// The same text with a finding's message or severity changed (a settings change does
/// that) is folded again, not taken from the memo.
#[test]
fn a_changed_finding_is_folded_again() {
    let w = wanted(true, true);
    let text: Arc<str> = Arc::from(BLOCKS[0]);
    let (old, memo) = kept(&text, w, None);
    let (same, memo) = kept(&text, w, memo);
    assert!(Arc::ptr_eq(&old[0], &same[0]));
    let louder = |d: &mut [Diagnostic]| {
        d[1].message.push_str(" (changed)");
    };
    let (new, memo) = kept_as(&text, w, memo, louder, "");
    // The tag's finding leads: its message is the diagnostic's.
    assert!(new[0].message.contains("(changed)"), "{:#?}", new[0]);
    // The same messages as the last list, graver.
    let graver = |d: &mut [Diagnostic]| {
        louder(d);
        d.iter_mut()
            .for_each(|d| d.severity = logseq_core::lint::diagnostic::Severity::Error);
    };
    let (new, memo) = kept_as(&text, w, memo, graver, "");
    assert_eq!(new[0].severity, Some(lsp::DiagnosticSeverity::ERROR));
    // A finding one byte shorter: its related place is too.
    let shorter = |d: &mut [Diagnostic]| {
        graver(d);
        d[2].range.end -= 1;
    };
    let (new, _) = kept_as(&text, w, memo, shorter, "");
    let r = &new[0].related_information.as_ref().unwrap()[0];
    assert_eq!(r.location.range.end.character, 28, "{r:#?}");
}

/// A card whose finding points at another page is converted afresh every time: that page's
/// text, and so the place's line, may have changed.
#[test]
fn a_card_pointing_elsewhere_is_never_kept() {
    let w = wanted(true, true);
    let text: Arc<str> = Arc::from(BLOCKS[0]);
    let elsewhere = |d: &mut [Diagnostic]| {
        d[0].related.push(Related {
            path: "pages/o.md".into(),
            range: 2..3,
            message: "there".into(),
        });
    };
    let (_, memo) = kept_as(&text, w, None, elsewhere, "a\nb");
    let (new, _) = kept_as(&text, w, memo, elsewhere, "ab\nc");
    let there = new[0].related_information.iter().flatten();
    let there: Vec<_> = there.filter(|r| r.message == "there").collect();
    assert_eq!(there.len(), 1, "{:#?}", new[0]);
    assert_eq!(there[0].location.range.start, lsp::Position::new(0, 2));
}

proptest! {
    /// `would_cap` says what counting each line's items says.
    #[test]
    fn would_cap_counts_each_line(
        lines in 1usize..5,
        mut singles in proptest::collection::vec(0usize..400, 0..160),
        mut cards in proptest::collection::vec(0usize..400, 0..160),
    ) {
        let text = "x".repeat(99) + "\n";
        let text = text.repeat(lines);
        let index = LineIndex::new(&text);
        singles.sort_unstable();
        cards.sort_unstable();
        let mut per_line = std::collections::HashMap::new();
        for &s in singles.iter().chain(&cards) {
            *per_line.entry(index.line_of(s)).or_insert(0) += 1;
        }
        let want = singles.len() + cards.len() > MAX_PER_PAGE
            || per_line.values().any(|&n| n > MAX_PER_LINE);
        prop_assert_eq!(would_cap(&index, singles.into_iter(), cards.into_iter()), want);
    }
}
