//! Quick fixes for diagnostics, as byte-offset text edits (the server never writes files; the
//! LSP layer turns these into WorkspaceEdits and `fix` applies them on disk).
//!
//! Each fix works on the current text and its analysis. "Fix all" applies every safe fix,
//! re-analysing between rounds, so fixes that touch the same block compose without overlapping.

mod blocks;
mod cards;
mod ids;
mod misc;
mod util;

use std::cell::RefCell;
use std::sync::Arc;

use crate::lint::analysis::{self, PageAnalysis};
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::lint::rules;
use crate::model::graph::Graph;
use crate::model::settings::Settings;
use crate::syntax::edit::{self, TextEdit};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub code: Code,
    pub edits: Vec<TextEdit>,
    /// Safe fixes keep every character of content and have one obvious result; `source.fixAll`
    /// and `logseq-lsp fix` apply only these.
    pub safe: bool,
}

/// What a fix may look at.
pub struct FixCtx<'a> {
    pub src: &'a str,
    pub analysis: &'a PageAnalysis,
}

/// Fixes offered for one diagnostic. `new_id` makes fresh block ids (deterministic in tests).
pub fn fixes_for(ctx: &FixCtx, d: &Diagnostic, new_id: &mut dyn FnMut() -> String) -> Vec<Fix> {
    fixer(d.code).map_or_else(Vec::new, |f| f(ctx, d, new_id))
}

/// Whether a rule's diagnostics can be offered a fix (`logseq-lsp rules`): a rule has one
/// fixer, so this and [`fixes_for`] cannot disagree.
pub fn has_fix(code: Code) -> bool {
    fixer(code).is_some()
}

type Fixer = fn(&FixCtx, &Diagnostic, &mut dyn FnMut() -> String) -> Vec<Fix>;

fn fixer(code: Code) -> Option<Fixer> {
    Some(match code {
        Code::IdInvalid | Code::IdDuplicate => ids::new_id,
        Code::IdNotLowercase => |ctx, d, _| ids::lowercase(ctx, d),
        Code::IdBeforeTitle => |ctx, d, _| ids::before_title(ctx, d),
        Code::IdIgnored | Code::PropertyIgnored => |ctx, d, _| ids::move_to_first_group(ctx, d),
        Code::BlockRefMalformed => |ctx, d, _| misc::block_ref_spaces(ctx, d),
        Code::PropertyMalformed => |ctx, d, _| misc::property_space(ctx, d),
        Code::ClozeMalformed => |ctx, d, _| misc::cloze(ctx, d),
        Code::CardAnswerInline => |ctx, d, _| cards::answer_to_child(ctx, d),
        Code::CardTagNotNative => |ctx, d, _| cards::convert_to_native(ctx, d),
        Code::CardScheduleInvalid => |ctx, d, _| cards::reset_schedule(ctx, d),
        Code::CardScheduleOrphan => |ctx, d, _| cards::orphan_schedule(ctx, d),
        Code::IndentMixed => |ctx, d, _| blocks::reindent_with_tabs(ctx, d),
        Code::AssetMissing => |_, d, _| misc::nearest_asset(d),
        Code::CardNoAnswer
        | Code::CardEmptyQuestion
        | Code::BlockRefUnresolved
        | Code::PageMissing
        | Code::HeadingSplitsBlock
        | Code::FenceUnclosed
        | Code::PropertyInvalid
        | Code::QueryInvalid
        | Code::QueryUnknownKey
        | Code::AssetUnused
        | Code::DiagnosticsOmitted => return None,
    })
}

/// Applies every safe fix until none is left (bounded). `diagnose` gives the current diagnostics
/// of a text (so graph rules such as id-duplicate see the latest state); `skip` says which
/// diagnostics not to fix (for example the first of a duplicated id, which keeps it).
/// Returns the new text and the codes fixed, in order.
pub fn fix_all(
    src: &str,
    diagnose: &mut dyn FnMut(&str) -> (PageAnalysis, Vec<Diagnostic>),
    skip: &dyn Fn(&str, &Diagnostic) -> bool,
    new_id: &mut dyn FnMut() -> String,
) -> (String, Vec<Code>) {
    let mut text = src.to_string();
    let mut fixed = Vec::new();
    for _round in 0..32 {
        let (a, diags) = diagnose(&text);
        let ctx = FixCtx {
            src: &text,
            analysis: &a,
        };
        let mut edits = Vec::new();
        let mut codes = Vec::new();
        // Fixes inside a line go before fixes that move lines between blocks, so that a moved
        // line is already right (`key::value` becomes a property before the answer moves).
        let any_local = diags.iter().any(|d| {
            !moves_lines(d.code)
                && !skip(&text, d)
                && fixes_for(&ctx, d, new_id).iter().any(|f| f.safe)
        });
        for d in &diags {
            if skip(&text, d) || (any_local && moves_lines(d.code)) {
                continue;
            }
            if let Some(f) = fixes_for(&ctx, d, new_id).into_iter().find(|f| f.safe) {
                // Fixes of one round must not touch the same lines: take a fix only when none of
                // its edits overlaps what is already taken; the rest wait for the next round.
                let clash = f.edits.iter().any(|e| {
                    edits
                        .iter()
                        .any(|t: &TextEdit| overlaps(&t.range, &e.range))
                });
                if !clash {
                    edits.extend(f.edits);
                    codes.push(f.code);
                }
            }
        }
        if edits.is_empty() {
            break;
        }
        text = edit::apply(&text, &edits);
        fixed.extend(codes);
    }
    (text, fixed)
}

/// Fixes one page: every safe fix, in rounds ([`fix_all`]). With `graph` (the graph and the
/// page's path in it) the graph's view of the page is kept current between rounds, so graph
/// rules (a duplicated id) see each fix and the block that keeps a duplicated id keeps it;
/// without, only page rules run (a file outside the graph). The command line's `fix`, the
/// server's "fix all" and the fixture tests all fix through here.
pub fn fix_page(
    graph: Option<(&mut Graph, &str)>,
    text: &str,
    settings: &Settings,
    new_id: &mut dyn FnMut() -> String,
) -> (String, Vec<Code>) {
    let Some((graph, path)) = graph else {
        let mut diagnose = |t: &str| {
            let a = analysis::analyze(t, settings);
            let d = rules::finish(a.local.clone(), settings);
            (a, d)
        };
        return fix_all(text, &mut diagnose, &|_, _| false, new_id);
    };
    let graph = RefCell::new(graph);
    let mut diagnose = |t: &str| {
        let a = analysis::analyze(t, settings);
        let mut g = graph.borrow_mut();
        g.upsert(path.to_string(), Arc::from(t), a.facts.clone());
        let d = analysis::diagnostics(&g, path, &a, settings);
        (a, d)
    };
    let skip = |t: &str, d: &Diagnostic| keeps_duplicate_id(&graph.borrow(), path, t, d);
    fix_all(text, &mut diagnose, &skip, new_id)
}

/// Of a duplicated id, the first block in graph order (by path, then position) keeps it, as
/// Logseq keeps the first block it parses: "fix all" must not re-id that one.
pub fn keeps_duplicate_id(graph: &Graph, path: &str, src: &str, d: &Diagnostic) -> bool {
    if d.code != Code::IdDuplicate {
        return false;
    }
    let Some(id) = src
        .get(d.range.clone())
        .and_then(crate::syntax::uuid::parse_uuid)
    else {
        return false;
    };
    graph
        .id_sites(&id)
        .first()
        .is_some_and(|(p, s)| p.path == path && s.value == d.range)
}

fn moves_lines(c: Code) -> bool {
    matches!(
        c,
        Code::CardAnswerInline
            | Code::CardTagNotNative
            | Code::IdBeforeTitle
            | Code::IdIgnored
            | Code::PropertyIgnored
            | Code::IndentMixed
    )
}

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    // Touching counts: two insertions at one point, or an edit ending where another starts, would
    // make the order of their texts ambiguous.
    a.start <= b.end && b.start <= a.end
}

/// The smallest single edit turning `old` into `new` (common prefix and suffix removed): how a
/// composite fix is sent to the editor.
pub fn diff_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let p = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let p = crate::syntax::text::floor_char_boundary(old, p.min(old.len()));
    let p = p.min(new.len());
    let max_s = (old.len() - p).min(new.len() - p);
    let mut s = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_s)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - s) || !new.is_char_boundary(new.len() - s) {
        s -= 1;
    }
    Some(TextEdit::replace(p..old.len() - s, &new[p..new.len() - s]))
}

#[cfg(test)]
mod tests;
