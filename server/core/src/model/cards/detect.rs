//! Detection (issue 11): a card is a block whose `:block/refs` contain a card tag.

use super::*;

/// The card tags block `i` references, with the first reference to each, in text order.
/// Logseq's review lists the blocks whose `:block/refs` hold the page `card`
/// (srs.cljs@0.10.9 `query`: `(:block/_refs (db/entity [:block/name card-hash-tag]))`); the
/// refs are graph-parser's (`refs::page_refs`), so `[[card/x]]`, `card:: x`, a `#card` in a
/// `#+BEGIN_QUOTE` and a page's `tags:: card` count, `{{cloze #card}}` does not.
pub(super) fn card_refs(
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
pub(super) const FOLD_TO_ASCII: [(&str, u8); 3] =
    [("\u{212a}", b'k'), ("\u{37e}", b';'), ("\u{1fef}", b'`')];

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
