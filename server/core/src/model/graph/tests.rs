use super::*;

/// A journal file is the page of its day, found by that name and by any date form
/// (block.cljs@0.10.9 line 273 `convert-page-if-journal`; checked against graph-parser by
/// tests/test_graph_parser_differential.py).
#[test]
fn journals_are_named_by_their_day() {
    let mut g = Graph::new(GraphConfig::default());
    page(&mut g, "journals/2024_01_31.md", "- a day 😀\n");
    page(&mut g, "pages/2024-02-01.md", "- also a journal\n");
    assert_eq!(
        g.page("journals/2024_01_31.md").unwrap().title,
        "Jan 31st, 2024"
    );
    assert_eq!(
        g.page("pages/2024-02-01.md").unwrap().title,
        "Feb 1st, 2024"
    );
    for name in [
        "Jan 31st, 2024",
        "jan 31ST, 2024",
        "2024-01-31",
        "2024_01_31",
    ] {
        assert_eq!(
            g.page_by_name(name).unwrap().path,
            "journals/2024_01_31.md",
            "{name}"
        );
    }
}

fn page(g: &mut Graph, path: &str, text: &str) {
    g.upsert_text(path.to_string(), Arc::from(text));
}

#[test]
fn names_titles_aliases_and_ids_follow_updates() {
    let mut g = Graph::new(GraphConfig {
        name_format: NameFormat::TripleLowbar,
        ..Default::default()
    });
    page(
        &mut g,
        "pages/My Page 😀.md",
        "alias:: Short, [[Other Name]]\n\n- a\n  id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n",
    );
    page(&mut g, "pages/short.md", "- the page titled short\n");
    assert_eq!(
        g.page_by_name("my page 😀").unwrap().path,
        "pages/My Page 😀.md"
    );
    assert_eq!(
        g.page_by_name("Other name").unwrap().path,
        "pages/My Page 😀.md"
    );
    // A title wins over another page's alias.
    assert_eq!(g.page_by_name("SHORT").unwrap().path, "pages/short.md");
    g.remove("pages/short.md");
    assert_eq!(g.page_by_name("short").unwrap().path, "pages/My Page 😀.md");
    assert_eq!(g.id_count("6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), 1);
    page(&mut g, "pages/My Page 😀.md", "- no alias, no id\n");
    assert!(g.page_by_name("other name").is_none());
    assert_eq!(g.id_count("6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), 0);
}
