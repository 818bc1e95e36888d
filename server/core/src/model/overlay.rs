//! The graph as the editor sees it: the pages on disk with the open documents laid over them.
//! Open documents win over the disk: their latest text and facts are kept next to the graph, so
//! a re-index or a file event never replaces what the user is typing.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::graph::{page_facts, Graph, PageFacts};

#[derive(Default)]
pub struct Overlay {
    pub graph: Graph,
    /// Open documents that are graph pages: path → the editor's text, and whether it has no
    /// facts (an empty page, or one over the size cap that is not analysed). Their facts are in
    /// the graph; re-derived from the text when the graph is rebuilt, because keeping a copy
    /// of a big page's facts here cost a copy per keystroke (the keystroke benchmark).
    open: HashMap<String, (Arc<str>, bool)>,
}

impl Overlay {
    /// Records an open document's current text (on open and after every change).
    pub fn set_open(&mut self, path: &str, text: Arc<str>, facts: &PageFacts) {
        self.graph
            .upsert(path.to_string(), text.clone(), facts.clone());
        let no_facts = *facts == PageFacts::default();
        self.open.insert(path.to_string(), (text, no_facts));
    }

    /// The document is closed (or no longer a page): the disk's version takes over again.
    pub fn close(&mut self, path: &str) {
        self.open.remove(path);
    }

    /// A page changed on disk (`None`: deleted). Ignored while the page is open in the editor.
    pub fn disk_changed(&mut self, path: &str, text: Option<Arc<str>>) {
        if self.open.contains_key(path) {
            return;
        }
        match text {
            Some(t) => {
                let f = page_facts(path, &t);
                self.graph.upsert(path.to_string(), t, f);
            }
            None => {
                self.graph.remove(path);
            }
        }
    }

    /// Replaces the graph with a compact copy of it ([`Graph::compacted`]); the old one is
    /// returned, to be dropped outside the lock.
    pub fn compact(&mut self) -> Graph {
        let copy = self.graph.compacted();
        std::mem::replace(&mut self.graph, copy)
    }

    /// A graph read afresh from disk replaces the old one; the open documents stay on top.
    pub fn replace_graph(&mut self, g: Graph) {
        self.graph = g;
        for (p, (t, no_facts)) in &self.open {
            let f = if *no_facts {
                PageFacts::default()
            } else {
                page_facts(p, t)
            };
            self.graph.upsert(p.clone(), t.clone(), f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

    #[test]
    fn open_documents_win_over_disk_events_and_reindex() {
        let mut ix = Overlay::default();
        let disk_text: Arc<str> = Arc::from(format!("- a\n  id:: {ID}\n"));
        ix.disk_changed("pages/a.md", Some(disk_text.clone()));
        assert_eq!(ix.graph.id_count(ID), 1);
        // Opened and edited: the id is gone from the editor's text.
        let edited: Arc<str> = Arc::from("- a\n");
        ix.set_open(
            "pages/a.md",
            edited.clone(),
            &page_facts("pages/a.md", &edited),
        );
        assert_eq!(ix.graph.id_count(ID), 0);
        // A disk event or a re-index must not bring the disk's version back while it is open.
        ix.disk_changed("pages/a.md", Some(disk_text.clone()));
        assert_eq!(ix.graph.id_count(ID), 0);
        let mut g = Graph::default();
        g.upsert_text("pages/a.md".into(), disk_text.clone());
        ix.replace_graph(g);
        assert_eq!(ix.graph.id_count(ID), 0);
        // Closed: the disk wins again.
        ix.close("pages/a.md");
        ix.disk_changed("pages/a.md", Some(disk_text));
        assert_eq!(ix.graph.id_count(ID), 1);
        ix.disk_changed("pages/a.md", None);
        assert_eq!(ix.graph.len(), 0);
    }
}
