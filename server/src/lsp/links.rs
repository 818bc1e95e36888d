//! `textDocument/documentLink` and `textDocument/documentHighlight`: the engine finds the links
//! (engine::links, page references) and the other uses of what is under the cursor
//! (engine::navigation::highlights); this turns them into URIs and ranges.

use tower_lsp_server::ls_types::{
    self as lsp, DocumentHighlight, DocumentHighlightKind, DocumentLink, Uri,
};

use logseq_core::syntax::inline::InlineKind;
use logseq_core::{ide::navigation, syntax::links};

use super::position::{position_to_offset, range_to_lsp};
use super::state::{file_path, State};

pub fn document_links(st: &State, p: lsp::DocumentLinkParams) -> Option<Vec<DocumentLink>> {
    let uri = &p.text_document.uri;
    let snap = st.docs.get(uri)?.snapshot();
    if snap.path.is_org() {
        return None;
    }
    let enc = st.encoding();
    let dir = file_path(uri).and_then(|f| f.parent().map(|d| d.to_path_buf()));
    let mut out = Vec::new();
    let mut push = |r: &std::ops::Range<usize>, target: Option<Uri>, tooltip: String| {
        if let Some(target) = target {
            out.push(DocumentLink {
                range: range_to_lsp(&snap.text, &snap.index, r, enc),
                target: Some(target),
                tooltip: Some(tooltip),
                data: None,
            });
        }
    };
    for l in links::links(&snap.text, &snap.analysis.outline) {
        match &l.target {
            links::Target::Url(u) => push(&l.range, u.parse().ok(), format!("Open {u}")),
            links::Target::Path(rel) => {
                let target = dir
                    .as_ref()
                    .and_then(|d| Uri::from_file_path(normalized(&d.join(rel))));
                push(&l.range, target, format!("Open {rel}"));
            }
        }
    }
    // Page references and tags: to the page's file, when the page has one.
    let pages: Vec<(std::ops::Range<usize>, String)> = {
        let ix = st.index();
        let mut v = Vec::new();
        for b in &snap.analysis.outline.blocks {
            for x in &b.inlines {
                if let InlineKind::PageRef { name } | InlineKind::Tag { name, .. } = &x.kind {
                    if let Some(pg) = ix.graph.page_by_name(&snap.text[name.clone()]) {
                        v.push((x.range.clone(), pg.path.clone()));
                    }
                }
            }
        }
        v
    };
    for (r, path) in pages {
        push(&r, st.uri_of(&path), format!("Open {path}"));
    }
    out.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    Some(out)
}

/// `a/pages/../assets/x` as `a/assets/x`, without touching the disk (the target may not exist).
fn normalized(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

pub fn document_highlights(
    st: &State,
    p: lsp::DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let pos = p.text_document_position_params;
    let snap = st.docs.get(&pos.text_document.uri)?.snapshot();
    let path = snap.path.graph_path()?;
    if snap.path.is_org() {
        return None;
    }
    let enc = st.encoding();
    let offset = position_to_offset(&snap.text, &snap.index, pos.position, enc);
    let found = {
        let ix = st.index();
        navigation::highlights(&ix.graph, path, &snap.text, &snap.analysis, offset)
    };
    Some(
        found
            .into_iter()
            .map(|(r, definition)| DocumentHighlight {
                range: range_to_lsp(&snap.text, &snap.index, &r, enc),
                kind: Some(if definition {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                }),
            })
            .collect(),
    )
}
