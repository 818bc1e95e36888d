//! Block nesting as graph-parser computes it (GP/block.cljs `with-parent-and-left`): each block's
//! count (leading whitespace characters + 1, a tab and a space alike; 1 for the pre-block and for
//! `#` headings without a bullet) is compared with a stack of open blocks. Equal: sibling. Larger:
//! child, one level deeper whatever the jump. Smaller: back to the open block with exactly that
//! count, or, when none has it, the block takes the place of the shallowest open block with a
//! larger count, its depth *and its count* (tests/mldoc/cases 02, 03).

use super::{Block, BlockKind};

/// Assigns `level` and `parent`. `width` gives a bullet's indentation width (Logseq: the raw
/// character count; the indent-mixed rule also asks "as it looks", with tabs wider).
pub fn assign_levels(blocks: &mut [Block], width: impl Fn(&Block) -> usize) {
    let counts: Vec<usize> = blocks.iter().map(|b| count(b, &width)).collect();
    nest(&counts, |i, depth, parent| {
        blocks[i].level = depth;
        blocks[i].parent = parent;
    });
}

/// Only the parents `assign_levels` would give, without touching the blocks (the indent-mixed
/// rule asks this twice per analysis; cloning the outline for it cost more than all other rules).
pub fn parents(blocks: &[Block], width: impl Fn(&Block) -> usize) -> Vec<Option<usize>> {
    let counts: Vec<usize> = blocks.iter().map(|b| count(b, &width)).collect();
    let mut out = vec![None; blocks.len()];
    nest(&counts, |i, _, parent| out[i] = parent);
    out
}

fn count(b: &Block, width: impl Fn(&Block) -> usize) -> usize {
    match b.kind {
        BlockKind::Bullet => width(b) + 1,
        BlockKind::Pre | BlockKind::Heading { .. } => 1,
    }
}

/// The stack walk itself: `set(i, depth, parent)` for every block, in order.
fn nest(counts: &[usize], mut set: impl FnMut(usize, u32, Option<usize>)) {
    // (count, depth, block); the page itself is the root with count 0, depth 0.
    let mut stack: Vec<(usize, u32, Option<usize>)> = vec![(0, 0, None)];
    for (i, &count) in counts.iter().enumerate() {
        loop {
            let (top_count, top_depth, top_block) = *stack.last().unwrap();
            if count == top_count {
                // Sibling of the top: same depth, same parent (the entry below it).
                let parent = stack[stack.len() - 2].2;
                set(i, top_depth, parent);
                *stack.last_mut().unwrap() = (count, top_depth, Some(i));
                break;
            }
            if count > top_count {
                set(i, top_depth + 1, top_block);
                stack.push((count, top_depth + 1, Some(i)));
                break;
            }
            if stack.iter().any(|e| e.0 == count) {
                stack.retain(|e| e.0 <= count);
                continue;
            }
            // No open block has this count: take the place of the shallowest deeper one.
            let k = stack.iter().position(|e| e.0 > count).unwrap();
            let (c, d, _) = stack[k];
            let parent = stack[k - 1].2;
            set(i, d, parent);
            stack.truncate(k);
            stack.push((c, d, Some(i)));
            break;
        }
    }
}
