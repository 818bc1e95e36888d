//! `check --format sarif`: one SARIF 2.1.0 run (GitHub code scanning takes one run per tool).
//! Results name pages relative to their graph root (`uriBaseId`, resolved by
//! `originalUriBaseIds`); regions are 1-based, columns in UTF-16 code units (`columnKind`,
//! written out although it is the default).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::session::Session;
use logseq_core::lint::diagnostic::{Code, Diagnostic, Severity};
use logseq_core::model::settings::Settings;

/// The repository, for `informationUri`.
const HOME: &str = "https://github.com/logseq-lsp/logseq-lsp";

/// What a URI path segment keeps as it is (RFC 3986 unreserved characters and `/`).
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The `uriBaseId` of the `i`th graph root checked.
pub fn base_id(i: usize) -> String {
    if i == 0 {
        "GRAPHROOT".into()
    } else {
        format!("GRAPHROOT{}", i + 1)
    }
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// The log up to the first result: the tool with every rule, the graph roots.
pub fn header(sessions: &[Session]) -> String {
    let defaults = Settings::default();
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|&c| {
            let full = docs_section(c).unwrap_or(c.summary());
            let mut config = json!({"level": level(c.default_severity())});
            if defaults.severity_of(c).is_none() {
                config["enabled"] = json!(false);
            }
            json!({
                "id": c.as_str(),
                "shortDescription": {"text": c.summary()},
                "fullDescription": {"text": full},
                "help": {"text": full, "markdown": format!("{full}\n\n[docs/rules.md]({})", c.docs_url())},
                "helpUri": c.docs_url(),
                "defaultConfiguration": config,
            })
        })
        .collect();
    let bases: serde_json::Map<String, Value> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (base_id(i), json!({"uri": dir_uri(&s.loaded.root)})))
        .collect();
    let run = json!({
        "tool": {"driver": {
            "name": "logseq-lsp",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": HOME,
            "rules": rules,
        }},
        "columnKind": "utf16CodeUnits",
        "originalUriBaseIds": bases,
    });
    // The run without its closing brace, then the results array opened.
    let run = run.to_string();
    format!(
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{},\"results\":[",
        &run[..run.len() - 1]
    )
}

/// After the last result: the files that could not be read, as notifications.
pub fn footer(sessions: &[Session]) -> String {
    let notes: Vec<Value> = sessions
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            let base = base_id(i);
            let warnings = s.loaded.config_warnings.iter().map(|w| {
                json!({"level": "warning", "message": {"text": w}})
            });
            let problems = s.loaded.problems.iter().map(move |p| {
                json!({
                    "level": "warning",
                    "message": {"text": p.message},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": path_uri(&p.path), "uriBaseId": base}}}],
                })
            });
            warnings.chain(problems).collect::<Vec<_>>()
        })
        .collect();
    let invocations = json!([{"executionSuccessful": true, "toolExecutionNotifications": notes}]);
    format!("],\"invocations\":{invocations}}}]}}\n")
}

/// One result. Lines and columns are 0-based here (as `Positions` gives them), `end` exclusive;
/// a finding about a whole file (asset-unused) has no region.
pub fn result(
    d: &Diagnostic,
    path: &str,
    base: &str,
    region: Option<((u32, u32), (u32, u32))>,
) -> String {
    let mut location = json!({"artifactLocation": {"uri": path_uri(path), "uriBaseId": base}});
    if let Some((start, end)) = region {
        location["region"] = json!({
            "startLine": start.0 + 1,
            "startColumn": start.1 + 1,
            "endLine": end.0 + 1,
            "endColumn": end.1 + 1,
        });
    }
    json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": Code::ALL.iter().position(|&c| c == d.code),
        "level": level(d.severity),
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location}],
    })
    .to_string()
}

/// A graph-relative path as a relative URI reference (`pages/My%20Page.md`).
fn path_uri(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// A folder as a `file:` URI ending in `/` (a base URI must, for relative ones to resolve into
/// it).
fn dir_uri(dir: &std::path::Path) -> String {
    let mut p = dir.to_string_lossy().replace('\\', "/");
    if !p.starts_with('/') {
        p.insert(0, '/'); // C:/x → /C:/x
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{}", utf8_percent_encode(&p, PATH))
}

/// The rule's section of docs/rules.md (after its `## code` heading), as one paragraph.
fn docs_section(code: Code) -> Option<&'static str> {
    static SECTIONS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let sections = SECTIONS.get_or_init(|| {
        include_str!("../../../docs/rules.md")
            .split("\n## ")
            .skip(1)
            .filter_map(|s| {
                let (title, body) = s.split_once('\n')?;
                let text = body.split_whitespace().collect::<Vec<_>>().join(" ");
                Some((title.trim().to_string(), text))
            })
            .collect()
    });
    sections
        .iter()
        .find(|(t, _)| t == code.as_str())
        .map(|(_, b)| b.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            path_uri("pages/Kubernetes in Action 😀%.md"),
            "pages/Kubernetes%20in%20Action%20%F0%9F%98%80%25.md"
        );
        assert_eq!(
            dir_uri(std::path::Path::new("/tmp/my graph")),
            "file:///tmp/my%20graph/"
        );
    }

    #[test]
    fn a_rules_full_description_is_its_docs_section() {
        let d = docs_section(Code::IdInvalid).unwrap();
        assert!(d.starts_with("**error.** An `id::`"), "{d}");
        assert!(!d.contains('\n') && !d.contains("## id-duplicate"), "{d}");
    }
}
