//! Flashcards: which blocks are cards, their question and answer, clozes and schedule
//! (Logseq's srs.cljs).

use std::ops::Range;

use crate::model::refs::{self, RefConfig};
use crate::model::schedule::{self, Schedule};
use crate::syntax::blocks;
use crate::syntax::inline::{Inline, InlineKind};
use crate::syntax::outline::{Block, BodyLine, LineKind, Outline};
use crate::syntax::text::trimmed;

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
    mentions: &Mentions,
    cfg: &RefConfig,
) -> Vec<(String, Range<usize>)> {
    if !mentions.within(&outline.blocks[i].range) {
        return Vec::new();
    }
    refs::page_refs(src, outline, i, cfg)
        .into_iter()
        .filter(|r| tags.contains(&r.name))
        .map(|r| (r.name, r.range))
        .collect()
}

/// Finds whether a text names a card tag, in any ASCII case: every reference to a page is
/// written with its name, so a block whose text names no card tag is no card (and costs no
/// reference parsing). This test runs on every block of every page, so it is a SIMD substring
/// search (`memmem`) over the text with every byte's `0x20` bit set, a superset of ASCII case
/// folding, each hit confirmed on the text itself. A tag that contains another one
/// (`flashcard` ⊃ `card`) needs no search of its own.
pub struct TagNames {
    needles: Vec<(Vec<u8>, memchr::memmem::Finder<'static>)>,
    /// A non-ASCII tag (its case folding is Unicode's): every text may name it.
    any: bool,
    /// Non-ASCII characters that a tag's ASCII character may be written as: page names are
    /// NFC-normalized and lower-cased (`names::page_key`), which turns KELVIN SIGN into `k`,
    /// GREEK QUESTION MARK into `;` and GREEK VARIA into a backtick. A text holding one of those
    /// may name any tag.
    aliases: Vec<&'static str>,
}

/// The non-ASCII characters that NFC and lower-casing turn into ASCII, with that ASCII.
const FOLD_TO_ASCII: [(&str, u8); 3] = [("\u{212a}", b'k'), ("\u{37e}", b';'), ("\u{1fef}", b'`')];

impl TagNames {
    pub fn new(tags: &[String]) -> TagNames {
        let any = tags.iter().any(|t| !t.is_ascii());
        let lower: Vec<Vec<u8>> = tags
            .iter()
            .filter(|t| !t.is_empty() && t.is_ascii())
            .map(|t| t.to_ascii_lowercase().into_bytes())
            .collect();
        let mut needles = Vec::new();
        for (k, t) in lower.iter().enumerate() {
            let covered = lower.iter().enumerate().any(|(j, u)| {
                j != k
                    && u.len() <= t.len()
                    && (u.len() < t.len() || j < k)
                    && memchr::memmem::find(t, u).is_some()
            });
            if !covered {
                let folded: Vec<u8> = t.iter().map(|b| b | 0x20).collect();
                needles.push((t.clone(), memchr::memmem::Finder::new(&folded).into_owned()));
            }
        }
        let aliases = FOLD_TO_ASCII
            .iter()
            .filter(|(_, a)| lower.iter().any(|t| t.contains(a)))
            .map(|(c, _)| *c)
            .collect();
        TagNames {
            needles,
            any,
            aliases,
        }
    }

    /// [`TagNames::new`], kept per thread for the last tag list: every page of a graph asks
    /// with the same one, and building the searchers costs more than most pages' search.
    pub fn cached(tags: &[String]) -> std::rc::Rc<TagNames> {
        thread_local! {
            static LAST: std::cell::RefCell<Option<(Vec<String>, std::rc::Rc<TagNames>)>> =
                const { std::cell::RefCell::new(None) };
        }
        LAST.with_borrow_mut(|last| match last {
            Some((t, names)) if t.as_slice() == tags => names.clone(),
            _ => {
                let names = std::rc::Rc::new(TagNames::new(tags));
                *last = Some((tags.to_vec(), names.clone()));
                names
            }
        })
    }

    pub fn in_text(&self, text: &str) -> bool {
        self.find(text, 0..text.len()).within(&(0..text.len()))
    }

    /// Where `src[span]` names a card tag. One search over the whole span, not one per block:
    /// a search costs a few hundred instructions to start, and most blocks are short.
    pub fn find(&self, src: &str, span: Range<usize>) -> Mentions {
        if self.any {
            return Mentions::All;
        }
        let text = &src.as_bytes()[span.clone()];
        if self
            .aliases
            .iter()
            .any(|c| memchr::memmem::find(text, c.as_bytes()).is_some())
        {
            return Mentions::All;
        }
        let mut at = Vec::new();
        if self.needles.is_empty() {
            return Mentions::At(at);
        }
        // Collected from an exact-size iterator: vectorized, and no zeroing first.
        let folded: Vec<u8> = text.iter().map(|b| b | 0x20).collect();
        for (t, finder) in &self.needles {
            for k in finder.find_iter(&folded) {
                if text[k..k + t.len()].eq_ignore_ascii_case(t) {
                    at.push(span.start + k..span.start + k + t.len());
                }
            }
        }
        at.sort_by_key(|r| r.start);
        Mentions::At(at)
    }
}

/// Where a text names card tags ([`TagNames::find`]).
pub enum Mentions {
    All,
    At(Vec<Range<usize>>),
}

impl Mentions {
    /// Whether a mention lies wholly inside `r`.
    pub fn within(&self, r: &Range<usize>) -> bool {
        match self {
            Mentions::All => true,
            Mentions::At(at) => {
                let first = at.partition_point(|m| m.start < r.start);
                at[first..]
                    .iter()
                    .take_while(|m| m.start < r.end)
                    .any(|m| m.end <= r.end)
            }
        }
    }
}

/// Whether `text` may name a card tag (see [`TagNames`]), for a single test.
pub fn may_name_card_tag(text: &str, tags: &[String]) -> bool {
    TagNames::cached(tags).in_text(text)
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
    // Reused for every card's "has the front text" test.
    let mut scratch = String::new();
    let span = match (outline.blocks.get(blocks.start), blocks.end.checked_sub(1)) {
        (Some(first), Some(last)) if last < outline.blocks.len() => {
            first.range.start..outline.blocks[last].range.end
        }
        _ => 0..0,
    };
    let mentions = TagNames::cached(tags).find(src, span);
    for (i, b) in outline.blocks_in(blocks) {
        let found = card_refs(src, outline, i, tags, &mentions, cfg);
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
        // The line carrying the first card tag; a tag in a property (`tags:: card`) counts as
        // the title's line.
        let tag_line = b
            .lines
            .iter()
            .position(|l| l.line.start <= tag_range.start && tag_range.start <= l.line.end);
        let tag_line = match tag_line {
            Some(k) if b.lines[k].kind != LineKind::Property => k,
            _ => 0,
        };
        let shown = blocks::shown_lines(src, b);
        let mut front = Vec::new();
        let mut lines_after_tag = Vec::new();
        let mut front_has_text = false;
        for (k, bl) in b.lines.iter().enumerate() {
            if !shown[k] {
                continue;
            }
            let r = trimmed(src, line_text(b, bl));
            if r.is_empty() {
                continue;
            }
            if !front_has_text {
                strip_ranges(src, r.clone(), &found, &mut scratch);
                front_has_text = !scratch.trim().is_empty();
            }
            if k > tag_line {
                lines_after_tag.push(r.clone());
            }
            front.push(r);
        }
        let mut clozes = Vec::new();
        let mut prev_end = None;
        for x in &b.inlines {
            if let Some(z) = as_cloze(src, b, x, prev_end) {
                clozes.push(z);
            }
            if !matches!(x.kind, InlineKind::Macro { closed: false, .. }) {
                prev_end = Some(x.range.end);
            }
        }
        let end = outline.subtree_end(i);
        let has_cloze_phase = src
            [b.range.start..outline.blocks.get(end).map_or(src.len(), |n| n.range.start)]
            .contains("{{cloze ");
        out.push(Card {
            block: i,
            native: card_tags.iter().any(|t| t == NATIVE_TAG),
            tags: card_tags,
            tag_range,
            front,
            front_has_text,
            lines_after_tag,
            has_children: end > i + 1,
            clozes,
            has_cloze_phase,
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

/// The text range of a body line: the title for the first line.
fn line_text(b: &Block, bl: &BodyLine) -> Range<usize> {
    if bl.kind == LineKind::First {
        b.title.clone()
    } else {
        bl.line.range()
    }
}

/// The front's lines joined with `\n`, cloze `k` replaced by `show(k, cloze)`.
fn render_front(
    src: &str,
    front: &[Range<usize>],
    clozes: &[Cloze],
    show: impl Fn(usize, &Cloze) -> String,
) -> String {
    let mut buf = String::new();
    let mut zs = clozes.iter().enumerate().peekable();
    for (k, r) in front.iter().enumerate() {
        if k > 0 {
            buf.push('\n');
        }
        let mut pos = r.start;
        while let Some(&(n, z)) = zs.peek().filter(|(_, z)| z.range.start < r.end) {
            if z.range.start >= pos && z.range.end <= r.end {
                buf.push_str(&src[pos..z.range.start]);
                buf.push_str(&show(n, z));
                pos = z.range.end;
            }
            zs.next();
        }
        buf.push_str(&src[pos..r.end]);
    }
    buf
}

/// `x` as a cloze, if Logseq renders it as one. mldoc 1.5.7 reads `{{cloze …}}` (and
/// `{{{cloze …}}}`) as the macro `cloze` only at the start of the text, after a space or tab, or
/// right after another inline (`a{{cloze x}}` and `({{cloze x}})` are plain text); with a space
/// after the name (`{{cloze<TAB>x}}` is the macro `cloze<TAB>x`); and with arguments its macro
/// grammar accepts (`{{cloze a}b}}` is plain text). `prev_end` is the end of the inline before.
fn as_cloze(src: &str, b: &Block, x: &Inline, prev_end: Option<usize>) -> Option<Cloze> {
    let InlineKind::Macro {
        name,
        args,
        closed: true,
    } = &x.kind
    else {
        return None;
    };
    let bytes = src.as_bytes();
    let mut range = x.range.clone();
    match &src[name.clone()] {
        "cloze" => {}
        // `{{{cloze x}}}`: the scanner sees the macro `{cloze` closed one `}` early.
        "{cloze" if bytes.get(range.end) == Some(&b'}') => range.end += 1,
        _ => return None,
    }
    if bytes.get(name.end) == Some(&b'\t') {
        return None;
    }
    let after_space = range.start > 0 && matches!(bytes[range.start - 1], b' ' | b'\t');
    let at_start = || {
        b.lines
            .iter()
            .any(|l| trimmed(src, line_text(b, l)).start == range.start)
    };
    if !(after_space || prev_end == Some(range.start) || at_start()) {
        return None;
    }
    let parts = macro_args(&src[args.clone()])?;
    if parts.is_empty() {
        return None;
    }
    Some(parse_cloze(range, &parts.join(", ")))
}

/// mldoc 1.5.7's macro arguments: separated by `,`, leading spaces dropped (trailing ones kept);
/// an argument that starts with `[[…]]` or `((…))` is that link alone; `"…"` is kept with its
/// quotes; other text stops at `}`. None when mldoc reads no macro at all (an empty argument,
/// text after a leading link, a `}` in the text). Learnt from mldoc 1.5.7's output (tests below).
pub fn macro_args(a: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    if a.trim().is_empty() {
        return Some(out);
    }
    let mut rest = a;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let link = [("[[", "]]"), ("((", "))")]
            .iter()
            .find(|(o, _)| rest.starts_with(o))
            .and_then(|(_, c)| rest.find(c).map(|p| p + 2));
        let (arg, after) = if let Some(e) = link {
            (&rest[..e], rest[e..].trim_start_matches([' ', '\t']))
        } else if let Some(q) = rest.strip_prefix('"').and_then(|r| r.find('"')) {
            (
                &rest[..q + 2],
                rest[q + 2..].trim_start_matches([' ', '\t']),
            )
        } else {
            let e = rest.find(',').unwrap_or(rest.len());
            (&rest[..e], &rest[e..])
        };
        if arg.is_empty() || arg.contains('}') {
            return None;
        }
        out.push(arg);
        match after.strip_prefix(',') {
            Some(r) => rest = r,
            None if after.is_empty() => return Some(out),
            None => return None,
        }
    }
}

/// srs.cljs@0.10.9 `cloze-parse`: the last `\\` separates the cue; with a cue the answer is
/// right-trimmed and the cue trimmed, without one the text is the answer as it is.
pub fn parse_cloze(range: Range<usize>, content: &str) -> Cloze {
    match content.rfind("\\\\") {
        Some(p) => Cloze {
            range,
            answer: content[..p].trim_end().to_string(),
            cue: Some(content[p + 2..].trim().to_string()).filter(|c| !c.is_empty()),
        },
        None => Cloze {
            range,
            answer: content.to_string(),
            cue: None,
        },
    }
}

/// A short name for the card (outline and workspace symbols): its first line of text without
/// the card tag.
pub fn name(src: &str, card: &Card) -> String {
    let mut s = String::new();
    for r in &card.front {
        let t = &src[r.clone()];
        let t = if r.start <= card.tag_range.start && card.tag_range.end <= r.end {
            let (a, b) = (card.tag_range.start - r.start, card.tag_range.end - r.start);
            format!("{} {}", &t[..a], &t[b..])
        } else {
            t.to_string()
        };
        s = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !s.is_empty() {
            break;
        }
    }
    s
}

/// The front as phase 1 of the review shows it: every cloze hidden as `[...]`, or `(cue)`
/// (srs.cljs@0.10.9 `cloze-macro-show`).
pub fn masked(src: &str, card: &Card) -> String {
    render_front(src, &card.front, &card.clozes, |_, z| match &z.cue {
        Some(cue) => format!("({cue})"),
        None => "[...]".to_string(),
    })
}

/// The front as "Show clozes" (phase 3) shows it: every cloze as `[answer]`.
pub fn revealed(src: &str, card: &Card) -> String {
    render_front(src, &card.front, &card.clozes, |_, z| {
        format!("[{}]", z.answer)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline::parse;

    fn tags() -> Vec<String> {
        vec!["card".into(), "flashcard".into()]
    }

    // srs.cljs@0.10.9 `show-cycle`: phase 1 renders the whole card block, children come with
    // "Show answers".
    #[test]
    fn native_card_with_child_answer() {
        let s = "- What is X? #card\n  id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n\t- X is Y.\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert!(c.native && c.has_children);
        let o = parse(s);
        assert_eq!(c.question(s), "What is X? #card");
        assert_eq!(c.answer(s, &o), "- X is Y.");
        assert!(c.schedule(s, &o).is_new());
    }

    #[test]
    fn every_shown_line_is_on_the_front() {
        let s = "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n   What is NoOps? #flashcard \n    Ideally 😀 devs deploy.\n  \n    (link)\n    SCHEDULED: <2024-01-01 Mon>\n    :LOGBOOK:\n    CLOCK: [2024-01-01 Mon 10:00]\n    :END:\n-\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert!(!c.native && !c.has_children);
        assert_eq!(
            c.question(s),
            "What is NoOps? #flashcard\nIdeally 😀 devs deploy.\n(link)"
        );
        assert_eq!(c.answer(s, &parse(s)), "");
        assert_eq!(c.lines_after_tag.len(), 2);
    }

    // srs.cljs@0.10.9 `cloze-macro-show` / `cloze-parse`.
    #[test]
    fn clozes_and_masking() {
        let s = "- The {{cloze capital \\\\ city}} of France is {{cloze  Paris }} #card\n  and {{{cloze x}}}, {{cloze a, b}}\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert_eq!(c.clozes.len(), 4);
        assert_eq!(c.clozes[0].cue.as_deref(), Some("city"));
        assert_eq!(c.clozes[1].answer, "Paris ");
        assert_eq!(
            masked(s, c),
            "The (city) of France is [...] #card\nand [...], [...]"
        );
        assert_eq!(
            revealed(s, c),
            "The [capital] of France is [Paris ] #card\nand [x], [a, b]"
        );
    }

    // mldoc 1.5.7 reads none of these as the macro `cloze` (checked with its parseJson).
    #[test]
    fn not_clozes_in_mldoc() {
        for s in [
            "- {{cloze a}b}} #card\n",
            "- {{cloze\tx}} #card\n",
            "- a{{cloze x}} #card\n",
            "- ({{cloze x}}) #card\n",
            "- {{cloze [[a]] b}} #card\n",
            "- {{cloze a ,, b}} #card\n",
        ] {
            let c = &cards(s, &parse(s), &tags())[0];
            assert!(c.clozes.is_empty(), "{s:?}");
        }
    }

    /// The fast test agrees with the plain one: some tag occurs, in any ASCII case.
    #[test]
    fn tag_names_agree_with_a_plain_search() {
        let plain = |text: &str, tags: &[String]| {
            tags.iter().any(|t| !t.is_ascii())
                || tags.iter().filter(|t| !t.is_empty()).any(|t| {
                    let (h, n) = (text.as_bytes(), t.as_bytes());
                    h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
                })
        };
        let tag_sets: Vec<Vec<String>> = vec![
            tags(),
            vec!["flashcard".into()],
            vec!["flashcard".into(), "card".into(), "card".into()],
            vec!["my_deck".into(), "x-1".into()],
            vec!["karte".into(), "écrit".into()],
            vec![],
            vec!["".into()],
        ];
        for text in [
            "- What? #card",
            "- What? #CaRd 😀",
            "- Flash CARDS",
            "- #flashcard",
            "- flashc",
            "- c ard, cardinal",
            "- MY_DECK or my\x7fdeck",
            "- X-1 and x_1",
            "- \u{7f}ard `ard",
            "",
        ] {
            for ts in &tag_sets {
                assert_eq!(
                    TagNames::new(ts).in_text(text),
                    plain(text, ts),
                    "{text:?} {ts:?}"
                );
            }
        }
    }

    /// `#dec` + KELVIN SIGN is a reference to the page `deck`: page names are lower-cased, then
    /// NFC (graph-parser util.cljs@0.10.9 line 162 `page-name-sanity-lc`), and JS lower-cases
    /// KELVIN SIGN to `k`.
    #[test]
    fn a_tag_written_with_a_kelvin_sign_is_found() {
        let s = "- Q #dec\u{212a}\n";
        let c = cards(s, &parse(s), &["deck".to_string()]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].tags, vec!["deck".to_string()]);
    }

    #[test]
    fn tags_property_makes_title_the_question() {
        let s = "- Capital of France?\n  tags:: card\n\t- Paris\n";
        let c = &cards(s, &parse(s), &tags())[0];
        assert!(c.native);
        assert_eq!(c.question(s), "Capital of France?");
    }
}
