//! `((query`: blocks of the whole graph by their text, and the id a block without one gets.

use super::*;

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

/// The Markdown pages of a graph and what makes a reference there, for [`search_blocks`].
pub struct PageTexts {
    /// In the graph's (path) order.
    pub pages: Vec<Arc<PageText>>,
    /// The graph's `config.edn` reference settings: cards are found as the rules find them
    /// (`card:: x` is no card with `:property-pages/enabled? false`).
    pub refs: RefConfig,
}

/// The Markdown pages of the graph, for [`search_blocks`], each prepared afresh (a
/// [`BlockIndex`] keeps them between searches).
pub fn page_texts(graph: &Graph) -> PageTexts {
    BlockIndex::default().texts(graph)
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

/// A `stop` for a search that runs to the end.
pub fn never() -> bool {
    false
}

/// Bonus that puts cards before every other block when the query is a question.
pub(super) const CARD_FIRST: i64 = 1_000_000;

/// The blocks of the graph whose text matches `query`, best first. A query ending with `?`
/// puts cards first. `new_id` gives blocks without an id the id to insert (and the edit).
/// Gives up (`None`) soon after `stop` says so (it is asked between pages): [`never()`] for a
/// search nothing supersedes.
pub fn search_blocks(
    pages: &PageTexts,
    current: Option<&Current>,
    query: &str,
    card_tags: &[String],
    limit: usize,
    new_id: &mut dyn FnMut() -> String,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<BlockHit>> {
    let question = query.trim_end().ends_with('?');
    let q = Query::new(query.trim().trim_end_matches('?'));
    // Source 0 is the current document, source `i + 1` is `pages[i]`.
    let cur_path = current.and_then(|c| c.path);
    let refs = &pages.refs;
    let pages: Vec<&PageText> = pages
        .pages
        .iter()
        .map(|p| &**p)
        .filter(|p| Some(p.path.as_str()) != cur_path)
        .collect();
    let text_of = |s: usize| -> &str {
        match (s, current) {
            (0, Some(c)) => c.src,
            (0, None) => "",
            _ => &pages[s - 1].text,
        }
    };
    let scan = Scan {
        q: &q,
        question,
        card_tags,
        keep: limit * 4,
    };
    let src = current.map_or("", |c| c.src);
    let found = candidates(&pages, src, &scan, stop)?;
    // Parse the pages of the candidates and map each line to its block.
    let mut by_source: HashMap<usize, Vec<(i64, usize)>> = HashMap::new();
    for (score, (s, at)) in found {
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
    Some(hits)
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
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Completion> {
    let typed = &r.src[range.start..r.offset.max(range.start)];
    let current = Current {
        path: r.path,
        title: r.title.clone(),
        src: r.src,
        outline: r.outline,
        skip_block: r.outline.block_at(r.offset),
    };
    let hits = search_blocks(
        pages,
        Some(&current),
        query,
        r.card_tags,
        LIMIT,
        new_id,
        stop,
    )?;
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
    Some(Completion {
        items,
        incomplete: true,
    })
}

pub(super) fn quote(t: &str) -> String {
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
