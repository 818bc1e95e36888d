//! The outline parser and page analysis on any text: no panic, blocks tile the page in order.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logseq_core::lint::analysis::analyze;
use logseq_core::model::settings::Settings;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let a = analyze(src, &Settings::default());
    let mut pos = 0;
    for b in &a.outline.blocks {
        assert_eq!(b.range.start, pos, "blocks must tile the page");
        assert!(b.range.end >= b.range.start && b.level >= 1);
        pos = b.range.end;
    }
    assert!(a.outline.blocks.is_empty() || pos == src.len());
    for d in &a.local {
        assert!(d.range.start <= d.range.end && d.range.end <= src.len());
        assert!(src.is_char_boundary(d.range.start) && src.is_char_boundary(d.range.end));
    }
});
