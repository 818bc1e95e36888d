//! id-invalid, id-duplicate, id-ignored, id-before-title, id-not-lowercase.

use std::collections::HashMap;

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic, Related};
use crate::model::graph::{Graph, PageFacts};
use crate::syntax::outline::{Block, BlockKind};
use crate::syntax::uuid::parse_uuid;

pub(crate) fn check(ctx: &PageCtx, b: &Block, out: &mut Vec<Diagnostic>) {
    if b.kind == BlockKind::Pre {
        return;
    }
    for (gi, g) in b.groups.iter().enumerate() {
        for p in g.props.iter().filter(|p| p.name == "id") {
            let v = p.value_str(ctx.src);
            let range = if p.value.is_empty() {
                p.line.clone()
            } else {
                p.value.clone()
            };
            if gi > 0 {
                out.push(Diagnostic::new(
                    Code::IdIgnored,
                    p.line.clone(),
                    "This id:: is in a later property group, which Logseq ignores: only the block's first group of properties counts, so references to this id never resolve. Move it into the first group, under the block's first line.",
                ));
                continue;
            }
            match parse_uuid(v) {
                None if v.trim().is_empty() => out.push(Diagnostic::new(
                    Code::IdInvalid,
                    range,
                    "This id:: has no value. Logseq gives this block a new random id on every re-index, so references to it break.",
                )),
                None => out.push(Diagnostic::new(
                    Code::IdInvalid,
                    range,
                    format!("`{v}` is not a UUID (8-4-4-4-12 hex digits). Logseq gives this block a new random id on every re-index, so references to it break."),
                )),
                Some(lc) if lc != v.trim() => out.push(Diagnostic::new(
                    Code::IdNotLowercase,
                    range,
                    "This id has upper-case hex digits. Logseq accepts it and compares ids in lower case, but always writes them in lower case.",
                )),
                Some(_) => {}
            }
        }
    }
    // What Logseq does with `- id:: X` / `  Title`: it shows the block with its hidden
    // properties removed first (block.cljs@0.10.9 `block-content` calls
    // util/property.cljs `remove-built-in-properties`, `id` is hidden), so the title is the
    // next line; saving an edit puts the id back under the title (editor.cljs line 309
    // `with-built-in-properties`).
    // `- WAITING id:: …` (a marker before the id on the bullet line, mldoc's title
    // look-ahead) is another layout: moving that line would take the marker along and lose
    // the id (found by tests/test_fix_oracle.py), so neither message nor fix applies.
    let first_id = b
        .groups
        .first()
        .and_then(|g| g.props.first())
        .filter(|p| p.name == "id");
    if let Some(p) = first_id {
        let after_marker = crate::syntax::task::task(ctx.src, b).marker.is_some();
        if !after_marker && crate::syntax::blocks::title_after_properties(ctx.src, b).is_some() {
            out.push(Diagnostic::new(
                Code::IdBeforeTitle,
                p.line.clone(),
                "id:: is on the bullet line, above the block's first line of text. Logseq reads the id all the same and hides it when it shows the block, so references show the next line as the title; the next time the block is edited in Logseq, Logseq writes the id under that line. Only the file's layout differs from Logseq's.",
            ));
        }
    }
}

/// At most this many other blocks are listed as related locations of one `id-duplicate`; the
/// message gives the full count. Listing all made 10,000 copies of an id quadratic in time,
/// memory and output (each copy listing every other).
pub const MAX_RELATED_DUPLICATES: usize = 3;

pub(crate) fn check_duplicates(
    graph: &Graph,
    path: &str,
    facts: &PageFacts,
    out: &mut Vec<Diagnostic>,
) {
    // The sites of each duplicated id, looked up once per id (not once per copy).
    let mut sites_of: HashMap<&str, Vec<(&str, std::ops::Range<usize>)>> = HashMap::new();
    for s in &facts.ids {
        if graph.id_count(&s.id) < 2 {
            continue;
        }
        let sites = sites_of.entry(&s.id).or_insert_with(|| {
            graph
                .id_sites(&s.id)
                .into_iter()
                .map(|(p, o)| (p.path.as_str(), o.value.clone()))
                .collect()
        });
        let others = || sites.iter().filter(|(p, v)| !(*p == path && *v == s.value));
        let n = sites.len().saturating_sub(1);
        let related: Vec<Related> = others()
            .take(MAX_RELATED_DUPLICATES)
            .map(|(p, v)| Related {
                path: p.to_string(),
                range: v.clone(),
                message: "the same id".into(),
            })
            .collect();
        let more = if n > related.len() {
            format!(
                " ({} listed, {} more not)",
                related.len(),
                n - related.len()
            )
        } else {
            String::new()
        };
        let mut d = Diagnostic::new(
            Code::IdDuplicate,
            s.value.clone(),
            format!(
                "This id is on {} other block{} of the graph{more}. Logseq keeps it on one block and gives the others new ids, so references may silently point at the wrong block.",
                n,
                if n == 1 { "" } else { "s" }
            ),
        );
        d.related = related;
        out.push(d);
    }
}
