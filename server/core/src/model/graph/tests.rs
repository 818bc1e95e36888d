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

/// An update that keeps a page's title, aliases and ids (typing in it) takes the short way
/// (`upsert_prepared`); the graph answers as one that took the long way, a remove and an insert.
#[test]
fn an_update_with_the_same_ids_equals_a_remove_and_insert() {
    let a = "- one 😀\n  id:: 6500a1b2-0000-4000-8000-000000000001\n- two ((6500a1b2-0000-4000-8000-000000000002))\n";
    let b = "- other\n  id:: 6500a1b2-0000-4000-8000-000000000002\n";
    let edits = [
        // Same ids, shifted: the short way.
        "- one 😀 typed\n  id:: 6500a1b2-0000-4000-8000-000000000001\n- two ((6500a1b2-0000-4000-8000-000000000002)) [[New]]\n",
        // An id added, then one dropped, then a title: the long way.
        "- one\n  id:: 6500a1b2-0000-4000-8000-000000000001\n- b\n  id:: 6500a1b2-0000-4000-8000-000000000002\n",
        "- one\n",
        "title:: Renamed\n\n- one\n",
    ];
    let mut short = Graph::new(GraphConfig::default());
    page(&mut short, "pages/a.md", a);
    page(&mut short, "pages/b.md", b);
    for e in edits {
        page(&mut short, "pages/a.md", e);
        let mut long = Graph::new(GraphConfig::default());
        page(&mut long, "pages/b.md", b);
        page(&mut long, "pages/a.md", e);
        for id in [
            "6500a1b2-0000-4000-8000-000000000001",
            "6500a1b2-0000-4000-8000-000000000002",
        ] {
            assert_eq!(short.id_count(id), long.id_count(id), "{e:?} {id}");
            let sites = |g: &Graph| -> Vec<(String, IdSite)> {
                let mut v: Vec<_> = g
                    .id_sites(id)
                    .into_iter()
                    .map(|(p, s)| (p.path.clone(), s.clone()))
                    .collect();
                v.sort_by(|x, y| x.0.cmp(&y.0));
                v
            };
            assert_eq!(sites(&short), sites(&long), "{e:?} {id}");
        }
        for name in ["a", "b", "renamed"] {
            assert_eq!(
                short.page_by_name(name).map(|p| &p.path),
                long.page_by_name(name).map(|p| &p.path),
                "{e:?} {name}"
            );
        }
        let (x, y) = (
            short.page("pages/a.md").unwrap(),
            long.page("pages/a.md").unwrap(),
        );
        assert_eq!(
            (&x.title, &*x.text, &x.facts),
            (&y.title, &*y.text, &y.facts)
        );
    }
}
