//! A smoke run of every fuzz target (fuzz/fuzz_targets/*.rs) on the stable toolchain, so that CI
//! runs them without cargo-fuzz, nightly flags or a sanitizer build of the workspace (31 minutes
//! the first time). Each target's own file is compiled here as a module, with a `fuzz_target!`
//! that turns its body into `run(&mut Gen)`; its assertions are the test's. Each target runs on
//! the seed pages (the rule and fix fixtures, the example graph, part of the docs corpus) and then
//! on random inputs: mutated seeds and Logseq-flavoured random text. Not coverage-guided: it
//! proves the targets build and hold on the seeds and a few hundred random inputs; real fuzzing is
//! fuzz/README.md.
//!
//! `LOGSEQ_LSP_FUZZ_SECS=N` runs random inputs for N seconds per target (scripts/test.sh: 5)
//! instead of the default count; `LOGSEQ_LSP_FUZZ_SEED` picks the random seed (printed on failure).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

// The targets' `use libfuzzer_sys::fuzz_target;` resolves to this crate's macro below.
extern crate self as libfuzzer_sys;

macro_rules! targets {
    ($($name:ident = $path:literal),* $(,)?) => {
        $(
            #[allow(unused_attributes)] // the target's `#![no_main]`
            #[path = $path]
            mod $name;

            #[test]
            fn $name() {
                smoke(stringify!($name), $name::run);
            }
        )*
    };
}

// Every file of fuzz/fuzz_targets: `every_target_is_smoked` fails when one is missing here.
targets!(
    config = "../../fuzz/fuzz_targets/config.rs",
    edits = "../../fuzz/fuzz_targets/edits.rs",
    fixes = "../../fuzz/fuzz_targets/fixes.rs",
    inline = "../../fuzz/fuzz_targets/inline.rs",
    outline = "../../fuzz/fuzz_targets/outline.rs",
    reanalysis = "../../fuzz/fuzz_targets/reanalysis.rs",
    transport = "../../fuzz/fuzz_targets/transport.rs",
);
const TARGETS: &[&str] = &[
    "config",
    "edits",
    "fixes",
    "inline",
    "outline",
    "reanalysis",
    "transport",
];

#[test]
fn every_target_is_smoked() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(
        found, TARGETS,
        "add the new fuzz target to targets!() in this file"
    );
}

/// Random inputs per target when LOGSEQ_LSP_FUZZ_SECS is not set.
const DEFAULT_RANDOM: usize = 300;

fn smoke(name: &str, run: fn(&mut Gen)) {
    let seeds = seeds();
    assert!(seeds.len() > 50, "{} seed pages", seeds.len());
    let seed = std::env::var("LOGSEQ_LSP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_u64 ^ name.len() as u64);
    let budget = std::env::var("LOGSEQ_LSP_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs_f64);
    let start = Instant::now();
    let mut g = Gen {
        state: seed | 1,
        seeds,
        next_seed: 0,
        seeded: false,
        drawn: Vec::new(),
    };
    let mut runs = 0usize;
    loop {
        let seeding = g.next_seed < g.seeds.len();
        let more = match budget {
            Some(b) => start.elapsed() < b,
            None => runs < g.seeds.len() + DEFAULT_RANDOM,
        };
        if !seeding && !more {
            break;
        }
        g.drawn.clear();
        g.seeded = false;
        if catch_unwind(AssertUnwindSafe(|| run(&mut g))).is_err() {
            let shown: Vec<String> = g
                .drawn
                .iter()
                .map(|s| format!("{:?}", truncate(s, 2000)))
                .collect();
            panic!(
                "fuzz target {name} failed on input {runs} (LOGSEQ_LSP_FUZZ_SEED={seed}); its strings:\n{}",
                shown.join("\n")
            );
        }
        runs += 1;
    }
    eprintln!(
        "fuzz smoke {name}: {runs} inputs in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

fn truncate(s: &str, n: usize) -> &str {
    let mut end = s.len().min(n);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Seed pages: every fixture page, the example graph and every 8th page of the docs corpus
/// (all of it would make the slow targets take a minute).
fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for (dir, every) in [
        (root.join("tests/fixtures"), 1),
        (root.join("../examples"), 1),
        (root.join("../tests/corpus/logseq-docs/pages"), 8),
    ] {
        let mut found: Vec<_> = walk(&dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        found.sort();
        files.extend(found.into_iter().step_by(every));
    }
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Logseq's syntax, for random text that reaches past the first character check.
const PIECES: &[&str] = &[
    "- ",
    "\n",
    "\n- ",
    "\n  - ",
    "\t",
    "  ",
    "::",
    "id:: ",
    "63c66a0c-59bc-4f1b-9492-d21bd5eff3cc",
    "[[",
    "]]",
    "((",
    "))",
    "#card",
    "#flashcard",
    "#[[",
    "{{cloze ",
    "}}",
    "{{",
    "card-next-schedule:: ",
    "2024-01-02T03:04:05.000Z",
    "card-repeats:: 1",
    "tags:: ",
    "```",
    "#+BEGIN_QUOTE",
    "#+END_QUOTE",
    "# ",
    "TODO ",
    "DONE ",
    "SCHEDULED: <2024-01-02 Tue>",
    "**",
    "`",
    "\\",
    "|",
    ":PROPERTIES:",
    ":END:",
    "é",
    "😀",
    "\r\n",
    "a",
    "word ",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"textDocument/hover\",\"params\":{}}",
    "{:journal/page-title-format \"yyyy-MM-dd\"}",
    "[",
    "]",
    "\"",
    ";",
    "#{",
    "}",
];

/// Inputs: the seeds first, each once and unchanged, then random ones; `drawn` keeps this run's
/// strings to show on failure.
pub struct Gen {
    state: u64,
    seeds: Vec<String>,
    next_seed: usize,
    /// This run's first string was a seed (the others are random).
    seeded: bool,
    drawn: Vec<String>,
}

impl Gen {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn text(&mut self) -> String {
        let s = if !self.seeded && self.next_seed < self.seeds.len() {
            self.seeded = true;
            self.next_seed += 1;
            self.seeds[self.next_seed - 1].clone()
        } else if self.below(2) == 0 {
            self.mutated_seed()
        } else {
            let n = self.below(64);
            (0..n).map(|_| PIECES[self.below(PIECES.len())]).collect()
        };
        self.drawn.push(s.clone());
        s
    }

    /// A seed page with a few pieces inserted and ranges deleted, at char boundaries.
    fn mutated_seed(&mut self) -> String {
        let i = self.below(self.seeds.len());
        let mut s = self.seeds[i].clone();
        for _ in 0..1 + self.below(4) {
            let mut at = self.below(s.len() + 1);
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            if self.below(3) == 0 {
                let mut end = (at + self.below(40)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            } else {
                s.insert_str(at, PIECES[self.below(PIECES.len())]);
            }
        }
        s
    }

    /// Bytes for a `&[u8]` target: mostly text, sometimes not UTF-8 at all.
    fn bytes(&mut self) -> Vec<u8> {
        let mut b = self.text().into_bytes();
        if !self.seeded && self.below(8) == 0 {
            let at = self.below(b.len() + 1);
            b.insert(at, 0x80 | self.below(64) as u8);
        }
        b
    }
}

/// A random value of a target's input type (the types the targets use).
pub trait Arb: Sized {
    fn arb(g: &mut Gen) -> Self;
    /// A `Vec<Self>`: a few values, or for bytes a text (`Vec<Vec<u8>>` is frames of text).
    fn arb_vec(g: &mut Gen) -> Vec<Self> {
        (0..g.below(8)).map(|_| Self::arb(g)).collect()
    }
}

impl Arb for String {
    fn arb(g: &mut Gen) -> Self {
        g.text()
    }
}

impl Arb for u8 {
    fn arb(g: &mut Gen) -> Self {
        g.next() as u8
    }
    fn arb_vec(g: &mut Gen) -> Vec<u8> {
        g.bytes()
    }
}

impl Arb for u16 {
    fn arb(g: &mut Gen) -> Self {
        // Small positions most of the time: they land inside the text.
        if g.below(4) == 0 {
            g.next() as u16
        } else {
            g.below(64) as u16
        }
    }
}

impl<T: Arb> Arb for Vec<T> {
    fn arb(g: &mut Gen) -> Self {
        T::arb_vec(g)
    }
}

macro_rules! arb_tuple {
    ($($t:ident),*) => {
        impl<$($t: Arb),*> Arb for ($($t,)*) {
            fn arb(g: &mut Gen) -> Self {
                ($($t::arb(g),)*)
            }
        }
    };
}
arb_tuple!(A, B);
arb_tuple!(A, B, C, D);
arb_tuple!(A, B, C, D, E);

/// The targets' `fuzz_target!(|data: &[u8]| …)` or `fuzz_target!(|input: T| …)`, as a function
/// drawing its input from a [`Gen`]. Defined after the targets so that they reach it through
/// their own `use libfuzzer_sys::fuzz_target;`.
#[macro_export]
macro_rules! fuzz_target {
    (|$data:ident : &[u8]| $body:block) => {
        pub fn run(g: &mut $crate::Gen) {
            let bytes = g.bytes();
            let $data: &[u8] = &bytes;
            $body
        }
    };
    (|$input:ident : $ty:ty| $body:block) => {
        #[allow(clippy::type_complexity)] // the target's input tuple
        pub fn run(g: &mut $crate::Gen) {
            let $input: $ty = $crate::Arb::arb(g);
            $body
        }
    };
}
