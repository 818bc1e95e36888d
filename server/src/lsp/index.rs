//! The graph index and how it is kept current: a background (re)index of the whole graph, open
//! documents' edits, closed documents re-read from disk, and file changes on disk (the client's
//! `workspace/didChangeWatchedFiles`, or polling mtimes every 2 s when the client cannot watch).
//!
//! Open documents win over the disk: their latest text and facts are kept next to the graph, so
//! a re-index or a watched-file event never replaces what the user is typing.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use tower_lsp_server::ls_types::{FileChangeType, FileEvent, MessageType, NumberOrString};
use tower_lsp_server::{Bounded, NotCancellable, OngoingProgress};

use crate::disk;
use logseq_core::model::graph::{Graph, GraphConfig, PageFacts};
use logseq_core::model::org;
use logseq_core::model::settings::{Settings, SETTINGS_FILE};
use logseq_core::syntax::outline;

use super::config;
use super::documents::DocPath;
use super::log::{ask, log, spawn_logged, warn_user};
use super::memory;
use super::state::{is_config_file, rel_of, State};

pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct Index {
    pub graph: Graph,
    /// Open documents that are graph pages: path → the editor's text, and whether it has no
    /// facts (an empty page, or one over the size cap that is not analysed). Their facts are in
    /// the graph; re-derived from the text when the graph is rebuilt, because keeping a copy
    /// of a big page's facts here cost a copy per keystroke (the keystroke benchmark).
    open: HashMap<String, (Arc<str>, bool)>,
}

impl Index {
    /// Records an open document's current text (on open and after every change).
    pub fn set_open(&mut self, path: &str, text: Arc<str>, facts: &PageFacts) {
        self.graph
            .upsert(path.to_string(), text.clone(), facts.clone());
        let no_facts = *facts == PageFacts::default();
        self.open.insert(path.to_string(), (text, no_facts));
    }

    /// The document is closed (or no longer a page): the disk's version takes over again.
    pub fn close(&mut self, path: &str) {
        self.open.remove(path);
    }

    /// A page changed on disk (`None`: deleted). Ignored while the page is open in the editor.
    pub fn disk_changed(&mut self, path: &str, text: Option<Arc<str>>) {
        if self.open.contains_key(path) {
            return;
        }
        match text {
            Some(t) => {
                let f = page_facts(path, &t);
                self.graph.upsert(path.to_string(), t, f);
            }
            None => {
                self.graph.remove(path);
            }
        }
    }

    fn replace_graph(&mut self, g: Graph) {
        self.graph = g;
        for (p, (t, no_facts)) in &self.open {
            self.graph
                .upsert(p.clone(), t.clone(), open_facts(p, t, *no_facts));
        }
    }
}

fn open_facts(path: &str, text: &str, no_facts: bool) -> PageFacts {
    if no_facts {
        PageFacts::default()
    } else {
        page_facts(path, text)
    }
}

/// The facts the index keeps for a page read from disk.
pub fn page_facts(path: &str, text: &str) -> PageFacts {
    if path.ends_with(".org") {
        org::facts(text)
    } else {
        PageFacts::from_outline(text, &outline::parse(text))
    }
}

fn build_graph(config: GraphConfig, files: Vec<(String, Arc<str>)>, assets: Vec<String>) -> Graph {
    let facts: Vec<PageFacts> = files.par_iter().map(|(p, t)| page_facts(p, t)).collect();
    let mut g = Graph::new(config);
    g.set_assets(assets);
    for ((p, t), f) in files.into_iter().zip(facts) {
        g.upsert(p, t, f);
    }
    g
}

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
    let graph = match tokio::task::spawn_blocking(move || build_graph(cfg, files, assets)).await {
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
pub fn start_polling(state: &Arc<State>) {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::AcqRel) {
        return;
    }
    let st = state.clone();
    spawn_logged(
        state.client.clone(),
        "polling the graph folder",
        async move {
            let mut before: Option<Stamps> = None;
            loop {
                if st.shutdown_requested.load(Ordering::Acquire) {
                    return;
                }
                let Some(root) = st.root() else { return };
                let config = st.index().graph.config.clone();
                let settings = st.settings();
                let r = root.clone();
                let now = match tokio::task::spawn_blocking(move || stamps(&r, &config, &settings))
                    .await
                {
                    Ok(s) => s,
                    Err(_) => return,
                };
                if let Some(prev) = &before {
                    let mut c = Changes::default();
                    for (rel, s) in &now {
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
                    apply_changes(&st, c);
                }
                before = Some(now);
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

    #[test]
    fn open_documents_win_over_disk_events_and_reindex() {
        let mut ix = Index::default();
        let disk_text: Arc<str> = Arc::from(format!("- a\n  id:: {ID}\n"));
        ix.disk_changed("pages/a.md", Some(disk_text.clone()));
        assert_eq!(ix.graph.id_count(ID), 1);
        // Opened and edited: the id is gone from the editor's text.
        let edited: Arc<str> = Arc::from("- a\n");
        ix.set_open(
            "pages/a.md",
            edited.clone(),
            &page_facts("pages/a.md", &edited),
        );
        assert_eq!(ix.graph.id_count(ID), 0);
        // A disk event or a re-index must not bring the disk's version back while it is open.
        ix.disk_changed("pages/a.md", Some(disk_text.clone()));
        assert_eq!(ix.graph.id_count(ID), 0);
        let mut g = Graph::default();
        g.upsert_text("pages/a.md".into(), disk_text.clone());
        ix.replace_graph(g);
        assert_eq!(ix.graph.id_count(ID), 0);
        // Closed: the disk wins again.
        ix.close("pages/a.md");
        ix.disk_changed("pages/a.md", Some(disk_text));
        assert_eq!(ix.graph.id_count(ID), 1);
        ix.disk_changed("pages/a.md", None);
        assert_eq!(ix.graph.len(), 0);
    }
}
