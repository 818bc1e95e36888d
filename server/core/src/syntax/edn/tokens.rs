//! The EDN reader's tokens: where one ends, and which are keywords and numbers (tools.reader's
//! rules).

/// Characters that end a token (tools.reader `whitespace?` and `macro-terminating?`).
pub(super) fn ends_token(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | '"' | ';' | '@' | '^' | '`' | '~' | '(' | ')' | '[' | ']' | '{' | '}' | '\\'
        )
}

/// tools.reader's EDN `read-keyword`: the token after `:` must pass `parse-symbol`
/// (impl/commons.cljs) and hold no `::`. With a namespace (`ns/name`, `/` not first) the name is
/// not empty, does not start with a digit and holds no `/` (unless it is `/`), and the namespace
/// does not end with `:`; without one, the token has no `/` or is `/`.
pub(super) fn keyword_ok(t: &str) -> bool {
    if t.is_empty() || t.starts_with(':') || t.ends_with(':') || t.contains("::") {
        return false;
    }
    match t.find('/') {
        Some(k) if k > 0 => {
            let (ns, name) = (&t[..k], &t[k + 1..]);
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && !ns.ends_with(':')
                && (name == "/" || !name.contains('/'))
        }
        _ => t == "/" || !t.contains('/'),
    }
}

/// tools.reader's number forms: integers (decimal, `0x`, octal `0…`, radix `NrDIGITS`, `N`
/// suffix), ratios, and decimals with an optional exponent and `M` suffix.
pub(super) fn is_number(t: &str) -> bool {
    let s = t.strip_prefix(['+', '-']).unwrap_or(t);
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let int = |s: &str| {
        let s = s.strip_suffix('N').unwrap_or(s);
        if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            return digits(h, 16);
        }
        if let Some((r, d)) = s.split_once(['r', 'R']) {
            return r.parse::<u32>().is_ok_and(|r| (2..=36).contains(&r))
                && digits(d, r.parse().unwrap_or(10));
        }
        if s.len() > 1 && s.starts_with('0') {
            return digits(s, 8);
        }
        digits(s, 10)
    };
    if int(s) {
        return true;
    }
    if let Some((n, d)) = s.split_once('/') {
        return digits(n, 10) && digits(d, 10);
    }
    let s = s.strip_suffix('M').unwrap_or(s);
    let (mant, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let (whole, frac) = mant.split_once('.').unwrap_or((mant, ""));
    digits(whole, 10)
        && (frac.is_empty() || digits(frac, 10))
        && exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e), 10))
        && (mant.contains('.') || exp.is_some() || t.ends_with('M'))
}
