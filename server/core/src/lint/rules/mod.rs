//! Lint rules, one file per family. Page rules see one parsed page; graph rules see the index.
//! Messages say what Logseq will do and why, so the fix is obvious without the docs.

mod assets;
pub use assets::{suggest_assets, unused_assets};
mod cards;
mod cloze;
pub use cloze::is_anki_cloze;
pub mod ids;
mod properties;
mod queries;
mod refs;
mod schedule;
mod structure;

use crate::lint::diagnostic::{Code, Diagnostic};
use crate::model::cards::Card;
use crate::model::graph::{Graph, PageFacts};
use crate::model::settings::Settings;
use crate::syntax::outline::Outline;

/// One parsed page, as the page rules see it.
pub struct PageCtx<'a> {
    pub src: &'a str,
    pub outline: &'a Outline,
    pub cards: &'a [Card],
}

/// Rules that need only the page itself.
pub fn check_page(ctx: &PageCtx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    cards::check(ctx, &mut out);
    cloze::check(ctx, &mut out);
    schedule::check(ctx, &mut out);
    ids::check(ctx, &mut out);
    refs::check(ctx, &mut out);
    properties::check(ctx, &mut out);
    queries::check(ctx, &mut out);
    structure::check(ctx, &mut out);
    out
}

/// Rules that need the whole graph: duplicate ids, unresolved references, missing assets, pages
/// that do not
/// exist (only when turned on: it is off by default and looks up every reference).
pub fn check_graph(
    graph: &Graph,
    path: &str,
    facts: &PageFacts,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    ids::check_duplicates(graph, path, facts, &mut out);
    refs::check_unresolved(graph, facts, &mut out);
    assets::check_missing(graph, facts, &mut out);
    if settings.severity_of(Code::PageMissing).is_some() {
        refs::check_pages(graph, facts, &mut out);
    }
    out
}

/// Applies the user's severities (dropping rules turned off, and rules off by default that the
/// user did not turn on) and sorts by position. Without a
/// user setting a diagnostic keeps the severity its rule gave it (a rule may lower its default,
/// e.g. card-schedule-invalid on a value Logseq still uses).
pub fn finish(mut diags: Vec<Diagnostic>, settings: &Settings) -> Vec<Diagnostic> {
    diags.retain_mut(|d| match settings.severity.get(&d.code) {
        Some(Some(s)) => {
            d.severity = *s;
            true
        }
        Some(None) => false,
        None => d.code.on_by_default(),
    });
    diags.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    diags
}
