//! Bad input on the command line: unreadable, huge, linked and odd files, a graph that is no
//! graph, pathological pages. Each is reported, never fatal, and bounded.

use super::*;

#[test]
fn bad_input_is_reported_not_fatal() {
    let (_d, root) = example_copy();
    std::fs::write(root.join("pages/binary.md"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let o = run(&["check", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("pages/binary.md: not UTF-8 text"), "{err}");
    let o = run(&["check", "/no/such/graph"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such file or folder"));
}

#[test]
fn errors_exit_1() {
    let (_d, root) = example_copy();
    std::fs::write(root.join("pages/bad.md"), "- 😀 x\n  id:: nope\n").unwrap();
    let o = run(&["check", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_huge_page_is_skipped_with_a_notice() {
    let (_d, root) = example_copy();
    // 100 MB: over the default 10 MB cap, so it is not read at all.
    let line = "- 😀 a block of a huge page ((not-a-uuid))\n";
    let big = line.repeat(100_000_000 / line.len() + 1);
    std::fs::write(root.join("pages/huge.md"), &big).unwrap();
    let o = run(&["check", root.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("pages/huge.md: 100 MB is over the size limit of 10 MB (setting max_file_size); skipped"), "{err}");
    assert!(json(&o)
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["path"] != "pages/huge.md"));
    // The cap is a setting: lowered, a small page is skipped too; raised, the huge one is read.
    std::fs::write(root.join("logseq-lsp.toml"), "max_file_size = 1000\n").unwrap();
    let o = run(&["check", root.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("Kubernetes in Action.md: 41 KB is over the size limit of 1 KB"));
    std::fs::write(root.join("pages/huge.md"), line.repeat(300_000)).unwrap();
    std::fs::write(root.join("logseq-lsp.toml"), "max_file_size = 20000000\n").unwrap();
    let o = run(&[
        "check",
        root.join("pages/huge.md").to_str().unwrap(),
        "--format",
        "json",
    ]);
    // Read: its 300,000 findings are the first 5,000 and one saying how many more there are.
    let d = json(&o);
    let d = d.as_array().unwrap();
    assert_eq!(d.len(), 5_001);
    assert_eq!(d[5_000]["code"], "diagnostics-omitted");
    assert!(d[5_000]["message"]
        .as_str()
        .unwrap()
        .starts_with("295000 more diagnostics on this page are not shown"));
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_and_odd_names_are_reported() {
    use std::os::unix::ffi::OsStrExt;
    let (d, root) = example_copy();
    // A page outside the graph, reachable only through a symlink: never read.
    std::fs::write(d.path().join("outside.md"), "- 😀 outside\n  id:: nope\n").unwrap();
    std::os::unix::fs::symlink(d.path().join("outside.md"), root.join("pages/link.md")).unwrap();
    // A symlink loop.
    std::os::unix::fs::symlink(root.join("pages"), root.join("pages/loop")).unwrap();
    // A file name that is not UTF-8.
    std::fs::write(
        root.join("pages")
            .join(std::ffi::OsStr::from_bytes(b"bad\xff.md")),
        "- x\n",
    )
    .unwrap();
    let o = run(&["check", root.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "id-invalid"),
        "the symlinked page was read"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("file name is not UTF-8; skipped"));
}

#[test]
fn refuses_to_index_the_file_system_root() {
    let o = run(&["check", "/"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is the file system root"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[cfg(unix)]
#[test]
fn check_says_what_it_read_of_an_org_page_or_a_file_that_is_no_page() {
    // Before: "0 pages", silently, for an Org page and for a file that is no page at all.
    let (_dir, root) = example_copy();
    std::fs::write(root.join("pages/notes.org"), "* Heading\n** child\n").unwrap();
    std::fs::write(root.join("notes.txt"), "text").unwrap();
    let o = run(&["check", root.join("pages/notes.org").to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("in 0 pages\n1 Org page read for the graph, not checked: the rules are for Markdown pages\n"),
        "{out}"
    );
    let o = run(&[
        "check",
        root.join("pages/notes.org").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(json(&o), serde_json::json!([]));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("note: 1 Org page(s) read for the graph, not checked"));
    let o = run(&["check", root.join("notes.txt").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("notes.txt: not a page of the graph at"),
        "{err}"
    );
    assert!(err.contains("not checked"), "{err}");
}

#[test]
fn pathological_pages_give_bounded_output() {
    // Work bounds, not times (bench/pathological.py has the times): a page of 100,000 copies of
    // one id, of 100,000 one-line cards, of one 0.5 MB line of findings, each gives at most
    // MAX_PER_PAGE diagnostics plus one counting the rest.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("pages")).unwrap();
    std::fs::create_dir_all(root.join("logseq")).unwrap();
    std::fs::write(root.join("logseq/config.edn"), "{}\n").unwrap();
    let uid = "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    let cases = [
        (
            "one-id",
            format!("- b\n  id:: {uid}\n").repeat(100_000),
            5_001,
        ),
        ("cards", "- q #card\n".repeat(100_000), 5_001),
        (
            "long-line",
            format!("- {}\n", "word ((x)) #card {{cloze ".repeat(20_000)),
            101,
        ),
    ];
    for (name, text, want) in cases {
        let page = root.join(format!("pages/{name}.md"));
        std::fs::write(&page, text).unwrap();
        let o = run(&["check", page.to_str().unwrap(), "--format", "json"]);
        let d = json(&o);
        let d = d.as_array().unwrap();
        assert_eq!(d.len(), want, "{name}");
        assert_eq!(
            d.iter()
                .filter(|d| d["code"] == "diagnostics-omitted")
                .count(),
            1,
            "{name}"
        );
        std::fs::remove_file(&page).unwrap();
    }
}
