//! Pathological pages: the engine must finish (no stack overflow, no quadratic blow-up that
//! amounts to a hang) and report sensibly. Speed itself is measured by the benchmarks.

use logseq_core::lint::analysis::analyze;
use logseq_core::lint::fixes::{self, FixCtx};
use logseq_core::model::settings::Settings;

/// Analyses a page and asks for every fix: (blocks, diagnostics by code, fixes offered).
fn analyse_all(src: &str) -> (usize, Vec<(&'static str, usize)>, usize) {
    let a = analyze(src, &Settings::default());
    let ctx = FixCtx { src, analysis: &a };
    let mut n = 0;
    let mut codes = std::collections::BTreeMap::new();
    for d in &a.local {
        *codes.entry(d.code.as_str()).or_insert(0) += 1;
        n += fixes::fixes_for(&ctx, d, &mut || {
            "00000000-0000-4000-8000-000000000000".into()
        })
        .len();
    }
    (a.outline.blocks.len(), codes.into_iter().collect(), n)
}

#[test]
fn deeply_nested_inline_syntax_does_not_overflow_the_stack() {
    for (open, close) in [
        ("[[", "]]"),
        ("{{embed ", "}}"),
        ("((", "))"),
        ("#[[", "]]"),
        ("`", "`"),
    ] {
        let mut s = String::from("- 😀 ");
        for _ in 0..100_000 {
            s.push_str(open);
        }
        for _ in 0..100_000 {
            s.push_str(close);
        }
        s.push('\n');
        // One block, nothing to report: no opener is closed where a reference could start.
        assert_eq!(analyse_all(&s), (1, vec![], 0), "{open}");
    }
    // 100,000 levels of quotes and list markers.
    let s = format!(
        "- q\n  {} deep\n  {} deep\n",
        ">".repeat(100_000),
        "* ".repeat(100_000)
    );
    assert_eq!(analyze(&s, &Settings::default()).outline.blocks.len(), 1);
}

#[test]
fn deepest_outline_that_fits_in_a_few_megabytes() {
    // Each level needs one more indentation character, so 3,000 levels take 4.5 MB.
    let mut s = String::new();
    for i in 0..3_000 {
        s.push_str(&"\t".repeat(i));
        s.push_str(if i % 2 == 0 { "- q #card\n" } else { "- a\n" });
    }
    let a = analyze(&s, &Settings::default());
    assert_eq!(a.outline.blocks.len(), 3_000);
    assert_eq!(a.outline.blocks[2_999].level, 3_000);
    assert_eq!(a.cards.len(), 1_500);
}

#[test]
fn one_megabyte_single_line_of_unmatched_openers() {
    for unit in [
        "[[", "((", "{{", "`", "``", "#[[", "{{cloze ", "(((", "[[a]", "x::y ",
    ] {
        let s = format!("- 😀 {}\n", unit.repeat(1_000_000 / unit.len()));
        // One block; only the unclosed `{{cloze` is a finding (with its fix). An unmatched `[[`
        // or `((` is text, as mldoc reads it.
        let want = if unit == "{{cloze " {
            vec![("cloze-malformed", 1)]
        } else {
            vec![]
        };
        let fixes = want.len();
        assert_eq!(analyse_all(&s), (1, want, fixes), "{unit}");
    }
}

#[test]
fn many_unclosed_regions() {
    for opener in [
        "```",
        "<div>",
        "$$",
        ":LOGBOOK:",
        "#+BEGIN_QUOTE",
        ":PROPERTIES:",
    ] {
        let s = format!("- a\n{}", format!("  {opener}\n- b\n").repeat(50_000));
        let a = analyze(&s, &Settings::default());
        // None is closed except `$$` and fences, which pair up with the next opener.
        assert!(
            a.outline.blocks.len() >= 25_000,
            "{opener}: {}",
            a.outline.blocks.len()
        );
    }
}

#[test]
fn crlf_bom_and_blank_pages() {
    let a = analyze("\u{feff}- a\r\n- b\r\n", &Settings::default());
    // mldoc: the BOM line is not a bullet; it becomes the pre-block (tests/mldoc/cases/23).
    assert_eq!(a.outline.blocks.len(), 2);
    assert_eq!(a.outline.blocks[1].range.start, "\u{feff}- a\r\n".len());
    for blank in ["", "   \n\t\n", "\u{feff}"] {
        assert!(analyze(blank, &Settings::default())
            .outline
            .blocks
            .is_empty());
    }
}

/// 100,000 blocks sharing one id: one `id-duplicate` per copy, each listing at most
/// `MAX_RELATED_DUPLICATES` others and counting the rest (listing all was quadratic: 10,000 copies
/// needed 106 s and 12.4 GB). Logseq keeps an id on one block (graph_parser/block.cljs, 0.10.9,
/// `fix-duplicate-id`), so each copy is worth reporting.
#[test]
fn one_id_on_100k_blocks_is_linear_in_work() {
    use logseq_core::lint::diagnostic::Code;
    use logseq_core::lint::rules::{check_graph, ids::MAX_RELATED_DUPLICATES};
    use logseq_core::model::graph::{Graph, GraphConfig};
    use std::sync::Arc;
    let n = 100_000;
    let text = "- b\n  id:: 6f0b2f0a-0000-4000-8000-000000000000\n".repeat(n);
    let a = analyze(&text, &Settings::default());
    let mut g = Graph::new(GraphConfig::default());
    g.upsert(
        "pages/x.md".into(),
        Arc::from(text.as_str()),
        a.facts.clone(),
    );
    let ds = check_graph(&g, "pages/x.md", &a.facts, &Settings::default());
    let dups: Vec<_> = ds.iter().filter(|d| d.code == Code::IdDuplicate).collect();
    assert_eq!(dups.len(), n);
    let related: usize = dups.iter().map(|d| d.related.len()).sum();
    assert_eq!(related, n * MAX_RELATED_DUPLICATES);
    assert!(dups[0].message.contains(&format!("{} other blocks", n - 1)));
    assert!(dups[0]
        .message
        .contains(&format!("{} more not", n - 1 - MAX_RELATED_DUPLICATES)));
}
