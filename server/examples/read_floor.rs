//! The floor for `logseq-lsp check`: list a graph's pages with the same walker and skip rules
//! (`disk::list_pages`), read every file with the same parallel reads (rayon, `std::fs::read`),
//! and count its lines. Nothing is parsed or kept. bench/run.sh times this process beside
//! `check` on the same graph and reports the ratio.
//!
//!     cargo run --release --example read_floor -- GRAPH_DIR

use std::path::PathBuf;
use std::time::Instant;

use logseq_lsp::disk;
use rayon::prelude::*;

fn main() {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: read_floor GRAPH_DIR");
        std::process::exit(2);
    };
    let t = Instant::now();
    let root = disk::find_root(&root);
    let (config, settings, _) = disk::read_config(&root);
    let paths = disk::list_pages(&root, &config, &settings);
    let listed = t.elapsed();
    let (bytes, lines) = paths
        .par_iter()
        .map(|(_, abs)| match std::fs::read(abs) {
            Ok(b) => (b.len(), b.iter().filter(|&&c| c == b'\n').count()),
            Err(_) => (0, 0),
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let total = t.elapsed();
    println!(
        "{} files, {} bytes, {} lines; walk {:.1} ms, walk+read {:.1} ms",
        paths.len(),
        bytes,
        lines,
        listed.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
}
