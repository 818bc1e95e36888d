//! The graph's page names copied out for searches that run without the index's lock
//! (completion, workspace symbols), kept between searches by a [`NamesIndex`].

use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::ide::fuzzy::char_mask;
use crate::model::graph::names::page_key;
use crate::model::graph::{Graph, Page};

/// What the searches of page names, aliases, referenced names and card questions read of one
/// page, copied out of the graph (cheap: the text is shared) so that a search runs without the
/// index's lock, which every keystroke's write waits for.
#[derive(Debug)]
pub struct PageNames {
    pub path: String,
    pub title: String,
    pub aliases: Vec<String>,
    /// Where its page references are in `text`.
    pub refs: Vec<Range<usize>>,
    pub text: Arc<str>,
    ref_names: OnceLock<RefNames>,
    keys: OnceLock<Box<[String]>>,
}

/// The names a page's references give, each once, in order of first mention: copied together
/// so that a search reads them without touching the page's text, with a [`char_mask`] each.
#[derive(Debug, Default)]
pub struct RefNames {
    names: String,
    /// Each name's end in `names` and its mask.
    ends: Vec<(u32, u32)>,
}

impl RefNames {
    /// The names with their masks.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        let mut start = 0;
        self.ends.iter().map(move |&(end, mask)| {
            let name = &self.names[start..end as usize];
            start = end as usize;
            (name, mask)
        })
    }
}

impl PageNames {
    fn new(p: &Page) -> PageNames {
        PageNames {
            path: p.path.clone(),
            title: p.title.clone(),
            aliases: p.facts.aliases.clone(),
            refs: p.facts.page_refs.iter().map(|(_, r)| r.clone()).collect(),
            text: p.text.clone(),
            ref_names: OnceLock::new(),
            keys: OnceLock::new(),
        }
    }

    /// Whether this is the copy [`PageNames::new`] would make of `p`.
    fn is_copy_of(&self, p: &Page) -> bool {
        Arc::ptr_eq(&self.text, &p.text)
            && self.path == p.path
            && self.title == p.title
            && self.aliases == p.facts.aliases
            && self.refs.len() == p.facts.page_refs.len()
            && self
                .refs
                .iter()
                .zip(&p.facts.page_refs)
                .all(|(a, (_, b))| a == b)
    }

    /// The name keys ([`page_key`]) of its title and its aliases, in that order.
    pub fn keys(&self) -> &[String] {
        self.keys.get_or_init(|| {
            std::iter::once(&self.title)
                .chain(&self.aliases)
                .map(|n| page_key(n))
                .collect()
        })
    }

    /// The names of its references ([`ref_name`] of each, the empty ones left out), prepared
    /// on first use.
    pub fn ref_names(&self) -> &RefNames {
        self.ref_names.get_or_init(|| {
            let mut out = RefNames::default();
            let mut seen = HashSet::new();
            for r in &self.refs {
                let name = self.text.get(r.clone()).map_or("", ref_name);
                if name.is_empty() || !seen.insert(name) {
                    continue;
                }
                out.names.push_str(name);
                let end = u32::try_from(out.names.len()).unwrap_or(u32::MAX);
                out.ends.push((end, char_mask(name.as_bytes())));
            }
            // Kept while the page is unchanged: no room to grow.
            out.names.shrink_to_fit();
            out.ends.shrink_to_fit();
            out
        })
    }
}

/// The name inside a reference's text: `[[x]]`, `#[[x]]`, `#x`, or a bare property item.
pub fn ref_name(raw: &str) -> &str {
    let s = raw.strip_prefix('#').unwrap_or(raw);
    s.strip_prefix("[[")
        .and_then(|x| x.strip_suffix("]]"))
        .unwrap_or(s)
        .trim()
}

/// Every page of the graph, for [`crate::ide::completion::search_pages`] and workspace symbols.
pub fn page_names(graph: &Graph) -> Names {
    NamesIndex::default().names(graph)
}

/// The graph's pages' names, for a search.
#[derive(Clone)]
pub struct Names {
    /// In the graph's (path) order.
    pub pages: Vec<Arc<PageNames>>,
    named: Arc<OnceLock<HashSet<String>>>,
}

impl Names {
    /// The keys of every page's title and aliases: the names pages answer to, as the graph's
    /// name map holds them.
    pub fn named(&self) -> &HashSet<String> {
        self.named.get_or_init(|| {
            self.pages
                .iter()
                .flat_map(|p| p.keys().iter().cloned())
                .collect()
        })
    }
}

/// The copies of [`page_names`] kept between searches: each [`NamesIndex::names`] copies only
/// the pages that changed since (the rest, and their prepared reference names, are shared),
/// and the set of names pages answer to is made again only when a title or alias changed.
#[derive(Default)]
pub struct NamesIndex {
    last: Option<Names>,
}

impl NamesIndex {
    pub fn names(&mut self, graph: &Graph) -> Names {
        let old_pages = self.last.as_ref().map_or(&[][..], |n| &n.pages[..]);
        let mut same_names = self.last.is_some() && old_pages.len() == graph.len();
        // Both lists are in path order (the graph's map is): walk them side by side.
        let mut old = old_pages.iter().peekable();
        let pages: Vec<Arc<PageNames>> = graph
            .pages()
            .map(|p| {
                while old.next_if(|o| o.path < p.path).is_some() {
                    same_names = false;
                }
                let o = old.next_if(|o| o.path == p.path);
                same_names &= o.is_some_and(|o| o.title == p.title && o.aliases == p.facts.aliases);
                o.filter(|o| o.is_copy_of(p))
                    .cloned()
                    .unwrap_or_else(|| Arc::new(PageNames::new(p)))
            })
            .collect();
        let named = match &self.last {
            Some(n) if same_names => n.named.clone(),
            _ => Default::default(),
        };
        let names = Names { pages, named };
        self.last = Some(names.clone());
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_page_is_copied_again_and_the_others_are_shared() {
        let mut g = Graph::new(Default::default());
        g.upsert_text("pages/a.md".into(), Arc::from("- [[X]] #y [[X]]\n"));
        g.upsert_text("pages/b.md".into(), Arc::from("- [[Z]]\n"));
        let mut ix = NamesIndex::default();
        let first = ix.names(&g).pages;
        let names = |p: &PageNames| {
            p.ref_names()
                .iter()
                .map(|(n, _)| n.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&first[0]), ["X", "y"]);
        g.upsert_text("pages/a.md".into(), Arc::from("- [[W]]\n"));
        let again = ix.names(&g).pages;
        assert_eq!(names(&again[0]), ["W"]);
        assert!(Arc::ptr_eq(&first[1], &again[1]));
        assert!(!Arc::ptr_eq(&first[0], &again[0]));
    }
}
