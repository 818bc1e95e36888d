//! Completion: what the text before the cursor asks for, and the items that answer it.
//!
//! - `((query` — blocks of the whole graph, searched by their text (fuzzy; cards first when the
//!   query ends with `?`), inserting `((uuid))`. A block without an `id::` gets a fresh id: the
//!   item carries an [`AddId`] the caller turns into an edit of that block's page.
//! - `[[query`, `#query`, `#[[query` — page names and aliases (and names only referenced so
//!   far), as `[[name]]`, `#name`, or `#[[multi word]]` when the name cannot be a bare tag.
//! - `key` at a property position, `key:: value` — property keys in use plus Logseq's
//!   built-ins; values in use for that key.
//! - `{{query` — the `{{cloze …}}` and `{{embed …}}` macros.
//!
//! Every edit replaces the trigger too (`[[`, `((`, `#`, `{{`) and any closing pair the editor
//! auto-inserted after the cursor, so accepting an item never doubles brackets. The search runs
//! over page texts, not stored outlines: a cheap line scan picks candidate lines, and only the
//! pages of the best candidates are parsed.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::ide::fuzzy::{char_mask, upper_bound, Query};
use crate::lint::analysis::PageAnalysis;
use crate::model::cards;
use crate::model::graph::{names, Graph, Page};
use crate::model::refs::RefConfig;
use crate::model::schedule;
use crate::syntax::blocks;
use crate::syntax::edit::TextEdit;
use crate::syntax::outline::{self, BlockKind, LineKind, Outline};
use crate::syntax::properties;
use crate::syntax::text;
use crate::syntax::uuid::parse_uuid;

pub use crate::ide::pages::{page_names, Names, PageNames};
use crate::syntax::page_ref::ends_tag;
pub use crate::syntax::page_ref::{page_ref_text, tag_needs_brackets, RefStyle};

mod block_index;
mod block_scan;
mod block_search;
mod macros;
mod page_search;
mod property_search;

use block_index::*;
pub use block_index::{BlockIndex, PageText};
use block_scan::*;
pub use block_search::*;
use macros::*;
pub use page_search::*;
pub use property_search::*;

/// How many items a list holds at most; lists are marked incomplete so editors ask again.
pub const LIMIT: usize = 50;

/// What the cursor is completing. `range` is what an item replaces: the trigger, the typed
/// query, and an auto-inserted closing pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    Block {
        query: String,
        range: Range<usize>,
    },
    Page {
        query: String,
        range: Range<usize>,
        style: RefStyle,
    },
    Macro {
        query: String,
        range: Range<usize>,
    },
    PropertyKey {
        query: String,
        range: Range<usize>,
        /// Before the page's first block: page properties.
        page: bool,
        /// `::` already follows the key.
        has_colons: bool,
    },
    PropertyValue {
        /// Normalised key (`tags`, `card-repeats`…).
        key: String,
        query: String,
        range: Range<usize>,
        /// Insert a space first (the cursor is right after `::`).
        space: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Block,
    Card,
    Page,
    Alias,
    /// A name other pages reference that has no page file yet.
    NewPage,
    Property,
    Value,
    Macro,
}

/// A fresh `id::` to write under a block when the item is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddId {
    /// Graph-relative path of the block's page (`None`: the document being edited, outside the
    /// graph).
    pub path: Option<String>,
    /// Whether the block is in the document being edited (then `edit` applies to it directly).
    pub same_document: bool,
    /// The edit, against the text the search read.
    pub edit: TextEdit,
    /// Where the block started and its first line, to find it again if the page changed.
    pub block_start: usize,
    pub first_line: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    pub edit: TextEdit,
    /// `edit.new_text` is an LSP snippet (only when the client supports snippets).
    pub snippet: bool,
    /// What the editor filters on: the typed text, so that the server's ranking stands.
    pub filter: String,
    pub add_id: Option<AddId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    pub items: Vec<Item>,
    /// More would match: the editor must ask again as the user types.
    pub incomplete: bool,
}

/// A completion request.
pub struct Request<'a> {
    pub graph: &'a Graph,
    /// The document's graph-relative path, if it is a page of the graph.
    pub path: Option<&'a str>,
    pub src: &'a str,
    pub analysis: &'a PageAnalysis,
    pub offset: usize,
    pub card_tags: &'a [String],
    pub snippets: bool,
}

/// Answers a completion request. `new_id` makes fresh block ids.
pub fn complete(r: &Request, new_id: &mut dyn FnMut() -> String) -> Option<Completion> {
    let cx = context(r.src, &r.analysis.outline, r.offset)?;
    let typed = |range: &Range<usize>| r.src[range.start..r.offset.max(range.start)].to_string();
    Some(match &cx {
        Context::Block { query, range } => {
            let req = BlockRequest {
                path: r.path,
                title: r
                    .path
                    .and_then(|p| r.graph.page(p))
                    .map_or_else(String::new, |p| p.title.clone()),
                src: r.src,
                outline: &r.analysis.outline,
                offset: r.offset,
                card_tags: r.card_tags,
            };
            complete_blocks(&page_texts(r.graph), &req, query, range, new_id, &never)?
        }
        Context::Page {
            query,
            range,
            style,
        } => page_items(
            &page_names(r.graph),
            query,
            range,
            *style,
            &typed(range),
            r.path,
        ),
        Context::Macro { query, range } => macro_items(query, range, r.snippets, &typed(range)),
        Context::PropertyKey {
            query,
            range,
            page,
            has_colons,
        } => key_items(
            r.graph,
            query,
            range,
            *page,
            *has_colons,
            &typed(range),
            new_id,
        ),
        Context::PropertyValue {
            key,
            query,
            range,
            space,
        } => value_items(r.graph, key, query, range, *space, &typed(range)),
    })
}

// --- context -----------------------------------------------------------------------------------

/// Longest query looked at; past it the text is not a reference being typed.
const MAX_QUERY: usize = 200;

/// What the text before `offset` asks to complete, if anything.
pub fn context(src: &str, o: &Outline, offset: usize) -> Option<Context> {
    let offset = text::floor_char_boundary(src, offset.min(src.len()));
    let b = src.as_bytes();
    let line_start = src[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text::next_break(b, offset);
    let before = &src[line_start..offset];
    let after = &src[offset..line_end];
    // Nothing completes inside code: a fence, or an inline code span (an odd number of
    // backticks before the cursor on this line).
    let bi = o.block_at(offset);
    if let Some(bi) = bi {
        let blk = &o.blocks[bi];
        if blk
            .lines
            .iter()
            .any(|l| l.line.start == line_start && l.kind == LineKind::Code)
        {
            return None;
        }
    }
    if before.bytes().filter(|c| *c == b'`').count() % 2 == 1 {
        return None;
    }
    // `((` or `[[` still open before the cursor: the later one wins.
    let open = |op: &str, close: &str| {
        before
            .rfind(op)
            .filter(|&p| !before[p + 2..].contains(close) && before.len() - p - 2 <= MAX_QUERY)
    };
    let paren = open("((", "))");
    let bracket = open("[[", "]]");
    let end_after = |close: &str, op: &str| -> usize {
        // Through a closing pair right after the cursor, or a little further when the cursor
        // is inside an existing reference (`[[Ol|d name]]`): replace the whole of it.
        match after.find(close) {
            Some(k) if !after[..k].contains(op) && k <= MAX_QUERY => offset + k + close.len(),
            _ => offset,
        }
    };
    match (paren, bracket) {
        (Some(p), br) if br.is_none_or(|q| p > q) => {
            return Some(Context::Block {
                query: before[p + 2..].to_string(),
                range: line_start + p..end_after("))", "(("),
            });
        }
        (_, Some(p)) => {
            let tag = before[..p].ends_with('#');
            return Some(Context::Page {
                query: before[p + 2..].to_string(),
                range: line_start + p - usize::from(tag)..end_after("]]", "[["),
                style: if tag {
                    RefStyle::BracketTag
                } else {
                    RefStyle::Link
                },
            });
        }
        _ => {}
    }
    // `{{name` with the name still being typed.
    if let Some(p) = before.rfind("{{") {
        let q = &before[p + 2..];
        if !q.contains("}}") && !q.contains(char::is_whitespace) && q.len() <= MAX_QUERY {
            let end = if after.starts_with("}}") {
                offset + 2
            } else {
                offset
            };
            return Some(Context::Macro {
                query: q.to_string(),
                range: line_start + p..end,
            });
        }
    }
    // `#tag`: a `#` at the line start or after whitespace, then tag characters up to the cursor.
    let word_start = before.char_indices().rev().find(|(_, c)| ends_tag(*c));
    if let Some((i, '#')) = word_start {
        let prev_ok = before[..i]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let q = &before[i + 1..];
        if prev_ok && !q.starts_with('+') && q.len() <= MAX_QUERY {
            let rest = after
                .char_indices()
                .find(|(_, c)| ends_tag(*c))
                .map_or(after.len(), |(k, _)| k);
            return Some(Context::Page {
                query: q.to_string(),
                range: line_start + i..offset + rest,
                style: RefStyle::Tag,
            });
        }
    }
    property_context(src, o, bi?, line_start, before, after, offset)
}

fn property_context(
    src: &str,
    o: &Outline,
    bi: usize,
    line_start: usize,
    before: &str,
    after: &str,
    offset: usize,
) -> Option<Context> {
    let blk = &o.blocks[bi];
    let k = blk.lines.iter().position(|l| l.line.start == line_start)?;
    // On the bullet line, properties start after `- `.
    let (lead, on_bullet) = if k == 0 && blk.kind == BlockKind::Bullet {
        (outline::bullet_marker(blk.lines[0].line.text(src))?, true)
    } else if k == 0 && blk.kind != BlockKind::Pre {
        return None; // a heading line
    } else {
        (text::indent_len(before), false)
    };
    if lead > before.len() {
        return None;
    }
    let typed = &before[lead..];
    // `key:: value`
    if let Some(c) = typed.find("::") {
        let key = &typed[..c];
        let rest = &typed[c + 2..];
        if key.is_empty() || key.contains(char::is_whitespace) || key.contains(':') {
            return None;
        }
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let key = properties::normalize_key(key);
        let multi = key == "tags" || key == "alias";
        let vstart = if multi {
            rest.rfind(',').map_or(0, |i| i + 1)
        } else {
            0
        };
        let q = rest[vstart..].trim_start();
        let qstart = offset - q.len();
        let end = if multi {
            offset + after.find(',').unwrap_or(after.len())
        } else {
            offset + after.len()
        };
        let end = offset + src[offset..end].trim_end().len();
        return Some(Context::PropertyValue {
            key,
            query: q.to_string(),
            range: qstart..end,
            space: rest.is_empty(),
        });
    }
    // A key being typed, at a position where the property would count: right under the first
    // line or after the first group's lines (a block), or among the page's first lines.
    if typed.contains(char::is_whitespace) || typed.contains(':') || on_bullet {
        return None;
    }
    let earlier = &blk.lines[..k];
    let at_property_position = match blk.kind {
        BlockKind::Pre => earlier
            .iter()
            .all(|l| matches!(l.kind, LineKind::Property | LineKind::FrontMatter)),
        _ => earlier[1..].iter().all(|l| l.kind == LineKind::Property),
    };
    if !at_property_position || typed.len() > MAX_QUERY {
        return None;
    }
    let word_end = after
        .find(|c: char| c.is_whitespace() || c == ':')
        .unwrap_or(after.len());
    Some(Context::PropertyKey {
        query: typed.to_string(),
        range: offset - typed.len()..offset + word_end,
        page: blk.kind == BlockKind::Pre,
        has_colons: after[word_end..].starts_with("::"),
    })
}

#[cfg(test)]
mod tests;
