//! (being written)
#![allow(unused)]
use super::{Fix, FixCtx};
use crate::engine::diagnostic::Diagnostic;

pub(super) fn answer_to_child(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn convert_to_native(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn reset_schedule(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn orphan_schedule(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
