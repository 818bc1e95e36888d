//! The graph index and how it is kept current: a background (re)index of the whole graph, open
//! documents' edits, closed documents re-read from disk, and file changes on disk (the client's
//! `workspace/didChangeWatchedFiles`, or polling mtimes every 2 s when the client cannot watch).
//!
//! Open documents win over the disk (the graph with them laid over it is
//! `logseq_core::model::overlay`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tower_lsp_server::ls_types::{FileChangeType, FileEvent, MessageType, NumberOrString};
use tower_lsp_server::{Bounded, NotCancellable, OngoingProgress};

use crate::disk;
use logseq_core::model::graph::{self, GraphConfig};
use logseq_core::model::settings::{Settings, SETTINGS_FILE};

use super::config;
use super::documents::DocPath;
use super::log::{ask, log, spawn_logged, warn_user};
use super::memory;
use super::state::{is_config_file, rel_of, State};

pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Starts a full (re)index in the background; a newer call supersedes an older one.
pub fn reindex(state: &Arc<State>) {
    let generation = state.index_generation.fetch_add(1, Ordering::AcqRel) + 1;
    let st = state.clone();
    spawn_logged(state.client.clone(), "indexing", async move {
        run(st, generation).await
    });
}

/// The indexing progress bar, begun in the background: indexing never waits for the client to
/// answer `window/workDoneProgress/create` (a client that never does still gets its graph
/// indexed). Reports before the bar exists are skipped.
#[derive(Clone, Default)]
struct Progress(Arc<tokio::sync::Mutex<ProgressState>>);

#[derive(Default)]
struct ProgressState {
    bar: Option<OngoingProgress<Bounded, NotCancellable>>,
    /// Indexing ended (with this message) before the client answered: the bar is begun and
    /// ended at once when it does, so the client still sees the result.
    done: Option<String>,
}

impl Progress {
    fn begin(state: &Arc<State>, generation: u64) -> Progress {
        let p = Progress::default();
        if !state.negotiated().work_done_progress {
            return p;
        }
        let (st, slot) = (state.clone(), p.clone());
        spawn_logged(state.client.clone(), "indexing progress", async move {
            let token = NumberOrString::String(format!("logseq-lsp/index/{generation}"));
            let asked = st.client.create_work_done_progress(token.clone());
            if ask(&st.client, "window/workDoneProgress/create", asked)
                .await
                .is_none()
            {
                return;
            }
            let mut s = slot.0.lock().await;
            let bar = st
                .client
                .progress(token, "Indexing Logseq graph")
                .with_percentage(0)
                .with_message("reading pages")
                .begin()
                .await;
            match s.done.take() {
                Some(msg) => bar.finish_with_message(msg).await,
                None => s.bar = Some(bar),
            }
        });
        p
    }

    async fn report(&self, msg: String, pct: u32) {
        if let Some(b) = &self.0.lock().await.bar {
            b.report_with_message(msg, pct).await;
        }
    }

    async fn finish(&self, msg: String) {
        let mut s = self.0.lock().await;
        match s.bar.take() {
            Some(b) => b.finish_with_message(msg).await,
            None => s.done = Some(msg),
        }
    }
}

async fn run(state: Arc<State>, generation: u64) {
    let stale = |s: &State| s.index_generation.load(Ordering::Acquire) != generation;
    let Some(root) = state.root() else {
        // No graph: page rules only, nothing to index.
        state.index_ready.store(true, Ordering::Release);
        state.publisher.all();
        return;
    };
    let t0 = Instant::now();
    let progress = Progress::begin(&state, generation);
    let r = root.clone();
    // Listed and read under the client's settings too (its size cap and ignores), as a single
    // file's read is.
    let (init, changed) = state.config().client_layers();
    let layer = move |file: &Settings| config::layered(file, &init, &changed);
    let loaded = match tokio::task::spawn_blocking(move || disk::load_layered(&r, &layer)).await {
        Ok(l) => l,
        Err(e) => {
            log(
                &state.client,
                MessageType::ERROR,
                format!("indexing {} failed: {e}", root.display()),
            );
            progress.finish("failed".to_string()).await;
            return;
        }
    };
    progress
        .report(format!("indexing {} pages", loaded.files.len()), 50)
        .await;
    let files = loaded.files;
    let assets = loaded.assets;
    let pages = files.len();
    let cfg = loaded.config.clone();
    let graph = match tokio::task::spawn_blocking(move || graph::build(cfg, files, assets)).await {
        Ok(g) => g,
        Err(e) => {
            log(
                &state.client,
                MessageType::ERROR,
                format!("indexing failed: {e}"),
            );
            progress.finish("failed".to_string()).await;
            return;
        }
    };
    if stale(&state) {
        progress.finish("superseded".to_string()).await;
        return;
    }
    state.index_mut().replace_graph(graph);
    let applied = state.config_mut().set_file_settings(loaded.settings);
    for w in &loaded.config_warnings {
        warn_user(&state.client, w.clone());
    }
    for p in &loaded.problems {
        log(
            &state.client,
            MessageType::WARNING,
            format!("{}: {}", p.path, p.message),
        );
    }
    state.index_ready.store(true, Ordering::Release);
    // The config's :hidden and the toml's settings may have changed what each open page is.
    refresh_open_documents(&state, applied.changed);
    state.publisher.all();
    let msg = format!(
        "indexed {pages} pages of {} in {} ms",
        root.display(),
        t0.elapsed().as_millis()
    );
    log(&state.client, MessageType::INFO, msg.clone());
    progress.finish(msg).await;
    // The files read and the old graph are freed: their pages go back.
    memory::release_soon(&state);
    if !state.negotiated().watch_dynamic {
        start_polling(&state);
    }
}

/// Re-derives every open document's place in the graph (settings or config may have moved it)
/// and, when `reanalyze`, its analysis (card tags may have changed). Keeps the index in step.
pub fn refresh_open_documents(state: &State, reanalyze: bool) {
    let settings = state.settings();
    let uris: Vec<_> = state.docs.iter().map(|d| d.key().clone()).collect();
    for uri in uris {
        let new_path = state.classify(&uri);
        let Some(mut d) = state.docs.get_mut(&uri) else {
            continue;
        };
        let old_path = std::mem::replace(&mut d.path, new_path);
        let moved = old_path != d.path;
        if moved || reanalyze {
            d.reanalyze(&settings);
        }
        let mut ix = state.index_mut();
        if moved {
            if let DocPath::Page(old) = &old_path {
                ix.close(old);
                ix.graph.remove(old);
            }
        }
        if let DocPath::Page(p) = &d.path {
            ix.set_open(p, d.text.clone(), &d.analysis.facts);
        }
    }
}

/// What to do about a batch of file changes.
#[derive(Default)]
struct Changes {
    reindex: bool,
    /// Graph-relative path → absolute path (re-read) for changed or created pages.
    read: Vec<(String, PathBuf)>,
    removed: Vec<String>,
    /// Files under `assets/` created (`true`) or deleted: the asset rules' list, nothing to read.
    assets: Vec<(String, bool)>,
}

fn classify_events(state: &State, root: &Path, events: &[FileEvent]) -> Changes {
    let settings = state.settings();
    let config = state.index().graph.config.clone();
    let mut c = Changes::default();
    for e in events {
        let Some(rel) = rel_of(root, &e.uri) else {
            continue;
        };
        if rel.starts_with("assets/") && !rel.split('/').any(|p| p.starts_with('.')) {
            c.assets
                .push((rel.clone(), e.typ != FileChangeType::DELETED));
        }
        if is_config_file(&rel) {
            c.reindex = true;
        } else if e.typ == FileChangeType::DELETED {
            c.removed.push(rel);
        } else if disk::is_page_path(&rel, &config, &settings) {
            c.read.push((rel.clone(), root.join(&rel)));
        }
    }
    c
}

/// `workspace/didChangeWatchedFiles`.
pub fn files_changed(state: &Arc<State>, events: Vec<FileEvent>) {
    let Some(root) = state.root() else {
        return;
    };
    let changes = classify_events(state, &root, &events);
    apply_changes(state, changes);
}

fn apply_changes(state: &Arc<State>, c: Changes) {
    if c.reindex {
        reindex(state);
        return;
    }
    if !c.assets.is_empty() {
        let mut ix = state.index_mut();
        for (rel, exists) in &c.assets {
            ix.graph.asset_changed(rel, *exists);
        }
    }
    if c.read.is_empty() && c.removed.is_empty() {
        if !c.assets.is_empty() {
            state.publisher.all();
        }
        return;
    }
    let st = state.clone();
    let max = state.settings().max_file_bytes;
    spawn_logged(state.client.clone(), "reading changed files", async move {
        let read = c.read;
        let texts = tokio::task::spawn_blocking(move || {
            read.into_iter()
                .map(|(rel, abs)| {
                    let t = disk::read_page(&rel, &abs, max).ok().map(|(_, t)| t);
                    (rel, t)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        {
            let mut ix = st.index_mut();
            for (rel, t) in texts {
                ix.disk_changed(&rel, t);
            }
            for rel in &c.removed {
                ix.disk_changed(rel, None);
            }
        }
        st.publisher.all();
    });
}

/// A closed document's page goes back to what is on disk.
pub fn reread_closed(state: &Arc<State>, rel: String) {
    let Some(root) = state.root() else {
        return;
    };
    let st = state.clone();
    let max = state.settings().max_file_bytes;
    spawn_logged(
        state.client.clone(),
        "re-reading a closed page",
        async move {
            let abs = root.join(&rel);
            let r = rel.clone();
            let text = tokio::task::spawn_blocking(move || disk::read_page(&r, &abs, max).ok())
                .await
                .ok()
                .flatten()
                .map(|(_, t)| t);
            st.index_mut().disk_changed(&rel, text);
            st.publisher.all();
        },
    );
}

/// Modification stamp of every page and config file, for polling.
type Stamps = BTreeMap<String, (Option<SystemTime>, u64)>;

fn stamps(root: &Path, config: &GraphConfig, settings: &Settings) -> Stamps {
    let mut out = Stamps::new();
    let stamp = |p: &Path| {
        std::fs::metadata(p)
            .ok()
            .map(|m| (m.modified().ok(), m.len()))
    };
    let (pages, assets, _) = disk::walk(root, config, settings);
    for (rel, abs) in pages {
        if let Some(s) = stamp(&abs) {
            out.insert(rel, s);
        }
    }
    for rel in assets {
        if let Some(s) = stamp(&root.join(&rel)) {
            out.insert(rel, s);
        }
    }
    for rel in ["logseq/config.edn", SETTINGS_FILE] {
        if let Some(s) = stamp(&root.join(rel)) {
            out.insert(rel.to_string(), s);
        }
    }
    out
}

/// Polls the graph folder for clients that cannot watch files for us. Started once.
///
/// On a thread of its own rather than the blocking pool: each walk makes a map of every page
/// (about 1 MB on 5,000 pages), and made each time on another pool thread, its freed copies
/// stayed in those threads' allocator heaps (issue 16's soak). One thread reuses its own pages.
pub fn start_polling(state: &Arc<State>) {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::AcqRel) {
        return;
    }
    let st = state.clone();
    let rt = tokio::runtime::Handle::current();
    let spawned = std::thread::Builder::new()
        .name("logseq-lsp-poll".to_string())
        .spawn(move || {
            let _rt = rt.enter(); // apply_changes starts tasks
            let mut before: Option<Stamps> = None;
            loop {
                if st.shutdown_requested.load(Ordering::Acquire) {
                    return;
                }
                let Some(root) = st.root() else { return };
                let config = st.index().graph.config.clone();
                let now = stamps(&root, &config, &st.settings());
                if let Some(prev) = &before {
                    apply_changes(&st, changes_between(&root, prev, &now));
                }
                before = Some(now);
                std::thread::sleep(POLL_INTERVAL);
            }
        });
    if let Err(e) = spawned {
        let msg = format!("cannot poll the graph folder: {e}");
        log(&state.client, MessageType::ERROR, msg);
    }
}

/// What changed between two polls.
fn changes_between(root: &Path, prev: &Stamps, now: &Stamps) -> Changes {
    let mut c = Changes::default();
    for (rel, s) in now {
        if rel.starts_with("assets/") {
            if !prev.contains_key(rel) {
                c.assets.push((rel.clone(), true));
            }
            continue;
        }
        if prev.get(rel) != Some(s) {
            if is_config_file(rel) {
                c.reindex = true;
            } else {
                c.read.push((rel.clone(), root.join(rel)));
            }
        }
    }
    for rel in prev.keys().filter(|k| !now.contains_key(*k)) {
        if rel.starts_with("assets/") {
            c.assets.push((rel.clone(), false));
            continue;
        }
        if is_config_file(rel) {
            c.reindex = true;
        } else {
            c.removed.push(rel.clone());
        }
    }
    c
}
