//! `check`, `fix`, `cards`, `outline` and `graph` on the example graph and small graphs.

use super::*;

#[test]
fn check_reports_the_readwise_cards() {
    let (_d, root) = example_copy();
    let o = run(&["check", root.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "no errors on the example: exit 0");
    let v = json(&o);
    let arr = v.as_array().unwrap();
    let count = |code: &str| arr.iter().filter(|d| d["code"] == code).count();
    assert_eq!(count("card-tag-not-native"), 58);
    assert_eq!(count("card-answer-inline"), 58);
    assert_eq!(count("id-before-title"), 27);
    let d = arr.iter().find(|d| d["code"] == "id-before-title").unwrap();
    assert_eq!(d["path"], PAGE);
    assert_eq!(d["severity"], "hint");
    // `- id:: …` on line 15 (0-based 14): the property starts after `- `.
    assert_eq!(
        d["range"]["start"],
        serde_json::json!({"line": 14, "character": 2})
    );

    let human = run(&["check", root.to_str().unwrap()]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains(&format!("{PAGE}:15:3: hint[id-before-title]: ")),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with("0 errors, 1 warning, 58 information, 85 hints in 1 page"),
        "{text}"
    );
}

#[test]
fn fix_then_check_reports_nothing_fixable_and_keeps_content() {
    let (_d, root) = example_copy();
    let before = std::fs::read_to_string(root.join(PAGE)).unwrap();
    let dry = run(&["fix", root.to_str().unwrap(), "--dry-run"]);
    assert!(String::from_utf8_lossy(&dry.stdout).contains("would fix 113 problems in 1 file"));
    assert_eq!(
        std::fs::read_to_string(root.join(PAGE)).unwrap(),
        before,
        "--dry-run writes nothing"
    );
    let o = run(&["fix", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("fixed 113 problems in 1 file"));
    let after = std::fs::read_to_string(root.join(PAGE)).unwrap();
    let v = json(&run(&["check", root.to_str().unwrap(), "--format", "json"]));
    assert_eq!(v.as_array().unwrap().len(), 0, "{v}");
    // Only moved or changed lines differ: every word of the page is still there (lines move, so
    // as a multiset), and the only words added are `#card` and `-` bullets.
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let (b, a) = (words(&before), words(&after));
    let mut extra = a.clone();
    for w in &b {
        let i = extra
            .iter()
            .position(|x| x == w)
            .unwrap_or_else(|| panic!("lost `{w}`"));
        extra.remove(i);
    }
    let added = extra;
    assert!(
        added.iter().all(|w| w == "#card" || w == "-"),
        "unexpected additions: {added:?}"
    );
    // The cards are now Logseq cards with their answers in child blocks.
    let cards = json(&run(&["cards", root.to_str().unwrap()]));
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), 58);
    assert!(cards.iter().all(|c| c["native"] == true));
}

#[test]
fn cards_and_outline() {
    let (_d, root) = example_copy();
    let cards = json(&run(&["cards", root.to_str().unwrap()]));
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), 58);
    let c = cards
        .iter()
        .find(|c| {
            c["question"]
                .as_str()
                .unwrap()
                .starts_with("What is NoOps? #flashcard\n")
        })
        .unwrap();
    assert_eq!(c["id"], "63c66a0c-59bc-4f1b-9492-d21bd5eff3cc");
    // Logseq's review shows the whole block as the front and the children as the back
    // (srs.cljs@0.10.9 `show-cycle`): the exported highlight is on the front, the back is empty.
    assert!(c["question"]
        .as_str()
        .unwrap()
        .contains("\nIdeally, you want the developers"));
    assert_eq!(c["answer"], "");
    assert_eq!(c["due"], true);
    let tsv = run(&["cards", root.to_str().unwrap(), "--format", "tsv"]);
    let tsv = String::from_utf8(tsv.stdout).unwrap();
    assert_eq!(tsv.lines().count(), 58);
    assert!(tsv.lines().all(|l| l.split('\t').count() == 3));
    let o = json(&run(&[
        "outline",
        root.join(PAGE).to_str().unwrap(),
        "--format",
        "json",
    ]));
    let blocks = o["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 134);
    assert_eq!(
        blocks
            .iter()
            .filter(|b| b["properties"].get("id").is_some())
            .count(),
        29
    );
    assert_eq!(blocks.iter().filter(|b| !b["card"].is_null()).count(), 58);
}

#[test]
fn fix_writes_atomically_and_only_changed_files() {
    use std::os::unix::fs::MetadataExt;
    let (_d, root) = example_copy();
    std::fs::write(root.join("pages/clean.md"), "- 😀 nothing to fix here\n").unwrap();
    let meta = |p: &str| std::fs::metadata(root.join(p)).unwrap();
    let (clean_ino, clean_mtime) = (
        meta("pages/clean.md").ino(),
        meta("pages/clean.md").mtime_nsec(),
    );
    let page_ino = meta(PAGE).ino();
    let o = run(&["fix", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    // The unchanged page is untouched; the changed one was replaced by a rename (a new inode),
    // so a reader never sees half a file.
    assert_eq!(
        (
            meta("pages/clean.md").ino(),
            meta("pages/clean.md").mtime_nsec()
        ),
        (clean_ino, clean_mtime)
    );
    assert_ne!(meta(PAGE).ino(), page_ino);
    let leftovers: Vec<_> = std::fs::read_dir(root.join("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `graph` prints what Logseq 0.10.9's graph-parser stores; each expectation below was read off
/// the graph-parser oracle (.cache/graph-parser, see scripts/test.sh) on this very page: a marker needs a
/// space after it (`NOW ` is one, a bare `TODO` is text), planning counts only right after the
/// title (a weekday is required), a valid `id::` is the uuid (lower-cased). (Refs are left to the
/// differential test: Logseq adds namespace parents and markers, which `graph_refs` does not yet.)
#[test]
fn graph_prints_the_database_fields() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("logseq")).unwrap();
    std::fs::create_dir_all(dir.path().join("pages")).unwrap();
    std::fs::create_dir_all(dir.path().join("journals")).unwrap();
    std::fs::write(
        dir.path().join("logseq/config.edn"),
        "{:file/name-format :triple-lowbar}\n",
    )
    .unwrap();
    let page = "- TODO x\n  SCHEDULED: <2024-01-02 Tue>\n- b\n  y\n  SCHEDULED: <2024-01-02 Tue>\n\
                - TODO\n- NOW \n- e 🧠 #card\n  id:: 6543B1A2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n  \
                DEADLINE: <2024-01-03 Wed>\n\t- [[a/b]]\n";
    std::fs::write(dir.path().join("pages/ns___x.md"), page).unwrap();
    std::fs::write(dir.path().join("journals/2024_01_02.md"), "- j\n").unwrap();
    let o = run(&["graph", dir.path().to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    let pages = v["pages"].as_array().unwrap();
    assert_eq!(pages[0]["name"], "jan 2nd, 2024");
    assert_eq!(pages[0]["journal_day"], 20240102);
    assert_eq!(pages[1]["name"], "ns/x");
    assert_eq!(pages[1]["namespace"], "ns");
    let b: Vec<_> = v["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["page"] == "ns/x")
        .collect();
    let field = |k: &str| b.iter().map(|b| b[k].clone()).collect::<Vec<_>>();
    use serde_json::json as j;
    assert_eq!(
        field("marker"),
        [
            j!("TODO"),
            j!(null),
            j!(null),
            j!("NOW"),
            j!(null),
            j!(null)
        ]
    );
    assert_eq!(
        field("scheduled"),
        [
            j!(20240102),
            j!(null),
            j!(null),
            j!(null),
            j!(null),
            j!(null)
        ]
    );
    assert_eq!(
        field("deadline"),
        [
            j!(null),
            j!(null),
            j!(null),
            j!(null),
            j!(20240103),
            j!(null)
        ]
    );
    assert_eq!(field("uuid")[4], "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    assert_eq!(
        field("card"),
        [
            j!(false),
            j!(false),
            j!(false),
            j!(false),
            j!(true),
            j!(false)
        ]
    );
    assert_eq!(field("level"), [j!(1), j!(1), j!(1), j!(1), j!(1), j!(2)]);
    assert_eq!(field("parent_pos")[5], 4);
}

/// Page names as graph-parser 0.10.9 gives them (extract.cljc `get-page-name`): the `title` of
/// the page's first AST node when that is a properties node (YAML front matter and `#+title:`
/// anywhere are Directives that mldoc.cljc `collect-page-properties` puts first; else a drawer
/// opening the file, `title::` at any place in it), else the file name up to its last `.`
/// (util.cljs `path->file-body`: `about.org` is `about`); a title that reads as a journal title
/// makes a journal page (block.cljs `convert-page-if-journal`).
#[test]
fn graph_names_pages_as_graph_parser_does() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["logseq", "pages", "journals"] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    std::fs::write(
        dir.path().join("logseq/config.edn"),
        "{:file/name-format :triple-lowbar}\n",
    )
    .unwrap();
    let pages = [
        ("pages/about.org", "* Hi\n"),
        (
            "pages/Changelog_2020.org",
            "#+TITLE: Changelog 2020\n\n** x\n",
        ),
        (
            "pages/how_to.md",
            "---\ntitle: How to Take Notes\n---\n\n- a\n",
        ),
        (
            "pages/second.md",
            "alias:: x\ntitle:: Second Title\n\n- a\n",
        ),
        ("pages/late.md", "- a\n  #+title: Late Title\n"),
        ("pages/blank_first.md", "\ntitle:: not the name\n- a\n"),
        (
            "journals/2020_09_14.md",
            "---\ntitle: Sep 14th, 2020\n---\n\n-\n",
        ),
    ];
    for (p, t) in pages {
        std::fs::write(dir.path().join(p), t).unwrap();
    }
    let o = run(&["graph", dir.path().to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    let page = |f: &str| {
        v["pages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["file"] == f)
            .unwrap_or_else(|| panic!("no page for {f}"))
            .clone()
    };
    assert_eq!(page("pages/about.org")["name"], "about");
    assert_eq!(page("pages/Changelog_2020.org")["name"], "changelog 2020");
    assert_eq!(page("pages/how_to.md")["name"], "how to take notes");
    assert_eq!(page("pages/second.md")["name"], "second title");
    assert_eq!(page("pages/late.md")["name"], "late title");
    assert_eq!(page("pages/blank_first.md")["name"], "blank_first");
    let j = page("journals/2020_09_14.md");
    assert_eq!(j["name"], "sep 14th, 2020");
    assert_eq!(j["journal_day"], 20200914);
}
