//! `textDocument/selectionRange` from the tree-sitter-md block tree: "expand selection" walks
//! CommonMark structure (inline text → paragraph → list item → list → section). This is the one
//! feature that reads the tree; everything Logseq-specific reads the engine's outline.

use tower_lsp_server::ls_types::{Range, SelectionRange, SelectionRangeParams};

use super::position::{position_to_offset, range_to_lsp};
use super::state::State;

pub fn selection_ranges(st: &State, params: SelectionRangeParams) -> Option<Vec<SelectionRange>> {
    let enc = st.encoding();
    // Held only for this synchronous walk; the tree lives in the document (built on first ask).
    let mut doc = st.docs.get_mut(&params.text_document.uri)?;
    doc.tree();
    let doc = doc.downgrade();
    let out = params
        .positions
        .into_iter()
        .map(|pos| {
            let off = position_to_offset(&doc.text, &doc.index, pos, enc);
            let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
            let mut node = doc
                .built_tree()
                .and_then(|t| t.root_node().descendant_for_byte_range(off, off));
            while let Some(n) = node {
                let r = n.byte_range();
                if ranges.last() != Some(&r) {
                    ranges.push(r);
                }
                node = n.parent();
            }
            let mut sel: Option<SelectionRange> = None;
            for r in ranges.iter().rev() {
                sel = Some(SelectionRange {
                    range: range_to_lsp(&doc.text, &doc.index, r, enc),
                    parent: sel.map(Box::new),
                });
            }
            // One answer per position, as the protocol requires, even where there is no node.
            sel.unwrap_or(SelectionRange {
                range: Range {
                    start: pos,
                    end: pos,
                },
                parent: None,
            })
        })
        .collect();
    Some(out)
}
