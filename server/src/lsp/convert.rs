//! Engine diagnostics → LSP diagnostics, in the negotiated encoding, one at a time: the
//! published list (diagnostics.rs, card_memo.rs) and quick fixes (code_action.rs) convert with
//! it.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};

use logseq_core::lint::diagnostic::{Code, Diagnostic, Severity};
use logseq_core::syntax::text::{Encoding, LineIndex, Positions};

use super::position::{range_at, range_to_lsp};

pub const SOURCE: &str = "logseq-lsp";

/// Another page's text and URI, for related places in it.
pub type OtherPage<'a> = dyn Fn(&str) -> Option<(Arc<str>, Uri)> + 'a;

/// What the client asked for, as far as converting diagnostics goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Wanted {
    pub encoding: Encoding,
    pub related_information: bool,
    pub code_description: bool,
}

/// Converts the diagnostics of one snapshot (`text`, `index`), best in page order.
pub struct Converter<'a> {
    uri: &'a Uri,
    this_page: Option<&'a str>,
    wanted: Wanted,
    other: &'a OtherPage<'a>,
    other_pages: HashMap<String, Option<(Arc<str>, LineIndex, Uri)>>,
    docs: HashMap<Code, Option<Uri>>,
    // Each position from the previous one: linear however many share a long line. Related
    // places on this page have a cursor of their own (they sit near their diagnostic, not
    // after the previous one's).
    pos: Positions<'a>,
    here: Positions<'a>,
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

impl<'a> Converter<'a> {
    /// `this_page` is the graph path of `uri`'s page, if it is one: related places there are
    /// converted with `text`; others with `other`'s text of their page.
    pub fn new(
        uri: &'a Uri,
        this_page: Option<&'a str>,
        text: &'a str,
        index: &'a LineIndex,
        wanted: Wanted,
        other: &'a OtherPage<'a>,
    ) -> Converter<'a> {
        Converter {
            uri,
            this_page,
            wanted,
            other,
            other_pages: HashMap::new(),
            docs: HashMap::new(),
            pos: Positions::new(text, index, wanted.encoding),
            here: Positions::new(text, index, wanted.encoding),
        }
    }

    /// Takes the diagnostic by value: its messages move into the LSP one rather than being
    /// copied (thousands on a big page, on every keystroke).
    pub fn convert(&mut self, d: Diagnostic) -> lsp::Diagnostic {
        let enc = self.wanted.encoding;
        let related = (self.wanted.related_information && !d.related.is_empty()).then(|| {
            d.related
                .into_iter()
                .filter_map(|r| {
                    let (ruri, range) = if Some(r.path.as_str()) == self.this_page {
                        (self.uri.clone(), range_at(&mut self.here, &r.range))
                    } else {
                        let other = self.other;
                        let page = self.other_pages.entry(r.path.clone()).or_insert_with(|| {
                            let (text, uri) = other(&r.path)?;
                            let idx = LineIndex::new(&text);
                            Some((text, idx, uri))
                        });
                        let (text, idx, uri) = page.as_ref()?;
                        (uri.clone(), range_to_lsp(text, idx, &r.range, enc))
                    };
                    Some(DiagnosticRelatedInformation {
                        location: Location { uri: ruri, range },
                        message: r.message,
                    })
                })
                .collect()
        });
        let code_description = if self.wanted.code_description {
            // Parsed once per code, not per diagnostic (thousands on a big page).
            self.docs
                .entry(d.code)
                .or_insert_with(|| Uri::from_str(&d.code.docs_url()).ok())
                .clone()
                .map(|href| CodeDescription { href })
        } else {
            None
        };
        lsp::Diagnostic {
            range: range_at(&mut self.pos, &d.range),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            code_description,
            source: Some(SOURCE.to_string()),
            message: d.message,
            related_information: related,
            tags: None,
            data: None,
        }
    }
}
