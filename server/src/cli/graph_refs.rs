//! A block's page references and card-ness as Logseq's database would hold them
//! (`:block/refs` as lower-case page names; a card is a block whose refs contain `card`,
//! srs.cljs 0.10.9 `query-get-card-ids`). One function, so a better rule can replace it whole.

use crate::engine::cards::{self, NATIVE_TAG};
use crate::engine::graph::names::page_key;
use crate::engine::outline::Outline;

/// Per block of `outline`: (sorted, deduplicated page keys it references, whether it is a card).
/// Today's engine view: the page refs and tags among the block's inlines, and the cards
/// engine/cards.rs finds for Logseq's own `card` tag.
pub fn refs_and_cards(src: &str, outline: &Outline) -> Vec<(Vec<String>, bool)> {
    let card_blocks: Vec<usize> = cards::cards(src, outline, &[NATIVE_TAG.to_string()])
        .iter()
        .filter(|c| c.native)
        .map(|c| c.block)
        .collect();
    outline
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut refs: Vec<String> = b
                .inlines
                .iter()
                .filter_map(|x| cards::ref_page_name(src, x))
                .map(page_key)
                .collect();
            refs.sort();
            refs.dedup();
            (refs, card_blocks.contains(&i))
        })
        .collect()
}
