//! Position encodings: the only place that turns LSP `Position`s (line + column in the negotiated
//! unit) into the engine's byte offsets and back.
//!
//! An edit's positions are found in the rope, because a batch of edits is applied to the rope
//! before the document's `String` is rebuilt; every other position (hover, code-action ranges,
//! diagnostics, fixes) through the engine's [`LineIndex`] on the text snapshot in question. Both
//! split lines at `\n`, `\r\n` and lone `\r`, as LSP does (ropey's `cr_lines`), and read a
//! column with the one rule, `text::column_to_byte` (`rope_and_line_index_agree` holds them to it).

use ropey::{Rope, RopeSlice};
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use logseq_core::syntax::text::{column_to_byte, Encoding, LineIndex, Positions};

/// Picks the encoding from what the client offers: UTF-8 when offered (no conversion work and
/// the engine's native unit), else UTF-16, which every client must support. UTF-32 alone is not
/// taken: the spec obliges clients to handle UTF-16 anyway.
pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    match offered {
        Some(v) if v.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

pub fn encoding_kind(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// A line's content without its terminator.
fn line_content(rope: &Rope, line: usize) -> RopeSlice<'_> {
    let s = rope.line(line);
    let mut n = s.len_chars();
    if n > 0 && s.char(n - 1) == '\n' {
        n -= 1;
    }
    if n > 0 && s.char(n - 1) == '\r' {
        n -= 1;
    }
    s.slice(..n)
}

/// Char index of an LSP position. Clamps: a column past the line's end lands at the end of its
/// content (before the terminator), a line past the end lands at the end of the text, and a
/// column inside a character (half a surrogate pair, inside a UTF-8 sequence) rounds down. The
/// column is read by `text::column_to_byte`, the rule [`position_to_offset`] follows too.
pub fn position_to_char(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let content = line_content(rope, line).chunks();
    let byte = rope.line_to_byte(line) + column_to_byte(content, pos.character, enc);
    rope.byte_to_char(byte)
}

/// LSP position of a byte offset in `src` (the text `index` was built from).
pub fn offset_to_position(src: &str, index: &LineIndex, offset: usize, enc: Encoding) -> Position {
    let (line, character) = index.position(src, offset, enc);
    Position { line, character }
}

pub fn range_to_lsp(
    src: &str,
    index: &LineIndex,
    r: &std::ops::Range<usize>,
    enc: Encoding,
) -> Range {
    Range {
        start: offset_to_position(src, index, r.start, enc),
        end: offset_to_position(src, index, r.end, enc),
    }
}

/// [`range_to_lsp`] through a cursor over one text: many ranges in order cost the distance
/// between them, not each one's distance from its line start (diagnostics on a long line).
pub fn range_at(cursor: &mut Positions, r: &std::ops::Range<usize>) -> Range {
    let (sl, sc) = cursor.at(r.start);
    let (el, ec) = cursor.at(r.end);
    Range {
        start: Position::new(sl, sc),
        end: Position::new(el, ec),
    }
}

/// Byte offset of an LSP position in `src`, clamped like [`position_to_char`].
pub fn position_to_offset(src: &str, index: &LineIndex, pos: Position, enc: Encoding) -> usize {
    index.offset(src, pos.line, pos.character, enc)
}

pub fn range_to_offsets(
    src: &str,
    index: &LineIndex,
    r: Range,
    enc: Encoding,
) -> std::ops::Range<usize> {
    let a = position_to_offset(src, index, r.start, enc);
    let b = position_to_offset(src, index, r.end, enc);
    a.min(b)..a.max(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf8_wins_else_utf16() {
        use PositionEncodingKind as K;
        assert_eq!(
            negotiate(Some(&[K::UTF32, K::UTF8, K::UTF16])),
            Encoding::Utf8
        );
        assert_eq!(negotiate(Some(&[K::UTF16])), Encoding::Utf16);
        assert_eq!(negotiate(Some(&[K::UTF32])), Encoding::Utf16);
        assert_eq!(negotiate(None), Encoding::Utf16);
    }

    #[test]
    fn emoji_columns_in_each_encoding() {
        // 😀 is 4 UTF-8 bytes, 2 UTF-16 units, 1 char; é is 2 bytes, 1 unit.
        let s = "x\r\n- 😀 é id\rz\n";
        let rope = Rope::from_str(s);
        let idx = LineIndex::new(s);
        let id = s.find("id").unwrap();
        let id_char = rope.byte_to_char(id);
        assert_eq!(position_to_char(&rope, p(1, 7), Encoding::Utf16), id_char);
        assert_eq!(position_to_char(&rope, p(1, 10), Encoding::Utf8), id_char);
        assert_eq!(position_to_char(&rope, p(1, 6), Encoding::Utf32), id_char);
        assert_eq!(offset_to_position(s, &idx, id, Encoding::Utf16), p(1, 7));
        assert_eq!(offset_to_position(s, &idx, id, Encoding::Utf8), p(1, 10));
        assert_eq!(position_to_offset(s, &idx, p(1, 7), Encoding::Utf16), id);
        // Lone \r is a line break: z is on line 2.
        let z = s.find('z').unwrap();
        assert_eq!(offset_to_position(s, &idx, z, Encoding::Utf16), p(2, 0));
        assert_eq!(
            position_to_char(&rope, p(2, 0), Encoding::Utf16),
            rope.byte_to_char(z)
        );
    }

    #[test]
    fn out_of_range_and_mid_character_positions_clamp() {
        let s = "- 😀a\r\nb";
        let rope = Rope::from_str(s);
        // Past the end of line 0: before the \r\n, not after it.
        assert_eq!(position_to_char(&rope, p(0, 99), Encoding::Utf16), 4);
        assert_eq!(position_to_char(&rope, p(0, 99), Encoding::Utf8), 4);
        // Past the last line: end of text.
        assert_eq!(
            position_to_char(&rope, p(7, 3), Encoding::Utf16),
            rope.len_chars()
        );
        // Inside the surrogate pair (unit 3) and inside the UTF-8 sequence (byte 4): round down
        // to the emoji.
        assert_eq!(position_to_char(&rope, p(0, 3), Encoding::Utf16), 2);
        assert_eq!(position_to_char(&rope, p(0, 4), Encoding::Utf8), 2);
        let idx = LineIndex::new(s);
        assert_eq!(position_to_offset(s, &idx, p(0, 99), Encoding::Utf16), 7);
        assert_eq!(
            position_to_offset(s, &idx, p(9, 0), Encoding::Utf16),
            s.len()
        );
        // Reversed ranges come back ordered.
        let r = Range {
            start: p(1, 1),
            end: p(0, 0),
        };
        assert_eq!(range_to_offsets(s, &idx, r, Encoding::Utf16), 0..s.len());
    }

    #[test]
    fn trailing_newline_has_an_empty_last_line() {
        let s = "a\n";
        let rope = Rope::from_str(s);
        assert_eq!(position_to_char(&rope, p(1, 0), Encoding::Utf16), 2);
        assert_eq!(position_to_char(&rope, p(1, 5), Encoding::Utf16), 2);
    }

    /// A line longer than one rope chunk: the column is read across chunk boundaries.
    #[test]
    fn a_line_of_many_rope_chunks() {
        let s = format!("- {}\r\nx", "a😀é".repeat(3_000));
        let rope = Rope::from_str(&s);
        assert!(
            rope.line(0).chunks().count() > 3,
            "the test needs a line of several chunks"
        );
        let index = LineIndex::new(&s);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for col in (0..30_000).step_by(7) {
                let at = rope.char_to_byte(position_to_char(&rope, p(0, col), enc));
                assert_eq!(
                    at,
                    position_to_offset(&s, &index, p(0, col), enc),
                    "{enc:?} {col}"
                );
            }
        }
    }

    mod agree {
        use super::*;
        use proptest::prelude::*;

        const PIECES: &[&str] = &[
            "a", "é", "😀", "\n", "\r\n", "\r", "\t", " ", "- ", "\u{2028}",
        ];

        proptest! {
            /// The rope (edits) and the line index (everything else) put every position, in
            /// range or not, at the same byte.
            #[test]
            fn rope_and_line_index_agree(
                pieces in prop::collection::vec(prop::sample::select(PIECES), 0..40),
                line in 0u32..12,
                col in 0u32..12,
            ) {
                let s = pieces.concat();
                let rope = Rope::from_str(&s);
                let index = LineIndex::new(&s);
                for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                    let at = rope.char_to_byte(position_to_char(&rope, p(line, col), enc));
                    prop_assert_eq!(at, position_to_offset(&s, &index, p(line, col), enc), "{:?} {:?}", s, enc);
                }
            }
        }
    }
}
