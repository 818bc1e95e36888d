//! One page, analysed: outline, cards, index facts and page-rule diagnostics. Every face goes
//! through here, so the command line and the server report the same things.

use crate::lint::diagnostic::Diagnostic;
use crate::lint::rules::{self, PageCtx};
use crate::model::cards::{self, Card};
use crate::model::graph::{Graph, PageFacts};
use crate::model::settings::Settings;
use crate::syntax::outline::{self, Outline};

#[derive(Debug, Clone)]
pub struct PageAnalysis {
    pub outline: Outline,
    pub cards: Vec<Card>,
    pub facts: PageFacts,
    /// Page-rule diagnostics, before settings are applied: each block's in block order, then
    /// the page-wide ones ([`rules::check_page`]).
    pub local: Vec<Diagnostic>,
    /// The block of each of `local`'s first `local_blocks.len()` diagnostics.
    pub local_blocks: Vec<usize>,
}

pub fn analyze(src: &str, settings: &Settings) -> PageAnalysis {
    let outline = outline::parse(src);
    let cards = cards::cards_configured(src, &outline, &settings.card_tags, &settings.refs);
    let facts = PageFacts::from_outline(src, &outline);
    let (local, local_blocks) = rules::check_page(&PageCtx {
        src,
        outline: &outline,
        cards: &cards,
    });
    PageAnalysis {
        outline,
        cards,
        facts,
        local,
        local_blocks,
    }
}

/// All diagnostics of a page: its own plus the graph rules, with the user's severities applied.
pub fn diagnostics(
    graph: &Graph,
    path: &str,
    a: &PageAnalysis,
    settings: &Settings,
) -> Vec<Diagnostic> {
    diagnostics_of(graph, path, &a.local, &a.facts, settings)
}

/// [`diagnostics`] from a page's own diagnostics and its facts, for a caller that keeps only
/// those (the command line's `check` moves the facts into the graph instead of copying them).
pub fn diagnostics_of(
    graph: &Graph,
    path: &str,
    local: &[Diagnostic],
    facts: &PageFacts,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut d = local.to_vec();
    d.extend(rules::check_graph(graph, path, facts, settings));
    rules::finish(d, settings)
}
