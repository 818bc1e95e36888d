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

use crate::lint::diagnostic::{Code, Diagnostic};
use crate::model::graph::{Graph, PageFacts};
use crate::syntax::links::asset_path;

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
        out.push(Diagnostic::new(
            Code::AssetMissing,
            range.clone(),
            format!(
                "No file {file} in the graph: Logseq shows a broken {}.",
                if target.to_ascii_lowercase().ends_with(".pdf") {
                    "PDF link"
                } else {
                    "link or image"
                },
            ),
        ));
    }
}

/// Fills an asset-missing diagnostic's replacements (its quick fixes) with the nearest existing
/// assets, written the way the link was (`../assets/` kept, only the rest swapped). Done only when
/// fixes are asked for: comparing a name with every asset of the graph costs far more than the
/// rule itself (a tenth of `check` on a generated graph with 1,400 assets and 43 broken links).
pub fn suggest_assets(graph: &Graph, src: &str, d: &mut Diagnostic) {
    let (Code::AssetMissing, Some(assets)) = (d.code, graph.assets()) else {
        return;
    };
    let Some(raw) = src.get(d.range.clone()) else {
        return;
    };
    let target = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_or_else(|_| raw.to_string(), |t| t.into_owned());
    let (Some(file), Some(at)) = (asset_path(&target), target.rfind("assets/")) else {
        return;
    };
    let prefix = &target[..at + "assets/".len()];
    d.replacements = nearest(&file, assets)
        .iter()
        .map(|n| encode(&format!("{prefix}{}", &n["assets/".len()..])))
        .collect();
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

/// The assets whose file names are nearest `file`'s (edit distance, case ignored, at most a
/// quarter of the name's length plus one), best first. Every asset is compared (a graph may hold
/// thousands), so two cheap lower bounds come first (the lengths, the characters either name
/// lacks) and the distance gives up once it must exceed the limit.
fn nearest(file: &str, assets: &BTreeSet<String>) -> Vec<String> {
    let name = |p: &str| -> Vec<char> {
        let n = p.rsplit('/').next().unwrap_or(p);
        n.chars().flat_map(char::to_lowercase).collect()
    };
    let want = name(file);
    let limit = want.len() / 4 + 1;
    let mut hist = [0i32; 64];
    for c in &want {
        hist[*c as usize % 64] += 1;
    }
    let mut row = Vec::new();
    let mut v: Vec<(usize, &String)> = Vec::new();
    for a in assets {
        let n = name(a);
        if n.len().abs_diff(want.len()) > limit {
            continue;
        }
        // Bag distance (by character class mod 64), a lower bound of the edit distance.
        let mut h = hist;
        for c in &n {
            h[*c as usize % 64] -= 1;
        }
        let (more, less) = h
            .iter()
            .fold((0, 0), |(m, l), &x| (m + x.max(0), l - x.min(0)));
        if more.max(less) as usize > limit {
            continue;
        }
        if let Some(d) = distance_within(&want, &n, limit, &mut row) {
            v.push((d, a));
        }
    }
    v.sort();
    v.into_iter()
        .take(SUGGESTIONS)
        .map(|(_, a)| a.clone())
        .collect()
}

/// Levenshtein distance over chars, if it is at most `limit` (`row`: a reused buffer). Only the
/// diagonal band of width `2 * limit + 1` can hold such a path (Ukkonen), so only it is computed,
/// and the search gives up once a whole row costs more than `limit`.
fn distance_within(a: &[char], b: &[char], limit: usize, row: &mut Vec<usize>) -> Option<usize> {
    const FAR: usize = usize::MAX / 2;
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    row.clear();
    row.extend((0..=b.len()).map(|j| if j <= limit { j } else { FAR }));
    for (i, ca) in a.iter().enumerate() {
        let lo = (i + 1).saturating_sub(limit);
        let hi = (i + 1 + limit).min(b.len());
        // row[j] is the previous row's; `diag` the previous row's row[j - 1].
        let mut diag = if lo == 0 { i } else { row[lo - 1] };
        if lo == 0 {
            row[0] = i + 1;
        } else {
            row[lo - 1] = FAR;
        }
        let mut best = if lo == 0 { row[0] } else { FAR };
        for j in lo.max(1)..=hi {
            let up = row[j];
            let v = (diag + usize::from(*ca != b[j - 1]))
                .min(row[j - 1] + 1)
                .min(up + 1);
            diag = up;
            row[j] = v;
            best = best.min(v);
        }
        if hi < b.len() {
            row[hi + 1] = FAR;
        }
        if best > limit {
            return None; // every path through this row already costs more
        }
    }
    Some(row[b.len()]).filter(|d| *d <= limit)
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
        let mut g = Graph::new(crate::model::graph::GraphConfig::default());
        g.upsert_text(
            "pages/hls__book_1.md".into(),
            "file-path:: nothing linked\n".into(),
        );
        g.upsert_text("pages/a.md".into(), "- [r](../assets/read.pdf)\n".into());
        g.set_assets(
            [
                "book_1.pdf",
                "book_1.edn",
                "read.pdf",
                "read.edn",
                "lone.edn",
                "x.png",
            ]
            .map(|f| format!("assets/{f}")),
        );
        let unused: Vec<String> = unused_assets(&g).into_iter().map(|(p, _)| p).collect();
        assert_eq!(unused, ["assets/lone.edn", "assets/x.png"]);
    }

    #[test]
    fn silent_until_the_assets_are_listed() {
        let mut g = Graph::new(crate::model::graph::GraphConfig::default());
        g.upsert_text("pages/a.md".into(), "- ![](../assets/x.png)\n".into());
        assert!(unused_assets(&g).is_empty());
        let f = g.page("pages/a.md").unwrap().facts.clone();
        let mut out = Vec::new();
        check_missing(&g, &f, &mut out);
        assert!(out.is_empty());
        g.asset_changed("assets/y.png", true);
        check_missing(&g, &f, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].replacements.is_empty(), "computed only for fixes");
        let text = g.page("pages/a.md").unwrap().text.clone();
        suggest_assets(&g, &text, &mut out[0]);
        assert_eq!(out[0].replacements, ["../assets/y.png"]);
    }

    #[test]
    fn edit_distance() {
        let d = |a: &str, b: &str, k| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            distance_within(&a, &b, k, &mut Vec::new())
        };
        assert_eq!(d("kitten", "sitting", 3), Some(3));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("🐳.png", "🐳.jpg", 5), Some(2));
        assert_eq!(d("", "ab", 2), Some(2));
        assert_eq!(d("a", "abcdef", 3), None);
        // The band agrees with the full table on every pair of short words.
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "xbc", "abcd", "dcba", "aabb", "🐳b",
        ];
        for x in words {
            for y in words {
                let full = {
                    let (x, y): (Vec<char>, Vec<char>) = (x.chars().collect(), y.chars().collect());
                    let mut r: Vec<usize> = (0..=y.len()).collect();
                    for (i, cx) in x.iter().enumerate() {
                        let mut prev = r[0];
                        r[0] = i + 1;
                        for (j, cy) in y.iter().enumerate() {
                            let cur = r[j + 1];
                            r[j + 1] = (prev + usize::from(cx != cy)).min(r[j] + 1).min(cur + 1);
                            prev = cur;
                        }
                    }
                    r[y.len()]
                };
                for k in 0..5 {
                    assert_eq!(d(x, y, k), Some(full).filter(|f| *f <= k), "{x} {y} {k}");
                }
            }
        }
    }
}
