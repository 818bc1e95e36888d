//! `textDocument/codeAction`: the engine's quick fixes for the diagnostics in the request, and
//! `source.fixAll` (every safe fix, as one edit). The server never writes files: every fix is a
//! WorkspaceEdit the editor applies, for the document version it was computed on (versioned
//! `documentChanges` when the client supports them; a request whose version is gone by the time
//! it is answered gets ContentModified, not edits for a text the editor no longer has).
//!
//! Fix-all re-runs the rules until nothing safe is left (seconds on a multi-megabyte page), so it
//! is computed only when asked for: when `only` names it (on save, or the command), or through
//! `codeAction/resolve` for the lightbulb entry (a plain request, sent on every cursor move,
//! gets that entry without its edit). It works on a copy of the graph, never under the index's
//! write lock.

use std::sync::Arc;

use serde_json::json;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionResponse, NumberOrString, Uri, WorkspaceEdit,
};

use logseq_core::lint::diagnostic::Diagnostic;
use logseq_core::lint::fixes::{self, FixCtx};
use logseq_core::lint::rules;
use logseq_core::model::settings::Settings;
use logseq_core::syntax::edit::TextEdit;
use logseq_core::syntax::uuid::new_uuid;

use super::diagnostics::{engine_diagnostics, to_lsp};
use super::documents::{DocPath, Snapshot};
use super::position::range_to_offsets;
use super::state::State;
use super::workspace_edit;

pub const FIX_ALL_KIND: &str = "source.fixAll.logseq-lsp";

pub fn kinds() -> Vec<CodeActionKind> {
    vec![
        CodeActionKind::QUICKFIX,
        CodeActionKind::SOURCE_FIX_ALL,
        CodeActionKind::new(FIX_ALL_KIND),
    ]
}

/// Whether the request's `only` filter admits `kind` (LSP kinds are hierarchical: `source`
/// admits `source.fixAll.logseq-lsp`).
fn wanted(only: &Option<Vec<CodeActionKind>>, kind: &str) -> bool {
    only.as_ref().is_none_or(|only| {
        only.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
        })
    })
}

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Whether the request's `only` names `kind` (or a parent of it): a plain request does not.
fn asked_for(only: &Option<Vec<CodeActionKind>>, kind: &str) -> bool {
    only.is_some() && wanted(only, kind)
}

fn content_modified() -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ContentModified,
        message: "logseq-lsp: the document changed; ask again".into(),
        data: None,
    }
}

/// The version `snap` was taken at is still the document's.
fn current(st: &State, uri: &Uri, snap: &Snapshot) -> bool {
    st.docs.get(uri).map(|d| d.version) == Some(snap.version)
}

pub fn code_actions(
    st: &State,
    params: CodeActionParams,
) -> jsonrpc::Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let Some(snap) = st.docs.get(&uri).map(|d| d.snapshot()) else {
        return Ok(None);
    };
    let enc = st.encoding();
    let only = &params.context.only;
    let mut out = Vec::new();
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        let engine = engine_diagnostics(st, &snap);
        // The request's diagnostics, matched to the engine's by code and range. A client that
        // sends none (a plain "code actions here" request), or one the engine no longer has
        // (published before a settings change or a re-index: a card's folded diagnostic can
        // change its lead code), gets fixes for what the engine finds over the range now.
        let sent = &params.context.diagnostics;
        let mut pairs: Vec<(lsp::Diagnostic, &Diagnostic)> = sent
            .iter()
            .filter_map(|l| {
                let Some(NumberOrString::String(code)) = &l.code else {
                    return None;
                };
                let r = range_to_offsets(&snap.text, &snap.index, l.range, enc);
                let d = engine
                    .iter()
                    .find(|d| d.code.as_str() == code && d.range == r)?;
                Some((l.clone(), d))
            })
            .collect();
        if pairs.len() < sent.len() || sent.is_empty() {
            let r = range_to_offsets(&snap.text, &snap.index, params.range, enc);
            // A card's findings shown as one (grouping.rs) are here wherever one of them is.
            let hit: Vec<&Diagnostic> = engine
                .iter()
                .filter(|d| !pairs.iter().any(|(_, p)| std::ptr::eq(*p, *d)))
                .filter(|d| {
                    overlaps(&d.range, &r) || d.folded.iter().any(|f| overlaps(&f.range, &r))
                })
                .collect();
            // Converted together: positions along a long line are found in one walk.
            let owned: Vec<Diagnostic> = hit.iter().map(|d| (*d).clone()).collect();
            pairs.extend(to_lsp(st, &uri, &snap, owned).into_iter().zip(hit));
        }
        let ctx = FixCtx {
            src: &snap.text,
            analysis: &snap.analysis,
        };
        let mut new_id = new_uuid;
        for (l, d) in pairs {
            // One diagnostic standing for a card's findings offers the fixes of each.
            let members = if d.folded.is_empty() {
                std::slice::from_ref(d)
            } else {
                &d.folded[..]
            };
            let found: Vec<_> = members
                .iter()
                .flat_map(|m| {
                    let mut m = m.clone();
                    if snap.path.graph_path().is_some() {
                        rules::suggest_assets(&st.index().graph, &snap.text, &mut m);
                    }
                    fixes::fixes_for(&ctx, &m, &mut new_id)
                })
                .collect();
            for (i, f) in found.into_iter().enumerate() {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: f.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![l.clone()]),
                    edit: Some(workspace_edit(st, &uri, &snap, &f.edits)),
                    is_preferred: Some(i == 0),
                    ..Default::default()
                }));
            }
        }
    }
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        out.extend(super::new_page::create_page_actions(
            st,
            &snap,
            params.range,
        ));
    }
    if asked_for(only, FIX_ALL_KIND) {
        if let Some(e) = fix_all(st, &snap) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: FIX_ALL_TITLE.to_string(),
                kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                edit: Some(workspace_edit(st, &uri, &snap, &[e])),
                ..Default::default()
            }));
        }
    } else if only.is_none() && st.negotiated().code_action_resolve && fixable(&snap) {
        // Offered without its edit: computed by `resolve` if the user picks it.
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: FIX_ALL_TITLE.to_string(),
            kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
            data: Some(json!({"uri": uri.as_str(), "version": snap.version})),
            ..Default::default()
        }));
    }
    if !current(st, &uri, &snap) {
        return Err(content_modified());
    }
    Ok(Some(out))
}

const FIX_ALL_TITLE: &str = "Fix all safe Logseq problems";

/// `codeAction/resolve` for the lazy fix-all: its edit, for the version it was offered on.
pub fn resolve(st: &State, mut action: CodeAction) -> jsonrpc::Result<CodeAction> {
    let data = action.data.clone().unwrap_or_default();
    let uri = data
        .get("uri")
        .and_then(|u| u.as_str())
        .and_then(|u| u.parse::<Uri>().ok());
    let version = data.get("version").and_then(|v| v.as_i64());
    let (Some(uri), Some(version)) = (uri, version) else {
        return Ok(action); // not ours to resolve
    };
    let Some(snap) = st.docs.get(&uri).map(|d| d.snapshot()) else {
        return Err(content_modified());
    };
    if i64::from(snap.version) != version {
        return Err(content_modified());
    }
    let e = fix_all(st, &snap);
    if !current(st, &uri, &snap) {
        return Err(content_modified());
    }
    action.edit = Some(match e {
        Some(e) => workspace_edit(st, &uri, &snap, &[e]),
        None => WorkspaceEdit::default(), // fixed meanwhile: nothing left to do
    });
    Ok(action)
}

fn fixable(snap: &Snapshot) -> bool {
    !snap.path.is_org() && !matches!(snap.path, DocPath::Ignored(_))
}

fn workspace_edit(st: &State, uri: &Uri, snap: &Snapshot, edits: &[TextEdit]) -> WorkspaceEdit {
    let edits = workspace_edit::to_lsp(&snap.text, &snap.index, edits, st.encoding());
    workspace_edit::one_document(st, uri.clone(), Some(snap.version), edits)
}

fn fix_all(st: &State, snap: &Snapshot) -> Option<TextEdit> {
    if !fixable(snap) {
        return None;
    }
    let settings: Arc<Settings> = st.settings();
    let path = snap.path.graph_path().filter(|_| st.graph_rules_on());
    let mut graph = path.map(|_| st.index().graph.clone());
    let in_graph = graph.as_mut().zip(path);
    let (text, _codes) = fixes::fix_page(in_graph, &snap.text, &settings, &mut new_uuid);
    fixes::diff_edit(&snap.text, &text)
}
