//! The graph's page names copied out for searches that run without the index's lock
//! (completion, workspace symbols).

use std::ops::Range;
use std::sync::Arc;

use crate::model::graph::Graph;

/// What the searches of page names, aliases, referenced names and card questions read of one
/// page, copied out of the graph (cheap: the text is shared) so that a search runs without the
/// index's lock, which every keystroke's write waits for.
#[derive(Debug, Clone)]
pub struct PageNames {
    pub path: String,
    pub title: String,
    pub aliases: Vec<String>,
    /// Where its page references are in `text`.
    pub refs: Vec<Range<usize>>,
    pub text: Arc<str>,
}

/// Every page of the graph, for [`crate::ide::completion::search_pages`] and workspace symbols.
pub fn page_names(graph: &Graph) -> Vec<PageNames> {
    graph
        .pages()
        .map(|p| PageNames {
            path: p.path.clone(),
            title: p.title.clone(),
            aliases: p.facts.aliases.clone(),
            refs: p.facts.page_refs.iter().map(|(_, r)| r.clone()).collect(),
            text: p.text.clone(),
        })
        .collect()
}
