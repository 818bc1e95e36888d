//! The server's shared state: open documents, the graph index, settings and what was negotiated
//! with the client. Locks are std locks held only around synchronous work, never across an
//! `.await`. Lock order: a document (DashMap entry) before the index, never the reverse.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

use dashmap::{DashMap, DashSet};
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::Client;

use crate::disk;
use logseq_core::ide::completion::BlockIndex;
use logseq_core::ide::pages::NamesIndex;
use logseq_core::model::overlay::Overlay;
use logseq_core::model::settings::Settings;
use logseq_core::syntax::text::Encoding;

use super::config::Config;
use super::documents::{DocPath, Document};
use super::output::Output;
use super::promises::Promises;
use super::publisher::{Host, Publisher};

/// What the client said it supports, fixed at `initialize`.
#[derive(Debug, Clone, Default)]
pub struct Negotiated {
    pub encoding: Encoding,
    /// The client pulls (`textDocument/diagnostic`): we answer pulls and do not push, so
    /// clients that keep pulled and pushed diagnostics apart do not show them twice.
    pub pull: bool,
    /// `workspace/diagnostic/refresh`: how pull clients learn that another page changed theirs.
    pub refresh: bool,
    pub related_information: bool,
    pub code_description: bool,
    pub work_done_progress: bool,
    pub watch_dynamic: bool,
    pub configuration_request: bool,
    /// Completion items may be snippets (`${1:…}` tab stops).
    pub snippets: bool,
    /// Completion item documentation may be Markdown (else plain text).
    pub completion_markdown: bool,
    /// WorkspaceEdits may use `documentChanges` (versioned edits, file operations).
    pub document_changes: bool,
    /// …and create or rename files (`workspace.workspaceEdit.resourceOperations`).
    pub resource_create: bool,
    pub resource_rename: bool,
    /// The client applies edits the server asks for (`workspace/applyEdit`).
    pub apply_edit: bool,
    /// Document symbols as a tree (`DocumentSymbol[]`), else a flat list.
    pub hierarchical_symbols: bool,
    pub prepare_rename: bool,
    /// `codeAction/resolve` may fill in an action's edit (`resolveSupport.properties`).
    pub code_action_resolve: bool,
    /// `workspace/inlayHint/refresh` and `workspace/codeLens/refresh` after settings change.
    pub inlay_hint_refresh: bool,
    pub code_lens_refresh: bool,
}

pub struct State {
    pub client: Client,
    pub docs: DashMap<Uri, Document>,
    index: RwLock<Overlay>,
    config: RwLock<Config>,
    root: RwLock<Option<PathBuf>>,
    negotiated: OnceLock<Negotiated>,
    /// Graph rules run only once the graph is read: before that every `((ref))` would look
    /// unresolved.
    pub index_ready: AtomicBool,
    /// Bumped by each (re)index; an index build that finishes after a newer one started is dropped.
    pub index_generation: AtomicU64,
    pub shutdown_requested: AtomicBool,
    /// Bumped by each request to give memory back (`release_memory_soon`): the last one wins.
    pub release_generation: AtomicU64,
    pub publisher: Publisher,
    /// Our own path to stdout, for the big notifications (output.rs).
    pub output: Output,
    /// Documents whose text was lost (a didChange that could not be read, framing.rs): unknown
    /// until the editor sends their whole text.
    pub lost: DashSet<Uri>,
    /// The latest completion request (a count), so older ones can give up. One for all
    /// documents: an editor shows one completion list, at its cursor, so a completion asked
    /// for anywhere supersedes every older one (per document, a client asking in turn on many
    /// pages queued a search per page).
    completions: AtomicU64,
    /// One workspace-symbol search at a time; the rest wait their turn, where a cancellation
    /// drops them before they cost anything.
    searches: tokio::sync::Semaphore,
    /// One completion search (`((` blocks, `[[` pages) at a time, apart from the symbol
    /// searches: a completion is what the user waits for while typing, and it never queues
    /// behind a symbol search. One that is superseded while it waits never runs.
    completing: tokio::sync::Semaphore,
    /// Ids `((` completion items promised to blocks of other pages (block_ids.rs).
    pub promises: Promises,
    /// The `((` search's prepared pages, kept from one completion to the next (completion.rs).
    pub block_index: std::sync::Mutex<BlockIndex>,
    /// The page names the `[[` and workspace-symbol searches read, kept between searches.
    pub page_names: std::sync::Mutex<NamesIndex>,
}

/// Recovers a poisoned lock: the data behind it is only ever replaced whole or updated by
/// engine calls that leave it consistent, and a panic is already logged by the guard.
fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}
fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    /// Drops what the `((` and `[[` searches keep between searches (memory.rs).
    pub fn forget_prepared_pages(&self) {
        // Freed after the locks are let go.
        let blocks = std::mem::take(&mut *lock(&self.block_index));
        let names = std::mem::take(&mut *lock(&self.page_names));
        drop((blocks, names));
    }

    pub fn new(client: Client, output: Output) -> Arc<State> {
        Arc::new_cyclic(|weak: &Weak<State>| State {
            publisher: Publisher::new(weak.clone() as Weak<dyn Host>),
            output,
            client,
            docs: DashMap::new(),
            index: RwLock::new(Overlay::default()),
            config: RwLock::new(Config::default()),
            root: RwLock::new(None),
            negotiated: OnceLock::new(),
            index_ready: AtomicBool::new(false),
            index_generation: AtomicU64::new(0),
            shutdown_requested: AtomicBool::new(false),
            release_generation: AtomicU64::new(0),
            lost: DashSet::new(),
            completions: AtomicU64::new(0),
            searches: tokio::sync::Semaphore::new(1),
            completing: tokio::sync::Semaphore::new(1),
            promises: Promises::default(),
            block_index: Default::default(),
            page_names: Default::default(),
        })
    }

    pub fn negotiated(&self) -> &Negotiated {
        static DEFAULT: OnceLock<Negotiated> = OnceLock::new();
        self.negotiated
            .get()
            .unwrap_or_else(|| DEFAULT.get_or_init(Negotiated::default))
    }
    pub fn set_negotiated(&self, n: Negotiated) {
        let _ = self.negotiated.set(n);
    }
    pub fn encoding(&self) -> Encoding {
        self.negotiated().encoding
    }

    pub fn index(&self) -> RwLockReadGuard<'_, Overlay> {
        read(&self.index)
    }
    pub fn index_mut(&self) -> RwLockWriteGuard<'_, Overlay> {
        write(&self.index)
    }
    pub fn config(&self) -> RwLockReadGuard<'_, Config> {
        read(&self.config)
    }
    pub fn config_mut(&self) -> RwLockWriteGuard<'_, Config> {
        write(&self.config)
    }
    pub fn settings(&self) -> Arc<Settings> {
        self.config().settings.clone()
    }

    pub fn root(&self) -> Option<PathBuf> {
        read(&self.root).clone()
    }
    pub fn set_root(&self, r: Option<PathBuf>) {
        *write(&self.root) = r;
    }

    /// Records a new completion request; its number, for [`State::completion_current`].
    pub fn completion_started(&self) -> u64 {
        self.completions.fetch_add(1, Ordering::AcqRel) + 1
    }
    /// Whether completion `seq` is still the latest.
    pub fn completion_current(&self, seq: u64) -> bool {
        self.completions.load(Ordering::Acquire) == seq
    }

    /// Waits for the turn to run a symbol search (see `searches`).
    pub async fn search_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.searches.acquire().await.ok()
    }
    /// Waits for the turn to run a completion search (see `completing`).
    pub async fn completion_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.completing.acquire().await.ok()
    }

    pub fn graph_rules_on(&self) -> bool {
        self.index_ready.load(Ordering::Acquire) && self.root().is_some()
    }

    /// Where a document belongs: a graph page, an ignored file of the graph, or outside.
    pub fn classify(&self, uri: &Uri) -> DocPath {
        let file = file_path(uri);
        let name = file
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| uri.as_str().to_string());
        let (Some(root), Some(file)) = (self.root(), file) else {
            return DocPath::Outside(name);
        };
        let Some(rel) = disk::rel_path(&root, &file) else {
            return DocPath::Outside(name);
        };
        let settings = self.settings();
        if disk::is_page_path(&rel, &self.index().graph.config, &settings) {
            DocPath::Page(rel)
        } else if logseq_core::model::org::is_page_file(&rel) {
            DocPath::Ignored(rel)
        } else {
            DocPath::Outside(name)
        }
    }

    /// The URI of a graph-relative path, for related information and watched-file events.
    pub fn uri_of(&self, rel: &str) -> Option<Uri> {
        let root = self.root()?;
        Uri::from_file_path(root.join(rel))
    }
}

/// Local path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// Whether a graph-relative path is one of the files whose change means re-reading everything.
pub fn is_config_file(rel: &str) -> bool {
    rel == "logseq/config.edn" || rel == logseq_core::model::settings::SETTINGS_FILE
}

pub fn rel_of(root: &Path, uri: &Uri) -> Option<String> {
    disk::rel_path(root, &file_path(uri)?)
}
