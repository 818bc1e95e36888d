//! The lines a split reads: split from its start as they are first asked for, and searched
//! forward for the line that closes a region.

use crate::syntax::text::Line;

/// The page's lines from where a split starts, split as they are first asked for: a re-parse
/// from the middle of a 1 MB page stops after a few blocks, and splitting every line to the end
/// first was a fifth of a keystroke's `did_change` (BENCHMARKS.md, issue 15).
pub(super) struct Lines<'a> {
    /// The lines split so far.
    pub(super) got: Vec<Line>,
    rest: Option<Box<dyn Iterator<Item = Line> + 'a>>,
}

impl<'a> Lines<'a> {
    pub(super) fn whole(got: Vec<Line>) -> Lines<'a> {
        Lines { got, rest: None }
    }

    pub(super) fn lazy(rest: impl Iterator<Item = Line> + 'a) -> Lines<'a> {
        Lines {
            got: Vec::new(),
            rest: Some(Box::new(rest)),
        }
    }

    /// Line `k`, if the page has one.
    pub(super) fn get(&mut self, k: usize) -> Option<Line> {
        while self.got.len() <= k {
            let next = self.rest.as_mut()?.next();
            match next {
                Some(l) => self.got.push(l),
                None => {
                    self.rest = None;
                    return None;
                }
            }
        }
        Some(self.got[k])
    }
}

/// Remembers where each kind of closing line was last looked for, so that a page full of
/// unclosed openers is still read in linear time: if a search for a closer from line `from`
/// found line `k` (or none), a later search from a line in between finds the same.
#[derive(Default)]
pub(super) struct Closers {
    seen: std::collections::HashMap<String, (usize, Option<usize>)>,
}

impl Closers {
    pub(super) fn find(
        &mut self,
        key: String,
        src: &str,
        all: &mut Lines,
        i: usize,
        f: &dyn Fn(&str) -> bool,
    ) -> Option<usize> {
        if let Some(&(from, res)) = self.seen.get(&key) {
            if i >= from && res.is_none_or(|k| i < k) {
                return res;
            }
        }
        let mut k = i + 1;
        let res = loop {
            match all.get(k) {
                None => break None,
                Some(l) if f(l.text(src)) => break Some(k),
                Some(_) => k += 1,
            }
        };
        self.seen.insert(key, (i, res));
        res
    }
}
