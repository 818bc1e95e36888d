//! The one way the server builds a WorkspaceEdit (quick fixes, fix-all, rename, "create page",
//! the `addBlockId` command): each document's edits for the version they were computed on
//! (`documentChanges`, versioned where the document is open) when the client supports it, else
//! the plain `changes` map; file operations only where `documentChanges` is supported.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    self as lsp, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentEdit, Uri, WorkspaceEdit,
};

use logseq_core::syntax::edit::TextEdit;
use logseq_core::syntax::text::{Encoding, LineIndex};

use super::position::range_to_lsp;
use super::state::State;

pub struct EditBuilder {
    document_changes: bool,
    ops: Vec<DocumentChangeOperation>,
    changes: HashMap<Uri, Vec<lsp::TextEdit>>,
}

impl EditBuilder {
    pub fn new(st: &State) -> EditBuilder {
        EditBuilder {
            document_changes: st.negotiated().document_changes,
            ops: Vec::new(),
            changes: HashMap::new(),
        }
    }

    /// Edits to one document; `version`: the open document's version they are for.
    pub fn edit(&mut self, uri: Uri, version: Option<i32>, edits: Vec<lsp::TextEdit>) {
        if self.document_changes {
            self.ops
                .push(DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                }));
        } else {
            self.changes.insert(uri, edits);
        }
    }

    /// A file operation: only sent to clients that take `documentChanges` (callers check the
    /// operation itself is supported).
    pub fn op(&mut self, op: ResourceOp) {
        if self.document_changes {
            self.ops.push(DocumentChangeOperation::Op(op));
        }
    }

    pub fn finish(self) -> WorkspaceEdit {
        if self.document_changes {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Operations(self.ops)),
                ..Default::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(self.changes),
                ..Default::default()
            }
        }
    }
}

/// The engine's byte-offset edits of `text` in the client's position encoding.
pub fn to_lsp(
    text: &str,
    index: &LineIndex,
    edits: &[TextEdit],
    enc: Encoding,
) -> Vec<lsp::TextEdit> {
    edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: range_to_lsp(text, index, &e.range, enc),
            new_text: e.new_text.clone(),
        })
        .collect()
}

/// A WorkspaceEdit of edits to one document.
pub fn one_document(
    st: &State,
    uri: Uri,
    version: Option<i32>,
    edits: Vec<lsp::TextEdit>,
) -> WorkspaceEdit {
    let mut b = EditBuilder::new(st);
    b.edit(uri, version, edits);
    b.finish()
}
