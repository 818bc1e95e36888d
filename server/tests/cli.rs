//! The command line end to end, on a copy of the example graph.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_logseq-lsp");
const PAGE: &str = "pages/Kubernetes in Action.md";

fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/readwise-export");
    let root = dir.path().join("graph");
    copy_dir(&src, &root);
    (dir, root)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

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
    assert_eq!(d["range"]["start"], serde_json::json!({"line": 14, "character": 2}));

    let human = run(&["check", root.to_str().unwrap()]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains(&format!("{PAGE}:15:3: hint[id-before-title]: ")), "{text}");
    assert!(text.trim_end().ends_with("0 errors, 1 warning, 58 information, 85 hints in 1 page"), "{text}");
}

#[test]
fn fix_then_check_reports_nothing_fixable_and_keeps_content() {
    let (_d, root) = example_copy();
    let before = std::fs::read_to_string(root.join(PAGE)).unwrap();
    let dry = run(&["fix", root.to_str().unwrap(), "--dry-run"]);
    assert!(String::from_utf8_lossy(&dry.stdout).contains("would fix 113 problems in 1 file"));
    assert_eq!(std::fs::read_to_string(root.join(PAGE)).unwrap(), before, "--dry-run writes nothing");
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
        let i = extra.iter().position(|x| x == w).unwrap_or_else(|| panic!("lost `{w}`"));
        extra.remove(i);
    }
    let added = extra;
    assert!(added.iter().all(|w| w == "#card" || w == "-"), "unexpected additions: {added:?}");
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
    let c = cards.iter().find(|c| c["question"] == "What is NoOps?").unwrap();
    assert_eq!(c["id"], "63c66a0c-59bc-4f1b-9492-d21bd5eff3cc");
    assert!(c["answer"].as_str().unwrap().starts_with("Ideally, you want the developers"));
    assert_eq!(c["due"], true);
    let tsv = run(&["cards", root.to_str().unwrap(), "--format", "tsv"]);
    let tsv = String::from_utf8(tsv.stdout).unwrap();
    assert_eq!(tsv.lines().count(), 58);
    assert!(tsv.lines().all(|l| l.split('\t').count() == 3));
    let o = json(&run(&["outline", root.join(PAGE).to_str().unwrap(), "--format", "json"]));
    let blocks = o["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 134);
    assert_eq!(blocks.iter().filter(|b| b["properties"].get("id").is_some()).count(), 29);
    assert_eq!(blocks.iter().filter(|b| !b["card"].is_null()).count(), 58);
}

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
