//! `logseq-lsp rules --format json`: the rule table (code, default severity, whether it is on by
//! default, whether it has a fix, summary), the one source of the tables generated from it
//! (scripts/gen-rule-tables.py: docs/rules.md, tools/gen_graph.py; `settings` carries it to the
//! VS Code settings schema).

use std::io::Write;
use std::process::ExitCode;

use serde_json::{json, Value};

use logseq_core::lint::diagnostic::Code;
use logseq_core::lint::fixes::has_fix;

/// One JSON object per rule, in `Code::ALL` order.
pub fn table() -> Vec<Value> {
    Code::ALL
        .iter()
        .map(|&c| {
            json!({"code": c.as_str(), "default": c.default_severity().as_str(),
                   "on_by_default": c.on_by_default(), "fixable": has_fix(c),
                   "summary": c.summary()})
        })
        .collect()
}

pub fn run() -> ExitCode {
    let text = serde_json::to_string_pretty(&table()).unwrap_or_default();
    // A closed pipe (`| head`) is the reader's choice, not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    ExitCode::SUCCESS
}
