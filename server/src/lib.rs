//! logseq-lsp: a language server and linter for Logseq graphs.
//!
//! The protocol-free core is the `logseq_core` crate (server/core); `lsp` and `cli` are thin
//! faces over it.

pub mod cli;
pub mod disk;
pub mod lsp;
