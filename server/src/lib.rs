//! logseq-lsp: a language server and linter for Logseq graphs.
//!
//! `engine` is the protocol-free core; `lsp` and `cli` are thin faces over it.

pub mod cli;
pub mod disk;
pub mod engine;
pub mod lsp;
