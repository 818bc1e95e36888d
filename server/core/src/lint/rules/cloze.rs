//! cloze-malformed: clozes Logseq does not read as clozes.

use super::PageCtx;
use crate::lint::diagnostic::{Code, Diagnostic};
use crate::syntax::inline::InlineKind;
use crate::syntax::outline::Block;

pub(super) fn check(ctx: &PageCtx, b: &Block, out: &mut Vec<Diagnostic>) {
    // Unclosed macros run to the end of their line; one report per line is enough (every later
    // `{{cloze` on it is unclosed too, and closing the first fixes the line).
    let mut unclosed_line_end = None;
    for x in &b.inlines {
        let InlineKind::Macro { name, args, closed } = &x.kind else {
            continue;
        };
        let n = &ctx.src[name.clone()];
        let msg = if n.eq_ignore_ascii_case("cloze") && !*closed {
            if unclosed_line_end.replace(x.range.end) == Some(x.range.end) {
                continue;
            }
            "This {{cloze is never closed with }}: Logseq shows it as plain text and the card has no cloze.".to_string()
        } else if !*closed {
            continue;
        } else if n == "cloze" && args.is_empty() {
            "{{cloze}} has no text: Logseq renders an empty cloze and never enters the cloze phase of review.".to_string()
        } else if n.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("cloze"))
            && n[5..].starts_with(':')
        {
            format!("`{{{{{n}…}}}}` is not a cloze: Logseq reads the macro name as `{n}`. Write {{{{cloze text}}}}.")
        } else if is_anki_cloze(n) {
            "Anki-style `{{c1::…}}` is not a Logseq cloze: Logseq shows it as an unknown macro. Write {{cloze text}}.".to_string()
        } else {
            continue;
        };
        out.push(Diagnostic::new(Code::ClozeMalformed, x.range.clone(), msg));
    }
}

/// `c1::text`, the name mldoc gives Anki's `{{c1::text}}`.
pub fn is_anki_cloze(name: &str) -> bool {
    let b = name.as_bytes();
    let d = b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
    b.len() > 1 && (b[0] == b'c' || b[0] == b'C') && d > 0 && name[1 + d..].starts_with("::")
}
