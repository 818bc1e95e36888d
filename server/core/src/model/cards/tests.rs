use super::*;
use crate::syntax::outline::parse;

fn tags() -> Vec<String> {
    vec!["card".into(), "flashcard".into()]
}

// srs.cljs@0.10.9 `show-cycle`: phase 1 renders the whole card block, children come with
// "Show answers".
#[test]
fn native_card_with_child_answer() {
    let s = "- What is X? #card\n  id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n\t- X is Y.\n";
    let c = &cards(s, &parse(s), &tags())[0];
    assert!(c.native && c.has_children);
    let o = parse(s);
    assert_eq!(c.question(s), "What is X? #card");
    assert_eq!(c.answer(s, &o), "- X is Y.");
    assert!(c.schedule(s, &o).is_new());
}

#[test]
fn every_shown_line_is_on_the_front() {
    let s = "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n   What is NoOps? #flashcard \n    Ideally 😀 devs deploy.\n  \n    (link)\n    SCHEDULED: <2024-01-01 Mon>\n    :LOGBOOK:\n    CLOCK: [2024-01-01 Mon 10:00]\n    :END:\n-\n";
    let c = &cards(s, &parse(s), &tags())[0];
    assert!(!c.native && !c.has_children);
    assert_eq!(
        c.question(s),
        "What is NoOps? #flashcard\nIdeally 😀 devs deploy.\n(link)"
    );
    assert_eq!(c.answer(s, &parse(s)), "");
    assert_eq!(c.lines_after_tag.len(), 2);
}

// srs.cljs@0.10.9 `cloze-macro-show` / `cloze-parse`.
#[test]
fn clozes_and_masking() {
    let s = "- The {{cloze capital \\\\ city}} of France is {{cloze  Paris }} #card\n  and {{{cloze x}}}, {{cloze a, b}}\n";
    let c = &cards(s, &parse(s), &tags())[0];
    assert_eq!(c.clozes.len(), 4);
    assert_eq!(c.clozes[0].cue.as_deref(), Some("city"));
    assert_eq!(c.clozes[1].answer, "Paris ");
    assert_eq!(
        masked(s, c),
        "The (city) of France is [...] #card\nand [...], [...]"
    );
    assert_eq!(
        revealed(s, c),
        "The [capital] of France is [Paris ] #card\nand [x], [a, b]"
    );
}

// mldoc 1.5.7 reads none of these as the macro `cloze` (checked with its parseJson).
#[test]
fn not_clozes_in_mldoc() {
    for s in [
        "- {{cloze a}b}} #card\n",
        "- {{cloze\tx}} #card\n",
        "- a{{cloze x}} #card\n",
        "- ({{cloze x}}) #card\n",
        "- {{cloze [[a]] b}} #card\n",
        "- {{cloze a ,, b}} #card\n",
    ] {
        let c = &cards(s, &parse(s), &tags())[0];
        assert!(c.clozes.is_empty(), "{s:?}");
    }
}

/// The fast test agrees with the plain one: some tag occurs, in any ASCII case.
#[test]
fn tag_names_agree_with_a_plain_search() {
    let plain = |text: &str, tags: &[String]| {
        tags.iter().any(|t| !t.is_ascii())
            || tags.iter().filter(|t| !t.is_empty()).any(|t| {
                let (h, n) = (text.as_bytes(), t.as_bytes());
                h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
            })
    };
    let tag_sets: Vec<Vec<String>> = vec![
        tags(),
        vec!["flashcard".into()],
        vec!["flashcard".into(), "card".into(), "card".into()],
        vec!["my_deck".into(), "x-1".into()],
        vec!["karte".into(), "écrit".into()],
        vec![],
        vec!["".into()],
    ];
    for text in [
        "- What? #card",
        "- What? #CaRd 😀",
        "- Flash CARDS",
        "- #flashcard",
        "- flashc",
        "- c ard, cardinal",
        "- MY_DECK or my\x7fdeck",
        "- X-1 and x_1",
        "- \u{7f}ard `ard",
        "",
    ] {
        for ts in &tag_sets {
            assert_eq!(
                TagNames::new(ts).in_text(text),
                plain(text, ts),
                "{text:?} {ts:?}"
            );
        }
    }
}

/// `#dec` + KELVIN SIGN is a reference to the page `deck`: page names are lower-cased, then
/// NFC (graph-parser util.cljs@0.10.9 line 162 `page-name-sanity-lc`), and JS lower-cases
/// KELVIN SIGN to `k`.
#[test]
fn a_tag_written_with_a_kelvin_sign_is_found() {
    let s = "- Q #dec\u{212a}\n";
    let c = cards(s, &parse(s), &["deck".to_string()]);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].tags, vec!["deck".to_string()]);
}

#[test]
fn tags_property_makes_title_the_question() {
    let s = "- Capital of France?\n  tags:: card\n\t- Paris\n";
    let c = &cards(s, &parse(s), &tags())[0];
    assert!(c.native);
    assert_eq!(c.question(s), "Capital of France?");
}

proptest::proptest! {
    /// The clipped name reads only the words it needs and says what clipping the whole name
    /// says, at every length (the tag inside the first line, several front lines, emoji).
    #[test]
    fn clipped_name_is_the_whole_name_clipped(
        words in proptest::collection::vec(
            proptest::sample::select(vec!["a", "bb", "😀", "é x", "  ", "\t", "#card", "ünï"]),
            0..30,
        ),
        max in 0usize..50,
    ) {
        let (a, b) = words.split_at(words.len() / 2);
        let s = format!("- {} #card {}\n  {}\n", a.concat(), b.concat(), b.concat());
        let found = cards(&s, &parse(&s), &tags());
        proptest::prop_assert!(!found.is_empty(), "{:?} is a card", s);
        for c in found {
            let want = crate::syntax::blocks::clip(&name(&s, &c), max);
            proptest::prop_assert_eq!(name_clipped(&s, &c, max), want.clone());
            // Written after other text, as a message does.
            let mut onto = "Card “".to_string();
            push_name_clipped(&mut onto, &s, &c, max);
            proptest::prop_assert_eq!(onto, format!("Card “{want}"));
        }
    }
}
