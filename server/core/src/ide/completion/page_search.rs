//! `[[query`, `#query`: page names, aliases and names only referenced so far.

use super::*;

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
    pages: &[PageNames],
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

/// The name inside a reference's text: `[[x]]`, `#[[x]]`, `#x`, or a bare property item.
pub fn ref_name(raw: &str) -> &str {
    let s = raw.strip_prefix('#').unwrap_or(raw);
    s.strip_prefix("[[")
        .and_then(|x| x.strip_suffix("]]"))
        .unwrap_or(s)
        .trim()
}

/// Completion of a page name (`[[`, `#`), from the pages' names copied out of the graph.
pub fn page_items(
    pages: &[PageNames],
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
