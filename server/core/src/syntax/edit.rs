//! Text edits in byte offsets: what fixes produce and the LSP layer turns into a WorkspaceEdit.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

impl TextEdit {
    pub fn replace(range: Range<usize>, new_text: impl Into<String>) -> Self {
        TextEdit {
            range,
            new_text: new_text.into(),
        }
    }
    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        TextEdit {
            range: at..at,
            new_text: new_text.into(),
        }
    }
    pub fn delete(range: Range<usize>) -> Self {
        TextEdit {
            range,
            new_text: String::new(),
        }
    }
}

/// Applies non-overlapping edits to `src`. Edits are sorted by position; an edit that overlaps an
/// earlier one is dropped (the caller offered both; the first wins).
pub fn apply(src: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(src.len());
    let mut pos = 0;
    for e in sorted {
        if e.range.start < pos || e.range.end > src.len() {
            continue;
        }
        out.push_str(&src[pos..e.range.start]);
        out.push_str(&e.new_text);
        pos = e.range.end;
    }
    out.push_str(&src[pos..]);
    out
}

/// Keeps the edits that do not overlap an earlier one (in position order).
pub fn non_overlapping(mut edits: Vec<TextEdit>) -> Vec<TextEdit> {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out: Vec<TextEdit> = Vec::new();
    for e in edits {
        if out.last().is_some_and(|l| {
            e.range.start < l.range.end
                || (e.range.start == l.range.start && l.range.is_empty() && e.range.is_empty())
        }) {
            continue;
        }
        out.push(e);
    }
    out
}
