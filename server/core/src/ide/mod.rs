//! Editor features in byte offsets and plain data; the server converts them to the protocol.

pub mod completion;
pub mod folding;
pub mod fuzzy;
pub mod hover;
pub mod navigation;
pub mod pages;
pub mod rename;
pub mod symbols;
