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

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    Location, NumberOrString, RelatedFullDocumentDiagnosticReport, Uri,
};

use logseq_core::lint::diagnostic::{capped, Code, Diagnostic, Severity};
use logseq_core::lint::grouping;
use logseq_core::lint::rules;
use logseq_core::syntax::text::{LineIndex, Positions};

use super::documents::{DocPath, Snapshot};
use super::log::{ask, guard};
use super::position::{range_at, range_to_lsp};
use super::published::{Params, Published};
use super::publisher::Host;
use super::state::State;

pub const SOURCE: &str = "logseq-lsp";

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
    // On the blocking pool: a slow page holds one of its threads, not the runtime's.
    let computed = tokio::task::spawn_blocking(move || {
        guard(&s.client, "computing diagnostics", || {
            for_snapshot(&s, &u, &snap)
        })
    })
    .await;
    let Ok(Ok(items)) = computed else { return };
    // A newer version came meanwhile and has its own mark; this one is stale.
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
            .notify_raw("textDocument/publishDiagnostics", |out| {
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

/// The engine's diagnostics for a document: page rules always, graph rules once the graph is
/// indexed, nothing for ignored files and Org pages.
pub fn engine_diagnostics(st: &State, snap: &Snapshot) -> Vec<Diagnostic> {
    let settings = st.settings();
    let d = match &snap.path {
        DocPath::Ignored(_) => Vec::new(),
        p if p.is_org() => Vec::new(),
        DocPath::Page(path) if st.graph_rules_on() => {
            // Only the graph rules read the index: the rest runs without its lock, which every
            // keystroke's write waits for.
            let graph =
                rules::check_graph(&st.index().graph, path, &snap.analysis.facts, &settings);
            let mut d = snap.analysis.local.clone();
            d.extend(graph);
            rules::finish(d, &settings)
        }
        _ => rules::finish(snap.analysis.local.clone(), &settings),
    };
    match &snap.path {
        DocPath::Page(path) if settings.one_diagnostic_per_card => {
            let a = &snap.analysis;
            grouping::per_card(&snap.text, path, &a.outline, &a.cards, d)
        }
        _ => d,
    }
}

/// What the client is sent for a snapshot: at most `MAX_PER_LINE` per line and `MAX_PER_PAGE`
/// per page, the rest counted in one diagnostic.
pub(super) fn for_snapshot(st: &State, uri: &Uri, snap: &Snapshot) -> Vec<lsp::Diagnostic> {
    // Fault injection for the test that proves a slow page delays no other page's diagnostics
    // (tests/e2e/test_slow_pages.py); inert unless the variable is set.
    if std::env::var_os("LOGSEQ_LSP_FAULT").is_some_and(|v| v == "slow-diagnostics")
        && snap.text.contains("LOGSEQ_LSP_SLOW")
    {
        std::thread::sleep(Duration::from_secs(3));
    }
    let d = capped(engine_diagnostics(st, snap), &snap.index);
    to_lsp(st, uri, snap, d)
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Engine diagnostics → LSP, in the negotiated encoding. Related places in other pages are
/// converted with those pages' text from the index (the editor's text for open pages). Takes the
/// list by value: its messages move into the LSP list rather than being copied (thousands on a
/// big page, on every keystroke).
pub fn to_lsp(
    st: &State,
    uri: &Uri,
    snap: &Snapshot,
    diags: Vec<Diagnostic>,
) -> Vec<lsp::Diagnostic> {
    let neg = st.negotiated();
    let enc = neg.encoding;
    let mut other_pages: HashMap<String, Option<(Arc<str>, LineIndex)>> = HashMap::new();
    let mut docs: HashMap<Code, Option<Uri>> = HashMap::new();
    // Each position from the previous one: linear however many share a long line. Related
    // places on this page have a cursor of their own (they sit near their diagnostic, not
    // after the previous one's).
    let mut pos = Positions::new(&snap.text, &snap.index, enc);
    let mut here = Positions::new(&snap.text, &snap.index, enc);
    let this_page = snap.path.graph_path();
    diags
        .into_iter()
        .map(|d| {
            let related = (neg.related_information && !d.related.is_empty()).then(|| {
                d.related
                    .into_iter()
                    .filter_map(|r| {
                        let (ruri, range) = if Some(r.path.as_str()) == this_page {
                            (uri.clone(), range_at(&mut here, &r.range))
                        } else {
                            let page = other_pages.entry(r.path.clone()).or_insert_with(|| {
                                let text = st.index().graph.page(&r.path)?.text.clone();
                                let idx = LineIndex::new(&text);
                                Some((text, idx))
                            });
                            let (text, idx) = page.as_ref()?;
                            (st.uri_of(&r.path)?, range_to_lsp(text, idx, &r.range, enc))
                        };
                        Some(DiagnosticRelatedInformation {
                            location: Location { uri: ruri, range },
                            message: r.message,
                        })
                    })
                    .collect()
            });
            lsp::Diagnostic {
                range: range_at(&mut pos, &d.range),
                severity: Some(severity(d.severity)),
                code: Some(NumberOrString::String(d.code.as_str().to_string())),
                code_description: neg
                    .code_description
                    .then(|| {
                        // Parsed once per code, not per diagnostic (thousands on a big page).
                        docs.entry(d.code)
                            .or_insert_with(|| Uri::from_str(&d.code.docs_url()).ok())
                            .clone()
                    })
                    .flatten()
                    .map(|href| CodeDescription { href }),
                source: Some(SOURCE.to_string()),
                message: d.message,
                related_information: related,
                tags: None,
                data: None,
            }
        })
        .collect()
}

/// `textDocument/diagnostic`: always a full report of the document's current text.
pub fn pull(st: &State, uri: &Uri) -> DocumentDiagnosticReportResult {
    let snap = st.docs.get(uri).map(|d| d.snapshot());
    let items = match snap {
        Some(snap) => for_snapshot(st, uri, &snap),
        // Not open: the client only pulls for open documents; nothing to say about others.
        None => Vec::new(),
    };
    st.publisher
        .last
        .insert(uri.clone(), Published::bare(items.clone(), None));
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        },
    ))
}
