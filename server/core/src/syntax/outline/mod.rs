//! The Logseq outline of one page: blocks, their nesting, property groups and inline references,
//! read the way mldoc and Logseq's graph-parser read them (tests/mldoc and the graph-parser differential tests hold it to them).
//! A line scanner, not a Markdown parser: it runs at hundreds of MB/s and keeps no syntax tree.

pub mod incremental;
mod lazy_lines;
mod lines;
mod markers;
pub mod nesting;

use std::ops::Range;

use crate::syntax::inline::{self, Inline, InlineKind};
use crate::syntax::properties::Property;
use crate::syntax::text::Line;

pub use lines::{containers, title_lookahead};
pub use markers::{bullet_marker, drawer_end, drawer_open, heading_marker};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// Content before the first block start: page properties, front matter, text.
    Pre,
    /// `- ` bullet (possibly `- ## heading`).
    Bullet,
    /// `## heading` line without a bullet; graph-parser puts it at level 1.
    Heading { size: u8 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The block's first line (bullet or heading line).
    First,
    Text,
    Blank,
    /// A `key:: value` line read as a property (index into `Block::properties_all`).
    Property,
    /// Inside a closed code fence or `#+BEGIN_…`/`#+END_…` container, or the fence lines
    /// themselves: inert.
    Code,
    /// A list item or quote line, or a lazy continuation of one: mldoc reads no properties there.
    Container,
    /// YAML front matter (`---` … `---`) at the top of the page.
    FrontMatter,
    /// `:PROPERTIES:` or its `:END:`: part of a property group, holding no property.
    DrawerMark,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLine {
    pub line: Line,
    pub kind: LineKind,
}

/// Consecutive property lines: one mldoc `Property_Drawer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyGroup {
    pub props: Vec<Property>,
}

impl PropertyGroup {
    pub fn range(&self) -> Range<usize> {
        self.props[0].line.start..self.props[self.props.len() - 1].line.end
    }
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// From the block's first byte up to the next block's first byte.
    pub range: Range<usize>,
    /// Leading whitespace of the first line (raw: each tab or space counts one, as in Logseq).
    pub indent: Range<usize>,
    /// The title on the first line (after `- ` and any `#…# `), trimmed; empty when the first line
    /// holds only a property (`- id:: …`) or nothing.
    pub title: Range<usize>,
    /// Tree depth as graph-parser computes it; 1 is top level.
    pub level: u32,
    pub parent: Option<usize>,
    pub lines: Vec<BodyLine>,
    /// Every property group in the block; only the first is effective.
    pub groups: Vec<PropertyGroup>,
    pub inlines: Vec<Inline>,
}

impl Block {
    /// The effective properties: the first property group (graph-parser ignores later ones).
    pub fn properties(&self) -> Option<&PropertyGroup> {
        self.groups.first()
    }
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties().and_then(|g| g.get(name))
    }
    /// The property giving the block its uuid: `id::`, `custom-id::` or `custom_id::` in the first
    /// group, the last one written winning (graph-parser block.cljs@0.10.9 `extract-properties`
    /// renames the latter two to `:id` before `(into {} …)`, then `get-custom-id-or-new-id`).
    /// A pre-block's (page-level) `id::` is its uuid too (`with-pre-block-if-exists`).
    pub fn id_property(&self) -> Option<&Property> {
        self.properties()?
            .props
            .iter()
            .rev()
            .find(|p| p.name == "id" || p.name == "custom-id")
    }
    pub fn first_line(&self) -> &Line {
        &self.lines[0].line
    }
    /// Block references (not inside code), with their raw inner text.
    pub fn block_refs(&self) -> impl Iterator<Item = (&Inline, Range<usize>)> {
        self.inlines.iter().filter_map(|x| match &x.kind {
            InlineKind::BlockRef { inner, .. } => Some((x, inner.clone())),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub blocks: Vec<Block>,
    /// Opening fence lines with no closing fence: mldoc reads them and what follows as text.
    pub unclosed_fences: Vec<Range<usize>>,
    /// mldoc 1.5.7's Directives, in page order: YAML front matter lines and `#+KEY: value` lines
    /// that do not continue a property drawer. graph-parser (mldoc.cljc@0.10.9
    /// `collect-page-properties`) moves them all into one Properties node in front of the page:
    /// they are the page's properties and, when there is one, the pre-block's first group.
    pub directives: Vec<Property>,
}

impl Outline {
    /// Index of the block holding byte `offset`.
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.range.start <= offset);
        (i > 0)
            .then(|| i - 1)
            .filter(|&i| offset < self.blocks[i].range.end || i + 1 == self.blocks.len())
    }
    /// Blocks `range` with their indices (cards and facts of a re-parsed run of blocks).
    pub fn blocks_in(&self, range: Range<usize>) -> impl Iterator<Item = (usize, &Block)> + '_ {
        let start = range.start;
        self.blocks[range]
            .iter()
            .enumerate()
            .map(move |(k, b)| (start + k, b))
    }
    /// Direct children of block `i`.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let level = self.blocks[i].level;
        self.blocks[i + 1..]
            .iter()
            .take_while(move |b| b.level > level && b.kind != BlockKind::Pre)
            .enumerate()
            .filter(move |(_, b)| b.parent == Some(i))
            .map(move |(k, _)| i + 1 + k)
    }
    /// Index one past block `i`'s last descendant. Nesting is a preorder (graph-parser builds it
    /// with a stack), so the subtree is the run of following blocks that are deeper than `i`.
    /// [`Outline::subtree_end`] of every block, in one pass (calling it per block costs the
    /// subtree's size each time: quadratic on a page of one block with many children).
    pub fn subtree_ends(&self) -> Vec<usize> {
        let n = self.blocks.len();
        let mut ends = vec![n; n];
        let mut open: Vec<usize> = Vec::new();
        for (j, b) in self.blocks.iter().enumerate() {
            // A block inside the top one is inside every block under it too.
            while let Some(&k) = open.last() {
                if b.level > self.blocks[k].level && b.kind != BlockKind::Pre {
                    break;
                }
                ends[k] = j;
                open.pop();
            }
            open.push(j);
        }
        ends
    }

    pub fn subtree_end(&self, i: usize) -> usize {
        let level = self.blocks[i].level;
        let mut j = i + 1;
        while j < self.blocks.len()
            && self.blocks[j].level > level
            && self.blocks[j].kind != BlockKind::Pre
        {
            j += 1;
        }
        j
    }
}

/// Parses a page.
pub fn parse(src: &str) -> Outline {
    let (mut blocks, unclosed_fences) = lines::split(src);
    nesting::assign_levels(&mut blocks, |b| b.indent.len());
    let mut directives = Vec::new();
    for b in &mut blocks {
        collect_groups_and_inlines(src, b, &mut directives);
    }
    if let Some(pre) = blocks.first_mut().filter(|b| b.kind == BlockKind::Pre) {
        if !directives.is_empty() {
            // block.cljs `extract-blocks`: the first properties node before the first heading
            // is the pre-block's, and the collected Properties node comes first of all.
            pre.groups.insert(
                0,
                PropertyGroup {
                    props: directives.clone(),
                },
            );
        }
    }
    Outline {
        blocks,
        unclosed_fences,
        directives,
    }
}

/// Reads block `b`'s property groups and inline references; Directives go to `directives`.
fn collect_groups_and_inlines(src: &str, b: &mut Block, directives: &mut Vec<Property>) {
    use crate::syntax::properties::{
        parse_begin_property, parse_directive, parse_drawer_entry, parse_line, parse_yaml_line,
    };
    let mut cur: Vec<Property> = Vec::new();
    // Right after a property group, over empty lines only: mldoc 1.5.7 adds a `#+KEY: value`
    // line there to that drawer (tests/mldoc/cases/51).
    let mut group_tail = false;
    for bl in &b.lines {
        let text = bl.line.text(src);
        let (start, end) = (bl.line.start, bl.line.end);
        // A property on the bullet line starts after `- ` and any marker and priority (the title
        // then holds only those).
        let off = if bl.line.start == b.range.start && b.kind == BlockKind::Bullet {
            b.title.end
        } else {
            start
        };
        let (prop, directive) = match bl.kind {
            LineKind::Property => match parse_line(&src[off..end], off) {
                Some(p) => (Some(p), false),
                None => match parse_directive(&src[off..end], off) {
                    Some(p) => (Some(p), true),
                    None => (
                        parse_begin_property(&src[off..end], off)
                            .or_else(|| parse_drawer_entry(text, start)),
                        false,
                    ),
                },
            },
            LineKind::FrontMatter => (parse_yaml_line(text, start), true),
            _ => (None, false),
        };
        match prop {
            Some(p) if directive && cur.is_empty() && !group_tail => {
                // Front matter and a `#+KEY:` line outside a drawer: page-level. Their inlines
                // are kept only where the line is the pre-block's own (navigation); refs.rs reads
                // the values from the pre-block's first group.
                if b.kind == BlockKind::Pre {
                    scan_property_value(src, &p, &mut b.inlines);
                }
                directives.push(p);
            }
            Some(p) => {
                scan_property_value(src, &p, &mut b.inlines);
                if directive && cur.is_empty() && group_tail {
                    cur = b.groups.pop().unwrap().props;
                }
                cur.push(p);
                group_tail = false;
            }
            None if matches!(bl.kind, LineKind::DrawerMark | LineKind::FrontMatter) => {}
            None => {
                if !cur.is_empty() {
                    b.groups.push(PropertyGroup {
                        props: std::mem::take(&mut cur),
                    });
                    group_tail = true;
                }
                group_tail &= bl.kind == LineKind::Blank && text.trim_end_matches('\r').is_empty();
                match bl.kind {
                    LineKind::First => {
                        inline::scan(&src[b.title.clone()], b.title.start, &mut b.inlines)
                    }
                    LineKind::Text | LineKind::Container => {
                        inline::scan(text, start, &mut b.inlines)
                    }
                    _ => {}
                }
            }
        }
    }
    if !cur.is_empty() {
        b.groups.push(PropertyGroup { props: cur });
    }
}

/// References in a property value: `tags::` and `alias::` split on commas and every item is a
/// page; other keys contribute only explicit `[[…]]` and `#…` references (GP/text.cljs).
fn scan_property_value(src: &str, p: &Property, out: &mut Vec<Inline>) {
    let v = p.value_str(src);
    if p.name == "tags" || p.name == "alias" {
        let mut off = p.value.start;
        for item in v.split(',') {
            let lead = item.len() - item.trim_start().len();
            let t = item.trim();
            let s = off + lead;
            if t.starts_with("[[") || t.starts_with('#') {
                inline::scan(t, s, out);
            } else if !t.is_empty() {
                out.push(Inline {
                    range: s..s + t.len(),
                    kind: InlineKind::PageRef {
                        name: s..s + t.len(),
                    },
                });
            }
            off += item.len() + 1;
        }
    } else {
        inline::scan(v, p.value.start, out);
    }
}

#[cfg(test)]
mod tests;
