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

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::ide::fuzzy::{Query, TopN};
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

/// How many items a list holds at most; lists are marked incomplete so editors ask again.
pub const LIMIT: usize = 50;

/// How a page reference is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefStyle {
    /// `[[name]]`
    Link,
    /// `#name` (becomes `#[[name]]` when the name cannot be a bare tag)
    Tag,
    /// `#[[name]]`
    BracketTag,
}

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
            complete_blocks(&page_texts(r.graph), &req, query, range, new_id)
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

/// Characters that end a bare `#tag` (mldoc hash_tag.ml), plus brackets.
fn ends_tag(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | '!' | '?' | '\'' | '"' | '#' | '[' | ']' | '(' | ')'
        )
}

/// Whether `name` must be written `#[[name]]` rather than `#name`.
pub fn tag_needs_brackets(name: &str) -> bool {
    name.is_empty()
        || name.chars().any(ends_tag)
        || name.ends_with(['.', ';', ':'])
        || name.starts_with('+')
}

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

// --- blocks ------------------------------------------------------------------------------------

/// One block found by [`search_blocks`].
#[derive(Debug, Clone, PartialEq)]
pub struct BlockHit {
    /// `None`: the document being searched alongside the graph (the one being edited).
    pub path: Option<String>,
    pub page_title: String,
    pub block: usize,
    pub block_start: usize,
    pub first_line: String,
    pub title: String,
    /// The block's visible text (for documentation).
    pub text: String,
    /// The block's id, or the fresh one `add_id` writes.
    pub id: String,
    pub card: bool,
    pub score: i64,
    /// For a block without an id: the edit adding `id`, against the text searched.
    pub add_id: Option<TextEdit>,
}

/// A page's text and names, copied out of the graph (cheaply: the text is shared) so that a
/// long search need not hold the graph.
#[derive(Debug, Clone)]
pub struct PageText {
    pub path: String,
    pub title: String,
    pub text: Arc<str>,
}

/// What the searches of page names, aliases, referenced names and card questions read of one
/// page, copied out of the graph (cheap: the text is shared) so that a search runs without the
/// index's lock, which every keystroke's write waits for.
#[derive(Debug, Clone)]
pub struct PageNames {
    pub path: String,
    pub title: String,
    pub aliases: Vec<String>,
    /// Where its page references are in `text`.
    pub refs: Vec<Range<usize>>,
    pub text: Arc<str>,
}

/// Every page of the graph, for [`search_pages`] and workspace symbols.
pub fn page_names(graph: &Graph) -> Vec<PageNames> {
    graph
        .pages()
        .map(|p| PageNames {
            path: p.path.clone(),
            title: p.title.clone(),
            aliases: p.facts.aliases.clone(),
            refs: p.facts.page_refs.iter().map(|(_, r)| r.clone()).collect(),
            text: p.text.clone(),
        })
        .collect()
}

/// The Markdown pages of a graph and what makes a reference there, for [`search_blocks`].
pub struct PageTexts {
    pub pages: Vec<PageText>,
    /// The graph's `config.edn` reference settings: cards are found as the rules find them
    /// (`card:: x` is no card with `:property-pages/enabled? false`).
    pub refs: RefConfig,
}

/// The Markdown pages of the graph, for [`search_blocks`].
pub fn page_texts(graph: &Graph) -> PageTexts {
    PageTexts {
        pages: graph
            .pages()
            .filter(|p| !crate::model::org::is_org(&p.path))
            .map(|p| PageText {
                path: p.path.clone(),
                title: p.title.clone(),
                text: p.text.clone(),
            })
            .collect(),
        refs: graph.config.refs.clone(),
    }
}

/// The page being edited, searched alongside (and instead of) its copy in the graph.
pub struct Current<'a> {
    pub path: Option<&'a str>,
    pub title: String,
    pub src: &'a str,
    pub outline: &'a Outline,
    /// A block to leave out (the one holding the cursor).
    pub skip_block: Option<usize>,
}

/// Bonus that puts cards before every other block when the query is a question.
const CARD_FIRST: i64 = 1_000_000;

/// The blocks of the graph whose text matches `query`, best first. A query ending with `?`
/// puts cards first. `new_id` gives blocks without an id the id to insert (and the edit).
pub fn search_blocks(
    pages: &PageTexts,
    current: Option<&Current>,
    query: &str,
    card_tags: &[String],
    limit: usize,
    new_id: &mut dyn FnMut() -> String,
) -> Vec<BlockHit> {
    let question = query.trim_end().ends_with('?');
    let q = Query::new(query.trim().trim_end_matches('?'));
    // Candidate lines: (score, source index, line start). Source 0 is the current document.
    let cur_path = current.and_then(|c| c.path);
    let refs = &pages.refs;
    let pages: Vec<&PageText> = pages
        .pages
        .iter()
        .filter(|p| Some(p.path.as_str()) != cur_path)
        .collect();
    let text_of = |s: usize| -> &str {
        match (s, current) {
            (0, Some(c)) => c.src,
            (0, None) => "",
            _ => &pages[s - 1].text,
        }
    };
    let keep = limit * 4;
    let scan = |s: usize| -> TopN<(usize, usize)> {
        let mut top = TopN::new(keep);
        let t = text_of(s);
        if !q.is_subsequence(t) {
            return top;
        }
        for l in text::lines(t) {
            let line = l.text(t).trim_matches([' ', '\t']);
            let line = line
                .strip_prefix("- ")
                .or_else(|| line.strip_prefix('-'))
                .unwrap_or(line)
                .trim_start();
            if line.is_empty() {
                continue;
            }
            let Some(mut score) = q.score(line) else {
                continue;
            };
            if (line.contains(":: ") || line.ends_with("::"))
                && properties::parse_line(line, 0).is_some()
            {
                continue; // a property line is not block text
            }
            if question && has_card_tag(line, card_tags) {
                score += CARD_FIRST;
            }
            top.push(score, (s, l.start));
        }
        top
    };
    let n = pages.len() + 1;
    let found = if q.is_empty() {
        // Nothing typed yet: the blocks of the page being edited.
        scan(0)
    } else {
        (0..n)
            .into_par_iter()
            .fold(
                || TopN::new(keep),
                |mut acc, s| {
                    acc.merge(scan(s));
                    acc
                },
            )
            .reduce(
                || TopN::new(keep),
                |mut a, b| {
                    a.merge(b);
                    a
                },
            )
    };
    // Parse the pages of the candidates and map each line to its block.
    let mut by_source: HashMap<usize, Vec<(i64, usize)>> = HashMap::new();
    for (score, (s, at)) in found.into_sorted() {
        by_source.entry(s).or_default().push((score, at));
    }
    let mut hits: Vec<BlockHit> = Vec::new();
    let mut sources: Vec<_> = by_source.into_iter().collect();
    sources.sort_by_key(|(s, _)| *s);
    for (s, lines) in sources {
        let t = text_of(s);
        let parsed;
        let (o, path, page_title, skip) = match (s, current) {
            (0, Some(c)) => (
                c.outline,
                c.path.map(str::to_string),
                c.title.clone(),
                c.skip_block,
            ),
            _ => {
                parsed = outline::parse(t);
                let p = pages[s - 1];
                (&parsed, Some(p.path.clone()), p.title.clone(), None)
            }
        };
        let page_cards = cards::cards_configured(t, o, card_tags, refs);
        let mut seen: HashSet<usize> = HashSet::new();
        for (score, at) in lines {
            let Some(bi) = o.block_at(at) else { continue };
            let blk = &o.blocks[bi];
            if blk.kind == BlockKind::Pre || Some(bi) == skip || !seen.insert(bi) {
                continue;
            }
            let title = blocks::title(t, o, bi);
            if title.is_empty() {
                continue;
            }
            let card = page_cards.iter().any(|c| c.block == bi);
            // The card bonus from the line scan is a guess (a tag on the line); settle it here.
            let score = (score % CARD_FIRST) + if question && card { CARD_FIRST } else { 0 };
            let (id, add_id) = match blk.property("id").and_then(|p| parse_uuid(p.value_str(t))) {
                Some(id) => (id, None),
                None => {
                    let id = new_id();
                    let e = blocks::add_id_edit(t, o, bi, &id);
                    (id, Some(e))
                }
            };
            hits.push(BlockHit {
                path: path.clone(),
                page_title: page_title.clone(),
                block: bi,
                block_start: blk.range.start,
                first_line: blk.first_line().text(t).to_string(),
                title: title.to_string(),
                text: blocks::block_text(t, o, bi),
                id,
                card,
                score,
                add_id,
            });
        }
    }
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.title.len().cmp(&b.title.len()))
    });
    hits.truncate(limit);
    hits
}

/// Whether a line mentions one of the card tags (`#card`, `[[card]]`, `#[[card]]`), ASCII
/// case-insensitively: the line scan's guess, settled by parsing.
pub fn has_card_tag(line: &str, tags: &[String]) -> bool {
    let b = line.as_bytes();
    let mut from = 0;
    // Only `#` and `[` can start a tag: jump between them.
    while let Some(k) = b[from..].iter().position(|&c| c == b'#' || c == b'[') {
        let i = from + k;
        from = i + 1;
        let rest = &b[i + 1..];
        let hit = tags.iter().any(|t| {
            let t = t.as_bytes();
            match b[i] {
                b'#' => rest.len() >= t.len() && rest[..t.len()].eq_ignore_ascii_case(t),
                _ => {
                    rest.len() >= t.len() + 3
                        && rest[0] == b'['
                        && rest[1..1 + t.len()].eq_ignore_ascii_case(t)
                        && rest[1 + t.len()..].starts_with(b"]]")
                }
            }
        });
        if hit {
            return true;
        }
    }
    false
}

/// A `((` completion: what [`complete_blocks`] needs besides the pages.
pub struct BlockRequest<'a> {
    pub path: Option<&'a str>,
    /// The page's title (empty outside the graph).
    pub title: String,
    pub src: &'a str,
    pub outline: &'a Outline,
    pub offset: usize,
    pub card_tags: &'a [String],
}

/// The items for a `((query` context (see [`context`]), searching `pages` and the document.
pub fn complete_blocks(
    pages: &PageTexts,
    r: &BlockRequest,
    query: &str,
    range: &Range<usize>,
    new_id: &mut dyn FnMut() -> String,
) -> Completion {
    let typed = &r.src[range.start..r.offset.max(range.start)];
    let current = Current {
        path: r.path,
        title: r.title.clone(),
        src: r.src,
        outline: r.outline,
        skip_block: r.outline.block_at(r.offset),
    };
    let hits = search_blocks(pages, Some(&current), query, r.card_tags, LIMIT, new_id);
    let items = hits
        .into_iter()
        .map(|h| {
            let id = h.id.clone();
            let where_ = if h.page_title.is_empty() {
                "this page".to_string()
            } else {
                h.page_title.clone()
            };
            let same_document = h.path.as_deref() == r.path;
            Item {
                label: blocks::clip(&h.title, 80),
                kind: if h.card {
                    ItemKind::Card
                } else {
                    ItemKind::Block
                },
                detail: Some(if h.card {
                    format!("card · {where_}")
                } else {
                    where_
                }),
                documentation: Some(quote(&blocks::clip(&h.text, 600))),
                edit: TextEdit::replace(range.clone(), format!("(({id}))")),
                snippet: false,
                filter: typed.to_string(),
                add_id: h.add_id.map(|edit| AddId {
                    path: h.path.clone(),
                    same_document,
                    edit,
                    block_start: h.block_start,
                    first_line: h.first_line.clone(),
                    id,
                }),
            }
        })
        .collect();
    Completion {
        items,
        incomplete: true,
    }
}

fn quote(t: &str) -> String {
    t.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Finds the block an [`AddId`] was made for in `src` (the page may have changed since) and
/// returns the edit adding the id, `Ok(None)` when the block already has that id, or why not.
pub fn add_id_now(
    src: &str,
    block_start: usize,
    first_line: &str,
    id: &str,
) -> Result<Option<TextEdit>, String> {
    let o = outline::parse(src);
    let same = |i: &usize| o.blocks[*i].first_line().text(src) == first_line;
    let bi = o
        .block_at(block_start)
        .filter(same)
        .or_else(|| (0..o.blocks.len()).find(same))
        .ok_or_else(|| "the block was changed or removed".to_string())?;
    match o.blocks[bi]
        .property("id")
        .map(|p| parse_uuid(p.value_str(src)))
    {
        Some(Some(existing)) if existing == id => Ok(None),
        Some(_) => Err(
            "the block already has an id:: (it was added meanwhile): the new reference does not resolve"
                .into(),
        ),
        None => Ok(Some(blocks::add_id_edit(src, &o, bi, id))),
    }
}

// --- pages -------------------------------------------------------------------------------------

/// A page name candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageName {
    pub name: String,
    pub kind: ItemKind,
    /// The page's title (for an alias) or file.
    pub detail: String,
}

/// Where a page name is being typed: the reference at `range` of page `path` names nothing yet.
#[derive(Debug, Clone, Copy)]
pub struct Typing<'a> {
    pub path: Option<&'a str>,
    pub range: &'a Range<usize>,
}

/// Page titles, aliases and names only referenced so far, matching `query`, best first.
pub fn search_pages(
    pages: &[PageNames],
    query: &str,
    limit: usize,
    typing: Typing,
) -> Vec<(i64, PageName)> {
    let q = Query::new(query);
    let mut seen: HashSet<String> = HashSet::new();
    let mut out: Vec<(i64, PageName)> = Vec::new();
    let mut add = |seen: &mut HashSet<String>, score: i64, name: &str, kind, detail: String| {
        if seen.insert(names::page_key(name)) {
            let name = name.to_string();
            out.push((score, PageName { name, kind, detail }));
        }
    };
    for p in pages {
        if let Some(s) = q.score(&p.title) {
            add(&mut seen, s, &p.title, ItemKind::Page, p.path.clone());
        }
        for a in &p.aliases {
            if let Some(s) = q.score(a) {
                let detail = format!("alias of {}", p.title);
                add(&mut seen, s, a, ItemKind::Alias, detail);
            }
        }
    }
    // Referenced names without a page (Logseq lists them as pages too), after every real page.
    // Not the reference being typed (`[[kub]]` as the editor auto-closed it): offered, it made
    // Enter keep what was typed, and Emacs took the typed text for a finished completion.
    let mut referenced: Vec<(i64, &str)> = Vec::new();
    for p in pages {
        let here = typing.path == Some(p.path.as_str());
        for r in &p.refs {
            if here && r.start < typing.range.end && typing.range.start < r.end {
                continue;
            }
            let name = p.text.get(r.clone()).map_or("", ref_name);
            if let Some(s) = (!name.is_empty()).then(|| q.score(name)).flatten() {
                referenced.push((s - 1, name));
            }
        }
    }
    referenced.sort_by_key(|r| std::cmp::Reverse(r.0));
    // The names pages answer to (titles and aliases), as the graph's name map holds them.
    let named = || -> HashSet<String> {
        pages
            .iter()
            .flat_map(|p| std::iter::once(&p.title).chain(&p.aliases))
            .map(|n| names::page_key(n))
            .collect()
    };
    let mut named_keys: Option<HashSet<String>> = None;
    let mut added = 0;
    for (s, name) in referenced {
        if added == limit {
            break;
        }
        let key = names::page_key(name);
        if !seen.contains(&key) && !named_keys.get_or_insert_with(named).contains(&key) {
            add(&mut seen, s, name, ItemKind::NewPage, "no page yet".into());
            added += 1;
        }
    }
    out.sort_by(|a, b| {
        let new_page = |p: &PageName| p.kind == ItemKind::NewPage;
        (new_page(&a.1).cmp(&new_page(&b.1)))
            .then_with(|| b.0.cmp(&a.0))
            .then_with(|| a.1.name.cmp(&b.1.name))
    });
    out.truncate(limit);
    out
}

/// The name inside a reference's text: `[[x]]`, `#[[x]]`, `#x`, or a bare property item.
pub fn ref_name(raw: &str) -> &str {
    let s = raw.strip_prefix('#').unwrap_or(raw);
    s.strip_prefix("[[")
        .and_then(|x| x.strip_suffix("]]"))
        .unwrap_or(s)
        .trim()
}

/// How a page name is written in `style`.
pub fn page_ref_text(name: &str, style: RefStyle) -> String {
    match style {
        RefStyle::Link => format!("[[{name}]]"),
        RefStyle::Tag if !tag_needs_brackets(name) => format!("#{name}"),
        RefStyle::Tag | RefStyle::BracketTag => format!("#[[{name}]]"),
    }
}

/// Completion of a page name (`[[`, `#`), from the pages' names copied out of the graph.
pub fn page_items(
    pages: &[PageNames],
    query: &str,
    range: &Range<usize>,
    style: RefStyle,
    typed: &str,
    path: Option<&str>,
) -> Completion {
    let items = search_pages(pages, query, LIMIT, Typing { path, range })
        .into_iter()
        .map(|(_, p)| Item {
            edit: TextEdit::replace(range.clone(), page_ref_text(&p.name, style)),
            label: p.name,
            kind: p.kind,
            detail: Some(p.detail),
            documentation: None,
            snippet: false,
            filter: typed.to_string(),
            add_id: None,
        })
        .collect();
    Completion {
        items,
        incomplete: true,
    }
}

// --- macros ------------------------------------------------------------------------------------

fn macro_items(query: &str, range: &Range<usize>, snippets: bool, typed: &str) -> Completion {
    let q = Query::new(query);
    let all: [(&str, &str, &str, &str); 3] = [
        (
            "cloze",
            "{{cloze ${1:answer}}}$0",
            "{{cloze }}",
            "A cloze: the text is hidden on the card's front",
        ),
        (
            "embed ((block))",
            "{{embed ((${1:block}))}}$0",
            "{{embed (())}}",
            "Embed a block: type its text between the parentheses",
        ),
        (
            "embed [[page]]",
            "{{embed [[${1:page}]]}}$0",
            "{{embed [[]]}}",
            "Embed a page",
        ),
    ];
    let mut scored: Vec<(i64, Item)> = all
        .iter()
        .filter_map(|(label, snip, plain, doc)| {
            let s = q.score(label)?;
            Some((
                s,
                Item {
                    label: label.to_string(),
                    kind: ItemKind::Macro,
                    detail: Some(doc.to_string()),
                    documentation: None,
                    edit: TextEdit::replace(range.clone(), if snippets { *snip } else { *plain }),
                    snippet: snippets,
                    filter: typed.to_string(),
                    add_id: None,
                },
            ))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    Completion {
        items: scored.into_iter().map(|(_, i)| i).collect(),
        incomplete: false,
    }
}

// --- properties --------------------------------------------------------------------------------

/// Logseq's own keys: offered even when no page uses them yet.
pub const BUILTIN_KEYS: [(&str, &str); 5] = [
    ("id", "the block's id (a fresh one is filled in)"),
    ("collapsed", "true: the block shows folded"),
    ("tags", "pages this block or page is tagged with"),
    ("alias", "other names of this page"),
    (
        "title",
        "the page's title, when it differs from the file name",
    ),
];

/// Every `key::` of the graph with how many lines use it (key as first written, by normalised
/// name). A line scan for `::`, not a parse: fast on a large graph.
pub fn keys_in_use(graph: &Graph) -> HashMap<String, (String, usize)> {
    let pages: Vec<&Page> = graph.pages().collect();
    pages
        .par_iter()
        .fold(
            HashMap::new,
            |mut acc: HashMap<String, (String, usize)>, p| {
                for_each_property(&p.text, |key, _| {
                    let e = acc
                        .entry(properties::normalize_key(key))
                        .or_insert_with(|| (key.to_string(), 0));
                    e.1 += 1;
                });
                acc
            },
        )
        .reduce(HashMap::new, |mut a, b| {
            for (k, (orig, n)) in b {
                a.entry(k).or_insert((orig, 0)).1 += n;
            }
            a
        })
}

/// Calls `f(key, value)` for every line of `t` that reads as `key:: value` (a bullet's `- ` and
/// indentation allowed).
fn for_each_property(t: &str, mut f: impl FnMut(&str, &str)) {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(k) = t[from..].find("::") {
        let at = from + k;
        from = at + 2;
        let ls = t[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let le = text::next_break(b, at);
        from = from.max(le);
        let line = &t[ls..le];
        let body = line.trim_start_matches([' ', '\t']);
        let body = body.strip_prefix("- ").unwrap_or(body);
        if let Some(p) = properties::parse_line(body, 0) {
            f(&body[p.key.clone()], &body[p.value.clone()]);
        }
    }
}

/// Values used for `key` across the graph (items of `tags::`/`alias::` one by one), with counts.
pub fn values_in_use(graph: &Graph, key: &str) -> HashMap<String, usize> {
    let multi = key == "tags" || key == "alias";
    let pages: Vec<&Page> = graph.pages().collect();
    pages
        .par_iter()
        .fold(HashMap::new, |mut acc: HashMap<String, usize>, p| {
            for_each_property(&p.text, |k, v| {
                if properties::normalize_key(k) != key || v.is_empty() {
                    return;
                }
                if multi {
                    for item in v.split(',') {
                        let item = ref_name(item.trim());
                        if !item.is_empty() {
                            *acc.entry(item.to_string()).or_default() += 1;
                        }
                    }
                } else {
                    *acc.entry(v.to_string()).or_default() += 1;
                }
            });
            acc
        })
        .reduce(HashMap::new, |mut a, b| {
            for (k, n) in b {
                *a.entry(k).or_default() += n;
            }
            a
        })
}

fn key_items(
    graph: &Graph,
    query: &str,
    range: &Range<usize>,
    page: bool,
    has_colons: bool,
    typed: &str,
    new_id: &mut dyn FnMut() -> String,
) -> Completion {
    let q = Query::new(query);
    let mut keys = keys_in_use(graph);
    for (k, _) in BUILTIN_KEYS {
        keys.entry(k.to_string()).or_insert((k.to_string(), 0));
    }
    for k in schedule::KEYS {
        keys.entry(k.to_string()).or_insert((k.to_string(), 0));
    }
    let mut scored: Vec<(i64, String, String, usize)> = keys
        .into_iter()
        .filter(|(k, _)| !(page && k == "id"))
        .filter_map(|(k, (orig, n))| Some((q.score(&orig)?, k, orig, n)))
        .collect();
    // Best match first; among equals, the keys used most.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.3.cmp(&a.3)).then(a.1.cmp(&b.1)));
    scored.truncate(LIMIT);
    let items = scored
        .into_iter()
        .map(|(_, k, orig, n)| {
            let value = if k == "id" { new_id() } else { String::new() };
            let new_text = if has_colons {
                orig.clone()
            } else {
                format!("{orig}:: {value}")
            };
            let builtin = BUILTIN_KEYS
                .iter()
                .find(|(b, _)| *b == k)
                .map(|(_, d)| d.to_string())
                .or_else(|| {
                    schedule::KEYS
                        .contains(&k.as_str())
                        .then(|| "card schedule (written by Logseq's review)".to_string())
                });
            let used = (n > 0).then(|| format!("used {n} time{}", if n == 1 { "" } else { "s" }));
            Item {
                label: orig,
                kind: ItemKind::Property,
                detail: match (builtin, used) {
                    (Some(b), Some(u)) => Some(format!("{b} · {u}")),
                    (b, u) => b.or(u),
                },
                documentation: None,
                edit: TextEdit::replace(range.clone(), new_text),
                snippet: false,
                filter: typed.to_string(),
                add_id: None,
            }
        })
        .collect();
    Completion {
        items,
        incomplete: false,
    }
}

fn value_items(
    graph: &Graph,
    key: &str,
    query: &str,
    range: &Range<usize>,
    space: bool,
    typed: &str,
) -> Completion {
    let values: Vec<(String, usize)> = match key {
        // An id is never reused; schedules are Logseq's to write.
        "id" => Vec::new(),
        k if schedule::KEYS.contains(&k) => Vec::new(),
        "collapsed" => vec![("true".into(), 0), ("false".into(), 0)],
        _ => values_in_use(graph, key).into_iter().collect(),
    };
    let q = Query::new(query);
    let mut scored: Vec<(i64, String, usize)> = values
        .into_iter()
        .filter_map(|(v, n)| Some((q.score(&v)?, v, n)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    scored.truncate(LIMIT);
    let items = scored
        .into_iter()
        .map(|(_, v, n)| Item {
            edit: TextEdit::replace(
                range.clone(),
                if space { format!(" {v}") } else { v.clone() },
            ),
            label: v,
            kind: ItemKind::Value,
            detail: (n > 0).then(|| format!("used {n} time{}", if n == 1 { "" } else { "s" })),
            documentation: None,
            snippet: false,
            filter: typed.to_string(),
            add_id: None,
        })
        .collect();
    Completion {
        items,
        incomplete: false,
    }
}

#[cfg(test)]
mod tests;
