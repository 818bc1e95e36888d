//! A card's question, answer and clozes.

use super::*;

/// The cards among `blocks` (indices into the outline); a card reads only its own subtree.
pub fn cards_in(
    src: &str,
    outline: &Outline,
    tags: &[String],
    blocks: std::ops::Range<usize>,
    cfg: &RefConfig,
) -> Vec<Card> {
    let mut out = Vec::new();
    // Reused for every card's "has the front text" test.
    let mut scratch = String::new();
    let span = match (outline.blocks.get(blocks.start), blocks.end.checked_sub(1)) {
        (Some(first), Some(last)) if last < outline.blocks.len() => {
            first.range.start..outline.blocks[last].range.end
        }
        _ => 0..0,
    };
    let mentions = TagNames::cached(tags).find(src, span);
    for (i, b) in outline.blocks_in(blocks) {
        let found = card_refs(src, outline, i, tags, &mentions, cfg);
        if found.is_empty() {
            continue;
        }
        let tag_range = found[0].1.clone();
        let mut card_tags: Vec<String> = Vec::new();
        for (t, _) in &found {
            if !card_tags.contains(t) {
                card_tags.push(t.clone());
            }
        }
        // The line carrying the first card tag; a tag in a property (`tags:: card`) counts as
        // the title's line.
        let tag_line = b
            .lines
            .iter()
            .position(|l| l.line.start <= tag_range.start && tag_range.start <= l.line.end);
        let tag_line = match tag_line {
            Some(k) if b.lines[k].kind != LineKind::Property => k,
            _ => 0,
        };
        let shown = blocks::shown_lines(src, b);
        let mut front = Vec::new();
        let mut lines_after_tag = Vec::new();
        let mut front_has_text = false;
        for (k, bl) in b.lines.iter().enumerate() {
            if !shown[k] {
                continue;
            }
            let r = trimmed(src, line_text(b, bl));
            if r.is_empty() {
                continue;
            }
            if !front_has_text {
                strip_ranges(src, r.clone(), &found, &mut scratch);
                front_has_text = !scratch.trim().is_empty();
            }
            if k > tag_line {
                lines_after_tag.push(r.clone());
            }
            front.push(r);
        }
        let mut clozes = Vec::new();
        let mut prev_end = None;
        for x in &b.inlines {
            if let Some(z) = as_cloze(src, b, x, prev_end) {
                clozes.push(z);
            }
            if !matches!(x.kind, InlineKind::Macro { closed: false, .. }) {
                prev_end = Some(x.range.end);
            }
        }
        let (has_children, has_cloze_phase) = subtree_shape(src, outline, i);
        out.push(Card {
            block: i,
            native: card_tags.iter().any(|t| t == NATIVE_TAG),
            tags: card_tags,
            tag_range,
            front,
            front_has_text,
            lines_after_tag,
            has_children,
            clozes,
            has_cloze_phase,
        });
    }
    out
}

/// What a card reads from its subtree, not its own block: whether it has children, and
/// whether any block of it holds a cloze (Logseq's cloze phase). Re-analysis reads these
/// again for cards it moves, since an edit before a block can change its nesting.
pub(crate) fn subtree_shape(src: &str, outline: &Outline, i: usize) -> (bool, bool) {
    let end = outline.subtree_end(i);
    let stop = outline.blocks.get(end).map_or(src.len(), |n| n.range.start);
    (
        end > i + 1,
        src[outline.blocks[i].range.start..stop].contains("{{cloze "),
    )
}

/// `src[r]` without the card tags inside it, into `s` (cleared first).
pub(super) fn strip_ranges(
    src: &str,
    r: Range<usize>,
    cut: &[(String, Range<usize>)],
    s: &mut String,
) {
    s.clear();
    let mut pos = r.start;
    for (_, c) in cut
        .iter()
        .filter(|(_, c)| c.start >= r.start && c.end <= r.end)
    {
        s.push_str(&src[pos..c.start]);
        pos = c.end;
    }
    s.push_str(&src[pos..r.end]);
}

/// Two spaces per level of nesting below the card's children.
pub(super) fn push_pad(s: &mut String, levels: usize) {
    for _ in 0..levels {
        s.push_str("  ");
    }
}

/// The text range of a body line: the title for the first line.
pub(super) fn line_text(b: &Block, bl: &BodyLine) -> Range<usize> {
    if bl.kind == LineKind::First {
        b.title.clone()
    } else {
        bl.line.range()
    }
}

/// The front's lines joined with `\n`, cloze `k` replaced by `show(k, cloze)`.
pub(super) fn render_front(
    src: &str,
    front: &[Range<usize>],
    clozes: &[Cloze],
    show: impl Fn(usize, &Cloze) -> String,
) -> String {
    let mut buf = String::new();
    let mut zs = clozes.iter().enumerate().peekable();
    for (k, r) in front.iter().enumerate() {
        if k > 0 {
            buf.push('\n');
        }
        let mut pos = r.start;
        while let Some(&(n, z)) = zs.peek().filter(|(_, z)| z.range.start < r.end) {
            if z.range.start >= pos && z.range.end <= r.end {
                buf.push_str(&src[pos..z.range.start]);
                buf.push_str(&show(n, z));
                pos = z.range.end;
            }
            zs.next();
        }
        buf.push_str(&src[pos..r.end]);
    }
    buf
}

/// `x` as a cloze, if Logseq renders it as one. mldoc 1.5.7 reads `{{cloze …}}` (and
/// `{{{cloze …}}}`) as the macro `cloze` only at the start of the text, after a space or tab, or
/// right after another inline (`a{{cloze x}}` and `({{cloze x}})` are plain text); with a space
/// after the name (`{{cloze<TAB>x}}` is the macro `cloze<TAB>x`); and with arguments its macro
/// grammar accepts (`{{cloze a}b}}` is plain text). `prev_end` is the end of the inline before.
pub(super) fn as_cloze(src: &str, b: &Block, x: &Inline, prev_end: Option<usize>) -> Option<Cloze> {
    let InlineKind::Macro {
        name,
        args,
        closed: true,
    } = &x.kind
    else {
        return None;
    };
    let bytes = src.as_bytes();
    let mut range = x.range.clone();
    match &src[name.clone()] {
        "cloze" => {}
        // `{{{cloze x}}}`: the scanner sees the macro `{cloze` closed one `}` early.
        "{cloze" if bytes.get(range.end) == Some(&b'}') => range.end += 1,
        _ => return None,
    }
    if bytes.get(name.end) == Some(&b'\t') {
        return None;
    }
    let after_space = range.start > 0 && matches!(bytes[range.start - 1], b' ' | b'\t');
    let at_start = || {
        b.lines
            .iter()
            .any(|l| trimmed(src, line_text(b, l)).start == range.start)
    };
    if !(after_space || prev_end == Some(range.start) || at_start()) {
        return None;
    }
    let parts = macro_args(&src[args.clone()])?;
    if parts.is_empty() {
        return None;
    }
    Some(parse_cloze(range, &parts.join(", ")))
}

/// mldoc 1.5.7's macro arguments: separated by `,`, leading spaces dropped (trailing ones kept);
/// an argument that starts with `[[…]]` or `((…))` is that link alone; `"…"` is kept with its
/// quotes; other text stops at `}`. None when mldoc reads no macro at all (an empty argument,
/// text after a leading link, a `}` in the text). Learnt from mldoc 1.5.7's output (tests below).
pub fn macro_args(a: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    if a.trim().is_empty() {
        return Some(out);
    }
    let mut rest = a;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let link = [("[[", "]]"), ("((", "))")]
            .iter()
            .find(|(o, _)| rest.starts_with(o))
            .and_then(|(_, c)| rest.find(c).map(|p| p + 2));
        let (arg, after) = if let Some(e) = link {
            (&rest[..e], rest[e..].trim_start_matches([' ', '\t']))
        } else if let Some(q) = rest.strip_prefix('"').and_then(|r| r.find('"')) {
            (
                &rest[..q + 2],
                rest[q + 2..].trim_start_matches([' ', '\t']),
            )
        } else {
            let e = rest.find(',').unwrap_or(rest.len());
            (&rest[..e], &rest[e..])
        };
        if arg.is_empty() || arg.contains('}') {
            return None;
        }
        out.push(arg);
        match after.strip_prefix(',') {
            Some(r) => rest = r,
            None if after.is_empty() => return Some(out),
            None => return None,
        }
    }
}

/// srs.cljs@0.10.9 `cloze-parse`: the last `\\` separates the cue; with a cue the answer is
/// right-trimmed and the cue trimmed, without one the text is the answer as it is.
pub fn parse_cloze(range: Range<usize>, content: &str) -> Cloze {
    match content.rfind("\\\\") {
        Some(p) => Cloze {
            range,
            answer: content[..p].trim_end().to_string(),
            cue: Some(content[p + 2..].trim().to_string()).filter(|c| !c.is_empty()),
        },
        None => Cloze {
            range,
            answer: content.to_string(),
            cue: None,
        },
    }
}

/// A short name for the card (outline and workspace symbols): its first line of text without
/// the card tag.
pub fn name(src: &str, card: &Card) -> String {
    let mut s = String::new();
    for r in &card.front {
        let t = &src[r.clone()];
        let t = if r.start <= card.tag_range.start && card.tag_range.end <= r.end {
            let (a, b) = (card.tag_range.start - r.start, card.tag_range.end - r.start);
            format!("{} {}", &t[..a], &t[b..])
        } else {
            t.to_string()
        };
        s = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !s.is_empty() {
            break;
        }
    }
    s
}

/// [`name`] clipped to `max` characters as [`blocks::clip`](crate::syntax::blocks::clip) clips
/// it, reading only as many words as that needs: a diagnostic per card names its card on every
/// keystroke, and a Readwise card's first line is a whole highlight.
pub fn name_clipped(src: &str, card: &Card, max: usize) -> String {
    let mut s = String::new();
    push_name_clipped(&mut s, src, card, max);
    s
}

/// [`name_clipped`] written onto `out`: no string of its own (a big page's messages name
/// every card on every keystroke).
pub fn push_name_clipped(out: &mut String, src: &str, card: &Card, max: usize) {
    let start = out.len();
    for r in &card.front {
        let t = &src[r.clone()];
        let (a, b) = if r.start <= card.tag_range.start && card.tag_range.end <= r.end {
            (card.tag_range.start - r.start, card.tag_range.end - r.start)
        } else {
            (t.len(), t.len())
        };
        // What `name` joins: the words on either side of the tag, one space between them.
        let mut chars = 0;
        for w in t[..a].split_whitespace().chain(t[b..].split_whitespace()) {
            if out.len() > start {
                out.push(' ');
                chars += 1;
            }
            out.push_str(w);
            chars += w.chars().count();
            // One character past `max` is all `clip` looks at.
            if chars > max {
                break;
            }
        }
        if out.len() > start {
            break;
        }
    }
    // What `blocks::clip` does, in place.
    if let Some((i, _)) = out[start..].char_indices().nth(max) {
        let kept = out[start..start + i].trim_end().len();
        out.truncate(start + kept);
        out.push('…');
    }
}

/// The front as phase 1 of the review shows it: every cloze hidden as `[...]`, or `(cue)`
/// (srs.cljs@0.10.9 `cloze-macro-show`).
pub fn masked(src: &str, card: &Card) -> String {
    render_front(src, &card.front, &card.clozes, |_, z| match &z.cue {
        Some(cue) => format!("({cue})"),
        None => "[...]".to_string(),
    })
}

/// The front as "Show clozes" (phase 3) shows it: every cloze as `[answer]`.
pub fn revealed(src: &str, card: &Card) -> String {
    render_front(src, &card.front, &card.clozes, |_, z| {
        format!("[{}]", z.answer)
    })
}
