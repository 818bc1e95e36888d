//! Flashcards: which blocks are cards, their question and answer, clozes and schedule
//! (Logseq's srs.cljs; dialect doc §3 and §9).

use std::ops::Range;

use crate::engine::inline::{Inline, InlineKind};
use crate::engine::outline::{Block, LineKind, Outline};
use crate::engine::refs::{self, RefConfig};
use crate::engine::schedule::{self, Schedule};

/// Logseq's own card tag: the only one its review shows.
pub const NATIVE_TAG: &str = "card";

#[derive(Debug, Clone, PartialEq)]
pub struct Cloze {
    pub range: Range<usize>,
    pub answer: String,
    pub cue: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Index of the card block in the outline.
    pub block: usize,
    /// Card tags the block references, lower-case, in order of appearance.
    pub tags: Vec<String>,
    /// The first reference to a card tag.
    pub tag_range: Range<usize>,
    /// Whether Logseq's review sees it (it references `card`).
    pub native: bool,
    pub question: String,
    pub answer: String,
    /// Lines of the block after the question (not property lines, not blank): the inline answer.
    pub answer_lines: Vec<Range<usize>>,
    pub has_children: bool,
    pub clozes: Vec<Cloze>,
    /// Whether the card or a descendant contains `{{cloze ` (srs.cljs `has-cloze?`).
    pub has_cloze_phase: bool,
    pub schedule: Schedule,
}

/// Page name of a reference inline, if it is a page reference or tag.
pub fn ref_page_name<'a>(src: &'a str, x: &Inline) -> Option<&'a str> {
    match &x.kind {
        InlineKind::PageRef { name } | InlineKind::Tag { name, .. } => Some(&src[name.clone()]),
        _ => None,
    }
}

/// Whether `name` matches one of the card tags (case-insensitive, as Logseq compares page names).
pub fn tag_match(name: &str, tags: &[String]) -> Option<String> {
    // Every page reference of every block is asked; almost all are ASCII and no card tag, so
    // compare without allocating first (ASCII `to_lowercase` is `to_ascii_lowercase`).
    if name.is_ascii() {
        return tags
            .iter()
            .find(|t| {
                t.len() == name.len()
                    && t.bytes()
                        .zip(name.bytes())
                        .all(|(a, b)| a == b.to_ascii_lowercase())
            })
            .cloned();
    }
    let lc = name.to_lowercase();
    tags.contains(&lc).then_some(lc)
}

/// All cards of a page. `tags` are the configured card tags, lower-case.
pub fn cards(src: &str, outline: &Outline, tags: &[String]) -> Vec<Card> {
    cards_in(
        src,
        outline,
        tags,
        0..outline.blocks.len(),
        &RefConfig::default(),
    )
}

/// [`cards`] under a graph's `config.edn` reference settings.
pub fn cards_configured(
    src: &str,
    outline: &Outline,
    tags: &[String],
    cfg: &RefConfig,
) -> Vec<Card> {
    cards_in(src, outline, tags, 0..outline.blocks.len(), cfg)
}

// ---- Detection (issue 11): a card is a block whose `:block/refs` contain a card tag. ----

/// The card tags block `i` references, with the first reference to each, in text order.
/// Logseq's review lists the blocks whose `:block/refs` hold the page `card`
/// (srs.cljs@0.10.9 `query`: `(:block/_refs (db/entity [:block/name card-hash-tag]))`); the
/// refs are graph-parser's (`refs::page_refs`), so `[[card/x]]`, `card:: x`, a `#card` in a
/// `#+BEGIN_QUOTE` and a page's `tags:: card` count, `{{cloze #card}}` does not.
fn card_refs(
    src: &str,
    outline: &Outline,
    i: usize,
    tags: &[String],
    cfg: &RefConfig,
) -> Vec<(String, Range<usize>)> {
    if !may_mention(src, &outline.blocks[i], tags) {
        return Vec::new();
    }
    refs::page_refs(src, outline, i, cfg)
        .into_iter()
        .filter(|r| tags.contains(&r.name))
        .map(|r| (r.name, r.range))
        .collect()
}

/// Whether the block's text holds a card tag's name in any case: every reference to a page is
/// written with its name, so a block without one is no card (and costs no reference parsing).
fn may_mention(src: &str, b: &Block, tags: &[String]) -> bool {
    let text = src[b.range.clone()].as_bytes();
    tags.iter().any(|t| {
        let t = t.as_bytes();
        let Some(&c0) = t.first() else { return false };
        if !t.is_ascii() {
            return true;
        }
        memchr::memchr2_iter(c0.to_ascii_lowercase(), c0.to_ascii_uppercase(), text).any(|k| {
            text[k..]
                .get(..t.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(t))
        })
    })
}

// ---- Question, answer, clozes. ----

/// The cards among `blocks` (indices into the outline); a card reads only its own subtree.
pub fn cards_in(
    src: &str,
    outline: &Outline,
    tags: &[String],
    blocks: std::ops::Range<usize>,
    cfg: &RefConfig,
) -> Vec<Card> {
    let mut out = Vec::new();
    // Reused for every card: each question and answer is built here and copied out once, so it
    // costs one exact allocation instead of one per growth step.
    let mut scratch = String::new();
    let mut buf = String::new();
    for (i, b) in outline.blocks_in(blocks) {
        let found = card_refs(src, outline, i, tags, cfg);
        if found.is_empty() {
            continue;
        }
        let tag_range = found[0].1.clone();
        let mut card_tags: Vec<String> = Vec::new();
        for (t, _) in &found {
            if !card_tags.contains(t) {
                card_tags.push(t.clone());
            }
        }
        // The question runs to the end of the line carrying the first card tag; a tag in a
        // property (`tags:: card`) makes the title the question.
        let tag_line = b
            .lines
            .iter()
            .position(|l| l.line.start <= tag_range.start && tag_range.start <= l.line.end);
        let q_last = match tag_line {
            Some(k) if b.lines[k].kind != LineKind::Property => k,
            _ => 0,
        };
        // Question and answer are built in `buf`, not as a `Vec` of lines joined: every card of
        // every page is built on every analysis.
        let question = &mut buf;
        question.clear();
        let mut answer_lines = Vec::new();
        for (k, bl) in b.lines.iter().enumerate() {
            if matches!(bl.kind, LineKind::Property | LineKind::FrontMatter) {
                continue;
            }
            let r = if bl.kind == LineKind::First {
                b.title.clone()
            } else {
                bl.line.range()
            };
            if k <= q_last {
                strip_ranges(src, r, &found, &mut scratch);
                let mut words = scratch.split_whitespace();
                if let Some(w) = words.next() {
                    if !question.is_empty() {
                        question.push('\n');
                    }
                    question.push_str(w);
                    for w in words {
                        question.push(' ');
                        question.push_str(w);
                    }
                }
            } else if bl.kind != LineKind::Blank {
                answer_lines.push(bl.line.range());
            }
        }
        let question = question.as_str().to_owned();
        let answer = &mut buf;
        answer.clear();
        let mut first_answer_line = true;
        for r in &answer_lines {
            if !std::mem::replace(&mut first_answer_line, false) {
                answer.push('\n');
            }
            answer.push_str(src[r.clone()].trim());
        }
        let end = outline.subtree_end(i);
        for j in i + 1..end {
            let c = &outline.blocks[j];
            let pad = (c.level.saturating_sub(b.level + 1)) as usize;
            let mut first = true;
            for bl in &c.lines {
                if matches!(bl.kind, LineKind::Property | LineKind::Blank) {
                    continue;
                }
                let r = if bl.kind == LineKind::First {
                    c.title.clone()
                } else {
                    bl.line.range()
                };
                if !std::mem::replace(&mut first_answer_line, false) {
                    answer.push('\n');
                }
                push_pad(answer, pad);
                answer.push_str(if first { "- " } else { "  " });
                answer.push_str(src[r].trim());
                first = false;
            }
            if first {
                if !std::mem::replace(&mut first_answer_line, false) {
                    answer.push('\n');
                }
                push_pad(answer, pad);
                answer.push('-');
            }
        }
        let mut clozes = Vec::new();
        for x in &b.inlines {
            if let InlineKind::Macro {
                name,
                args,
                closed: true,
            } = &x.kind
            {
                if &src[name.clone()] == "cloze" && !args.is_empty() {
                    clozes.push(parse_cloze(src, x.range.clone(), args.clone()));
                }
            }
        }
        let has_cloze_phase = src
            [b.range.start..outline.blocks.get(end).map_or(src.len(), |n| n.range.start)]
            .contains("{{cloze ");
        out.push(Card {
            block: i,
            native: card_tags.iter().any(|t| t == NATIVE_TAG),
            tags: card_tags,
            tag_range,
            question,
            answer: answer.as_str().to_owned(),
            answer_lines,
            has_children: end > i + 1,
            clozes,
            has_cloze_phase,
            schedule: schedule::read(src, b.properties()),
        });
    }
    out
}

/// `src[r]` without the card tags inside it, into `s` (cleared first).
fn strip_ranges(src: &str, r: Range<usize>, cut: &[(String, Range<usize>)], s: &mut String) {
    s.clear();
    let mut pos = r.start;
    for (_, c) in cut
        .iter()
        .filter(|(_, c)| c.start >= r.start && c.end <= r.end)
    {
        s.push_str(&src[pos..c.start]);
        pos = c.end;
    }
    s.push_str(&src[pos..r.end]);
}

/// Two spaces per level of nesting below the card's children.
fn push_pad(s: &mut String, levels: usize) {
    for _ in 0..levels {
        s.push_str("  ");
    }
}

/// `{{cloze answer \\ cue}}`: the last `\\` separates the cue (srs.cljs `cloze-cue-separator`).
pub fn parse_cloze(src: &str, range: Range<usize>, args: Range<usize>) -> Cloze {
    let a = &src[args];
    match a.rfind("\\\\") {
        Some(p) => Cloze {
            range,
            answer: a[..p].trim().to_string(),
            cue: Some(a[p + 2..].trim().to_string()).filter(|c| !c.is_empty()),
        },
        None => Cloze {
            range,
            answer: a.trim().to_string(),
            cue: None,
        },
    }
}

/// The question with every cloze hidden: `[...]`, or `(cue)` when it has one.
pub fn masked(src: &str, card: &Card) -> String {
    let mut q = card.question.clone();
    for c in &card.clozes {
        let raw = &src[c.range.clone()];
        let shown = match &c.cue {
            Some(cue) => format!("({cue})"),
            None => "[...]".to_string(),
        };
        q = q.replacen(raw, &shown, 1);
    }
    q
}

/// The text with every cloze revealed as `[answer]`.
pub fn revealed(src: &str, text: &str, card: &Card) -> String {
    let mut t = text.to_string();
    for c in &card.clozes {
        t = t.replacen(&src[c.range.clone()], &format!("[{}]", c.answer), 1);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::outline::parse;

    fn tags() -> Vec<String> {
        vec!["card".into(), "flashcard".into()]
    }

    #[test]
    fn native_card_with_child_answer() {
        let s = "- What is X? #card\n  id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n\t- X is Y.\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert!(c.native && c.has_children);
        assert_eq!(c.question, "What is X?");
        assert_eq!(c.answer, "- X is Y.");
        assert!(c.schedule.is_new());
    }

    #[test]
    fn readwise_card_with_inline_answer() {
        let s = "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n   What is NoOps? #flashcard \n    Ideally 😀 devs deploy.\n  \n    (link)\n-\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert!(!c.native && !c.has_children);
        assert_eq!(c.question, "What is NoOps?");
        assert_eq!(c.answer, "Ideally 😀 devs deploy.\n(link)");
        assert_eq!(c.answer_lines.len(), 2);
    }

    #[test]
    fn clozes_and_masking() {
        let s = "- The {{cloze capital \\\\ city}} of France is {{cloze Paris}} #card\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert_eq!(c.clozes.len(), 2);
        assert_eq!(c.clozes[0].cue.as_deref(), Some("city"));
        assert_eq!(masked(s, c), "The (city) of France is [...]");
        assert_eq!(
            revealed(s, &c.question, c),
            "The [capital] of France is [Paris]"
        );
    }

    #[test]
    fn tags_property_makes_title_the_question() {
        let s = "- Capital of France?\n  tags:: card\n\t- Paris\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert!(c.native);
        assert_eq!(c.question, "Capital of France?");
    }
}
