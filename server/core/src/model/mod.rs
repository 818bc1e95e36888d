//! What a page's text means to Logseq: cards and their schedules, block refs, the graph index of
//! every page's facts, Org pages' ids, and the user's settings.

pub mod cards;
pub mod cljs_time;
pub mod graph;
pub mod org;
pub mod overlay;
pub mod refs;
pub mod schedule;
pub mod settings;
