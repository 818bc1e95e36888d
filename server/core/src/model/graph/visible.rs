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

    /// How the facts changed from `self` to `after`.
    pub fn change_to(&self, after: &GraphVisible) -> VisibleChange {
        if self == after {
            return VisibleChange::Same;
        }
        let names = |v: &GraphVisible| v.ids.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
        if self.title != after.title || self.aliases != after.aliases || names(self) != names(after)
        {
            return VisibleChange::Renamed;
        }
        let from = self
            .ids
            .iter()
            .zip(&after.ids)
            .take_while(|(a, b)| a == b)
            .count();
        VisibleChange::Moved { from }
    }
}

/// How a page's graph-visible facts (its ids with where they are, title, aliases) changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisibleChange {
    Same,
    /// The same ids, title and aliases; some ids moved, the first of them the page's id
    /// `from` (in order of place: those before it are where they were).
    Moved {
        from: usize,
    },
    /// An id, the title or an alias differs.
    Renamed,
}

impl VisibleChange {
    /// Whether other pages can see it, given the page's facts after it and the graph: names or
    /// ids that differ, or ids that only moved but are duplicated in `graph` (the other copies'
    /// diagnostics point at them). An id that moved and is unique changes nothing elsewhere:
    /// typing before an id rechecked every open page on every keystroke. Counted, not listed:
    /// listing each id's sites scanned the page's ids once per id (11 % of a keystroke's CPU on
    /// a 1 MB page whose ids are each on 25 blocks).
    pub fn seen_elsewhere(self, after: &PageFacts, graph: &Graph) -> bool {
        match self {
            VisibleChange::Same => false,
            VisibleChange::Renamed => true,
            // Only the ids that moved can change what other pages show.
            VisibleChange::Moved { from } => after
                .ids
                .get(from..)
                .is_some_and(|moved| moved.iter().any(|s| graph.id_count(&s.id) > 1)),
        }
    }
}
