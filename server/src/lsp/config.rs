//! Settings from three sources, later ones winning key by key: `logseq-lsp.toml` at the graph
//! root, `initializationOptions`, and the latest `workspace/didChangeConfiguration`. The engine's
//! `Settings::apply_json` reads each; this file only picks the section and keeps the layers.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use logseq_core::model::settings::Settings;

/// Editors nest settings under the server's name (`"logseq-lsp"` in VS Code's settings.json,
/// `logseqLsp` in Lua/JS configs) or send them bare: accept all three.
pub fn section(v: &Value) -> Value {
    for k in ["logseq-lsp", "logseqLsp", "logseq_lsp"] {
        if let Some(s) = v.get(k) {
            return s.clone();
        }
    }
    v.clone()
}

pub struct Config {
    /// From `logseq-lsp.toml` (defaults when there is none).
    file: Settings,
    init: Value,
    changed: Value,
    /// The effective settings every request uses.
    pub settings: Arc<Settings>,
    /// Warnings about the client's layers already shown: editors send the same settings as
    /// initializationOptions and again through workspace/configuration, and one bad key was
    /// reported twice (issue 12).
    reported: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            file: Settings::default(),
            init: Value::Null,
            changed: Value::Null,
            settings: Arc::new(Settings::default()),
            reported: Vec::new(),
        }
    }
}

/// What a configuration change did.
pub struct Applied {
    pub warnings: Vec<String>,
    /// The effective settings differ from before: open documents need re-analysis.
    pub changed: bool,
}

impl Config {
    /// How long edits must pause before diagnostics are sent (`debounce_ms`, any layer).
    pub fn debounce(&self) -> Duration {
        Duration::from_millis(self.settings.debounce_ms)
    }

    pub fn set_initialization_options(&mut self, v: Option<&Value>) -> Applied {
        self.init = v.map(section).unwrap_or(Value::Null);
        self.recompute(Source::Init)
    }

    pub fn set_client_settings(&mut self, v: &Value) -> Applied {
        self.changed = section(v);
        self.recompute(Source::Changed)
    }

    pub fn set_file_settings(&mut self, s: Settings) -> Applied {
        self.file = s;
        self.recompute(Source::File)
    }

    /// The client's layers, for code that rebuilds settings on its own thread (indexing).
    pub fn client_layers(&self) -> (Value, Value) {
        (self.init.clone(), self.changed.clone())
    }

    fn recompute(&mut self, source: Source) -> Applied {
        let mut s = self.file.clone();
        let w_init = s.apply_json(&self.init);
        let w_changed = s.apply_json(&self.changed);
        // Report only what the layer just set says and is not already on screen.
        let fresh = match source {
            Source::Init => &w_init,
            Source::Changed => &w_changed,
            Source::File => &Vec::new(),
        };
        let warnings: Vec<String> = fresh
            .iter()
            .filter(|w| !self.reported.contains(w))
            .cloned()
            .collect();
        self.reported = w_init.into_iter().chain(w_changed).collect();
        let changed = *self.settings != s;
        self.settings = Arc::new(s);
        Applied { warnings, changed }
    }
}

enum Source {
    Init,
    Changed,
    File,
}

/// Settings the client layers give on top of `file` (used when indexing re-reads the toml).
pub fn layered(file: &Settings, init: &Value, changed: &Value) -> Settings {
    let mut s = file.clone();
    s.apply_json(init);
    s.apply_json(changed);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use logseq_core::lint::diagnostic::Code;
    use serde_json::json;

    #[test]
    fn layers_sections_and_debounce() {
        let mut c = Config::default();
        let a = c.set_initialization_options(Some(
            &json!({"logseqLsp": {"debounceMs": 0, "rules": {"id-invalid": "off"}, "bogus": 1}}),
        ));
        assert!(a.changed);
        assert_eq!(a.warnings, ["unknown setting `bogus`"]);
        assert_eq!(c.debounce(), Duration::ZERO);
        assert_eq!(c.settings.severity_of(Code::IdInvalid), None);
        // A later layer wins key by key; the earlier layer's other keys stay.
        let a = c.set_client_settings(&json!({"logseq-lsp": {"rules": {"id-invalid": "hint"}}}));
        assert!(a.changed && a.warnings.is_empty());
        assert!(c.settings.severity_of(Code::IdInvalid).is_some());
        assert_eq!(c.debounce(), Duration::ZERO);
        // Bare settings are accepted too; the same settings again change nothing.
        let a = c.set_client_settings(&json!({"rules": {"id-invalid": "hint"}}));
        assert!(!a.changed);
        let a = c.set_client_settings(&json!({"rules": 3}));
        assert_eq!(a.warnings.len(), 1);
    }

    #[test]
    fn a_bad_setting_sent_twice_is_reported_once() {
        // VS Code and Neovim send the same settings as initializationOptions and again as
        // workspace/configuration or didChangeConfiguration.
        let mut c = Config::default();
        let bad = json!({"logseq-lsp": {"bogus": 1}});
        assert_eq!(c.set_initialization_options(Some(&bad)).warnings.len(), 1);
        assert!(c.set_client_settings(&bad).warnings.is_empty());
        assert!(c.set_client_settings(&bad).warnings.is_empty());
        // Another bad value is new, so it is reported.
        let other = json!({"logseq-lsp": {"bogus": 1, "rules": 3}});
        let a = c.set_client_settings(&other);
        assert_eq!(a.warnings.len(), 1, "{:?}", a.warnings);
        assert!(a.warnings[0].contains("rules"), "{:?}", a.warnings);
    }

    #[test]
    fn debounce_from_the_toml_file_and_a_bad_value_warns() {
        // Before, `debounce_ms` in logseq-lsp.toml was accepted and ignored.
        let mut file = Settings::default();
        assert!(file.apply_toml("debounce_ms = 250\n").is_empty());
        let mut c = Config::default();
        assert_eq!(c.debounce(), Duration::from_millis(50));
        c.set_file_settings(file);
        assert_eq!(c.debounce(), Duration::from_millis(250));
        // The client's layer wins over the file's.
        c.set_initialization_options(Some(&json!({"debounceMs": 0})));
        assert_eq!(c.debounce(), Duration::ZERO);
        let mut s = Settings::default();
        assert_eq!(
            s.apply_toml("debounce_ms = \"fast\"\n"),
            ["`debounce_ms` must be a number of milliseconds"]
        );
    }
}
