//! Open documents: the rope the client's edits are applied to, the current text as one string
//! with its line index, the engine's analysis of it, and the tree-sitter-md block tree.
//!
//! Who uses what: every Logseq answer (diagnostics, hover, fixes, the graph index) comes from the
//! engine's analysis. After a single ranged change (a keystroke) the text is spliced, the line
//! index moved and only the touched top-level blocks re-analysed (logseq_core::lint::reanalysis); other
//! batches re-analyse the whole page. The tree-sitter tree is the CommonMark view of the same
//! text, used only for `textDocument/selectionRange` (expand selection: inline → paragraph →
//! list item → list → section); it is built on the first request (a 1 MB page takes ~350 ms and
//! ~80 MB) and from then on kept current with `Tree::edit` + an incremental reparse read
//! straight from the rope (~0.4 ms per keystroke on a 1 MB page).

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;
use tree_sitter::{InputEdit, Parser, Point, Tree};

use logseq_core::lint::analysis::{self, PageAnalysis};
use logseq_core::lint::reanalysis;
use logseq_core::model::graph::{GraphVisible, VisibleChange};
use logseq_core::model::org;
use logseq_core::model::settings::Settings;
use logseq_core::syntax::outline::incremental::Edit;
use logseq_core::syntax::text::{Encoding, LineIndex};

use super::card_memo::{self, MemoCell};
use super::position::position_to_char;

thread_local! {
    // Parsers are cheap to keep and not Sync: one per worker thread.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn with_parser<T>(f: impl FnOnce(&mut Parser) -> T) -> T {
    PARSER.with(|p| {
        let mut p = p.borrow_mut();
        let parser = p.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_md::LANGUAGE.into())
                .expect("tree-sitter-md block grammar matches the tree-sitter ABI");
            parser
        });
        f(parser)
    })
}

/// Parses the rope, reusing `old` (already edited) when given. Reads chunks in place: no copy.
pub fn parse_rope(rope: &Rope, old: Option<&Tree>) -> Option<Tree> {
    let len = rope.len_bytes();
    with_parser(|p| {
        p.parse_with_options(
            &mut |byte: usize, _: Point| -> &[u8] {
                if byte >= len {
                    return &[];
                }
                let (chunk, start, _, _) = rope.chunk_at_byte(byte);
                &chunk.as_bytes()[byte - start..]
            },
            old,
            None,
        )
    })
}

/// Where the document sits in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocPath {
    /// Graph-relative path of a page the graph indexes.
    Page(String),
    /// Inside the root but not indexed (ignored by settings or config `:hidden`); not linted.
    Ignored(String),
    /// No graph (or outside it): page rules only. Holds a name for messages.
    Outside(String),
}

impl DocPath {
    pub fn graph_path(&self) -> Option<&str> {
        match self {
            DocPath::Page(p) => Some(p),
            _ => None,
        }
    }
    pub fn is_org(&self) -> bool {
        match self {
            DocPath::Page(p) | DocPath::Ignored(p) | DocPath::Outside(p) => {
                logseq_core::model::org::is_org(p)
            }
        }
    }
}

pub struct Document {
    pub version: i32,
    pub rope: Rope,
    /// Built on first use ([`Document::tree`]), then kept current. None until then, or if
    /// tree-sitter gave up (it does not on Markdown; kept optional to never panic). Lazy because
    /// only selectionRange reads it, and a 1 MB page's tree costs ~350 ms and ~80 MB (BENCHMARKS.md).
    tree: Option<Tree>,
    /// The current text as one string, for the engine (spliced after a single edit, else
    /// collected from the rope, once per didChange batch).
    pub text: Arc<str>,
    pub index: Arc<LineIndex>,
    pub analysis: Arc<PageAnalysis>,
    pub path: DocPath,
    /// Each card's last published diagnostic (card_memo.rs); dropped with the document.
    memo: Arc<MemoCell>,
    /// Whether the text holds a `\r`: then tree-sitter rows (which count `\n` only) differ from
    /// rope lines and points must be counted by hand.
    has_cr: bool,
}

/// What async work needs from a document, cheap to clone.
#[derive(Clone)]
pub struct Snapshot {
    pub version: i32,
    pub text: Arc<str>,
    pub index: Arc<LineIndex>,
    pub analysis: Arc<PageAnalysis>,
    pub path: DocPath,
    /// The document's card memo (card_memo.rs), shared by its snapshots; none for a page that
    /// is not open (its list is made once).
    pub memo: Option<Arc<MemoCell>>,
}

impl Document {
    pub fn open(text: String, version: i32, path: DocPath, settings: &Settings) -> Document {
        let rope = Rope::from_str(&text);
        let mut d = Document {
            version,
            rope,
            tree: None,
            has_cr: text.contains('\r'),
            index: Arc::new(LineIndex::new(&text)),
            analysis: Arc::new(org_analysis("")),
            text: Arc::from(text),
            path,
            memo: Arc::default(),
        };
        d.reanalyze(settings);
        d
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: self.version,
            text: self.text.clone(),
            index: self.index.clone(),
            analysis: self.analysis.clone(),
            path: self.path.clone(),
            memo: Some(self.memo.clone()),
        }
    }

    /// The tree-sitter block tree of the current text, parsed now if it never was.
    pub fn tree(&mut self) -> Option<&Tree> {
        if self.tree.is_none() {
            self.tree = parse_rope(&self.rope, None);
        }
        self.tree.as_ref()
    }

    /// The tree if [`Document::tree`] built it.
    pub fn built_tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    /// Re-runs the engine on the current text (after a change, or when settings change).
    pub fn reanalyze(&mut self, settings: &Settings) {
        self.analysis = Arc::new(if self.path.is_org() {
            org_analysis(&self.text)
        } else if self.text.len() > settings.max_file_bytes {
            // Over the size cap (as `disk::load` skips such files): no analysis, no facts.
            org_analysis("")
        } else {
            analysis::analyze(&self.text, settings)
        });
    }

    /// Applies one didChange batch in order: full replacements and ranged edits, each ranged edit
    /// mirrored into the tree with `Tree::edit`; then one incremental reparse and one analysis.
    /// Returns how the facts other pages see (ids, title, aliases) changed.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        enc: Encoding,
        settings: &Settings,
    ) -> VisibleChange {
        // One ranged change (a keystroke, almost always): its bytes, to splice the text and
        // re-analyse only the blocks it touched.
        let single = changes.len() == 1;
        let had_cr = self.has_cr;
        let mut edit = None;
        for c in changes {
            let inserted = (single && c.range.is_some()).then(|| c.text.clone());
            edit = self.apply_one(c, enc).zip(inserted);
        }
        if self.tree.is_some() {
            self.tree = parse_rope(&self.rope, self.tree.as_ref());
        }
        let old = std::mem::replace(&mut self.text, Arc::from(""));
        let text: Arc<str> = match &edit {
            Some((e, ins)) => spliced(&old, e.start..e.old_end, ins),
            None => Arc::from(self.rope.to_string()),
        };
        // After one edit, whether the page holds a `\r` follows from the edit unless it deleted
        // one (a full scan of a 1 MB page per keystroke showed in the profile).
        self.has_cr = match &edit {
            Some((_, ins)) if !had_cr => ins.contains('\r'),
            Some((e, _)) if !old[e.start..e.old_end].contains('\r') => true,
            _ => text.contains('\r'),
        };
        self.index = Arc::new(match &edit {
            Some((e, _)) => self.index.edited(&text, e.start, e.old_end, e.new_end),
            None => LineIndex::new(&text),
        });
        self.text = text;
        let span = edit.as_ref().map(|(e, _)| (e.start, e.old_end, e.new_end));
        card_memo::record(&self.memo, span, self.version, version);
        self.version = version;
        let incremental = edit.and_then(|(e, _)| {
            let small =
                self.text.len() <= settings.max_file_bytes && old.len() <= settings.max_file_bytes;
            if self.path.is_org() || !small {
                return None;
            }
            reanalysis::reanalyze_seen(
                Arc::make_mut(&mut self.analysis),
                &old,
                &self.text,
                &e,
                settings,
            )
        });
        if let Some(seen) = incremental {
            return seen;
        }
        let before = self.analysis.clone();
        self.reanalyze(settings);
        GraphVisible::of(&before.facts).change_to(&GraphVisible::of(&self.analysis.facts))
    }

    /// Applies one change to the rope and the tree; for a ranged change, its bytes.
    fn apply_one(&mut self, c: TextDocumentContentChangeEvent, enc: Encoding) -> Option<Edit> {
        let Some(range) = c.range else {
            self.rope = Rope::from_str(&c.text);
            self.has_cr = c.text.contains('\r');
            self.tree = None; // parsed afresh when next asked for
            return None;
        };
        let rope = &mut self.rope;
        let a = position_to_char(rope, range.start, enc);
        let b = position_to_char(rope, range.end, enc);
        let (start, end) = (a.min(b), a.max(b));
        let start_byte = rope.char_to_byte(start);
        let old_end_byte = rope.char_to_byte(end);
        let start_position = ts_point(rope, start_byte, self.has_cr);
        let old_end_position = ts_point(rope, old_end_byte, self.has_cr);
        rope.remove(start..end);
        rope.insert(start, &c.text);
        // Conservative until the batch ends: a deleted \n may leave a lone \r, an inserted \r counts.
        self.has_cr |= c.text.contains('\r');
        let new_end_byte = start_byte + c.text.len();
        let new_end_position = ts_point(rope, new_end_byte, self.has_cr);
        if let Some(t) = self.tree.as_mut() {
            t.edit(&InputEdit {
                start_byte,
                old_end_byte,
                new_end_byte,
                start_position,
                old_end_position,
                new_end_position,
            });
        }
        Some(Edit {
            start: start_byte,
            old_end: old_end_byte,
            new_end: new_end_byte,
        })
    }
}

/// Org pages are indexed for their block ids only, never linted: an analysis with just facts.
fn org_analysis(text: &str) -> PageAnalysis {
    PageAnalysis {
        outline: Default::default(),
        cards: Vec::new(),
        facts: org::facts(text),
        local: Vec::new(),
        local_blocks: Vec::new(),
    }
}

/// tree-sitter's point of a byte offset: row = `\n`s before it, column = bytes since the last.
fn ts_point(rope: &Rope, byte: usize, has_cr: bool) -> Point {
    if !has_cr {
        // Without \r, rope lines are exactly \n-separated lines.
        let row = rope.byte_to_line(byte);
        return Point {
            row,
            column: byte - rope.line_to_byte(row),
        };
    }
    let (mut row, mut line_start, mut off) = (0, 0, 0);
    for chunk in rope.byte_slice(..byte).chunks() {
        for (i, b) in chunk.bytes().enumerate() {
            if b == b'\n' {
                row += 1;
                line_start = off + i + 1;
            }
        }
        off += chunk.len();
    }
    Point {
        row,
        column: byte - line_start,
    }
}

/// `old` with `cut` replaced by `ins`, written once into its shared allocation: through a
/// `String` it was two copies of the whole page per keystroke (each ~0.2 ms on a 1 MB page,
/// BENCHMARKS.md), and a snapshot or the card memo may still hold `old`, so it is not edited
/// in place.
fn spliced(old: &str, cut: Range<usize>, ins: &str) -> Arc<str> {
    // Panics, as slicing would, rather than build text that is not UTF-8.
    assert!(old.is_char_boundary(cut.start) && old.is_char_boundary(cut.end));
    let parts = [&old[..cut.start], ins, &old[cut.end..]];
    let mut buf = Arc::<[u8]>::new_uninit_slice(parts.iter().map(|p| p.len()).sum());
    let dst = Arc::get_mut(&mut buf).expect("a fresh allocation has no other owner");
    let mut at = 0;
    for p in parts {
        // SAFETY: `dst[at..at + p.len()]` is in bounds (the lengths sum to `dst.len()`) and
        // cannot overlap `p`, which lives in other allocations.
        unsafe {
            std::ptr::copy_nonoverlapping(p.as_ptr(), dst[at..].as_mut_ptr().cast(), p.len());
        }
        at += p.len();
    }
    // SAFETY: every byte was written above; strings cut at char boundaries and joined are UTF-8,
    // and `str` has the layout of `[u8]` (what std's own `From<&str> for Arc<str>` relies on).
    unsafe { Arc::from_raw(Arc::into_raw(buf.assume_init()) as *const str) }
}

#[cfg(test)]
mod tests;
