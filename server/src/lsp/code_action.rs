//! `textDocument/codeAction`: the engine's quick fixes for the diagnostics in the request, and
//! `source.fixAll` (every safe fix, as one edit). The server never writes files: every fix is a
//! WorkspaceEdit the editor applies.

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionResponse, NumberOrString, Uri, WorkspaceEdit,
};

use crate::engine::analysis::{self, PageAnalysis};
use crate::engine::diagnostic::{Code, Diagnostic};
use crate::engine::edit::TextEdit;
use crate::engine::fixes::{self, FixCtx};
use crate::engine::ids::{new_uuid, parse_uuid};
use crate::engine::rules;
use crate::engine::settings::Settings;
use crate::engine::text::Encoding;

use super::diagnostics::{engine_diagnostics, to_lsp};
use super::documents::{DocPath, Snapshot};
use super::position::{range_to_lsp, range_to_offsets};
use super::state::State;

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

pub fn code_actions(st: &State, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = params.text_document.uri;
    let snap = st.docs.get(&uri)?.snapshot();
    let enc = st.encoding();
    let only = &params.context.only;
    let mut out = Vec::new();
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        let engine = engine_diagnostics(st, &snap);
        // The request's diagnostics, matched to the engine's by code and range; a client that
        // sends none (a plain "code actions here" request) gets fixes for what overlaps the range.
        let pairs: Vec<(lsp::Diagnostic, &Diagnostic)> = if params.context.diagnostics.is_empty() {
            let r = range_to_offsets(&snap.text, &snap.index, params.range, enc);
            engine
                .iter()
                .filter(|d| overlaps(&d.range, &r))
                .filter_map(|d| {
                    let l = to_lsp(st, &uri, &snap, std::slice::from_ref(d)).pop()?;
                    Some((l, d))
                })
                .collect()
        } else {
            params
                .context
                .diagnostics
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
                .collect()
        };
        let ctx = FixCtx {
            src: &snap.text,
            analysis: &snap.analysis,
        };
        let mut new_id = new_uuid;
        for (l, d) in pairs {
            for (i, f) in fixes::fixes_for(&ctx, d, &mut new_id)
                .into_iter()
                .enumerate()
            {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: f.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![l.clone()]),
                    edit: Some(workspace_edit(&uri, &snap, &f.edits, enc)),
                    is_preferred: Some(i == 0),
                    ..Default::default()
                }));
            }
        }
    }
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        out.extend(super::navigation::create_page_actions(
            st,
            &snap,
            params.range,
        ));
    }
    if wanted(only, FIX_ALL_KIND) {
        if let Some(e) = fix_all(st, &snap) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all safe Logseq problems".to_string(),
                kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                edit: Some(workspace_edit(&uri, &snap, &[e], enc)),
                ..Default::default()
            }));
        }
    }
    Some(out)
}

fn workspace_edit(uri: &Uri, snap: &Snapshot, edits: &[TextEdit], enc: Encoding) -> WorkspaceEdit {
    let enc_edits = edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: range_to_lsp(&snap.text, &snap.index, &e.range, enc),
            new_text: e.new_text.clone(),
        })
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), enc_edits)])),
        ..Default::default()
    }
}

/// Every safe fix, as one edit. Graph rules see each round's text: the page's facts in the index
/// are replaced while fixing (under the index's write lock) and put back afterwards, so
/// id-duplicate stops firing once this page's copy has a new id. The first copy of a duplicated
/// id in graph order (by path, then offset) keeps it.
fn fix_all(st: &State, snap: &Snapshot) -> Option<TextEdit> {
    if snap.path.is_org() || matches!(snap.path, DocPath::Ignored(_)) {
        return None;
    }
    let settings: Arc<Settings> = st.settings();
    let path = snap
        .path
        .graph_path()
        .filter(|_| st.graph_rules_on())
        .map(str::to_string);
    let ix = RefCell::new(st.index_mut());
    let mut diagnose = |t: &str| -> (PageAnalysis, Vec<Diagnostic>) {
        let a = analysis::analyze(t, &settings);
        let d = match &path {
            Some(p) => {
                let mut ix = ix.borrow_mut();
                ix.graph.upsert(p.clone(), Arc::from(t), a.facts.clone());
                analysis::diagnostics(&ix.graph, p, &a, &settings)
            }
            None => rules::finish(a.local.clone(), &settings),
        };
        (a, d)
    };
    let skip = |t: &str, d: &Diagnostic| -> bool {
        let (Some(p), Code::IdDuplicate) = (&path, d.code) else {
            return false;
        };
        let Some(id) = t.get(d.range.clone()).and_then(parse_uuid) else {
            return false;
        };
        let ix = ix.borrow();
        let sites = ix.graph.id_sites(&id);
        sites
            .first()
            .is_some_and(|(page, site)| page.path == *p && site.value == d.range)
    };
    let mut new_id = new_uuid;
    let r = catch_unwind(AssertUnwindSafe(|| {
        fixes::fix_all(&snap.text, &mut diagnose, &skip, &mut new_id)
    }));
    // Put the page's real (editor) state back before anything else can read the index.
    if let Some(p) = &path {
        ix.borrow_mut().restore_open(p);
    }
    let (text, _codes) = r.unwrap_or_else(|p| resume_unwind(p));
    fixes::diff_edit(&snap.text, &text)
}
