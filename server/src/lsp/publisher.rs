//! When each open document's diagnostics are due: one worker per document, a trailing
//! debounce, rechecks of every open page when the graph changes, and a generation counter for
//! the workspace's diagnostics. Only the schedule: computing and sending them is
//! diagnostics.rs, which gives the publisher its [`Host`] (the server state), so that this
//! module, held by the state, does not depend on it.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::published::Published;
use dashmap::DashMap;
use tokio::time::Instant;
use tower_lsp_server::ls_types::Uri;

/// What the publisher needs of the server.
pub trait Host: Send + Sync {
    /// The documents open now.
    fn open_documents(&self) -> Vec<Uri>;
    /// Starts the task that serves `uri`'s marks until none is left ([`Publisher::next`]).
    fn start_worker(self: Arc<Self>, uri: Uri);
}

/// However fast the user types, diagnostics are at most this late.
const MAX_DELAY: Duration = Duration::from_millis(500);

/// Documents whose diagnostics are computed at the same time (see `Publisher::computing`).
const COMPUTING: usize = 4;

/// What a document's worker has left to do.
#[derive(Default)]
struct Pending {
    /// Fresh diagnostics are wanted: `Some(true)` when the document itself changed (they are
    /// sent), `Some(false)` for a recheck because something else changed (sent if different).
    dirty: Option<bool>,
    /// Closed: clear its diagnostics (unless it is open again by then).
    closed: bool,
    /// A worker task is serving this document.
    running: bool,
    /// The oldest change not yet served and the latest one, for the debounce.
    first: Option<Instant>,
    latest: Option<Instant>,
}

pub struct Publisher {
    host: Weak<dyn Host>,
    /// Per document, what is left to do. Each document has its own worker task, so a page whose
    /// diagnostics are slow delays only itself, never another page's.
    pending: DashMap<Uri, Pending>,
    /// What the client has for each open document (pushed, or returned by a pull).
    pub(super) last: DashMap<Uri, Published>,
    /// A `workspace/diagnostic/refresh` is on its way: later ones join it.
    pub(super) refreshing: Arc<AtomicBool>,
    /// How many documents are computed at once. A recheck of every open page (any change to
    /// ids) started one blocking thread per page, each with its own allocator heap: after a
    /// soak of 5,000 edits on 50 pages the server kept 80 MB more than the index alone. Enough
    /// permits that one slow page never stops the others.
    pub(super) computing: Arc<tokio::sync::Semaphore>,
    /// Bumped whenever a closed page's diagnostics may have changed (workspace_diagnostics.rs).
    generation: tokio::sync::watch::Sender<u64>,
}

impl Publisher {
    pub fn new(host: Weak<dyn Host>) -> Publisher {
        Publisher {
            host,
            pending: DashMap::new(),
            last: DashMap::new(),
            refreshing: Arc::new(AtomicBool::new(false)),
            computing: Arc::new(tokio::sync::Semaphore::new(COMPUTING)),
            generation: tokio::sync::watch::channel(0).0,
        }
    }
    /// Follows [`Publisher::generation`]'s changes.
    pub fn generation_watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.generation.subscribe()
    }
    fn bump(&self) {
        self.generation.send_modify(|g| *g += 1);
    }
    /// This document changed: it gets fresh diagnostics (and so may every other open one).
    pub fn doc(&self, uri: Uri) {
        // Its facts are in the graph now: other pages may be affected.
        self.all();
        self.doc_alone(uri);
    }
    /// This document changed, but not what other pages' diagnostics depend on.
    pub fn doc_alone(&self, uri: Uri) {
        self.mark(uri, |p| {
            p.closed = false;
            p.dirty = Some(true);
        });
    }
    /// The graph or the settings changed: recheck every open document.
    pub fn all(&self) {
        self.bump();
        let Some(host) = self.host.upgrade() else {
            return;
        };
        for uri in host.open_documents() {
            self.mark(uri, |p| p.dirty = Some(p.dirty.unwrap_or(false)));
        }
    }
    /// Clears a closed document's diagnostics (after anything queued for it).
    pub fn closed(&self, uri: Uri) {
        // Its page is read from disk again, for the workspace's diagnostics.
        self.bump();
        self.mark(uri, |p| {
            p.dirty = None;
            p.closed = true;
        });
    }

    fn mark(&self, uri: Uri, f: impl FnOnce(&mut Pending)) {
        let now = Instant::now();
        let start = {
            let mut p = self.pending.entry(uri.clone()).or_default();
            f(&mut p);
            p.first.get_or_insert(now);
            p.latest = Some(now);
            !std::mem::replace(&mut p.running, true)
        };
        if start {
            if let Some(host) = self.host.upgrade() {
                host.start_worker(uri);
            }
        }
    }

    /// The next job of `uri`'s worker once the debounce has passed, or `None` (and the worker
    /// ends) when there is none.
    pub(super) async fn next(&self, uri: &Uri, debounce: Duration) -> Option<(Option<bool>, bool)> {
        // Trailing debounce: until changes pause for `debounce`, at most MAX_DELAY.
        while !debounce.is_zero() {
            let until = {
                let p = self.pending.get(uri)?;
                let (Some(first), Some(latest)) = (p.first, p.latest) else {
                    break;
                };
                (latest + debounce).min(first + MAX_DELAY.max(debounce))
            };
            if until <= Instant::now() {
                break;
            }
            tokio::time::sleep_until(until).await;
        }
        let mut p = self.pending.get_mut(uri)?;
        p.first = None;
        let job = (p.dirty.take(), std::mem::take(&mut p.closed));
        if job == (None, false) {
            p.running = false;
            drop(p);
            self.pending
                .remove_if(uri, |_, p| !p.running && p.dirty.is_none() && !p.closed);
            return None;
        }
        Some(job)
    }
}
