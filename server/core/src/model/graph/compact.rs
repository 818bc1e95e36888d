//! A fresh copy of the graph, to give memory back after a burst of edits (the server's
//! `lsp/memory.rs`). The allocator keeps a page resident while one block on it is live; after
//! thousands of edits the graph's blocks (each re-read page, name and id entry) are spread
//! thinly over the heaps of the threads that made them. A copy made on one thread packs them
//! into few pages, and dropping the old graph empties the rest.

use std::sync::Arc;

use super::Graph;

impl Graph {
    /// An equal copy made on the calling thread, page texts included unless something else
    /// (an open document) holds them too.
    pub fn compacted(&self) -> Graph {
        let mut g = self.clone();
        for p in g.pages.values_mut() {
            // Two holders: this graph and the copy.
            if Arc::strong_count(&p.text) == 2 {
                p.text = Arc::from(&*p.text);
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::config::GraphConfig;

    #[test]
    fn the_copy_is_equal_and_owns_its_texts() {
        let mut g = Graph::new(GraphConfig::default());
        let open: Arc<str> =
            Arc::from("- open 😀 #card\n  id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n");
        let _editor = open.clone();
        g.upsert_text("pages/open.md".into(), open.clone());
        g.upsert_text(
            "pages/closed.md".into(),
            Arc::from("alias:: Other\n\n- ((6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b))\n"),
        );
        let c = g.compacted();
        assert_eq!(format!("{c:?}"), format!("{g:?}"));
        // The closed page's text is the copy's own; the open one stays shared with the editor.
        let closed = |g: &Graph| g.page("pages/closed.md").unwrap().text.clone();
        assert!(!Arc::ptr_eq(&closed(&c), &closed(&g)));
        assert!(Arc::ptr_eq(&c.page("pages/open.md").unwrap().text, &open));
    }
}
