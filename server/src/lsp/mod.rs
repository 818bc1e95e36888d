//! The LSP face (tower-lsp-server over stdio): the only code that knows LSP types and position
//! encodings. Logseq knowledge (rules, fixes, hover text, the graph) lives in the core crate (logseq_core).
//!
//! Ordering: tower-lsp-server polls up to `IN_FLIGHT` handlers on the task that reads input and
//! they interleave at `.await` points, so every notification that mutates state
//! (didOpen/didChange/didClose) does all of its work synchronously, before any `.await` (the
//! "did_change rule"). Requests do their work off that task (`off_thread`), so
//! a slow one never stops the reading. Slow work (publishing, indexing, disk reads) goes to
//! background tasks that check versions.

mod backend;
mod block_ids;
mod capabilities;
mod card_memo;
mod code_action;
mod completion;
mod config;
mod convert;
mod diagnostics;
mod documents;
mod framing;
mod hover;
mod index;
mod lenses;
mod links;
mod log;
mod memory;
mod navigation;
mod new_page;
mod output;
mod position;
mod promises;
mod published;
mod publisher;
mod selection;
mod serve;
mod state;
mod symbols;
mod workspace_diagnostics;
mod workspace_edit;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

use crate::disk;

use self::backend::{apply_client_settings, workspace_folder};
use self::documents::{DocPath, Document};
use self::log::{
    ask, guard, guard_notification, log, off_thread, spawn_guarded, spawn_logged, warn_user,
};
pub use self::serve::{serve, serve_io};
use self::state::{file_path, State};
use logseq_core::model::graph::VisibleChange;

struct Backend {
    st: Arc<State>,
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let neg = capabilities::negotiate(&params.capabilities);
        let literal_actions = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref())
            .is_some_and(|c| c.code_action_literal_support.is_some());
        let caps = capabilities::capabilities(&neg, literal_actions);
        log(
            self.client(),
            MessageType::INFO,
            format!(
                "logseq-lsp {} for {}: position encoding {:?}, {} diagnostics",
                env!("CARGO_PKG_VERSION"),
                params
                    .client_info
                    .as_ref()
                    .map_or("an unnamed client", |c| c.name.as_str()),
                neg.encoding,
                if neg.pull { "pulled" } else { "pushed" },
            ),
        );
        self.st.set_negotiated(neg);
        let applied = self
            .st
            .config_mut()
            .set_initialization_options(params.initialization_options.as_ref());
        for w in applied.warnings {
            warn_user(self.client(), format!("initializationOptions: {w}"));
        }
        if let Some(f) = workspace_folder(&params) {
            self.adopt_root(f);
        }
        if params
            .workspace_folders
            .as_ref()
            .is_some_and(|f| f.len() > 1)
        {
            log(
                self.client(),
                MessageType::WARNING,
                "several workspace folders: only the first is indexed as the graph",
            );
        }
        Ok(InitializeResult {
            capabilities: caps,
            server_info: Some(ServerInfo {
                name: "logseq-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        spawn_logged(
            self.client().clone(),
            "workspace diagnostics",
            workspace_diagnostics::push_loop(Arc::downgrade(&self.st)),
        );
        if self.st.negotiated().watch_dynamic && self.st.root().is_some() {
            let st = self.st.clone();
            spawn_logged(
                self.client().clone(),
                "registering file watchers",
                async move {
                    let watchers = json!({"watchers": [
                        {"globPattern": "**/*.md"},
                        {"globPattern": "**/*.org"},
                        {"globPattern": "**/logseq/config.edn"},
                        {"globPattern": "**/logseq-lsp.toml"},
                        {"globPattern": "**/assets/**"},
                    ]});
                    let reg = Registration {
                        id: "logseq-lsp-watch".to_string(),
                        method: "workspace/didChangeWatchedFiles".to_string(),
                        register_options: Some(watchers),
                    };
                    let asked = st.client.register_capability(vec![reg]);
                    if ask(&st.client, "client/registerCapability", asked)
                        .await
                        .is_none()
                    {
                        log(
                            &st.client,
                            MessageType::WARNING,
                            "no file watching from the client; polling every 2 s",
                        );
                        index::start_polling(&st);
                    }
                },
            );
        }
        index::reindex(&self.st);
    }

    async fn shutdown(&self) -> Result<()> {
        self.st.shutdown_requested.store(true, Ordering::Release);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let st = &self.st;
        let uri = params.text_document.uri;
        guard_notification(self.client(), "didOpen", || {
            // Single-file start (no workspace): adopt the graph this page lives in, if any.
            if st.root().is_none() {
                if let Some(f) = file_path(&uri) {
                    let root = disk::find_root(&f);
                    if root.join("logseq").join("config.edn").is_file() {
                        self.adopt_root(root);
                        index::reindex(st);
                    }
                }
            }
            st.lost.remove(&uri);
            let path = st.classify(&uri);
            let doc = Document::open(
                params.text_document.text,
                params.text_document.version,
                path,
                &st.settings(),
            );
            let d = st.docs.entry(uri.clone()).insert(doc);
            if d.text.len() > st.settings().max_file_bytes {
                log(
                    self.client(),
                    MessageType::WARNING,
                    format!(
                        "{} is over the size limit (setting max_file_size): not analysed",
                        uri.as_str()
                    ),
                );
            }
            if let DocPath::Page(p) = &d.path {
                st.index_mut()
                    .set_open(p, d.text.clone(), &d.analysis.facts);
            }
        });
        st.publisher.doc(uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Everything before the first .await: see the module comment.
        let st = &self.st;
        let uri = params.text_document.uri;
        if st.lost.contains(&uri) {
            self.resync(uri, params.content_changes, params.text_document.version);
            return;
        }
        // A reference a completion inserted: write the id it promised (block_ids.rs).
        let inserted: Vec<&str> = params
            .content_changes
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        block_ids::keep_promises_in(st, &inserted);
        let known = guard(self.client(), "didChange", || {
            let mut d = st.docs.get_mut(&uri)?;
            let seen = d.apply_changes(
                params.content_changes,
                params.text_document.version,
                st.encoding(),
                &st.settings(),
            );
            if let DocPath::Page(p) = &d.path {
                let mut ix = st.index_mut();
                ix.set_open(p, d.text.clone(), &d.analysis.facts);
                return Some(!seen.seen_elsewhere(&d.analysis.facts, &ix.graph));
            }
            Some(seen == VisibleChange::Same)
        });
        match known {
            Ok(Some(true)) => st.publisher.doc_alone(uri),
            Ok(Some(false)) => st.publisher.doc(uri),
            Ok(None) => log(
                self.client(),
                MessageType::WARNING,
                format!("didChange for {} which is not open; ignored", uri.as_str()),
            ),
            Err(_) => {}
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let st = &self.st;
        let uri = params.text_document.uri;
        st.lost.remove(&uri);
        guard_notification(self.client(), "didClose", || {
            if let Some((_, d)) = st.docs.remove(&uri) {
                if let DocPath::Page(p) = d.path {
                    st.index_mut().close(&p);
                    index::reread_closed(st, p);
                }
            }
        });
        st.publisher.closed(uri);
        if st.docs.is_empty() {
            memory::release_soon(st);
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if params.settings.is_null() && self.st.negotiated().configuration_request {
            // Pull-style clients send an empty notification and expect us to ask; asked in the
            // background so that a client that never answers holds nothing up.
            let st = self.st.clone();
            spawn_logged(self.client().clone(), "asking for settings", async move {
                let items = vec![ConfigurationItem {
                    scope_uri: None,
                    section: Some("logseq-lsp".to_string()),
                }];
                let asked = st.client.configuration(items);
                if let Some(v) = ask(&st.client, "workspace/configuration", asked).await {
                    let v = v.into_iter().next().unwrap_or(Value::Null);
                    apply_client_settings(&st, &v);
                }
            });
        } else {
            apply_client_settings(&self.st, &params.settings);
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        guard_notification(self.client(), "didChangeWatchedFiles", || {
            index::files_changed(&self.st, params.changes)
        });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let st = self.st.clone();
        off_thread(self.client(), "hover", move || hover::hover(&st, params)).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let st = self.st.clone();
        off_thread(self.client(), "codeAction", move || {
            code_action::code_actions(&st, params)
        })
        .await?
    }

    async fn code_action_resolve(&self, action: CodeAction) -> Result<CodeAction> {
        let st = self.st.clone();
        off_thread(self.client(), "codeAction/resolve", move || {
            code_action::resolve(&st, action)
        })
        .await?
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let st = self.st.clone();
        off_thread(self.client(), "selectionRange", move || {
            selection::selection_ranges(&st, params)
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        // A newer completion (for any document: the editor shows one list) supersedes this one
        // (typing `((abc` sends one per key): it answers RequestCancelled instead of searching
        // for a stale prefix.
        let seq = self.st.completion_started();
        let st = self.st.clone();
        let (_cancel, cancelled) = completion::drop_flag();
        let fresh = {
            let st = self.st.clone();
            move || !cancelled.load(Ordering::Relaxed) && st.completion_current(seq)
        };
        let r = spawn_guarded(self.client(), "completion", async move {
            completion::completion(st, params, fresh).await
        })
        .await?;
        if !self.st.completion_current(seq) {
            return Err(tower_lsp_server::jsonrpc::Error::request_cancelled());
        }
        Ok(r)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let st = self.st.clone();
        off_thread(self.client(), "definition", move || {
            navigation::definition(&st, params)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let st = self.st.clone();
        off_thread(self.client(), "references", move || {
            navigation::references(&st, params)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let st = self.st.clone();
        off_thread(self.client(), "prepareRename", move || {
            navigation::prepare_rename(&st, params)
        })
        .await?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let st = self.st.clone();
        off_thread(self.client(), "rename", move || {
            navigation::rename(&st, params)
        })
        .await?
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let st = self.st.clone();
        off_thread(self.client(), "documentSymbol", move || {
            symbols::document_symbols(&st, params)
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        // Searches take turns (one at a time): a queued one that is cancelled never runs.
        let _turn = self.st.search_turn().await;
        // Completions waiting for their turn go first (the user is typing); the permit is only
        // a place in their queue, let go at once.
        drop(self.st.completion_turn().await);
        let st = self.st.clone();
        off_thread(self.client(), "workspace/symbol", move || {
            symbols::workspace_symbols(&st, params)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let st = self.st.clone();
        off_thread(self.client(), "foldingRange", move || {
            symbols::folding_ranges(&st, params)
        })
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let st = self.st.clone();
        off_thread(self.client(), "documentLink", move || {
            links::document_links(&st, params)
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let st = self.st.clone();
        off_thread(self.client(), "documentHighlight", move || {
            links::document_highlights(&st, params)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let st = self.st.clone();
        off_thread(self.client(), "inlayHint", move || {
            lenses::inlay_hints(&st, params)
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let st = self.st.clone();
        off_thread(self.client(), "codeLens", move || {
            lenses::code_lens(&st, params)
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        if params.command != promises::ADD_BLOCK_ID {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let st = self.st.clone();
        spawn_guarded(self.client(), "executeCommand", async move {
            block_ids::execute_add_block_id(&st, &params.arguments).await
        })
        .await??;
        Ok(None)
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let pull = workspace_diagnostics::pull(self.st.clone(), params);
        spawn_guarded(self.client(), "workspace/diagnostic", pull).await?
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let st = self.st.clone();
        off_thread(self.client(), "diagnostic", move || {
            diagnostics::pull(&st, &params.text_document.uri)
        })
        .await
    }
}
