//! Diagnostics: computing them for a document snapshot, converting them to LSP, and delivering
//! them: pushed (`textDocument/publishDiagnostics`, debounced, stale versions dropped) or pulled
//! (`textDocument/diagnostic`) when the client pulls.
//!
//! When they are due is publisher.rs's business: each document has its own worker task (started
//! when it is marked, ended when it has nothing left), so publishes for a document never race
//! each other and a slow page never queues another behind it. Every change marks its document
//! dirty and, because any page can change another page's graph rules (a duplicated id, a
//! reference that starts resolving), marks every other open document for a recheck, which sends
//! only what changed (cheap: analyses are cached per document; only the graph rules and position
//! conversion run again).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tower_lsp_server::ls_types::{
    self as lsp, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport, Uri,
};

use logseq_core::lint::diagnostic::{capped, Diagnostic};
use logseq_core::lint::grouping;
use logseq_core::lint::rules;
use logseq_core::model::settings::Settings;

use super::card_memo;
use super::convert::{Converter, Wanted};
use super::documents::{DocPath, Snapshot};
use super::log::{ask, guard};
use super::published::{Params, Published};
use super::publisher::Host;
use super::state::State;

impl Host for State {
    fn open_documents(&self) -> Vec<Uri> {
        self.docs.iter().map(|d| d.key().clone()).collect()
    }
    fn start_worker(self: Arc<Self>, uri: Uri) {
        tokio::spawn(work(Arc::downgrade(&self), uri));
    }
}

/// One document's worker: serves its marks until none is left.
async fn work(state: Weak<State>, uri: Uri) {
    loop {
        let Some(st) = state.upgrade() else { return };
        let debounce = st.config().debounce();
        let Some((dirty, closed)) = st.publisher.next(&uri, debounce).await else {
            return;
        };
        if let Some(explicit) = dirty {
            deliver(&st, &uri, explicit).await;
        }
        if closed && !st.docs.contains_key(&uri) {
            st.publisher.last.remove(&uri);
            if !st.negotiated().pull {
                publish(&st, &uri, &[], None);
            }
        }
    }
}

async fn deliver(st: &Arc<State>, uri: &Uri, explicit: bool) {
    let Some(snap) = st.docs.get(uri).map(|d| d.snapshot()) else {
        return; // closed meanwhile
    };
    let version = snap.version;
    let Ok(_permit) = st.publisher.computing.clone().acquire_owned().await else {
        return;
    };
    let (s, u) = (st.clone(), uri.clone());
    // On the blocking pool: a slow page holds one of its threads, not the runtime's. The list is
    // sent from there too, written by that thread when nothing is queued before it
    // (`Output::notify_raw_here`): a hand-off back to the runtime and one to the writer were most
    // of a keystroke on a small page (BENCHMARKS.md, issue 15).
    let _ = tokio::task::spawn_blocking(move || {
        guard(&s.client, "computing diagnostics", || {
            let items = for_snapshot(&s, &u, &snap);
            send(&s, &u, version, items, explicit)
        })
    })
    .await;
}

/// Sends `items`, the list computed for `version`, unless a newer version came meanwhile (it
/// has its own mark) or the list is the one last sent and no one asked for it again.
fn send(
    st: &Arc<State>,
    uri: &Uri,
    version: i32,
    items: Vec<Arc<lsp::Diagnostic>>,
    explicit: bool,
) {
    if st.docs.get(uri).map(|d| d.version) != Some(version) {
        return;
    }
    let last = &st.publisher.last;
    let neg = st.negotiated();
    let kept = {
        // The guard is dropped before the insert below (same shard: it would deadlock).
        let prev = last.get(uri);
        let kept = if neg.pull {
            Published::bare(items, prev.as_deref())
        } else {
            Published::new(items, prev.as_deref())
        };
        if kept.unchanged() && !explicit {
            return;
        }
        kept
    };
    if !neg.pull {
        st.output
            .notify_raw_here("textDocument/publishDiagnostics", |out| {
                kept.write_params(uri, Some(version), out)
            });
    } else if !explicit && neg.refresh {
        refresh(st);
    }
    last.insert(uri.clone(), kept);
}

/// Asks a pull client to pull again (another page changed this one's diagnostics). Not awaited
/// by the worker: a client slow to answer must not hold up the next publish.
fn refresh(st: &State) {
    let flag = st.publisher.refreshing.clone();
    if flag.swap(true, Ordering::AcqRel) {
        return;
    }
    let client = st.client.clone();
    tokio::spawn(async move {
        // Rechecks of several pages come together: one refresh for all of them.
        tokio::time::sleep(Duration::from_millis(20)).await;
        flag.store(false, Ordering::Release);
        let asked = client.workspace_diagnostic_refresh();
        ask(&client, "workspace/diagnostic/refresh", asked).await;
    });
}

/// `textDocument/publishDiagnostics`, serialized by us rather than by tower-lsp-server (output.rs
/// says why).
pub(super) fn publish(
    st: &State,
    uri: &Uri,
    diagnostics: &[lsp::Diagnostic],
    version: Option<i32>,
) {
    // PublishDiagnosticsParams by reference: a big page's list is not copied to be sent.
    st.output.notify(
        "textDocument/publishDiagnostics",
        &Params {
            uri,
            diagnostics,
            version,
        },
    );
}

/// The engine's findings for a document, each as it is (not folded per card): page rules
/// always, graph rules once the graph is indexed, nothing for ignored files and Org pages. The
/// page's own by reference into its analysis (copying them was a fifth of a keystroke's
/// diagnostics on the 1 MB page); `hold` keeps the others.
fn findings<'a>(
    st: &State,
    snap: &'a Snapshot,
    settings: &Settings,
    hold: &'a mut Vec<Diagnostic>,
) -> Vec<&'a Diagnostic> {
    let local = &snap.analysis.local;
    match &snap.path {
        DocPath::Ignored(_) => Vec::new(),
        p if p.is_org() => Vec::new(),
        DocPath::Page(path) if st.graph_rules_on() => {
            // Only the graph rules read the index: the rest runs without its lock, which every
            // keystroke's write waits for.
            let graph = rules::check_graph(&st.index().graph, path, &snap.analysis.facts, settings);
            rules::finish_borrowed(local, graph, settings, hold)
        }
        _ => rules::finish_borrowed(local, Vec::new(), settings, hold),
    }
}

/// The engine's diagnostics for a document as the editor shows them: [`findings`], with each
/// card's folded into one when the settings say so.
pub fn engine_diagnostics(st: &State, snap: &Snapshot) -> Vec<Diagnostic> {
    let settings = st.settings();
    let mut hold = Vec::new();
    let d = findings(st, snap, &settings, &mut hold);
    folded(snap, &settings, d.into_iter().cloned().collect())
}

/// `d` with each card's findings folded into one when the settings say so (open and closed
/// pages alike; an open page's list goes through the card memo instead, card_memo.rs).
fn folded(snap: &Snapshot, settings: &Settings, d: Vec<Diagnostic>) -> Vec<Diagnostic> {
    match &snap.path {
        DocPath::Page(path) if settings.one_diagnostic_per_card => {
            let a = &snap.analysis;
            grouping::per_card(&snap.text, path, &a.outline, &a.cards, d)
        }
        _ => d,
    }
}

/// What the client asked for, as far as converting diagnostics goes.
fn wanted(st: &State) -> Wanted {
    let neg = st.negotiated();
    Wanted {
        encoding: neg.encoding,
        related_information: neg.related_information,
        code_description: neg.code_description,
    }
}

/// Another page's text and URI, from the index (the editor's text for open pages).
fn other_page(st: &State) -> impl Fn(&str) -> Option<(Arc<str>, Uri)> + '_ {
    |path| {
        let text = st.index().graph.page(path)?.text.clone();
        Some((text, st.uri_of(path)?))
    }
}

/// What the client is sent for a snapshot: [`engine_diagnostics`], at most `MAX_PER_LINE` per
/// line and `MAX_PER_PAGE` per page (the rest counted in one diagnostic), in LSP form. A
/// page's cards' diagnostics come from the document's memo where their cards did not change
/// (card_memo.rs).
pub(super) fn for_snapshot(st: &State, uri: &Uri, snap: &Snapshot) -> Vec<Arc<lsp::Diagnostic>> {
    // Fault injection for the test that proves a slow page delays no other page's diagnostics
    // (tests/e2e/test_slow_pages.py); inert unless the variable is set.
    if std::env::var_os("LOGSEQ_LSP_FAULT").is_some_and(|v| v == "slow-diagnostics")
        && snap.text.contains("LOGSEQ_LSP_SLOW")
    {
        std::thread::sleep(Duration::from_secs(3));
    }
    let settings = st.settings();
    let mut hold = Vec::new();
    let d = findings(st, snap, &settings, &mut hold);
    let other = other_page(st);
    let wanted = wanted(st);
    let this_page = snap.path.graph_path();
    let mut conv = Converter::new(uri, this_page, &snap.text, &snap.index, wanted, &other);
    match (&snap.path, &snap.memo) {
        (DocPath::Page(path), Some(cell)) if settings.one_diagnostic_per_card => {
            let a = &snap.analysis;
            let page = card_memo::Page {
                text: &snap.text,
                index: &snap.index,
                outline: &a.outline,
                cards: &a.cards,
                path,
                version: snap.version,
            };
            // Taken for the computation: another one at the same time (a pull beside a push)
            // finds none and computes every card afresh.
            let memo = cell.lock().ok().and_then(|mut m| m.take());
            let (items, memo) = card_memo::list(memo, &page, wanted, d, &mut conv);
            if let Ok(mut m) = cell.lock() {
                *m = memo;
            }
            items
        }
        _ => capped(
            folded(snap, &settings, d.into_iter().cloned().collect()),
            &snap.index,
        )
        .into_iter()
        .map(|d| Arc::new(conv.convert(d)))
        .collect(),
    }
}

/// Engine diagnostics → LSP, in the negotiated encoding, in one walk of the page.
pub fn to_lsp(
    st: &State,
    uri: &Uri,
    snap: &Snapshot,
    diags: Vec<Diagnostic>,
) -> Vec<lsp::Diagnostic> {
    let other = other_page(st);
    let this_page = snap.path.graph_path();
    let mut conv = Converter::new(uri, this_page, &snap.text, &snap.index, wanted(st), &other);
    diags.into_iter().map(|d| conv.convert(d)).collect()
}

/// `textDocument/diagnostic`: always a full report of the document's current text.
pub fn pull(st: &State, uri: &Uri) -> DocumentDiagnosticReportResult {
    let snap = st.docs.get(uri).map(|d| d.snapshot());
    let items = match snap {
        Some(snap) => for_snapshot(st, uri, &snap),
        // Not open: the client only pulls for open documents; nothing to say about others.
        None => Vec::new(),
    };
    let report = items.iter().map(|d| (**d).clone()).collect();
    st.publisher
        .last
        .insert(uri.clone(), Published::bare(items, None));
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items: report,
            },
        },
    ))
}
