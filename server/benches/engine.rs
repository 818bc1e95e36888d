//! In-process benchmarks of the engine (divan). Run with
//!
//!     cargo bench --bench engine                 # all, a few seconds each
//!     cargo bench --bench engine -- parse        # a filter
//!     cargo bench --bench engine -- --test       # each once (CI's smoke mode)
//!
//! Inputs: the Readwise page (examples/readwise-export, 41 KB, 58 cards) once and 25 times joined
//! with '\n' (≈1 MB), and a graph written by tools/gen_graph.py: 1,000 pages
//! (≈3.4 MB) generated into target/bench-graphs/ on first use, or the graph named by
//! LOGSEQ_BENCH_GRAPH. Throughput is reported in input bytes.
//!
//! bench/run.sh measures whole processes (`logseq-lsp check` against the floor of reading the
//! files); BENCHMARKS.md has the numbers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use logseq_core::lint::analysis;
use logseq_core::model::graph::{Graph, PageFacts};
use logseq_core::model::settings::Settings;
use logseq_core::syntax::outline;
use logseq_core::syntax::text::LineIndex;

use logseq_lsp::cli::session;
use logseq_lsp::disk;
use rayon::prelude::*;

fn main() {
    divan::main();
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The Readwise page joined with itself `n` times.
fn readwise(n: usize) -> &'static str {
    static ONE: OnceLock<String> = OnceLock::new();
    static MANY: OnceLock<String> = OnceLock::new();
    let one = ONE.get_or_init(|| {
        let p = repo_root().join("examples/readwise-export/pages/Kubernetes in Action.md");
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    });
    match n {
        1 => one,
        25 => MANY.get_or_init(|| vec![one.as_str(); 25].join("\n")),
        _ => unreachable!("sizes are 1 and 25"),
    }
}

/// A generated graph: LOGSEQ_BENCH_GRAPH, or 1,000 pages (seed 1) made once with tools/gen_graph.py.
fn graph_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(p) = std::env::var_os("LOGSEQ_BENCH_GRAPH") {
            return PathBuf::from(p);
        }
        let root = repo_root();
        let dir = root.join("target/bench-graphs/p1000-s1");
        if !dir.join("manifest.json").is_file() {
            let _ = std::fs::remove_dir_all(&dir);
            let ok = std::process::Command::new("python3")
                .arg(root.join("tools/gen_graph.py"))
                .arg(&dir)
                .args(["--pages", "1000", "--seed", "1"])
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "tools/gen_graph.py failed; set LOGSEQ_BENCH_GRAPH to a graph folder"
            );
        }
        dir
    })
}

struct Files {
    loaded: disk::Loaded,
    bytes: usize,
}

fn files() -> &'static Files {
    static F: OnceLock<Files> = OnceLock::new();
    F.get_or_init(|| {
        let loaded = disk::load(graph_dir());
        let bytes = loaded.files.iter().map(|(_, t)| t.len()).sum();
        Files { loaded, bytes }
    })
}

// ---- one page -------------------------------------------------------------------------------

#[divan::bench(args = [1, 25])]
fn parse(bencher: Bencher, copies: usize) {
    let src = readwise(copies);
    bencher
        .counter(BytesCount::of_str(src))
        .bench(|| outline::parse(black_box(src)));
}

#[divan::bench(args = [1, 25])]
fn analyze(bencher: Bencher, copies: usize) {
    let src = readwise(copies);
    let settings = Settings::default();
    bencher
        .counter(BytesCount::of_str(src))
        .bench(|| analysis::analyze(black_box(src), &settings));
}

/// A page's diagnostics against a graph holding only it (page rules + graph rules + severities).
#[divan::bench(args = [1, 25])]
fn diagnostics(bencher: Bencher, copies: usize) {
    let src = readwise(copies);
    let settings = Settings::default();
    let a = analysis::analyze(src, &settings);
    let mut g = Graph::default();
    g.upsert("pages/p.md".into(), Arc::from(src), a.facts.clone());
    bencher
        .counter(BytesCount::of_str(src))
        .bench(|| analysis::diagnostics(&g, "pages/p.md", &a, &settings));
}

/// One keystroke in the middle of the page, re-analysed incrementally (the server's path: only
/// the touched top-level blocks are re-parsed, page rules run on the whole page). Each sample
/// starts from a copy of the page's analysis, made outside the timing.
#[divan::bench(args = [1, 25])]
fn keystroke_reanalysis(bencher: Bencher, copies: usize) {
    use logseq_core::lint::reanalysis;
    use logseq_core::syntax::outline::incremental::Edit;
    let src = readwise(copies);
    let settings = Settings::default();
    let a = analysis::analyze(src, &settings);
    let mid = src.len() / 2;
    let at = mid + src[mid..].find('\n').unwrap_or(0);
    let new_src = format!("{}x{}", &src[..at], &src[at..]);
    let e = Edit {
        start: at,
        old_end: at,
        new_end: at + 1,
    };
    bencher
        .with_inputs(|| a.clone())
        .bench_local_refs(|a| assert!(reanalysis::reanalyze(a, src, &new_src, &e, &settings)));
}

#[divan::bench(args = [1, 25])]
fn line_index(bencher: Bencher, copies: usize) {
    let src = readwise(copies);
    bencher
        .counter(BytesCount::of_str(src))
        .bench(|| LineIndex::new(black_box(src)));
}

// ---- a generated graph (1,000 pages) ----------------------------------------------------------

#[divan::bench_group(sample_count = 20)]
mod graph {
    use super::*;

    /// Walk and read every page (disk::load: the walker, parallel reads, UTF-8 checks).
    #[divan::bench]
    fn load(bencher: Bencher) {
        let dir = graph_dir();
        let bytes = files().bytes;
        bencher
            .counter(BytesCount::new(bytes))
            .bench(|| disk::load(dir));
    }

    /// What the language server's index does (`model::graph::build`, the indexer's own call):
    /// every page's facts in parallel, then the graph.
    #[divan::bench]
    fn index(bencher: Bencher) {
        let f = files();
        bencher.counter(BytesCount::new(f.bytes)).bench(|| {
            logseq_core::model::graph::build(
                f.loaded.config.clone(),
                f.loaded.files.clone(),
                f.loaded.assets.clone(),
            )
        });
    }

    /// Replacing one page of an indexed graph with new facts: what the server does for an edit.
    #[divan::bench]
    fn upsert_one_page(bencher: Bencher) {
        let f = files();
        let mut g = Graph::new(f.loaded.config.clone());
        for (p, t) in &f.loaded.files {
            g.upsert(
                p.clone(),
                t.clone(),
                PageFacts::from_outline(t, &outline::parse(t)),
            );
        }
        let (p, t) = &f.loaded.files[f.loaded.files.len() / 2];
        let facts = PageFacts::from_outline(t, &outline::parse(t));
        bencher.bench_local(|| g.upsert(p.clone(), t.clone(), facts.clone()));
    }

    /// What `check` does after reading (`cli::session::from_loaded`, then each page's
    /// diagnostics as `check` asks for them, in parallel). Output formatting is not included.
    #[divan::bench]
    fn check(bencher: Bencher) {
        let f = files();
        let whole = [f.loaded.root.clone()];
        bencher.counter(BytesCount::new(f.bytes)).bench(|| {
            let s = session::from_loaded(f.loaded.clone(), &whole, session::Keep::Diagnostics);
            let n: usize = s
                .pages
                .par_iter()
                .map(|(p, _, a)| s.diagnostics(p, a).len())
                .sum();
            n
        });
    }
}
