//! Go to definition, find references, rename (with prepareRename): the engine (`logseq_core::ide::navigation`, `logseq_core::ide::rename`) decides;
//! this converts positions and builds WorkspaceEdits.
//!
//! Locations in other pages are byte ranges of the text the graph holds for them (for an open
//! page, the editor's text): the texts are copied (shared `Arc`s) while the index is locked and
//! converted after it is released, never touching the document store under the index lock
//! (lock order: see state.rs).

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    self as lsp, GotoDefinitionResponse, Location, PrepareRenameResponse, RenameFile, ResourceOp,
    Uri, WorkspaceEdit,
};

use logseq_core::ide::{navigation, rename};
use logseq_core::syntax::text::{Encoding, LineIndex};

use super::documents::Snapshot;
use super::position::{position_to_offset, range_to_lsp};
use super::state::State;
use super::workspace_edit::EditBuilder;

/// Page texts copied out of the index, with line indexes built on demand.
#[derive(Default)]
pub struct Texts {
    texts: HashMap<String, Arc<str>>,
    indexes: HashMap<String, LineIndex>,
}

impl Texts {
    pub fn insert(&mut self, path: &str, text: Arc<str>) {
        self.texts.entry(path.to_string()).or_insert(text);
    }

    pub fn text(&self, path: &str) -> Option<&Arc<str>> {
        self.texts.get(path)
    }

    pub fn range(
        &mut self,
        path: &str,
        r: &std::ops::Range<usize>,
        enc: Encoding,
    ) -> Option<lsp::Range> {
        let text = self.texts.get(path)?;
        let idx = self
            .indexes
            .entry(path.to_string())
            .or_insert_with(|| LineIndex::new(text));
        Some(range_to_lsp(text, idx, r, enc))
    }

    pub fn location(
        &mut self,
        st: &State,
        l: &navigation::Location,
        enc: Encoding,
    ) -> Option<Location> {
        Some(Location {
            uri: st.uri_of(&l.path)?,
            range: self.range(&l.path, &l.range, enc)?,
        })
    }
}

pub(super) fn snapshot(st: &State, uri: &Uri) -> Option<Snapshot> {
    let snap = st.docs.get(uri)?.snapshot();
    (!snap.path.is_org()).then_some(snap)
}

/// Engine locations, converted (texts copied under the index lock, converted after).
fn to_locations(st: &State, locs: Vec<navigation::Location>, texts: &mut Texts) -> Vec<Location> {
    let enc = st.encoding();
    locs.iter()
        .filter_map(|l| texts.location(st, l, enc))
        .collect()
}

pub fn definition(st: &State, p: lsp::GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let p = p.text_document_position_params;
    let snap = snapshot(st, &p.text_document.uri)?;
    let offset = position_to_offset(&snap.text, &snap.index, p.position, st.encoding());
    let mut texts = Texts::default();
    let locs = {
        let ix = st.index();
        let locs = navigation::definition(&ix.graph, &snap.text, &snap.analysis, offset);
        for l in &locs {
            if let Some(pg) = ix.graph.page(&l.path) {
                texts.insert(&l.path, pg.text.clone());
            }
        }
        locs
    };
    let out = to_locations(st, locs, &mut texts);
    match out.len() {
        0 => None,
        1 => Some(GotoDefinitionResponse::Scalar(out.into_iter().next()?)),
        _ => Some(GotoDefinitionResponse::Array(out)),
    }
}

pub fn references(st: &State, p: lsp::ReferenceParams) -> Option<Vec<Location>> {
    let pos = p.text_document_position;
    let snap = snapshot(st, &pos.text_document.uri)?;
    let offset = position_to_offset(&snap.text, &snap.index, pos.position, st.encoding());
    let mut texts = Texts::default();
    let locs = {
        let ix = st.index();
        let locs = navigation::references(
            &ix.graph,
            snap.path.graph_path(),
            &snap.text,
            &snap.analysis,
            offset,
            p.context.include_declaration,
        );
        for l in &locs {
            if let Some(pg) = ix.graph.page(&l.path) {
                texts.insert(&l.path, pg.text.clone());
            }
        }
        locs
    };
    Some(to_locations(st, locs, &mut texts))
}

pub fn request_failed(msg: impl Into<String>) -> jsonrpc::Error {
    jsonrpc::Error {
        // LSP's RequestFailed: the request was valid, and the answer is no (with why).
        code: jsonrpc::ErrorCode::ServerError(-32803),
        message: msg.into().into(),
        data: None,
    }
}

pub fn prepare_rename(
    st: &State,
    p: lsp::TextDocumentPositionParams,
) -> jsonrpc::Result<Option<PrepareRenameResponse>> {
    let Some(snap) = snapshot(st, &p.text_document.uri) else {
        return Ok(None);
    };
    let enc = st.encoding();
    let offset = position_to_offset(&snap.text, &snap.index, p.position, enc);
    let r = {
        let ix = st.index();
        rename::prepare(
            &ix.graph,
            snap.path.graph_path(),
            &snap.text,
            &snap.analysis,
            offset,
        )
    };
    match r {
        Ok(Some((range, placeholder))) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: range_to_lsp(&snap.text, &snap.index, &range, enc),
            placeholder,
        })),
        Ok(None) => Ok(None),
        Err(msg) => Err(request_failed(msg)),
    }
}

pub fn rename(st: &State, p: lsp::RenameParams) -> jsonrpc::Result<Option<WorkspaceEdit>> {
    let pos = p.text_document_position;
    let Some(snap) = snapshot(st, &pos.text_document.uri) else {
        return Ok(None);
    };
    let enc = st.encoding();
    let offset = position_to_offset(&snap.text, &snap.index, pos.position, enc);
    let mut texts = Texts::default();
    let r = {
        let ix = st.index();
        let r = rename::rename(
            &ix.graph,
            snap.path.graph_path(),
            &snap.text,
            &snap.analysis,
            offset,
            &p.new_name,
        );
        if let Ok(r) = &r {
            for path in r.edits.keys() {
                if let Some(pg) = ix.graph.page(path) {
                    texts.insert(path, pg.text.clone());
                }
            }
        }
        r
    };
    let r = r.map_err(request_failed)?;
    let neg = st.negotiated();
    let mut out = EditBuilder::new(st);
    for (path, edits) in &r.edits {
        let Some(uri) = st.uri_of(path) else { continue };
        let Some(text) = texts.text(path).cloned() else {
            continue;
        };
        // An open page: the edit is for the editor's version of it, which the graph holds.
        let version = match st.docs.get(&uri) {
            Some(d) if Arc::ptr_eq(&d.text, &text) => Some(d.version),
            Some(_) => {
                return Err(request_failed(format!(
                    "{path} changed while renaming; try again"
                )))
            }
            None => None,
        };
        let lsp_edits: Vec<lsp::TextEdit> = edits
            .iter()
            .filter_map(|e| {
                Some(lsp::TextEdit {
                    range: texts.range(path, &e.range, enc)?,
                    new_text: e.new_text.clone(),
                })
            })
            .collect();
        out.edit(uri, version, lsp_edits);
    }
    if let Some((old, new)) = &r.file {
        if neg.document_changes && neg.resource_rename {
            if let (Some(old_uri), Some(new_uri)) = (st.uri_of(old), st.uri_of(new)) {
                out.op(ResourceOp::Rename(RenameFile {
                    old_uri,
                    new_uri,
                    options: None,
                    annotation_id: None,
                }));
            }
        } else {
            super::log::warn_user(
                &st.client,
                format!(
                    "the links were renamed, but your editor cannot rename files through the \
                     language server: rename {old} to {new} yourself"
                ),
            );
        }
    }
    Ok(Some(out.finish()))
}
