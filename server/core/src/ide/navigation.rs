//! Moving around a graph: what is under the cursor, where it is defined, where it is used, the
//! titles shown after `((uuid))` references, and the file a missing page would get.
//! Locations are graph-relative paths and byte ranges in the page text the graph holds (for an
//! open page, the editor's text).

use std::collections::HashMap;
use std::ops::Range;

use crate::lint::analysis::PageAnalysis;
use crate::model::graph::{names, Graph, GraphConfig, NameFormat};
use crate::syntax::blocks;
use crate::syntax::inline::InlineKind;
use crate::syntax::outline::{self, BlockKind, LineKind, Outline};
use crate::syntax::uuid::parse_uuid;

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `((uuid))` or `{{embed ((uuid))}}`.
    BlockRef { id: String, range: Range<usize> },
    /// `[[name]]`, `#name`, `#[[name]]`, an item of `tags::`/`alias::`. `name` is the name's range.
    PageRef {
        name: String,
        range: Range<usize>,
        name_range: Range<usize>,
    },
    /// The value of a valid `id::` (the block it names is `block`).
    IdValue {
        id: String,
        range: Range<usize>,
        block: usize,
    },
    /// Elsewhere in a block that has an id.
    BlockWithId { id: String, block: usize },
    /// The page's own title area: the properties before the first block, or its `title::`.
    ThisPage { range: Range<usize> },
}

/// What is at `offset`.
pub fn target_at(src: &str, a: &PageAnalysis, offset: usize) -> Option<Target> {
    let o = &a.outline;
    let bi = o.block_at(offset)?;
    let b = &o.blocks[bi];
    for x in &b.inlines {
        if !(x.range.start <= offset && offset <= x.range.end) {
            continue;
        }
        match &x.kind {
            InlineKind::BlockRef { inner, in_embed } => {
                let t = &src[inner.clone()];
                if let Some(id) = crate::syntax::uuid::block_ref_id(t, *in_embed) {
                    return Some(Target::BlockRef {
                        id,
                        range: x.range.clone(),
                    });
                }
            }
            InlineKind::PageRef { name } | InlineKind::Tag { name, .. } => {
                return Some(Target::PageRef {
                    name: src[name.clone()].to_string(),
                    range: x.range.clone(),
                    name_range: name.clone(),
                });
            }
            _ => {}
        }
    }
    if let Some(p) = b.id_property() {
        if let Some(id) = parse_uuid(p.value_str(src)) {
            if p.value.start <= offset && offset <= p.value.end {
                return Some(Target::IdValue {
                    id,
                    range: p.value.clone(),
                    block: bi,
                });
            }
            if b.kind != BlockKind::Pre {
                return Some(Target::BlockWithId { id, block: bi });
            }
        }
    }
    if b.kind == BlockKind::Pre && bi == 0 {
        let title = b.property("title").map(|p| p.value.clone());
        return Some(Target::ThisPage {
            range: title.unwrap_or(b.range.start..b.range.start),
        });
    }
    None
}

/// A place in the graph: a page's path and a byte range of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub range: Range<usize>,
}

impl Location {
    fn key(&self) -> (&str, usize, usize) {
        (&self.path, self.range.start, self.range.end)
    }
}

/// Where the thing under the cursor is defined: the block(s) carrying a referenced id, the file
/// of a linked page (its start). Empty for a page that does not exist yet.
pub fn definition(graph: &Graph, src: &str, a: &PageAnalysis, offset: usize) -> Vec<Location> {
    match target_at(src, a, offset) {
        Some(Target::BlockRef { id, .. }) => block_locations(graph, &id),
        Some(Target::PageRef { name, .. }) => graph
            .page_by_name(&name)
            .map(|p| Location {
                path: p.path.clone(),
                range: 0..0,
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Every block carrying `id`, as the range of its title (the first line when it has none).
pub fn block_locations(graph: &Graph, id: &str) -> Vec<Location> {
    graph
        .id_sites(id)
        .into_iter()
        .map(|(page, site)| {
            let range = if crate::model::org::is_org(&page.path) {
                site.block_range.clone()
            } else {
                let o = outline::parse(&page.text);
                match o.blocks.get(site.block) {
                    Some(_) => blocks::title_range(&page.text, &o, site.block)
                        .unwrap_or_else(|| o.blocks[site.block].first_line().range()),
                    None => site.block_range.clone(),
                }
            };
            Location {
                path: page.path.clone(),
                range,
            }
        })
        .collect()
}

/// The page a reference names, for [`references`]: its key and its aliases' keys.
fn page_keys(graph: &Graph, name: &str) -> Vec<String> {
    match graph.page_by_name(name) {
        Some(p) => {
            let mut v = vec![names::page_key(&p.title)];
            v.extend(p.facts.aliases.iter().map(|a| names::page_key(a)));
            v
        }
        None => vec![names::page_key(name)],
    }
}

/// Where the thing under the cursor is used. On a block id (the `id::` value, or anywhere in a
/// block that has one, or a `((ref))` to it): every `((uuid))` and embed of it. On a page
/// reference or the page's own properties: every link, tag and alias use of that page.
/// `declaration` adds the `id::` value or the page's file.
pub fn references(
    graph: &Graph,
    this_path: Option<&str>,
    src: &str,
    a: &PageAnalysis,
    offset: usize,
    declaration: bool,
) -> Vec<Location> {
    let mut out = Vec::new();
    match target_at(src, a, offset) {
        Some(Target::BlockRef { id, .. })
        | Some(Target::IdValue { id, .. })
        | Some(Target::BlockWithId { id, .. }) => {
            if declaration {
                for (page, site) in graph.id_sites(&id) {
                    out.push(Location {
                        path: page.path.clone(),
                        range: site.value.clone(),
                    });
                }
            }
            for (page, r) in graph.block_ref_sites(&id) {
                out.push(Location {
                    path: page.path.clone(),
                    range: r.range.clone(),
                });
            }
        }
        Some(Target::PageRef { name, .. }) => out = page_references(graph, &name, declaration),
        Some(Target::ThisPage { .. }) => {
            if let Some(p) = this_path.and_then(|p| graph.page(p)) {
                let title = p.title.clone();
                out = page_references(graph, &title, declaration);
            }
        }
        None => {}
    }
    out.sort_by(|a, b| a.key().cmp(&b.key()));
    out.dedup();
    out
}

/// The other uses, in this page, of what is under the cursor (`textDocument/documentHighlight`):
/// the references [`references`] finds that lie in `this_path`, each with whether it is the
/// definition (an `id::` value) rather than a use.
pub fn highlights(
    graph: &Graph,
    this_path: &str,
    src: &str,
    a: &PageAnalysis,
    offset: usize,
) -> Vec<(Range<usize>, bool)> {
    let ids: Vec<Range<usize>> = a
        .outline
        .blocks
        .iter()
        .filter_map(|b| b.id_property().map(|p| p.value.clone()))
        .collect();
    references(graph, Some(this_path), src, a, offset, true)
        .into_iter()
        .filter(|l| l.path == this_path && !l.range.is_empty())
        .map(|l| {
            let definition = ids.contains(&l.range);
            (l.range, definition)
        })
        .collect()
}

/// Every reference to the page `name` names (through its title or any alias).
pub fn page_references(graph: &Graph, name: &str, declaration: bool) -> Vec<Location> {
    let keys = page_keys(graph, name);
    let mut out = Vec::new();
    if declaration {
        if let Some(p) = graph.page_by_name(name) {
            out.push(Location {
                path: p.path.clone(),
                range: 0..0,
            });
        }
    }
    for p in graph.pages() {
        for (k, r) in &p.facts.page_refs {
            if keys.contains(k) {
                out.push(Location {
                    path: p.path.clone(),
                    range: r.clone(),
                });
            }
        }
    }
    out
}

/// An inlay hint: `label` shown at `offset` (right after a block reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
    /// The target's page and full title.
    pub tooltip: String,
}

/// A hint after each `((uuid))` in `range` with the referenced block's title. References to
/// blocks whose title is longer than `max_chars`, and unresolved ones, get none.
pub fn block_ref_hints(
    graph: &Graph,
    this_path: Option<&str>,
    src: &str,
    a: &PageAnalysis,
    range: Range<usize>,
    max_chars: usize,
) -> Vec<Hint> {
    let mut parsed: HashMap<String, Option<Outline>> = HashMap::new();
    let mut out = Vec::new();
    for b in &a.outline.blocks {
        if b.range.end < range.start || b.range.start > range.end {
            continue;
        }
        for x in &b.inlines {
            let InlineKind::BlockRef { inner, in_embed } = &x.kind else {
                continue;
            };
            if x.range.end < range.start || x.range.start > range.end {
                continue;
            }
            let t = &src[inner.clone()];
            let Some(id) = crate::syntax::uuid::block_ref_id(t, *in_embed) else {
                continue;
            };
            // The page being edited: its own (newer) outline.
            let local = a.facts.ids.iter().find(|s| s.id == id);
            let (title, page_title) = if let Some(s) = local {
                (
                    blocks::title(src, &a.outline, s.block).to_string(),
                    this_path
                        .and_then(|p| graph.page(p))
                        .map_or_else(|| "this page".to_string(), |p| p.title.clone()),
                )
            } else {
                let sites = graph.id_sites(&id);
                let Some((page, site)) = sites.first() else {
                    continue;
                };
                if crate::model::org::is_org(&page.path) {
                    continue;
                }
                let o = parsed
                    .entry(page.path.clone())
                    .or_insert_with(|| Some(outline::parse(&page.text)));
                let Some(o) = o.as_ref().filter(|o| site.block < o.blocks.len()) else {
                    continue;
                };
                (
                    blocks::title(&page.text, o, site.block).to_string(),
                    page.title.clone(),
                )
            };
            if title.is_empty() {
                continue;
            }
            // A long title is cut with `…` (the tooltip has all of it): dropping the hint made
            // long blocks look like references to nothing (issue 12).
            let label = truncate_chars(&title, max_chars);
            out.push(Hint {
                offset: x.range.end,
                tooltip: format!("{title}\n\n(in {page_title})"),
                label,
            });
        }
    }
    out
}

/// `s` cut to at most `max` characters, the last being `…` when anything was cut.
fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The file stem a new page titled `title` gets under the graph's `:file/name-format`; reading
/// it back with [`names::title_from_stem`] gives `title`.
pub fn file_stem(title: &str, format: NameFormat) -> String {
    let s = names::stem_from_title(title);
    match format {
        NameFormat::TripleLowbar => s,
        // The legacy format reads `.` as `/` and knows no `___`: escape both ways.
        NameFormat::Legacy => s
            .replace("___", "%2F")
            .replace("%5F%5F%5F", "___")
            .replace('.', "%2E"),
    }
}

/// The graph-relative path of a new page titled `title`: in the pages folder, named per
/// `:file/name-format`.
pub fn new_page_path(config: &GraphConfig, title: &str) -> String {
    let dir = config.pages_dir.trim_matches('/');
    let stem = file_stem(title.trim(), config.name_format);
    if dir.is_empty() {
        format!("{stem}.md")
    } else {
        format!("{dir}/{stem}.md")
    }
}

/// A page reference to a page that does not exist, under the cursor: (name, reference range).
pub fn missing_page_at(
    graph: &Graph,
    src: &str,
    a: &PageAnalysis,
    range: Range<usize>,
) -> Vec<(String, Range<usize>)> {
    let mut out: Vec<(String, Range<usize>)> = Vec::new();
    for b in &a.outline.blocks {
        if b.range.end < range.start || b.range.start > range.end {
            continue;
        }
        for x in &b.inlines {
            let (InlineKind::PageRef { name } | InlineKind::Tag { name, .. }) = &x.kind else {
                continue;
            };
            if x.range.end < range.start || x.range.start > range.end {
                continue;
            }
            let n = src[name.clone()].trim();
            if n.is_empty() || graph.page_by_name(n).is_some() {
                continue;
            }
            if !out
                .iter()
                .any(|(m, _)| names::page_key(m) == names::page_key(n))
            {
                out.push((n.to_string(), x.range.clone()));
            }
        }
    }
    out
}

/// Whether the line holding `offset` is code (a fence), where nothing is a reference.
pub fn in_code(o: &Outline, offset: usize) -> bool {
    o.block_at(offset).is_some_and(|bi| {
        o.blocks[bi]
            .lines
            .iter()
            .any(|l| l.kind == LineKind::Code && l.line.start <= offset && offset <= l.line.end)
    })
}

#[cfg(test)]
mod tests;
