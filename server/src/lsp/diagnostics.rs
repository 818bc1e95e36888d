//! Diagnostics: computing them for a document snapshot, converting them to LSP, and delivering
//! them: pushed (`textDocument/publishDiagnostics`, debounced, stale versions dropped) or pulled
//! (`textDocument/diagnostic`) when the client pulls.
//!
//! One publisher task owns delivery, so publishes for a document never race each other. Every
//! change marks its document dirty and, because any page can change another page's graph rules
//! (a duplicated id, a reference that starts resolving), the publisher recomputes all open
//! documents on each batch and sends only what changed for the others (cheap: analyses are
//! cached per document; only the graph rules and position conversion run again).

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    Location, NumberOrString, RelatedFullDocumentDiagnosticReport, Uri,
};

use crate::engine::analysis;
use crate::engine::diagnostic::{Code, Diagnostic, Severity};
use crate::engine::graph::PageFacts;
use crate::engine::rules;
use crate::engine::text::LineIndex;

use super::documents::{DocPath, Snapshot};
use super::log::{ask, guard};
use super::position::range_to_lsp;
use super::state::State;

pub const SOURCE: &str = "logseq-lsp";

/// However fast the user types, diagnostics are at most this late.
const MAX_DELAY: Duration = Duration::from_millis(500);

enum Dirty {
    Doc(Uri),
    /// Changed in a way no other page can see (its ids, title and aliases are as they were).
    DocAlone(Uri),
    All,
    Closed(Uri),
}

pub struct Publisher {
    tx: mpsc::UnboundedSender<Dirty>,
    /// What the client has for each open document (pushed, or returned by a pull).
    last: DashMap<Uri, Vec<lsp::Diagnostic>>,
}

impl Publisher {
    /// Starts the publisher task (needs a tokio runtime).
    pub fn spawn(state: Weak<State>) -> Publisher {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(state, rx));
        Publisher {
            tx,
            last: DashMap::new(),
        }
    }
    /// This document changed: it gets fresh diagnostics (and so may every other open one).
    pub fn doc(&self, uri: Uri) {
        let _ = self.tx.send(Dirty::Doc(uri));
    }
    /// This document changed, but not what other pages' diagnostics depend on.
    pub fn doc_alone(&self, uri: Uri) {
        let _ = self.tx.send(Dirty::DocAlone(uri));
    }
    /// The graph or the settings changed: recheck every open document.
    pub fn all(&self) {
        let _ = self.tx.send(Dirty::All);
    }
    /// Clears a closed document's diagnostics (after anything queued for it).
    pub fn closed(&self, uri: Uri) {
        let _ = self.tx.send(Dirty::Closed(uri));
    }
}

#[derive(Default)]
struct Batch {
    docs: HashSet<Uri>,
    all: bool,
    closed: HashSet<Uri>,
}

impl Batch {
    fn add(&mut self, d: Dirty) {
        match d {
            Dirty::Doc(u) => {
                self.closed.remove(&u);
                self.docs.insert(u);
                // Its facts are in the graph now: other pages may be affected.
                self.all = true;
            }
            Dirty::DocAlone(u) => {
                self.closed.remove(&u);
                self.docs.insert(u);
            }
            Dirty::All => self.all = true,
            Dirty::Closed(u) => {
                self.docs.remove(&u);
                self.closed.insert(u);
            }
        }
    }
}

async fn run(state: Weak<State>, mut rx: mpsc::UnboundedReceiver<Dirty>) {
    while let Some(first) = rx.recv().await {
        let Some(st) = state.upgrade() else { return };
        let mut batch = Batch::default();
        batch.add(first);
        // Trailing debounce: wait until changes pause for `debounce`, at most MAX_DELAY.
        let debounce = st.config().debounce;
        if !debounce.is_zero() {
            let deadline = Instant::now() + MAX_DELAY.max(debounce);
            loop {
                let wait = debounce.min(deadline.saturating_duration_since(Instant::now()));
                if wait.is_zero() {
                    break;
                }
                match tokio::time::timeout(wait, rx.recv()).await {
                    Ok(Some(d)) => batch.add(d),
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
        }
        while let Ok(d) = rx.try_recv() {
            batch.add(d);
        }
        deliver(&st, batch).await;
    }
}

async fn deliver(st: &Arc<State>, batch: Batch) {
    let neg = st.negotiated().clone();
    let mut targets: Vec<(Uri, bool)> = batch.docs.iter().map(|u| (u.clone(), true)).collect();
    if batch.all {
        for d in st.docs.iter() {
            if !batch.docs.contains(d.key()) {
                targets.push((d.key().clone(), false));
            }
        }
    }
    let computed = guard(&st.client, "computing diagnostics", || {
        targets
            .into_iter()
            .filter_map(|(uri, explicit)| {
                let snap = st.docs.get(&uri)?.snapshot();
                let items = for_snapshot(st, &uri, &snap);
                Some((uri, explicit, snap.version, items))
            })
            .collect::<Vec<_>>()
    })
    .unwrap_or_default();
    let last = &st.publisher.last;
    let mut others_changed = false;
    for (uri, explicit, version, items) in computed {
        // A newer version is queued and gets its own publish; this one is stale.
        if st.docs.get(&uri).map(|d| d.version) != Some(version) {
            continue;
        }
        let same = last.get(&uri).is_some_and(|l| *l == items);
        if same && !explicit {
            continue;
        }
        if neg.pull {
            others_changed |= !explicit && !same;
        } else {
            publish(st, &uri, &items, Some(version));
        }
        last.insert(uri, items);
    }
    for uri in batch.closed {
        if st.docs.contains_key(&uri) {
            continue; // reopened meanwhile
        }
        last.remove(&uri);
        if !neg.pull {
            publish(st, &uri, &[], None);
        }
    }
    if others_changed && neg.refresh {
        // Not awaited here: a client slow to answer must not hold up the next publish.
        let client = st.client.clone();
        tokio::spawn(async move {
            let asked = client.workspace_diagnostic_refresh();
            ask(&client, "workspace/diagnostic/refresh", asked).await;
        });
    }
}

/// `textDocument/publishDiagnostics`, serialized by us rather than by tower-lsp-server (output.rs
/// says why).
fn publish(st: &State, uri: &Uri, diagnostics: &[lsp::Diagnostic], version: Option<i32>) {
    // PublishDiagnosticsParams by reference: a big page's list is not copied to be sent.
    #[derive(serde::Serialize)]
    struct Params<'a> {
        uri: &'a Uri,
        diagnostics: &'a [lsp::Diagnostic],
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<i32>,
    }
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
    match &snap.path {
        DocPath::Ignored(_) => Vec::new(),
        p if p.is_org() => Vec::new(),
        DocPath::Page(path) if st.graph_rules_on() => {
            analysis::diagnostics(&st.index().graph, path, &snap.analysis, &settings)
        }
        _ => rules::finish(snap.analysis.local.clone(), &settings),
    }
}

fn for_snapshot(st: &State, uri: &Uri, snap: &Snapshot) -> Vec<lsp::Diagnostic> {
    let d = engine_diagnostics(st, snap);
    to_lsp(st, uri, snap, &d)
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
/// converted with those pages' text from the index (the editor's text for open pages).
pub fn to_lsp(
    st: &State,
    uri: &Uri,
    snap: &Snapshot,
    diags: &[Diagnostic],
) -> Vec<lsp::Diagnostic> {
    let neg = st.negotiated();
    let enc = neg.encoding;
    let mut other_pages: HashMap<String, Option<(Arc<str>, LineIndex)>> = HashMap::new();
    let mut docs: HashMap<Code, Option<Uri>> = HashMap::new();
    diags
        .iter()
        .map(|d| {
            let related = (neg.related_information && !d.related.is_empty()).then(|| {
                d.related
                    .iter()
                    .filter_map(|r| {
                        let (ruri, range) = if Some(r.path.as_str()) == snap.path.graph_path() {
                            (
                                uri.clone(),
                                range_to_lsp(&snap.text, &snap.index, &r.range, enc),
                            )
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
                            message: r.message.clone(),
                        })
                    })
                    .collect()
            });
            lsp::Diagnostic {
                range: range_to_lsp(&snap.text, &snap.index, &d.range, enc),
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
                message: d.message.clone(),
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
    st.publisher.last.insert(uri.clone(), items.clone());
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

/// What other pages' diagnostics read from a page: its ids (where they are: duplicates point at
/// them) and the names it answers to. An edit that keeps these needs no recheck of the others.
#[derive(PartialEq)]
pub struct GraphVisible {
    ids: Vec<(String, std::ops::Range<usize>)>,
    title: Option<String>,
    aliases: Vec<String>,
}

impl GraphVisible {
    pub fn of(f: &PageFacts) -> GraphVisible {
        GraphVisible {
            ids: f
                .ids
                .iter()
                .map(|s| (s.id.clone(), s.value.clone()))
                .collect(),
            title: f.title_property.clone(),
            aliases: f.aliases.clone(),
        }
    }
}
