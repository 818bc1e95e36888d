//! `logseq-lsp graph DIR --format json`: the whole graph as Logseq's database names it, in the
//! shape of the graph-parser oracle's dump (tests/test_graph_parser_differential.py compares the
//! two): pages with a file, and every block by page and pre-order position.

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};

use super::{graph_refs, EXIT_FAILURE};
use logseq_core::model::graph::{journal, names, Graph, GraphConfig, PageFacts};
use logseq_core::model::org;
use logseq_core::syntax::outline::{self, BlockKind, Outline};
use logseq_core::syntax::task;

pub fn run(dir: &Path) -> ExitCode {
    if let Some(e) = crate::disk::refuse_root(dir) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_FAILURE);
    }
    let loaded = crate::disk::load(dir);
    for w in &loaded.config_warnings {
        eprintln!("warning: {w}");
    }
    for p in &loaded.problems {
        eprintln!("warning: {}: {}", p.path, p.message);
    }
    let graph = Graph::new(loaded.config.clone());
    let mut pages = Vec::new();
    let mut blocks = Vec::new();
    for (path, text) in &loaded.files {
        // The engine reads no Org outline (model/org.rs: only its ids), so an Org page is listed
        // without blocks.
        if logseq_core::model::org::is_org(path) {
            pages.push(page_json(&graph, &loaded.config, path, &org::facts(text)).1);
            continue;
        }
        let o = outline::parse(text);
        let facts = PageFacts::from_outline(text, &o);
        let (name, page) = page_json(&graph, &loaded.config, path, &facts);
        blocks.extend(blocks_json(text, &o, &facts, &loaded.config.refs, &name));
        pages.push(page);
    }
    println!("{}", json!({ "pages": pages, "blocks": blocks }));
    ExitCode::SUCCESS
}

/// (page name, page object). Journals are named as the graph names them (`model/graph/journal.rs` in the core).
fn page_json(
    graph: &Graph,
    config: &GraphConfig,
    path: &str,
    facts: &PageFacts,
) -> (String, Value) {
    let aliases: Vec<String> = facts.aliases.iter().map(|a| names::page_key(a)).collect();
    let title = graph.title_for(path, facts);
    let day = journal::day(&title, &config.date_formatter);
    let name = names::page_key(&title);
    // extract.cljc `build-page-map`: a title with `/` (not a journal) belongs to its parent.
    let namespace = match day {
        Some(_) => None,
        None => name.rsplit_once('/').map(|(p, _)| p.to_string()),
    };
    let page = json!({
        "name": name, "original_name": title, "file": path,
        "journal_day": day, "namespace": namespace, "aliases": aliases,
    });
    (name, page)
}

fn blocks_json(
    src: &str,
    o: &Outline,
    facts: &PageFacts,
    cfg: &logseq_core::model::refs::RefConfig,
    page: &str,
) -> Vec<Value> {
    let refs = graph_refs::refs_and_cards(src, o, cfg);
    o.blocks
        .iter()
        .enumerate()
        .zip(refs)
        .map(|((pos, b), (refs, card))| {
            let planning = task::planning(src, b);
            json!({
                "page": page,
                "pos": pos,
                "level": b.level,
                "parent_pos": b.parent,
                "pre_block": b.kind == BlockKind::Pre,
                // The engine's id sites: `id::`, `custom-id::`/`custom_id::` and page-level ids.
                "uuid": facts.ids.iter().find(|s| s.block == pos).map(|s| &s.id),
                "refs": refs,
                "marker": task::task(src, b).marker.map(|m| m.0),
                "scheduled": planning.scheduled,
                "deadline": planning.deadline,
                "card": card,
                // block.cljs@0.10.9 `extract-properties`: the first group's names Logseq drops.
                "invalid_properties": invalid_properties(b),
            })
        })
        .collect()
}

/// The block's `:block/invalid-properties`, sorted and once each (a set), or null for none.
fn invalid_properties(b: &logseq_core::syntax::outline::Block) -> Option<Vec<&str>> {
    let mut v: Vec<&str> = b
        .properties()?
        .props
        .iter()
        .filter(|p| !logseq_core::syntax::properties::valid_name(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    (!v.is_empty()).then_some(v)
}
