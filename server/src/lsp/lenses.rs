//! Inlay hints (a `((uuid))` reference's block title) and the code lens of a page's card counts:
//! labels drawn into the text, decided by the engine (`logseq_core::ide`).

use chrono::Utc;
use tower_lsp_server::ls_types::{
    self as lsp, CodeLens, Command, InlayHint, InlayHintLabel, InlayHintTooltip,
};

use logseq_core::ide::{navigation, symbols};

use super::navigation::snapshot;
use super::position::{range_to_lsp, range_to_offsets};
use super::state::State;

pub fn inlay_hints(st: &State, p: lsp::InlayHintParams) -> Option<Vec<InlayHint>> {
    let settings = st.settings();
    if !settings.inlay_hints {
        return Some(Vec::new());
    }
    let snap = snapshot(st, &p.text_document.uri)?;
    let enc = st.encoding();
    let range = range_to_offsets(&snap.text, &snap.index, p.range, enc);
    let hints = {
        let ix = st.index();
        navigation::block_ref_hints(
            &ix.graph,
            snap.path.graph_path(),
            &snap.text,
            &snap.analysis,
            range,
            settings.inlay_hint_max_length,
        )
    };
    Some(
        hints
            .into_iter()
            .map(|h| InlayHint {
                position: range_to_lsp(&snap.text, &snap.index, &(h.offset..h.offset), enc).start,
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}

pub fn code_lens(st: &State, p: lsp::CodeLensParams) -> Option<Vec<CodeLens>> {
    if !st.settings().code_lens {
        return Some(Vec::new());
    }
    let snap = snapshot(st, &p.text_document.uri)?;
    let counts = symbols::card_counts(
        &snap.text,
        &snap.analysis.outline,
        &snap.analysis.cards,
        Utc::now(),
    );
    if counts.total == 0 {
        return Some(Vec::new());
    }
    let start = lsp::Position::new(0, 0);
    Some(vec![CodeLens {
        range: lsp::Range::new(start, start),
        // No command to run: the lens is a label (an empty command is how LSP says so).
        command: Some(Command {
            title: symbols::card_counts_label(&counts),
            command: String::new(),
            arguments: None,
        }),
        data: None,
    }])
}
