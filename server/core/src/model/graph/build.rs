//! A graph from its files: every page's facts (in parallel), then one index.

use std::sync::Arc;

use rayon::prelude::*;

use super::{Graph, GraphConfig, PageFacts};
use crate::model::org;
use crate::syntax::outline;

/// The facts the index keeps for a page: an Org page's ids, a Markdown page's outline facts.
pub fn page_facts(path: &str, text: &str) -> PageFacts {
    if org::is_org(path) {
        org::facts(text)
    } else {
        PageFacts::from_outline(text, &outline::parse(text))
    }
}

/// The graph of `files` (path relative to the root, text) with its `assets/` folder's files.
pub fn build(config: GraphConfig, files: Vec<(String, Arc<str>)>, assets: Vec<String>) -> Graph {
    let facts: Vec<PageFacts> = files.par_iter().map(|(p, t)| page_facts(p, t)).collect();
    let mut g = Graph::new(config);
    g.set_assets(assets);
    for ((p, t), f) in files.into_iter().zip(facts) {
        g.upsert(p, t, f);
    }
    g
}
