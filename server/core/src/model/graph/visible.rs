//! Which changes to a page other pages can see: their diagnostics read its ids (where they are:
//! duplicates point at them) and the names it answers to. An edit that keeps these needs no
//! recheck of the others.

use std::ops::Range;

use crate::model::graph::{Graph, PageFacts};

#[derive(PartialEq)]
pub struct GraphVisible {
    ids: Vec<(String, Range<usize>)>,
    title: Option<String>,
    aliases: Vec<String>,
}

impl GraphVisible {
    pub fn of(f: &PageFacts) -> GraphVisible {
        GraphVisible {
            ids: f
                .ids
                .iter()
                .map(|s| (s.id.clone(), s.value.clone()))
                .collect(),
            title: f.title_property.clone(),
            aliases: f.aliases.clone(),
        }
    }

    /// Whether other pages can see the change from `self` to `after`: names or ids that differ,
    /// or ids that only moved but are duplicated in `graph` (the other copies' diagnostics
    /// point at them). An id that moved and is unique changes nothing elsewhere: typing before
    /// an id rechecked every open page on every keystroke. Counted, not listed: listing each
    /// id's sites scanned the page's ids once per id (11 % of a keystroke's CPU on a 1 MB page
    /// whose ids are each on 25 blocks).
    pub fn seen_elsewhere(&self, after: &GraphVisible, graph: &Graph) -> bool {
        if self == after {
            return false;
        }
        let names = |v: &GraphVisible| v.ids.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
        self.title != after.title
            || self.aliases != after.aliases
            || names(self) != names(after)
            || after.ids.iter().any(|(id, _)| graph.id_count(id) > 1)
    }
}
