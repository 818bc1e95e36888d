//! One diagnostic per card, for editors: a Readwise export gives every card two or three
//! findings (not Logseq's card tag, lines that would all be on the front, the id above the
//! title), each underlining a different part of the block, 144 on one page. An editor shows
//! them as one diagnostic on the card's tag that names the card, leads with the most severe
//! finding and lists the others as related information; its quick fixes are the fixes of all of
//! them. `check` reports every finding as it is (CI wants them all).

use std::borrow::Borrow;
use std::fmt::Write;

use crate::lint::diagnostic::{Code, Diagnostic, Related, Severity};
use crate::model::cards::{self, Card};
use crate::syntax::outline::Outline;

/// How much of a card's name a message quotes.
const NAME_CHARS: usize = 40;

/// A card's findings, before they are folded into one ([`fold`]): owned, or borrowed from the
/// page's analysis (the editor's list, which folds only the cards that changed).
pub struct CardGroup<D = Diagnostic> {
    /// Index into the page's cards.
    pub card: usize,
    /// In the order they came.
    pub members: Vec<D>,
}

/// `diags` (sorted by position, as `rules::finish` leaves them) with those inside one card
/// block folded into one: the result stays sorted by position.
pub fn per_card(
    src: &str,
    path: &str,
    outline: &Outline,
    cards: &[Card],
    diags: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if cards.is_empty() {
        return diags;
    }
    let (singles, groups) = group(outline, cards, diags);
    fold_groups(src, path, cards, singles, groups)
}

/// What [`group`] split, each card's findings folded and the whole sorted by position again.
pub fn fold_groups(
    src: &str,
    path: &str,
    cards: &[Card],
    mut out: Vec<Diagnostic>,
    groups: Vec<CardGroup>,
) -> Vec<Diagnostic> {
    for g in groups {
        out.push(fold(src, path, &cards[g.card], g.members));
    }
    // Stable: equal keys keep the order above (the editor's memo, card_memo.rs, sorts alike).
    out.sort_by_key(Diagnostic::order);
    out
}

/// `diags` split into those that stay as they are and, per card in card order, the findings
/// [`fold`] makes one of.
pub fn group<D: Borrow<Diagnostic>>(
    outline: &Outline,
    cards: &[Card],
    diags: Vec<D>,
) -> (Vec<D>, Vec<CardGroup<D>>) {
    let mut finder = CardFinder {
        outline,
        cards,
        block: 0,
        card: 0,
    };
    // In card order. The diagnostics come by position and cards are disjoint blocks in page
    // order, so a card's findings follow the previous card's: the last group is the one to
    // extend, and a search (never a scan: 100,000 one-line cards are 100,000 groups) is only
    // for a list that is not in order.
    let mut groups: Vec<CardGroup<D>> = Vec::with_capacity(cards.len().min(diags.len()));
    let mut out: Vec<D> = Vec::with_capacity(diags.len());
    // A Readwise card has two or three findings: room for them in one allocation.
    let first = |d| {
        let mut members = Vec::with_capacity(4);
        members.push(d);
        members
    };
    for d in diags {
        let Some(k) = finder.card_of(d.borrow()) else {
            out.push(d);
            continue;
        };
        match groups.last_mut() {
            Some(g) if g.card == k => g.members.push(d),
            Some(g) if g.card > k => match groups.binary_search_by_key(&k, |g| g.card) {
                Ok(i) => groups[i].members.push(d),
                Err(i) => groups.insert(
                    i,
                    CardGroup {
                        card: k,
                        members: first(d),
                    },
                ),
            },
            _ => groups.push(CardGroup {
                card: k,
                members: first(d),
            }),
        }
    }
    (out, groups)
}

/// Each finding's card, from the previous finding's: they come in page order, so its block is
/// that one or a few after it, not a search over the page's blocks (two binary searches per
/// finding over large records were a quarter of a keystroke's diagnostics, BENCHMARKS.md).
struct CardFinder<'a> {
    outline: &'a Outline,
    cards: &'a [Card],
    block: usize,
    /// The first card whose block is not before `block`.
    card: usize,
}

impl CardFinder<'_> {
    /// The card (index into `cards`) whose block holds `d`, if `d` is about a card.
    fn card_of(&mut self, d: &Diagnostic) -> Option<usize> {
        if !d.code.is_about_the_card() {
            return None;
        }
        let (blocks, at) = (&self.outline.blocks, d.range.start);
        if blocks.get(self.block).is_none_or(|b| b.range.start > at) {
            // Before the last one (a list out of order) or no block yet: search.
            self.block = self.outline.block_at(at)?;
            self.card = self.cards.partition_point(|c| c.block < self.block);
        }
        while self.block + 1 < blocks.len() && blocks[self.block + 1].range.start <= at {
            self.block += 1;
        }
        let (b, last) = (self.block, self.block + 1 == blocks.len());
        // What `Outline::block_at` says: the last block holds what runs past its end.
        if at >= blocks[b].range.end && !last {
            return None;
        }
        while self.card < self.cards.len() && self.cards[self.card].block < b {
            self.card += 1;
        }
        let k = self.card;
        let ours = k < self.cards.len() && self.cards[k].block == b;
        (ours && d.range.end <= blocks[b].range.end).then_some(k)
    }
}

fn lead_order(c: Code) -> u8 {
    match c {
        Code::CardTagNotNative => 0,
        Code::CardEmptyQuestion => 1,
        Code::CardNoAnswer => 2,
        Code::CardAnswerInline => 3,
        _ => 4,
    }
}

/// The order [`fold`] puts a card's findings in: what decides whether and how Logseq reviews the
/// card first (stable: equal ones keep their order).
pub fn lead_first<D: Borrow<Diagnostic>>(members: &mut [D]) {
    members.sort_by_key(|d| {
        let d = d.borrow();
        (lead_order(d.code), d.range.start)
    });
}

/// The card's findings as one diagnostic at its tag. `members` is never empty.
pub fn fold(src: &str, path: &str, card: &Card, mut members: Vec<Diagnostic>) -> Diagnostic {
    // What decides whether and how Logseq reviews the card first: that its tag is not Logseq's
    // (it is never reviewed), then what its front and back hold, then where its id is written.
    // The severity is the highest of them (a hint alone is not in VS Code's Problems panel).
    lead_first(&mut members);
    let lead = &members[0];
    // Written piece by piece into one string of the right size, not with format!: this runs
    // for every card on every keystroke.
    let others = &members[1..];
    let codes: usize = others.iter().map(|d| d.code.as_str().len() + 2).sum();
    let mut message = String::with_capacity(lead.message.len() + 4 * NAME_CHARS + 48 + codes);
    message.push_str("Card “");
    let named = message.len();
    cards::push_name_clipped(&mut message, src, card, NAME_CHARS);
    if message.len() == named {
        message.clear();
    } else {
        message.push_str("”: ");
    }
    message.push_str(&lead.message);
    if !others.is_empty() {
        message.push_str(" (and ");
        let _ = write!(message, "{}", others.len());
        message.push_str(" more on this card: ");
        for (i, d) in others.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            message.push_str(d.code.as_str());
        }
        message.push(')');
    }
    let their_related: usize = members.iter().map(|d| d.related.len()).sum();
    let mut related: Vec<Related> = Vec::with_capacity(others.len() + their_related);
    for d in others {
        let code = d.code.as_str();
        let mut m = String::with_capacity(code.len() + 2 + d.message.len());
        m.push_str(code);
        m.push_str(": ");
        m.push_str(&d.message);
        related.push(Related {
            path: path.to_string(),
            range: d.range.clone(),
            message: m,
        });
    }
    related.extend(members.iter().flat_map(|d| d.related.iter().cloned()));
    Diagnostic {
        code: lead.code,
        severity: members
            .iter()
            .map(|d| d.severity)
            .min_by_key(|s| *s as u8)
            .unwrap_or(Severity::Hint),
        range: card.tag_range.clone(),
        message,
        related,
        folded: members,
        replacements: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::analysis;
    use crate::model::settings::Settings;

    /// A Readwise card: not Logseq's tag, answer lines on the front, the id above the title.
    #[test]
    fn a_card_s_findings_become_one_at_its_tag() {
        let src = "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n  What is NoOps? 😀 #flashcard\n  Ideally, developers deploy.\n- Plain #flashcard\n";
        let settings = Settings::default();
        let a = analysis::analyze(src, &settings);
        let all = crate::lint::rules::finish(a.local.clone(), &settings);
        assert!(all.len() >= 3, "{all:#?}");
        let g = per_card(src, "pages/p.md", &a.outline, &a.cards, all.clone());
        let first: Vec<_> = g
            .iter()
            .filter(|d| d.range.start < src.find("- Plain").unwrap())
            .collect();
        assert_eq!(first.len(), 1, "{g:#?}");
        let d = first[0];
        assert_eq!(&src[d.range.clone()], "#flashcard");
        assert!(
            d.message.starts_with("Card “What is NoOps? 😀”: "),
            "{}",
            d.message
        );
        assert_eq!(
            d.folded.len(),
            all.iter()
                .filter(|x| x.range.start < src.find("- Plain").unwrap())
                .count()
        );
        assert_eq!(d.related.len(), d.folded.len() - 1);
        // Every finding is kept, in `folded`: nothing is lost, only shown together.
        let mut kept: Vec<Diagnostic> = g
            .iter()
            .flat_map(|d| {
                if d.folded.is_empty() {
                    vec![d.clone()]
                } else {
                    d.folded.clone()
                }
            })
            .collect();
        kept.sort_by_key(|d| (d.range.start, d.code));
        let mut want = all;
        want.sort_by_key(|d| (d.range.start, d.code));
        assert_eq!(kept, want);
    }

    /// Findings out of position order are grouped by card all the same (the search path).
    #[test]
    fn findings_out_of_order_find_their_cards() {
        let card = "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n  Q 🦀 #flashcard\n  A.\n";
        let src = [card, "- x\n", card, card].concat();
        let settings = Settings::default();
        let a = analysis::analyze(&src, &settings);
        let all = crate::lint::rules::finish(a.local.clone(), &settings);
        let summary = |(singles, groups): (Vec<Diagnostic>, Vec<CardGroup>)| {
            let mut g: Vec<(usize, Vec<usize>)> = groups
                .into_iter()
                .map(|g| {
                    let mut at: Vec<usize> = g.members.iter().map(|d| d.range.start).collect();
                    at.sort();
                    (g.card, at)
                })
                .collect();
            g.sort();
            (singles.len(), g)
        };
        // Each member is in its card's block, as `Outline::block_at` finds it.
        let (_, groups) = group(&a.outline, &a.cards, all.clone());
        for g in &groups {
            for d in &g.members {
                assert_eq!(
                    a.outline.block_at(d.range.start),
                    Some(a.cards[g.card].block)
                );
            }
        }
        let in_order = summary(group(&a.outline, &a.cards, all.clone()));
        assert_eq!(in_order.1.len(), 3, "{in_order:?}");
        assert!(in_order.1.iter().all(|(_, m)| m.len() >= 2), "{in_order:?}");
        let mut shuffled = all;
        shuffled.reverse();
        shuffled.rotate_left(2);
        assert_eq!(summary(group(&a.outline, &a.cards, shuffled)), in_order);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Every finding about a card lands in the group of the card whose block holds it, the
        /// rest stay: what a search per finding gives (the finder walks instead).
        #[test]
        fn each_finding_goes_to_the_card_a_search_finds(
            blocks in proptest::collection::vec(0usize..7, 0..14),
            rotate in 0usize..4,
        ) {
            const BLOCKS: &[&str] = &[
                "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n  Q 🦀 #flashcard\n  A.\n",
                "- x #card\n",
                "\t- nested 😀 #flashcard\n\t  more\n",
                "- plain\n",
                "- # heading #card\n",
                "#card\n",
                // id-before-title is about a card only on one.
                "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cd\n  no card here\n",
            ];
            let src: String = blocks.iter().map(|&b| BLOCKS[b]).collect();
            let settings = Settings::default();
            let a = analysis::analyze(&src, &settings);
            let mut all = crate::lint::rules::finish(a.local.clone(), &settings);
            if !all.is_empty() {
                let n = all.len();
                all.rotate_left(rotate % n);
            }
            let search = |d: &Diagnostic| {
                if !d.code.is_about_the_card() {
                    return None;
                }
                let b = a.outline.block_at(d.range.start)?;
                let k = a.cards.binary_search_by_key(&b, |c| c.block).ok()?;
                (d.range.end <= a.outline.blocks[b].range.end).then_some(k)
            };
            let want_singles: Vec<_> = all.iter().filter(|d| search(d).is_none()).cloned().collect();
            let mut want: Vec<(usize, Vec<Diagnostic>)> = Vec::new();
            for d in all.iter().filter_map(|d| Some((search(d)?, d.clone()))) {
                match want.iter_mut().find(|(k, _)| *k == d.0) {
                    Some((_, m)) => m.push(d.1),
                    None => want.push((d.0, vec![d.1])),
                }
            }
            want.sort_by_key(|(k, _)| *k);
            let (singles, groups) = group(&a.outline, &a.cards, all);
            let got: Vec<_> = groups.into_iter().map(|g| (g.card, g.members)).collect();
            proptest::prop_assert_eq!(singles, want_singles);
            proptest::prop_assert_eq!(got, want);
        }
    }
}
