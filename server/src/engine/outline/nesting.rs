//! Block nesting as graph-parser computes it (GP/block.cljs `with-parent-and-left`): raw
//! whitespace counts are compared against a stack of open parents, so a tab and a space are the
//! same width and mixed indentation nests differently from how it looks.

use super::{Block, BlockKind};

/// Assigns `level` and `parent`; `width` gives a block's indentation width (Logseq: raw count).
pub fn assign_levels(blocks: &mut [Block], width: impl Fn(&Block) -> usize) {
    // Stack of (raw indent, block index).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for i in 0..blocks.len() {
        let b = &blocks[i];
        let raw = width(b);
        match b.kind {
            BlockKind::Pre => {
                blocks[i].level = 1;
                continue;
            }
            BlockKind::Heading { .. } => {
                // Forced to level 1 whatever its indentation (GP/block.cljs construct-block).
                stack.clear();
                stack.push((0, i));
                blocks[i].level = 1;
                blocks[i].parent = None;
                continue;
            }
            BlockKind::Bullet => {}
        }
        // Climb to a parent with a smaller count.
        let (level, parent) = loop {
            match stack.last() {
                None => break (1, None),
                Some(&(c, j)) if raw > c => break (blocks[j].level + 1, Some(j)),
                Some(&(c, j)) if raw == c => {
                    stack.pop();
                    break (blocks[j].level, blocks[j].parent);
                }
                Some(_) => {
                    stack.pop();
                }
            }
        };
        blocks[i].level = level;
        blocks[i].parent = parent;
        stack.push((raw, i));
    }
}
