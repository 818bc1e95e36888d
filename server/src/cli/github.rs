//! `check --format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the files (`::error file=…,line=…::message`).

use logseq_core::lint::diagnostic::{Diagnostic, Severity};

/// One annotation. Lines and columns are 0-based here, `end` exclusive; the command's are
/// 1-based, and its columns are only given for a one-line range (GitHub's toolkit refuses
/// `col`/`endColumn` when `line` and `endLine` differ).
pub fn annotation(d: &Diagnostic, file: &str, region: Option<((u32, u32), (u32, u32))>) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "notice",
    };
    let mut props = format!("file={}", property(file));
    // A finding about a whole file (asset-unused) names the file alone.
    if let Some((start, end)) = region {
        props.push_str(&format!(",line={},endLine={}", start.0 + 1, end.0 + 1));
        if start.0 == end.0 {
            props.push_str(&format!(",col={},endColumn={}", start.1 + 1, end.1 + 1));
        }
    }
    let title = format!("logseq-lsp {}", d.code.as_str());
    format!(
        "::{command} {props},title={}::{}\n",
        property(&title),
        data(&d.message)
    )
}

/// A command's message, escaped as @actions/core's `escapeData` does.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value, escaped as @actions/core's `escapeProperty` does.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use logseq_core::lint::diagnostic::Code;

    #[test]
    fn escapes_as_the_toolkit_does() {
        let mut d = Diagnostic::new(Code::IdInvalid, 0..1, "50% off:\r\nsee, this");
        d.severity = Severity::Hint;
        assert_eq!(
            annotation(&d, "pages/a,b:c.md", Some(((2, 0), (2, 4)))),
            "::notice file=pages/a%2Cb%3Ac.md,line=3,endLine=3,col=1,endColumn=5,title=logseq-lsp id-invalid::50%25 off:%0D%0Asee, this\n"
        );
        d.severity = Severity::Error;
        assert_eq!(
            annotation(&d, "p.md", Some(((0, 3), (1, 0)))),
            "::error file=p.md,line=1,endLine=2,title=logseq-lsp id-invalid::50%25 off:%0D%0Asee, this\n"
        );
        // A finding about a whole file (asset-unused) names the file alone.
        assert_eq!(
            annotation(&d, "assets/x.png", None),
            "::error file=assets/x.png,title=logseq-lsp id-invalid::50%25 off:%0D%0Asee, this\n"
        );
    }
}
