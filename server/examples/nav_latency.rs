//! Latency of the navigation and completion queries on a whole graph, in process (no LSP): the
//! `((` block search, `[[` page search, property keys, workspace symbols, and a full outline
//! parse of every page for comparison.
//!
//!     python3 tools/gen_graph.py /tmp/g20k --pages 20000
//!     cargo run --release --example nav_latency -- /tmp/g20k

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use logseq_core::ide::completion::{self, never, search_blocks, search_pages};
use logseq_core::ide::symbols::workspace_symbols;
use logseq_core::model::graph::{Graph, PageFacts};
use logseq_core::syntax::outline;
use logseq_lsp::disk;
use rayon::prelude::*;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut v = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        v.push(t.elapsed());
    }
    (median(v), last.unwrap())
}

fn main() {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: nav_latency GRAPH_DIR");
        std::process::exit(2);
    };
    let loaded = disk::load(&disk::find_root(&root));
    let bytes: usize = loaded.files.iter().map(|(_, t)| t.len()).sum();
    let facts: Vec<PageFacts> = loaded
        .files
        .par_iter()
        .map(|(_, t)| PageFacts::from_outline(t, &outline::parse(t)))
        .collect();
    let mut g = Graph::new(loaded.config.clone());
    for ((p, t), f) in loaded.files.iter().zip(facts) {
        g.upsert(p.clone(), Arc::clone(t), f);
    }
    println!("{} pages, {:.1} MB", g.len(), bytes as f64 / 1e6);
    let tags = loaded.settings.card_tags.clone();
    let runs = 7;
    let (d, _) = time(3, || {
        loaded
            .files
            .par_iter()
            .map(|(_, t)| outline::parse(t).blocks.len())
            .sum::<usize>()
    });
    println!("parse every page (comparison): {d:?}");
    let (d, pages) = time(runs, || completion::page_texts(&g));
    println!("snapshot of page texts (taken under the index lock): {d:?}");
    for q in ["p", "pod", "what is a pod?", "kubelet restarts", "zzzzqqq"] {
        let mut n = 0u64;
        let mut new_id = || {
            n += 1;
            format!("{n}")
        };
        let (d, hits) = time(runs, || {
            search_blocks(
                &pages,
                None,
                q,
                &tags,
                completion::LIMIT,
                &mut new_id,
                &never,
            )
            .unwrap()
        });
        println!(
            "(( {q:?}: {d:?}, {} hits{}",
            hits.len(),
            hits.first()
                .map(|h| format!(", first: {:?} (card: {})", h.title, h.card))
                .unwrap_or_default()
        );
    }
    // What the server holds the index's lock for: copying the names out, not the search.
    let (d, names) = time(runs, || completion::page_names(&g));
    println!(
        "page names copied (under the lock): {d:?}, {} pages",
        names.pages.len()
    );
    for q in ["", "kub", "api server basics"] {
        let typing = completion::Typing {
            path: None,
            range: &(0..0),
        };
        let (d, hits) = time(runs, || search_pages(&names, q, completion::LIMIT, typing));
        println!("[[ {q:?}: {d:?}, {} hits", hits.len());
    }
    let (d, keys) = time(runs, || completion::keys_in_use(&g));
    println!("property keys in use: {d:?}, {} keys", keys.len());
    let (d, vals) = time(runs, || completion::values_in_use(&g, "tags"));
    println!("values of tags::: {d:?}, {} values", vals.len());
    for q in ["pod", "what is"] {
        let (d, s) = time(runs, || {
            workspace_symbols(&names.pages, q, &tags, &g.config.refs, 100)
        });
        println!("workspace symbols {q:?}: {d:?}, {} results", s.len());
    }
}
