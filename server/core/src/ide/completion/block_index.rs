//! What the `((` scan reads of each page, prepared once per page text: the block-text lines
//! (not empty, not property lines) with a mask of the characters each holds, so that a query
//! skips every line lacking one of its characters without reading it. A [`BlockIndex`] keeps
//! them from one search to the next and re-prepares only pages whose text changed.

use super::*;

/// One line of block text: where it is in the page, and which character classes it holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    /// The line's start in the page text (as `text::lines` gives it).
    pub start: u32,
    /// [`mask`] of the line's block text.
    pub mask: u32,
    /// Where the block text starts after `start` (indent and bullet), and its length: the
    /// scan skips a line too long to score above what it keeps without reading it.
    pub lead: u16,
    pub len: u16,
}

impl Line {
    pub fn text<'t>(&self, page: &'t str) -> &'t str {
        let a = self.start as usize + self.lead as usize;
        &page[a..a + self.len as usize]
    }
}

/// A page's text and names, copied out of the graph (cheaply: the text is shared) so that a
/// long search need not hold the graph, with its lines prepared for the scan.
#[derive(Debug, Clone)]
pub struct PageText {
    pub path: String,
    pub title: String,
    pub text: Arc<str>,
    /// `None` for a text too long for `u32` offsets or with a line too long for `u16`: scanned
    /// line by line.
    pub(super) lines: Option<Box<[Line]>>,
    /// Union of the lines' masks.
    pub(super) mask: u32,
}

impl PageText {
    pub fn new(path: String, title: String, text: Arc<str>) -> PageText {
        let lines = prepare(&text);
        let mask = lines
            .as_deref()
            .map_or(u32::MAX, |ls| ls.iter().fold(0, |m, l| m | l.mask));
        PageText {
            path,
            title,
            text,
            lines,
            mask,
        }
    }
}

fn prepare(text: &str) -> Option<Box<[Line]>> {
    u32::try_from(text.len()).ok()?;
    let mut out = Vec::new();
    for l in text::lines(text) {
        let line = block_line(l.text(text));
        if line.is_empty() || is_property_line(line) {
            continue;
        }
        let lead = line.as_ptr() as usize - text.as_ptr() as usize - l.start;
        out.push(Line {
            start: l.start as u32,
            mask: char_mask(line.as_bytes()),
            lead: u16::try_from(lead).ok()?,
            len: u16::try_from(line.len()).ok()?,
        });
    }
    Some(out.into_boxed_slice())
}

/// The block text of a line: without its indent, bullet and the spaces after it.
pub(super) fn block_line(raw: &str) -> &str {
    let line = raw.trim_matches([' ', '\t']);
    line.strip_prefix("- ")
        .or_else(|| line.strip_prefix('-'))
        .unwrap_or(line)
        .trim_start()
}

/// A property line is not block text.
pub(super) fn is_property_line(line: &str) -> bool {
    (line.contains(":: ") || line.ends_with("::")) && properties::parse_line(line, 0).is_some()
}

/// The classes of `#` and `[`: a line without either holds no tag.
pub(super) const TAG_START: u32 = char_mask(b"#[");

/// The graph's Markdown pages prepared for [`search_blocks`], kept between searches: each
/// [`BlockIndex::texts`] re-prepares only the pages whose text or title changed since.
#[derive(Default)]
pub struct BlockIndex {
    pages: Vec<Arc<PageText>>,
}

/// A page to prepare: its path, title and text.
type Changed = (String, String, Arc<str>);

/// Which pages a [`BlockIndex`] keeps and which it must prepare: taken under the graph's
/// lock (Arc copies only), prepared without it.
pub struct Plan {
    pages: Vec<Result<Arc<PageText>, Changed>>,
    refs: RefConfig,
}

impl Plan {
    /// Prepares the pages that changed (in parallel).
    pub fn prepare(self) -> PageTexts {
        PageTexts {
            pages: self
                .pages
                .into_par_iter()
                .map(|k| k.unwrap_or_else(|(p, t, x)| Arc::new(PageText::new(p, t, x))))
                .collect(),
            refs: self.refs,
        }
    }
}

impl BlockIndex {
    /// The pages of `graph`, as [`page_texts`] gives them; keeps them for the next search.
    pub fn texts(&mut self, graph: &Graph) -> PageTexts {
        let t = self.plan(graph).prepare();
        self.keep(&t);
        t
    }

    /// What `Plan::prepare` must redo for `graph`: the pages whose text or title changed.
    pub fn plan(&self, graph: &Graph) -> Plan {
        // Both lists are in path order (the graph's map is): walk them side by side.
        let mut old = self.pages.iter().peekable();
        let pages = graph
            .pages()
            .filter(|p| !crate::model::org::is_org(&p.path))
            .map(|p| {
                while old.next_if(|o| o.path < p.path).is_some() {}
                old.next_if(|o| o.path == p.path)
                    .filter(|o| Arc::ptr_eq(&o.text, &p.text) && o.title == p.title)
                    .cloned()
                    .ok_or_else(|| (p.path.clone(), p.title.clone(), p.text.clone()))
            })
            .collect();
        Plan {
            pages,
            refs: graph.config.refs.clone(),
        }
    }

    /// Keeps `t` for the next [`BlockIndex::plan`].
    pub fn keep(&mut self, t: &PageTexts) {
        self.pages = t.pages.clone();
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same pages, scanned line by line from their raw text (the scan before the index).
    fn raw(t: &PageTexts) -> PageTexts {
        PageTexts {
            pages: t
                .pages
                .iter()
                .map(|p| {
                    Arc::new(PageText {
                        lines: None,
                        mask: u32::MAX,
                        ..(**p).clone()
                    })
                })
                .collect(),
            refs: t.refs.clone(),
        }
    }

    fn hits(t: &PageTexts, q: &str) -> Vec<(Option<String>, usize, i64, String, String)> {
        let mut n = 0;
        let tags = vec!["card".to_string()];
        let mut new_id = || {
            n += 1;
            format!("id{n}")
        };
        search_blocks(t, None, q, &tags, 10, &mut new_id, &never)
            .unwrap()
            .into_iter()
            .map(|h| (h.path, h.block, h.score, h.title, h.id))
            .collect()
    }

    const PARTS: &[&str] = &[
        "- ",
        "\t- ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        "Pod",
        "pod",
        "POD",
        "kube",
        "Kubernetes",
        "what",
        "is",
        "a",
        "?",
        " #card",
        " #[[Card]]",
        "id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "key:: value",
        "::",
        "é",
        "😀",
        "K",
        "İ",
        "x",
        "-",
        "```",
        "0-9",
        "!",
    ];

    pub fn page() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PARTS), 0..60).prop_map(|v| v.concat())
    }

    pub fn query() -> impl Strategy<Value = String> {
        let q = &[
            "p", "po", "pod", "POD", "kub", "what is", "a?", "é", "k", "i", "x!", "0", "zz",
        ];
        (prop::sample::select(&q[..]), prop::bool::ANY)
            .prop_map(|(q, question)| format!("{q}{}", if question { "?" } else { "" }))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// The index skips lines, never a hit: the same blocks, scores and order as reading
        /// every line of every page.
        #[test]
        fn indexed_search_finds_what_the_line_scan_finds(
            texts in prop::collection::vec(page(), 1..6),
            queries in prop::collection::vec(query(), 1..6),
        ) {
            let mut g = Graph::new(Default::default());
            for (i, t) in texts.iter().enumerate() {
                g.upsert_text(format!("pages/p{i}.md"), Arc::from(t.as_str()));
            }
            let mut index = BlockIndex::default();
            let prepared = index.texts(&g);
            let plain = raw(&prepared);
            for q in &queries {
                prop_assert_eq!(hits(&prepared, q), hits(&plain, q), "query {:?}", q);
            }
            // After one page changes, what the index kept and re-prepared is what a fresh
            // preparation gives.
            g.upsert_text("pages/p0.md".into(), Arc::from(format!("- Pod {}", texts[0])));
            let again = index.texts(&g);
            let fresh = page_texts(&g);
            for q in &queries {
                prop_assert_eq!(hits(&again, q), hits(&fresh, q), "query {:?}", q);
                prop_assert_eq!(hits(&again, q), hits(&raw(&fresh), q), "query {:?}", q);
            }
        }
    }

    #[test]
    fn a_search_told_to_stop_gives_up() {
        let mut g = Graph::new(Default::default());
        g.upsert_text("pages/a.md".into(), Arc::from("- pod\n"));
        let t = page_texts(&g);
        let stop = || true;
        let found = search_blocks(&t, None, "pod", &[], 10, &mut || "x".into(), &stop);
        assert!(found.is_none());
        assert_eq!(hits(&t, "pod").len(), 1);
    }
}
