//! The server's own steps around the handlers: adopting a graph root, resynchronising a document
//! whose text was lost, applying client settings.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

use crate::disk;

use super::documents::{DocPath, Document};
use super::log::{ask, guard_notification, log, spawn_logged, warn_user};
use super::state::{file_path, State};
use super::{index, Backend};

/// The workspace folder (the first one) or the deprecated rootUri/rootPath.
#[allow(deprecated)]
pub(super) fn workspace_folder(p: &InitializeParams) -> Option<PathBuf> {
    p.workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| file_path(&f.uri))
        .or_else(|| p.root_uri.as_ref().and_then(file_path))
        .or_else(|| p.root_path.as_ref().map(PathBuf::from))
}

impl Backend {
    pub(super) fn client(&self) -> &Client {
        &self.st.client
    }

    /// Takes a graph root: refused roots (/, $HOME) leave the server with open documents only.
    pub(super) fn adopt_root(&self, folder: PathBuf) {
        let root = disk::find_root(&folder);
        match disk::refuse_root(&root) {
            Some(why) => warn_user(
                self.client(),
                format!("not indexing: {why}; checking open pages on their own"),
            ),
            None => {
                log(
                    self.client(),
                    MessageType::INFO,
                    format!("graph root: {}", root.display()),
                );
                self.st.index_ready.store(false, Ordering::Release);
                self.st.set_root(Some(root));
            }
        }
    }

    /// `logseq-lsp/lostSync` (framing.rs): a didChange for this document could not be read, so
    /// our text is no longer the editor's. The document is forgotten (its diagnostics cleared,
    /// requests on it answered as for an unknown one) until a didChange brings its whole text
    /// or it is opened again.
    pub(super) async fn lost_sync(&self, p: Value) {
        let Some(uri) = p
            .get("uri")
            .and_then(|u| u.as_str())
            .and_then(|u| u.parse::<Uri>().ok())
        else {
            return;
        };
        let st = &self.st;
        let reason = p
            .get("reason")
            .and_then(|r| r.as_str())
            .unwrap_or("unreadable");
        log(
            self.client(),
            MessageType::WARNING,
            format!(
                "a change to {} could not be read ({reason}): its text here no longer matches the editor's, so it is treated as unknown until the editor sends its whole text (close and reopen it)",
                uri.as_str()
            ),
        );
        guard_notification(self.client(), "lostSync", || {
            if let Some((_, d)) = st.docs.remove(&uri) {
                if let DocPath::Page(p) = d.path {
                    st.index_mut().close(&p);
                    index::reread_closed(st, p);
                }
            }
            st.lost.insert(uri.clone());
        });
        st.publisher.closed(uri);
    }

    /// A didChange for a document whose text was lost: only a whole text brings it back.
    pub(super) fn resync(
        &self,
        uri: Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) {
        let Some(text) = changes
            .into_iter()
            .rev()
            .find(|c| c.range.is_none())
            .map(|c| c.text)
        else {
            log(
                self.client(),
                MessageType::WARNING,
                format!(
                    "didChange for {}, whose text was lost: ignored until the editor sends the whole text",
                    uri.as_str()
                ),
            );
            return;
        };
        // Ranged changes after the whole text in the same batch are not applied: rare enough
        // (editors send a whole text alone) to stay unknown rather than guess.
        self.st.lost.remove(&uri);
        let st = &self.st;
        guard_notification(self.client(), "didChange", || {
            let doc = Document::open(text, version, st.classify(&uri), &st.settings());
            let d = st.docs.entry(uri.clone()).insert(doc);
            if let DocPath::Page(p) = &d.path {
                st.index_mut()
                    .set_open(p, d.text.clone(), &d.analysis.facts);
            }
        });
        log(
            self.client(),
            MessageType::INFO,
            format!("{} has its whole text again", uri.as_str()),
        );
        st.publisher.doc(uri);
    }
}

pub(super) fn apply_client_settings(st: &Arc<State>, v: &Value) {
    let (applied, reindex) = {
        let mut c = st.config_mut();
        let before = c.settings.ignore.clone();
        let a = c.set_client_settings(v);
        let reindex = before != c.settings.ignore;
        (a, reindex)
    };
    for w in applied.warnings {
        warn_user(&st.client, format!("settings: {w}"));
    }
    if reindex {
        index::reindex(st);
    }
    if applied.changed {
        guard_notification(&st.client, "applying settings", || {
            index::refresh_open_documents(st, true)
        });
        st.publisher.all();
        refresh_hints_and_lenses(st);
    }
}

/// Inlay hints and code lenses depend on settings: ask clients that can to re-request them.
pub(super) fn refresh_hints_and_lenses(st: &State) {
    let neg = st.negotiated().clone();
    let client = st.client.clone();
    spawn_logged(client.clone(), "refreshing hints and lenses", async move {
        if neg.inlay_hint_refresh {
            let asked = client.inlay_hint_refresh();
            ask(&client, "workspace/inlayHint/refresh", asked).await;
        }
        if neg.code_lens_refresh {
            let asked = client.code_lens_refresh();
            ask(&client, "workspace/codeLens/refresh", asked).await;
        }
    });
}
