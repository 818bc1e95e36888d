//! (being written)
#![allow(unused)]
use super::{Fix, FixCtx};
use crate::engine::diagnostic::Diagnostic;

pub(super) fn reindent_with_tabs(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
