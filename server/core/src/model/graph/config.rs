//! The parts of `logseq/config.edn` that change how a graph is read.

use super::names::NameFormat;
use crate::model::refs::RefConfig;
use crate::syntax::edn;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphConfig {
    pub hidden: Vec<String>,
    pub name_format: NameFormat,
    pub pages_dir: String,
    pub journals_dir: String,
    /// `:journal/page-title-format`: how journal pages are named (`journal.rs`).
    pub date_formatter: String,
    /// What makes a page reference (`:property-pages/…`, `:property/separated-by-commas`, …).
    pub refs: RefConfig,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            hidden: Vec::new(),
            name_format: NameFormat::Legacy,
            pages_dir: "pages".into(),
            journals_dir: "journals".into(),
            date_formatter: super::journal::DEFAULT_FORMAT.into(),
            refs: RefConfig::default(),
        }
    }
}

impl GraphConfig {
    /// Reads config.edn text. A text Logseq would not read (it shows an error and keeps its
    /// defaults: frontend/handler/common/config_edn.cljs `validate-config-edn`, 0.10.9) gives
    /// the defaults and one message naming the line; an empty file is the defaults, silently.
    pub fn from_edn(text: &str) -> (GraphConfig, Option<String>) {
        let v = match edn::parse(text) {
            Ok(v @ edn::Edn::Map(_)) => v,
            Ok(edn::Edn::Nil) => return (GraphConfig::default(), None),
            Ok(_) => {
                let e = "it is not a map (Logseq expects the config wrapped in `{}`)".to_string();
                return (GraphConfig::default(), Some(e));
            }
            Err(e) => {
                return (
                    GraphConfig::default(),
                    Some(format!("Logseq cannot read it: {e}")),
                )
            }
        };
        let mut c = GraphConfig::default();
        if let Some(h) = v.get("hidden") {
            c.hidden = h.strings();
        }
        if v.get("file/name-format").and_then(|f| f.as_str()) == Some("triple-lowbar") {
            c.name_format = NameFormat::TripleLowbar;
        }
        if let Some(d) = v.get("pages-directory").and_then(|f| f.as_str()) {
            c.pages_dir = d.to_string();
        }
        if let Some(d) = v.get("journals-directory").and_then(|f| f.as_str()) {
            c.journals_dir = d.to_string();
        }
        if let Some(f) = v.get("journal/page-title-format").and_then(|f| f.as_str()) {
            c.date_formatter = f.to_string();
        }
        if let Some(e) = v.get("property-pages/enabled?") {
            c.refs.property_pages = e.as_str() != Some("false");
        }
        if let Some(l) = v.get("property-pages/excludelist") {
            c.refs.property_pages_excludelist = l.strings();
        }
        if let Some(l) = v.get("property/separated-by-commas") {
            c.refs.separated_by_commas = l.strings();
        }
        if let Some(l) = v.get("ignored-page-references-keywords") {
            c.refs.ignored_keywords = l.strings();
        }
        (c, None)
    }

    /// `:hidden` entries match by path prefix against "/" + the relative path.
    pub fn is_hidden(&self, rel_path: &str) -> bool {
        let p = format!("/{rel_path}");
        self.hidden.iter().any(|h| {
            let h = if h.starts_with('/') {
                h.clone()
            } else {
                format!("/{h}")
            };
            !h.is_empty() && h != "/" && p.starts_with(&h)
        })
    }
}
