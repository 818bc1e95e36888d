//! The config.edn reader on any text: a value or one error on a line of the text, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logseq_core::model::graph::config::GraphConfig;
use logseq_core::syntax::edn;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Err(e) = edn::parse(src) {
        assert!(e.line >= 1 && e.line <= src.matches('\n').count() + 1);
    }
    let _ = GraphConfig::from_edn(src);
});
