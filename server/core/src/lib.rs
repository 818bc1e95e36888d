//! The protocol-free core: parsing, the graph index, rules, fixes and hover text. Byte offsets
//! only; no I/O, no LSP types.

pub mod analysis;
pub mod blocks;
pub mod cards;
pub mod cljs_time;
pub mod completion;
pub mod diagnostic;
pub mod edit;
pub mod fixes;
pub mod folding;
pub mod fuzzy;
pub mod graph;
pub mod grouping;
pub mod hover;
pub mod ids;
pub mod inline;
pub mod links;
pub mod navigation;
pub mod org;
pub mod outline;
pub mod presets;
pub mod properties;
pub mod reanalysis;
pub mod refs;
pub mod rename;
pub mod rules;
pub mod schedule;
pub mod settings;
pub mod symbols;
pub mod task;
pub mod text;
