//! `textDocument/hover`: the engine writes the Markdown (card question and answer, the block a
//! `((ref))` points at, the page a link names); this only converts positions.

use chrono::Utc;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use logseq_core::ide::hover;

use super::position::{position_to_offset, range_to_lsp};
use super::state::State;

pub fn hover(st: &State, params: HoverParams) -> Option<Hover> {
    let p = params.text_document_position_params;
    let snap = st.docs.get(&p.text_document.uri)?.snapshot();
    if snap.path.is_org() {
        return None;
    }
    // Fault injection for the test that proves a panicking handler is answered with an error and
    // the server keeps serving (tests/e2e/test_robustness.py); inert unless the variable is set.
    if std::env::var_os("LOGSEQ_LSP_FAULT").is_some_and(|v| v == "hover")
        && snap.text.contains("LOGSEQ_LSP_PANIC")
    {
        panic!("injected fault in hover");
    }
    let enc = st.encoding();
    let offset = position_to_offset(&snap.text, &snap.index, p.position, enc);
    let settings = st.settings();
    let h = hover::hover(
        &st.index().graph,
        &snap.text,
        &snap.analysis,
        offset,
        &settings,
        Utc::now(),
    )?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(range_to_lsp(&snap.text, &snap.index, &h.range, enc)),
    })
}
