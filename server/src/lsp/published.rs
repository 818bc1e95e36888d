//! What an open document was last sent, each diagnostic's JSON kept.
//!
//! Why: on a page with thousands of diagnostics a keystroke changes a few of them and moves
//! the ranges of some others, yet the whole list is resent. Serializing it was a large part of
//! a keystroke (BENCHMARKS.md, issue 15). Each diagnostic's JSON is kept; the next list reuses a
//! kept one for a diagnostic equal to the one it came from in every field but the range
//! (compared, never assumed): as it is where the range is the same too, with the new range
//! written in front of its tail where the diagnostic moved. Only the rest is serialized. The
//! bytes are those serde_json gives for the whole list (tests below).

use std::sync::Arc;

use serde::Serialize;
use tower_lsp_server::ls_types::{self as lsp, Uri};

/// How far ahead in the previous list a diagnostic's twin is looked for: the lists are sorted by
/// position, so after one edit a twin is at the same index or a few away (diagnostics added or
/// removed before it).
const LOOKAHEAD: usize = 8;

const RANGE_KEY: &[u8] = b"{\"range\":";

/// A diagnostic's JSON, whole. `{"range":` and the range come first (the field order of
/// `lsp::Diagnostic`); `tail` is where what follows them starts, `None` if that order ever
/// changes. Shared, so that the next list takes a kept one without copying its bytes; a kept one
/// whose diagnostic moved gets the new range in front of its tail.
#[derive(Clone)]
struct Fragment {
    json: Arc<[u8]>,
    tail: Option<usize>,
}

pub struct Published {
    /// Shared with the document's card memo (card_memo.rs): a kept card's diagnostic is the
    /// same allocation from one list to the next.
    pub items: Vec<Arc<lsp::Diagnostic>>,
    /// `fragments[i]` is `items[i]`'s.
    fragments: Vec<Fragment>,
    /// Whether `items` equals the previous list: for a pushed list read off the twin search (no
    /// second pass comparing the lists).
    unchanged: bool,
}

/// Equal in every field but the range. Destructured in full, so a field added to
/// `lsp::Diagnostic` fails to compile here rather than being left out of the comparison.
fn same_but_range(a: &Arc<lsp::Diagnostic>, b: &Arc<lsp::Diagnostic>) -> bool {
    if Arc::ptr_eq(a, b) {
        return true;
    }
    let lsp::Diagnostic {
        range: _,
        severity,
        code,
        code_description,
        source,
        message,
        related_information,
        tags,
        data,
    } = &**a;
    *message == b.message
        && *severity == b.severity
        && *code == b.code
        && *code_description == b.code_description
        && *source == b.source
        && *related_information == b.related_information
        && *tags == b.tags
        && *data == b.data
}

fn fragment(d: &lsp::Diagnostic) -> Fragment {
    let json = serde_json::to_vec(d).unwrap_or_default();
    let head = range_json(&d.range);
    let tail = json.starts_with(&head).then_some(head.len());
    Fragment {
        json: json.into(),
        tail,
    }
}

/// `{"range":` and the range's JSON (a Range always serializes: numbers only).
fn range_json(r: &lsp::Range) -> Vec<u8> {
    let mut out = RANGE_KEY.to_vec();
    let _ = serde_json::to_writer(&mut out, r);
    out
}

impl Fragment {
    /// This fragment's diagnostic at `range`: itself where that is its range, else its tail
    /// behind the new range (`None` when it cannot be split).
    fn at(&self, old: &lsp::Range, range: &lsp::Range) -> Option<Fragment> {
        if old == range {
            return Some(self.clone());
        }
        let tail = &self.json[self.tail?..];
        let mut json = range_json(range);
        let t = json.len();
        json.extend_from_slice(tail);
        Some(Fragment {
            json: json.into(),
            tail: Some(t),
        })
    }
}

impl Published {
    /// `items` with their fragments, reusing `prev`'s where a diagnostic is unchanged but for
    /// its range.
    pub fn new(items: Vec<Arc<lsp::Diagnostic>>, prev: Option<&Published>) -> Published {
        let old: &[Arc<lsp::Diagnostic>] = prev.map_or(&[], |p| &p.items);
        let mut j = 0;
        // Equal lists: each item's twin is the old item at its index, with the same range.
        let mut unchanged = prev.is_some() && old.len() == items.len();
        let fragments = items
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let end = old.len().min(j + LOOKAHEAD);
                let twin = (j..end).find(|&k| same_but_range(&old[k], d));
                unchanged &= twin == Some(i) && old[i].range == d.range;
                let kept = match (twin, prev) {
                    (Some(k), Some(p)) if k < p.fragments.len() => {
                        p.fragments[k].at(&old[k].range, &d.range)
                    }
                    _ => None,
                };
                if kept.is_some() {
                    j = twin.map_or(j, |k| k + 1);
                }
                kept.unwrap_or_else(|| fragment(d))
            })
            .collect();
        Published {
            items,
            fragments,
            unchanged,
        }
    }

    /// `items` without fragments: what a pull client was answered (it is never pushed).
    pub fn bare(items: Vec<Arc<lsp::Diagnostic>>, prev: Option<&Published>) -> Published {
        Published {
            unchanged: prev.is_some_and(|p| p.items == items),
            items,
            fragments: Vec::new(),
        }
    }

    /// Whether the list equals the one it was built against.
    pub fn unchanged(&self) -> bool {
        self.unchanged
    }

    /// The `textDocument/publishDiagnostics` params' JSON, as serde_json would write
    /// `PublishDiagnosticsParams { uri, diagnostics: items, version }`.
    pub fn write_params(&self, uri: &Uri, version: Option<i32>, out: &mut Vec<u8>) {
        if self.fragments.len() != self.items.len() {
            let whole = Params {
                uri,
                diagnostics: &self.items,
                version,
            };
            let _ = serde_json::to_writer(out, &whole);
            return;
        }
        let size: usize = self.fragments.iter().map(|f| f.json.len() + 1).sum();
        out.reserve(size + 64);
        out.extend_from_slice(b"{\"uri\":");
        let _ = serde_json::to_writer(&mut *out, uri);
        out.extend_from_slice(b",\"diagnostics\":[");
        for (i, f) in self.fragments.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&f.json);
        }
        out.push(b']');
        if let Some(v) = version {
            out.extend_from_slice(b",\"version\":");
            let _ = serde_json::to_writer(&mut *out, &v);
        }
        out.push(b'}');
    }
}

/// What serde_json writes for the params (the reference the kept form must equal).
#[derive(Serialize)]
pub struct Params<'a, D: Serialize> {
    pub uri: &'a Uri,
    pub diagnostics: &'a [D],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn diag(line: u32, col: u32, msg: u8, code: u8) -> Arc<lsp::Diagnostic> {
        Arc::new(lsp::Diagnostic {
            range: lsp::Range::new(
                lsp::Position::new(line, col),
                lsp::Position::new(line, col + 3),
            ),
            severity: Some(lsp::DiagnosticSeverity::WARNING),
            code: Some(lsp::NumberOrString::String(format!("rule-{code}"))),
            source: Some("logseq-lsp".into()),
            message: format!("message \"{msg}\"\n é"),
            ..Default::default()
        })
    }

    fn reference(uri: &Uri, items: &[Arc<lsp::Diagnostic>], version: Option<i32>) -> Vec<u8> {
        serde_json::to_vec(&Params {
            uri,
            diagnostics: items,
            version,
        })
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// A list built from the previous one's fragments, after edits that add, remove, change
        /// and move diagnostics, writes the same bytes as serializing the list whole.
        #[test]
        fn kept_fragments_write_what_serde_writes(
            old in proptest::collection::vec((0u32..50, 0u32..9, 0u8..4, 0u8..3), 0..40),
            edits in proptest::collection::vec((0usize..40, 0u8..4, 0u8..4, 0u32..3), 0..8),
            version in proptest::option::of(0i32..100),
        ) {
            let uri = Uri::from_str("file:///g/pages/a%20b.md").unwrap();
            let old: Vec<_> = old.into_iter().map(|(l, c, m, k)| diag(l, c, m, k)).collect();
            let mut new = old.clone();
            for (at, kind, v, shift) in edits {
                let at = if new.is_empty() { 0 } else { at % new.len() };
                match kind {
                    0 => new.insert(at, diag(v.into(), 1, v, v % 3)),
                    1 if !new.is_empty() => { new.remove(at); }
                    2 if !new.is_empty() => Arc::make_mut(&mut new[at]).message.push('!'),
                    // Lines move by the edit: every diagnostic from `at` on.
                    _ => for d in new.iter_mut().skip(at) {
                        let d = Arc::make_mut(d);
                        d.range.start.line += shift;
                        d.range.end.line += shift;
                    },
                }
            }
            let prev = Published::new(old, None);
            prop_assert!(!prev.unchanged);
            let mut first = Vec::new();
            prev.write_params(&uri, version, &mut first);
            prop_assert_eq!(first, reference(&uri, &prev.items, version));
            let next = Published::new(new.clone(), Some(&prev));
            // Never says equal when the lists differ (a publish would be skipped); the same
            // list again is equal unless it repeats a diagnostic (then it is sent again).
            prop_assert!(!next.unchanged || new == prev.items);
            let again = Published::new(prev.items.clone(), Some(&prev));
            let n = prev.items.len();
            let repeats = (0..n).any(|i| {
                (i + 1..n.min(i + LOOKAHEAD)).any(|k| same_but_range(&prev.items[i], &prev.items[k]))
            });
            prop_assert!(again.unchanged || repeats);
            let mut got = Vec::new();
            next.write_params(&uri, version, &mut got);
            prop_assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(reference(&uri, &new, version)).unwrap()
            );
        }
    }
}
