//! property-ignored, property-malformed, property-invalid.

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::syntax::outline::{Block, BlockKind, LineKind};
use crate::syntax::properties::{looks_malformed, valid_name};

pub(super) fn check(ctx: &PageCtx, b: &Block, out: &mut Vec<Diagnostic>) {
    // Only the first group reaches graph-parser's `extract-properties` (later ones are
    // property-ignored); a page's directives are the pre-block's first group.
    for p in b.properties().map_or(&[][..], |g| &g.props[..]) {
        if !valid_name(&p.name) {
            let key = &ctx.src[p.key.clone()];
            out.push(Diagnostic::new(
                Code::PropertyInvalid,
                p.key.clone(),
                format!(
                    "Logseq cannot use `{key}` as a property name and drops the property (no value, no references, the line is not shown); the block shows \"Invalid property names: {}\".",
                    p.name
                ),
            ));
        }
    }
    for g in b.groups.iter().skip(1) {
        let props: Vec<_> = g.props.iter().filter(|p| p.name != "id").collect();
        if props.is_empty() {
            continue;
        }
        let keys: Vec<&str> = props.iter().map(|p| &ctx.src[p.key.clone()]).collect();
        out.push(Diagnostic::new(
            Code::PropertyIgnored,
            props[0].line.start..props[props.len() - 1].line.end,
            format!(
                "Logseq ignores {} ({}): only the block's first group of properties counts, and this group comes after other text. Move {} into the first group, under the block's first line.",
                if props.len() == 1 { "this property" } else { "these properties" },
                keys.join(", "),
                if props.len() == 1 { "it" } else { "them" },
            ),
        ));
    }
    // Property positions: the pre-block before any text, the line under the title, and
    // lines next to a property group.
    let mut prev_prop_pos = b.kind == BlockKind::Pre;
    for (k, bl) in b.lines.iter().enumerate() {
        let at_prop_pos = prev_prop_pos || k == 1;
        if bl.kind == LineKind::Text && at_prop_pos {
            if let Some(colons) = looks_malformed(bl.line.text(ctx.src)) {
                let at = bl.line.start + colons;
                out.push(Diagnostic::new(
                    Code::PropertyMalformed,
                    bl.line.range(),
                    format!(
                        "This looks like a property but Logseq reads it as text: `::` must be followed by a space (`{}:: {}`).",
                        ctx.src[bl.line.start..at].trim(),
                        ctx.src[at + 2..bl.line.end].trim()
                    ),
                ));
            }
        }
        prev_prop_pos = match bl.kind {
            LineKind::Property => true,
            LineKind::FrontMatter => prev_prop_pos,
            LineKind::First => false,
            _ => false,
        };
        if b.kind == BlockKind::Pre && k == 0 && bl.kind == LineKind::Text {
            prev_prop_pos = false;
        }
    }
}
