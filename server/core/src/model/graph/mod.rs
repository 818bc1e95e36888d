//! The graph index: every page's title and the facts other pages need (block ids, block and page
//! references). Pages are added and replaced one at a time, so the same index serves a one-shot
//! `check` and a language server that updates it as files change. No I/O: callers hand in text.

mod build;
mod compact;
pub mod config;
pub mod journal;
pub mod names;
mod visible;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use crate::model::refs;
use crate::syntax::inline::InlineKind;
use crate::syntax::outline::{BlockKind, LineKind, Outline};
use crate::syntax::uuid::parse_uuid;

pub use build::{build, page_facts};
pub use config::GraphConfig;
pub use names::NameFormat;
pub use visible::{GraphVisible, VisibleChange};

/// A valid `id::` in a block's effective property group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdSite {
    /// Lower-case UUID.
    pub id: String,
    /// The value as written.
    pub value: Range<usize>,
    /// Index of the block in the page's outline.
    pub block: usize,
    /// Byte range of the block.
    pub block_range: Range<usize>,
}

/// A `((uuid))` or `{{embed ((uuid))}}` whose inner text is a UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefSite {
    pub id: String,
    pub range: Range<usize>,
    pub embed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// The page title from its properties (see `page_title`).
    pub title_property: Option<String>,
    pub aliases: Vec<String>,
    pub ids: Vec<IdSite>,
    pub block_refs: Vec<RefSite>,
    /// Page keys (lower-case) referenced, with the reference's range.
    pub page_refs: Vec<(String, Range<usize>)>,
    /// For each of `page_refs`, whether graph-parser reads it as a reference: the input of
    /// graph-validator's `tags-and-page-refs-have-pages` (page-missing). Not those in macro
    /// arguments (`{{cloze [[x]]}}`), later property groups, `SCHEDULED:` paragraphs, code
    /// containers in list items, a priority, or `background-color::` values (`#ff0000`).
    pub page_ref_read: Vec<bool>,
    /// File paths of links that go into an `assets/` folder (`../assets/x.png`, `{{pdf …}}`), as
    /// written (percent-decoded), with the target's range; resolved against the page's path by
    /// the asset rules.
    pub asset_links: Vec<(String, Range<usize>)>,
}

impl PageFacts {
    pub fn from_outline(src: &str, outline: &Outline) -> PageFacts {
        Self::from_blocks(src, outline, 0..outline.blocks.len())
    }

    /// The facts of `blocks` (indices into the outline) alone: the title and aliases come from
    /// the pre-block, so only a range starting at 0 has them.
    pub fn from_blocks(src: &str, outline: &Outline, blocks: Range<usize>) -> PageFacts {
        let mut f = PageFacts::default();
        if blocks.start == 0 {
            f.title_property = page_title(src, outline);
            // extract.cljc `extract-pages-and-blocks`: the pre-block's properties, else those of
            // the page's first node (its directives).
            let page_props = match outline.blocks.first() {
                Some(b) if b.kind == BlockKind::Pre => b.properties().map(|g| &g.props[..]),
                _ => Some(&outline.directives[..]),
            };
            if let Some(a) = page_props.and_then(|ps| ps.iter().find(|p| p.name == "alias")) {
                f.aliases = a
                    .value_str(src)
                    .split(',')
                    .map(|s| strip_brackets(s.trim()))
                    .filter(|s| !s.is_empty())
                    .collect();
            }
        }
        let assets_word = memchr::memmem::Finder::new(b"assets/");
        let page_has_assets = outline.blocks.get(blocks.start).is_some_and(|first| {
            let end = outline.blocks[..blocks.end]
                .last()
                .map_or(first.range.end, |l| l.range.end);
            assets_word
                .find(&src.as_bytes()[first.range.start..end])
                .is_some()
        });
        for (i, b) in outline.blocks_in(blocks) {
            if let Some(p) = b.id_property() {
                if let Some(id) = parse_uuid(p.value_str(src)) {
                    f.ids.push(IdSite {
                        id,
                        value: p.value.clone(),
                        block: i,
                        block_range: b.range.clone(),
                    });
                }
            }
            // Most blocks name no asset: the link scanner runs only where one may be.
            if page_has_assets && assets_word.find(src[b.range.clone()].as_bytes()).is_some() {
                let mut ls = Vec::new();
                crate::syntax::links::block_links(src, b, &mut ls);
                ls.sort_by_key(|l| l.range.start);
                ls.dedup_by_key(|l| l.range.start);
                for l in ls {
                    if let crate::syntax::links::Target::Path(p) = l.target {
                        if p.contains("assets/") {
                            f.asset_links.push((p, l.range));
                        }
                    }
                }
            }
            // Text to graph-parser: macro arguments (`{{cloze ((uuid))}}`) and later property
            // groups (refs.rs).
            // Computed at the block's first reference: most blocks have none.
            let mut text_only: Option<(Vec<bool>, Vec<Range<usize>>)> = None;
            // What else graph-parser does not read, looked for only in blocks with links.
            let mut skipped: Option<Vec<Range<usize>>> = None;
            let first_ref = f.page_refs.len();
            for (k, x) in b.inlines.iter().enumerate() {
                match &x.kind {
                    InlineKind::BlockRef { inner, in_embed } => {
                        let (inert, later) = text_only.get_or_insert_with(|| {
                            (
                                refs::inert_macro_mask(src, &b.inlines),
                                refs::property_lines(b, 1),
                            )
                        });
                        if inert[k] || refs::within(later, &x.range) {
                            continue;
                        }
                        let t = &src[inner.clone()];
                        if let Some(id) = crate::syntax::uuid::block_ref_id(t, *in_embed) {
                            f.block_refs.push(RefSite {
                                id,
                                range: x.range.clone(),
                                embed: *in_embed,
                            });
                        }
                    }
                    InlineKind::PageRef { name } | InlineKind::Tag { name, .. } => {
                        let (inert, later) = text_only.get_or_insert_with(|| {
                            (
                                refs::inert_macro_mask(src, &b.inlines),
                                refs::property_lines(b, 1),
                            )
                        });
                        let skipped = skipped.get_or_insert_with(|| refs::unread_ranges(src, b));
                        f.page_ref_read.push(
                            !inert[k]
                                && !refs::within(later, &x.range)
                                && !refs::within(skipped, &x.range),
                        );
                        f.page_refs
                            .push((names::page_key(&src[name.clone()]), x.range.clone()));
                    }
                    _ => {}
                }
            }
            // Quotes, notes, tips…: the outline keeps their lines as text, but graph-parser reads
            // their tags and page refs (graph-validator's walk of the whole AST finds them too).
            if b.lines.iter().any(|l| l.kind == LineKind::Code) {
                let inside = refs::container_page_refs(src, b);
                if !inside.is_empty() {
                    for (name, range) in inside {
                        f.page_refs.push((names::page_key(&name), range));
                        f.page_ref_read.push(true);
                    }
                    // Kept in text order: re-analysis splices them by offset.
                    let mut pairs: Vec<_> = f
                        .page_refs
                        .drain(first_ref..)
                        .zip(f.page_ref_read.drain(first_ref..))
                        .collect();
                    pairs.sort_by_key(|((_, r), _)| r.start);
                    for (r, read) in pairs {
                        f.page_refs.push(r);
                        f.page_ref_read.push(read);
                    }
                }
            }
        }
        f
    }
}

/// extract.cljc@0.10.9 `get-page-name`: the `title` of the page's first AST node when that is a
/// properties node: the directives (front matter, `#+title:` anywhere), which graph-parser puts
/// in front, else a property drawer opening the file. The last `title` wins (`zipmap`).
fn page_title(src: &str, outline: &Outline) -> Option<String> {
    let props = if !outline.directives.is_empty() {
        &outline.directives[..]
    } else {
        let b = outline
            .blocks
            .first()
            .filter(|b| b.kind == BlockKind::Pre)?;
        let g = b.groups.first()?;
        let first = b.lines.first()?;
        let opens = match first.kind {
            LineKind::Property => first.line.start == g.props[0].line.start,
            LineKind::DrawerMark => b.lines.get(1)?.line.start == g.props[0].line.start,
            _ => false,
        };
        if !opens {
            return None;
        }
        &g.props[..]
    };
    let t = props
        .iter()
        .rev()
        .find(|p| p.name == "title")?
        .value_str(src);
    (!t.is_empty()).then(|| t.to_string())
}

fn strip_brackets(s: &str) -> String {
    let s = s.strip_prefix('#').unwrap_or(s);
    s.strip_prefix("[[")
        .and_then(|x| x.strip_suffix("]]"))
        .unwrap_or(s)
        .to_string()
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the graph root, `/`-separated.
    pub path: String,
    pub title: String,
    pub text: Arc<str>,
    pub facts: PageFacts,
}

impl Page {
    pub fn key(&self) -> String {
        names::page_key(&self.title)
    }
}

/// Title of a page of a graph with `config`, from its `title::` or its file name.
/// A name that reads as a date is the journal of that day, named in the graph's journal title
/// format (`journals/2024_01_31.md` is `Jan 31st, 2024`).
fn title_for(config: &GraphConfig, path: &str, facts: &PageFacts) -> String {
    let name = match &facts.title_property {
        Some(t) => t.clone(),
        None => {
            let file = path.rsplit('/').next().unwrap_or(path);
            // util.cljs@0.10.9 `path->file-body`: the name up to its last `.` (`about.org` is
            // `about`).
            let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
            names::title_from_stem(stem, config.name_format)
        }
    };
    journal::page_name(&name, &config.date_formatter).unwrap_or(name)
}

/// A page ready to go into a [`Graph`]: what [`Graph::upsert`] computes before it touches the
/// index.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Boxed here already: it moves into the graph as it is, and a caller's list of prepared
    /// pages is a pointer and two keys a page (it lives until the last one has moved in, at the
    /// peak of `check`).
    page: Box<Page>,
    title_key: String,
    alias_keys: Vec<String>,
}

impl Prepared {
    pub fn new(config: &GraphConfig, path: String, text: Arc<str>, facts: PageFacts) -> Self {
        let title = title_for(config, &path, &facts);
        Prepared {
            title_key: names::page_key(&title),
            alias_keys: facts.aliases.iter().map(|a| names::page_key(a)).collect(),
            page: Box::new(Page {
                path,
                title,
                text,
                facts,
            }),
        }
    }
}

/// Cloned for fix-all, which tries texts on a copy instead of locking the shared one, and by
/// [`Graph::compacted`].
#[derive(Debug, Default, Clone)]
pub struct Graph {
    pub config: GraphConfig,
    pages: BTreeMap<String, Box<Page>>,
    /// Block id → paths of the pages holding it (once per occurrence).
    ids: HashMap<String, Vec<String>>,
    /// Page key → the pages claiming it, by title (`true`) or alias (`false`), in claim order.
    names: HashMap<String, Vec<(String, bool)>>,
    /// Graph-relative paths of the files under `assets/`, once a face has listed them (the
    /// engine reads no folder); `None` until then, and the asset rules stay silent.
    assets: Option<BTreeSet<String>>,
}

impl Graph {
    pub fn new(config: GraphConfig) -> Self {
        Graph {
            config,
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    pub fn pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.values().map(|p| &**p)
    }
    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.get(path).map(|p| &**p)
    }

    /// Title of the page stored at `path`, from its `title::` or its file name.
    pub fn title_for(&self, path: &str, facts: &PageFacts) -> String {
        title_for(&self.config, path, facts)
    }

    /// Adds or replaces a page with precomputed facts.
    pub fn upsert(&mut self, path: String, text: Arc<str>, facts: PageFacts) {
        self.upsert_prepared(Prepared::new(&self.config, path, text, facts));
    }

    /// [`upsert`](Self::upsert) with the title and name keys worked out already: a caller adding
    /// many pages prepares them in parallel ([`Prepared::new`] needs only the config), since
    /// the index itself is updated one page at a time.
    pub fn upsert_prepared(&mut self, prepared: Prepared) {
        // Typing in an open page upserts it on every keystroke, and nearly always its title,
        // aliases and ids are the ones the maps already hold for it: then only the page itself
        // changes (the maps' updates were a sixth of a keystroke in a 1 MB page with 1,450 ids).
        if let Some(old) = self.pages.get_mut(&prepared.page.path) {
            let (a, b) = (&old.facts, &prepared.page.facts);
            if old.title == prepared.page.title
                && a.aliases == b.aliases
                && a.ids.len() == b.ids.len()
                && a.ids.iter().zip(&b.ids).all(|(x, y)| x.id == y.id)
            {
                *old = prepared.page;
                return;
            }
        }
        let Prepared {
            page,
            title_key,
            alias_keys,
        } = prepared;
        let path = &page.path;
        self.remove(path);
        for s in &page.facts.ids {
            self.ids.entry(s.id.clone()).or_default().push(path.clone());
        }
        self.names
            .entry(title_key)
            .or_default()
            .push((path.clone(), true));
        for k in alias_keys {
            self.names.entry(k).or_default().push((path.clone(), false));
        }
        self.pages.insert(path.clone(), page);
    }

    /// Parses `text` and adds or replaces the page.
    pub fn upsert_text(&mut self, path: String, text: Arc<str>) {
        let outline = crate::syntax::outline::parse(&text);
        let facts = PageFacts::from_outline(&text, &outline);
        self.upsert(path, text, facts);
    }

    pub fn remove(&mut self, path: &str) -> Option<Page> {
        let old = *self.pages.remove(path)?;
        for s in &old.facts.ids {
            if let Some(v) = self.ids.get_mut(&s.id) {
                if let Some(k) = v.iter().position(|p| p == path) {
                    v.swap_remove(k);
                }
                if v.is_empty() {
                    self.ids.remove(&s.id);
                }
            }
        }
        // Only the names this page claimed: O(its names), not O(graph), since it runs on every
        // keystroke in an open page.
        let keys = std::iter::once(names::page_key(&old.title))
            .chain(old.facts.aliases.iter().map(|a| names::page_key(a)));
        for k in keys {
            if let Some(v) = self.names.get_mut(&k) {
                v.retain(|(p, _)| p != path);
                if v.is_empty() {
                    self.names.remove(&k);
                }
            }
        }
        Some(old)
    }

    /// Sets the files of the `assets/` folder (graph-relative paths).
    pub fn set_assets(&mut self, paths: impl IntoIterator<Item = String>) {
        self.assets = Some(paths.into_iter().collect());
    }
    /// A file under `assets/` was created (`true`) or deleted.
    pub fn asset_changed(&mut self, path: &str, exists: bool) {
        let set = self.assets.get_or_insert_with(BTreeSet::new);
        if exists {
            set.insert(path.to_string());
        } else {
            set.remove(path);
        }
    }
    /// The files under `assets/`, if listed.
    pub fn assets(&self) -> Option<&BTreeSet<String>> {
        self.assets.as_ref()
    }

    /// How many blocks of the graph carry `id` (lower-case).
    pub fn id_count(&self, id: &str) -> usize {
        self.ids.get(id).map_or(0, Vec::len)
    }

    /// Every block carrying `id`, as (page, site).
    pub fn id_sites(&self, id: &str) -> Vec<(&Page, &IdSite)> {
        let mut paths: Vec<&String> = self
            .ids
            .get(id)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        paths.sort();
        paths.dedup();
        paths
            .into_iter()
            .filter_map(|p| self.pages.get(p).map(|p| &**p))
            .flat_map(|pg| {
                pg.facts
                    .ids
                    .iter()
                    .filter(|s| s.id == id)
                    .map(move |s| (pg, s))
            })
            .collect()
    }

    /// The page a name (title or alias) refers to: a page with that title wins over aliases.
    pub fn page_by_name(&self, name: &str) -> Option<&Page> {
        // `[[2024-01-31]]` is the journal `Jan 31st, 2024` (extract.cljc `page-name->map`).
        let journal = journal::page_name(name, &self.config.date_formatter);
        let v = self
            .names
            .get(&names::page_key(journal.as_deref().unwrap_or(name)))?;
        let (p, _) = v.iter().find(|(_, title)| *title).or(v.first())?;
        self.pages.get(p).map(|p| &**p)
    }

    /// Paths of pages that reference block `id`.
    pub fn block_ref_sites(&self, id: &str) -> Vec<(&Page, &RefSite)> {
        self.pages()
            .flat_map(|p| {
                p.facts
                    .block_refs
                    .iter()
                    .filter(|r| r.id == id)
                    .map(move |r| (p, r))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
