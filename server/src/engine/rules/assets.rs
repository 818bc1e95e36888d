//! asset-missing, asset-unused: graph-validator's `assets-exist-and-are-used`
//! (default_validations.cljs@v0.5.0, lines 104-131). The engine reads no folder: a face lists the
//! files of `assets/` into the graph (`Graph::set_assets`); until it has, both rules are silent.
//!
//! graph-validator takes every Markdown link or image whose folder is named `assets` and compares
//! file names with the top level of `assets/`. Here a link names the asset Logseq opens for it
//! (links.rs `asset_path`: the path from the graph root), so `../assets/sub/x.png` is checked
//! too and a file of the same name in another folder does not hide a wrong path; `{{pdf …}}` counts as a link (Logseq
//! opens it; graph-validator, reading only links, would call such a PDF unused).

use std::collections::BTreeSet;

use crate::engine::diagnostic::{Code, Diagnostic};
use crate::engine::graph::{Graph, PageFacts};
use crate::engine::links::asset_path;

/// How many existing assets a missing one's fix offers.
const SUGGESTIONS: usize = 3;

pub(super) fn check_missing(graph: &Graph, facts: &PageFacts, out: &mut Vec<Diagnostic>) {
    let Some(assets) = graph.assets() else {
        return;
    };
    for (target, range) in &facts.asset_links {
        let Some(file) = asset_path(target) else {
            continue;
        };
        if assets.contains(&file) {
            continue;
        }
        let near = nearest(&file, assets);
        let mut d = Diagnostic::new(
            Code::AssetMissing,
            range.clone(),
            format!(
                "No file {file} in the graph: Logseq shows a broken {}.{}",
                if target.to_ascii_lowercase().ends_with(".pdf") { "PDF link" } else { "link or image" },
                match near.first() {
                    Some(n) => format!(" The nearest asset is {n}."),
                    None => String::new(),
                }
            ),
        );
        // The fix keeps the link's own way to the folder (`../assets/`) and swaps the rest.
        if let Some(at) = target.rfind("assets/") {
            let prefix = &target[..at + "assets/".len()];
            d.replacements = near
                .iter()
                .map(|n| encode(&format!("{prefix}{}", &n["assets/".len()..])))
                .collect();
        }
        out.push(d);
    }
}

/// Files at the top of `assets/` that no page links to, as (path, diagnostic with an empty
/// range at the file's start), in path order. Only the top level, as graph-validator checks
/// (`readdirSync` of `assets/`, line 122): Logseq keeps a PDF's area highlights as images in
/// `assets/<pdf name>/`, which no link names. A PDF's highlights file `assets/<name>.edn` counts
/// as used when the PDF is (lines 117-120, Logseq's pdf/assets.cljs `inflate-asset` names it so),
/// and a PDF counts as used when its highlights page `hls__<name>` exists (Logseq creates it with
/// `file::` and `file-path::` pointing at the PDF, pdf/assets.cljs `ensure-ref-page!`).
pub fn unused_assets(graph: &Graph) -> Vec<(String, Diagnostic)> {
    let Some(assets) = graph.assets() else {
        return Vec::new();
    };
    let mut used: BTreeSet<String> = BTreeSet::new();
    for p in graph.pages() {
        for (target, _) in &p.facts.asset_links {
            if let Some(f) = asset_path(target) {
                used.insert(f);
            }
        }
    }
    let pdf_used = |stem: &str| {
        used.contains(&format!("{stem}.pdf"))
            || stem
                .strip_prefix("assets/")
                .is_some_and(|k| graph.page_by_name(&format!("hls__{k}")).is_some())
    };
    assets
        .iter()
        .filter(|a| !a["assets/".len()..].contains('/'))
        .filter(|a| !used.contains(*a))
        .filter(|a| match a.rsplit_once('.') {
            Some((stem, ext)) if ext.eq_ignore_ascii_case("pdf") => !pdf_used(stem),
            Some((stem, "edn")) => !pdf_used(stem),
            _ => true,
        })
        .map(|a| {
            let d = Diagnostic::new(
                Code::AssetUnused,
                0..0,
                format!("No page links to {a}: Logseq keeps it in the graph's folder, and nothing shows it."),
            );
            (a.clone(), d)
        })
        .collect()
}

/// The assets whose file names are nearest `file`'s (case-insensitive edit distance, at most a
/// third of the name's length plus two), best first.
fn nearest(file: &str, assets: &BTreeSet<String>) -> Vec<String> {
    let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_lowercase();
    let want = name(file);
    let limit = want.chars().count() / 3 + 2;
    let mut v: Vec<(usize, &String)> = assets
        .iter()
        .map(|a| (distance(&want, &name(a)), a))
        .filter(|(d, _)| *d <= limit)
        .collect();
    v.sort();
    v.into_iter().take(SUGGESTIONS).map(|(_, a)| a.clone()).collect()
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A path as a Markdown link target: the characters that would end or break one, escaped.
fn encode(p: &str) -> String {
    p.replace('%', "%25")
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_with_a_highlights_page_and_its_edn_are_used() {
        let mut g = Graph::new(crate::engine::graph::GraphConfig::default());
        g.upsert_text("pages/hls__book_1.md".into(), "file-path:: nothing linked\n".into());
        g.upsert_text("pages/a.md".into(), "- [r](../assets/read.pdf)\n".into());
        g.set_assets(
            ["book_1.pdf", "book_1.edn", "read.pdf", "read.edn", "lone.edn", "x.png"]
                .map(|f| format!("assets/{f}")),
        );
        let unused: Vec<String> = unused_assets(&g).into_iter().map(|(p, _)| p).collect();
        assert_eq!(unused, ["assets/lone.edn", "assets/x.png"]);
    }

    #[test]
    fn silent_until_the_assets_are_listed() {
        let mut g = Graph::new(crate::engine::graph::GraphConfig::default());
        g.upsert_text("pages/a.md".into(), "- ![](../assets/x.png)\n".into());
        assert!(unused_assets(&g).is_empty());
        let f = g.page("pages/a.md").unwrap().facts.clone();
        let mut out = Vec::new();
        check_missing(&g, &f, &mut out);
        assert!(out.is_empty());
        g.asset_changed("assets/y.png", true);
        check_missing(&g, &f, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].replacements, ["../assets/y.png"]);
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("🐳.png", "🐳.jpg"), 2);
        assert_eq!(distance("", "ab"), 2);
    }
}
