//! Flashcards: which blocks are cards, their question and answer, clozes and schedule
//! (Logseq's srs.cljs).

use std::ops::Range;

use crate::model::refs::{self, RefConfig};
use crate::model::schedule::{self, Schedule};
use crate::syntax::blocks;
use crate::syntax::inline::{Inline, InlineKind};
use crate::syntax::outline::{Block, BodyLine, LineKind, Outline};
use crate::syntax::text::trimmed;

mod detect;
mod render;

pub use detect::*;
pub use render::*;

/// Logseq's own card tag: the only one its review shows.
pub const NATIVE_TAG: &str = "card";

#[derive(Debug, Clone, PartialEq)]
pub struct Cloze {
    pub range: Range<usize>,
    /// What "Show clozes" reveals: srs.cljs@0.10.9 `cloze-parse` of the arguments joined with
    /// `", "` (not trimmed when there is no cue).
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
    /// The front: byte ranges of every line of the card block Logseq shows (srs.cljs@0.10.9
    /// `show-cycle` phase 1 renders the whole block), trimmed (the title for the first line);
    /// [`Card::question`] joins them. Texts are built only where shown: `check` never needs them.
    pub front: Vec<Range<usize>>,
    /// Whether the front holds anything but the card tags.
    pub front_has_text: bool,
    /// Shown lines of the block after the line with the first card tag. On a card with no
    /// children and no cloze they are on the front like the rest, with nothing left to reveal.
    pub lines_after_tag: Vec<Range<usize>>,
    pub has_children: bool,
    /// The clozes of the card block that Logseq renders as clozes (mldoc 1.5.7 reads them as
    /// the macro `cloze`).
    pub clozes: Vec<Cloze>,
    /// Whether the card or a descendant contains `{{cloze ` (srs.cljs `has-cloze?`).
    pub has_cloze_phase: bool,
}

impl Card {
    /// The six `card-*` properties as graph-parser stores them: read where shown (hover, code
    /// lens, `cards`), not by `check`, whose rule reads the values itself (rules/schedule.rs).
    pub fn schedule(&self, src: &str, outline: &Outline) -> Schedule {
        schedule::read(
            src,
            outline.blocks[self.block].properties(),
            schedule::this_year(),
        )
    }

    /// The front as written: its lines joined with `\n`, tags and clozes kept.
    pub fn question(&self, src: &str) -> String {
        render_front(src, &self.front, &self.clozes, |_, z| {
            src[z.range.clone()].to_string()
        })
    }

    /// The back: the child blocks ("Show answers", phase 2) as an outline, properties left
    /// out, two spaces per level below the card's children.
    pub fn answer(&self, src: &str, outline: &Outline) -> String {
        let i = self.block;
        let b = &outline.blocks[i];
        let mut answer = String::new();
        let mut first_answer_line = true;
        for c in &outline.blocks[i + 1..outline.subtree_end(i)] {
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
                push_pad(&mut answer, pad);
                answer.push_str(if first { "- " } else { "  " });
                answer.push_str(src[r].trim());
                first = false;
            }
            if first {
                if !std::mem::replace(&mut first_answer_line, false) {
                    answer.push('\n');
                }
                push_pad(&mut answer, pad);
                answer.push('-');
            }
        }
        answer
    }
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

#[cfg(test)]
mod tests;
