//! The fresh `id::` a `((` completion item promises to a block of another page.
//!
//! The item carries a command (`logseq-lsp.addBlockId`) that writes the id when the item is
//! accepted, but not every client runs a completion item's command: eglot does not (neither 1.9
//! nor 1.24, `eglot-completion-at-point`'s exit function), and the reference it inserts would not
//! resolve. So the server also keeps its promises itself: when a didChange inserts a `((uuid))`
//! that a completion promised, it asks the client to write the id (`workspace/applyEdit`).
//! Whichever comes first, the command or the didChange, claims the promise; the other finds it
//! claimed and does nothing (both would write it: the page's new text may not have reached the
//! server yet, so the block would still look id-less).

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{Uri, WorkspaceEdit};

use logseq_core::ide::completion::add_id_now;
use logseq_core::syntax::edit::TextEdit;
use logseq_core::syntax::text::LineIndex;

use super::log::{warn_user, CLIENT_TIMEOUT};
use super::navigation::request_failed;
use super::promises::{referenced_ids, AddBlockId, Claim};
use super::state::State;
use super::workspace_edit;

/// A didChange inserted `texts`: keeps the promises among their references.
pub fn keep_promises_in(st: &std::sync::Arc<State>, texts: &[&str]) {
    if !st.promises.any() {
        return;
    }
    for id in texts.iter().flat_map(|t| referenced_ids(t)) {
        if let Claim::Mine(a) = st.promises.claim(&id) {
            let st = st.clone();
            tokio::spawn(async move {
                if let Err(e) = write_id(&st, &a).await {
                    warn_user(
                        &st.client,
                        format!("could not add id:: {}: {}", a.id, e.message),
                    );
                }
            });
        }
    }
}

/// `workspace/executeCommand` for [`ADD_BLOCK_ID`].
pub async fn execute_add_block_id(st: &State, args: &[serde_json::Value]) -> jsonrpc::Result<()> {
    let Some(a) = AddBlockId::from_arguments(args) else {
        return Err(jsonrpc::Error::invalid_params(
            "expected [{path, blockStart, firstLine, id}]",
        ));
    };
    match st.promises.claim(&a.id) {
        Claim::Taken => Ok(()),
        Claim::Mine(_) | Claim::Unknown => write_id(st, &a).await,
    }
}

/// Finds the block in the page's current text and asks the client to apply the edit
/// (`workspace/applyEdit`).
async fn write_id(st: &State, a: &AddBlockId) -> jsonrpc::Result<()> {
    let (path, id) = (&a.path, &a.id);
    let Some(uri) = st.uri_of(path) else {
        return Err(request_failed("no graph is open"));
    };
    // The open document's text and version, else the graph's copy (read from disk).
    let open = st.docs.get(&uri).map(|d| (d.text.clone(), Some(d.version)));
    let (text, version) = match open {
        Some(t) => t,
        None => match st.index().graph.page(path) {
            Some(p) => (p.text.clone(), None),
            None => return Err(request_failed(format!("{path} is not a page of the graph"))),
        },
    };
    let edit = match add_id_now(&text, a.block_start, &a.first_line, id) {
        Ok(Some(e)) => e,
        Ok(None) => return Ok(()),
        Err(why) => {
            warn_user(
                &st.client,
                format!("could not add id:: {id} in {path}: {why}"),
            );
            return Ok(());
        }
    };
    let ws = single_edit(st, uri, &text, version, &edit);
    let asked = tokio::time::timeout(CLIENT_TIMEOUT, st.client.apply_edit(ws));
    let Ok(answer) = asked.await else {
        return Err(request_failed(format!(
            "the editor did not answer workspace/applyEdit (adding id:: {id} in {path})"
        )));
    };
    match answer {
        Ok(r) if r.applied => Ok(()),
        Ok(r) => {
            warn_user(
                &st.client,
                format!(
                    "the editor did not add id:: {id} in {path}{}",
                    r.failure_reason
                        .map(|f| format!(": {f}"))
                        .unwrap_or_default()
                ),
            );
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// A WorkspaceEdit of one edit in one document (versioned when the client supports it).
fn single_edit(
    st: &State,
    uri: Uri,
    text: &str,
    version: Option<i32>,
    e: &TextEdit,
) -> WorkspaceEdit {
    let edits = workspace_edit::to_lsp(
        text,
        &LineIndex::new(text),
        std::slice::from_ref(e),
        st.encoding(),
    );
    workspace_edit::one_document(st, uri, version, edits)
}
