//! The inline scanner on any line: no panic, every item inside the line on char boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logseq_core::syntax::inline::scan;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let mut out = Vec::new();
    scan(src, 0, &mut out);
    for x in &out {
        assert!(x.range.end <= src.len() && src.is_char_boundary(x.range.start) && src.is_char_boundary(x.range.end));
    }
});
