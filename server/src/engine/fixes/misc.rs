//! Small textual fixes: block reference spaces, a property's missing space, cloze syntax.

use super::{Fix, FixCtx};
use crate::engine::diagnostic::Diagnostic;
use crate::engine::edit::TextEdit;
use crate::engine::ids::parse_uuid;
use crate::engine::properties::looks_malformed;

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
        // Unclosed: close it at the end of its text.
        let end = d.range.start + t.trim_end().len();
        return vec![Fix {
            title: "Close the cloze with }}".into(),
            code: d.code,
            edits: vec![TextEdit::insert(end, "}}")],
            safe: true,
        }];
    };
    if crate::engine::rules::is_anki_cloze(inner.split_whitespace().next().unwrap_or(""))
        || crate::engine::rules::is_anki_cloze(inner)
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
