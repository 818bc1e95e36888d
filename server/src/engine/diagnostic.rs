//! Diagnostics: stable codes, default severities, byte ranges, messages.

use std::ops::Range;

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
    PropertyIgnored = "property-ignored", Warning, "property lines after the block's first property group";
    PropertyMalformed = "property-malformed", Warning, "a line at a property position that looks like key::value but is not read as a property";
    IndentMixed = "indent-mixed", Warning, "tabs and spaces mixed in block indentation so that the nesting differs from how it looks";
    HeadingSplitsBlock = "heading-splits-block", Warning, "an indented line starting with # and a space, which Logseq turns into a new top-level block";
    FenceUnclosed = "fence-unclosed", Warning, "a ``` fence that is never closed: Logseq reads its lines as text and bullets";
}

/// Where rule documentation lives (LSP `codeDescription`).
pub const DOCS_URL: &str = "https://github.com/logseq-lsp/logseq-lsp/blob/main/docs/rules.md";

impl Code {
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
}

impl Diagnostic {
    pub fn new(code: Code, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            range,
            message: message.into(),
            related: Vec::new(),
        }
    }
}
