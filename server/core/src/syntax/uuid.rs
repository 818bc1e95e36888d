//! Block ids: `cljs.core/parse-uuid` accepts any 8-4-4-4-12 hex string, either case, after trimming.

/// The block a `((…))` reference's inner text names: inline references are not trimmed (a space
/// inside makes "Block ref invalid"), an embed's argument is.
pub fn block_ref_id(inner: &str, in_embed: bool) -> Option<String> {
    parse_uuid(inner).filter(|_| in_embed || inner.trim() == inner)
}

/// The canonical (lower-case) form of `s` if Logseq reads it as a UUID.
pub fn parse_uuid(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    for (i, c) in b.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        };
        if !ok {
            return None;
        }
    }
    Some(s.to_ascii_lowercase())
}

/// A fresh id the way Logseq writes them: lower-case, version 4.
pub fn new_uuid() -> String {
    ::uuid::Uuid::new_v4().hyphenated().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn accepts_any_case_rejects_other_shapes() {
        assert_eq!(
            super::parse_uuid(" 6543B1A2-1c2d-4e5f-8a9b-0c1d2e3f4a5b ").as_deref(),
            Some("6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
        );
        for bad in [
            "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5",
            "6543b1a2x1c2d-4e5f-8a9b-0c1d2e3f4a5b",
            "g543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
            "",
        ] {
            assert!(super::parse_uuid(bad).is_none(), "{bad}");
        }
        assert!(super::parse_uuid(&super::new_uuid()).is_some());
    }
}
