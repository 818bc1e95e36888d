//! Every fix on any page: its output parses again, and safe fixes lose no content (every
//! non-whitespace character survives, ids aside, which id fixes replace on purpose).
#![no_main]
use libfuzzer_sys::fuzz_target;
use logseq_core::lint::analysis::analyze;
use logseq_core::lint::diagnostic::Code;
use logseq_core::syntax::edit::apply;
use logseq_core::lint::fixes::{fixes_for, FixCtx};
use logseq_core::model::settings::Settings;

fn chars(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    v.sort_unstable();
    v
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let a = analyze(src, &Settings::default());
    let ctx = FixCtx { src, analysis: &a };
    for d in a.local.iter().take(32) {
        for f in fixes_for(&ctx, d, &mut || "00000000-0000-4000-8000-000000000000".to_string()) {
            let out = apply(src, &f.edits);
            let _ = analyze(&out, &Settings::default());
            let rewrites = matches!(f.code, Code::IdInvalid | Code::IdDuplicate | Code::IdNotLowercase | Code::ClozeMalformed);
            if f.safe && !rewrites {
                let (before, after) = (chars(src), chars(&out));
                let mut j = 0;
                for c in &before {
                    while j < after.len() && after[j] < *c {
                        j += 1;
                    }
                    assert!(j < after.len() && after[j] == *c, "{:?} lost {c:?}", f.title);
                    j += 1;
                }
            }
        }
    }
});
