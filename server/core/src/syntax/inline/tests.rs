use super::*;

fn kinds(s: &str) -> Vec<String> {
    let mut v = Vec::new();
    scan(s, 0, &mut v);
    v.iter()
        .map(|x| match &x.kind {
            InlineKind::PageRef { name } => format!("page:{}", &s[name.clone()]),
            InlineKind::Tag { name, .. } => format!("tag:{}", &s[name.clone()]),
            InlineKind::BlockRef { inner, in_embed } => {
                format!("ref:{}:{}", &s[inner.clone()], in_embed)
            }
            InlineKind::Macro { name, args, closed } => {
                format!("macro:{}:{}:{}", &s[name.clone()], &s[args.clone()], closed)
            }
            InlineKind::Code => format!("code:{}", &s[x.range.clone()]),
        })
        .collect()
}

#[test]
fn tags_follow_mldoc() {
    assert_eq!(
        kinds("#card. (#yes) x#yes #a.b #日本 ##c #a:b #a;b; C# #."),
        [
            "tag:card",
            "tag:yes)",
            "tag:yes",
            "tag:a.b",
            "tag:日本",
            "tag:c",
            "tag:a",
            "tag:a;b"
        ]
    );
    assert_eq!(kinds("\\#no"), Vec::<String>::new());
    // A `#` in a bare URL at a word's start or in a link target is the link's
    // (mldoc 1.5.7 `Link` / `Complex` URL); after `(` a URL is text.
    assert_eq!(
        kinds("https://a.com/p#s [t](#a) ![i](x.png#y)#z (http://a/#q)"),
        ["tag:z", "tag:q)"]
    );
    // Inline math is inert (mldoc `Latex_Fragment`): `$f((1,2))$` is no block ref.
    assert_eq!(
        kinds("$f((1,2))$ \\(#a\\) $$#b$$ $5 and $6 #c $x #d $"),
        [
            "code:$f((1,2))$",
            "code:\\(#a\\)",
            "code:$$#b$$",
            "tag:c",
            "tag:d"
        ]
    );
    assert_eq!(kinds("#[[multi word]] #t,"), ["tag:multi word", "tag:t"]);
}

#[test]
fn no_tags_inside_emphasis() {
    // mldoc 1.5.7: `**Removal of #tags**` is Bold [Plain "Removal of #tags"] (docs corpus
    // pages/Export.md); the same inside `*`, `_`, `~~`, `==`, `^^`; links still count.
    for s in [
        "**a #t** b",
        "*a #t* b",
        "_a #t_ b",
        "~~a #t~~ b",
        "==a #t== b",
        "^^a #t^^ b",
        "a*b #t* c",
        "*a #t*b",
        "_a_b #t_ c",
    ] {
        assert_eq!(kinds(s), Vec::<String>::new(), "{s}");
    }
    assert_eq!(kinds("**a [[x]] #t**"), ["page:x"]);
    // Not emphasis: blanks inside the delimiters, an `_` inside a word, a tag ending in one.
    for (s, t) in [
        ("a * b #t * c", "tag:t"),
        ("a ** b #t ** c", "tag:t"),
        ("a #t** b", "tag:t**"),
        ("a #t_x b", "tag:t_x"),
        ("snake_case #t more_x", "tag:t"),
    ] {
        assert_eq!(kinds(s), [t], "{s}");
    }
}

#[test]
fn refs_macros_and_code() {
    assert_eq!(
        kinds("[l](((u))) [[a [[b]]]] ((x y)) `#no [[no]]` {{embed ((u))}} {{cloze a \\\\ b}} {{cloze"),
        [
            "ref:u:false",
            "page:a [[b]]",
            "ref:x y:false",
            "code:`#no [[no]]`",
            "macro:embed:((u)):true",
            "ref:u:true",
            "macro:cloze:a \\\\ b:true",
            "macro:cloze::false"
        ]
    );
    assert_eq!(
        kinds("{{c1::x}} {{cloze: x}}"),
        ["macro:c1::x::true", "macro:cloze::x:true"]
    );
}
