use std::sync::Arc;

use super::*;
use crate::lint::analysis::analyze;
use crate::model::graph::names::title_from_stem;
use crate::model::settings::Settings;

const ID: &str = "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const MY: &str = "pages/My Page 😀.md";

fn graph() -> Graph {
    let mut g = Graph::new(GraphConfig {
        name_format: NameFormat::TripleLowbar,
        ..Default::default()
    });
    g.upsert_text(
        MY.into(),
        Arc::from(format!(
            "alias:: Mine\n\n- 😀 target block\n  id:: {ID}\n- a title longer than ten\n  id:: 00000000-0000-4000-8000-000000000001\n"
        )),
    );
    g.upsert_text(
        "pages/b.md".into(),
        Arc::from(format!(
            "- see (({ID})) and [[My Page 😀]]\n- {{{{embed (({ID}))}}}} #Mine #[[my page 😀]]\n- ((00000000-0000-4000-8000-000000000001)) [[Missing one]]\n"
        )),
    );
    g
}

fn at(g: &Graph, path: &str, needle: &str, delta: usize) -> (String, PageAnalysis, usize) {
    let src = g.page(path).unwrap().text.to_string();
    let a = analyze(&src, &Settings::default());
    let off = src.find(needle).unwrap() + delta;
    (src, a, off)
}

#[test]
fn definitions() {
    let g = graph();
    let (src, a, off) = at(&g, "pages/b.md", "((6543", 3);
    let d = definition(&g, &src, &a, off);
    let my = &g.page(MY).unwrap().text;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].path, MY);
    assert_eq!(&my[d[0].range.clone()], "😀 target block");
    let (src, a, off) = at(&g, "pages/b.md", "[[My Page", 4);
    assert_eq!(
        definition(&g, &src, &a, off),
        [Location {
            path: MY.into(),
            range: 0..0
        }]
    );
    // An alias tag goes to the page too; a missing page has no definition.
    let (src, a, off) = at(&g, "pages/b.md", "#Mine", 2);
    assert_eq!(definition(&g, &src, &a, off)[0].path, MY);
    let (src, a, off) = at(&g, "pages/b.md", "[[Missing", 4);
    assert!(definition(&g, &src, &a, off).is_empty());
    assert_eq!(
        missing_page_at(&g, &src, &a, off..off),
        [(
            "Missing one".to_string(),
            off - 4..off - 4 + "[[Missing one]]".len()
        )]
    );
}

#[test]
fn references_to_blocks_and_pages() {
    let g = graph();
    // From the id:: value: the inline ref and the embed.
    let (src, a, off) = at(&g, MY, ID, 5);
    let r = references(&g, Some(MY), &src, &a, off, false);
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|l| l.path == "pages/b.md"));
    let b = &g.page("pages/b.md").unwrap().text;
    assert_eq!(&b[r[0].range.clone()], format!("(({ID}))"));
    // With the declaration, and from anywhere in the block.
    let (src, a, off) = at(&g, MY, "target", 2);
    let r = references(&g, Some(MY), &src, &a, off, true);
    assert_eq!(r.len(), 3);
    assert!(r
        .iter()
        .any(|l| l.path == MY && &src[l.range.clone()] == ID));
    // A page: links, tags through an alias, bracketed tags, and the alias declaration.
    let (src, a, off) = at(&g, "pages/b.md", "#Mine", 1);
    let r = references(&g, Some("pages/b.md"), &src, &a, off, false);
    let texts: Vec<&str> = r
        .iter()
        .map(|l| &g.page(&l.path).unwrap().text[l.range.clone()])
        .collect();
    assert_eq!(
        texts,
        ["Mine", "[[My Page 😀]]", "#Mine", "#[[my page 😀]]"]
    );
    // From the page's own properties.
    let (src, a, off) = at(&g, MY, "alias", 1);
    assert_eq!(references(&g, Some(MY), &src, &a, off, false).len(), 4);
}

#[test]
fn hints_after_block_refs() {
    let g = graph();
    let (src, a, _) = at(&g, "pages/b.md", "", 0);
    let h = block_ref_hints(&g, Some("pages/b.md"), &src, &a, 0..src.len(), 20);
    // The long title is cut to 20 characters with `…`; the tooltip keeps all of it.
    let got: Vec<(&str, &str)> = h
        .iter()
        .map(|h| (&src[h.offset - 2..h.offset], h.label.as_str()))
        .collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0], ("))", "😀 target block"));
    assert!(h[0].tooltip.contains("My Page 😀"));
    let long = h
        .iter()
        .find(|h| h.label.ends_with('…'))
        .expect("a cut title");
    assert!(long.label.chars().count() <= 20, "{:?}", long.label);
    let full = long.tooltip.split("\n\n").next().unwrap();
    assert!(full.chars().count() > 20 && full.starts_with(long.label.trim_end_matches('…')));
    let h = block_ref_hints(&g, Some("pages/b.md"), &src, &a, 0..src.len(), 100);
    assert_eq!(h.len(), 3);
    // Only the references in the requested range.
    let first_line = src.find('\n').unwrap();
    assert_eq!(
        block_ref_hints(&g, None, &src, &a, 0..first_line, 100).len(),
        1
    );
}

#[test]
fn new_page_file_names_round_trip() {
    for title in [
        "My Page 😀",
        "a/b: c?",
        "x.y",
        "under___score",
        "a_/b",
        ".hidden",
        "100%",
        "Café #1",
    ] {
        for f in [NameFormat::TripleLowbar, NameFormat::Legacy] {
            let stem = file_stem(title, f);
            assert_eq!(title_from_stem(&stem, f), title, "{title:?} {f:?} → {stem}");
        }
    }
    let c = GraphConfig {
        name_format: NameFormat::TripleLowbar,
        ..Default::default()
    };
    assert_eq!(new_page_path(&c, "a/b"), "pages/a___b.md");
    assert_eq!(
        new_page_path(&GraphConfig::default(), "a/b.c"),
        "pages/a%2Fb%2Ec.md"
    );
}

#[test]
fn every_offset_is_safe() {
    // At every offset of every page: no panic, every location is a char-boundary range of a page
    // of the graph, a rename's range is the name at the cursor, a missing page's range is a reference to
    // it; and the navigation is not vacuous (some offsets find something).
    let g = graph();
    let in_graph = |l: &Location| {
        let text = &g
            .page(&l.path)
            .unwrap_or_else(|| panic!("{} is no page", l.path))
            .text;
        l.range.start <= l.range.end
            && text.is_char_boundary(l.range.start)
            && text.is_char_boundary(l.range.end)
    };
    let (mut found, mut renames, mut missing) = (0, 0, 0);
    for (path, page) in g.pages().map(|p| (p.path.clone(), p.text.to_string())) {
        let a = analyze(&page, &Settings::default());
        for offset in (0..=page.len()).filter(|&i| page.is_char_boundary(i)) {
            let defs = definition(&g, &page, &a, offset);
            let refs = references(&g, Some(&path), &page, &a, offset, true);
            assert!(defs.iter().chain(&refs).all(in_graph), "{path} @ {offset}");
            found += usize::from(!defs.is_empty()) + usize::from(!refs.is_empty());
            if let Ok(Some((r, name))) =
                crate::ide::rename::prepare(&g, Some(&path), &page, &a, offset)
            {
                // The name's range, at most the `#[[` or `]]` around it away from the cursor.
                assert!(page.get(r.clone()).is_some(), "{path} @ {offset}: {r:?}");
                assert!(
                    r.start <= offset + 3 && offset <= r.end + 3,
                    "{path} @ {offset}: {r:?}"
                );
                assert!(!name.is_empty());
                renames += 1;
            }
            for (name, r) in missing_page_at(&g, &page, &a, offset..offset) {
                assert!(page[r].contains(name.as_str()), "{path} @ {offset}: {name}");
                assert!(g.page_by_name(&name).is_none(), "{name} exists");
                missing += 1;
            }
        }
        let h = block_ref_hints(&g, Some(&path), &page, &a, 0..page.len(), 100);
        assert!(h.iter().all(|h| page.is_char_boundary(h.offset)));
    }
    assert!(
        found > 100 && renames > 10 && missing > 0,
        "{found} {renames} {missing}"
    );
}

#[test]
fn highlights_are_the_uses_in_this_page() {
    let g = graph();
    // On `[[My Page 😀]]`: the link, the alias tag and the bracketed tag of that page, in b.md.
    let (src, a, off) = at(&g, "pages/b.md", "[[My Page", 4);
    let h = highlights(&g, "pages/b.md", &src, &a, off);
    let got: Vec<(&str, bool)> = h.iter().map(|(r, d)| (&src[r.clone()], *d)).collect();
    assert_eq!(
        got,
        [
            ("[[My Page 😀]]", false),
            ("#Mine", false),
            ("#[[my page 😀]]", false)
        ]
    );
    // On a block ref: both references to that id here; in the page holding the id, its
    // `id::` value is the definition.
    let (src, a, off) = at(&g, "pages/b.md", "((6543", 3);
    assert_eq!(highlights(&g, "pages/b.md", &src, &a, off).len(), 2);
    let (src, a, off) = at(&g, MY, "target block", 2);
    let h = highlights(&g, MY, &src, &a, off);
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!((&src[h[0].0.clone()], h[0].1), (ID, true));
}
