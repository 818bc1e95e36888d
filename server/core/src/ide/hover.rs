//! Hover text (Markdown): a card's question and answer, the block a `((ref))` points at, the page a
//! `[[link]]` or `#tag` names. Pure: the caller hands in the graph, the page and a byte offset.

use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::lint::analysis::PageAnalysis;
use crate::model::cards::{self, Card};
use crate::model::graph::{names, Graph};
use crate::model::settings::Settings;
use crate::syntax::blocks;
use crate::syntax::inline::InlineKind;
use crate::syntax::outline::{self, BlockKind, Outline};
use crate::syntax::uuid::parse_uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about (the reference, or the card block's line).
    pub range: Range<usize>,
    pub markdown: String,
}

/// How many blocks of a page a page hover lists.
const PAGE_PREVIEW_BLOCKS: usize = 5;

pub fn hover(
    graph: &Graph,
    src: &str,
    a: &PageAnalysis,
    offset: usize,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Option<Hover> {
    let bi = a.outline.block_at(offset)?;
    let block = &a.outline.blocks[bi];
    for x in &block.inlines {
        if !(x.range.start <= offset && offset < x.range.end) {
            continue;
        }
        match &x.kind {
            InlineKind::BlockRef { inner, in_embed } => {
                return Some(Hover {
                    range: x.range.clone(),
                    markdown: block_ref(
                        graph,
                        src,
                        a,
                        &src[inner.clone()],
                        *in_embed,
                        settings,
                        now,
                    ),
                });
            }
            InlineKind::PageRef { name } | InlineKind::Tag { name, .. } => {
                let n = &src[name.clone()];
                if cards::tag_match(n, &settings.card_tags).is_some()
                    && a.cards.iter().any(|c| c.block == bi)
                {
                    break; // the card tag of a card: show the card
                }
                return Some(Hover {
                    range: x.range.clone(),
                    markdown: page(graph, n),
                });
            }
            _ => {}
        }
    }
    let card = a.cards.iter().find(|c| c.block == bi)?;
    let line = block
        .lines
        .iter()
        .find(|l| l.line.start <= offset && offset <= l.line.end)?;
    Some(Hover {
        range: line.line.range(),
        markdown: card_markdown(src, &a.outline, card, now),
    })
}

/// The card preview as Logseq's review shows it, then the tag and schedule.
pub fn card_markdown(src: &str, o: &Outline, c: &Card, now: DateTime<Utc>) -> String {
    let mut s = String::new();
    let kind = if c.native {
        "Card"
    } else {
        "Card (not shown by Logseq's review)"
    };
    s.push_str(&format!(
        "**{kind}** · {}\n\n",
        c.tags
            .iter()
            .map(|t| format!("#{t}"))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    // The three phases of srs.cljs@0.10.9 `show-cycle`: the whole block with clozes hidden,
    // then the child blocks, then the clozes revealed.
    s.push_str("**Front**\n\n");
    s.push_str(&quote(&cards::masked(src, c)));
    if c.has_children {
        s.push_str("\n\n**Show answers**\n\n");
        s.push_str(&quote(&c.answer(src, o)));
    }
    if !c.clozes.is_empty() {
        s.push_str("\n\n**Show clozes**\n\n");
        s.push_str(&quote(&cards::revealed(src, c)));
    }
    if !c.has_children && c.clozes.is_empty() {
        s.push_str("\n\n_Nothing hidden: no child blocks and no cloze._");
    }
    s.push_str("\n\n");
    s.push_str(&schedule_words(src, o, c, now));
    s
}

/// `t` as a Markdown quote that keeps its lines apart, as Logseq shows a block's lines: plain
/// `> a` / `> b` lines are one paragraph in Markdown, so each non-empty line but the last ends
/// in two spaces (a hard break; invisible where the client shows the raw text).
fn quote(t: &str) -> String {
    let lines: Vec<&str> = t.lines().collect();
    let mut out = String::with_capacity(t.len() + 4 * lines.len());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if l.is_empty() {
            out.push('>');
            continue;
        }
        out.push_str("> ");
        out.push_str(l);
        let next_is_text = lines.get(i + 1).is_some_and(|n| !n.is_empty());
        if next_is_text {
            out.push_str("  ");
        }
    }
    out
}

/// The schedule in plain words.
pub fn schedule_words(src: &str, o: &Outline, c: &Card, now: DateTime<Utc>) -> String {
    let sc = &c.schedule(src, o);
    if sc.is_new() {
        return "New card: never reviewed.".to_string();
    }
    let mut parts = Vec::new();
    match sc.next_schedule {
        Some(n) if !sc.is_due(now) => {
            let days = (n - now).num_days();
            parts.push(format!(
                "Due {} (in {} day{})",
                n.format("%Y-%m-%d"),
                days,
                if days == 1 { "" } else { "s" }
            ));
        }
        Some(n) => parts.push(format!("Due now (scheduled {})", n.format("%Y-%m-%d"))),
        None => parts.push("Due now".to_string()),
    }
    if let Some(i) = sc.last_interval {
        parts.push(format!("interval {i} days"));
    }
    if let Some(e) = sc.ease_factor {
        parts.push(format!("ease {e}"));
    }
    if let Some(r) = sc.repeats {
        parts.push(format!("{r} repeat{}", if r == 1 { "" } else { "s" }));
    }
    if let Some(score) = sc.last_score {
        let w = match score {
            5 => " (remembered)",
            3 => " (recalled with effort)",
            1 => " (forgotten)",
            _ => "",
        };
        parts.push(format!("last score {score}{w}"));
    }
    if let Some(r) = sc.last_reviewed {
        parts.push(format!("last reviewed {}", r.format("%Y-%m-%d")));
    }
    parts.join(" · ")
}

fn block_ref(
    graph: &Graph,
    src: &str,
    a: &PageAnalysis,
    inner: &str,
    embed: bool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> String {
    let Some(id) = parse_uuid(inner).filter(|_| embed || inner.trim() == inner) else {
        return format!(
            "`(({inner}))` is not a valid block reference: Logseq shows \"Block ref invalid\"."
        );
    };
    let sites = graph.id_sites(&id);
    let Some((page, site)) = sites.first() else {
        return format!("Unresolved: no block of the graph has `id:: {id}`.");
    };
    // The page may be the one being edited, whose text is newer than the index's.
    let same = a.facts.ids.iter().find(|s| s.id == id);
    let (text, outline_owned, bi): (&str, Option<Outline>, usize);
    if let Some(s) = same {
        text = src;
        outline_owned = None;
        bi = s.block;
    } else if crate::model::org::is_org(&page.path) {
        return format!("Block in Org page **{}** (`{}`).", page.title, page.path);
    } else {
        text = &page.text;
        outline_owned = Some(outline::parse(text));
        bi = site.block;
    }
    let o = outline_owned.as_ref().unwrap_or(&a.outline);
    if o.blocks.get(bi).is_none() {
        return format!("Block in page **{}**.", page.title);
    }
    let title = if same.is_some() {
        a.facts
            .title_property
            .clone()
            .unwrap_or_else(|| page.title.clone())
    } else {
        page.title.clone()
    };
    let mut s = format!("Block in page **{}**", title);
    if sites.len() > 1 {
        s.push_str(&format!(" (and {} more with the same id)", sites.len() - 1));
    }
    s.push_str("\n\n");
    let cs = cards::cards_configured(text, o, &settings.card_tags, &settings.refs);
    if let Some(c) = cs.iter().find(|c| c.block == bi) {
        s.push_str(&card_markdown(text, o, c, now));
    } else {
        s.push_str(&quote(&blocks::block_text(text, o, bi)));
    }
    s
}

fn page(graph: &Graph, name: &str) -> String {
    let Some(p) = graph.page_by_name(name) else {
        return format!(
            "Page **{name}** does not exist yet: Logseq creates it empty when you follow the link."
        );
    };
    let mut s = format!("**{}**", p.title);
    if names::page_key(&p.title) != names::page_key(name) {
        s.push_str(&format!(" (alias `{name}`)"));
    }
    s.push_str(&format!(" · `{}`\n\n", p.path));
    if crate::model::org::is_org(&p.path) {
        return s;
    }
    let o = outline::parse(&p.text);
    if let Some(g) = o
        .blocks
        .first()
        .filter(|b| b.kind == BlockKind::Pre)
        .and_then(|b| b.properties())
    {
        for prop in &g.props {
            s.push_str(&format!(
                "- {}:: {}\n",
                &p.text[prop.key.clone()],
                prop.value_str(&p.text)
            ));
        }
        s.push('\n');
    }
    let mut shown = 0;
    for (i, b) in o.blocks.iter().enumerate() {
        if b.kind == BlockKind::Pre || b.level != 1 {
            continue;
        }
        let t = blocks::block_text(&p.text, &o, i);
        let first = t.lines().next().unwrap_or("").trim();
        if first.is_empty() {
            continue;
        }
        s.push_str(&format!("- {first}\n"));
        shown += 1;
        if shown == PAGE_PREVIEW_BLOCKS {
            break;
        }
    }
    if shown == 0 {
        s.push_str("_(no blocks)_");
    }
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::analysis::analyze;

    fn card_hover(src: &str) -> String {
        let settings = Settings::default();
        let a = analyze(src, &settings);
        let g = Graph::new(Default::default());
        let at = src.find("What").unwrap();
        hover(&g, src, &a, at, &settings, Utc::now())
            .unwrap()
            .markdown
    }

    #[test]
    fn a_cards_lines_stay_lines() {
        // srs.cljs 0.10.9 `show-cycle` phase 1 shows the whole block; Logseq renders each line
        // of a block on its own line, so the hover must not run them into one sentence.
        let md = card_hover(
            "- What is a pod? 🐳 #card\n  The question goes on here\n  - The smallest unit\n",
        );
        assert!(
            md.contains("> What is a pod? 🐳 #card  \n> The question goes on here\n"),
            "{md}"
        );
        assert!(
            md.contains("**Show answers**\n\n> - The smallest unit"),
            "{md}"
        );
    }
}
