//! `key:: value` lines, as mldoc's Markdown property parser reads them.

use std::ops::Range;

/// One property line. Ranges are byte offsets into the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The whole line, without its terminator.
    pub line: Range<usize>,
    /// The key as written.
    pub key: Range<usize>,
    /// The trimmed value (empty range at the end of the line for `key::`).
    pub value: Range<usize>,
    /// Lower case, `_` and space turned into `-`, as graph-parser stores it.
    pub name: String,
}

impl Property {
    pub fn value_str<'a>(&self, src: &'a str) -> &'a str {
        &src[self.value.clone()]
    }
}

/// Parses `text` (one line, starting at byte `base` of the page) as a property line: optional
/// leading whitespace, a key of one or more characters other than `:` and whitespace, `::`, then a
/// space and the value, or nothing but spaces. `key::value` and `key::<TAB>v` are not properties.
pub fn parse_line(text: &str, base: usize) -> Option<Property> {
    let (ks, ke) = line_key(text)?;
    let rest = &text[ke + 2..];
    let lead = rest.len() - rest.trim_start().len();
    let vs = ke + 2 + lead;
    let ve = ke + 2 + rest.trim_end().len().max(lead);
    Some(Property {
        line: base..base + text.len(),
        key: base + ks..base + ke,
        value: base + vs..base + ve.max(vs),
        name: normalize_key(&text[ks..ke]),
    })
}

/// Whether [`parse_line`] reads `text` as a property, without building it (the line classifier
/// asks this of every line; building allocates the normalised key).
pub fn is_line(text: &str) -> bool {
    line_key(text).is_some()
}

/// The key's byte range of a `key:: value` line.
fn line_key(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let ks = crate::syntax::text::indent_len(text);
    let mut i = ks;
    while i < b.len() && b[i] != b':' && b[i] != b' ' && b[i] != b'\t' {
        i += 1;
    }
    if i == ks || !text[i..].starts_with("::") {
        return None;
    }
    let rest = &b[i + 2..];
    (rest.is_empty() || rest[0] == b' ').then_some((ks, i))
}

/// Org-style `#+key: value`: a Directive in mldoc 1.5.7, which Logseq 0.10.x pins (1.6.0 reads a
/// property line; tests/mldoc/cases/README.md case 32). directive.ml: the key runs to the first
/// `:` and may hold spaces, but may not start with `BEGIN_` / `begin_` (a block).
pub fn parse_directive(text: &str, base: usize) -> Option<Property> {
    parse_hash_plus(text, base, false)
}

/// `#+BEGIN_X: value`: not a Directive, but mldoc 1.5.7 reads it as a property drawer line
/// (case 51).
pub fn parse_begin_property(text: &str, base: usize) -> Option<Property> {
    let ind = crate::syntax::text::indent_len(text);
    directive_rest(&text[ind..])
        .is_none()
        .then(|| parse_hash_plus(text, base, true))?
}

fn parse_hash_plus(text: &str, base: usize, begin: bool) -> Option<Property> {
    let ind = crate::syntax::text::indent_len(text);
    let rest = if begin {
        text[ind..].strip_prefix("#+")?
    } else {
        directive_rest(&text[ind..])?
    };
    let k = directive_key(rest)?;
    let at = base + ind + 2;
    let after = &rest[k + 1..];
    let vs = at + k + 1 + (after.len() - after.trim_start().len());
    let ve = at + k + 1 + after.trim_end().len();
    Some(Property {
        line: base..base + text.len(),
        key: at..at + k,
        value: vs..ve.max(vs),
        name: normalize_key(&rest[..k]),
    })
}

/// Whether [`parse_directive`] or [`parse_begin_property`] reads `text` as a property, without
/// building it.
pub fn is_directive(text: &str) -> bool {
    let ind = crate::syntax::text::indent_len(text);
    text[ind..]
        .strip_prefix("#+")
        .is_some_and(|rest| directive_key(rest).is_some())
}

fn directive_rest(t: &str) -> Option<&str> {
    t.strip_prefix("#+")
        .filter(|r| !r.starts_with("BEGIN_") && !r.starts_with("begin_"))
}

/// `take_while1 (c <> ':')` then `:`: where the key ends. (`#+k:v` is a Directive too.)
fn directive_key(rest: &str) -> Option<usize> {
    let k = memchr::memchr(b':', rest.as_bytes())?;
    (!rest[..k].trim().is_empty()).then_some(k)
}

/// Whether [`parse_drawer_entry`] reads `text` as a property, without building it.
pub fn is_drawer_entry(text: &str) -> bool {
    let ind = crate::syntax::text::indent_len(text);
    text[ind..]
        .strip_prefix(':')
        .is_some_and(|rest| colon_key(rest, false).is_some())
}

/// `:key: value` inside a `:PROPERTIES:` drawer.
pub fn parse_drawer_entry(text: &str, base: usize) -> Option<Property> {
    let ind = crate::syntax::text::indent_len(text);
    let rest = text[ind..].strip_prefix(':')?;
    colon_pair(rest, base + ind + 1, text.len() - ind - 1, false).map(|p| Property {
        line: base..base + text.len(),
        ..p
    })
}

/// A YAML front matter line `key: value`.
pub fn parse_yaml_line(text: &str, base: usize) -> Option<Property> {
    if text.starts_with([' ', '\t']) {
        return None;
    }
    let p = colon_pair(text, base, text.len(), true)?;
    (!p.value.is_empty()).then_some(p)
}

/// `key: value` (key without `:` or whitespace; value after one space, trimmed) starting at `base`.
fn colon_pair(rest: &str, base: usize, len: usize, spaces_in_key: bool) -> Option<Property> {
    let rest = &rest[..len];
    let k = colon_key(rest, spaces_in_key)?;
    let key = &rest[..k];
    let after = &rest[k + 1..];
    let lead = after.len() - after.trim_start().len();
    let vs = base + k + 1 + lead;
    let ve = base + k + 1 + after.trim_end().len().max(lead);
    Some(Property {
        line: base..base + rest.len(),
        key: base..base + k,
        value: vs..ve.max(vs),
        name: normalize_key(key),
    })
}

/// Where the key of a `key: value` ends (the `:`), if `rest` is one.
fn colon_key(rest: &str, spaces_in_key: bool) -> Option<usize> {
    let k = memchr::memchr(b':', rest.as_bytes())?;
    let key = &rest[..k];
    if key.trim().is_empty() || (!spaces_in_key && key.contains([' ', '\t'])) {
        return None;
    }
    let after = &rest.as_bytes()[k + 1..];
    (after.is_empty() || matches!(after[0], b' ' | b'\t')).then_some(k)
}

pub fn normalize_key(key: &str) -> String {
    // Called for every property line, twice per parse: the general path below cost ~1,100
    // instructions a key (two allocations and a Unicode lower-casing); keys are nearly always ASCII.
    if key.is_ascii() {
        let k = key.to_ascii_lowercase();
        return if k.contains(['_', ' ']) {
            k.replace(['_', ' '], "-")
        } else {
            k
        };
    }
    key.chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .to_lowercase()
}

/// Whether graph-parser keeps a property of this (normalised) name: property.cljs@0.10.9
/// `valid-property-name?` on `":" + name`, i.e. `{:name nil}` reads as EDN
/// (util.cljs `valid-edn-keyword?`), no `"|^(){}` in it, and it does not start with `#`. Logseq
/// drops the others into `:block/invalid-properties` (block.cljs `extract-properties`, lines
/// 214-225): no value, no references.
pub fn valid_name(name: &str) -> bool {
    // Nearly every key is a plain word, which always reads as a keyword: no EDN parse (an
    // allocation and a parse per property line was a tenth of `check`).
    if !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'?' | b'!' | b'*')
        })
    {
        return true;
    }
    !name.contains(['"', '|', '^', '(', ')', '{', '}'])
        && !name.starts_with('#')
        && crate::syntax::edn::parse(&format!("{{:{name} nil}}")).is_ok()
}

/// A line that looks like a property but mldoc does not read as one: `key::value`,
/// `key::<TAB>value`, `key with space:: value`. Returns the byte offset (in `text`) of the `::`.
pub fn looks_malformed(text: &str) -> Option<usize> {
    if is_line(text) {
        return None;
    }
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let pos = find_double_colon(t.as_bytes())?;
    let key = &t[..pos];
    // A plausible key: a short identifier-like word (URLs and prose with `::` are not flagged).
    if key.is_empty()
        || key.len() > 40
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c))
    {
        return None;
    }
    let after = &t[pos + 2..];
    if after.is_empty() || after.starts_with(' ') {
        return None;
    }
    if after.starts_with("//") {
        return None; // a scheme such as `foo::/` is prose, not a property
    }
    Some(lead + pos)
}

/// `str::find("::")` by `memchr`: it runs on most text lines, and `find` sets up a two-way
/// searcher for each.
fn find_double_colon(b: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = memchr::memchr(b':', &b[from..]) {
        let p = from + k;
        if b.get(p + 1) == Some(&b':') {
            return Some(p);
        }
        from = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_names_graph_parser_drops() {
        // Each as nbb-logseq 1.2.173 answers `(gp-property/valid-property-name? (str ":" k))`.
        let valid = [
            "foo", "1abc", "a'b", "a#b", "é", "a.b", "-1", "+a", ".5", "a/b", "%", "a$b", "a&b",
            "a=b", "a<b", "a>b", "a?", "a!", "a*", "📚",
        ];
        let invalid = [
            "[[foo]]",
            "some,prop",
            "#blarg",
            "a/1b",
            "a/b/c",
            "/a",
            "a@b",
            "a`b",
            "a~b",
            "a;b",
            "a\\b",
            "a|b",
            "x(y)",
            "a\"b",
        ];
        for k in valid {
            assert!(valid_name(k), "{k} is valid");
        }
        for k in invalid {
            assert!(!valid_name(k), "{k} is invalid");
        }
    }

    #[test]
    fn reads_properties_like_mldoc() {
        let p = parse_line("  id:: 6543  ", 10).unwrap();
        assert_eq!((p.key, p.value, p.name.as_str()), (12..14, 17..21, "id"));
        let p = parse_line("KEY_Name::", 0).unwrap();
        assert_eq!((p.name.as_str(), p.value), ("key-name", 10..10));
        assert_eq!(parse_line("url:: http://x.y/a::b", 0).unwrap().value, 6..21);
        for no in [
            "key::value",
            "k2::\tv2",
            "key with space:: v",
            "a:b:: v",
            ":: v",
            "plain",
        ] {
            assert!(parse_line(no, 0).is_none(), "{no}");
        }
    }

    #[test]
    fn keys_normalize_alike_on_both_paths() {
        assert_eq!(normalize_key("Card_Next Schedule"), "card-next-schedule");
        assert_eq!(normalize_key("ÉTAT_Été"), "état-été");
        assert_eq!(normalize_key("İd"), "i\u{307}d");
    }

    #[test]
    fn malformed_lookalikes() {
        assert_eq!(looks_malformed("  key::value"), Some(5));
        assert_eq!(looks_malformed("k2::\tv2"), Some(2));
        assert_eq!(looks_malformed("key:: value"), None);
        assert_eq!(looks_malformed("std::vector is a type"), Some(3));
        assert_eq!(looks_malformed("see http://a::b"), None);
    }
}
