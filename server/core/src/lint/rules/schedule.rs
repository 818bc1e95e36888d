//! card-schedule-invalid, card-schedule-orphan.

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic, Severity};
use crate::model::schedule::{check_value, this_year, KEYS};
use crate::syntax::outline::{Block, BlockKind};

pub(super) fn check(ctx: &PageCtx, i: usize, b: &Block, out: &mut Vec<Diagnostic>) {
    if b.kind == BlockKind::Pre {
        return;
    }
    let Some(g) = b.properties() else { return };
    let sched: Vec<_> = g
        .props
        .iter()
        .filter(|p| p.name.starts_with("card-") && KEYS.contains(&p.name.as_str()))
        .collect();
    if sched.is_empty() {
        return;
    }
    // Cards are in block order: a search, not a scan per block (quadratic on big pages).
    let is_card = ctx.cards.binary_search_by_key(&i, |c| c.block).is_ok();
    if !is_card {
        let r = sched[0].line.start..sched[sched.len() - 1].line.end;
        out.push(Diagnostic::new(
            Code::CardScheduleOrphan,
            r,
            "card-* scheduling properties on a block that is not a card: Logseq ignores them. Add #card to the block, or remove them.",
        ));
        return;
    }
    let year = this_year();
    for p in sched {
        let Some(f) = check_value(&p.name, p.value_str(ctx.src), year) else {
            continue;
        };
        let r = if p.value.is_empty() {
            p.line.clone()
        } else {
            p.value.clone()
        };
        let head = format!("`{}:: {}`", &ctx.src[p.key.clone()], p.value_str(ctx.src));
        // "cannot use" only where Logseq falls back or reads nothing; else a hint.
        let mut d = if f.unusable {
            Diagnostic::new(
                Code::CardScheduleInvalid,
                r,
                format!("{head}: Logseq cannot use this value: {}.", f.why),
            )
        } else {
            Diagnostic::new(Code::CardScheduleInvalid, r, format!("{head}: {}.", f.why))
        };
        if !f.unusable {
            d.severity = Severity::Hint;
        }
        out.push(d);
    }
}
