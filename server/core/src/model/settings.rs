//! User settings shared by every face: card tags, per-rule severity (or off), ignored paths.
//! Read from `logseq-lsp.toml` at the graph root, LSP `initializationOptions` and
//! `workspace/didChangeConfiguration`. Unknown keys and bad values become warnings, never errors.

use std::collections::BTreeMap;

use crate::lint::diagnostic::{Code, Severity};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Lower-case page names that make a block a card.
    pub card_tags: Vec<String>,
    /// `None` turns a rule off.
    pub severity: BTreeMap<Code, Option<Severity>>,
    /// Graph-relative path prefixes to skip.
    pub ignore: Vec<String>,
    /// Pages larger than this are not analysed (a notice says so): bounded work on huge files.
    pub max_file_bytes: usize,
    /// Inlay hints after `((uuid))` references with the target block's title.
    pub inlay_hints: bool,
    /// Inlay hints longer than this many characters are cut with `…`.
    pub inlay_hint_max_length: usize,
    /// A code lens on each page with cards: how many, due, new.
    pub code_lens: bool,
    /// The editor shows a card's findings about the card as a whole as one diagnostic at its
    /// tag (`grouping::per_card`); `check` always lists each.
    pub one_diagnostic_per_card: bool,
    /// The server waits until edits pause this long before it sends diagnostics (at most 500 ms
    /// after the first edit). 0 sends after every change.
    pub debounce_ms: u64,
    /// Push the diagnostics of every page, open or not, to clients that do not pull them
    /// (`workspace/diagnostic` serves those that do).
    pub workspace_diagnostics: bool,
    /// From `logseq/config.edn` (not a user setting): what makes a page reference, hence a card.
    pub refs: crate::model::refs::RefConfig,
}

/// What a setting holds (the editors' settings schemas are made from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    /// A list of non-empty names.
    Names,
    /// A table of rule code = severity or `off`.
    Rules,
    /// A list of graph-relative paths.
    Paths,
    Bool,
    /// A whole number (`min` at least).
    Number {
        min: u64,
    },
}

/// A setting the server reads, by its name in `initializationOptions`, `didChangeConfiguration`
/// and `logseq-lsp.toml` (where `snake_case` and `kebab-case` spellings work too).
#[derive(Debug, Clone, Copy)]
pub struct SettingInfo {
    pub key: &'static str,
    pub kind: SettingKind,
    pub description: &'static str,
}

/// Every setting, in the order editors list them (`logseq-lsp settings` prints them with their
/// defaults; the VS Code extension's are generated from that, scripts/gen-vscode-settings.py).
pub const SETTINGS: &[SettingInfo] = &[
    SettingInfo {
        key: "cardTags",
        kind: SettingKind::Names,
        description: "Tags (page names) that make a block a flashcard, for example `[\"card\", \"flashcard\"]`.",
    },
    SettingInfo {
        key: "rules",
        kind: SettingKind::Rules,
        description: "Severity of each rule, or `off`.",
    },
    SettingInfo {
        key: "ignore",
        kind: SettingKind::Paths,
        description: "Paths relative to the graph root (folders or pages) that are not checked, for example `[\"archive\", \"pages/drafts.md\"]`.",
    },
    SettingInfo {
        key: "maxFileSize",
        kind: SettingKind::Number { min: 1 },
        description: "Pages larger than this many bytes are not analysed (a notice says so).",
    },
    SettingInfo {
        key: "inlayHints",
        kind: SettingKind::Bool,
        description: "Inlay hints after `((uuid))` references with the referenced block's title.",
    },
    SettingInfo {
        key: "inlayHintMaxLength",
        kind: SettingKind::Number { min: 0 },
        description: "Inlay hints longer than this many characters are cut with `…`.",
    },
    SettingInfo {
        key: "codeLens",
        kind: SettingKind::Bool,
        description: "A code lens on each page with cards: how many, how many due, how many new.",
    },
    SettingInfo {
        key: "oneDiagnosticPerCard",
        kind: SettingKind::Bool,
        description: "Show what is found about a card as a whole (its tag, front, back, the id above its title) as one diagnostic at its tag, with the other findings as related information and all their quick fixes.",
    },
    SettingInfo {
        key: "debounceMs",
        kind: SettingKind::Number { min: 0 },
        description: "Milliseconds the server waits after an edit before it publishes diagnostics (at most 500 ms after the first edit; 0: after every change).",
    },
    SettingInfo {
        key: "workspaceDiagnostics",
        kind: SettingKind::Bool,
        description: "Publish the diagnostics of every page of the graph, not only of open pages, to editors that do not ask for them (Neovim, Emacs). Editors that pull diagnostics (VS Code) get them from workspace/diagnostic either way.",
    },
];

/// The [`SETTINGS`] key `k` spells (`cardTags`, `card_tags`, `card-tags`).
pub fn setting_key(k: &str) -> Option<&'static str> {
    SETTINGS
        .iter()
        .map(|s| s.key)
        .find(|key| *key == k || spelled(key, '_') == k || spelled(key, '-') == k)
}

/// `cardTags` spelled with `sep` between lower-case words: `card_tags`, `card-tags`.
fn spelled(key: &str, sep: char) -> String {
    key.chars().fold(String::new(), |mut s, c| {
        if c.is_ascii_uppercase() {
            s.push(sep);
        }
        s.push(c.to_ascii_lowercase());
        s
    })
}

impl Settings {
    /// A setting's value, as JSON (`logseq-lsp settings` prints the defaults so).
    pub fn value_json(&self, key: &str) -> serde_json::Value {
        use serde_json::json;
        match key {
            "cardTags" => json!(self.card_tags),
            "rules" => json!(self
                .severity
                .iter()
                .map(|(c, s)| (c.as_str(), s.map_or("off", |s| s.as_str())))
                .collect::<BTreeMap<_, _>>()),
            "ignore" => json!(self.ignore),
            "maxFileSize" => json!(self.max_file_bytes),
            "inlayHints" => json!(self.inlay_hints),
            "inlayHintMaxLength" => json!(self.inlay_hint_max_length),
            "codeLens" => json!(self.code_lens),
            "oneDiagnosticPerCard" => json!(self.one_diagnostic_per_card),
            "debounceMs" => json!(self.debounce_ms),
            "workspaceDiagnostics" => json!(self.workspace_diagnostics),
            _ => serde_json::Value::Null,
        }
    }
}

/// Default longest title shown as an inlay hint.
pub const DEFAULT_INLAY_HINT_MAX_LENGTH: usize = 60;

/// Default debounce of the server's diagnostics.
pub const DEFAULT_DEBOUNCE_MS: u64 = 50;

/// Default size cap: far above any real page (the largest in the docs graph is 60 KB).
pub const DEFAULT_MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            card_tags: vec!["card".into(), "flashcard".into()],
            severity: BTreeMap::new(),
            ignore: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            inlay_hints: true,
            inlay_hint_max_length: DEFAULT_INLAY_HINT_MAX_LENGTH,
            code_lens: true,
            one_diagnostic_per_card: true,
            debounce_ms: DEFAULT_DEBOUNCE_MS,
            workspace_diagnostics: false,
            refs: crate::model::refs::RefConfig::default(),
        }
    }
}

impl Settings {
    /// The severity a rule reports at, or `None` when it is off (by the user, or by default).
    pub fn severity_of(&self, code: Code) -> Option<Severity> {
        self.severity
            .get(&code)
            .copied()
            .unwrap_or(code.on_by_default().then(|| code.default_severity()))
    }

    pub fn is_ignored(&self, rel_path: &str) -> bool {
        self.ignore.iter().any(|p| {
            let p = p.trim_start_matches('/');
            rel_path == p
                || rel_path.starts_with(&format!("{}/", p.trim_end_matches('/')))
                || (p.ends_with('/') && rel_path.starts_with(p))
        })
    }

    /// Applies a JSON object (`{"cardTags": [...], "rules": {"id-invalid": "off"}, "ignore": [...]}`;
    /// snake_case and kebab-case keys accepted too). Returns warnings for what it could not use.
    pub fn apply_json(&mut self, v: &serde_json::Value) -> Vec<String> {
        let mut warnings = Vec::new();
        let Some(obj) = v.as_object() else {
            if !v.is_null() {
                warnings.push("settings must be an object; ignored".to_string());
            }
            return warnings;
        };
        for (k, val) in obj {
            match setting_key(k) {
                Some("cardTags") => match val.as_array() {
                    Some(a)
                        if a.iter()
                            .all(|x| x.as_str().is_some_and(|s| !s.trim().is_empty())) =>
                    {
                        self.card_tags = a
                            .iter()
                            .map(|x| x.as_str().unwrap().trim().to_lowercase())
                            .collect();
                    }
                    _ => warnings.push(format!(
                        "`{k}` must be a list of non-empty tag names; kept {:?}",
                        self.card_tags
                    )),
                },
                Some("rules") => match val.as_object() {
                    Some(r) => {
                        for (code, sev) in r {
                            let Some(c) = Code::parse(code) else {
                                warnings.push(format!("unknown rule `{code}` in `rules`"));
                                continue;
                            };
                            match sev.as_str() {
                                Some("off") => {
                                    self.severity.insert(c, None);
                                }
                                Some(s) if Severity::parse(s).is_some() => {
                                    self.severity.insert(c, Severity::parse(s));
                                }
                                _ => warnings.push(format!(
                                    "rule `{code}`: {sev} is not one of error, warning, information, hint, off"
                                )),
                            }
                        }
                    }
                    None => warnings.push("`rules` must be a table of rule = severity".to_string()),
                },
                Some("ignore") => match val.as_array() {
                    Some(a) if a.iter().all(|x| x.is_string()) => {
                        self.ignore = a.iter().map(|x| x.as_str().unwrap().to_string()).collect();
                    }
                    _ => warnings.push("`ignore` must be a list of paths".to_string()),
                },
                Some("maxFileSize") => match val.as_u64() {
                    Some(n) if n > 0 => self.max_file_bytes = n as usize,
                    _ => warnings.push(format!("`{k}` must be a positive number of bytes")),
                },
                Some("inlayHints") => match val.as_bool() {
                    Some(b) => self.inlay_hints = b,
                    None => warnings.push(format!("`{k}` must be true or false")),
                },
                Some("inlayHintMaxLength") => match val.as_u64() {
                    Some(n) => self.inlay_hint_max_length = n as usize,
                    None => warnings.push(format!("`{k}` must be a number of characters")),
                },
                Some("codeLens") => match val.as_bool() {
                    Some(b) => self.code_lens = b,
                    None => warnings.push(format!("`{k}` must be true or false")),
                },
                Some("oneDiagnosticPerCard") => match val.as_bool() {
                    Some(b) => self.one_diagnostic_per_card = b,
                    None => warnings.push(format!("`{k}` must be true or false")),
                },
                Some("workspaceDiagnostics") => match val.as_bool() {
                    Some(b) => self.workspace_diagnostics = b,
                    None => warnings.push(format!("`{k}` must be true or false")),
                },
                Some("debounceMs") => match val.as_u64() {
                    Some(n) => self.debounce_ms = n,
                    None => warnings.push(format!("`{k}` must be a number of milliseconds")),
                },
                // Keys other faces own (the editor extensions pass their whole section).
                None if k == "serverPath" || k == "trace" => {}
                _ => warnings.push(format!("unknown setting `{k}`")),
            }
        }
        warnings
    }

    /// Reads `logseq-lsp.toml` text.
    pub fn apply_toml(&mut self, text: &str) -> Vec<String> {
        match toml::from_str::<toml::Value>(text) {
            Ok(v) => match serde_json::to_value(v) {
                Ok(j) => self.apply_json(&j),
                Err(e) => vec![format!("logseq-lsp.toml: {e}")],
            },
            Err(e) => vec![format!(
                "logseq-lsp.toml is not valid TOML, using defaults: {}",
                e.message()
            )],
        }
    }
}

pub const SETTINGS_FILE: &str = "logseq-lsp.toml";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_settings_with_warnings() {
        let mut s = Settings::default();
        let w = s.apply_toml("card_tags = [\"Card\", \"anki\"]\nignore = [\"archive\"]\ncolour = 1\nmax_file_size = 1000\n[rules]\nid-invalid = \"off\"\ncard-no-answer = \"loud\"\nno-such = \"hint\"\n");
        assert_eq!(s.card_tags, ["card", "anki"]);
        assert_eq!(s.max_file_bytes, 1000);
        assert_eq!(s.severity_of(Code::IdInvalid), None);
        assert_eq!(s.severity_of(Code::CardNoAnswer), Some(Severity::Warning));
        assert!(s.is_ignored("archive/x.md") && !s.is_ignored("archived.md"));
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(!s.apply_toml("card_tags = [").is_empty());
    }

    #[test]
    fn navigation_settings() {
        let mut s = Settings::default();
        assert!(s.inlay_hints && s.code_lens);
        let w =
            s.apply_toml("inlay_hints = false\ninlay_hint_max_length = 20\ncode_lens = false\n");
        assert!(w.is_empty(), "{w:?}");
        assert!(!s.inlay_hints && !s.code_lens);
        assert_eq!(s.inlay_hint_max_length, 20);
        let w = s.apply_json(&serde_json::json!({"inlayHints": "yes", "codeLens": true}));
        assert_eq!(w.len(), 1);
        assert!(s.code_lens);
    }

    /// The list editors are made from is the list the server reads: each setting in every
    /// spelling, with its default value, is taken without a warning and changes nothing.
    #[test]
    fn every_listed_setting_is_read() {
        let d = Settings::default();
        for info in SETTINGS {
            for k in [
                info.key.to_string(),
                spelled(info.key, '_'),
                spelled(info.key, '-'),
            ] {
                let mut s = Settings::default();
                let w = s.apply_json(&serde_json::json!({ k.clone(): d.value_json(info.key) }));
                assert!(w.is_empty(), "{k}: {w:?}");
                assert_eq!(s, d, "{k}");
            }
            assert_ne!(
                d.value_json(info.key),
                serde_json::Value::Null,
                "{}",
                info.key
            );
        }
        assert_eq!(
            setting_key("inlay-hint-max-length"),
            Some("inlayHintMaxLength")
        );
        assert_eq!(setting_key("inlayhintmaxlength"), None);
        assert_eq!(
            Settings::default()
                .apply_json(&serde_json::json!({"colour": 1}))
                .len(),
            1
        );
    }
}
