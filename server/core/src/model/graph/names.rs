//! Page names from file names and back.

use percent_encoding::percent_decode_str;
use unicode_normalization::UnicodeNormalization;

/// How `logseq/config.edn`'s `:file/name-format` writes a page name into a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameFormat {
    /// `:file/name-format :triple-lowbar`: `___` is `/`, then %-decoding.
    TripleLowbar,
    /// No `:file/name-format`: `.` is `/`, then %-decoding.
    #[default]
    Legacy,
}

/// The page title for a file stem (file name without `.md`).
pub fn title_from_stem(stem: &str, format: NameFormat) -> String {
    let s = match format {
        NameFormat::TripleLowbar => stem.replace("___", "/"),
        NameFormat::Legacy => stem.replace('.', "/"),
    };
    let decoded = percent_decode_str(&s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .unwrap_or(s);
    let t: Vec<&str> = decoded.split('/').filter(|p| !p.is_empty()).collect();
    t.join("/")
}

/// Logseq's page key: lower-case, NFC.
pub fn page_key(title: &str) -> String {
    // Every page reference goes through here; most are ASCII (NFC already) or already NFC, and
    // normalizing them anyway was a tenth of `check`'s instructions.
    if title.is_ascii() {
        return title.to_ascii_lowercase();
    }
    // util.cljs@0.10.9 line 162 `page-name-sanity-lc`: lower case first, then NFC.
    let lower = title.to_lowercase();
    if unicode_normalization::is_nfc_quick(lower.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        return lower;
    }
    lower.nfc().collect()
}

/// The file stem Logseq writes for a title under `:triple-lowbar`.
pub fn stem_from_title(title: &str) -> String {
    let t: String = title.nfc().collect();
    let t = t.trim_matches('/');
    let mut out = String::new();
    let chars: Vec<char> = t.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '%' if chars.get(i + 1).is_some_and(|c| c.is_ascii_hexdigit())
                && chars.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) =>
            {
                out.push_str("%25")
            }
            ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '\\' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            '.' if i == 0 => out.push_str("%2E"),
            _ => out.push(c),
        }
    }
    let reserved = ["CON", "PRN", "AUX", "NUL"];
    let upper = out.to_uppercase();
    if reserved.contains(&upper.as_str())
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit())
        || out.ends_with('.')
    {
        out.push('/');
    }
    let out = out
        .replace("___", "%5F%5F%5F")
        .replace("_/", "%5F/")
        .replace("/_", "/%5F");
    out.replace('/', "___")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip() {
        assert_eq!(
            title_from_stem(
                "term___block reference with label",
                NameFormat::TripleLowbar
            ),
            "term/block reference with label"
        );
        assert_eq!(title_from_stem("a%2Fb", NameFormat::TripleLowbar), "a/b");
        assert_eq!(
            title_from_stem("abc.def", NameFormat::TripleLowbar),
            "abc.def"
        );
        assert_eq!(title_from_stem("abc.def", NameFormat::Legacy), "abc/def");
        assert_eq!(stem_from_title("a/b: c?"), "a___b%3A c%3F");
        assert_eq!(stem_from_title(".hidden"), "%2Ehidden");
        assert_eq!(page_key("Kubernetes In Action"), "kubernetes in action");
    }

    #[test]
    fn page_keys_are_nfc_lower_case_on_every_path() {
        for t in [
            "Kubernetes In Action",
            "Café",
            "Cafe\u{301}",
            "ÅNGSTRÖM",
            "A\u{30a}ngstro\u{308}m",
            "日本語 Notes",
            "Ωmega 😀",
            "",
        ] {
            assert_eq!(
                page_key(t),
                t.nfc().collect::<String>().to_lowercase(),
                "{t:?}"
            );
        }
        assert_eq!(page_key("Cafe\u{301}"), page_key("CAFÉ"));
    }
}
