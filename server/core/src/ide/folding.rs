//! Folding ranges: blocks with children (from the block's first line to its last descendant's
//! last line), property groups of two or more lines, and code fences. Byte offsets of the first
//! and last line; the LSP layer turns them into line numbers.

use crate::syntax::blocks;
use crate::syntax::outline::{BlockKind, LineKind, Outline};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    Block,
    Properties,
    Code,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// An offset on the first line.
    pub start: usize,
    /// An offset on the last line.
    pub end: usize,
    pub kind: FoldKind,
    /// The block is `collapsed:: true` in Logseq.
    pub collapsed: bool,
}

pub fn folding_ranges(src: &str, o: &Outline) -> Vec<Fold> {
    let mut out = Vec::new();
    for (i, b) in o.blocks.iter().enumerate() {
        if b.kind != BlockKind::Pre && o.subtree_end(i) > i + 1 {
            let r = blocks::subtree_range(src, o, i);
            out.push(Fold {
                start: r.start,
                end: r.end,
                kind: FoldKind::Block,
                collapsed: b
                    .property("collapsed")
                    .is_some_and(|p| p.value_str(src).trim() == "true"),
            });
        }
        for g in &b.groups {
            let r = g.range();
            if src[r.clone()].contains(['\n', '\r']) {
                out.push(Fold {
                    start: r.start,
                    end: r.end,
                    kind: FoldKind::Properties,
                    collapsed: false,
                });
            }
        }
        // Runs of code lines (a closed fence, or a `#+BEGIN_…` container).
        let mut run: Option<(usize, usize)> = None;
        for l in &b.lines {
            if l.kind == LineKind::Code {
                run = Some(run.map_or((l.line.start, l.line.end), |(s, _)| (s, l.line.end)));
            } else if let Some((s, e)) = run.take() {
                push_code(src, &mut out, s, e);
            }
        }
        if let Some((s, e)) = run {
            push_code(src, &mut out, s, e);
        }
    }
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    out
}

fn push_code(src: &str, out: &mut Vec<Fold>, s: usize, e: usize) {
    if src[s..e].contains(['\n', '\r']) {
        out.push(Fold {
            start: s,
            end: e,
            kind: FoldKind::Code,
            collapsed: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline::parse;

    #[test]
    fn blocks_properties_and_fences() {
        let src = "a:: 1\nb:: 2\n\n- parent\n  collapsed:: true\n\t- child\n\t  ```js\n\t  x\n\t  ```\n- alone\n  k:: v\n";
        let o = parse(src);
        let f = folding_ranges(src, &o);
        let show: Vec<(&str, &str, FoldKind, bool)> = f
            .iter()
            .map(|f| {
                let first = src[..f.start].rfind('\n').map_or(0, |i| i + 1);
                let last = src[f.end..].find('\n').map_or(src.len(), |i| f.end + i);
                let l0 = &src[first..src[first..].find('\n').map_or(src.len(), |i| first + i)];
                let l1 = &src[src[..last].rfind('\n').map_or(0, |i| i + 1)..last];
                (l0, l1, f.kind, f.collapsed)
            })
            .collect();
        assert_eq!(
            show,
            [
                ("a:: 1", "b:: 2", FoldKind::Properties, false),
                ("- parent", "\t  ```", FoldKind::Block, true),
                ("\t  ```js", "\t  ```", FoldKind::Code, false),
            ]
        );
    }
}
