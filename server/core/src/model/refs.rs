//! A block's page references exactly as Logseq 0.10.9's graph-parser stores them in
//! `:block/refs` (lower-case page names): what decides whether a block is a card (srs.cljs
//! queries blocks whose refs contain the page `card`). Sources, in graph-parser block.cljs:
//! `with-page-refs` (links, tags, the marker and priority, namespace parents),
//! `get-page-ref-names-from-properties` (property values and names of the first property group)
//! and text.cljs `parse-property` (comma-separated values).

use std::ops::Range;

use crate::model::graph::names::page_key;
use crate::syntax::inline::{self, Inline, InlineKind};
use crate::syntax::outline::{Block, BlockKind, LineKind, Outline};
use crate::syntax::properties::Property;
use crate::syntax::task;

mod properties;
use properties::property_refs;

/// The parts of `logseq/config.edn` that change which pages a block references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefConfig {
    /// `:property-pages/enabled?` (default true): property names are page references.
    pub property_pages: bool,
    /// `:property-pages/excludelist`: property names that are not.
    pub property_pages_excludelist: Vec<String>,
    /// `:property/separated-by-commas`: keys whose plain values split on `,` and `，` into pages
    /// (always `alias`, `aliases`, `tags`).
    pub separated_by_commas: Vec<String>,
    /// `:ignored-page-references-keywords`: keys whose value is kept as text.
    pub ignored_keywords: Vec<String>,
}

impl Default for RefConfig {
    fn default() -> Self {
        RefConfig {
            property_pages: true,
            property_pages_excludelist: Vec::new(),
            separated_by_commas: Vec::new(),
            ignored_keywords: Vec::new(),
        }
    }
}

/// One page a block references, with where the reference is written (for a namespace parent,
/// the child's reference; for a property name, its key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRef {
    pub name: String,
    pub range: Range<usize>,
}

/// `#+BEGIN_…` blocks whose content mldoc keeps as text (Src, Example, Export, CommentBlock) or
/// graph-parser skips (`Custom "query"`); every other kind (QUOTE, NOTE, TIP, …) is parsed.
const INERT_CONTAINERS: &[&str] = &["src", "example", "export", "comment", "query"];

/// For each inline, whether it lies inside a closed macro other than `embed`: macro arguments are
/// strings in mldoc's AST, so `{{cloze [[card]]}}` references nothing (block.cljs
/// `get-page-reference` reads only `embed` arguments). One pass: the scanner emits a macro before
/// what it found inside it.
pub fn inert_macro_mask(src: &str, inlines: &[Inline]) -> Vec<bool> {
    let mut until = 0;
    inlines
        .iter()
        .map(|x| {
            if x.range.start < until && x.range.end <= until {
                return true;
            }
            if let InlineKind::Macro {
                name, closed: true, ..
            } = &x.kind
            {
                if !is_embed(src, name, &x.range) {
                    until = until.max(x.range.end);
                }
            }
            false
        })
        .collect()
}

/// The page `:block/refs` of block `i`, lower-case, each once (first occurrence), in text order.
pub fn page_refs(src: &str, outline: &Outline, i: usize, cfg: &RefConfig) -> Vec<PageRef> {
    let b = &outline.blocks[i];
    let mut raw: Vec<(String, Range<usize>)> = Vec::new();
    // `(concat tags refs [marker priority])`: the marker and priority are references.
    let task = task::task(src, b);
    if let Some((m, r)) = &task.marker {
        raw.push((m.to_string(), r.clone()));
    }
    let priority = task.priority;
    if let Some(p) = &priority {
        raw.push((src[p.start + 2..p.start + 3].to_string(), p.clone()));
    }
    if let Some(g) = b.properties() {
        for p in &g.props {
            property_refs(src, p, cfg, &mut raw);
        }
    }
    // Inline references of the text. Those of the first property group were read above by the
    // property rules; a later group is a properties node that extract-blocks drops (only the
    // first is kept), so its `tags:: card` references nothing.
    let inert = inert_macro_mask(src, &b.inlines);
    let prop_lines = property_lines(b, 0);
    // Paragraphs holding SCHEDULED/DEADLINE are not in the block's body (task.rs), nor is what
    // a `#+BEGIN_…` block in a list item keeps as text.
    let mut skipped = task::planning(src, b).dropped;
    list_containers(src, b, &mut skipped);
    skipped.sort_by_key(|r| r.start);
    for (k, x) in b.inlines.iter().enumerate() {
        // `[#A]` is the priority, not the tag `A]`.
        let in_priority = priority
            .as_ref()
            .is_some_and(|p| p.start <= x.range.start && x.range.end <= p.end);
        if in_priority || inert[k] || within(&prop_lines, &x.range) || within(&skipped, &x.range) {
            continue;
        }
        if let Some(n) = ref_name(src, x) {
            raw.push((n.to_string(), x.range.clone()));
        }
        // `{{embed ((uuid))}}`: block.cljs `get-page-reference` returns the argument's block id
        // as a page name, so graph-parser stores a page named by the uuid.
        if let InlineKind::Macro {
            name,
            args,
            closed: true,
        } = &x.kind
        {
            let a = src[args.clone()].trim();
            if is_embed(src, name, &x.range)
                && a.starts_with("((")
                && a.ends_with("))")
                && a.len() > 4
            {
                raw.push((a[2..a.len() - 2].to_string(), x.range.clone()));
            }
        }
    }
    container_refs(src, b, &mut raw);
    raw.sort_by_key(|(_, r)| r.start);
    let mut out: Vec<PageRef> = Vec::new();
    let push = |name: &str, range: &Range<usize>, out: &mut Vec<PageRef>| {
        let name = page_key(trim_slashes(name));
        if !name.is_empty() && !out.iter().any(|r| r.name == name) {
            out.push(PageRef {
                name,
                range: range.clone(),
            });
        }
    };
    for (n, r) in &raw {
        push(n, r, &mut out);
        // block.cljs `with-page-refs`: every namespace parent (`a/b/c` refs `a` and `a/b`).
        if is_namespace(n) {
            let mut end = 0;
            while let Some(k) = n[end..].find('/') {
                end += k;
                push(&n[..end], r, &mut out);
                end += 1;
            }
        }
    }
    out
}

/// Ranges of block `b` whose links graph-parser does not read, sorted: the priority `[#A]`,
/// `SCHEDULED:` paragraphs, code containers in list items (as [`page_refs`] skips them) and the first group's
/// `background-color::` line (a colour, not a tag: graph-validator's `ast->false-tags`).
pub fn unread_ranges(src: &str, b: &Block) -> Vec<Range<usize>> {
    // Each part is looked for only where a cheap test says it may be (this runs for every block
    // with a link).
    // Every timestamp is `<` or `[` and a digit (task.rs `date`); links are `[[`.
    let text = src[b.range.clone()].as_bytes();
    let dated = memchr::memchr2_iter(b'<', b'[', text)
        .any(|i| text.get(i + 1).is_some_and(u8::is_ascii_digit));
    let mut v = if dated {
        task::planning(src, b).dropped
    } else {
        Vec::new()
    };
    if b.lines.iter().any(|l| l.kind == LineKind::Container) {
        list_containers(src, b, &mut v);
    }
    // `[#A]` is the priority, not the tag `A]`.
    if src[b.lines[0].line.range()].contains("[#") {
        v.extend(task::task(src, b).priority);
    }
    if let Some(p) = b.property("background-color") {
        v.push(p.line.clone());
    }
    v.sort_by_key(|r| r.start);
    v
}

/// The property lines of the block's groups after the first `skip` ones, in page order.
pub fn property_lines(b: &Block, skip: usize) -> Vec<Range<usize>> {
    let mut v: Vec<Range<usize>> = b
        .groups
        .iter()
        .skip(skip)
        .flat_map(|g| g.props.iter().map(|p| p.line.clone()))
        .collect();
    // A pre-block's first group may hold the page's directives, written after its own drawer.
    v.sort_by_key(|r| r.start);
    v
}

/// Whether `r` lies within one of `lines` (sorted, disjoint): a binary search, as a block may hold
/// thousands of inlines and property lines.
pub fn within(lines: &[Range<usize>], r: &Range<usize>) -> bool {
    let k = lines.partition_point(|l| l.start <= r.start);
    k > 0 && r.end <= lines[k - 1].end
}

/// A page reference's or tag's page name (`#[[x]]` is `x`).
fn ref_name<'a>(src: &'a str, x: &Inline) -> Option<&'a str> {
    match &x.kind {
        InlineKind::PageRef { name } | InlineKind::Tag { name, .. } => Some(&src[name.clone()]),
        _ => None,
    }
}

/// text.cljs@0.10.9 `namespace-page?`.
fn is_namespace(n: &str) -> bool {
    n.contains('/') && !n.starts_with("../") && !n.starts_with("./") && !n.contains("://")
}

/// util.cljs@0.10.9 `remove-boundary-slashes` (page-name->map).
fn trim_slashes(n: &str) -> &str {
    let n = n.strip_prefix('/').unwrap_or(n);
    n.strip_suffix('/').unwrap_or(n)
}

/// The tags and page refs of block `b`'s `#+BEGIN_QUOTE`/`NOTE`/… blocks (`container_refs`),
/// as written (not yet page keys).
pub fn container_page_refs(src: &str, b: &Block) -> Vec<(String, Range<usize>)> {
    let mut v = Vec::new();
    container_refs(src, b, &mut v);
    v
}

/// References inside `#+BEGIN_QUOTE`/`NOTE`/`TIP`/… blocks, which the outline keeps as inert
/// lines but mldoc parses (a `#card` in a quote is a tag).
fn container_refs(src: &str, b: &Block, out: &mut Vec<(String, Range<usize>)>) {
    let mut open: Option<String> = None;
    let mut fence = false;
    let mut xs = Vec::new();
    for bl in b.lines.iter().filter(|l| l.kind == LineKind::Code) {
        // A block opening on its bullet line (`- #+BEGIN_NOTE`): the container starts after `- `.
        let mut raw = bl.line.text(src);
        let mut start = bl.line.start;
        // After a marker too (`- NOW #+BEGIN_TIP`), where mldoc's title look-ahead reads it.
        if bl.line.start == b.range.start && b.kind != BlockKind::Pre {
            start = crate::syntax::task::after_task(src, b).min(bl.line.end);
            raw = &src[start..bl.line.end];
        }
        let t = raw.trim_start();
        if open.is_none() && (t.starts_with("```") || t.starts_with("~~~")) {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let upper = t.get(..8).map(|p| p.to_ascii_uppercase());
        if open.is_none() {
            if upper.as_deref() == Some("#+BEGIN_") {
                let n = t[8..].split(char::is_whitespace).next().unwrap_or("");
                let n = n.to_ascii_lowercase();
                if !n.is_empty() && !INERT_CONTAINERS.contains(&n.as_str()) {
                    open = Some(n);
                }
            }
            continue;
        }
        if t.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("#+END_")) {
            open = None;
            continue;
        }
        inline::scan(raw, start, &mut xs);
    }
    let inert = inert_macro_mask(src, &xs);
    for (k, x) in xs.iter().enumerate() {
        if !inert[k] {
            if let Some(n) = ref_name(src, x) {
                out.push((n.to_string(), x.range.clone()));
            }
        }
    }
}

/// `{{embed …}}`, or `{{{embed …}}}`, which mldoc 1.5.7 reads as the same macro (the scanner
/// sees the name `{embed` closed one `}` early; docs corpus `pages/tutorial.md`).
fn is_embed(src: &str, name: &Range<usize>, macro_range: &Range<usize>) -> bool {
    match &src[name.clone()] {
        "embed" => true,
        "{embed" => src.as_bytes().get(macro_range.end) == Some(&b'}'),
        _ => false,
    }
}

/// `#+BEGIN_NAME` … `#+END_NAME` inside a list item (the outline's container lines): mldoc 1.5.7
/// parses a list item's content as blocks, so these lines are no tags `+begin_name`, and what
/// a Src/Example/Export/Comment/Query block holds is text (docs corpus `Advanced Queries.md`).
fn list_containers(src: &str, b: &Block, out: &mut Vec<Range<usize>>) {
    let mut marks = b.lines.iter().filter(|l| {
        l.kind == LineKind::Container && l.line.text(src).trim_start().starts_with("#+")
    });
    while let Some(open) = marks.next() {
        let t = open.line.text(src).trim_start();
        let name = t
            .get(..8)
            .filter(|p| p.eq_ignore_ascii_case("#+BEGIN_"))
            .and_then(|_| t[8..].split(char::is_whitespace).next())
            .filter(|n| !n.is_empty());
        let Some(name) = name else { continue };
        let is_end = |l: &&crate::syntax::outline::BodyLine| {
            let e = l.line.text(src).trim();
            e.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("#+END_"))
                && e.get(6..6 + name.len())
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        };
        let Some(close) = marks.clone().find(is_end) else {
            continue;
        };
        while marks.next().is_some_and(|l| !std::ptr::eq(l, close)) {}
        let inert = INERT_CONTAINERS
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name));
        if inert {
            out.push(open.line.start..close.line.end);
        } else {
            out.push(open.line.range());
            out.push(close.line.range());
        }
    }
}

#[cfg(test)]
mod tests;
