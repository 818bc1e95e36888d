//! `textDocument/completion`: the engine finds the context and the items (logseq_core::ide::completion);
//! this converts ranges and kinds. The `((` and `[[` searches take, under the index lock, only
//! what changed since the last search (the pages a `BlockIndex` or `NamesIndex` must prepare
//! again) and run on a blocking thread, so typing elsewhere never waits for them;
//! the `((` and `[[` searches take turns (apart from workspace-symbol searches), and a completion
//! superseded by a newer one (for any document: the editor shows one list) or cancelled while it
//! waits never runs.
//!
//! A block without an `id::` gets a fresh id when its item is accepted: in the same document
//! through `additionalTextEdits`, in another page through a command the client runs on accept
//! (`logseq-lsp.addBlockId`), which asks the client to apply the edit (`workspace/applyEdit`),
//! or when the reference shows up in a didChange, for clients that run no such command (block_ids.rs).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    self as lsp, Command, CompletionItem, CompletionItemKind, CompletionList, CompletionParams,
    CompletionResponse, CompletionTextEdit, Documentation, InsertTextFormat, MarkupContent,
    MarkupKind,
};

use logseq_core::ide::completion::{self as engine, Completion, Context, ItemKind};
use logseq_core::syntax::text::{Encoding, LineIndex};
use logseq_core::syntax::uuid::new_uuid;

use super::documents::Snapshot;
use super::position::{position_to_offset, range_to_lsp};
use super::promises::{AddBlockId, Promises, ADD_BLOCK_ID};
use super::state::{lock, Negotiated, State};

/// A space too: `((what is a` and `[[Kubernetes in` go on past one, and VS Code closes its list
/// at a space unless the space asks again (issue 12). Elsewhere a space gets no answer.
pub fn trigger_characters() -> Vec<String> {
    ["(", "[", "#", "{", ":", " "].map(String::from).to_vec()
}

/// `fresh` says whether this request is still the latest completion: a superseded one gives
/// up before its search or during it (the handler answers it RequestCancelled), and so does
/// one whose handler was dropped (`$/cancelRequest`).
pub async fn completion(
    st: Arc<State>,
    p: CompletionParams,
    fresh: impl Fn() -> bool + Send + Sync + 'static,
) -> Option<CompletionResponse> {
    let pos = p.text_document_position;
    let snap = st.docs.get(&pos.text_document.uri)?.snapshot();
    if snap.path.is_org() {
        return None;
    }
    let enc = st.encoding();
    let offset = position_to_offset(&snap.text, &snap.index, pos.position, enc);
    let cx = engine::context(&snap.text, &snap.analysis.outline, offset)?;
    let by_space = p
        .context
        .as_ref()
        .and_then(|c| c.trigger_character.as_deref())
        == Some(" ");
    if by_space && !matches!(cx, Context::Block { .. } | Context::Page { .. }) {
        return None;
    }
    let settings = st.settings();
    let neg = st.negotiated().clone();
    let c = match cx {
        Context::Block { query, range } => {
            // Searches take turns; one that waited and is no longer wanted stops here.
            let _turn = st.completion_turn().await;
            if !fresh() {
                return None;
            }
            // Under the lock only which pages changed since the last search; they are
            // prepared on the blocking thread.
            let (plan, title) = {
                let ix = st.index();
                let title = snap
                    .path
                    .graph_path()
                    .and_then(|p| ix.graph.page(p))
                    .map_or_else(String::new, |p| p.title.clone());
                (lock(&st.block_index).plan(&ix.graph), title)
            };
            let s = snap.clone();
            let st2 = st.clone();
            blocking(move || {
                let pages = plan.prepare();
                lock(&st2.block_index).keep(&pages);
                let stop = || !fresh();
                let req = engine::BlockRequest {
                    path: s.path.graph_path(),
                    title,
                    src: &s.text,
                    outline: &s.analysis.outline,
                    offset,
                    card_tags: &settings.card_tags,
                };
                engine::complete_blocks(&pages, &req, &query, &range, &mut new_uuid, &stop)
            })
            .await??
        }
        Context::Page {
            query,
            range,
            style,
        } => {
            let _turn = st.completion_turn().await;
            if !fresh() {
                return None;
            }
            // Under the lock only the names of pages changed since the last search are
            // copied; the search runs without it. The index's lock first, as everywhere.
            let pages = {
                let ix = st.index();
                let pages = lock(&st.page_names).names(&ix.graph);
                pages
            };
            let typed = snap.text[range.start..offset.max(range.start)].to_string();
            let path = snap.path.graph_path().map(str::to_string);
            blocking(move || {
                engine::page_items(&pages, &query, &range, style, &typed, path.as_deref())
            })
            .await?
        }
        _ => {
            let ix = st.index();
            engine::complete(
                &engine::Request {
                    graph: &ix.graph,
                    path: snap.path.graph_path(),
                    src: &snap.text,
                    analysis: &snap.analysis,
                    offset,
                    card_tags: &settings.card_tags,
                    snippets: neg.snippets,
                },
                &mut new_uuid,
            )?
        }
    };
    let mut list = to_lsp(&snap, c, enc, &neg, &st.promises);
    // While the graph is still being indexed every list may lack pages, blocks or property
    // names found later: the editor must ask again rather than filter this one (issue 12).
    list.is_incomplete |= st.root().is_some() && !st.index_ready.load(Ordering::Acquire);
    Some(CompletionResponse::List(list))
}

/// A flag set when the guard is dropped. The request handler holds the guard: `$/cancelRequest`
/// drops the handler's future, but not the task it spawned nor the search that task runs on
/// the blocking pool, which read the flag and stop between pages.
pub fn drop_flag() -> (DropGuard, Arc<AtomicBool>) {
    let flag = Arc::new(AtomicBool::new(false));
    (DropGuard(flag.clone()), flag)
}

pub struct DropGuard(Arc<AtomicBool>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs a search on the blocking pool (a runtime thread stays free for the next message); a
/// panic there is re-raised here, for the handler's guard.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(c) => Some(c),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => None,
    }
}

fn kind(k: ItemKind) -> CompletionItemKind {
    match k {
        ItemKind::Block => CompletionItemKind::REFERENCE,
        ItemKind::Card => CompletionItemKind::EVENT,
        ItemKind::Page | ItemKind::NewPage => CompletionItemKind::FILE,
        ItemKind::Alias => CompletionItemKind::REFERENCE,
        ItemKind::Property => CompletionItemKind::PROPERTY,
        ItemKind::Value => CompletionItemKind::VALUE,
        ItemKind::Macro => CompletionItemKind::SNIPPET,
    }
}

fn to_lsp(
    snap: &Snapshot,
    c: Completion,
    enc: Encoding,
    neg: &Negotiated,
    promises: &Promises,
) -> CompletionList {
    let conv = |r: &std::ops::Range<usize>, idx: &LineIndex| range_to_lsp(&snap.text, idx, r, enc);
    let width = c.items.len().to_string().len();
    let items = c
        .items
        .into_iter()
        .enumerate()
        .filter_map(|(i, it)| {
            let mut additional = None;
            let mut command = None;
            if let Some(add) = &it.add_id {
                if add.same_document {
                    additional = Some(vec![lsp::TextEdit {
                        range: conv(&add.edit.range, &snap.index),
                        new_text: add.edit.new_text.clone(),
                    }]);
                } else {
                    // Another page: only when the client can apply the edit the command sends.
                    let path = add.path.as_deref().filter(|_| neg.apply_edit)?;
                    let promise = AddBlockId {
                        path: path.to_string(),
                        block_start: add.block_start,
                        first_line: add.first_line.clone(),
                        id: add.id.clone(),
                    };
                    command = Some(Command {
                        title: "Add an id:: to the referenced block".to_string(),
                        command: ADD_BLOCK_ID.to_string(),
                        arguments: Some(vec![promise.arguments()]),
                    });
                    promises.promise(promise);
                }
            }
            Some(CompletionItem {
                label: it.label,
                kind: Some(kind(it.kind)),
                detail: it.detail,
                documentation: it.documentation.map(|d| {
                    if neg.completion_markdown {
                        Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: d,
                        })
                    } else {
                        Documentation::String(d)
                    }
                }),
                sort_text: Some(format!("{i:0width$}")),
                filter_text: Some(it.filter),
                insert_text_format: Some(if it.snippet {
                    InsertTextFormat::SNIPPET
                } else {
                    InsertTextFormat::PLAIN_TEXT
                }),
                text_edit: Some(CompletionTextEdit::Edit(lsp::TextEdit {
                    range: conv(&it.edit.range, &snap.index),
                    new_text: it.edit.new_text,
                })),
                additional_text_edits: additional,
                command,
                ..Default::default()
            })
        })
        .collect();
    CompletionList {
        is_incomplete: c.incomplete,
        items,
    }
}
