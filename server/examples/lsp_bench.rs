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

/// One server process and a reader thread that timestamps what it says.
struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<(Instant, Value)>,
    next_id: i64,
    /// Messages read while waiting for something else, in order.
    backlog: Vec<(Instant, Value)>,
    indexing_done: Option<Instant>,
    progress_tokens: HashMap<String, bool>,
}

impl Server {
    fn spawn(bin: &Path) -> Server {
        let mut child = Command::new(bin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(
                std::env::var_os("LSP_BENCH_STDERR").map_or(Stdio::null(), |_| Stdio::inherit()),
            )
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        len = v.trim().parse::<usize>().ok();
                    }
                }
                let Some(len) = len else { return };
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let at = Instant::now();
                let Ok(v) = serde_json::from_slice(&body) else {
                    return;
                };
                if tx.send((at, v)).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            rx,
            next_id: 1,
            backlog: Vec::new(),
            indexing_done: None,
            progress_tokens: HashMap::new(),
        }
    }

    fn send(&mut self, v: &Value) -> Instant {
        let body = serde_json::to_vec(v).unwrap();
        let mut msg = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        msg.extend_from_slice(&body);
        let at = Instant::now();
        self.stdin.write_all(&msg).expect("server stdin closed");
        self.stdin.flush().unwrap();
        at
    }
    fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }
    fn request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let at =
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        (id, at)
    }

    /// Reads messages until `want` accepts one; answers the server's own requests on the way and
    /// tracks the indexing progress.
    fn wait(&mut self, mut want: impl FnMut(&Value) -> bool) -> (Instant, Value) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let (at, v) = match self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no answer from the server in {TIMEOUT:?}")
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server exited"),
            };
            self.observe(at, &v);
            if want(&v) {
                return (at, v);
            }
            self.backlog.push((at, v));
            if self.backlog.len() > 10_000 {
                self.backlog.drain(..5_000);
            }
        }
    }

    fn observe(&mut self, at: Instant, v: &Value) {
        let method = v.get("method").and_then(Value::as_str);
        if let (Some(id), Some(m)) = (v.get("id"), method) {
            // A request from the server: progress tokens, registrations, configuration.
            let result = if m == "workspace/configuration" {
                let n = v["params"]["items"].as_array().map_or(0, Vec::len);
                Value::Array(vec![Value::Null; n])
            } else {
                Value::Null
            };
            let id = id.clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
        }
        if method == Some("$/progress") {
            let token = v["params"]["token"].to_string();
            match v["params"]["value"]["kind"].as_str() {
                Some("begin") => {
                    let title = v["params"]["value"]["title"].as_str().unwrap_or("");
                    self.progress_tokens.insert(token, title.contains("Index"));
                }
                Some("end") if self.progress_tokens.get(&token) == Some(&true) => {
                    self.indexing_done.get_or_insert(at);
                }
                _ => {}
            }
        }
    }

    fn diagnostics_for(&mut self, uri: &str, version: Option<i64>) -> (Instant, Value) {
        self.wait(|v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && version.is_none_or(|ver| v["params"]["version"] == ver)
        })
    }
    fn response(&mut self, id: i64) -> (Instant, Value) {
        self.wait(|v| v["id"] == id && v.get("method").is_none())
    }

    fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }
}

fn file_uri(p: &Path) -> String {
    let s = p.to_string_lossy();
    let mut out = String::from("file://");
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The page repeated until it is `kb` kilobytes, each copy's `id::` uuids changed in their last
/// digits, so references inside a copy still resolve and no id is duplicated.
fn big_page(small: &str, kb: usize) -> String {
    let mut out = String::with_capacity(kb * 1000 + small.len());
    let mut copy = 0u32;
    while out.len() < kb * 1000 {
        let suffix = format!("{copy:04x}");
        let mut rest = small;
        while let Some(i) = find_uuid(rest) {
            out.push_str(&rest[..i + 32]);
            out.push_str(&suffix);
            rest = &rest[i + 36..];
        }
        out.push_str(rest);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        copy += 1;
    }
    out
}

/// Byte offset of the next 8-4-4-4-12 hex uuid.
fn find_uuid(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let shape = |i: usize| {
        b.len() >= i + 36
            && (0..36).all(|k| match k {
                8 | 13 | 18 | 23 => b[i + k] == b'-',
                _ => b[i + k].is_ascii_hexdigit(),
            })
    };
    (0..b.len()).find(|&i| shape(i))
}

/// UTF-16 position of byte `at` in `text`.
fn position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let col: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col})
}

/// Where to type: the end of the first card's question line at or after the middle of the page.
fn typing_spot(text: &str) -> usize {
    let mid = text.len() / 2;
    let from = mid + text[mid..].find('\n').map_or(0, |i| i + 1);
    tag_spot(text, from)
        .map(|t| t + text[t..].find('\n').unwrap_or(text.len() - t))
        .unwrap_or(text.len())
}

/// A `#flashcard` or `#card` tag at or after `from`.
fn tag_spot(text: &str, from: usize) -> Option<usize> {
    ["#flashcard", "#card"]
        .iter()
        .filter_map(|t| text[from..].find(t).map(|i| from + i + 1))
        .min()
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
