//! Each card's published diagnostic, kept from one list to the next.
//!
//! Why: a Readwise export has a diagnostic on every card (1,450 on the 1 MB benchmark page),
//! each folded from the card's findings into one message that names the card, with its findings
//! as related places, then converted to LSP. Redoing that for every card on every keystroke was
//! most of a keystroke (BENCHMARKS.md, issue 15), though one keystroke changes one card.
//!
//! What makes a kept one exact: a card's LSP diagnostic is a function of its block's lines (the
//! text from the start of the card block's first line to the block's end), where in them the
//! card's tag and front are, its findings (code, severity, message, related places, all within
//! those lines), the line the block starts on, and what the client asked for. The memo keeps
//! each of those and reuses the diagnostic only where every one is equal, relative to the
//! block's start; the line is added afresh. A card whose findings point elsewhere (another page,
//! another block) is never kept. The findings themselves are computed fresh every time (they
//! can depend on anything); only folding and converting them is skipped.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use tower_lsp_server::ls_types as lsp;

use logseq_core::lint::diagnostic::{
    capped, Code, Diagnostic, Related, MAX_PER_LINE, MAX_PER_PAGE,
};
use logseq_core::lint::grouping::{self, CardGroup};
use logseq_core::model::cards::Card;
use logseq_core::syntax::outline::Outline;
use logseq_core::syntax::text::LineIndex;

use super::convert::{Converter, Wanted};

/// A document's memo, shared by its snapshots (taken while a list is computed, put back after).
pub type MemoCell = Mutex<Option<CardMemo>>;

/// How far ahead in the kept entries a card's is looked for: both lists are in page order, and
/// one edit adds or removes few cards before any other.
const LOOKAHEAD: usize = 8;

pub struct CardMemo {
    wanted: Wanted,
    /// The text the entries' offsets are in.
    text: Arc<str>,
    /// How the document's text came from `text`.
    since: Option<Since>,
    /// In page order.
    entries: Vec<Entry>,
}

/// What the edits since a memo was made leave equal: the document's text (at `version`) is the
/// memo's up to `lo`, and from `hi` on it is the memo's from `hi - delta`. A card's lines outside
/// the window are then known equal without comparing them: comparing every card's lines was a
/// fifth of a keystroke's diagnostics on the 1 MB page (BENCHMARKS.md, issue 15). Kept current
/// by [`record`] from the edits themselves; `None` when the chain broke (several changes at once,
/// a whole text, an edit made while the memo was taken): then every card's lines are compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Since {
    version: i32,
    lo: usize,
    hi: usize,
    delta: isize,
}

impl Since {
    /// No edit yet: the text is the memo's.
    fn none(version: i32) -> Since {
        Since {
            version,
            lo: usize::MAX,
            hi: 0,
            delta: 0,
        }
    }

    /// After replacing `start..old_end` of the text by what is now `start..new_end`.
    fn edited(self, start: usize, old_end: usize, new_end: usize, version: i32) -> Since {
        let d = new_end as isize - old_end as isize;
        // What follows the edit is what followed `old_end`; if the old window reached past it,
        // that part moved by the edit.
        let hi = if self.hi > old_end {
            (self.hi as isize + d) as usize
        } else {
            new_end
        };
        Since {
            version,
            lo: self.lo.min(start),
            hi,
            delta: self.delta + d,
        }
    }

    /// Whether the text's `new` is, byte for byte, the memo text's `old` (same length).
    fn same(&self, old: &Range<usize>, new: &Range<usize>) -> bool {
        old.len() == new.len()
            && ((new.end <= self.lo && old.start == new.start)
                || (new.start >= self.hi && old.start as isize == new.start as isize - self.delta))
    }
}

/// Brings the memo in `cell` along with an edit that made the document `version` from
/// `before`: `Some((start, old_end, new_end))` for one ranged change, `None` for anything else.
pub fn record(cell: &MemoCell, edit: Option<(usize, usize, usize)>, before: i32, version: i32) {
    let Ok(mut m) = cell.lock() else { return };
    if let Some(m) = m.as_mut() {
        m.since = match (m.since, edit) {
            (Some(s), Some((a, b, c))) if s.version == before => Some(s.edited(a, b, c, version)),
            _ => None,
        };
    }
}

/// What a card's diagnostic was made from.
struct Key {
    /// The card block's lines: from the start of its first line to the block's end.
    lines: Range<usize>,
    /// The line they start on.
    line: u32,
    /// The card's tag and front (what its name is read from), from `lines.start`.
    tag: Range<usize>,
    front: Vec<Range<usize>>,
    /// The card's findings in the order `fold` reads them, offsets from `lines.start` (so a
    /// kept key needs no update when its card moves).
    members: Vec<Diagnostic>,
    /// The folded diagnostic's code (the list's order reads it).
    code: Code,
}

struct Entry {
    key: Key,
    lsp: Arc<lsp::Diagnostic>,
}

/// What a page's list is made from.
pub struct Page<'a> {
    pub text: &'a Arc<str>,
    pub index: &'a LineIndex,
    pub outline: &'a Outline,
    pub cards: &'a [Card],
    /// The page's graph path.
    pub path: &'a str,
    /// The document's version this text is.
    pub version: i32,
}

fn inside(r: &Range<usize>, lines: &Range<usize>) -> bool {
    lines.start <= r.start && r.end <= lines.end
}

fn rel(r: &Range<usize>, base: usize) -> Range<usize> {
    r.start - base..r.end - base
}

/// `d` with its offsets, and those of its related places (all at or after `base`), from `base`.
/// Its replacements are left as they are: nothing compares them.
fn rebased(mut d: Diagnostic, base: usize) -> Diagnostic {
    d.range = rel(&d.range, base);
    for r in &mut d.related {
        r.range = rel(&r.range, base);
    }
    d
}

/// Equal where they sit in their lines (`a` from `a0`, `b` from `b0`). Destructured in full, so
/// a field added to `Diagnostic` fails to compile here rather than being left out.
fn same_at(a: &Diagnostic, a0: usize, b: &Diagnostic, b0: usize) -> bool {
    let Diagnostic {
        code,
        severity,
        range,
        message,
        related,
        // Neither reaches the published diagnostic (quick fixes recompute them).
        folded: _,
        replacements: _,
    } = a;
    *code == b.code
        && *severity == b.severity
        && rel(range, a0) == rel(&b.range, b0)
        && *message == b.message
        && related.len() == b.related.len()
        && related.iter().zip(&b.related).all(|(x, y)| {
            let Related {
                path,
                range,
                message,
            } = x;
            *path == y.path && rel(range, a0) == rel(&y.range, b0) && *message == y.message
        })
}

/// The card's lines and the line they start on, if its diagnostic can be kept: everything it is
/// made from lies in them.
/// `near`: the line of the previous card's block (cards come in page order), then this one's.
fn keepable(
    page: &Page,
    card: &Card,
    members: &[&Diagnostic],
    near: &mut usize,
) -> Option<(Range<usize>, u32)> {
    let block = &page.outline.blocks[card.block].range;
    let line = page.index.line_from(*near, block.start);
    *near = line;
    let lines = page.index.line_start(line)?..block.end;
    let ok = inside(&card.tag_range, &lines)
        && card.front.iter().all(|r| inside(r, &lines))
        && members.iter().all(|d| {
            inside(&d.range, &lines)
                && d.related
                    .iter()
                    .all(|r| r.path == page.path && inside(&r.range, &lines))
        });
    ok.then_some((lines, line as u32))
}

impl Key {
    /// Whether this key, in `old` (which became the page's text as `since` says), is what
    /// `card`'s `members` in `lines` of the page are.
    fn fits(
        &self,
        (old, since): (&str, Option<Since>),
        page: &Page,
        lines: &Range<usize>,
        card: &Card,
        m: &[&Diagnostic],
    ) -> bool {
        let b0 = lines.start;
        self.lines.len() == lines.len()
            && self.tag == rel(&card.tag_range, b0)
            && self.members.len() == m.len()
            && self.front.len() == card.front.len()
            && self
                .front
                .iter()
                .zip(&card.front)
                .all(|(x, y)| *x == rel(y, b0))
            && self
                .members
                .iter()
                .zip(m)
                .all(|(x, y)| same_at(x, 0, y, b0))
            && (since.is_some_and(|s| s.version == page.version && s.same(&self.lines, lines))
                || old.as_bytes()[self.lines.clone()] == page.text.as_bytes()[lines.clone()])
    }
}

/// `d` with its lines, and those of its related places (all in its card's lines), moved.
fn shifted(d: &Arc<lsp::Diagnostic>, from: u32, to: u32) -> Arc<lsp::Diagnostic> {
    if from == to {
        return d.clone();
    }
    let mv = |r: &mut lsp::Range| {
        r.start.line = r.start.line - from + to;
        r.end.line = r.end.line - from + to;
    };
    let mut d = (**d).clone();
    mv(&mut d.range);
    for r in d.related_information.iter_mut().flatten() {
        mv(&mut r.location.range);
    }
    Arc::new(d)
}

/// One item of the list before conversion, with where it goes in the list.
struct Slot {
    order: (usize, usize, Code),
    kind: Kind,
}

enum Kind {
    /// To convert; a card's with what it was made from, if it can be kept.
    Fresh(Diagnostic, Option<Key>),
    Kept(Entry),
}

/// Whether `capped` would cut the list whose items start at `singles` and `cards` (each in
/// page order).
fn would_cap(
    index: &LineIndex,
    mut singles: impl Iterator<Item = usize>,
    mut cards: impl Iterator<Item = usize>,
) -> bool {
    let mut lines = Vec::with_capacity(singles.size_hint().0 + cards.size_hint().0);
    for starts in [&mut singles as &mut dyn Iterator<Item = usize>, &mut cards] {
        let mut near = 0;
        for s in starts {
            near = index.line_from(near, s);
            lines.push(near);
        }
    }
    if lines.len() > MAX_PER_PAGE {
        return true;
    }
    if lines.len() <= MAX_PER_LINE {
        return false;
    }
    lines.sort_unstable();
    lines
        .chunk_by(|a, b| a == b)
        .any(|run| run.len() > MAX_PER_LINE)
}

/// The page's published list: `diags` (sorted, as `rules::finish` leaves them) with each card's
/// findings folded into one (what `grouping::per_card` gives), capped, converted, each card's
/// kept from `memo` where it fits. Returns the memo for the next list, or none when the list was
/// capped (then nothing is kept: a cut list is rare and its summaries name what they cut).
pub fn list(
    memo: Option<CardMemo>,
    page: &Page,
    wanted: Wanted,
    diags: Vec<&Diagnostic>,
    conv: &mut Converter,
) -> (Vec<Arc<lsp::Diagnostic>>, Option<CardMemo>) {
    let (singles, groups) = grouping::group(page.outline, page.cards, diags);
    let starts = singles.iter().map(|d| d.range.start);
    let card_starts = groups.iter().map(|g| page.cards[g.card].tag_range.start);
    if would_cap(page.index, starts, card_starts) {
        let singles = singles.into_iter().cloned().collect();
        let groups = groups
            .into_iter()
            .map(|g| CardGroup {
                card: g.card,
                members: g.members.into_iter().cloned().collect(),
            })
            .collect();
        let all = grouping::fold_groups(page.text, page.path, page.cards, singles, groups);
        let items = capped(all, page.index)
            .into_iter()
            .map(|d| Arc::new(conv.convert(d)))
            .collect();
        return (items, None);
    }
    let (old_text, since, mut old): (Arc<str>, _, Vec<Option<Entry>>) = match memo {
        Some(m) if m.wanted == wanted => {
            (m.text, m.since, m.entries.into_iter().map(Some).collect())
        }
        _ => (page.text.clone(), None, Vec::new()),
    };
    let (mut j, mut near) = (0, 0);
    let mut slots: Vec<Slot> = Vec::with_capacity(singles.len() + groups.len());
    slots.extend(singles.into_iter().map(|d| Slot {
        order: d.order(),
        kind: Kind::Fresh(d.clone(), None),
    }));
    for CardGroup { card, mut members } in groups {
        let card = &page.cards[card];
        grouping::lead_first(&mut members);
        let lines = keepable(page, card, &members, &mut near);
        let twin = lines.as_ref().and_then(|(l, _)| {
            let end = old.len().min(j + LOOKAHEAD);
            let k = (j..end).find(|&k| {
                old[k]
                    .as_ref()
                    .is_some_and(|e| e.key.fits((&old_text, since), page, l, card, &members))
            })?;
            j = k + 1;
            old[k].take()
        });
        let tag = &card.tag_range;
        let slot = match (twin, lines) {
            (Some(mut e), Some((lines, line))) => {
                e.lsp = shifted(&e.lsp, e.key.line, line);
                e.key.line = line;
                e.key.lines = lines;
                Slot {
                    order: (tag.start, tag.end, e.key.code),
                    kind: Kind::Kept(e),
                }
            }
            (_, lines) => {
                let members = members.into_iter().cloned().collect();
                let mut d = grouping::fold(page.text, page.path, card, members);
                let key = lines.map(|(lines, line)| Key {
                    line,
                    tag: rel(tag, lines.start),
                    front: card.front.iter().map(|r| rel(r, lines.start)).collect(),
                    // Folding left them in its order; the published diagnostic never reads them.
                    members: std::mem::take(&mut d.folded)
                        .into_iter()
                        .map(|m| rebased(m, lines.start))
                        .collect(),
                    code: d.code,
                    lines,
                });
                Slot {
                    order: d.order(),
                    kind: Kind::Fresh(d, key),
                }
            }
        };
        slots.push(slot);
    }
    // Stable, as in `grouping::per_card`: equal places keep singles before cards.
    slots.sort_by_key(|s| s.order);
    let mut items = Vec::with_capacity(slots.len());
    let mut entries = Vec::with_capacity(slots.len());
    for s in slots {
        match s.kind {
            Kind::Fresh(d, key) => {
                let lsp = Arc::new(conv.convert(d));
                if let Some(key) = key {
                    entries.push(Entry {
                        key,
                        lsp: lsp.clone(),
                    });
                }
                items.push(lsp);
            }
            Kind::Kept(e) => {
                items.push(e.lsp.clone());
                entries.push(e);
            }
        }
    }
    let memo = CardMemo {
        wanted,
        text: page.text.clone(),
        since: Some(Since::none(page.version)),
        entries,
    };
    (items, Some(memo))
}

#[cfg(test)]
mod tests;
