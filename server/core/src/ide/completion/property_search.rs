//! Property keys in use plus Logseq's built-ins, and the values in use for a key.

use super::*;

/// Logseq's own keys: offered even when no page uses them yet.
pub const BUILTIN_KEYS: [(&str, &str); 5] = [
    ("id", "the block's id (a fresh one is filled in)"),
    ("collapsed", "true: the block shows folded"),
    ("tags", "pages this block or page is tagged with"),
    ("alias", "other names of this page"),
    (
        "title",
        "the page's title, when it differs from the file name",
    ),
];

/// Every `key::` of the graph with how many lines use it (key as first written, by normalised
/// name). A line scan for `::`, not a parse: fast on a large graph.
pub fn keys_in_use(graph: &Graph) -> HashMap<String, (String, usize)> {
    let pages: Vec<&Page> = graph.pages().collect();
    pages
        .par_iter()
        .fold(
            HashMap::new,
            |mut acc: HashMap<String, (String, usize)>, p| {
                for_each_property(&p.text, |key, _| {
                    let e = acc
                        .entry(properties::normalize_key(key))
                        .or_insert_with(|| (key.to_string(), 0));
                    e.1 += 1;
                });
                acc
            },
        )
        .reduce(HashMap::new, |mut a, b| {
            for (k, (orig, n)) in b {
                a.entry(k).or_insert((orig, 0)).1 += n;
            }
            a
        })
}

/// Calls `f(key, value)` for every line of `t` that reads as `key:: value` (a bullet's `- ` and
/// indentation allowed).
pub(super) fn for_each_property(t: &str, mut f: impl FnMut(&str, &str)) {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(k) = t[from..].find("::") {
        let at = from + k;
        from = at + 2;
        let ls = t[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let le = text::next_break(b, at);
        from = from.max(le);
        let line = &t[ls..le];
        let body = line.trim_start_matches([' ', '\t']);
        let body = body.strip_prefix("- ").unwrap_or(body);
        if let Some(p) = properties::parse_line(body, 0) {
            f(&body[p.key.clone()], &body[p.value.clone()]);
        }
    }
}

/// Values used for `key` across the graph (items of `tags::`/`alias::` one by one), with counts.
pub fn values_in_use(graph: &Graph, key: &str) -> HashMap<String, usize> {
    let multi = key == "tags" || key == "alias";
    let pages: Vec<&Page> = graph.pages().collect();
    pages
        .par_iter()
        .fold(HashMap::new, |mut acc: HashMap<String, usize>, p| {
            for_each_property(&p.text, |k, v| {
                if properties::normalize_key(k) != key || v.is_empty() {
                    return;
                }
                if multi {
                    for item in v.split(',') {
                        let item = ref_name(item.trim());
                        if !item.is_empty() {
                            *acc.entry(item.to_string()).or_default() += 1;
                        }
                    }
                } else {
                    *acc.entry(v.to_string()).or_default() += 1;
                }
            });
            acc
        })
        .reduce(HashMap::new, |mut a, b| {
            for (k, n) in b {
                *a.entry(k).or_default() += n;
            }
            a
        })
}

pub(super) fn key_items(
    graph: &Graph,
    query: &str,
    range: &Range<usize>,
    page: bool,
    has_colons: bool,
    typed: &str,
    new_id: &mut dyn FnMut() -> String,
) -> Completion {
    let q = Query::new(query);
    let mut keys = keys_in_use(graph);
    for (k, _) in BUILTIN_KEYS {
        keys.entry(k.to_string()).or_insert((k.to_string(), 0));
    }
    for k in schedule::KEYS {
        keys.entry(k.to_string()).or_insert((k.to_string(), 0));
    }
    let mut scored: Vec<(i64, String, String, usize)> = keys
        .into_iter()
        .filter(|(k, _)| !(page && k == "id"))
        .filter_map(|(k, (orig, n))| Some((q.score(&orig)?, k, orig, n)))
        .collect();
    // Best match first; among equals, the keys used most.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.3.cmp(&a.3)).then(a.1.cmp(&b.1)));
    scored.truncate(LIMIT);
    let items = scored
        .into_iter()
        .map(|(_, k, orig, n)| {
            let value = if k == "id" { new_id() } else { String::new() };
            let new_text = if has_colons {
                orig.clone()
            } else {
                format!("{orig}:: {value}")
            };
            let builtin = BUILTIN_KEYS
                .iter()
                .find(|(b, _)| *b == k)
                .map(|(_, d)| d.to_string())
                .or_else(|| {
                    schedule::KEYS
                        .contains(&k.as_str())
                        .then(|| "card schedule (written by Logseq's review)".to_string())
                });
            let used = (n > 0).then(|| format!("used {n} time{}", if n == 1 { "" } else { "s" }));
            Item {
                label: orig,
                kind: ItemKind::Property,
                detail: match (builtin, used) {
                    (Some(b), Some(u)) => Some(format!("{b} · {u}")),
                    (b, u) => b.or(u),
                },
                documentation: None,
                edit: TextEdit::replace(range.clone(), new_text),
                snippet: false,
                filter: typed.to_string(),
                add_id: None,
            }
        })
        .collect();
    Completion {
        items,
        incomplete: false,
    }
}

pub(super) fn value_items(
    graph: &Graph,
    key: &str,
    query: &str,
    range: &Range<usize>,
    space: bool,
    typed: &str,
) -> Completion {
    let values: Vec<(String, usize)> = match key {
        // An id is never reused; schedules are Logseq's to write.
        "id" => Vec::new(),
        k if schedule::KEYS.contains(&k) => Vec::new(),
        "collapsed" => vec![("true".into(), 0), ("false".into(), 0)],
        _ => values_in_use(graph, key).into_iter().collect(),
    };
    let q = Query::new(query);
    let mut scored: Vec<(i64, String, usize)> = values
        .into_iter()
        .filter_map(|(v, n)| Some((q.score(&v)?, v, n)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    scored.truncate(LIMIT);
    let items = scored
        .into_iter()
        .map(|(_, v, n)| Item {
            edit: TextEdit::replace(
                range.clone(),
                if space { format!(" {v}") } else { v.clone() },
            ),
            label: v,
            kind: ItemKind::Value,
            detail: (n > 0).then(|| format!("used {n} time{}", if n == 1 { "" } else { "s" })),
            documentation: None,
            snippet: false,
            filter: typed.to_string(),
            add_id: None,
        })
        .collect();
    Completion {
        items,
        incomplete: false,
    }
}
