//! (being written)
#![allow(unused)]
use super::{Fix, FixCtx};
use crate::engine::diagnostic::Diagnostic;

pub(super) fn block_ref_spaces(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn property_space(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn cloze(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
