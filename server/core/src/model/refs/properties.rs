//! The page references of a block's properties: which names count and how values split
//! (graph-parser block.cljs `get-page-ref-names-from-properties`, text.cljs `parse-property`).

use super::*;

/// graph-parser property.cljs@0.10.9 `editable-built-in-properties` minus the linkable ones.
const EDITABLE_UNLINKABLE: &[&str] = &[
    "title",
    "icon",
    "template",
    "template-including-parent",
    "public",
    "filters",
    "exclude-from-graph-view",
    "logseq.query/nlp-date",
    "macro",
    "filetags",
    "logseq.color",
    "logseq.table.version",
    "logseq.table.compact",
    "logseq.table.headers",
    "logseq.table.hover",
    "logseq.table.borders",
    "logseq.table.stripes",
    "logseq.table.max-width",
];
/// property.cljs@0.10.9 `editable-linkable-built-in-properties`: values are pages, split on commas.
const LINKABLE: &[&str] = &["alias", "aliases", "tags"];
/// property.cljs@0.10.9 `hidden-built-in-properties`, plus the six `card-*` properties the app
/// registers as built-in (srs.cljs@0.10.9 `register-built-in-properties`).
const HIDDEN: &[&str] = &[
    "id",
    "custom-id",
    "background-color",
    "background_color",
    "heading",
    "collapsed",
    "created-at",
    "updated-at",
    "last-modified-at",
    "created_at",
    "last_modified_at",
    "query-table",
    "query-properties",
    "query-sort-by",
    "query-sort-desc",
    "ls-type",
    "hl-type",
    "hl-page",
    "hl-stamp",
    "hl-color",
    "logseq.macro-name",
    "logseq.macro-arguments",
    "logseq.order-list-type",
    "logseq.tldraw.page",
    "logseq.tldraw.shape",
    "todo",
    "doing",
    "now",
    "later",
    "done",
    "card-last-interval",
    "card-repeats",
    "card-last-reviewed",
    "card-next-schedule",
    "card-ease-factor",
    "card-last-score",
];
/// References of one effective property (block.cljs `get-page-ref-names-from-properties`).
pub(super) fn property_refs(
    src: &str,
    p: &Property,
    cfg: &RefConfig,
    out: &mut Vec<(String, Range<usize>)>,
) {
    let name = match p.name.as_str() {
        "custom_id" | "custom-id" => "id",
        n => n,
    };
    // property.cljs `valid-property-name?`: such keys are dropped (invalid-properties).
    if !crate::syntax::properties::valid_name(name) {
        return;
    }
    let hidden = HIDDEN.contains(&name);
    // block.cljs `get-page-refs-from-property-names`: the page is `(name k)`, the keyword's
    // name without its namespace (`a/b::` makes the page `b`), and the built-ins and the
    // excludelist are compared by that name too.
    let kw = match name.find('/') {
        Some(k) if k > 0 => &name[k + 1..],
        _ => name,
    };
    if cfg.property_pages
        && !HIDDEN.contains(&kw)
        && !EDITABLE_UNLINKABLE.contains(&kw)
        && !LINKABLE.contains(&kw)
        && !cfg.property_pages_excludelist.iter().any(|e| e == kw)
    {
        out.push((kw.to_string(), p.key.clone()));
    }
    if hidden || EDITABLE_UNLINKABLE.contains(&name) {
        return;
    }
    let v = p.value_str(src);
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        return; // `extract-refs-from-property-value`: a quoted value is text
    }
    // The raw value's top-level links and tags (`extract-refs-from-mldoc-ast`).
    let mut xs = Vec::new();
    inline::scan(v, p.value.start, &mut xs);
    let nested = nested_mask(&xs);
    for (k, x) in xs.iter().enumerate() {
        if !nested[k] {
            // text.cljs `extract-refs-from-mldoc-ast` trims (an inline `[[x ]]` keeps its space).
            if let Some(n) = ref_name(src, x) {
                out.push((n.trim().to_string(), x.range.clone()));
            }
        }
    }
    // text.cljs `parse-property`: comma-separated keys also make a page of every plain item
    // (split on `,` and the full-width `，`), unless the key's value is kept as text.
    let comma = LINKABLE.contains(&name) || cfg.separated_by_commas.iter().any(|c| c == name);
    if comma && !cfg.ignored_keywords.iter().any(|c| c == name) {
        let mut pos = 0;
        for x in xs
            .iter()
            .filter(|x| !matches!(x.kind, InlineKind::BlockRef { .. }))
        {
            let s = x.range.start - p.value.start;
            plain_items(v, pos, s, p.value.start, out);
            pos = pos.max(x.range.end - p.value.start);
        }
        plain_items(v, pos, v.len(), p.value.start, out);
    }
}

/// For each inline, whether it lies inside an earlier one (what the scanner found in a macro):
/// not a top-level node of the value.
fn nested_mask(xs: &[Inline]) -> Vec<bool> {
    let mut until = 0;
    xs.iter()
        .map(|x| {
            let inside = x.range.start < until && x.range.end <= until;
            until = until.max(x.range.end);
            inside
        })
        .collect()
}

/// The comma-separated items of `v[from..to]` (plain text between references).
fn plain_items(
    v: &str,
    from: usize,
    to: usize,
    base: usize,
    out: &mut Vec<(String, Range<usize>)>,
) {
    if from >= to {
        return;
    }
    let mut s = from;
    for item in v[from..to].split([',', '，']) {
        let t = item.trim();
        if !t.is_empty() {
            let lead = item.len() - item.trim_start().len();
            out.push((t.to_string(), base + s + lead..base + s + lead + t.len()));
        }
        s += item.len()
            + if v[s + item.len()..].starts_with('，') {
                3
            } else {
                1
            };
    }
}
