//! `check` in CI: `--rule`, `--exclude`, `--preset` and the GitHub annotation format.

use super::*;

#[test]
fn rule_options_set_severities_over_the_settings_file() {
    let (_d, root) = example_copy();
    let r = root.to_str().unwrap();
    let codes = |o: &Output| -> Vec<(String, String)> {
        json(o)
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().into(),
                    d["severity"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let all = codes(&run(&["check", r, "--format", "json"]));
    let n = |v: &[(String, String)], c: &str| v.iter().filter(|(x, _)| x == c).count();
    assert_eq!(n(&all, "card-tag-not-native"), 58);

    // --exclude takes several values, each maybe several names (an action input passes them so).
    let o = run(&[
        "check",
        r,
        "--format",
        "json",
        "--exclude",
        "card-tag-not-native",
        "id-before-title, card-answer-inline",
    ]);
    let left = codes(&o);
    assert_eq!(left.len(), all.len() - 58 - 27 - 58);
    assert!(
        left.iter().all(|(c, _)| c == "property-ignored"),
        "{left:?}"
    );

    // The settings file turns a rule off; --rule turns it back on, and --exclude wins over both.
    std::fs::write(
        root.join("logseq-lsp.toml"),
        "[rules]\nid-before-title = \"off\"\n",
    )
    .unwrap();
    assert_eq!(
        n(
            &codes(&run(&["check", r, "--format", "json"])),
            "id-before-title"
        ),
        0
    );
    let o = run(&[
        "check",
        r,
        "--format",
        "json",
        "--rule",
        "id-before-title=error",
    ]);
    assert_eq!(o.status.code(), Some(1), "an error now");
    let v = codes(&o);
    assert_eq!(
        v.iter()
            .filter(|(c, s)| c == "id-before-title" && s == "error")
            .count(),
        27
    );
    let o = run(&[
        "check",
        r,
        "--format",
        "json",
        "--exclude",
        "id-before-title",
        "--rule",
        "id-before-title=error",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(n(&codes(&o), "id-before-title"), 0);
}

#[test]
fn unknown_rules_severities_and_presets_are_usage_errors() {
    let (_d, root) = example_copy();
    let r = root.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--rule", "no-such-rule=off"],
            "unknown rule `no-such-rule`",
        ),
        (
            vec!["--rule", "id-invalid=loud"],
            "`loud` is not a severity",
        ),
        (vec!["--rule", "id-invalid"], "RULE=SEVERITY"),
        (
            vec!["--exclude", "no-such-rule"],
            "unknown rule `no-such-rule`",
        ),
        (
            vec!["--preset", "eslint"],
            "possible values: graph-validator",
        ),
    ] {
        let o = run(&[&["check", r], &args[..]].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // A path after --exclude is taken for a rule: said so.
    let o = run(&["check", "--exclude", "id-invalid", r]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a path, not a rule"));
    let o = run(&["check", "--exclude", "id-invalid", "--", r]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn github_format_annotates_with_character_columns_and_escapes() {
    let dir = one_page_graph(
        "😀 a,b.md",
        "- 😀 {{cloze}} #card\n  - a\n- id:: not-a-uuid\n",
    );
    let root = dir.path();
    let o = Command::new(BIN)
        .args(["check", ".", "--format", "github"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    // `- 😀 ` is 4 characters: the macro is at column 5 (6 in UTF-16 units); `,` escaped.
    assert!(
        lines[0].starts_with("::error file=pages/😀 a%2Cb.md,line=1,endLine=1,col=5,endColumn=14,title=logseq-lsp cloze-malformed::{{cloze}} has no text"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("::error file=pages/😀 a%2Cb.md,line=3,endLine=3,col=8,endColumn=18,title=logseq-lsp id-invalid::"));
    assert_eq!(
        lines[2],
        "2 errors, 0 warnings, 0 information, 0 hints in 1 page"
    );
}

/// `#flashcard` names no page of this graph (`card` is a built-in page, `flashcard` is not), so
/// graph-validator's `tags-and-page-refs-have-pages` reports it; page-missing is off by default.
#[test]
fn preset_graph_validator_turns_on_exactly_its_rules_as_errors() {
    let dir = one_page_graph(
        "refs.md",
        "- 😀 ((6543b1a2-0000-4000-8000-000000000000)) and ((foo))\n- {{embed ((6543b1a2-0000-4000-8000-00000000000f))}}\n- q #flashcard\n  - a\n- x\n  id:: nope\n",
    );
    let r = dir.path().to_str().unwrap();
    let codes = |args: &[&str]| -> (Option<i32>, Vec<String>) {
        let o = run(&[&["check", r, "--format", "json"], args].concat());
        assert_ne!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v = json(&o);
        let found = v
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    d["severity"].as_str().unwrap()
                )
            })
            .collect();
        (o.status.code(), found)
    };
    let (_, all) = codes(&[]);
    assert!(all.contains(&"id-invalid error".to_string()), "{all:?}");
    assert!(
        all.contains(&"card-tag-not-native hint".to_string()),
        "{all:?}"
    );
    let (rc, v) = codes(&["--preset", "graph-validator"]);
    assert_eq!(rc, Some(1));
    assert_eq!(
        v,
        [
            "block-ref-unresolved error",
            "block-ref-malformed error",
            "block-ref-unresolved error",
            "page-missing error"
        ],
        "graph-validator fails the run on each, so each is an error"
    );
    let (rc, v) = codes(&[
        "--preset",
        "graph-validator",
        "--rule",
        "id-invalid=warning",
        "--exclude",
        "block-refs-link-to-blocks-that-exist",
        "tags-and-page-refs-have-pages",
    ]);
    assert_eq!((rc, v), (Some(0), vec!["id-invalid warning".to_string()]));
}
