//! The `((` search's first pass: the best candidate lines of the whole graph, read from the
//! prepared pages (block_index.rs). Only lines holding every character of the query are read,
//! and of those only the ones that can still score above the worst of the best kept so far.

use super::*;

/// What [`candidates`] looks for.
pub(super) struct Scan<'a> {
    pub q: &'a Query,
    /// The query ends with `?`: a line with a card tag gets [`CARD_FIRST`].
    pub question: bool,
    pub card_tags: &'a [String],
    /// How many lines to keep.
    pub keep: usize,
}

/// The best `keep` lines of `current` (source 0, the document being edited, read line by line)
/// and `pages` (source `i + 1`), as (score, (source, line start)), best first: highest score,
/// then earliest source and line. `None` once `stop` says so (it is asked between pages).
pub(super) fn candidates(
    pages: &[&PageText],
    current: &str,
    scan: &Scan,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<(i64, (usize, usize))>> {
    let Scan {
        q,
        question,
        card_tags,
        keep,
    } = *scan;
    let qmask = q.mask();
    let text_of = |s: usize| -> &str {
        match s {
            0 => current,
            _ => &pages[s - 1].text,
        }
    };
    // The worst score some thread's best `keep` holds: a line scoring below it cannot be
    // among the best, so no thread scores it in full (`Query::score_at_least`).
    let floor = AtomicI64::new(i64::MIN);
    // `may_tag`: the line holds a `#` or `[` (from its mask), which every card tag starts with.
    let line_score = |line: &str, floor: i64, may_tag: bool| -> Option<i64> {
        // Scored first: the tag test reads the line again, only for a line that may count.
        let bonus = if question && may_tag { CARD_FIRST } else { 0 };
        let score = q.score_at_least(line, floor.saturating_sub(bonus))?;
        if is_property_line(line) {
            return None;
        }
        let card = bonus > 0 && has_card_tag(line, card_tags);
        let score = score + if card { CARD_FIRST } else { 0 };
        (score >= floor).then_some(score)
    };
    let push = |top: &mut Best, score: i64, at: (usize, usize)| {
        top.push(score, at);
        if let Some(worst) = top.worst() {
            floor.fetch_max(worst, Ordering::Relaxed);
        }
    };
    let scan = |s: usize, top: &mut Best| {
        let t = text_of(s);
        let prepared = (s > 0)
            .then(|| pages[s - 1])
            .and_then(|p| Some((p, p.lines.as_deref()?)));
        match prepared {
            Some((p, lines)) => {
                if p.mask & qmask != qmask {
                    return;
                }
                for l in lines.iter().filter(|l| l.mask & qmask == qmask) {
                    let f = floor.load(Ordering::Relaxed);
                    let may_tag = l.mask & TAG_START != 0;
                    let bonus = if question && may_tag { CARD_FIRST } else { 0 };
                    // Too long to reach the floor: not read.
                    let reachable = q
                        .ascii()
                        .is_none_or(|a| upper_bound(l.len as usize, a.len()) + bonus >= f);
                    if !reachable {
                        continue;
                    }
                    if let Some(score) = line_score(l.text(t), f, may_tag) {
                        push(top, score, (s, l.start as usize));
                    }
                }
            }
            None => {
                if !q.is_subsequence(t) {
                    return;
                }
                for l in text::lines(t) {
                    let line = block_line(l.text(t));
                    if line.is_empty() {
                        continue;
                    }
                    if let Some(score) = line_score(line, floor.load(Ordering::Relaxed), true) {
                        push(top, score, (s, l.start));
                    }
                }
            }
        }
    };
    let found = if q.is_empty() {
        // Nothing typed yet: the blocks of the page being edited.
        let mut top = Best::new(keep);
        scan(0, &mut top);
        top
    } else {
        (0..pages.len() + 1)
            .into_par_iter()
            .fold(
                || Best::new(keep),
                |mut acc, s| {
                    if !stop() {
                        scan(s, &mut acc);
                    }
                    acc
                },
            )
            .reduce(
                || Best::new(keep),
                |mut a, b| {
                    a.merge(b);
                    a
                },
            )
    };
    (!stop()).then(|| found.into_sorted())
}

/// The best `n` candidate lines: highest score, then earliest (page, line), whatever order
/// the parallel scan merges them in.
struct Best {
    n: usize,
    heap: BinaryHeap<Reverse<Candidate>>,
}

/// A candidate line's score and (source, line start); the greater is the better.
type Candidate = (i64, Reverse<(usize, usize)>);

impl Best {
    fn new(n: usize) -> Best {
        Best {
            n,
            heap: BinaryHeap::new(),
        }
    }
    fn push(&mut self, score: i64, at: (usize, usize)) {
        let e = Reverse((score, Reverse(at)));
        if self.heap.len() < self.n {
            self.heap.push(e);
        } else if self.heap.peek().is_some_and(|m| *m > e) {
            self.heap.pop();
            self.heap.push(e);
        }
    }
    /// The worst score kept, once `n` are.
    fn worst(&self) -> Option<i64> {
        (self.heap.len() == self.n)
            .then(|| self.heap.peek().map(|Reverse((s, _))| *s))
            .flatten()
    }
    fn merge(&mut self, other: Best) {
        for Reverse((s, Reverse(at))) in other.heap {
            self.push(s, at);
        }
    }
    /// Best first.
    fn into_sorted(self) -> Vec<(i64, (usize, usize))> {
        let mut v: Vec<_> = self
            .heap
            .into_iter()
            .map(|Reverse((s, Reverse(at)))| (s, at))
            .collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The scan before the index: every line of every page scored in full, sorted, cut.
    fn plain(texts: &[&str], scan: &Scan) -> Vec<(i64, (usize, usize))> {
        let mut all = Vec::new();
        for (s, t) in texts.iter().enumerate() {
            if s > 0 && scan.q.is_empty() {
                break;
            }
            for l in text::lines(t) {
                let line = block_line(l.text(t));
                if line.is_empty() || is_property_line(line) {
                    continue;
                }
                let Some(mut score) = scan.q.score(line) else {
                    continue;
                };
                if scan.question && has_card_tag(line, scan.card_tags) {
                    score += CARD_FIRST;
                }
                all.push((score, (s, l.start)));
            }
        }
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(scan.keep);
        all
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Masks, length bounds and the floor skip lines, never a candidate: the same lines,
        /// scores and order as scoring every line, for every number kept.
        #[test]
        fn the_scan_keeps_what_scoring_every_line_keeps(
            texts in prop::collection::vec(super::super::block_index::tests::page(), 1..8),
            query in super::super::block_index::tests::query(),
            keep in 0usize..30,
        ) {
            let question = query.trim_end().ends_with('?');
            let q = Query::new(query.trim().trim_end_matches('?'));
            let tags = vec!["card".to_string()];
            let scan = Scan { q: &q, question, card_tags: &tags, keep };
            let prepared: Vec<PageText> = texts[1..]
                .iter()
                .map(|t| PageText::new(String::new(), String::new(), Arc::from(t.as_str())))
                .collect();
            let pages: Vec<&PageText> = prepared.iter().collect();
            let found = candidates(&pages, &texts[0], &scan, &never).unwrap();
            let all: Vec<&str> = texts.iter().map(String::as_str).collect();
            prop_assert_eq!(found, plain(&all, &scan));
        }
    }
}
