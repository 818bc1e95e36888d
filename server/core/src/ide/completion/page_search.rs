//! `[[query`, `#query`: page names, aliases and names only referenced so far.

use super::*;
pub use crate::ide::pages::ref_name;
use std::borrow::Cow;

/// A page name candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageName {
    pub name: String,
    pub kind: ItemKind,
    /// The page's title (for an alias) or file.
    pub detail: String,
}

/// Where a page name is being typed: the reference at `range` of page `path` names nothing yet.
#[derive(Debug, Clone, Copy)]
pub struct Typing<'a> {
    pub path: Option<&'a str>,
    pub range: &'a Range<usize>,
}

/// Page titles, aliases and names only referenced so far, matching `query`, best first.
pub fn search_pages(
    names: &Names,
    query: &str,
    limit: usize,
    typing: Typing,
) -> Vec<(i64, PageName)> {
    let q = Query::new(query);
    let pages = &names.pages[..];
    // Each page's reference names and name keys are prepared once per page (copied out of
    // its text: reading each reference in the page texts was most of the search) and shared
    // by later searches.
    pages.par_iter().for_each(|p| {
        p.ref_names();
        p.keys();
    });
    // What was found, made into items only once the best are known.
    struct Found<'a> {
        name: &'a str,
        kind: ItemKind,
        page: &'a PageNames,
    }
    let mut seen: HashSet<Cow<str>> = HashSet::new();
    let mut out: Vec<(i64, Found)> = Vec::new();
    let mut add = |seen: &mut HashSet<_>, key, score: i64, found| {
        if seen.insert(key) {
            out.push((score, found));
        }
    };
    for p in pages {
        let keys = p.keys();
        for (k, name) in std::iter::once(&p.title).chain(&p.aliases).enumerate() {
            if let Some(s) = q.score(name) {
                let kind = if k == 0 {
                    ItemKind::Page
                } else {
                    ItemKind::Alias
                };
                let found = Found {
                    name,
                    kind,
                    page: p,
                };
                add(&mut seen, Cow::Borrowed(keys[k].as_str()), s, found);
            }
        }
    }
    // Referenced names without a page (Logseq lists them as pages too), after every real page.
    // Not the reference being typed (`[[kub]]` as the editor auto-closed it): offered, it made
    // Enter keep what was typed, and Emacs took the typed text for a finished completion.
    let qmask = q.mask();
    let mut referenced: Vec<(i64, &str, &PageNames)> = Vec::new();
    for p in pages {
        if typing.path != Some(p.path.as_str()) {
            // A name mentioned again on the same page scores the same and comes later: the
            // sort is stable and a name is added once, so its first mention is all that counts.
            for (name, mask) in p.ref_names().iter() {
                if mask & qmask == qmask {
                    if let Some(s) = q.score(name) {
                        referenced.push((s - 1, name, p));
                    }
                }
            }
            continue;
        }
        for r in &p.refs {
            if r.start < typing.range.end && typing.range.start < r.end {
                continue;
            }
            let name = p.text.get(r.clone()).map_or("", ref_name);
            if let Some(s) = (!name.is_empty()).then(|| q.score(name)).flatten() {
                referenced.push((s - 1, name, p));
            }
        }
    }
    referenced.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut added = 0;
    for (s, name, page) in referenced {
        if added == limit {
            break;
        }
        let key = names::page_key(name);
        if !seen.contains(key.as_str()) && !names.named().contains(key.as_str()) {
            let kind = ItemKind::NewPage;
            add(&mut seen, Cow::Owned(key), s, Found { name, kind, page });
            added += 1;
        }
    }
    out.sort_by(|a, b| {
        let new_page = |p: &Found| p.kind == ItemKind::NewPage;
        (new_page(&a.1).cmp(&new_page(&b.1)))
            .then_with(|| b.0.cmp(&a.0))
            .then_with(|| a.1.name.cmp(b.1.name))
    });
    out.truncate(limit);
    out.into_iter()
        .map(|(s, f)| {
            let detail = match f.kind {
                ItemKind::Page => f.page.path.clone(),
                ItemKind::Alias => format!("alias of {}", f.page.title),
                _ => "no page yet".into(),
            };
            let (name, kind) = (f.name.to_string(), f.kind);
            (s, PageName { name, kind, detail })
        })
        .collect()
}

/// Completion of a page name (`[[`, `#`), from the pages' names copied out of the graph.
pub fn page_items(
    pages: &Names,
    query: &str,
    range: &Range<usize>,
    style: RefStyle,
    typed: &str,
    path: Option<&str>,
) -> Completion {
    let items = search_pages(pages, query, LIMIT, Typing { path, range })
        .into_iter()
        .map(|(_, p)| Item {
            edit: TextEdit::replace(range.clone(), page_ref_text(&p.name, style)),
            label: p.name,
            kind: p.kind,
            detail: Some(p.detail),
            documentation: None,
            snippet: false,
            filter: typed.to_string(),
            add_id: None,
        })
        .collect();
    Completion {
        items,
        incomplete: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::pages::NamesIndex;
    use proptest::prelude::*;

    const PARTS: &[&str] = &[
        "- ",
        "\n",
        "x ",
        "[[Kub]]",
        "[[kub]]",
        "#kub",
        "[[Kube ctl]]",
        "#[[Kub Ctl]]",
        "[[ K8s ]]",
        "#K8s",
        "[[é]]",
        "[[p0]]",
        "[[]]",
        "alias:: Kub, K8s\n",
        "title:: kube\n",
        "tags:: kub, pod\n",
    ];

    /// The search before the prepared names (as of cae1c59): every reference read in its
    /// page's text, every name's key made on each search.
    fn plain(
        pages: &[Arc<PageNames>],
        query: &str,
        limit: usize,
        typing: Typing,
    ) -> Vec<(i64, PageName)> {
        let q = Query::new(query);
        let mut seen: HashSet<String> = HashSet::new();
        let mut out: Vec<(i64, PageName)> = Vec::new();
        let mut add = |seen: &mut HashSet<String>, score: i64, name: &str, kind, detail: String| {
            if seen.insert(names::page_key(name)) {
                let name = name.to_string();
                out.push((score, PageName { name, kind, detail }));
            }
        };
        for p in pages {
            if let Some(s) = q.score(&p.title) {
                add(&mut seen, s, &p.title, ItemKind::Page, p.path.clone());
            }
            for a in &p.aliases {
                if let Some(s) = q.score(a) {
                    let detail = format!("alias of {}", p.title);
                    add(&mut seen, s, a, ItemKind::Alias, detail);
                }
            }
        }
        // Referenced names without a page (Logseq lists them as pages too), after every real page.
        // Not the reference being typed (`[[kub]]` as the editor auto-closed it): offered, it made
        // Enter keep what was typed, and Emacs took the typed text for a finished completion.
        let mut referenced: Vec<(i64, &str)> = Vec::new();
        for p in pages {
            let here = typing.path == Some(p.path.as_str());
            for r in &p.refs {
                if here && r.start < typing.range.end && typing.range.start < r.end {
                    continue;
                }
                let name = p.text.get(r.clone()).map_or("", ref_name);
                if let Some(s) = (!name.is_empty()).then(|| q.score(name)).flatten() {
                    referenced.push((s - 1, name));
                }
            }
        }
        referenced.sort_by_key(|r| std::cmp::Reverse(r.0));
        // The names pages answer to (titles and aliases), as the graph's name map holds them.
        let named = || -> HashSet<String> {
            pages
                .iter()
                .flat_map(|p| std::iter::once(&p.title).chain(&p.aliases))
                .map(|n| names::page_key(n))
                .collect()
        };
        let mut named_keys: Option<HashSet<String>> = None;
        let mut added = 0;
        for (s, name) in referenced {
            if added == limit {
                break;
            }
            let key = names::page_key(name);
            if !seen.contains(&key) && !named_keys.get_or_insert_with(named).contains(&key) {
                add(&mut seen, s, name, ItemKind::NewPage, "no page yet".into());
                added += 1;
            }
        }
        out.sort_by(|a, b| {
            let new_page = |p: &PageName| p.kind == ItemKind::NewPage;
            (new_page(&a.1).cmp(&new_page(&b.1)))
                .then_with(|| b.0.cmp(&a.0))
                .then_with(|| a.1.name.cmp(&b.1.name))
        });
        out.truncate(limit);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// A page's prepared reference names give what reading its references in its text
        /// gives (the way a page being typed in is still searched): the same items, in order.
        #[test]
        fn prepared_reference_names_find_what_the_references_give(
            texts in prop::collection::vec(
                prop::collection::vec(prop::sample::select(PARTS), 0..12).prop_map(|v| v.concat()),
                1..5,
            ),
            query in prop::sample::select(&["", "k", "kub", "K8", "ctl", "é", "zz", "p"][..]),
            limit in 1usize..6,
        ) {
            let mut g = Graph::new(Default::default());
            for (i, t) in texts.iter().enumerate() {
                g.upsert_text(format!("pages/p{i}.md"), Arc::from(t.as_str()));
            }
            let names = page_names(&g);
            let search = |path: Option<&str>| {
                search_pages(&names, query, limit, Typing { path, range: &(0..0) })
            };
            let prepared = search(None);
            for p in &names.pages {
                prop_assert_eq!(&search(Some(&p.path)), &prepared, "live {}", p.path);
            }
            let typing = Typing { path: None, range: &(0..0) };
            prop_assert_eq!(&prepared, &plain(&names.pages, query, limit, typing));
            // A page renamed (a title:: line) or given other references: what the index keeps
            // and copies again finds what a fresh copy finds.
            let mut ix = NamesIndex::default();
            search_pages(&ix.names(&g), query, limit, typing);
            g.upsert_text("pages/p0.md".into(), Arc::from(format!("title:: Kub2\n{}", texts[texts.len() - 1])));
            let kept = ix.names(&g);
            prop_assert_eq!(
                search_pages(&kept, query, limit, typing),
                plain(&kept.pages, query, limit, typing)
            );
        }
    }
}
