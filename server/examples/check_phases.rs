//! Where the time and memory of indexing and checking a graph go, phase by phase, in one process
//! (release build):
//!
//!     cargo run --release --example check_phases -- GRAPH_DIR
//!
//! First the language server's index as `lsp/index.rs` builds it (read every page, parse each
//! for its facts in parallel, add them to a `Graph`), with the resident memory it leaves: the
//! index's bytes per byte of Markdown. Then the phases of `logseq-lsp check` (cli/session.rs and
//! cli/check.rs) with the public API: analyse every page in parallel, build the graph, run the
//! graph rules, format the diagnostics. Wall time and resident memory after each phase.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use logseq_core::lint::analysis::{self, PageAnalysis};
use logseq_core::model::graph::{Graph, PageFacts};
use logseq_core::syntax::outline;
use logseq_core::syntax::text::{Encoding, LineIndex};
use logseq_lsp::disk;
use rayon::prelude::*;

fn status_kb(key: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: check_phases GRAPH_DIR"),
    );
    let root = std::fs::canonicalize(&root).expect("graph folder");
    let base = status_kb("VmRSS:") * 1024.0;
    let mut last = Instant::now();
    let mut phase = |name: &str| {
        let now = Instant::now();
        let rss = status_kb("VmRSS:") * 1024.0 - base;
        eprintln!(
            "{name:<34} {:>8.1} ms   RSS {:>7.1} MB",
            (now - last).as_secs_f64() * 1e3,
            rss / 1e6
        );
        last = Instant::now();
        rss
    };

    // ---- the language server's index
    let (config, settings, _) = disk::read_config(&root);
    let paths = disk::list_pages(&root, &config, &settings);
    phase("walk (disk::list_pages)");
    let loaded = disk::load(&root);
    let bytes: usize = loaded.files.iter().map(|(_, t)| t.len()).sum();
    phase("walk + read (disk::load)");
    let facts: Vec<PageFacts> = loaded
        .files
        .par_iter()
        .map(|(_, t)| PageFacts::from_outline(t, &outline::parse(t)))
        .collect();
    phase("parse + PageFacts (parallel)");
    let mut index = Graph::new(loaded.config.clone());
    for ((p, t), f) in loaded.files.iter().zip(facts) {
        index.upsert(p.clone(), t.clone(), f);
    }
    let rss = phase("Graph::upsert (index built)");
    eprintln!(
        "index: {} pages, {:.2} MB of Markdown, RSS {:.1} MB = {:.2} bytes per byte\n",
        index.len(),
        bytes as f64 / 1e6,
        rss / 1e6,
        rss / bytes as f64
    );
    drop(index);

    // ---- what `check` does
    let (md, _org): (Vec<_>, Vec<_>) = loaded.files.iter().partition(|(p, _)| p.ends_with(".md"));
    phase("(index dropped)");
    let t = Instant::now();
    let outlines: Vec<usize> = md
        .par_iter()
        .map(|(_, t)| outline::parse(t).blocks.len())
        .collect();
    phase("outline::parse only (parallel)");
    drop(outlines);
    let analysed: Vec<(String, Arc<str>, PageAnalysis)> = md
        .par_iter()
        .map(|(p, t)| (p.clone(), t.clone(), analysis::analyze(t, &settings)))
        .collect();
    phase("analysis::analyze (parallel)");
    let mut graph = Graph::new(loaded.config.clone());
    for (p, t, a) in &analysed {
        graph.upsert(p.clone(), t.clone(), a.facts.clone());
    }
    phase("Graph::upsert");
    let per_page: Vec<_> = analysed
        .par_iter()
        .map(|(p, t, a)| (p, t, analysis::diagnostics(&graph, p, a, &settings)))
        .collect();
    phase("analysis::diagnostics (parallel)");
    let mut n = 0usize;
    let mut out = String::new();
    for (p, t, ds) in &per_page {
        if ds.is_empty() {
            continue;
        }
        let idx = LineIndex::new(t);
        for d in ds {
            n += 1;
            let (l, c) = idx.position(t, d.range.start, Encoding::Utf32);
            out.push_str(&format!("{p}:{}:{}: {}\n", l + 1, c + 1, d.message));
        }
    }
    phase("format (one thread)");
    eprintln!(
        "{} pages ({} listed), {:.2} MB, {} diagnostics, {} output bytes; check phases {:.1} ms",
        md.len(),
        paths.len(),
        bytes as f64 / 1e6,
        n,
        out.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    std::mem::forget(per_page);
    std::mem::forget(analysed);
    std::mem::forget(graph);
}
