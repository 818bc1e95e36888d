//! Fuzzy matching for completion and symbol search: the query's characters must appear in the
//! candidate in order (a subsequence), case-insensitively; a score ranks the matches. Simple and
//! fast on purpose: the `((` search runs it over every line of the graph on each keystroke, so
//! the common case (an ASCII query) is a byte loop that rejects most lines in a few nanoseconds.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A prepared query.
#[derive(Debug, Clone)]
pub struct Query {
    /// Lower-cased query characters.
    chars: Vec<char>,
    /// The lower-cased query as bytes, when it is ASCII (the fast path).
    ascii: Option<Vec<u8>>,
}

/// Score of an exact match; other matches score below it.
const EXACT: i64 = 10_000;

impl Query {
    pub fn new(q: &str) -> Query {
        let lower: String = q.trim().chars().flat_map(char::to_lowercase).collect();
        Query {
            ascii: lower.is_ascii().then(|| lower.as_bytes().to_vec()),
            chars: lower.chars().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The lower-cased query's bytes, when it is ASCII.
    pub fn ascii(&self) -> Option<&[u8]> {
        self.ascii.as_deref()
    }

    /// The classes ([`char_mask`]) a candidate must hold to match: an ASCII query's bytes in
    /// either case (its matcher compares ASCII case-insensitively); nothing for any other,
    /// whose lower-casing can map a non-ASCII character onto an ASCII one (the Kelvin sign is
    /// a `k`).
    pub fn mask(&self) -> u32 {
        self.ascii().map_or(0, char_mask)
    }

    /// Whether every query character appears in `s`, in order. The cheap test run first.
    pub fn is_subsequence(&self, s: &str) -> bool {
        match &self.ascii {
            Some(q) => {
                let mut rest = s.as_bytes();
                for &c in q {
                    match find_byte_ci(rest, c) {
                        Some(i) => rest = &rest[i + 1..],
                        None => return false,
                    }
                }
                true
            }
            None => {
                let mut k = 0;
                for c in s.chars().flat_map(char::to_lowercase) {
                    if k == self.chars.len() {
                        break;
                    }
                    if c == self.chars[k] {
                        k += 1;
                    }
                }
                k == self.chars.len()
            }
        }
    }

    /// The match score of `candidate` (higher is better), or `None` when it does not match.
    /// An empty query matches everything with a score that prefers shorter candidates.
    /// Ranking, best first: equal, prefix, substring at a word start, substring, then scattered
    /// subsequences (consecutive runs and word starts count); shorter candidates win ties.
    pub fn score(&self, candidate: &str) -> Option<i64> {
        self.score_at_least(candidate, i64::MIN)
    }

    /// [`Query::score`] when it is at least `floor`, else `None`. Cheaper for a high floor: a
    /// candidate too long to reach it is not read, nor is a scattered match computed that
    /// cannot reach it (the best-n search passes the worst score it keeps).
    pub fn score_at_least(&self, candidate: &str, floor: i64) -> Option<i64> {
        let at_least = |s: i64| (s >= floor).then_some(s);
        if self.chars.is_empty() {
            return at_least(-(candidate.len().min(1000) as i64));
        }
        match &self.ascii {
            // An ASCII query only ever matches ASCII bytes of the candidate, and no byte of a
            // multi-byte UTF-8 character is ASCII: comparing bytes is exact. No allocation.
            Some(q) => {
                let c = candidate.as_bytes();
                let scattered_may_reach = MAX_SCATTERED - length_penalty(c.len()) >= floor;
                // The cheap test first, while every kind of match may still count.
                if scattered_may_reach && !self.is_subsequence(candidate) {
                    return None;
                }
                if c.len() == q.len() && c.eq_ignore_ascii_case(q) {
                    return at_least(EXACT);
                }
                if upper_bound(c.len(), q.len()) < floor {
                    return None;
                }
                let word_start =
                    |i: usize| i == 0 || !(c[i - 1].is_ascii_alphanumeric() || c[i - 1] >= 0x80);
                if let Some(s) = substring_ascii(c, q, word_start) {
                    return at_least(s);
                }
                if !scattered_may_reach {
                    return None;
                }
                at_least(scattered(
                    q,
                    c.len(),
                    |i| c[i].to_ascii_lowercase(),
                    word_start,
                ))
            }
            None => {
                if !self.is_subsequence(candidate) {
                    return None;
                }
                let c: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
                let q = &self.chars;
                let word_start = |i: usize| i == 0 || !c[i - 1].is_alphanumeric();
                if c == *q {
                    return at_least(EXACT);
                }
                let n = c.len();
                if q.len() <= n {
                    if let Some(p) = (0..=n - q.len()).find(|&p| c[p..p + q.len()] == q[..]) {
                        let ws = (p..=n - q.len())
                            .find(|&p| word_start(p) && c[p..p + q.len()] == q[..]);
                        return at_least(substring_score(p, ws, n));
                    }
                }
                at_least(scattered(q, n, |i| c[i], word_start))
            }
        }
    }
}

/// The bit of each byte's class: a letter (either case) its own, digits one, space one, other
/// ASCII three by value, non-ASCII one. A candidate lacking a bit of the query lacks one of its
/// bytes, so it cannot match: the searches keep each line's or name's mask and skip those.
const CLASS: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' => 1 << (c - b'a'),
            b'A'..=b'Z' => 1 << (c - b'A'),
            b'0'..=b'9' => 1 << 26,
            b' ' => 1 << 27,
            0x80..=0xff => 1 << 31,
            _ => 1 << (28 + c % 3),
        };
        b += 1;
    }
    t
};

/// The character classes `bytes` holds.
pub const fn char_mask(bytes: &[u8]) -> u32 {
    let mut m = 0;
    let mut i = 0;
    while i < bytes.len() {
        m |= CLASS[bytes[i] as usize];
        i += 1;
    }
    m
}

/// Index of the first byte equal to the lower-case ASCII byte `c` in either case. Eight bytes
/// at a time: this is most of the `((` search's work. For a letter, `b | 0x20 == c` holds
/// exactly for `c` and its upper case (no other byte, and no byte of a multi-byte character).
#[inline]
pub fn find_byte_ci(h: &[u8], c: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mask = if c.is_ascii_lowercase() { 0x20 } else { 0 };
    let (m, t) = (LO * mask as u64, LO * c as u64);
    let mut i = 0;
    while i + 8 <= h.len() {
        let w = u64::from_le_bytes(h[i..i + 8].try_into().unwrap());
        let x = (w | m) ^ t;
        // A zero byte of `x` is a match; the lowest flagged byte is exact.
        let z = x.wrapping_sub(LO) & !x & HI;
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    h[i..].iter().position(|&b| b | mask == c).map(|k| i + k)
}

/// The best score of a prefix match; every other non-exact match scores less.
const MAX_SUBSTRING: i64 = 8000;
/// The best score of a scattered match (before the length penalty).
const MAX_SCATTERED: i64 = 4999;

fn length_penalty(n: usize) -> i64 {
    n.min(1000) as i64
}

/// The best score an ASCII query of `query_len` bytes can give a candidate of `n` bytes.
pub fn upper_bound(n: usize, query_len: usize) -> i64 {
    if n == query_len {
        EXACT
    } else {
        MAX_SUBSTRING - length_penalty(n)
    }
}

/// Score of a substring match: first occurrence `p`, first occurrence at a word start `ws`.
fn substring_score(p: usize, ws: Option<usize>, n: usize) -> i64 {
    let len_penalty = length_penalty(n);
    let (base, at) = match ws {
        Some(0) => (MAX_SUBSTRING, 0),
        Some(w) => (6000, w),
        None => (5000, p),
    };
    base - (at.min(500) as i64) - len_penalty
}

fn substring_ascii(c: &[u8], q: &[u8], word_start: impl Fn(usize) -> bool) -> Option<i64> {
    if q.len() > c.len() {
        return None;
    }
    let last = c.len() - q.len();
    let mut from = 0;
    let mut first = None;
    while from <= last {
        let Some(k) = find_byte_ci(&c[from..=last], q[0]) else {
            break;
        };
        let i = from + k;
        if c[i..i + q.len()].eq_ignore_ascii_case(q) {
            first.get_or_insert(i);
            if word_start(i) {
                return Some(substring_score(i, Some(i), c.len()));
            }
        }
        from = i + 1;
    }
    first.map(|p| substring_score(p, None, c.len()))
}

/// A scattered subsequence: a greedy left-to-right match; runs and word starts add, gaps
/// subtract. Always below a substring match.
fn scattered<T: PartialEq + Copy>(
    q: &[T],
    n: usize,
    at: impl Fn(usize) -> T,
    word_start: impl Fn(usize) -> bool,
) -> i64 {
    let mut score: i64 = 1000;
    let mut k = 0;
    let mut prev: Option<usize> = None;
    for i in 0..n {
        if k == q.len() {
            break;
        }
        if at(i) != q[k] {
            continue;
        }
        score += 10;
        match prev {
            Some(p) if p + 1 == i => score += 15,
            Some(p) => score -= ((i - p) as i64).min(20),
            None => {}
        }
        if word_start(i) {
            score += 20;
        }
        prev = Some(i);
        k += 1;
    }
    score.clamp(1, MAX_SCATTERED) - length_penalty(n)
}

/// A heap entry: score, then earlier insertions first, then the payload (not compared).
type Entry<T> = Reverse<(i64, Reverse<u64>, Wrap<T>)>;

/// A bounded best-n collection.
pub struct TopN<T> {
    n: usize,
    seq: u64,
    heap: BinaryHeap<Entry<T>>,
}

/// Excludes the payload from ordering.
struct Wrap<T>(T);
impl<T> PartialEq for Wrap<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<T> Eq for Wrap<T> {}
impl<T> PartialOrd for Wrap<T> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<T> Ord for Wrap<T> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<T> TopN<T> {
    pub fn new(n: usize) -> Self {
        TopN {
            n,
            seq: 0,
            heap: BinaryHeap::new(),
        }
    }
    pub fn push(&mut self, score: i64, v: T) {
        self.seq += 1;
        let e = Reverse((score, Reverse(self.seq), Wrap(v)));
        if self.heap.len() < self.n {
            self.heap.push(e);
        } else if self.heap.peek().is_some_and(|m| m.0 .0 < score) {
            self.heap.pop();
            self.heap.push(e);
        }
    }
    pub fn merge(&mut self, other: TopN<T>) {
        for Reverse((s, _, Wrap(v))) in other.heap {
            self.push(s, v);
        }
    }
    /// Best first.
    pub fn into_sorted(self) -> Vec<(i64, T)> {
        let mut v: Vec<_> = self
            .heap
            .into_iter()
            .map(|Reverse((s, Reverse(k), Wrap(v)))| (s, k, v))
            .collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v.into_iter().map(|(s, _, v)| (s, v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequence_case_insensitive_and_unicode() {
        let q = Query::new("kia");
        assert!(q.is_subsequence("Kubernetes in Action"));
        assert!(!q.is_subsequence("Action in Kubernetes x"));
        assert!(Query::new("ÉTÉ").is_subsequence("un été 😀"));
        assert!(Query::new("😀 p").is_subsequence("My Page 😀 plus"));
        assert!(Query::new("").is_subsequence("anything"));
        assert_eq!(Query::new("zz").score("abc"), None);
    }

    #[test]
    fn byte_search_in_both_cases() {
        let h = "xyz 😀 é ABC abc 0-9@`".as_bytes();
        for (c, want) in [
            (b'a', "ABC"),
            (b'c', "C abc"),
            (b'0', "0-9"),
            (b'@', "@`"),
            (b'`', "`"),
        ] {
            let i = find_byte_ci(h, c).unwrap();
            assert!(h[i..].starts_with(want.as_bytes()), "{}", c as char);
        }
        assert_eq!(find_byte_ci(h, b'q'), None);
        assert_eq!(find_byte_ci(b"", b'a'), None);
        for n in 0..20 {
            let mut v = vec![b'x'; n];
            v.push(b'P');
            assert_eq!(find_byte_ci(&v, b'p'), Some(n));
        }
    }

    #[test]
    fn ranking() {
        let q = Query::new("pod");
        let s = |c: &str| q.score(c).unwrap();
        assert!(s("pod") > s("Pod lifecycle"));
        assert!(s("Pod lifecycle") > s("What is a pod?"));
        assert!(s("What is a pod?") > s("epodx"));
        assert!(s("epodx") > s("p-o-d"));
        assert!(s("P o d") > s("xpxoxd"));
        let e = Query::new("");
        assert!(e.score("a").unwrap() > e.score("abc").unwrap());
        let mut t = TopN::new(2);
        for (s, v) in [(1, "a"), (5, "b"), (3, "c"), (5, "d")] {
            t.push(s, v);
        }
        assert_eq!(t.into_sorted(), [(5, "b"), (5, "d")]);
    }

    proptest::proptest! {
        /// A floor only ever drops scores below it: what it keeps is the score.
        #[test]
        fn a_floor_drops_only_what_is_below_it(
            q in "[pP][oO]?d?| ?[a-c]{0,3}|é|K|x!",
            c in "([pPoOdD -]|Pod|pod|[a-c]|é|K|İ|!){0,40}",
            floor in -1200i64..11000,
        ) {
            let q = Query::new(&q);
            let want = q.score(&c).filter(|s| *s >= floor);
            proptest::prop_assert_eq!(q.score_at_least(&c, floor), want);
            if let (Some(s), Some(_)) = (want, q.ascii()) {
                proptest::prop_assert!(s <= upper_bound(c.len(), q.ascii().unwrap().len()));
            }
        }
    }
}
