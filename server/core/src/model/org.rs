//! Org pages: Logseq indexes them too, and Markdown pages reference their blocks. We do not lint
//! Org; we only read the block ids in their property drawers (`:ID: uuid`) so that references to
//! them resolve.

use crate::model::graph::{IdSite, PageFacts};
use crate::syntax::text;
use crate::syntax::uuid::parse_uuid;

/// An Org page, by its path: Logseq tells the two formats apart by the extension alone.
pub fn is_org(path: &str) -> bool {
    path.ends_with(".org")
}

/// A page file Logseq reads: Markdown or Org.
pub fn is_page_file(path: &str) -> bool {
    path.ends_with(".md") || is_org(path)
}

pub fn facts(src: &str) -> PageFacts {
    let mut f = PageFacts::default();
    let mut in_block = false;
    for (n, l) in text::lines(src).enumerate() {
        let t = l.text(src);
        let s = t.trim_start();
        // mldoc reads `#+KEY: value` outside `#+BEGIN_…` blocks as a Directive; graph-parser
        // names the page by the last `title` among them (extract.cljc@0.10.9 `get-page-name`).
        let starts = |p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        if starts("#+BEGIN_") {
            in_block = true;
        } else if starts("#+END_") {
            in_block = false;
        } else if !in_block {
            if let Some(p) = crate::syntax::properties::parse_directive(t, l.start) {
                if p.name == "title" && !p.value.is_empty() {
                    f.title_property = Some(src[p.value].to_string());
                }
            }
        }
        if s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(":id:")) {
            let v = &s[4..];
            if let Some(id) = parse_uuid(v) {
                let vs = l.start + (t.len() - s.len()) + 4 + (v.len() - v.trim_start().len());
                f.ids.push(IdSite {
                    id,
                    value: vs..vs + v.trim().len(),
                    block: n,
                    block_range: l.range(),
                });
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_org_ids() {
        let s = "* Heading\n:PROPERTIES:\n:id: 60ACDEBA-b3fd-4f90-ab54-3093caa4d5fa\n:END:\n";
        let f = super::facts(s);
        assert_eq!(f.ids[0].id, "60acdeba-b3fd-4f90-ab54-3093caa4d5fa");
        assert_eq!(
            &s[f.ids[0].value.clone()],
            "60ACDEBA-b3fd-4f90-ab54-3093caa4d5fa"
        );
    }
}
