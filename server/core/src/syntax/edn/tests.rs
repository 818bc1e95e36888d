//! Each case was run through `clojure.edn/read-string` under nbb-logseq (tools.reader's EDN
//! reader, which Logseq 0.10.9 uses in frontend/handler/repo_config.cljs `read-repo-config`):
//! `ok` cases it reads, `err` cases it rejects.
use super::{parse, Edn};
use proptest::prelude::*;

fn ok(src: &str) -> Edn {
    parse(src).unwrap_or_else(|e| panic!("{src:?} should read: {e}"))
}
fn err(src: &str) -> super::EdnError {
    match parse(src) {
        Ok(v) => panic!("{src:?} should be rejected, read {v:?}"),
        Err(e) => e,
    }
}

#[test]
fn reads_a_config() {
    let v = ok("{:hidden [\"/archived\" \"x.md\"] ; c\n :file/name-format :triple-lowbar #_ :skip :m #{1 2} :t #inst \"2020\"}");
    assert_eq!(v.get("hidden").unwrap().strings(), ["/archived", "x.md"]);
    assert_eq!(
        v.get("file/name-format").unwrap().as_str(),
        Some("triple-lowbar")
    );
    assert_eq!(
        v.get("m"),
        Some(&Edn::Set(vec![
            Edn::Number("1".into()),
            Edn::Number("2".into())
        ]))
    );
    assert!(v.get("skip").is_none());
}

#[test]
fn discards_before_a_closing_bracket_and_nested() {
    // Was: `{:a 1 #_ :b}` rejected the whole config.
    let v = ok("{:a 1 #_ :b}");
    assert_eq!(v.get("a"), Some(&Edn::Number("1".into())));
    assert_eq!(
        ok("{:a 1 #_ #_ :b 2}"),
        Edn::Map(vec![(Edn::Keyword("a".into()), Edn::Number("1".into()))])
    );
    assert_eq!(ok("#_ x {:a 1}").get("a"), Some(&Edn::Number("1".into())));
    assert_eq!(ok("[1 #_ 2]"), Edn::Vector(vec![Edn::Number("1".into())]));
    // `#_` must have a form: the reader meets `}` instead.
    err("{:a 1 #_}");
    err("{:a #_ :b}");
}

#[test]
fn strings_chars_and_non_ascii() {
    assert_eq!(ok("{:a \"é 🙂\"}").get("a"), Some(&Edn::Str("é 🙂".into())));
    assert_eq!(
        ok("{:a \"\\u00e9\\101\\t\"}").get("a"),
        Some(&Edn::Str("éA\t".into()))
    );
    assert_eq!(ok("{:a \\é}").get("a"), Some(&Edn::Char('é')));
    assert_eq!(
        ok("{:a \\newline :b \\u00e9 :c \\o101}").get("c"),
        Some(&Edn::Char('A'))
    );
    // Was a panic (byte index inside `é`): now Logseq's "Unsupported escape character".
    assert_eq!(err("{:a\n \"\\é\"}").line, 2);
    err("{:a \"\\q\"}");
    err("{:a \"\\u00\"}");
    err("{:a \\ab}");
    err("{:a \\u12}");
}

#[test]
fn tags_meta_and_symbols() {
    assert!(matches!(ok("{:a #uuid \"x\"}").get("a"), Some(Edn::Tagged(t, _)) if t == "uuid"));
    ok("{:a #queue [1] :b #js {}}");
    assert_eq!(
        ok("{:a ^:m [1]}").get("a"),
        Some(&Edn::Vector(vec![Edn::Number("1".into())]))
    );
    ok("{:a #^:m [1] :b ##Inf :c 'b :d - :e -x :f .5}");
    ok("{:a 1 #! comment\n :b 2}");
    ok("{:a 0x1F :b 1/2 :c 1.5e3 :d 1N :e 2.0M :g 07}");
    err("{:a #foo 1}");
    err("{:a #\"x\"}");
    err("{:a #<x>}");
    err("{:a 1x}");
    err("{:a ::b}");
    err("{:a :}");
    err("{:a b:}");
    err("{:a :d/ 1}");
    err("{:a @b}");
}

#[test]
fn maps_with_any_keys_and_duplicates() {
    ok("{[1] 2 \"s\" 3 nil 4 #{1} 5}");
    assert_eq!(err("{:x 0\n :a 1 :a 2}").line, 1);
    err("{:a #{1 1}}");
    err("{:a 1 :b}");
    err("{:a \"x\" :b");
    assert_eq!(ok(""), Edn::Nil);
    assert_eq!(ok(" ; only a comment\n"), Edn::Nil);
    // Only the first form counts.
    ok("{:a \"é\"} junk");
    err("}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(1_000_000);
    assert!(err(&deep).message.contains("nested deeper"));
    let meta = "^".repeat(1_000_000);
    err(&meta);
    let tags = "#_".repeat(1_000_000);
    err(&tags);
    ok(&format!(
        "{}{}",
        "[".repeat(super::MAX_DEPTH),
        "]".repeat(super::MAX_DEPTH)
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Random bytes (lossily made text): a value or an error on an existing line, never a panic.
    #[test]
    fn any_text_reads_or_errs(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let s = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse(&s) {
            prop_assert!(e.line >= 1 && e.line <= s.matches('\n').count() + 1);
        }
    }
    /// Text made of EDN's own punctuation, which random bytes rarely produce.
    #[test]
    fn edn_shaped_text_reads_or_errs(s in "[{}\\[\\]()#_^\\\\\"; :a1é\\n,u0!]{0,80}") {
        if let Err(e) = parse(&s) {
            prop_assert!(e.line >= 1 && e.line <= s.matches('\n').count() + 1);
        }
    }
}
