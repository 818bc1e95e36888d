//! A block's page references and card-ness as Logseq's database holds them (`:block/refs` as
//! lower-case page names; a card is a block whose refs contain `card`, srs.cljs@0.10.9
//! `query-get-card-ids`), read off the engine's one implementation (`logseq_core::model::refs::page_refs`).

use logseq_core::model::cards::NATIVE_TAG;
use logseq_core::model::refs::{self, RefConfig};
use logseq_core::syntax::outline::Outline;

/// Per block of `outline`: (sorted page keys it references, whether it is a card).
pub fn refs_and_cards(src: &str, outline: &Outline, cfg: &RefConfig) -> Vec<(Vec<String>, bool)> {
    (0..outline.blocks.len())
        .map(|i| {
            let mut refs: Vec<String> = refs::page_refs(src, outline, i, cfg)
                .into_iter()
                .map(|r| r.name)
                .collect();
            refs.sort();
            let card = refs.iter().any(|r| r == NATIVE_TAG);
            (refs, card)
        })
        .collect()
}
