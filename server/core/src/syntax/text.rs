//! Byte-offset text utilities shared by every layer: line iteration and a line index that turns
//! byte offsets into (line, column) in UTF-8 or UTF-16 units. The engine itself only ever speaks
//! byte offsets; the edges (LSP, command line) convert with [`LineIndex`].

use std::ops::Range;

/// One physical line: `range` excludes the line terminator, `next` is where the next line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

impl Line {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }
}

/// Iterates lines split at `\n`, `\r\n` and lone `\r`, the line breaks LSP and mldoc agree on.
pub fn lines(src: &str) -> impl Iterator<Item = Line> + '_ {
    let bytes = src.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let mut i = next_break(bytes, pos);
        let end = i;
        if i < bytes.len() {
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        pos = i;
        Some(Line {
            start,
            end,
            next: i,
        })
    })
}

/// Index of the first `\n` or `\r` at or after `from`, or `b.len()`. memchr's SIMD search:
/// finding line breaks was a tenth of `check`'s instructions when done a byte at a time.
#[inline]
pub fn next_break(b: &[u8], from: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &b[from..]).map_or(b.len(), |k| from + k)
}

/// Position encodings a client may negotiate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// Line starts of a text, for offset <-> (line, column) conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        let b = src.as_bytes();
        let mut i = next_break(b, 0);
        while i < b.len() {
            if b[i] == b'\n' || b.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
            i = next_break(b, i + 1);
        }
        LineIndex {
            starts,
            len: src.len(),
        }
    }

    /// The index of `src`, which is the text this index was built for with bytes
    /// `start..old_end` replaced by `start..new_end`: old line starts are moved, not searched
    /// for again (a keystroke in a 1 MB page should not re-read the page).
    pub fn edited(&self, src: &str, start: usize, old_end: usize, new_end: usize) -> LineIndex {
        let b = src.as_bytes();
        // A break whose bytes touch the edit may change (`\r` + inserted `\n` is one break).
        let p = start.saturating_sub(1);
        let keep = self.starts.partition_point(|&s| s == 0 || s - 1 < p);
        let after = self.starts.partition_point(|&s| s == 0 || s - 1 <= old_end);
        let delta = new_end as isize - old_end as isize;
        let mut starts = Vec::with_capacity(self.starts.len() + 8);
        starts.extend_from_slice(&self.starts[..keep]);
        let mut i = next_break(b, p);
        while i < b.len() && i <= new_end {
            if b[i] == b'\n' || b.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
            i = next_break(b, i + 1);
        }
        starts.extend(
            self.starts[after..]
                .iter()
                .map(|&s| (s as isize + delta) as usize),
        );
        LineIndex {
            starts,
            len: src.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// Line (0-based) holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        }
    }

    /// [`line_of`](Self::line_of), for offsets that mostly come in order: searched forward from
    /// line `from` in growing steps when `offset` is at or after its start (a page's
    /// diagnostics are sorted; a search over the whole page for each was a tenth of a
    /// keystroke's list on the 1 MB page, BENCHMARKS.md), else over the whole page.
    pub fn line_from(&self, from: usize, offset: usize) -> usize {
        let s = &self.starts;
        if from >= s.len() || s[from] > offset {
            return self.line_of(offset);
        }
        let (mut lo, mut step) = (from, 1);
        while lo + step < s.len() && s[lo + step] <= offset {
            lo += step;
            step *= 2;
        }
        let hi = (lo + step).min(s.len());
        // `s[lo] <= offset`, and `s[hi]` (if any) is after it.
        lo + s[lo..hi].partition_point(|&x| x <= offset) - 1
    }

    /// (line, column) of a byte offset, the column counted in `enc` units. Offsets inside a
    /// character are rounded down to its start.
    pub fn position(&self, src: &str, offset: usize, enc: Encoding) -> (u32, u32) {
        let offset = floor_char_boundary(src, offset.min(self.len));
        let line = self.line_of(offset);
        let seg = &src[self.starts[line]..offset];
        (line as u32, column_units(seg, enc) as u32)
    }

    /// Byte offset of (line, column in `enc` units). Past the end of a line clamps to the line's
    /// end (before its terminator); past the last line clamps to the end of the text. `None` never
    /// happens for clamped input, so callers get a usable offset for any position a client sends.
    pub fn offset(&self, src: &str, line: u32, col: u32, enc: Encoding) -> usize {
        let line = line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let start = self.starts[line];
        start + column_to_byte([&src[start..self.line_end(src, line)]], col, enc)
    }

    /// End of `line`'s content, before its terminator.
    pub fn line_end(&self, src: &str, line: usize) -> usize {
        let next = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let b = src.as_bytes();
        let mut e = next;
        if e > self.starts[line] && b[e - 1] == b'\n' {
            e -= 1;
        }
        if e > self.starts[line] && b[e - 1] == b'\r' {
            e -= 1;
        }
        e
    }
}

/// Converts many offsets of one text to (line, column), each from the previous one: offsets
/// that come near each other (a sorted list of diagnostics) cost the distance between them, not
/// the distance from their line's start (which made 20,000 diagnostics on one 0.5 MB line take
/// seconds).
pub struct Positions<'a> {
    src: &'a str,
    index: &'a LineIndex,
    enc: Encoding,
    /// The last offset converted, its line and column.
    last: (usize, usize, usize),
}

impl<'a> Positions<'a> {
    pub fn new(src: &'a str, index: &'a LineIndex, enc: Encoding) -> Self {
        Positions {
            src,
            index,
            enc,
            last: (0, 0, 0),
        }
    }

    /// What [`LineIndex::position`] gives for `offset`.
    pub fn at(&mut self, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(self.src, offset.min(self.index.len));
        let line = self.index.line_of(offset);
        let start = self.index.starts[line];
        let (lo, lline, lcol) = self.last;
        let col = if lline != line || offset.abs_diff(lo) > offset - start {
            column_units(&self.src[start..offset], self.enc)
        } else if offset >= lo {
            lcol + column_units(&self.src[lo..offset], self.enc)
        } else {
            lcol - column_units(&self.src[offset..lo], self.enc)
        };
        self.last = (offset, line, col);
        (line as u32, col as u32)
    }
}

pub fn char_units(ch: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => ch.len_utf8(),
        Encoding::Utf16 => ch.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

/// The byte offset in a line's content (without its terminator, given as consecutive pieces: one
/// `&str`, or a rope's chunks read in place) of column `col` in `enc` units: the one column rule
/// for every position a client sends. Past the end clamps to the end; a column inside a character
/// (half a surrogate pair) rounds down to its start, as [`LineIndex::position`] counts.
pub fn column_to_byte<'a>(
    pieces: impl IntoIterator<Item = &'a str>,
    col: u32,
    enc: Encoding,
) -> usize {
    let (mut units, mut base) = (0usize, 0usize);
    for piece in pieces {
        for (i, ch) in piece.char_indices() {
            units += char_units(ch, enc);
            if units > col as usize {
                return base + i;
            }
        }
        base += piece.len();
    }
    base
}

pub fn column_units(s: &str, enc: Encoding) -> usize {
    // Counted on bytes (the loop vectorises): every byte that is not a continuation byte starts
    // a character, and a 4-byte character (lead byte ≥ 0xF0) is two UTF-16 units.
    let chars = || s.bytes().filter(|&b| (b & 0xC0) != 0x80).count();
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => chars() + s.bytes().filter(|&b| b >= 0xF0).count(),
        Encoding::Utf32 => chars(),
    }
}

pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `src[r]` without its leading and trailing whitespace, as a range of `src`.
pub fn trimmed(src: &str, r: Range<usize>) -> Range<usize> {
    let t = &src[r.clone()];
    let lead = t.len() - t.trim_start().len();
    r.start + lead..r.start + lead + t.trim().len()
}

/// Leading tabs and spaces of a line.
pub fn indent_len(line: &str) -> usize {
    line.bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count()
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_units_count_like_the_standard_library() {
        for s in [
            "",
            "abc",
            "é",
            "😀",
            "a😀é\t中文 x",
            "\u{10FFFF}\u{7FF}\u{800}\u{FFFF}\u{10000}",
        ] {
            assert_eq!(
                super::column_units(s, super::Encoding::Utf16),
                s.encode_utf16().count(),
                "{s:?}"
            );
            assert_eq!(
                super::column_units(s, super::Encoding::Utf32),
                s.chars().count(),
                "{s:?}"
            );
            assert_eq!(super::column_units(s, super::Encoding::Utf8), s.len());
        }
    }

    proptest::proptest! {
        /// Searching from any line finds what a search over the page finds.
        #[test]
        fn line_from_any_line_is_line_of(
            v in proptest::collection::vec(proptest::sample::select(vec!["a", "\n", "\r\n", "😀", "\n\n"]), 0..60),
            from in 0usize..70, at in 0.0..=1.0f64,
        ) {
            let src: String = v.concat();
            let idx = super::LineIndex::new(&src);
            let offset = (src.len() as f64 * at) as usize;
            proptest::prop_assert_eq!(idx.line_from(from, offset), idx.line_of(offset));
        }

        /// Moving line starts after an edit gives what searching the new text gives.
        #[test]
        fn edited_index_equals_a_new_one(
            v in proptest::collection::vec(proptest::sample::select(vec!["a", "\n", "\r", "\r\n", "é", "😀"]), 0..40),
            a in 0.0..1.0f64, len in 0usize..6,
            ins in proptest::collection::vec(proptest::sample::select(vec!["b", "\n", "\r", "\r\n"]), 0..4),
        ) {
            let old: String = v.concat();
            let mut start = (old.len() as f64 * a) as usize;
            while !old.is_char_boundary(start) { start -= 1; }
            let mut end = (start + len).min(old.len());
            while !old.is_char_boundary(end) { end += 1; }
            let ins = ins.concat();
            let new = format!("{}{}{}", &old[..start], ins, &old[end..]);
            let got = super::LineIndex::new(&old).edited(&new, start, end, start + ins.len());
            let want = super::LineIndex::new(&new);
            proptest::prop_assert_eq!(got.starts, want.starts);
            proptest::prop_assert_eq!(got.len, want.len);
        }
    }

    use super::*;

    #[test]
    fn lines_split_on_all_terminators() {
        let s = "a\r\nb\rc\nd";
        let v: Vec<_> = lines(s).map(|l| l.text(s)).collect();
        assert_eq!(v, ["a", "b", "c", "d"]);
    }

    #[test]
    fn line_breaks_match_a_byte_scan() {
        let naive = |b: &[u8], from: usize| {
            (from..b.len())
                .find(|&i| b[i] == b'\n' || b[i] == b'\r')
                .unwrap_or(b.len())
        };
        let alphabet = [
            "a", "\n", "\r", "\r\n", "é", "😀", "\t", "\u{8d}", "\u{10a}", " ",
        ];
        let mut seed = 7u64;
        for len in 0..200 {
            let mut s = String::new();
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push_str(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let b = s.as_bytes();
            for from in 0..=b.len() {
                assert_eq!(next_break(b, from), naive(b, from), "{s:?} from {from}");
            }
            let mut starts = vec![0];
            for i in 0..b.len() {
                if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                    starts.push(i + 1);
                }
            }
            assert_eq!(LineIndex::new(&s).starts, starts, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn positions_cursor_equals_position(
            s in "[a-c😀é\r\n]{0,40}",
            offsets in proptest::collection::vec(0usize..60, 0..20),
        ) {
            let idx = LineIndex::new(&s);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let mut cur = Positions::new(&s, &idx, enc);
                for &o in &offsets {
                    proptest::prop_assert_eq!(cur.at(o), idx.position(&s, o, enc));
                }
            }
        }
    }

    #[test]
    fn positions_in_each_encoding() {
        let s = "x\n- 😀 é y\n";
        let idx = LineIndex::new(s);
        let y = s.find('y').unwrap();
        assert_eq!(idx.position(s, y, Encoding::Utf8), (1, 10));
        assert_eq!(idx.position(s, y, Encoding::Utf16), (1, 7));
        assert_eq!(idx.position(s, y, Encoding::Utf32), (1, 6));
        assert_eq!(idx.offset(s, 1, 7, Encoding::Utf16), y);
        assert_eq!(idx.offset(s, 1, 99, Encoding::Utf16), s.len() - 1);
        assert_eq!(idx.offset(s, 9, 0, Encoding::Utf16), s.len());
        // Column 3 in UTF-16 is inside 😀 (columns 2..4): it rounds down to the emoji.
        assert_eq!(idx.offset(s, 1, 3, Encoding::Utf16), s.find('😀').unwrap());
    }
}
