use super::*;
use crate::syntax::outline::parse;

fn refs(s: &str, i: usize) -> Vec<String> {
    let o = parse(s);
    page_refs(s, &o, i, &RefConfig::default())
        .into_iter()
        .map(|r| r.name)
        .collect()
}

#[test]
fn links_tags_namespaces_markers() {
    assert_eq!(
        refs(
            "- TODO [#A] Def#Card [[a/b/c]] {{cloze [[x]]}} {{embed [[e]]}}\n",
            0
        ),
        ["todo", "a", "card", "a/b/c", "a/b", "e"]
    );
}

#[test]
fn properties() {
    let s = "- q\n  tags:: card，x, [[y z]]\n  template:: [[t]]\n  type:: [[k]]\n  card-repeats:: 1\n  foo:: \"[[no]]\"\n";
    assert_eq!(refs(s, 0), ["card", "x", "y z", "type", "k", "foo"]);
    // Only the first property group counts.
    let s = "- q\n  a:: 1\n\n  tags:: card\n";
    assert_eq!(refs(s, 0), ["a"]);
}
