//! Where a page's text points outside the graph's pages: Markdown links and images
//! (`[label](target)`, `![alt](target)`), autolinks (`<https://…>`), bare URLs at the start of a
//! word, and the `{{pdf target}}` macro. Code spans, inline math and code blocks hold none.
//! For `textDocument/documentLink` and the asset rules; page references and tags are inlines of
//! their own (inline.rs).

use std::ops::Range;

use crate::syntax::inline::InlineKind;
use crate::syntax::outline::{Block, LineKind, Outline};
use crate::syntax::text::trimmed;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Has a scheme (`https://…`, `mailto:…`, `file:///…`): opened as it is.
    Url(String),
    /// A file path as written (`../assets/x.png`), percent-escapes decoded: relative to the
    /// page's own file.
    Path(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target's text in the page (what an editor underlines).
    pub range: Range<usize>,
    pub target: Target,
}

/// Every link of the page, in text order.
pub fn links(src: &str, o: &Outline) -> Vec<Link> {
    let mut out = Vec::new();
    for b in &o.blocks {
        block_links(src, b, &mut out);
    }
    out.sort_by_key(|l| l.range.start);
    out.dedup_by_key(|l| l.range.start);
    out
}

/// The links of one block, appended to `out` (not sorted).
pub fn block_links(src: &str, b: &Block, out: &mut Vec<Link>) {
    {
        let inert: Vec<Range<usize>> = b
            .inlines
            .iter()
            .filter(|x| matches!(x.kind, InlineKind::Code))
            .map(|x| x.range.clone())
            .collect();
        for x in &b.inlines {
            if let InlineKind::Macro { name, args, .. } = &x.kind {
                if src[name.clone()].eq_ignore_ascii_case("pdf") {
                    push(out, src, trimmed(src, args.clone()));
                }
            }
        }
        for l in &b.lines {
            if matches!(
                l.kind,
                LineKind::Code | LineKind::FrontMatter | LineKind::DrawerMark
            ) {
                continue;
            }
            scan_line(src, l.line.range(), &inert, out);
        }
    }
}

/// The graph-relative path of the asset a link's file path names, when it names one: Logseq
/// 0.10.9 strips the leading `.` and `/` characters and reads the rest from the graph's root
/// (config.cljs `get-local-asset-absolute-path`, lines 370-372, used by components/block.cljs
/// `asset-link`), so `../assets/x.png`, `./assets/x.png`, `/assets/x.png` and `assets/x.png` are
/// all `assets/x.png`.
pub fn asset_path(target: &str) -> Option<String> {
    let rest = target.trim_start_matches(['.', '/']);
    (rest.len() > "assets/".len() && rest.starts_with("assets/")).then(|| rest.to_string())
}

fn push(out: &mut Vec<Link>, src: &str, r: Range<usize>) {
    let raw = &src[r.clone()];
    if raw.is_empty() || raw.starts_with('#') {
        return; // an anchor in the same page
    }
    let target = if scheme_len(raw.as_bytes()).is_some() {
        Target::Url(raw.to_string())
    } else {
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8();
        Target::Path(decoded.map_or_else(|_| raw.to_string(), |d| d.into_owned()))
    };
    out.push(Link { range: r, target });
}

/// Length of `scheme:` at the start of `s` when it is a URL (`https://`, `mailto:`), else None.
fn scheme_len(s: &[u8]) -> Option<usize> {
    let n = s
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        .count();
    let ok = n >= 2 && s[0].is_ascii_alphabetic() && s.get(n) == Some(&b':');
    let rest = &s[(n + 1).min(s.len())..];
    (ok && (rest.starts_with(b"//") || s[..n].eq_ignore_ascii_case(b"mailto"))).then_some(n)
}

/// How far a label or a target is looked for from its `](`: bounds the work on a long line full
/// of brackets (linear, not quadratic, in the line's length).
const REACH: usize = 2048;

fn scan_line(src: &str, line: Range<usize>, inert: &[Range<usize>], out: &mut Vec<Link>) {
    let b = src.as_bytes();
    let in_code = |i: usize| inert.iter().any(|r| r.start <= i && i < r.end);
    let mut i = line.start;
    while i < line.end {
        let c = b[i];
        let link_end = (c == b']' && b.get(i + 1) == Some(&b'('))
            .then(|| label_start(b, line.start.max(i.saturating_sub(REACH)), i))
            .flatten()
            .and_then(|_| target_end(b, i + 2, line.end.min(i + 2 + REACH)))
            .filter(|_| !in_code(i));
        if let Some(end) = link_end {
            let r = trimmed(src, i + 2..end);
            let t = &src[r.clone()];
            let r = if t.len() >= 2 && t.starts_with('<') && t.ends_with('>') {
                r.start + 1..r.end - 1 // `(<target>)`
            } else {
                // `(target "title")`: the target ends at the space before a quoted title;
                // without one it may hold spaces (`../assets/my pic.png`, which Logseq shows).
                let end = [" \"", " '"]
                    .iter()
                    .filter_map(|q| t.find(q))
                    .min()
                    .unwrap_or(t.len());
                r.start..r.start + end
            };
            push(out, src, r);
            i = end + 1;
            continue;
        }
        if c == b'<' {
            let stop = line.end.min(i + 1 + REACH);
            if let Some(close) = b[i + 1..stop].iter().position(|&x| x == b'>') {
                let r = i + 1..i + 1 + close;
                if scheme_len(&b[r.clone()]).is_some()
                    && !b[r.clone()].contains(&b' ')
                    && !in_code(i)
                {
                    push(out, src, r.clone());
                    i = r.end + 1;
                    continue;
                }
            }
        }
        let word_start = i == line.start || b[i - 1].is_ascii_whitespace();
        if word_start
            && c.is_ascii_alphabetic()
            && scheme_len(&b[i..line.end]).is_some()
            && !in_code(i)
        {
            let mut end = i + b[i..line.end]
                .iter()
                .position(|x| x.is_ascii_whitespace() || matches!(x, b'<' | b'>' | b'"'))
                .unwrap_or(line.end - i);
            // Trailing punctuation belongs to the sentence, not the URL.
            while end > i && matches!(b[end - 1], b'.' | b',' | b';' | b':' | b'!' | b'?' | b')') {
                end -= 1;
            }
            push(out, src, i..end);
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
}

/// The `[` that opens the label ending at the `]` at `close`, on the same line, if it is not a
/// page reference's `]]`.
fn label_start(b: &[u8], from: usize, close: usize) -> Option<usize> {
    if close > 0 && b[close - 1] == b']' {
        return None;
    }
    let mut depth = 0usize;
    let mut j = close;
    while j > from {
        j -= 1;
        match b[j] {
            b']' => depth += 1,
            b'[' if depth == 0 => return Some(j),
            b'[' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The `)` closing a target that starts at `from` (balanced parentheses), before `end`.
fn target_end(b: &[u8], from: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, &c) in b.iter().enumerate().take(end).skip(from) {
        match c {
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(j),
            b')' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline;

    fn found(src: &str) -> Vec<(&str, Target)> {
        let o = outline::parse(src);
        links(src, &o)
            .into_iter()
            .map(|l| (&src[l.range], l.target))
            .collect()
    }

    fn url(s: &str) -> Target {
        Target::Url(s.into())
    }
    fn path(s: &str) -> Target {
        Target::Path(s.into())
    }

    #[test]
    fn markdown_links_images_autolinks_and_urls() {
        let src = "- 😀 see [the docs](https://docs.logseq.com/#/page/a \"t\") and ![🐳 pic](../assets/my%20pic.png)\n\
                   - <https://example.com/x> or https://logseq.com/blog, then.\n\
                   - {{pdf ../assets/book.pdf}} and [[not a link]] #tag\n";
        assert_eq!(
            found(src),
            [
                (
                    "https://docs.logseq.com/#/page/a",
                    url("https://docs.logseq.com/#/page/a")
                ),
                ("../assets/my%20pic.png", path("../assets/my pic.png")),
                ("https://example.com/x", url("https://example.com/x")),
                ("https://logseq.com/blog", url("https://logseq.com/blog")),
                ("../assets/book.pdf", path("../assets/book.pdf")),
            ]
        );
    }

    #[test]
    fn nothing_in_code_math_or_code_blocks() {
        let src = "- `[x](a.png)` and $[y](b.png)$ and (https://a.b/c)\n\
                   - ```\n  [z](c.png) https://x.y\n  ```\n\
                   - [[page]](d.png) [t](#anchor) [u](<e.png>)\n";
        let got = found(src);
        // `(https://…` is not at a word's start (mldoc reads it as text).
        assert_eq!(got, [("e.png", path("e.png"))], "{got:?}");
    }

    #[test]
    fn asset_paths_are_read_from_the_graph_root() {
        for t in [
            "../assets/x.png",
            "./assets/x.png",
            "/assets/x.png",
            "assets/x.png",
            "../../assets/x.png",
        ] {
            assert_eq!(asset_path(t).as_deref(), Some("assets/x.png"), "{t}");
        }
        assert_eq!(
            asset_path("../assets/d/🐳.pdf").as_deref(),
            Some("assets/d/🐳.pdf")
        );
        assert_eq!(asset_path("/home/u/g/assets/x.png"), None);
        assert_eq!(asset_path("../assets/"), None);
        assert_eq!(asset_path("../img/x.png"), None);
    }

    #[test]
    fn parentheses_inside_a_target_are_balanced() {
        let src = "- [w](https://en.wikipedia.org/wiki/Rust_(language)) end\n";
        assert_eq!(
            found(src),
            [(
                "https://en.wikipedia.org/wiki/Rust_(language)",
                url("https://en.wikipedia.org/wiki/Rust_(language)")
            )]
        );
    }
}
