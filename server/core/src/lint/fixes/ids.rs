//! Fixes for id rules: a fresh id, lower case, moving `id::` into the block's first property group.

use super::util::{block_at, continuation_indent, full_line, keeps_planning, property_at};
use super::{Fix, FixCtx};
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::syntax::blocks::newline;
use crate::syntax::edit::{self, TextEdit};
use crate::syntax::outline::LineKind;

pub(super) fn new_id(ctx: &FixCtx, d: &Diagnostic, new_id: &mut dyn FnMut() -> String) -> Vec<Fix> {
    let Some((_, b)) = block_at(ctx, d.range.start) else {
        return Vec::new();
    };
    let Some((_, p)) = property_at(b, &d.range) else {
        return Vec::new();
    };
    let id = new_id();
    let edit = if p.value.is_empty() {
        // `id::` with no value: write one after `:: `.
        TextEdit::replace(p.key.end..p.line.end, format!(":: {id}"))
    } else {
        TextEdit::replace(p.value.clone(), id)
    };
    let title = match d.code {
        Code::IdDuplicate => {
            "Give this block a new id (references to the old id keep pointing at the other block)"
        }
        _ => "Replace with a new block id",
    };
    vec![Fix {
        title: title.into(),
        code: d.code,
        edits: vec![edit],
        safe: true,
    }]
}

pub(super) fn lowercase(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let v = &ctx.src[d.range.clone()];
    vec![Fix {
        title: "Write the id in lower case".into(),
        code: d.code,
        edits: vec![TextEdit::replace(d.range.clone(), v.to_ascii_lowercase())],
        safe: true,
    }]
}

/// `- id:: X` / `  Question` / answer → `- Question` / `  id:: X` / answer: what Logseq writes on
/// the next edit of the block.
pub(super) fn before_title(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let src = ctx.src;
    let Some((_, b)) = block_at(ctx, d.range.start) else {
        return Vec::new();
    };
    let Some(q) = crate::syntax::blocks::title_after_properties(src, b) else {
        return Vec::new(); // no text title: Logseq writes this layout itself
    };
    let group_len = b
        .lines
        .iter()
        .take_while(|l| l.kind == LineKind::Property)
        .count();
    let nl = newline(src);
    let cont = continuation_indent(src, b);
    let first = &b.lines[0].line;
    let mut out = String::new();
    out.push_str(&src[first.start..b.title.start]);
    out.push_str(b.lines[q].line.text(src).trim_start());
    out.push_str(nl);
    out.push_str(&cont);
    out.push_str(src[b.title.start..first.end].trim());
    for l in &b.lines[1..group_len] {
        out.push_str(nl);
        out.push_str(&cont);
        out.push_str(l.line.text(src).trim());
    }
    for l in &b.lines[group_len..q] {
        out.push_str(nl);
        out.push_str(l.line.text(src));
    }
    let edits = vec![TextEdit::replace(first.start..b.lines[q].line.end, out)];
    if !keeps_planning(src, b, &edit::apply(src, &edits)) {
        return Vec::new();
    }
    vec![Fix {
        title: "Move the id under the block's first line".into(),
        code: d.code,
        edits,
        safe: true,
    }]
}

/// Moves properties of a later (ignored) group into the first group.
pub(super) fn move_to_first_group(ctx: &FixCtx, d: &Diagnostic) -> Vec<Fix> {
    let src = ctx.src;
    let Some((_, b)) = block_at(ctx, d.range.start) else {
        return Vec::new();
    };
    let Some(first) = b.groups.first() else {
        return Vec::new();
    };
    let moved: Vec<_> = b
        .groups
        .iter()
        .skip(1)
        .flat_map(|g| g.props.iter())
        .filter(|p| p.line.start >= d.range.start && p.line.end <= d.range.end)
        .filter(|p| (d.code == Code::IdIgnored) == (p.name == "id"))
        .collect();
    if moved.is_empty() {
        return Vec::new();
    }
    let conflict = moved.iter().any(|p| first.get(&p.name).is_some());
    let nl = newline(src);
    let cont = continuation_indent(src, b);
    let line_of = |p: &crate::syntax::properties::Property| {
        b.lines
            .iter()
            .find(|l| l.line.start <= p.line.start && p.line.end <= l.line.end)
            .map(|l| l.line)
    };
    let mut delete = Vec::new();
    for p in &moved {
        let Some(l) = line_of(p) else {
            return Vec::new();
        };
        delete.push(TextEdit::delete(full_line(&l)));
    }
    let keeps = |edits: &[TextEdit]| keeps_planning(src, b, &edit::apply(src, edits));
    if conflict {
        if !keeps(&delete) {
            return Vec::new();
        }
        let what = if d.code == Code::IdIgnored {
            "id"
        } else {
            "properties"
        };
        return vec![Fix {
            title: format!("Remove the ignored {what} (the first group already has it)"),
            code: d.code,
            edits: delete,
            safe: false,
        }];
    }
    let at = first.props[first.props.len() - 1].line.end;
    let text: String = moved
        .iter()
        .map(|p| format!("{nl}{cont}{}", src[p.line.clone()].trim()))
        .collect();
    let mut edits = vec![TextEdit::insert(at, text)];
    edits.extend(delete);
    if !keeps(&edits) {
        return Vec::new();
    }
    let title = if d.code == Code::IdIgnored {
        "Move the id into the block's first property group"
    } else {
        "Move these properties into the block's first property group"
    };
    vec![Fix {
        title: title.into(),
        code: d.code,
        edits,
        safe: true,
    }]
}
