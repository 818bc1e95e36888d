//! Diagnostics: stable codes, default severities, byte ranges, messages.

use std::ops::Range;

use crate::syntax::text::LineIndex;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "information" | "info" => Severity::Information,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $sev:ident, $summary:literal;)*) => {
        /// Every rule's stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev),* }
            }
            /// One line saying when the rule fires (README and `--help` use it).
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }
            pub fn parse(s: &str) -> Option<Code> {
                match s { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    CardNoAnswer = "card-no-answer", Warning, "a one-line card with no child blocks and no cloze: Logseq's review has nothing to reveal";
    CardAnswerInline = "card-answer-inline", Information, "lines after the card tag on a card with no child blocks and no cloze: Logseq shows them on the front, nothing is hidden";
    CardEmptyQuestion = "card-empty-question", Warning, "a card block holding nothing but the card tag (and properties)";
    CardTagNotNative = "card-tag-not-native", Hint, "a card only through a non-native tag such as #flashcard, which Logseq's review never shows";
    ClozeMalformed = "cloze-malformed", Error, "{{cloze}} with no text, {{cloze: x}}, Anki-style {{c1::x}}, or an unclosed {{cloze";
    CardScheduleInvalid = "card-schedule-invalid", Error, "a card-* value Logseq cannot parse, or out of range";
    CardScheduleOrphan = "card-schedule-orphan", Warning, "card-* properties on a block that is not a card";
    IdInvalid = "id-invalid", Error, "an id:: value that is not an 8-4-4-4-12 hex UUID";
    IdDuplicate = "id-duplicate", Error, "the same id on more than one block of the graph";
    IdIgnored = "id-ignored", Warning, "id:: in a property group that Logseq ignores";
    IdBeforeTitle = "id-before-title", Hint, "- id:: on the bullet line: Logseq shows the next line as the title and writes the id under it on the next edit";
    IdNotLowercase = "id-not-lowercase", Hint, "upper-case hex in an id";
    BlockRefUnresolved = "block-ref-unresolved", Warning, "((uuid)) or {{embed ((uuid))}} naming no block of the graph";
    BlockRefMalformed = "block-ref-malformed", Warning, "(( uuid )) with spaces, or ((…)) that is not a UUID";
    PageMissing = "page-missing", Warning, "(off by default) a tag or page reference to a page no file defines (journal dates and aliases count as pages)";
    PropertyIgnored = "property-ignored", Warning, "property lines after the block's first property group";
    PropertyMalformed = "property-malformed", Warning, "a line at a property position that looks like key::value but is not read as a property";
    PropertyInvalid = "property-invalid", Warning, "a property name Logseq cannot use (graph-parser's :block/invalid-properties): the property is dropped";
    IndentMixed = "indent-mixed", Warning, "tabs and spaces mixed in block indentation so that the nesting differs from how it looks";
    HeadingSplitsBlock = "heading-splits-block", Warning, "an indented line starting with # and a space, which Logseq turns into a new top-level block";
    FenceUnclosed = "fence-unclosed", Warning, "a ``` fence that is never closed: Logseq reads its lines as text and bullets";
    QueryInvalid = "query-invalid", Error, "a #+BEGIN_QUERY that is not valid EDN (Logseq shows \"Invalid query\") or has no :query (Logseq runs nothing)";
    QueryUnknownKey = "query-unknown-key", Hint, "a top-level key of an advanced query that Logseq does not read";
    AssetMissing = "asset-missing", Warning, "a link to a file under assets/ that does not exist";
    AssetUnused = "asset-unused", Information, "(check only) a file in assets/ that no page links to";
    DiagnosticsOmitted = "diagnostics-omitted", Information, "more diagnostics on one line or page than are shown: how many were left out";
}

/// Rules a user turns on (`rules = { page-missing = "warning" }`): page-missing, since in Logseq a
/// reference creates its page, so a missing file is a choice (graph-validator's optional
/// `tags-and-page-refs-have-pages`, for graphs used as a wiki).
pub const OFF_BY_DEFAULT: &[Code] = &[Code::PageMissing];

/// Where rule documentation lives (LSP `codeDescription`).
pub const DOCS_URL: &str = "https://github.com/logseq-lsp/logseq-lsp/blob/main/docs/rules.md";

impl Code {
    /// Findings about a card block as a whole (what kind of card it is, what its front and back
    /// hold, where its id is written), which an editor shows as one per card
    /// (`grouping::per_card`). Findings at one spot (a cloze, a schedule value, a reference)
    /// stay there.
    pub fn is_about_the_card(self) -> bool {
        matches!(
            self,
            Code::CardNoAnswer
                | Code::CardAnswerInline
                | Code::CardEmptyQuestion
                | Code::CardTagNotNative
                | Code::IdBeforeTitle
        )
    }

    pub fn on_by_default(self) -> bool {
        !OFF_BY_DEFAULT.contains(&self)
    }

    pub fn docs_url(self) -> String {
        format!("{DOCS_URL}#{}", self.as_str())
    }
}

/// Another place a diagnostic points at (for example the other copies of a duplicated id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Graph-relative path of the page.
    pub path: String,
    pub range: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
    /// The findings this one stands for, when an editor shows a card's findings as one
    /// (`grouping::per_card`); their quick fixes are this one's. Empty otherwise.
    pub folded: Vec<Diagnostic>,
    /// Texts a quick fix may put in place of the range (asset-missing: the nearest assets), for
    /// a fix that needs what only the graph knows.
    pub replacements: Vec<String>,
}

impl Diagnostic {
    pub fn new(code: Code, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            range,
            message: message.into(),
            related: Vec::new(),
            folded: Vec::new(),
            replacements: Vec::new(),
        }
    }

    /// Where it goes in a page's list: by position, then code (`rules::finish` sorts by it).
    pub fn order(&self) -> (usize, usize, Code) {
        (self.range.start, self.range.end, self.code)
    }
}

/// At most this many diagnostics are shown for one line, and for one page: past that an editor
/// shows nothing useful, and each one costs its conversion and its bytes on every keystroke (a
/// 0.5 MB line of `((x))` gave 20,000). The rest are counted in one `diagnostics-omitted`.
pub const MAX_PER_LINE: usize = 100;
pub const MAX_PER_PAGE: usize = 5_000;

/// The diagnostics to report of a page's sorted list (`rules::finish`): the first
/// [`MAX_PER_LINE`] of each line and the first [`MAX_PER_PAGE`] of the page, each cut marked by
/// one diagnostic at the first left out, saying how many were, as severe as the worst of them.
pub fn capped(diags: Vec<Diagnostic>, index: &LineIndex) -> Vec<Diagnostic> {
    if diags.len() <= MAX_PER_LINE {
        return diags;
    }
    // (diagnostic, how many it stands for: 1, or a summary's count).
    let mut shown: Vec<(Diagnostic, usize)> = Vec::new();
    let mut left: Option<(Diagnostic, usize, Severity)> = None;
    let mut line = usize::MAX;
    let mut on_line = 0;
    let flush = |left: &mut Option<(Diagnostic, usize, Severity)>, shown: &mut Vec<_>| {
        if let Some((first, n, worst)) = left.take() {
            shown.push((summary(&first, n, worst, "line", MAX_PER_LINE), n));
        }
    };
    for d in diags {
        let l = index.line_of(d.range.start);
        if l != line {
            flush(&mut left, &mut shown);
            line = l;
            on_line = 0;
        }
        on_line += 1;
        if on_line <= MAX_PER_LINE {
            shown.push((d, 1));
        } else if let Some((_, n, worst)) = &mut left {
            *n += 1;
            *worst = (*worst).min(d.severity);
        } else {
            let sev = d.severity;
            left = Some((d, 1, sev));
        }
    }
    flush(&mut left, &mut shown);
    let mut real = 0;
    let Some(cut) = shown.iter().position(|(_, n)| {
        real += usize::from(*n == 1);
        real > MAX_PER_PAGE
    }) else {
        return shown.into_iter().map(|(d, _)| d).collect();
    };
    let rest = shown.split_off(cut);
    let n = rest.iter().map(|(_, n)| n).sum();
    let worst = rest
        .iter()
        .map(|(d, _)| d.severity)
        .min()
        .unwrap_or(Severity::Information);
    let page = summary(&rest[0].0, n, worst, "page", MAX_PER_PAGE);
    shown.into_iter().map(|(d, _)| d).chain([page]).collect()
}

fn summary(first: &Diagnostic, n: usize, worst: Severity, of: &str, max: usize) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::DiagnosticsOmitted,
        first.range.clone(),
        format!(
            "{n} more diagnostic{} on this {of} {} not shown (at most {max} per {of}); the first is {}: {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
            first.code.as_str(),
            first.message
        ),
    );
    d.severity = worst;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(d: &[Diagnostic], c: Code) -> usize {
        d.iter().filter(|d| d.code == c).count()
    }

    #[test]
    fn a_long_line_and_a_long_page_are_cut_with_a_count() {
        // 150 on line 0, then 6,000 lines of one each.
        let mut src = "x".repeat(150);
        let mut diags: Vec<Diagnostic> = (0..150)
            .map(|i| Diagnostic::new(Code::BlockRefMalformed, i..i + 1, "m"))
            .collect();
        for i in 0..6_000 {
            src.push('\n');
            let at = src.len();
            src.push('y');
            let mut d = Diagnostic::new(Code::IdInvalid, at..at + 1, format!("{i}"));
            d.severity = Severity::Error;
            diags.push(d);
        }
        let out = capped(diags, &LineIndex::new(&src));
        let omitted: Vec<_> = out
            .iter()
            .filter(|d| d.code == Code::DiagnosticsOmitted)
            .collect();
        assert_eq!(out.len() - omitted.len(), MAX_PER_PAGE);
        assert_eq!(count(&out, Code::BlockRefMalformed), MAX_PER_LINE);
        assert_eq!(omitted.len(), 2);
        assert!(omitted[0]
            .message
            .starts_with("50 more diagnostics on this line are not shown"));
        assert_eq!(omitted[0].range, 100..101);
        assert_eq!(omitted[0].severity, Severity::Warning);
        // Every diagnostic is shown or counted.
        let page_left = 150 + 6_000 - 50 - MAX_PER_PAGE;
        assert!(omitted[1].message.starts_with(&format!(
            "{page_left} more diagnostics on this page are not shown"
        )));
        assert_eq!(omitted[1].severity, Severity::Error);
    }

    #[test]
    fn few_are_left_alone() {
        let d: Vec<_> = (0..MAX_PER_LINE)
            .map(|i| Diagnostic::new(Code::BlockRefMalformed, i..i + 1, "m"))
            .collect();
        assert_eq!(capped(d.clone(), &LineIndex::new(&"x".repeat(200))), d);
    }
}
