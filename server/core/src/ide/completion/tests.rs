use std::sync::Arc;

use super::*;
use crate::lint::analysis::analyze;
use crate::model::graph::{GraphConfig, NameFormat};
use crate::model::settings::Settings;
use crate::syntax::edit::apply;

const ID: &str = "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

fn graph() -> Graph {
    let mut g = Graph::new(GraphConfig {
        name_format: NameFormat::TripleLowbar,
        ..Default::default()
    });
    let pages: [(&str, String); 3] = [
        (
            "pages/My Page 😀.md",
            "alias:: Mine, [[Other Name]]\ntype:: book\n\n- What is a pod? #card\n  - The smallest unit\n- A pod note 😀\n  id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n".to_string(),
        ),
        (
            "pages/Pods.md",
            "tags:: kubernetes, Multi Word\n- pods run #containers [[Not Yet]]\n  status:: done\n".to_string(),
        ),
        ("pages/b.md", format!("- see (({ID}))\n")),
    ];
    for (p, t) in pages {
        g.upsert_text(p.to_string(), Arc::from(t));
    }
    g
}

/// Completes at `|` in `text` (a page of `g` at `path`, or outside the graph).
fn complete_at(g: &Graph, path: Option<&str>, text: &str) -> (String, Completion) {
    let offset = text.find('|').expect("a | marks the cursor");
    let src = text.replacen('|', "", 1);
    let a = analyze(&src, &Settings::default());
    let tags = Settings::default().card_tags;
    let mut n = 0;
    let mut new_id = || {
        n += 1;
        format!("00000000-0000-4000-8000-00000000000{n}")
    };
    let c = complete(
        &Request {
            graph: g,
            path,
            src: &src,
            analysis: &a,
            offset,
            card_tags: &tags,
            snippets: false,
        },
        &mut new_id,
    )
    .unwrap_or_default();
    (src, c)
}

fn labels(c: &Completion) -> Vec<&str> {
    c.items.iter().map(|i| i.label.as_str()).collect()
}

#[test]
fn contexts() {
    let o = |s: &str| {
        let at = s.find('|').unwrap();
        let src = s.replacen('|', "", 1);
        let o = outline::parse(&src);
        context(&src, &o, at)
    };
    assert_eq!(
        o("- see ((pod|))"),
        Some(Context::Block {
            query: "pod".into(),
            range: 6..13
        })
    );
    assert_eq!(
        o("- [[My P|]] x"),
        Some(Context::Page {
            query: "My P".into(),
            range: 2..10,
            style: RefStyle::Link
        })
    );
    // Inside an existing link: the whole link is replaced.
    assert!(
        matches!(o("- [[Ol|d name]] x"), Some(Context::Page { range, .. }) if range == (2..14))
    );
    assert!(matches!(
        o("- #[[multi|"),
        Some(Context::Page { style: RefStyle::BracketTag, range, .. }) if range == (2..10)
    ));
    assert!(matches!(
        o("- x #ta|g y"),
        Some(Context::Page { style: RefStyle::Tag, range, query }) if range == (4..8) && query == "ta"
    ));
    assert_eq!(o("- x#ta|"), None); // not a tag: no space before #
    assert_eq!(o("- `[[co|`"), None); // inline code
    assert_eq!(o("- a\n  ```\n  [[x|\n  ```\n"), None); // fence
    assert!(matches!(o("- {{clo|}}"), Some(Context::Macro { range, .. }) if range == (2..9)));
    assert!(matches!(
        o("- a\n  sta|"),
        Some(Context::PropertyKey { query, page: false, .. }) if query == "sta"
    ));
    assert!(matches!(
        o("- a\n  k:: v\n  st|"),
        Some(Context::PropertyKey { .. })
    ));
    // After text lines, a property would start an ignored group: no keys there.
    assert_eq!(o("- a\n  text\n  st|"), None);
    assert!(matches!(
        o("ali|"),
        Some(Context::PropertyKey { page: true, .. })
    ));
    assert!(matches!(
        o("- a\n  type::|"),
        Some(Context::PropertyValue { key, space: true, .. }) if key == "type"
    ));
    assert!(matches!(
        o("tags:: a, ku|"),
        Some(Context::PropertyValue { key, query, range, space: false }) if key == "tags" && query == "ku" && range == (10..12)
    ));
    assert_eq!(o("- plain wo|rd"), None);
}

#[test]
fn block_refs_search_the_graph_and_add_ids() {
    let g = graph();
    let (src, c) = complete_at(&g, Some("pages/new.md"), "- x ((pod|))\n");
    assert!(c.incomplete);
    let l = labels(&c);
    assert!(
        l.contains(&"A pod note 😀") && l.contains(&"What is a pod? #card"),
        "{l:?}"
    );
    // A block with an id: its id, no edit elsewhere.
    let note = c.items.iter().find(|i| i.label == "A pod note 😀").unwrap();
    assert_eq!(
        apply(&src, std::slice::from_ref(&note.edit)),
        format!("- x (({ID}))\n")
    );
    assert!(note.add_id.is_none());
    // A block without one: a fresh id, inserted here and written under that block.
    let card = c.items.iter().find(|i| i.kind == ItemKind::Card).unwrap();
    let add = card.add_id.as_ref().unwrap();
    assert_eq!(add.path.as_deref(), Some("pages/My Page 😀.md"));
    assert!(!add.same_document);
    let page = &g.page("pages/My Page 😀.md").unwrap().text;
    let written = apply(page, std::slice::from_ref(&add.edit));
    assert!(
        written.contains(&format!(
            "- What is a pod? #card\n  id:: {}\n  - The",
            add.id
        )),
        "{written}"
    );
    assert!(apply(&src, std::slice::from_ref(&card.edit)).contains(&format!("(({}))", add.id)));
    // And found again if the page moved on meanwhile.
    let moved = format!("- new first block\n{page}");
    let e = add_id_now(&moved, add.block_start, &add.first_line, &add.id)
        .unwrap()
        .unwrap();
    assert!(apply(&moved, &[e]).contains(&format!("#card\n  id:: {}\n", add.id)));
    assert_eq!(
        add_id_now(&written, add.block_start, &add.first_line, &add.id),
        Ok(None)
    );
    assert!(add_id_now("- other\n", 0, &add.first_line, &add.id).is_err());
}

#[test]
fn questions_put_cards_first() {
    let g = graph();
    let (_, c) = complete_at(&g, None, "- ((pod?|");
    assert_eq!(c.items[0].kind, ItemKind::Card);
    let (_, c) = complete_at(&g, None, "- ((pod note|");
    assert_eq!(c.items[0].label, "A pod note 😀");
}

#[test]
fn block_refs_in_the_same_document_use_an_edit_of_it() {
    let g = Graph::default();
    let (src, c) = complete_at(&g, None, "- target block\n- here ((targ|\n");
    let [item] = &c.items[..] else {
        panic!("{:?}", labels(&c))
    };
    let add = item.add_id.as_ref().unwrap();
    assert!(add.same_document);
    let both = apply(&src, &[item.edit.clone(), add.edit.clone()]);
    assert_eq!(
        both,
        format!("- target block\n  id:: {0}\n- here (({0}))\n", add.id)
    );
    // With nothing typed: the blocks of this page, not the one being edited.
    let (_, c) = complete_at(&g, None, "- one\n- two ((|\n");
    assert_eq!(labels(&c), ["one"]);
}

#[test]
fn pages_aliases_and_tags() {
    let g = graph();
    let (src, c) = complete_at(&g, None, "- [[my pa|]]");
    assert_eq!(c.items[0].label, "My Page 😀");
    assert_eq!(apply(&src, &[c.items[0].edit.clone()]), "- [[My Page 😀]]");
    let (_, c) = complete_at(&g, None, "- [[mine|");
    assert_eq!(c.items[0].kind, ItemKind::Alias);
    assert_eq!(c.items[0].detail.as_deref(), Some("alias of My Page 😀"));
    // Tags: brackets only when needed.
    let (src, c) = complete_at(&g, None, "- #my|");
    let mp = c.items.iter().find(|i| i.label == "My Page 😀").unwrap();
    assert_eq!(
        apply(&src, std::slice::from_ref(&mp.edit)),
        "- #[[My Page 😀]]"
    );
    let (src, c) = complete_at(&g, None, "- #pod|");
    assert_eq!(apply(&src, &[c.items[0].edit.clone()]), "- #Pods");
    // Names only referenced so far are offered too.
    let (_, c) = complete_at(&g, None, "- [[not y|");
    assert_eq!(c.items[0].label, "Not Yet");
    assert_eq!(c.items[0].kind, ItemKind::NewPage);
    let (_, c) = complete_at(&g, None, "- #contai|");
    assert_eq!(labels(&c), ["containers"]);
    // What is being typed is itself a name without a page (the editor closed `[[my` to
    // `[[my]]`, and the open page is in the graph): not offered; the same name referenced by
    // another page is, after the real pages.
    let mut g = g;
    g.upsert_text("pages/typing.md".to_string(), Arc::from("- [[my]]\n"));
    let (src, c) = complete_at(&g, Some("pages/typing.md"), "- [[my|]]");
    assert_eq!(c.items[0].label, "My Page 😀");
    assert!(c.items.iter().all(|i| i.label != "my"), "{:?}", labels(&c));
    assert_eq!(apply(&src, &[c.items[0].edit.clone()]), "- [[My Page 😀]]");
    g.upsert_text("pages/other.md".to_string(), Arc::from("- see [[my]]\n"));
    let (_, c) = complete_at(&g, Some("pages/typing.md"), "- [[my|]]");
    assert_eq!(c.items[0].label, "My Page 😀");
    let last = c.items.last().unwrap();
    assert_eq!((last.label.as_str(), last.kind), ("my", ItemKind::NewPage));
}

#[test]
fn properties_and_macros() {
    let g = graph();
    let (src, c) = complete_at(&g, None, "- a\n  sta|");
    assert_eq!(c.items[0].label, "status");
    assert_eq!(apply(&src, &[c.items[0].edit.clone()]), "- a\n  status:: ");
    // Built-ins are there even when unused; an id gets a fresh value.
    let (src, c) = complete_at(&g, None, "- a\n  i|");
    let id = c.items.iter().find(|i| i.label == "id").unwrap();
    assert_eq!(
        apply(&src, std::slice::from_ref(&id.edit)),
        "- a\n  id:: 00000000-0000-4000-8000-000000000001"
    );
    let (_, c) = complete_at(&g, None, "- a\n  card-n|");
    assert_eq!(labels(&c)[0], "card-next-schedule");
    // Values in use for the key.
    let (src, c) = complete_at(&g, None, "- a\n  type::|");
    assert_eq!(labels(&c), ["book"]);
    assert_eq!(
        apply(&src, &[c.items[0].edit.clone()]),
        "- a\n  type:: book"
    );
    let (_, c) = complete_at(&g, None, "tags:: x, mul|");
    assert_eq!(labels(&c), ["Multi Word"]);
    let (_, c) = complete_at(&g, None, "- a\n  collapsed:: |");
    assert_eq!(labels(&c), ["true", "false"]);
    let (_, c) = complete_at(&g, None, "- a\n  id:: |");
    assert!(c.items.is_empty());
    // Macros: plain text without snippet support, the auto-closed `}}` replaced.
    let (src, c) = complete_at(&g, None, "- {{clo|}}");
    assert_eq!(labels(&c), ["cloze"]);
    assert_eq!(apply(&src, &[c.items[0].edit.clone()]), "- {{cloze }}");
    assert!(!c.items[0].snippet);
    let (_, c) = complete_at(&g, None, "- {{|");
    assert_eq!(labels(&c).len(), 3);
}

#[test]
fn every_offset_gives_a_sane_answer() {
    // No panic anywhere; every edit is on the cursor's line and contains the cursor.
    let readwise = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/readwise-export/pages/Kubernetes in Action.md"
    ))
    .unwrap();
    let tricky = "title:: 😀 x\r\ntags:: a, [[b c]], #d\r\n\r\n- ((😀 ((x)) [[a [[b]] #[[c #e {{cloze ((\r\n  k:: v\r\n  ke\r\n\t- ```\r\n\t  [[x\r\n\t  ```\r\n- `[[a` ((\u{301}é #é\r\n-\r\n- ((x)))))) ]]]] }}}} {{{{ ## #";
    let g = graph();
    let tags = Settings::default().card_tags;
    for (src, step) in [(tricky.to_string(), 1), (readwise, 13)] {
        let a = analyze(&src, &Settings::default());
        let mut offsets: Vec<usize> = (0..=src.len())
            .step_by(step)
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        offsets.push(src.len());
        for offset in offsets {
            let mut new_id = || ID.to_string();
            let Some(c) = complete(
                &Request {
                    graph: &g,
                    path: Some("pages/Pods.md"),
                    src: &src,
                    analysis: &a,
                    offset,
                    card_tags: &tags,
                    snippets: true,
                },
                &mut new_id,
            ) else {
                continue;
            };
            let line_start = src[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let line_end = text::next_break(src.as_bytes(), offset);
            for it in &c.items {
                let r = &it.edit.range;
                assert!(
                    line_start <= r.start
                        && r.start <= offset
                        && offset <= r.end
                        && r.end <= line_end,
                    "{offset}: {r:?} for {:?} in line {:?}",
                    it.label,
                    &src[line_start..line_end]
                );
            }
        }
    }
}
