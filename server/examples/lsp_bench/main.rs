//! Latency and memory of the language server, measured from outside over stdio like an editor:
//! issue 5's keystroke, hover, first-diagnostics and RSS benchmarks (BENCHMARKS.md).
//!
//!     cargo build --release --bin logseq-lsp --example lsp_bench
//!     target/release/examples/lsp_bench --server target/release/logseq-lsp \
//!         --graph target/bench-graphs/p20000-s1 --page examples/readwise-export/pages/'Kubernetes in Action.md'
//!
//! What it does, in order, on one server process:
//! 1. `initialize` (debounce off: `{"logseqLsp":{"debounceMs":0}}`, work-done progress on), then
//!    `initialized` and at once `didOpen` of the small page: the time from `initialize` to that
//!    page's first `publishDiagnostics`, and whether indexing was still running then.
//! 2. Waits for the end of the indexing progress; the server's RSS (VmRSS) over the graph's bytes.
//! 3. Keystrokes: N one-character incremental `didChange`s in the small page, one at a time, each
//!    timed from the send to the `publishDiagnostics` carrying its version.
//! 4. Opens the big page (the small page repeated to `--big-kb`, each copy's ids made unique so the
//!    page is not one big duplicate-id error) and does the same; RSS with it open.
//! 5. N `textDocument/hover` requests on a `#flashcard`/`#card` tag in the middle of the big page.
//!
//! The pages are opened under the graph's `pages/` folder but never written to disk. A reader
//! thread timestamps every message as it arrives, so the client's own parsing is not counted.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod client;
mod pages;

use client::Server;
use pages::*;

const TIMEOUT: Duration = Duration::from_secs(120);

struct Args {
    server: PathBuf,
    graph: PathBuf,
    page: PathBuf,
    edits: usize,
    hovers: usize,
    big_kb: usize,
    json_out: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: lsp_bench --server BIN --graph DIR --page FILE.md \
         [--edits N (500)] [--hovers N (500)] [--big-kb KB (1000)] [--json OUT]"
    );
    std::process::exit(2)
}

fn args() -> Args {
    let mut a = std::env::args().skip(1);
    let (mut server, mut graph, mut page, mut json_out) = (None, None, None, None);
    let (mut edits, mut hovers, mut big_kb) = (500, 500, 1000);
    while let Some(k) = a.next() {
        let mut v = || a.next().unwrap_or_else(|| usage());
        match k.as_str() {
            "--server" => server = Some(PathBuf::from(v())),
            "--graph" => graph = Some(PathBuf::from(v())),
            "--page" => page = Some(PathBuf::from(v())),
            "--edits" => edits = v().parse().unwrap_or_else(|_| usage()),
            "--hovers" => hovers = v().parse().unwrap_or_else(|_| usage()),
            "--big-kb" => big_kb = v().parse().unwrap_or_else(|_| usage()),
            "--json" => json_out = Some(PathBuf::from(v())),
            _ => usage(),
        }
    }
    Args {
        server: server.unwrap_or_else(|| usage()),
        graph: graph.unwrap_or_else(|| usage()),
        page: page.unwrap_or_else(|| usage()),
        edits,
        hovers,
        big_kb,
        json_out,
    }
}

#[derive(Default)]
struct Stats(Vec<Duration>);

impl Stats {
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort();
        let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_secs_f64() * 1e3
    }
    fn json(&self) -> Value {
        json!({"n": self.0.len(), "p50_ms": self.pct(0.5), "p99_ms": self.pct(0.99), "max_ms": self.pct(1.0)})
    }
    fn line(&self, what: &str) -> String {
        format!(
            "{what:<34} n={:<4} p50 {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms",
            self.0.len(),
            self.pct(0.5),
            self.pct(0.99),
            self.pct(1.0)
        )
    }
}

/// Types `n` characters at `at`, one didChange at a time, each timed to its diagnostics.
fn keystrokes(
    s: &mut Server,
    uri: &str,
    text: &mut String,
    at: usize,
    n: usize,
    version: &mut i64,
) -> Stats {
    let word = "lorem ipsum dolor sit amet ";
    let mut stats = Stats::default();
    for (k, pos) in (at..at + n).enumerate() {
        let c = &word[k % word.len()..][..1];
        let p = position(text, pos);
        *version += 1;
        let sent = s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": *version},
                   "contentChanges": [{"range": {"start": p, "end": p}, "text": c}]}),
        );
        text.insert_str(pos, c);
        let (got, _) = s.diagnostics_for(uri, Some(*version));
        stats.0.push(got - sent);
    }
    stats
}

fn main() {
    let a = args();
    let graph = std::fs::canonicalize(&a.graph).expect("graph folder");
    let small = std::fs::read_to_string(&a.page).expect("page");
    let big = big_page(&small, a.big_kb);
    let md_bytes: u64 = walkdir::WalkDir::new(&graph)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "md" || x == "markdown")
        })
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    let small_uri = file_uri(&graph.join("pages/zz-bench-small.md"));
    let big_uri = file_uri(&graph.join("pages/zz-bench-big.md"));

    let mut s = Server::spawn(&a.server);
    let t_init = Instant::now();
    let (id, _) = s.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": file_uri(&graph),
            "capabilities": {
                "window": {"workDoneProgress": true},
                "general": {"positionEncodings": ["utf-16"]},
                "textDocument": {"publishDiagnostics": {"versionSupport": true, "relatedInformation": true}},
            },
            "initializationOptions": {"logseqLsp": {"debounceMs": 0}},
        }),
    );
    s.response(id);
    s.notify("initialized", json!({}));
    let mut small_text = small.clone();
    let opened = s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": small_uri, "languageId": "markdown", "version": 1, "text": small_text}}),
    );
    let (first, _) = s.diagnostics_for(&small_uri, None);
    let first_diag_ms = (first - t_init).as_secs_f64() * 1e3;
    let first_after_open_ms = (first - opened).as_secs_f64() * 1e3;
    let during_indexing = s.indexing_done.is_none();
    while s.indexing_done.is_none() {
        s.wait(|v| v["method"] == "$/progress" && v["params"]["value"]["kind"] == "end");
    }
    // Let the post-index publishes settle before sampling RSS and timing.
    std::thread::sleep(Duration::from_millis(300));
    let index_ms = (s.indexing_done.unwrap() - t_init).as_secs_f64() * 1e3;
    let rss_indexed = s.rss();

    let mut version = 1;
    let spot = typing_spot(&small_text);
    let small_keys = keystrokes(
        &mut s,
        &small_uri,
        &mut small_text,
        spot,
        a.edits,
        &mut version,
    );

    let mut big_text = big.clone();
    let opened = s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": big_uri, "languageId": "markdown", "version": 1, "text": big_text}}),
    );
    let (got, _) = s.diagnostics_for(&big_uri, Some(1));
    let big_open_ms = (got - opened).as_secs_f64() * 1e3;
    let mut big_version = 1;
    let spot = typing_spot(&big_text);
    let big_keys = keystrokes(
        &mut s,
        &big_uri,
        &mut big_text,
        spot,
        a.edits,
        &mut big_version,
    );
    let rss_big = s.rss();

    let mid = big_text.len() / 2;
    let tag = tag_spot(&big_text, mid).expect("a card tag in the big page");
    let mut hovers = Stats::default();
    let mut hover_ok = 0;
    for _ in 0..a.hovers {
        let (id, sent) = s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": big_uri}, "position": position(&big_text, tag + 2)}),
        );
        let (got, v) = s.response(id);
        hover_ok += usize::from(v["result"].is_object());
        hovers.0.push(got - sent);
    }

    let (id, _) = s.request("shutdown", Value::Null);
    s.response(id);
    s.notify("exit", Value::Null);
    let _ = s.child.wait();

    let mb = md_bytes as f64 / 1e6;
    println!("graph {} ({mb:.1} MB of Markdown)", graph.display());
    println!(
        "first diagnostics: {first_diag_ms:.1} ms after initialize ({first_after_open_ms:.1} ms after didOpen), {} indexing ended",
        if during_indexing { "before" } else { "after" }
    );
    println!("indexing ended {index_ms:.0} ms after initialize");
    println!(
        "RSS after indexing: {:.1} MiB = {:.2} bytes per byte of Markdown",
        rss_indexed as f64 / 1048576.0,
        rss_indexed as f64 / md_bytes as f64
    );
    println!(
        "{}",
        small_keys.line(&format!("keystroke, {} KB page", small.len() / 1000))
    );
    println!(
        "{}",
        big_keys.line(&format!("keystroke, {} KB page", big.len() / 1000))
    );
    println!(
        "opening the {} KB page: {big_open_ms:.1} ms to diagnostics",
        big.len() / 1000
    );
    println!(
        "RSS with the {} KB page open: {:.1} MiB (+{:.1} MiB)",
        big.len() / 1000,
        rss_big as f64 / 1048576.0,
        (rss_big as f64 - rss_indexed as f64) / 1048576.0
    );
    println!("{}", hovers.line("hover on a card, big page"));
    assert_eq!(hover_ok, a.hovers, "every hover answered with a card");
    if let Some(out) = a.json_out {
        let v = json!({
            "graph": graph, "markdown_bytes": md_bytes,
            "first_diagnostics_ms": first_diag_ms, "first_diagnostics_after_open_ms": first_after_open_ms,
            "first_diagnostics_during_indexing": during_indexing, "indexing_ms": index_ms,
            "rss_indexed_bytes": rss_indexed, "rss_per_markdown_byte": rss_indexed as f64 / md_bytes as f64,
            "small_page_bytes": small.len(), "big_page_bytes": big.len(),
            "keystroke_small": small_keys.json(), "keystroke_big": big_keys.json(),
            "big_open_ms": big_open_ms, "rss_big_open_bytes": rss_big, "hover_big": hovers.json(),
        });
        std::fs::write(out, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    }
}
