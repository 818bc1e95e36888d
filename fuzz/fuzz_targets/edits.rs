//! Edit application: positions from any (line, column) in any encoding clamp to a valid offset,
//! and applying edits keeps the text valid UTF-8 and the line index consistent with a fresh one.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logseq_core::syntax::edit::{apply, TextEdit};
use logseq_core::syntax::text::{Encoding, LineIndex};

fuzz_target!(|input: (String, Vec<(u16, u16, u16, u16, String)>)| {
    let (mut text, edits) = input;
    for (sl, sc, el, ec, new) in edits.into_iter().take(16) {
        let idx = LineIndex::new(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let a = idx.offset(&text, sl as u32, sc as u32, enc);
            assert!(text.is_char_boundary(a));
            let (l, c) = idx.position(&text, a, enc);
            assert_eq!(idx.offset(&text, l, c, enc), a, "position round trip");
        }
        let a = idx.offset(&text, sl as u32, sc as u32, Encoding::Utf16);
        let b = idx.offset(&text, el as u32, ec as u32, Encoding::Utf16);
        let (a, b) = (a.min(b), a.max(b));
        text = apply(&text, &[TextEdit::replace(a..b, new)]);
    }
});
