//! A page's text as Logseq's parser reads it, and edits to it. Knows nothing of the graph.

pub mod blocks;
pub mod edit;
pub mod edn;
pub mod inline;
pub mod links;
pub mod outline;
pub mod page_ref;
pub mod properties;
pub mod task;
pub mod text;
pub mod uuid;
