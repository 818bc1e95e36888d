//! How a page reference is written: `[[name]]`, `#name`, `#[[name]]` (completion, rename).

/// How a page reference is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefStyle {
    /// `[[name]]`
    Link,
    /// `#name` (becomes `#[[name]]` when the name cannot be a bare tag)
    Tag,
    /// `#[[name]]`
    BracketTag,
}

/// Characters that end a bare `#tag` (mldoc hash_tag.ml), plus brackets.
pub(crate) fn ends_tag(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | '!' | '?' | '\'' | '"' | '#' | '[' | ']' | '(' | ')'
        )
}

/// Whether `name` must be written `#[[name]]` rather than `#name`.
pub fn tag_needs_brackets(name: &str) -> bool {
    name.is_empty()
        || name.chars().any(ends_tag)
        || name.ends_with(['.', ';', ':'])
        || name.starts_with('+')
}

/// How a page name is written in `style`.
pub fn page_ref_text(name: &str, style: RefStyle) -> String {
    match style {
        RefStyle::Link => format!("[[{name}]]"),
        RefStyle::Tag if !tag_needs_brackets(name) => format!("#{name}"),
        RefStyle::Tag | RefStyle::BracketTag => format!("#[[{name}]]"),
    }
}
