use super::*;

fn shape(src: &str) -> Vec<(usize, u32, String)> {
    parse(src)
        .blocks
        .iter()
        .map(|b| (b.range.start, b.level, src[b.title.clone()].to_string()))
        .collect()
}

#[test]
fn bullets_nest_by_raw_whitespace() {
    let s = "- a\n\t- b\n  - c\n- d\n";
    assert_eq!(
        shape(s),
        [
            (0, 1, "a".into()),
            (4, 2, "b".into()),
            (9, 3, "c".into()),
            (15, 1, "d".into())
        ]
    );
}

#[test]
fn continuation_lines_and_heading_lines() {
    let s = "- a\nnot indented\n-not a bullet\n  # h\n- b";
    let o = parse(s);
    assert_eq!(o.blocks.len(), 3);
    assert_eq!(o.blocks[1].kind, BlockKind::Heading { size: 1 });
    assert_eq!(o.blocks[1].level, 1);
}

#[test]
fn first_property_group_wins() {
    let s = "- 😀 a\n  key:: v\n  text\n  k2:: x\n";
    let b = &parse(s).blocks[0];
    assert_eq!(b.groups.len(), 2);
    assert_eq!(b.properties().unwrap().props[0].name, "key");
}

#[test]
fn id_on_bullet_line_leaves_empty_title() {
    let s = "- id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n  What? #flashcard\n";
    let b = &parse(s).blocks[0];
    assert!(b.title.is_empty());
    assert_eq!(
        b.property("id").unwrap().value_str(s),
        "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    );
    assert!(b
        .inlines
        .iter()
        .any(|x| matches!(x.kind, InlineKind::Tag { .. })));
}

#[test]
fn closed_fence_is_inert_unclosed_is_not() {
    let s = "- a\n```\n- in\nk:: v\n```\n- b\n";
    assert_eq!(parse(s).blocks.len(), 2);
    let s = "- a\n```\n- in\n";
    assert_eq!(parse(s).blocks.len(), 2);
}

#[test]
fn pre_block_holds_page_properties() {
    let s = "title:: x\nfoo:: bar\n\n- a";
    let o = parse(s);
    assert_eq!(o.blocks[0].kind, BlockKind::Pre);
    assert_eq!(o.blocks[0].properties().unwrap().props.len(), 2);
}

#[test]
fn list_and_quote_lines_hold_no_properties() {
    let s = "- a\n  * item\n  k:: v\n- b\n  > q\n\n  k:: v\n";
    let o = parse(s);
    assert!(o.blocks[0].properties().is_none());
    assert_eq!(o.blocks[1].properties().unwrap().props[0].name, "k");
}

/// Display math closes at the first later `$$`, also mid-line, and swallows the bullets before
/// it (Logseq 0.10.9 graph-parser on mldoc 1.5.7: `- a\n  $$\n- b\n  \end{aligned}$$\n- c` is two
/// blocks, the first holding `- b`). Closing only at a line starting with `$$` made every bullet
/// up to the next such line (often the end of the page) one block.
#[test]
fn display_math_closes_at_the_first_later_dollars() {
    let s = "- a 🧮\n  $$\n  x = 1\n- b\n  \\end{aligned}$$\n- c\n";
    let o = parse(s);
    assert_eq!(o.blocks.len(), 2, "{:?}", shape(s));
    assert_eq!(&s[o.blocks[1].title.clone()], "c");
    // Inside backticks and on a bullet line it closes all the same.
    let s = "- a\n  $$ \\begin{x}\n- b text $$ done\n- c\n  $$\n- d\n";
    let titles: Vec<String> = shape(s).into_iter().map(|x| x.2).collect();
    assert_eq!(titles, ["a", "c", "d"]);
    // `$$ x $$ y $$` is closed on its own line; `> $$` and `\$$` open nothing; unclosed is text.
    for s in [
        "- a\n  $$ x $$ y $$\n- b\n- c $$\n- d\n",
        "- a\n  > $$\n- b\n  $$\n- c\n",
    ] {
        assert_eq!(
            parse(s).blocks.len(),
            if s.contains("> $$") { 3 } else { 4 },
            "{s:?}"
        );
    }
    assert_eq!(parse("- a\n  $$\n- b\n- c\n").blocks.len(), 3);
}

/// The one-pass subtree ends (document symbols) agree with the per-block walk, on nesting that
/// goes up and down, page properties, headings and a paragraph before the first bullet.
#[test]
fn subtree_ends_in_one_pass_equal_the_per_block_walk() {
    let s = "title:: x\n\n- a\n\t- b\n\t\t- c\n\t- d\n- e\n  - f\n    - g\n- h\n# H\n- i\n\t- j\n";
    let o = parse(s);
    let per_block: Vec<usize> = (0..o.blocks.len()).map(|i| o.subtree_end(i)).collect();
    assert!(o.blocks.len() > 8);
    assert_eq!(o.subtree_ends(), per_block);
}
