//! Diagnostics: the rules, their codes and severities, quick fixes, presets, per-card grouping,
//! and one page analysed (whole, or again after an edit), which every face goes through.

pub mod analysis;
pub mod diagnostic;
pub mod fixes;
pub mod grouping;
pub mod presets;
pub mod reanalysis;
pub mod rules;
