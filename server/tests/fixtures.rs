//! Fixture tests: every rule has a page under fixtures/rules with its expected diagnostics
//! (`NAME.expected`), and every fix a page under fixtures/fixes with the exact text after the fix
//! (`NAME.fixed.md`). `UPDATE_FIXTURES=1 cargo test --test fixtures` rewrites the expectations;
//! review the diff before committing.
//!
//! Fix fixture names: `<code>[--variant][@N].md` applies the N-th fix (default 0) offered for the
//! first diagnostic with that code; `fix-all.md` runs every safe fix.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use logseq_core::lint::analysis::{self, PageAnalysis};
use logseq_core::lint::diagnostic::{Code, Diagnostic};
use logseq_core::lint::fixes::{self, FixCtx};
use logseq_core::model::graph::{Graph, GraphConfig};
use logseq_core::model::settings::Settings;
use logseq_core::syntax::edit;
use logseq_core::syntax::text::{Encoding, LineIndex};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

fn pages(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md") && !p.to_string_lossy().ends_with(".fixed.md")
        })
        .collect();
    v.sort();
    v
}

/// The page as a one-page graph: its diagnostics, page and graph rules.
fn diagnose(text: &str) -> (PageAnalysis, Vec<Diagnostic>) {
    diagnose_with(text, &Settings::default())
}

/// Settings with rule `code` on, at its default severity, if it is off by default.
fn with_rule_on(code: &str) -> Settings {
    let mut s = Settings::default();
    if let Some(c) = Code::parse(code).filter(|c| !c.on_by_default()) {
        s.severity.insert(c, Some(c.default_severity()));
    }
    s
}

fn diagnose_with(text: &str, settings: &Settings) -> (PageAnalysis, Vec<Diagnostic>) {
    let (a, g) = fixture_graph(text, settings, false);
    let d = analysis::diagnostics(&g, "pages/fixture.md", &a, settings);
    (a, d)
}

/// The one-page graph; `with_assets`: its `assets/` folder is fixtures/rules/assets.
fn fixture_graph(text: &str, settings: &Settings, with_assets: bool) -> (PageAnalysis, Graph) {
    let a = analysis::analyze(text, settings);
    let mut g = Graph::new(GraphConfig::default());
    g.upsert("pages/fixture.md".into(), Arc::from(text), a.facts.clone());
    if with_assets {
        let root = dir("rules");
        let files = walkdir(&root.join("assets"));
        g.set_assets(files.iter().map(|p| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        }));
    }
    (a, g)
}

fn walkdir(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Every safe fix, as `fix` and `source.fixAll` apply them, on the one-page graph.
fn fix_page(text: &str, new_id: &mut dyn FnMut() -> String) -> (String, Vec<Code>) {
    let mut g = Graph::new(GraphConfig::default());
    fixes::fix_page(
        Some((&mut g, "pages/fixture.md")),
        text,
        &Settings::default(),
        new_id,
    )
}

/// Text with every UUID replaced by a placeholder: id fixes change ids on purpose.
fn mask_ids(s: &str) -> String {
    s.split_inclusive(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .map(|w| {
            let core = w.trim_end_matches(|c: char| !(c.is_ascii_hexdigit() || c == '-'));
            if logseq_core::syntax::uuid::parse_uuid(core).is_some() {
                w.replacen(core, "UUID", 1)
            } else {
                w.to_string()
            }
        })
        .collect()
}

fn render(text: &str, diags: &[Diagnostic]) -> String {
    let idx = LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let (sl, sc) = idx.position(text, d.range.start, Encoding::Utf16);
            let (el, ec) = idx.position(text, d.range.end, Encoding::Utf16);
            format!(
                "{}:{}-{}:{} {}[{}] {}\n",
                sl + 1,
                sc,
                el + 1,
                ec,
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            )
        })
        .collect()
}

fn check(path: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    match std::fs::read_to_string(path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )),
        Err(_) => failures.push(format!(
            "{}: missing (run with UPDATE_FIXTURES=1)\n{actual}",
            path.display()
        )),
    }
}

fn ids() -> impl FnMut() -> String {
    let n = Cell::new(0u32);
    move || {
        n.set(n.get() + 1);
        format!("00000000-0000-4000-8000-{:012}", n.get())
    }
}

#[test]
fn rule_fixtures() {
    let mut failures = Vec::new();
    for p in pages("rules") {
        let text = std::fs::read_to_string(&p).unwrap();
        let code = p.file_stem().unwrap().to_str().unwrap().to_string();
        // A rule off by default is on for its own fixture (and only there); the asset rules'
        // fixtures have an `assets/` folder (fixtures/rules/assets).
        let settings = with_rule_on(&code);
        let (a, g) = fixture_graph(&text, &settings, code.starts_with("asset-"));
        let d = analysis::diagnostics(&g, "pages/fixture.md", &a, &settings);
        // As `check` and the server report them: at most MAX_PER_LINE per line.
        let d = logseq_core::lint::diagnostic::capped(d, &LineIndex::new(&text));
        // Findings about files that are no page, as `check` prints them (path first).
        let files: Vec<(String, Diagnostic)> = logseq_core::lint::rules::unused_assets(&g);
        assert!(
            d.iter()
                .chain(files.iter().map(|(_, d)| d))
                .any(|d| d.code.as_str() == code),
            "{}: the fixture never triggers its own rule",
            p.display()
        );
        let mut out = render(&text, &d);
        for (path, d) in &files {
            out.push_str(&format!(
                "{path}: {}[{}] {}\n",
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            ));
        }
        check(&p.with_extension("expected"), &out, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn asset_missing_fixes_link_to_existing_assets() {
    let text = std::fs::read_to_string(dir("rules").join("asset-missing.md")).unwrap();
    let settings = Settings::default();
    let (a, g) = fixture_graph(&text, &settings, true);
    let diags = analysis::diagnostics(&g, "pages/fixture.md", &a, &settings);
    let ctx = FixCtx {
        src: &text,
        analysis: &a,
    };
    let mut offered = 0;
    for d in diags.iter().filter(|d| d.code == Code::AssetMissing) {
        let mut d = d.clone();
        logseq_core::lint::rules::suggest_assets(&g, &text, &mut d);
        let d = &d;
        for f in fixes::fixes_for(&ctx, d, &mut ids()) {
            assert!(!f.safe, "which asset was meant is a guess");
            let fixed = edit::apply(&text, &f.edits);
            // Only the path changed, and the link now names an existing asset.
            assert_eq!(f.edits.len(), 1);
            assert_eq!(f.edits[0].range, d.range);
            let (a2, g2) = fixture_graph(&fixed, &settings, true);
            let after = analysis::diagnostics(&g2, "pages/fixture.md", &a2, &settings);
            let left = after
                .iter()
                .filter(|d| d.code == Code::AssetMissing)
                .count();
            let before = diags
                .iter()
                .filter(|d| d.code == Code::AssetMissing)
                .count();
            assert_eq!(left, before - 1, "{}", f.title);
            offered += 1;
        }
    }
    // diagram…0002 → …0001, the whale .jpg → .png, books.pdf → book.pdf (and others near it),
    // sub/nested_1 → sub/nested_0; nothing is near zzz….mov.
    assert!(offered >= 4, "{offered}");
}

#[test]
fn rules_off_by_default_report_only_when_turned_on() {
    for c in logseq_core::lint::diagnostic::OFF_BY_DEFAULT {
        let p = dir("rules").join(format!("{}.md", c.as_str()));
        let text = std::fs::read_to_string(&p).unwrap();
        let (_, d) = diagnose(&text);
        assert!(
            !d.iter().any(|d| d.code == *c),
            "{} is off by default",
            c.as_str()
        );
        let (_, d) = diagnose_with(&text, &with_rule_on(c.as_str()));
        assert!(
            d.iter().any(|d| d.code == *c),
            "{} reports once on",
            c.as_str()
        );
    }
}

#[test]
fn every_rule_has_a_fixture() {
    for c in Code::ALL {
        assert!(
            dir("rules").join(format!("{}.md", c.as_str())).is_file(),
            "no fixture for {}",
            c.as_str()
        );
    }
}

#[test]
fn every_fixable_rule_has_a_fix_fixture() {
    // asset-missing's fixes need the fixture's assets/ folder: its own test above.
    let own_test = [Code::AssetMissing];
    let names: Vec<String> = pages("fixes")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for &c in Code::ALL {
        let has = names.iter().any(|n| {
            n.strip_prefix(c.as_str())
                .is_some_and(|rest| rest.starts_with(['.', '-', '@']))
        });
        let wanted = fixes::has_fix(c) && !own_test.contains(&c);
        assert_eq!(
            has,
            wanted,
            "{}: fixable {}, fix fixture {has}",
            c.as_str(),
            fixes::has_fix(c)
        );
    }
}

#[test]
fn fix_fixtures() {
    let mut failures = Vec::new();
    for p in pages("fixes") {
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&p).unwrap();
        let mut new_id = ids();
        let fixed = if stem == "fix-all" {
            fix_page(&text, &mut new_id).0
        } else {
            let (name, option) = match stem.split_once('@') {
                Some((n, o)) => (n.to_string(), o.parse::<usize>().unwrap()),
                None => (stem.clone(), 0),
            };
            let code = Code::parse(name.split("--").next().unwrap())
                .unwrap_or_else(|| panic!("{stem}: unknown code"));
            let (a, d) = diagnose(&text);
            let diag = d
                .iter()
                .find(|d| d.code == code)
                .unwrap_or_else(|| panic!("{stem}: no {} diagnostic", code.as_str()));
            let offered = fixes::fixes_for(
                &FixCtx {
                    src: &text,
                    analysis: &a,
                },
                diag,
                &mut new_id,
            );
            let f = offered
                .get(option)
                .unwrap_or_else(|| panic!("{stem}: no fix #{option} (offered {})", offered.len()));
            let out = edit::apply(&text, &f.edits);
            // A fix must remove the diagnostic it was offered for (at that place, for that code).
            let (_, after) = diagnose(&out);
            let still = after.iter().filter(|x| x.code == code).count();
            let before = d.iter().filter(|x| x.code == code).count();
            assert!(
                still < before,
                "{stem}: `{}` left {} of {} {} diagnostics",
                f.title,
                still,
                before,
                code.as_str()
            );
            out
        };
        check(&p.with_extension("fixed.md"), &fixed, &mut failures);
        // No content is lost: every non-whitespace character survives (fixes only add).
        let count = |s: &str| {
            let mut v: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
            v.sort();
            v
        };
        let (before, after) = (count(&mask_ids(&text)), count(&mask_ids(&fixed)));
        let mut it = after.iter().peekable();
        let mut lost = Vec::new();
        for c in &before {
            while it.peek().is_some_and(|x| *x < c) {
                it.next();
            }
            if it.peek() == Some(&c) {
                it.next();
            } else {
                lost.push(*c);
            }
        }
        // Only what a fix exists to rewrite may go: a cloze's syntax, an invalid id, a schedule
        // reset or removal (its block's property lines). Everything else survives.
        let (a0, d0) = diagnose(&text);
        let mut allowed = String::new();
        for d in &d0 {
            match d.code {
                Code::ClozeMalformed | Code::IdInvalid => allowed.push_str(&text[d.range.clone()]),
                Code::CardScheduleInvalid | Code::CardScheduleOrphan => {
                    if let Some(g) = a0
                        .outline
                        .block_at(d.range.start)
                        .and_then(|i| a0.outline.blocks[i].properties())
                    {
                        allowed.push_str(&text[g.range()]);
                    }
                }
                _ => {}
            }
        }
        let mut allowed = count(&allowed);
        let unexplained: Vec<char> = lost
            .into_iter()
            .filter(|c| match allowed.iter().position(|a| a == c) {
                Some(k) => {
                    allowed.remove(k);
                    false
                }
                None => true,
            })
            .collect();
        assert!(unexplained.is_empty(), "{stem}: lost {unexplained:?}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fix_all_leaves_no_safe_fix() {
    let text = std::fs::read_to_string(dir("fixes").join("fix-all.md")).unwrap();
    let (fixed, codes) = fix_page(&text, &mut ids());
    assert!(!codes.is_empty());
    let (a, d) = diagnose(&fixed);
    let left: Vec<_> = d
        .iter()
        .filter(|d| {
            fixes::fixes_for(
                &FixCtx {
                    src: &fixed,
                    analysis: &a,
                },
                d,
                &mut ids(),
            )
            .iter()
            .any(|f| f.safe)
        })
        .collect();
    assert!(left.is_empty(), "safe fixes left after fix_all: {left:?}");
}

#[test]
fn every_rule_is_documented() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md"))
            .unwrap();
    for c in Code::ALL {
        assert!(
            doc.contains(&format!("\n## {}\n", c.as_str())),
            "docs/rules.md has no section for {}",
            c.as_str()
        );
    }
}

// The refs fixtures (fixtures/refs/*.md) and their runner, beside them.
#[path = "fixtures/refs.rs"]
mod refs;
