//! Symbols: a page's block outline as a tree (cards marked), the graph's pages and cards for a
//! workspace search, and a page's card counts (for a code lens).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::ide::fuzzy::{Query, TopN};
use crate::ide::pages::PageNames;
use crate::lint::analysis::PageAnalysis;
use crate::model::cards::{self, Card};
use crate::model::refs::RefConfig;
use crate::syntax::blocks;

use crate::syntax::outline::{self, BlockKind};
use crate::syntax::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// The page's properties (content before the first block).
    Page,
    Block,
    /// A `#` heading, with or without a bullet.
    Heading,
    /// A card Logseq's review shows.
    Card,
    /// A card only through another tag (`#flashcard`): Logseq's review does not show it.
    OtherCard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The block and its descendants.
    pub range: Range<usize>,
    /// The title (or the first line).
    pub selection: Range<usize>,
    pub children: Vec<Symbol>,
}

/// Longest symbol name; longer titles are cut with `…`.
const NAME_CHARS: usize = 100;

/// The page's blocks as a tree. Blocks without any text are left out (their children are kept,
/// one level up).
pub fn document_symbols(src: &str, a: &PageAnalysis) -> Vec<Symbol> {
    let o = &a.outline;
    // Each block's card, found once: a search per block was quadratic (20k cards: 1.1 s).
    let mut card_of: Vec<Option<&Card>> = vec![None; o.blocks.len()];
    for c in a.cards.iter().rev() {
        if let Some(slot) = card_of.get_mut(c.block) {
            *slot = Some(c); // the first card of a block wins, as `find` did
        }
    }
    let ends = o.subtree_ends();
    let mut roots: Vec<Symbol> = Vec::new();
    // Stack of (block index, symbol) still open; a block closes when a block not inside it comes.
    let mut stack: Vec<(usize, Symbol)> = Vec::new();
    let close = |stack: &mut Vec<(usize, Symbol)>, roots: &mut Vec<Symbol>| {
        let (_, s) = stack.pop().unwrap();
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(s),
            None => roots.push(s),
        }
    };
    for (i, b) in o.blocks.iter().enumerate() {
        while stack.last().is_some_and(|(j, _)| ends[*j] <= i) {
            close(&mut stack, &mut roots);
        }
        let Some(sym) = block_symbol(src, o, card_of[i], i, ends[i]) else {
            continue;
        };
        if b.kind == BlockKind::Pre {
            roots.push(sym);
            continue;
        }
        stack.push((i, sym));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

fn block_symbol(
    src: &str,
    o: &outline::Outline,
    card: Option<&Card>,
    i: usize,
    end: usize,
) -> Option<Symbol> {
    let b = &o.blocks[i];
    if b.kind == BlockKind::Pre {
        let g = b.properties()?;
        let names: Vec<&str> = g.props.iter().map(|p| &src[p.key.clone()]).collect();
        return Some(Symbol {
            name: "page properties".to_string(),
            detail: Some(blocks::clip(&names.join(", "), NAME_CHARS)),
            kind: SymbolKind::Page,
            range: b.range.start..b.range.start + src[b.range.clone()].trim_end().len(),
            selection: g.range(),
            children: Vec::new(),
        });
    }
    let title = blocks::title_range(src, o, i)?;
    let (kind, detail) = match (card, b.kind) {
        (Some(c), _) if c.native => (SymbolKind::Card, Some("card".to_string())),
        (Some(c), _) => (
            SymbolKind::OtherCard,
            Some(format!(
                "card (#{}; not shown by Logseq's review)",
                c.tags.join(", #")
            )),
        ),
        (None, BlockKind::Heading { .. }) => (SymbolKind::Heading, None),
        (None, BlockKind::Bullet) if is_heading_bullet(src, b.first_line().text(src)) => {
            (SymbolKind::Heading, None)
        }
        _ => (SymbolKind::Block, None),
    };
    let card_name = card.map(|c| cards::name(src, c)).filter(|n| !n.is_empty());
    let name = card_name.as_deref().unwrap_or(&src[title.clone()]);
    Some(Symbol {
        name: blocks::clip(name.trim(), NAME_CHARS),
        detail,
        kind,
        range: blocks::subtree_range_to(src, o, i, end),
        selection: title,
        children: Vec::new(),
    })
}

/// `- ## title`: a bullet whose text starts with a heading marker.
fn is_heading_bullet(_src: &str, line: &str) -> bool {
    outline::bullet_marker(line).is_some_and(|n| {
        line[n..].starts_with('#') && outline::heading_marker(&line[n..]).is_some()
    })
}

/// A page or a card of the graph matching a workspace symbol query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub path: String,
    pub range: Range<usize>,
    /// The page, for a card.
    pub container: Option<String>,
}

/// Pages (by title and alias) and cards (by question) matching `query`, best first. Cards are
/// searched only in pages that mention a card tag, and only when the query is not empty.
pub fn workspace_symbols(
    pages: &[Arc<PageNames>],
    query: &str,
    card_tags: &[String],
    refs: &RefConfig,
    limit: usize,
) -> Vec<WorkspaceSymbol> {
    let q = Query::new(query);
    let mut scored: Vec<(i64, WorkspaceSymbol)> = Vec::new();
    for p in pages {
        let best = std::iter::once(p.title.as_str())
            .chain(p.aliases.iter().map(String::as_str))
            .filter_map(|n| q.score(n))
            .max();
        if let Some(s) = best {
            scored.push((
                s,
                WorkspaceSymbol {
                    name: p.title.clone(),
                    kind: SymbolKind::Page,
                    path: p.path.clone(),
                    range: 0..0,
                    container: None,
                },
            ));
        }
    }
    if !q.is_empty() {
        scored.extend(search_cards(pages, &q, card_tags, refs, limit));
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.truncate(limit);
    scored.into_iter().map(|(_, s)| s).collect()
}

/// Cards whose question matches. A line scan picks the lines that carry a card tag and match
/// the query (a card's question ends on the line of its tag); only their pages are parsed.
fn search_cards(
    pages: &[Arc<PageNames>],
    q: &Query,
    tags: &[String],
    refs: &RefConfig,
    limit: usize,
) -> Vec<(i64, WorkspaceSymbol)> {
    let pages: Vec<&PageNames> = pages
        .iter()
        .map(|p| &**p)
        .filter(|p| !crate::model::org::is_org(&p.path))
        .collect();
    // Lines that are no card's take room too: keep more candidates than asked for.
    let keep = limit * 8;
    let found = pages
        .par_iter()
        .enumerate()
        .fold(
            || TopN::new(keep),
            |mut top, (i, p)| {
                // A card's tag need not be on its matching line (`card:: x`, `tags:: card` on
                // a later line): the cheap test is that the page names a card tag at all; the
                // parse below keeps only the blocks that are cards as the rules read them.
                if q.is_subsequence(&p.text) && cards::may_name_card_tag(&p.text, tags) {
                    for l in text::lines(&p.text) {
                        if let Some(s) = q.score(l.text(&p.text)) {
                            top.push(s, (i, l.start));
                        }
                    }
                }
                top
            },
        )
        .reduce(
            || TopN::new(keep),
            |mut a, b| {
                a.merge(b);
                a
            },
        );
    let mut by_page: Vec<(usize, usize)> =
        found.into_sorted().into_iter().map(|(_, v)| v).collect();
    by_page.sort();
    let mut out = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut k = 0;
    while k < by_page.len() {
        let i = by_page[k].0;
        let p = pages[i];
        let o = outline::parse(&p.text);
        let cs = cards::cards_configured(&p.text, &o, tags, refs);
        while k < by_page.len() && by_page[k].0 == i {
            let at = by_page[k].1;
            k += 1;
            let Some(bi) = o.block_at(at) else { continue };
            let Some(c) = cs.iter().find(|c| c.block == bi) else {
                continue;
            };
            let Some(s) = q.score(&c.question(&p.text)) else {
                continue;
            };
            if !seen.insert((i, bi)) {
                continue;
            }
            let range = blocks::title_range(&p.text, &o, bi)
                .unwrap_or_else(|| o.blocks[bi].first_line().range());
            out.push((
                s,
                WorkspaceSymbol {
                    name: cards::name_clipped(&p.text, c, NAME_CHARS),
                    kind: if c.native {
                        SymbolKind::Card
                    } else {
                        SymbolKind::OtherCard
                    },
                    path: p.path.clone(),
                    range,
                    container: Some(p.title.clone()),
                },
            ));
        }
    }
    out
}

/// A page's cards counted for its code lens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardCounts {
    pub total: usize,
    /// Reviewed before and due now.
    pub due: usize,
    /// Never reviewed.
    pub new: usize,
    /// Cards only through another tag (`#flashcard`), which Logseq's review does not show.
    pub not_native: usize,
}

pub fn card_counts(
    src: &str,
    o: &outline::Outline,
    cards: &[Card],
    now: DateTime<Utc>,
) -> CardCounts {
    let mut c = CardCounts::default();
    for k in cards {
        c.total += 1;
        let sc = k.schedule(src, o);
        if sc.is_new() {
            c.new += 1;
        } else if sc.is_due(now) {
            c.due += 1;
        }
        if !k.native {
            c.not_native += 1;
        }
    }
    c
}

/// The lens text: `12 cards · 2 due · 10 new`, noting cards Logseq's review does not show.
pub fn card_counts_label(c: &CardCounts) -> String {
    let mut s = format!(
        "{} card{} · {} due · {} new",
        c.total,
        if c.total == 1 { "" } else { "s" },
        c.due,
        c.new
    );
    if c.not_native > 0 {
        s.push_str(&format!(
            " · {} not shown by Logseq's review (not tagged #card)",
            c.not_native
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::analysis::analyze;
    use crate::model::graph::{Graph, GraphConfig};
    use crate::model::settings::Settings;
    use std::sync::Arc;

    const PAGE: &str = "title:: Deck 😀\n\n- ## Section\n\t- What is a pod? #card\n\t\t- The smallest unit\n\t- id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n\t  Plain block\n- Old one #flashcard\n  card-repeats:: 2\n  card-next-schedule:: 2000-01-01T00:00:00.000Z\n-\n\t- orphan child\n";

    #[test]
    fn outline_tree_with_cards() {
        let a = analyze(PAGE, &Settings::default());
        let s = document_symbols(PAGE, &a);
        let names: Vec<_> = s.iter().map(|s| (s.name.as_str(), s.kind)).collect();
        assert_eq!(
            names,
            [
                ("page properties", SymbolKind::Page),
                ("Section", SymbolKind::Heading),
                ("Old one", SymbolKind::OtherCard),
                ("orphan child", SymbolKind::Block),
            ]
        );
        let kids: Vec<_> = s[1]
            .children
            .iter()
            .map(|s| (s.name.as_str(), s.kind))
            .collect();
        assert_eq!(
            kids,
            [
                ("What is a pod?", SymbolKind::Card),
                ("Plain block", SymbolKind::Block)
            ]
        );
        assert_eq!(s[1].children[0].children[0].name, "The smallest unit");
        // Ranges nest and each selection is inside its range.
        let sec = &s[1];
        assert!(sec.range.start <= sec.children[1].range.start);
        assert!(sec.range.end >= sec.children[1].range.end);
        assert_eq!(&PAGE[sec.children[1].selection.clone()], "Plain block");
        let counts = card_counts(PAGE, &a.outline, &a.cards, Utc::now());
        assert_eq!(
            counts,
            CardCounts {
                total: 2,
                due: 1,
                new: 1,
                not_native: 1
            }
        );
        assert!(card_counts_label(&counts).starts_with("2 cards · 1 due · 1 new · 1 not shown"));
    }

    #[test]
    fn workspace_pages_and_cards() {
        let mut g = Graph::new(GraphConfig::default());
        g.upsert_text("pages/deck.md".into(), Arc::from(PAGE));
        g.upsert_text("pages/Pods.md".into(), Arc::from("- x\n"));
        let tags = Settings::default().card_tags;
        let r = workspace_symbols(
            &crate::ide::pages::page_names(&g).pages,
            "pod",
            &tags,
            &g.config.refs,
            10,
        );
        let got: Vec<_> = r.iter().map(|s| (s.name.as_str(), s.kind)).collect();
        assert_eq!(
            got,
            [
                ("Pods", SymbolKind::Page),
                ("What is a pod?", SymbolKind::Card)
            ]
        );
        assert_eq!(r[1].container.as_deref(), Some("Deck 😀"));
        assert_eq!(&PAGE[r[1].range.clone()], "What is a pod? #card");
        assert_eq!(
            workspace_symbols(
                &crate::ide::pages::page_names(&g).pages,
                "",
                &tags,
                &g.config.refs,
                10
            )
            .len(),
            2
        );
    }

    /// Workspace symbols, `((` completion and block-ref hovers find cards as the rules do, under
    /// the graph's config.edn: with `:property-pages/enabled? false` a `card::` property makes
    /// no ref (graph-parser block.cljs@0.10.9 `get-page-refs-from-properties`), so no card;
    /// with Logseq's default it does. They used the default whatever the config said.
    #[test]
    fn every_face_finds_cards_under_the_graph_config() {
        use crate::ide::completion::{page_texts, search_blocks};
        let page = "- What is a pod?\n  card:: deck\n  id:: 6543b1a2-0000-4000-8000-00000000000a\n- see ((6543b1a2-0000-4000-8000-00000000000a))\n";
        for enabled in [true, false] {
            let mut cfg = GraphConfig::default();
            cfg.refs.property_pages = enabled;
            let settings = Settings {
                refs: cfg.refs.clone(),
                ..Settings::default()
            };
            let mut g = Graph::new(cfg);
            g.upsert_text("pages/deck.md".into(), Arc::from(page));
            let a = analyze(page, &settings);
            assert_eq!(a.cards.len(), usize::from(enabled), "the rules' reading");
            let sym = workspace_symbols(
                &crate::ide::pages::page_names(&g).pages,
                "pod",
                &settings.card_tags,
                &g.config.refs,
                10,
            );
            assert_eq!(sym.iter().any(|s| s.kind == SymbolKind::Card), enabled);
            let hits = search_blocks(
                &page_texts(&g),
                None,
                "pod?",
                &settings.card_tags,
                10,
                &mut || "x".into(),
                &crate::ide::completion::never,
            )
            .unwrap();
            assert_eq!(
                hits.iter().find(|h| h.block == 0).map(|h| h.card),
                Some(enabled)
            );
            let at = page.find("((6543").unwrap() + 3;
            let h =
                crate::ide::hover::hover(&g, page, &a, at, &settings, chrono::Utc::now()).unwrap();
            assert_eq!(h.markdown.contains("**Card**"), enabled, "{}", h.markdown);
        }
    }
}
