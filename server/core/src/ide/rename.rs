//! Renaming a page: its file (named per `:file/name-format`), its `title::`, and every
//! `[[link]]`, `#tag`, `#[[tag]]` and `tags::`/`alias::` item that names it, across the graph.
//! Renaming an alias rewrites the uses of that alias (and the `alias::` entry). Block ids are
//! never renamed: every `((reference))` to the block would break.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::ide::navigation::{file_stem, target_at, Target};
use crate::lint::analysis::PageAnalysis;
use crate::model::graph::{journal, names, Graph, Page};
use crate::syntax::edit::TextEdit;
use crate::syntax::outline::{self, BlockKind};
use crate::syntax::page_ref::{page_ref_text, RefStyle};

pub const ID_REFUSED: &str = "Block ids cannot be renamed: every ((reference)) and embed of the block uses this id, and Logseq would show them as broken. To give the block another id, use the quick fix on a duplicated id, or write a new one and update the references yourself.";

/// What a rename at `offset` would rename: the name's range in this page and the current name.
/// `Err` explains why the thing under the cursor cannot be renamed; `Ok(None)`: nothing there.
pub fn prepare(
    graph: &Graph,
    this_path: Option<&str>,
    src: &str,
    a: &PageAnalysis,
    offset: usize,
) -> Result<Option<(Range<usize>, String)>, String> {
    match target_at(src, a, offset) {
        Some(Target::PageRef {
            name, name_range, ..
        }) => Ok(Some((name_range, name.trim().to_string()))),
        Some(Target::ThisPage { range }) => {
            let Some(p) = this_path.and_then(|p| graph.page(p)) else {
                return Ok(None);
            };
            let range = if range.is_empty() {
                let o = &a.outline;
                let b = &o.blocks[o.block_at(offset).unwrap_or(0)];
                let l = b
                    .lines
                    .iter()
                    .find(|l| l.line.start <= offset && offset <= l.line.end)
                    .map_or(b.range.clone(), |l| l.line.range());
                l.start..l.start + src[l.clone()].trim_end().len()
            } else {
                range
            };
            Ok(Some((range, p.title.clone())))
        }
        Some(Target::IdValue { .. }) | Some(Target::BlockRef { .. }) => Err(ID_REFUSED.into()),
        _ => Ok(None),
    }
}

/// A page rename: text edits per page (graph-relative path, against the graph's text of it) and
/// the file move, if the page has a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRename {
    pub edits: BTreeMap<String, Vec<TextEdit>>,
    /// (old path, new path).
    pub file: Option<(String, String)>,
}

/// Renames what is at `offset` to `new_name`.
pub fn rename(
    graph: &Graph,
    this_path: Option<&str>,
    src: &str,
    a: &PageAnalysis,
    offset: usize,
    new_name: &str,
) -> Result<PageRename, String> {
    let Some((_, old)) = prepare(graph, this_path, src, a, offset)? else {
        return Err("Nothing to rename here: put the cursor on a [[link]] or #tag.".into());
    };
    rename_page(graph, &old, new_name)
}

/// Renames the page (or alias) `old` to `new_name`.
pub fn rename_page(graph: &Graph, old: &str, new_name: &str) -> Result<PageRename, String> {
    let new = new_name.trim();
    if new.is_empty() {
        return Err("A page name cannot be empty.".into());
    }
    if new.contains(['\n', '\r']) || new.contains("[[") || new.contains("]]") {
        return Err(format!(
            "“{new}” cannot be a page name: no line breaks, `[[` or `]]`."
        ));
    }
    // A journal's name is its date (graph/journal.rs), and its references may be written in any
    // date form (`[[2024-01-31]]`): no rename to or from one.
    let fmt = &graph.config.date_formatter;
    if let Some(j) = [old, new]
        .into_iter()
        .find(|n| journal::day(n, fmt).is_some())
    {
        return Err(format!(
            "“{j}” is a journal date: Logseq names journal pages by their day. Rename refused."
        ));
    }
    let old_key = names::page_key(old);
    let new_key = names::page_key(new);
    let page = graph.page_by_name(old);
    let is_alias = page.is_some_and(|p| names::page_key(&p.title) != old_key);
    if let Some(other) = graph.page_by_name(new) {
        if new_key != old_key {
            return Err(format!(
                "A page named “{}” already exists ({}): Logseq would merge the two pages. Rename refused.",
                other.title, other.path
            ));
        }
    }
    let mut out = PageRename::default();
    for p in graph.pages() {
        let mut edits = Vec::new();
        for (k, r) in &p.facts.page_refs {
            if *k != old_key {
                continue;
            }
            let Some(raw) = p.text.get(r.clone()) else {
                continue;
            };
            let text = if raw.starts_with("#[[") {
                page_ref_text(new, RefStyle::BracketTag)
            } else if raw.starts_with('#') {
                page_ref_text(new, RefStyle::Tag)
            } else if raw.starts_with("[[") {
                page_ref_text(new, RefStyle::Link)
            } else if new.contains(',') {
                // A bare item of `tags::`/`alias::`: brackets keep a comma inside the name.
                page_ref_text(new, RefStyle::Link)
            } else {
                new.to_string()
            };
            if text != raw {
                edits.push(TextEdit::replace(r.clone(), text));
            }
        }
        if !edits.is_empty() {
            out.edits.insert(p.path.clone(), edits);
        }
    }
    if let (Some(p), false) = (page, is_alias) {
        if let Some(e) = title_property_edit(p, new) {
            out.edits.entry(p.path.clone()).or_default().push(e);
        }
        let new_path = renamed_path(p, new, graph);
        if new_path != p.path {
            if graph.page(&new_path).is_some() {
                return Err(format!("{new_path} already exists: rename refused."));
            }
            out.file = Some((p.path.clone(), new_path));
        }
    }
    for v in out.edits.values_mut() {
        v.sort_by_key(|e| e.range.start);
    }
    Ok(out)
}

/// The page's path after renaming it to `new`: same folder and extension, new stem.
fn renamed_path(p: &Page, new: &str, graph: &Graph) -> String {
    let (dir, file) = match p.path.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), p.path.as_str()),
    };
    let ext = file.rsplit_once('.').map_or("md", |(_, e)| e);
    format!("{dir}{}.{ext}", file_stem(new, graph.config.name_format))
}

/// The edit of the page's own `title::` (when it has one), which would otherwise keep the old
/// name.
fn title_property_edit(p: &Page, new: &str) -> Option<TextEdit> {
    p.facts.title_property.as_ref()?;
    if crate::model::org::is_org(&p.path) {
        return None;
    }
    let o = outline::parse(&p.text);
    let b = o.blocks.first().filter(|b| b.kind == BlockKind::Pre)?;
    let t = b.property("title")?;
    Some(TextEdit::replace(t.value.clone(), new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::analysis::analyze;
    use crate::model::graph::GraphConfig;
    use crate::model::graph::NameFormat;
    use crate::model::settings::Settings;
    use crate::syntax::edit::apply;
    use std::sync::Arc;

    fn graph(pages: &[(&str, &str)]) -> Graph {
        let mut g = Graph::new(GraphConfig {
            name_format: NameFormat::TripleLowbar,
            ..Default::default()
        });
        for (p, t) in pages {
            g.upsert_text(p.to_string(), Arc::from(*t));
        }
        g
    }

    #[test]
    fn renames_file_links_tags_and_title() {
        let g = graph(&[
            (
                "pages/My Page 😀.md",
                "alias:: MP\n\n- self [[my page 😀]]\n",
            ),
            (
                "pages/other.md",
                "tags:: My Page 😀, x\n- see [[My Page 😀]] and #[[My Page 😀]] and [[MP]]\n",
            ),
        ]);
        let r = rename_page(&g, "my page 😀", "Our Page/Sub: 2").unwrap();
        assert_eq!(
            r.file,
            Some((
                "pages/My Page 😀.md".into(),
                "pages/Our Page___Sub%3A 2.md".into()
            ))
        );
        let other = &g.page("pages/other.md").unwrap().text;
        assert_eq!(
            apply(other, &r.edits["pages/other.md"]),
            "tags:: Our Page/Sub: 2, x\n- see [[Our Page/Sub: 2]] and #[[Our Page/Sub: 2]] and [[MP]]\n"
        );
        let own = &g.page("pages/My Page 😀.md").unwrap().text;
        assert_eq!(
            apply(own, &r.edits["pages/My Page 😀.md"]),
            "alias:: MP\n\n- self [[Our Page/Sub: 2]]\n"
        );
        // A plain tag stays a plain tag when it can.
        let g = graph(&[("pages/a.md", "- #old x\n")]);
        let r = rename_page(&g, "old", "new one").unwrap();
        assert_eq!(
            apply(&g.page("pages/a.md").unwrap().text, &r.edits["pages/a.md"]),
            "- #[[new one]] x\n"
        );
        assert_eq!(r.file, None);
    }

    #[test]
    fn journals_are_not_renamed() {
        let g = graph(&[
            ("journals/2024_01_31.md", "- a day\n"),
            ("pages/q.md", "- [[Jan 31st, 2024]] [[2024-01-31]]\n"),
        ]);
        for (old, new) in [("Jan 31st, 2024", "Holiday"), ("q", "2024-02-01")] {
            let e = rename_page(&g, old, new).unwrap_err();
            assert!(e.contains("journal date"), "{e}");
        }
    }

    #[test]
    fn alias_title_and_refusals() {
        let g = graph(&[
            ("pages/p.md", "title:: Real\nalias:: Nick\n\n- x\n  id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n- ((6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b))\n"),
            ("pages/q.md", "- [[Nick]] [[Real]]\n"),
        ]);
        // Renaming the alias: its uses and the alias:: entry; no file move.
        let r = rename_page(&g, "nick", "Nickname").unwrap();
        assert_eq!(r.file, None);
        assert_eq!(r.edits["pages/q.md"].len(), 1);
        let p = &g.page("pages/p.md").unwrap().text;
        assert!(apply(p, &r.edits["pages/p.md"]).contains("alias:: Nickname\n"));
        // Renaming the title: title:: follows, the file is named after the new title.
        let r = rename_page(&g, "Real", "Unreal").unwrap();
        assert!(apply(p, &r.edits["pages/p.md"]).starts_with("title:: Unreal\n"));
        assert_eq!(r.file.unwrap().1, "pages/Unreal.md");
        // Onto an existing page: refused.
        assert!(rename_page(&g, "Real", "q")
            .unwrap_err()
            .contains("already exists"));
        assert!(rename_page(&g, "Real", " ").is_err());
        // On the id value or a ((ref)): refused with the message.
        let a = analyze(p, &Settings::default());
        let at = p.find("6543").unwrap() + 3;
        assert_eq!(
            prepare(&g, Some("pages/p.md"), p, &a, at).unwrap_err(),
            ID_REFUSED
        );
        let at = p.find("((6543").unwrap() + 5;
        assert!(rename(&g, Some("pages/p.md"), p, &a, at, "x").is_err());
        // On the page's properties: the page itself.
        let (_, name) = prepare(&g, Some("pages/p.md"), p, &a, 2).unwrap().unwrap();
        assert_eq!(name, "Real");
    }
}
