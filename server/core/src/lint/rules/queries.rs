//! query-invalid, query-unknown-key: advanced queries (`#+BEGIN_QUERY` … `#+END_QUERY`).
//!
//! Logseq 0.10.9 renders the block's `["Custom" "query" …]` node (components/block.cljs, lines
//! 3276-3282) with `(reader/read-string content)`, cljs.reader's EDN reader on the first form:
//! when it throws, the block shows "Invalid query:" and the text. What it reads goes to
//! `query/custom-query`; without a `:query` (also for an empty text, read as nil, or a first form
//! that is not a map) db/query_custom.cljs `custom-query` (lines 71-73) hands the nil query to
//! query_dsl.cljs `custom-query`, which runs nothing (line 602 `(when (seq (:query query-m))`):
//! an empty query box. graph-validator's `advanced-queries-have-valid-schema`
//! (default_validations.cljs@v0.5.0, lines 79-92) fails on both. The reader is syntax/edn.rs,
//! held to tools.reader's EDN reader (its doc comment), which is the one cljs.reader uses.

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::syntax::edn::{self, Edn};
use crate::syntax::outline::{containers, Block, LineKind};

/// The keys Logseq 0.10.9 reads from an advanced query's map: components/query.cljs lines 45
/// (`:children? :breadcrumb-show?`), 137 and 146 (`:title :query :view :collapsed?
/// :table-view?`); components/query/result.cljs lines 51, 55, 71 (`:result-transform
/// :group-by-page? :remove-block-children?`); db/query_react.cljs line 93 (`:inputs :rules`).
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "query",
    "inputs",
    "rules",
    "view",
    "result-transform",
    "collapsed?",
    "table-view?",
    "group-by-page?",
    "remove-block-children?",
    "breadcrumb-show?",
    "children?",
];

pub(super) fn check(ctx: &PageCtx, b: &Block, out: &mut Vec<Diagnostic>) {
    let src = ctx.src;
    // A closed `#+BEGIN_…` makes Code lines (or opens on the bullet line, before Code lines).
    if !b.lines.iter().any(|l| l.kind == LineKind::Code) {
        return;
    }
    for (name, open, close) in containers(src, b) {
        if name != "query" {
            continue;
        }
        let open_line = b.lines[open].line.range();
        let content = b.lines[(open + 1).min(close)].line.start..b.lines[close].line.start;
        let text = &src[content.clone()];
        let (v, spans) = match edn::parse_spans(text) {
            Ok(x) => x,
            Err(e) => {
                // The line the reader stopped on (1-based in the query's text).
                let at = b.lines[(open + e.line).min(close)].line.range();
                out.push(Diagnostic::new(
                    Code::QueryInvalid,
                    at,
                    format!(
                        "This query is not valid EDN ({}): Logseq cannot read it and shows \"Invalid query:\" with its text instead of results.",
                        e.message
                    ),
                ));
                continue;
            }
        };
        let Edn::Map(kv) = &v else {
            let what = match v {
                Edn::Nil => "The query is empty",
                _ => "The query is not a map (`{:query [...] …}`)",
            };
            out.push(Diagnostic::new(
                Code::QueryInvalid,
                open_line,
                format!(
                    "{what}: Logseq finds no :query in it, runs nothing and shows an empty query."
                ),
            ));
            continue;
        };
        if v.get("query").is_none() {
            out.push(Diagnostic::new(
                Code::QueryInvalid,
                open_line.clone(),
                "This query has no :query key: Logseq runs nothing and shows an empty query.",
            ));
        }
        for (n, (k, _)) in kv.iter().enumerate() {
            if matches!(k, Edn::Keyword(s) if KNOWN_KEYS.contains(&s.as_str())) {
                continue;
            }
            let Some(r) = spans.get(2 * n) else { continue };
            let shown = &text[r.clone()];
            out.push(Diagnostic::new(
                Code::QueryUnknownKey,
                content.start + r.start..content.start + r.end,
                format!(
                    "Logseq does not read `{shown}` in an advanced query (it reads {}); the key is ignored.",
                    KNOWN_KEYS
                        .iter()
                        .map(|k| format!(":{k}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ));
        }
    }
}
