//! Incremental re-analysis after one edit (the server's keystroke path) equals a whole analysis of
//! the new text, or declines and leaves the analysis as it was.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logseq_core::lint::analysis::analyze;
use logseq_core::syntax::outline::incremental::Edit;
use logseq_core::lint::reanalysis::reanalyze;
use logseq_core::model::settings::Settings;

fuzz_target!(|input: (String, u16, u8, String)| {
    let (old, at, len, ins) = input;
    if old.len() > 1 << 16 || ins.len() > 256 {
        return;
    }
    let mut start = (at as usize).min(old.len());
    while !old.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len as usize).min(old.len());
    while !old.is_char_boundary(end) {
        end += 1;
    }
    let new = format!("{}{}{}", &old[..start], ins, &old[end..]);
    let settings = Settings::default();
    let mut a = analyze(&old, &settings);
    let e = Edit { start, old_end: end, new_end: start + ins.len() };
    if reanalyze(&mut a, &old, &new, &e, &settings) {
        let fresh = analyze(&new, &settings);
        assert_eq!(a.outline, fresh.outline, "outline");
        assert_eq!(a.cards, fresh.cards, "cards");
        assert_eq!(a.facts, fresh.facts, "facts");
        assert_eq!(a.local, fresh.local, "diagnostics");
    } else {
        assert_eq!(a.outline, analyze(&old, &settings).outline, "declined but changed");
    }
});
