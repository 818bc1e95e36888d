//! Card fixes: answer into a child block, convert to a native Logseq card, schedule resets.

use super::util::{block_at, child_indent, continuation_indent, full_line, keeps_planning};
use super::{diff_edit, ids, Fix, FixCtx};
use crate::lint::analysis::{self, PageAnalysis};
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::model::cards::NATIVE_TAG;
use crate::model::schedule::KEYS;
use crate::model::settings::Settings;
use crate::syntax::blocks::{self, newline};
use crate::syntax::edit::{self, TextEdit};
use crate::syntax::outline::{Block, BlockKind, LineKind};

/// Moves the lines after the card tag into a child block, indented the way the file indents,
/// so that Logseq hides them until "Show answers". What is not shown text (properties,
/// `SCHEDULED:`/`DEADLINE:`, `:LOGBOOK:` and other drawers) stays on the card block, in order.
pub(super) fn answer_to_child(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let Some(edit) = answer_edit(ctx.src, ctx.analysis, d.range.start) else {
        return Vec::new();
    };
    vec![Fix {
        title: "Move these lines into a child block, so Logseq hides them until \"Show answers\""
            .into(),
        code: d.code,
        edits: vec![edit],
        safe: true,
    }]
}

fn answer_edit(src: &str, a: &PageAnalysis, at: usize) -> Option<TextEdit> {
    let bi = a.outline.block_at(at)?;
    let card = a.cards.iter().find(|c| c.block == bi)?;
    if card.lines_after_tag.is_empty() || card.has_children || !card.clozes.is_empty() {
        return None;
    }
    let b = &a.outline.blocks[bi];
    if b.kind == BlockKind::Pre {
        // A page-level card (`tags:: card` in the pre-block): the page's blocks are its
        // siblings, and a bullet under page properties is a block of the page, not a child.
        return None;
    }
    let start = card.lines_after_tag[0].start;
    let shown = blocks::shown_lines(src, b);
    // From the first moved line to the end of the block: moved lines go into the child, the
    // others stay on the block; blank lines between moved lines stay between them.
    let from = b.lines.iter().position(|l| l.line.end >= start)?;
    if splits_region(src, b, from) {
        return None;
    }
    let end = b.lines[b.lines.len() - 1].line.end;
    let line_start = b.lines[from].line.start;
    let nl = newline(src);
    let child = child_indent(src, &a.outline, b);
    let cont = format!("{child}  ");
    let moved: Vec<usize> = (from..b.lines.len()).filter(|&k| shown[k]).collect();
    // Continuation lines keep their indentation relative to the least indented moved line.
    let common = moved
        .iter()
        .skip(1)
        .map(|&k| crate::syntax::text::indent_len(b.lines[k].line.text(src)))
        .min()
        .unwrap_or(0);
    let last_moved = *moved.last()?;
    let mut kept = Vec::new();
    let mut body = Vec::new();
    for (k, l) in b.lines.iter().enumerate().skip(from) {
        let t = l.line.text(src);
        if shown[k] {
            if body.is_empty() {
                body.push(format!("{child}- {}", t.trim_start()));
            } else {
                let ind = crate::syntax::text::indent_len(t).min(common);
                body.push(format!("{cont}{}", &t[ind..]));
            }
        } else if l.kind == LineKind::Blank && !body.is_empty() && k < last_moved {
            body.push(String::new());
        } else if l.kind != LineKind::Blank {
            kept.push(t.to_string());
        }
    }
    kept.extend(body);
    let e = TextEdit::replace(line_start..end, kept.join(nl));
    let new = edit::apply(src, std::slice::from_ref(&e));
    (keeps_cards(src, a, &new, bi) && keeps_planning(src, b, &new)).then_some(e)
}

/// Converts a card made with a non-native tag (`#flashcard`) into a Logseq card: `#card` after
/// the tag (the original tag stays, so other tools still find it), `id::` under the title and the
/// answer in a child block. One edit, every character of content kept.
pub(super) fn convert_to_native(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let src = ctx.src;
    let Some((bi, b)) = block_at(ctx, d.range.start) else {
        return Vec::new();
    };
    let Some(card) = ctx.analysis.cards.iter().find(|c| c.block == bi) else {
        return Vec::new();
    };
    let mut settings = Settings {
        card_tags: card.tags.clone(),
        ..Default::default()
    };
    settings.card_tags.push(NATIVE_TAG.to_string());
    // 1. The tag: in a `tags::` value, add `card` to the list; inline, append ` #card`.
    let tag_edit = match b
        .lines
        .iter()
        .find(|l| l.line.start <= card.tag_range.start && card.tag_range.start <= l.line.end)
    {
        Some(l) if l.kind == LineKind::Property => {
            TextEdit::insert(l.line.end, format!(", {NATIVE_TAG}"))
        }
        _ => TextEdit::insert(card.tag_range.end, format!(" #{NATIVE_TAG}")),
    };
    let mut text = edit::apply(src, &[tag_edit]);
    let anchor = card.tag_range.start;
    // 2. `id::` on the bullet line moves under the new title.
    let a = analysis::analyze(&text, &settings);
    if let Some(ib) = a.outline.block_at(anchor).map(|i| &a.outline.blocks[i]) {
        if ib.lines[0].kind == LineKind::Property {
            let d2 = Diagnostic::new(Code::IdBeforeTitle, ib.lines[0].line.range(), "");
            if let Some(f) = ids::before_title(
                &FixCtx {
                    src: &text,
                    analysis: &a,
                },
                &d2,
            )
            .into_iter()
            .next()
            {
                text = edit::apply(&text, &f.edits);
            }
        }
    }
    // 3. The answer into a child block. The block starts where it did: find it by its start.
    let a = analysis::analyze(&text, &settings);
    if let Some(e) = answer_edit(&text, &a, b.range.start) {
        text = edit::apply(&text, &[e]);
    }
    let Some(e) = diff_edit(src, &text) else {
        return Vec::new();
    };
    vec![Fix {
        title: "Convert to a Logseq card (#card, id under the title, answer as a child block)"
            .into(),
        code: d.code,
        edits: vec![e],
        safe: true,
    }]
}

/// Resets the schedule the way Logseq's "Reset" does (srs.cljs `reset-block-card-properties!`).
pub(super) fn reset_schedule(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let src = ctx.src;
    let Some((_, b)) = block_at(ctx, d.range.start) else {
        return Vec::new();
    };
    let Some(g) = b.properties() else {
        return Vec::new();
    };
    let sched: Vec<_> = g
        .props
        .iter()
        .filter(|p| KEYS.contains(&p.name.as_str()))
        .collect();
    let Some(first) = sched.first() else {
        return Vec::new();
    };
    let nl = newline(src);
    let cont = continuation_indent(src, b);
    let reset = [
        ("card-last-interval", "-1"),
        ("card-repeats", "0"),
        ("card-ease-factor", "2.5"),
        ("card-next-schedule", "nil"),
        ("card-last-reviewed", "nil"),
        ("card-last-score", "nil"),
    ];
    let lead = &src[first.line.start..first.key.start];
    let text = reset
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            format!(
                "{}{k}:: {v}",
                if i == 0 {
                    lead.to_string()
                } else {
                    cont.clone()
                }
            )
        })
        .collect::<Vec<_>>()
        .join(nl);
    let mut edits = vec![TextEdit::replace(first.line.clone(), text)];
    for p in &sched[1..] {
        if let Some(l) = b.lines.iter().find(|l| {
            l.line.start == p.line.start
                || (l.line.start <= p.line.start && p.line.end <= l.line.end)
        }) {
            edits.push(TextEdit::delete(full_line(&l.line)));
        }
    }
    vec![Fix {
        title: "Reset the card's schedule as Logseq's \"Reset\" does (it becomes a new card)"
            .into(),
        code: d.code,
        edits,
        safe: false,
    }]
}

pub(super) fn orphan_schedule(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let Some((_, b)) = block_at(ctx, d.range.start) else {
        return Vec::new();
    };
    let Some(g) = b.properties() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let deletes: Vec<TextEdit> = g
        .props
        .iter()
        .filter(|p| KEYS.contains(&p.name.as_str()))
        .filter_map(|p| {
            b.lines
                .iter()
                .find(|l| l.line.start <= p.line.start && p.line.end <= l.line.end)
        })
        .map(|l| TextEdit::delete(full_line(&l.line)))
        .collect();
    // Removing them erases the review history: offer it only where nothing in the block could
    // make it a card in Logseq. Every way is a reference to the page `card` (graph-parser
    // block.cljs@0.10.9 `get-block-refs`): a tag or link (`#card`, `#[[card]]`, `[[card/x]]`,
    // also where our scanner sees none, as mldoc 1.5.7 reads `Def#card`) or a property naming it
    // (`card:: x`, `tags:: card`). Prose that mentions a card is no reference.
    let names_card = b.lines.iter().any(|l| {
        let t = l.line.text(ctx.src).to_ascii_lowercase();
        let t = t.trim_start().trim_start_matches("- ");
        if l.kind == LineKind::Property {
            !KEYS.iter().any(|k| t.starts_with(&format!("{k}::"))) && t.contains("card")
        } else {
            ["#card", "[[card"].iter().any(|r| t.contains(r))
        }
    });
    if !names_card {
        out.push(Fix {
            title: "Remove the card-* properties (this erases the review history)".into(),
            code: d.code,
            edits: deletes,
            safe: false,
        });
    }
    if !b.title.is_empty() {
        out.push(Fix {
            title: "Make this block a card (add #card)".into(),
            code: d.code,
            edits: vec![TextEdit::insert(b.title.end, format!(" #{NATIVE_TAG}"))],
            safe: false,
        });
    }
    out
}

/// Whether moving the lines from `from` on out of `b` would cut a region in two: the line before
/// them and the first of them inside one fence or `#+BEGIN_…` (`#+END_X #card` closes its
/// region), or an `:END:` among them whose drawer opens above (mldoc 1.5.7 also opens one after a
/// marker on the title line: `TODO :LOGBOOK:`).
fn splits_region(src: &str, b: &Block, from: usize) -> bool {
    let inside = from > 0
        && b.lines[from].kind == LineKind::Code
        && b.lines[from - 1].kind == LineKind::Code;
    // Display math opened on a kept line (`CANCELED $$`) and closed on a moved one: mldoc 1.5.7
    // closes `$$` at the next `$$`, so the kept lines must hold them in pairs.
    let open_math = src[b.title.start..b.lines[from].line.start]
        .matches("$$")
        .count()
        % 2
        == 1;
    inside
        || open_math
        || b.lines[from..]
            .iter()
            .any(|l| l.line.text(src).trim().eq_ignore_ascii_case(":END:"))
}

/// Whether `new` (the page after a card fix on the block `bi` of `src`) has the same cards: the
/// card block is still one, and the moved lines made no new card (a line with a card tag, or one
/// our scanner reads differently on its own). Both pages are read with the same card tags.
fn keeps_cards(src: &str, a: &PageAnalysis, new: &str, bi: usize) -> bool {
    let mut settings = Settings::default();
    for c in &a.cards {
        for t in &c.tags {
            if !settings.card_tags.contains(t) {
                settings.card_tags.push(t.clone());
            }
        }
    }
    let starts = |t: &str| -> Vec<usize> {
        let x = analysis::analyze(t, &settings);
        x.cards
            .iter()
            .map(|c| x.outline.blocks[c.block].range.start)
            .collect()
    };
    let (old, after) = (starts(src), starts(new));
    let start = a.outline.blocks[bi].range.start;
    old.len() == after.len() && after.contains(&start)
}
