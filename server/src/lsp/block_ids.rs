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

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde_json::json;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{Uri, WorkspaceEdit};

use logseq_core::ide::completion::add_id_now;
use logseq_core::syntax::edit::TextEdit;
use logseq_core::syntax::text::LineIndex;
use logseq_core::syntax::uuid::parse_uuid;

use super::log::{warn_user, CLIENT_TIMEOUT};
use super::navigation::request_failed;
use super::state::State;
use super::workspace_edit;

/// The command a `((` completion item runs to write a fresh `id::` under a block of another
/// page: `[{path, blockStart, firstLine, id}]`.
pub const ADD_BLOCK_ID: &str = "logseq-lsp.addBlockId";

/// Promises kept at most (a few completion lists' worth: each `((` keystroke makes a new list).
const KEPT: usize = 2048;

/// Where an id goes: the block of `path` that started at `block_start` with `first_line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddBlockId {
    pub path: String,
    pub block_start: usize,
    pub first_line: String,
    pub id: String,
}

impl AddBlockId {
    pub fn arguments(&self) -> serde_json::Value {
        json!({"path": self.path, "blockStart": self.block_start,
               "firstLine": self.first_line, "id": self.id})
    }

    fn from_arguments(args: &[serde_json::Value]) -> Option<AddBlockId> {
        let a = args.first()?;
        Some(AddBlockId {
            path: a.get("path")?.as_str()?.to_string(),
            block_start: usize::try_from(a.get("blockStart")?.as_u64()?).ok()?,
            first_line: a.get("firstLine")?.as_str()?.to_string(),
            id: a.get("id")?.as_str()?.to_string(),
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// Promised and not yet claimed: the caller writes it.
    Mine(AddBlockId),
    /// The other path claimed it already.
    Taken,
    /// Never promised (or forgotten): a command still writes it, a didChange ignores it.
    Unknown,
}

/// The promises, oldest first, and the ids claimed lately.
#[derive(Default)]
pub struct Promises {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    open: HashMap<String, AddBlockId>,
    order: VecDeque<String>,
    claimed: VecDeque<String>,
}

impl Promises {
    pub fn promise(&self, a: AddBlockId) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.order.push_back(a.id.clone());
        g.open.insert(a.id.clone(), a);
        while g.order.len() > KEPT {
            if let Some(old) = g.order.pop_front() {
                g.open.remove(&old);
            }
        }
    }

    pub fn claim(&self, id: &str) -> Claim {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(a) = g.open.remove(id) {
            g.order.retain(|x| x != id);
            g.claimed.push_back(a.id.clone());
            if g.claimed.len() > KEPT {
                g.claimed.pop_front();
            }
            Claim::Mine(a)
        } else if g.claimed.iter().any(|x| x == id) {
            Claim::Taken
        } else {
            Claim::Unknown
        }
    }

    /// Whether anything is promised (a didChange looks for references only then).
    pub fn any(&self) -> bool {
        !self
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .open
            .is_empty()
    }
}

/// The ids of the `((uuid))` references in `text` (an inserted piece of a document).
pub fn referenced_ids(text: &str) -> Vec<String> {
    text.match_indices("((")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            let end = rest.find("))")?;
            parse_uuid(&rest[..end])
        })
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6561b4a2-0d0c-4a8e-9e1f-0123456789ab";

    fn promise(id: &str) -> AddBlockId {
        AddBlockId {
            path: "pages/a.md".into(),
            block_start: 0,
            first_line: "- a".into(),
            id: id.into(),
        }
    }

    #[test]
    fn references_in_inserted_text() {
        assert_eq!(referenced_ids(&format!("(({ID}))")), vec![ID.to_string()]);
        assert_eq!(
            referenced_ids(&format!("- see (({ID})) 🦀 ((x))")),
            vec![ID.to_string()]
        );
        assert!(
            referenced_ids(&format!("(({ID}")).is_empty(),
            "not closed yet"
        );
        assert!(referenced_ids("((what is a))").is_empty());
    }

    #[test]
    fn a_promise_is_claimed_once() {
        let p = Promises::default();
        assert_eq!(p.claim(ID), Claim::Unknown);
        p.promise(promise(ID));
        assert!(p.any());
        assert_eq!(p.claim(ID), Claim::Mine(promise(ID)));
        assert_eq!(
            p.claim(ID),
            Claim::Taken,
            "the command after the didChange (or the reverse)"
        );
        assert!(!p.any());
    }

    #[test]
    fn old_promises_are_forgotten() {
        let p = Promises::default();
        let ids: Vec<String> = (0..KEPT + 1)
            .map(|i| format!("{i:08}-0000-4000-8000-000000000000"))
            .collect();
        for id in &ids {
            p.promise(promise(id));
        }
        assert_eq!(p.claim(&ids[0]), Claim::Unknown);
        assert!(matches!(p.claim(&ids[KEPT]), Claim::Mine(_)));
    }

    #[test]
    fn arguments_round_trip() {
        let a = promise(ID);
        assert_eq!(AddBlockId::from_arguments(&[a.arguments()]), Some(a));
        assert_eq!(AddBlockId::from_arguments(&[json!({"path": "x"})]), None);
    }
}
