//! The protocol-free core of logseq-lsp: byte offsets only; no I/O, no LSP types. Four layers,
//! each using only the ones above it in this list:
//!
//! - [`syntax`]: a page's text as Logseq's parser reads it (lines, outline, inline, properties,
//!   ids, links, EDN) and text edits.
//! - [`model`]: what the text means to Logseq: cards and their schedules, block refs, the graph
//!   of every page's facts, user settings.
//! - [`lint`]: diagnostics, the rules that find them, their fixes, and a page analysed (outline,
//!   cards, facts and diagnostics together, whole or after one edit).
//! - [`ide`]: editor features over the analysis: completion, navigation, hover, rename,
//!   symbols, folding.

pub mod ide;
pub mod lint;
pub mod model;
pub mod syntax;
