//! Small textual fixes: block reference spaces, a property's missing space, cloze syntax, an
//! asset link's path.

use super::util::block_at;
use super::{Fix, FixCtx};
use crate::lint::diagnostic::Diagnostic;
use crate::syntax::edit::TextEdit;
use crate::syntax::inline::InlineKind;
use crate::syntax::outline::LineKind;
use crate::syntax::properties::looks_malformed;
use crate::syntax::uuid::parse_uuid;

pub(super) fn block_ref_spaces(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let t = &ctx.src[d.range.clone()];
    let Some(inner) = t.strip_prefix("((").and_then(|x| x.strip_suffix("))")) else {
        return Vec::new();
    };
    if parse_uuid(inner).is_none() || inner.trim() == inner {
        return Vec::new();
    }
    vec![Fix {
        title: "Remove the spaces inside (( ))".into(),
        code: d.code,
        edits: vec![TextEdit::replace(
            d.range.clone(),
            format!("(({}))", inner.trim()),
        )],
        safe: true,
    }]
}

pub(super) fn property_space(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let line = &ctx.src[d.range.clone()];
    let Some(c) = looks_malformed(line) else {
        return Vec::new();
    };
    let after = c + 2;
    let ws = line[after..].len() - line[after..].trim_start_matches([' ', '\t']).len();
    let at = d.range.start + after;
    vec![Fix {
        title: "Insert the space after `::` so Logseq reads a property".into(),
        code: d.code,
        edits: vec![TextEdit::replace(at..at + ws, " ")],
        safe: true,
    }]
}

pub(super) fn cloze(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let t = &ctx.src[d.range.clone()];
    let Some(body) = t.strip_prefix("{{") else {
        return Vec::new();
    };
    let fix = |new: String, title: &str| {
        vec![Fix {
            title: title.into(),
            code: d.code,
            edits: vec![TextEdit::replace(d.range.clone(), new)],
            safe: true,
        }]
    };
    let Some(inner) = body.strip_suffix("}}") else {
        return close_cloze(ctx, d);
    };
    if crate::lint::rules::is_anki_cloze(inner.split_whitespace().next().unwrap_or(""))
        || crate::lint::rules::is_anki_cloze(inner)
    {
        let parts: Vec<&str> = inner.splitn(3, "::").collect();
        let text = parts.get(1).copied().unwrap_or("").trim();
        return match parts.get(2).map(|h| h.trim()).filter(|h| !h.is_empty()) {
            Some(hint) => fix(
                format!("{{{{cloze {text} \\\\ {hint}}}}}"),
                "Rewrite as a Logseq cloze, keeping the hint as its cue",
            ),
            None => fix(format!("{{{{cloze {text}}}}}"), "Rewrite as a Logseq cloze"),
        };
    }
    if let Some(rest) = inner
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("cloze:"))
        .map(|_| &inner[6..])
    {
        return fix(
            format!("{{{{cloze {}}}}}", rest.trim()),
            "Rewrite as {{cloze …}}",
        );
    }
    Vec::new()
}

/// An unclosed `{{cloze` (the diagnostic runs from `{{` to the end of its line). When a later
/// text line of the block holds the `}}`, the cloze was written over several lines, which mldoc
/// never reads as one macro: join those lines (only line breaks and indentation change). Else
/// close it before the tags and links that end the line, so `{{cloze Paris #card` keeps its tag
/// (inside a macro it would be text, and the block would stop being a card).
fn close_cloze(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let src = ctx.src;
    let Some((bi, b)) = block_at(ctx, d.range.start) else {
        return Vec::new();
    };
    let Some(k) = b
        .lines
        .iter()
        .position(|l| l.line.start <= d.range.start && d.range.start <= l.line.end)
    else {
        return Vec::new();
    };
    let mut joins = Vec::new();
    for j in k + 1..b.lines.len() {
        let l = &b.lines[j];
        if l.kind != LineKind::Text {
            break;
        }
        let prev = &b.lines[j - 1].line;
        let t = l.line.text(src);
        let from = prev.start + prev.text(src).trim_end().len();
        let to = l.line.start + (t.len() - t.trim_start().len());
        joins.push(TextEdit::replace(from..to, " "));
        if t.contains("}}") {
            return vec![Fix {
                title: "Join the cloze's lines into one: Logseq reads a cloze only on one line"
                    .into(),
                code: d.code,
                edits: joins,
                safe: true,
            }];
        }
    }
    let args_start = d.range.start + src[d.range.clone()].find(' ').unwrap_or(0);
    let mut end = d.range.start + src[d.range.clone()].trim_end().len();
    let refs: Vec<_> = b
        .inlines
        .iter()
        .filter(|x| x.range.start > d.range.start && x.range.end <= d.range.end)
        .filter(|x| {
            matches!(
                x.kind,
                InlineKind::Tag { .. } | InlineKind::PageRef { .. } | InlineKind::BlockRef { .. }
            )
        })
        .collect();
    while let Some(x) = refs.iter().rev().find(|x| x.range.end == end) {
        end = x.range.start;
        end = d.range.start + src[d.range.start..end].trim_end().len();
    }
    if end <= args_start {
        return Vec::new(); // nothing but references after `{{cloze`: no answer to close
    }
    let inside = refs.iter().any(|x| x.range.start < end);
    // A card tag inside the closed cloze would be text (macro arguments make no refs,
    // block.cljs@0.10.9 `get-page-refs-from-macros` reads only `{{embed}}`): the block would
    // stop being a card.
    let card_tags: Vec<String> = ctx
        .analysis
        .cards
        .iter()
        .filter(|c| c.block == bi)
        .flat_map(|c| c.tags.clone())
        .collect();
    if refs.iter().any(|x| {
        x.range.start < end
            && crate::model::cards::ref_page_name(src, x)
                .is_some_and(|n| crate::model::cards::tag_match(n, &card_tags).is_some())
    }) {
        return Vec::new();
    }
    vec![Fix {
        title: if inside {
            "Close the cloze with }} (the references inside it become text)".into()
        } else {
            "Close the cloze with }}".into()
        },
        code: d.code,
        edits: vec![TextEdit::insert(end, "}}")],
        safe: !inside,
    }]
}

/// One fix per existing asset the diagnostic names (asset-missing): only the link's path changes.
/// Not safe: which file was meant is a guess.
pub(super) fn nearest_asset(d: &Diagnostic) -> Vec<Fix> {
    d.replacements
        .iter()
        .map(|r| Fix {
            title: format!("Link to {r}"),
            code: d.code,
            edits: vec![TextEdit::replace(d.range.clone(), r.clone())],
            safe: false,
        })
        .collect()
}
