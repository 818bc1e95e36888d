//! `logseq-lsp settings`: the settings the server reads and the rules, as JSON, for editors'
//! settings schemas (scripts/gen-vscode-settings.py makes the VS Code extension's from it).

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use logseq_core::model::settings::{SettingKind, Settings, SETTINGS};

pub fn run() -> ExitCode {
    let d = Settings::default();
    let settings: Vec<_> = SETTINGS
        .iter()
        .map(|s| {
            let (kind, min) = match s.kind {
                SettingKind::Names => ("names", None),
                SettingKind::Rules => ("rules", None),
                SettingKind::Paths => ("paths", None),
                SettingKind::Bool => ("boolean", None),
                SettingKind::Number { min } => ("number", Some(min)),
            };
            json!({"key": s.key, "kind": kind, "minimum": min, "default": d.value_json(s.key),
                   "description": s.description})
        })
        .collect();
    let rules = super::rules::table();
    let text = serde_json::to_string_pretty(&json!({"settings": settings, "rules": rules}))
        .unwrap_or_default();
    // A closed pipe (`| head`) is the reader's choice, not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    ExitCode::SUCCESS
}
