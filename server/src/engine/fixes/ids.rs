//! (being written)
#![allow(unused)]
use super::{Fix, FixCtx};
use crate::engine::diagnostic::Diagnostic;

pub(super) fn new_id(ctx: &FixCtx, d: &Diagnostic, new_id: &mut dyn FnMut() -> String) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn lowercase(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn before_title(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
pub(super) fn move_to_first_group(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}
