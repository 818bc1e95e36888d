//! Workspace diagnostics: the problems of the graph's pages that are not open, for editors that
//! list a whole project's problems. Clients that pull get them from `workspace/diagnostic`;
//! clients that only take pushes (Neovim, Emacs) get them pushed when `workspaceDiagnostics` is
//! on (off by default: on a big graph that is every page's problems in the editor's list).
//!
//! Both are driven by one counter, [`Publisher::generation`], bumped whenever anything a closed
//! page's diagnostics read may have changed (the graph, the settings, a page opened or closed).
//! A pull whose result ids all carry the current generation is held until the counter moves (the
//! long poll the protocol intends), so a client that pulls again at once costs nothing.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    self as lsp, FullDocumentDiagnosticReport, UnchangedDocumentDiagnosticReport, Uri,
    WorkspaceDiagnosticParams, WorkspaceDiagnosticReport, WorkspaceDiagnosticReportResult,
    WorkspaceDocumentDiagnosticReport, WorkspaceFullDocumentDiagnosticReport,
    WorkspaceUnchangedDocumentDiagnosticReport,
};

use logseq_core::lint::analysis;
use logseq_core::syntax::text::LineIndex;

use super::diagnostics::{for_snapshot, publish};
use super::documents::{DocPath, Snapshot};
use super::log::off_thread;
use super::state::State;

/// How long a push or a held pull waits for changes to pause before it rechecks every closed page.
const PUSH_DEBOUNCE: Duration = Duration::from_millis(300);
/// How long a pull with nothing new is held before it is answered anyway.
const HOLD: Duration = Duration::from_secs(60);

/// The closed Markdown pages of the graph, with their text (the index's, which is the disk's
/// for a page that is not open). Empty until the graph is read.
fn closed_pages(st: &State) -> Vec<(Uri, String, Arc<str>)> {
    if !st.graph_rules_on() {
        return Vec::new();
    }
    let pages: Vec<(String, Arc<str>)> = st
        .index()
        .graph
        .pages()
        .filter(|p| !logseq_core::model::org::is_org(&p.path))
        .map(|p| (p.path.clone(), p.text.clone()))
        .collect();
    pages
        .into_iter()
        .filter_map(|(path, text)| Some((st.uri_of(&path)?, path, text)))
        .filter(|(uri, _, _)| !st.docs.contains_key(uri))
        .collect()
}

/// A closed page's diagnostics, as they would be sent for it open.
fn items(st: &State, uri: &Uri, path: String, text: Arc<str>) -> Vec<lsp::Diagnostic> {
    let settings = st.settings();
    if text.len() > settings.max_file_bytes {
        return Vec::new();
    }
    let snap = Snapshot {
        version: 0,
        index: Arc::new(LineIndex::new(&text)),
        analysis: Arc::new(analysis::analyze(&text, &settings)),
        text,
        path: DocPath::Page(path),
        memo: None,
    };
    for_snapshot(st, uri, &snap)
        .into_iter()
        .map(Arc::unwrap_or_clone)
        .collect()
}

/// `workspace/diagnostic`: a full report for each closed page whose result id is not the current
/// generation, unchanged reports for the rest; held while all are unchanged.
pub async fn pull(
    st: Arc<State>,
    params: WorkspaceDiagnosticParams,
) -> jsonrpc::Result<WorkspaceDiagnosticReportResult> {
    let previous: HashMap<Uri, String> = params
        .previous_result_ids
        .into_iter()
        .map(|p| (p.uri, p.value))
        .collect();
    let mut changed = st.publisher.generation_watch();
    let held = tokio::time::Instant::now() + HOLD;
    loop {
        let generation = *changed.borrow_and_update();
        let id = generation.to_string();
        let pages = closed_pages(&st);
        // Pages the client has a report for that are gone from the graph: their report is emptied.
        let gone: Vec<Uri> = previous
            .keys()
            .filter(|u| !st.docs.contains_key(*u) && !pages.iter().any(|(p, _, _)| p == *u))
            .cloned()
            .collect();
        let stale = !gone.is_empty() || pages.iter().any(|(u, _, _)| previous.get(u) != Some(&id));
        if stale || tokio::time::Instant::now() >= held {
            let s = st.clone();
            let r = off_thread(&st.client, "workspace diagnostics", move || {
                report(&s, pages, gone, &previous, &id)
            });
            return Ok(WorkspaceDiagnosticReportResult::Report(r.await?));
        }
        // Nothing new to say: wait for a change (or the hold to end), then for changes to pause.
        if let Ok(Ok(())) = tokio::time::timeout_at(held, changed.changed()).await {
            tokio::time::sleep(PUSH_DEBOUNCE).await;
        }
    }
}

fn report(
    st: &State,
    pages: Vec<(Uri, String, Arc<str>)>,
    gone: Vec<Uri>,
    previous: &HashMap<Uri, String>,
    id: &str,
) -> WorkspaceDiagnosticReport {
    let gone = gone.into_iter().map(|uri| (uri, None));
    let pages = pages
        .into_iter()
        .map(|(uri, path, text)| (uri, Some((path, text))));
    let items = pages
        .chain(gone)
        .map(|(uri, page)| {
            if previous.get(&uri).map(String::as_str) == Some(id) {
                return WorkspaceDocumentDiagnosticReport::Unchanged(
                    WorkspaceUnchangedDocumentDiagnosticReport {
                        uri,
                        version: None,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id: id.to_string(),
                        },
                    },
                );
            }
            let items = page.map_or_else(Vec::new, |(path, text)| items(st, &uri, path, text));
            WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                uri,
                version: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(id.to_string()),
                    items,
                },
            })
        })
        .collect();
    WorkspaceDiagnosticReport { items }
}

/// The push side: runs for the server's life. After each change (debounced), when the setting is
/// on and the client does not pull, sends each closed page's diagnostics that differ from what
/// the client has; when the setting goes off, clears what it sent.
pub async fn push_loop(st: std::sync::Weak<State>) {
    let Some(mut changed) = st.upgrade().map(|s| s.publisher.generation_watch()) else {
        return;
    };
    // What this loop sent, per closed page (non-empty lists only).
    let mut sent: HashMap<Uri, Vec<lsp::Diagnostic>> = HashMap::new();
    while changed.changed().await.is_ok() {
        // Until changes pause.
        while let Ok(Ok(())) = tokio::time::timeout(PUSH_DEBOUNCE, changed.changed()).await {}
        changed.borrow_and_update();
        let Some(s) = st.upgrade() else { return };
        if s.negotiated().pull {
            continue;
        }
        let on = s.settings().workspace_diagnostics;
        let mut before = std::mem::take(&mut sent);
        // An open page's own diagnostics replaced these; when it closes it is sent again.
        before.retain(|u, _| !s.docs.contains_key(u));
        let st2 = s.clone();
        let client = s.client.clone();
        let Ok(now) = off_thread(&client, "workspace diagnostics", move || {
            let mut now = HashMap::new();
            if on {
                for (uri, path, text) in closed_pages(&st2) {
                    let d = items(&st2, &uri, path, text);
                    if !d.is_empty() {
                        now.insert(uri, d);
                    }
                }
            }
            for (uri, d) in &now {
                if before.get(uri) != Some(d) {
                    publish(&st2, uri, d, None);
                }
            }
            // Pages that became clean (or were opened meanwhile: theirs are the document's).
            for uri in before.keys() {
                if !now.contains_key(uri) && !st2.docs.contains_key(uri) {
                    publish(&st2, uri, &[], None);
                }
            }
            now
        })
        .await
        else {
            continue;
        };
        sent = now;
    }
}
