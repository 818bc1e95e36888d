//! `{{query`: the cloze and embed macros.

use super::*;

pub(super) fn macro_items(
    query: &str,
    range: &Range<usize>,
    snippets: bool,
    typed: &str,
) -> Completion {
    let q = Query::new(query);
    let all: [(&str, &str, &str, &str); 3] = [
        (
            "cloze",
            "{{cloze ${1:answer}}}$0",
            "{{cloze }}",
            "A cloze: the text is hidden on the card's front",
        ),
        (
            "embed ((block))",
            "{{embed ((${1:block}))}}$0",
            "{{embed (())}}",
            "Embed a block: type its text between the parentheses",
        ),
        (
            "embed [[page]]",
            "{{embed [[${1:page}]]}}$0",
            "{{embed [[]]}}",
            "Embed a page",
        ),
    ];
    let mut scored: Vec<(i64, Item)> = all
        .iter()
        .filter_map(|(label, snip, plain, doc)| {
            let s = q.score(label)?;
            Some((
                s,
                Item {
                    label: label.to_string(),
                    kind: ItemKind::Macro,
                    detail: Some(doc.to_string()),
                    documentation: None,
                    edit: TextEdit::replace(range.clone(), if snippets { *snip } else { *plain }),
                    snippet: snippets,
                    filter: typed.to_string(),
                    add_id: None,
                },
            ))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    Completion {
        items: scored.into_iter().map(|(_, i)| i).collect(),
        incomplete: false,
    }
}
