//! The protocol-free core: parsing, the graph index, rules, fixes and hover text. Byte offsets
//! only; no I/O, no LSP types.

pub mod analysis;
pub mod cards;
pub mod diagnostic;
pub mod edit;
pub mod fixes;
pub mod graph;
pub mod hover;
pub mod ids;
pub mod inline;
pub mod org;
pub mod outline;
pub mod properties;
pub mod rules;
pub mod schedule;
pub mod settings;
pub mod text;
