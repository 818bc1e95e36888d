//! An EDN reader for `logseq/config.edn`, total (no input panics it, any input ends in a value or
//! one error naming the line) and as strict as Logseq's: Logseq 0.10.9 reads the file with
//! `clojure.edn/read-string` (frontend/handler/repo_config.cljs `read-repo-config`, i.e.
//! tools.reader's EDN reader), so a config it rejects is rejected here and the defaults apply.
//! Behaviour checked against that reader as nbb-logseq runs it: comments `;` and `#!`, `#_`
//! discards (nested, and before a closing bracket), sets, maps with any keys (duplicates are an
//! error), `^meta` (dropped), chars `\a \newline \u00e9 \o101`, string escapes `\t \r \n \b \f
//! \\ \" \uXXXX \NNN` (any other is an error), tags `#inst #uuid #queue #js` (others are an error),
//! `##Inf`; a regex `#"…"` is not EDN and is an error. Only the first form counts.
//!
//! Not `clojure-reader` 0.7: it decodes only five string escapes (Logseq's `"\u00e9"` would be
//! rejected) and accepts every tag, so it would differ from Logseq both ways.

use std::collections::HashSet;

mod tokens;
use tokens::{ends_token, is_number, keyword_ok};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Edn {
    Map(Vec<(Edn, Edn)>),
    Vector(Vec<Edn>),
    List(Vec<Edn>),
    Set(Vec<Edn>),
    Str(String),
    Keyword(String),
    Symbol(String),
    Char(char),
    /// The number's text as written (`1`, `0x1F`, `1/2`, `2.0M`).
    Number(String),
    Bool(bool),
    Nil,
    Tagged(String, Box<Edn>),
}

/// Why a config could not be read, and on which line (1-based) the reader stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdnError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for EdnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Deeper nesting than this is an error, not a stack overflow (a real config nests 4–5 levels).
pub const MAX_DEPTH: usize = 200;

impl Edn {
    pub fn get(&self, key: &str) -> Option<&Edn> {
        match self {
            Edn::Map(kv) => kv
                .iter()
                .find(|(k, _)| matches!(k, Edn::Keyword(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Edn::Str(s) | Edn::Keyword(s) | Edn::Symbol(s) => Some(s),
            _ => None,
        }
    }
    /// The string-like items of a vector, list or set.
    pub fn strings(&self) -> Vec<String> {
        match self {
            Edn::Vector(v) | Edn::List(v) | Edn::Set(v) => v
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Reads the first form of `src`; an empty text (only whitespace or comments) is `nil`.
pub fn parse(src: &str) -> Result<Edn, EdnError> {
    parse_with(src, None)
}

/// [`parse`], also giving the byte range in `src` of each form read directly inside the first
/// form when it is a map (keys and values alternate; discarded forms are not among them): where
/// a query's top-level keys are written.
pub fn parse_spans(src: &str) -> Result<(Edn, Vec<std::ops::Range<usize>>), EdnError> {
    let mut spans = Vec::new();
    let v = parse_with(src, Some(&mut spans))?;
    Ok((v, spans))
}

fn parse_with(src: &str, spans: Option<&mut Vec<std::ops::Range<usize>>>) -> Result<Edn, EdnError> {
    let mut p = Parser {
        src,
        i: 0,
        depth: 0,
        spans,
    };
    loop {
        p.ws();
        match p.peek() {
            None => return Ok(Edn::Nil),
            Some(c @ (')' | ']' | '}')) => return Err(p.err(format!("unmatched delimiter `{c}`"))),
            Some(_) => {
                if let Some(v) = p.form()? {
                    return Ok(v);
                }
            }
        }
    }
}

struct Parser<'a> {
    src: &'a str,
    /// Byte offset, always on a char boundary.
    i: usize,
    depth: usize,
    /// Where to note the ranges of the forms inside a top-level map (`parse_spans`).
    spans: Option<&'a mut Vec<std::ops::Range<usize>>>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.i..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }
    fn err(&self, message: String) -> EdnError {
        self.err_at(self.i, message)
    }
    /// Lines are counted only here, once, when reading has failed.
    fn err_at(&self, at: usize, message: String) -> EdnError {
        let line = 1 + self.src.as_bytes()[..at.min(self.src.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        EdnError { line, message }
    }
    fn line_comment(&mut self) {
        match self.src[self.i..].find('\n') {
            Some(n) => self.i += n,
            None => self.i = self.src.len(),
        }
    }
    fn ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ',' {
                self.i += c.len_utf8();
            } else if c == ';' || self.src[self.i..].starts_with("#!") {
                self.line_comment();
            } else {
                break;
            }
        }
    }
    fn token(&mut self) -> &str {
        let st = self.i;
        while let Some(c) = self.peek() {
            if ends_token(c) {
                break;
            }
            self.i += c.len_utf8();
        }
        &self.src[st..self.i]
    }

    /// Reads forms, skipping discards, until `close`.
    fn items(&mut self, close: char, what: &str) -> Result<Vec<Edn>, EdnError> {
        let mut v = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                None => {
                    return Err(self.err(format!("end of file inside a {what} (missing `{close}`)")))
                }
                Some(c) if c == close => {
                    self.i += 1;
                    return Ok(v);
                }
                Some(c) if matches!(c, ')' | ']' | '}') => {
                    return Err(self.err(format!("unmatched delimiter `{c}` inside a {what}")))
                }
                _ => {
                    self.ws();
                    let at = self.i;
                    if let Some(x) = self.form()? {
                        if self.depth == 1 && close == '}' {
                            if let Some(s) = self.spans.as_deref_mut() {
                                s.push(at..self.i);
                            }
                        }
                        v.push(x);
                    }
                }
            }
        }
    }

    /// One form; `None` for a `#_` discard or `^meta` that consumed its form, and at a closing
    /// delimiter (which the caller reports or consumes).
    fn form(&mut self) -> Result<Option<Edn>, EdnError> {
        self.ws();
        let Some(c) = self.peek() else {
            return Err(self.err("unexpected end of file".into()));
        };
        if matches!(c, '{' | '[' | '(' | '#' | '^') {
            if self.depth >= MAX_DEPTH {
                return Err(self.err(format!("nested deeper than {MAX_DEPTH} levels")));
            }
            self.depth += 1;
            let r = self.nested(c);
            self.depth -= 1;
            return r;
        }
        match c {
            ')' | ']' | '}' => Ok(None),
            '"' => {
                self.i += 1;
                self.string().map(|s| Some(Edn::Str(s)))
            }
            '\\' => {
                self.i += 1;
                self.character().map(|c| Some(Edn::Char(c)))
            }
            ':' => {
                let t = self.token().to_string();
                let name = &t[1..];
                if !keyword_ok(name) {
                    return Err(self.err(format!("invalid keyword `{t}`")));
                }
                Ok(Some(Edn::Keyword(name.to_string())))
            }
            '@' | '`' | '~' => Err(self.err(format!("invalid character `{c}`"))),
            _ => {
                let t = self.token().to_string();
                self.atom(t).map(Some)
            }
        }
    }

    fn nested(&mut self, c: char) -> Result<Option<Edn>, EdnError> {
        self.i += 1;
        match c {
            '{' => {
                let start = self.i - 1;
                let items = self.items('}', "map")?;
                if items.len() % 2 == 1 {
                    return Err(self.err_at(
                        start,
                        format!(
                            "the map starting here has {} forms; a map needs an even number",
                            items.len()
                        ),
                    ));
                }
                let mut seen = HashSet::with_capacity(items.len() / 2);
                let mut kv = Vec::with_capacity(items.len() / 2);
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    if !seen.insert(k.clone()) {
                        return Err(self.err_at(
                            start,
                            format!("the map starting here has the key {} twice", show(&k)),
                        ));
                    }
                    kv.push((k, v));
                }
                Ok(Some(Edn::Map(kv)))
            }
            '[' => Ok(Some(Edn::Vector(self.items(']', "vector")?))),
            '(' => Ok(Some(Edn::List(self.items(')', "list")?))),
            '^' => self.meta(),
            _ => self.dispatch(),
        }
    }

    /// `^meta form`: the meta is read and dropped.
    fn meta(&mut self) -> Result<Option<Edn>, EdnError> {
        self.required("metadata")?;
        self.required("the form after metadata").map(Some)
    }

    /// A form that must be there (not a closing delimiter, not the end).
    fn required(&mut self, what: &str) -> Result<Edn, EdnError> {
        loop {
            self.ws();
            match self.peek() {
                None => return Err(self.err(format!("end of file where {what} should be"))),
                Some(c @ (')' | ']' | '}')) => {
                    return Err(
                        self.err(format!("unmatched delimiter `{c}` where {what} should be"))
                    )
                }
                _ => {
                    if let Some(v) = self.form()? {
                        return Ok(v);
                    }
                }
            }
        }
    }

    /// After `#`.
    fn dispatch(&mut self) -> Result<Option<Edn>, EdnError> {
        match self.peek() {
            Some('{') => {
                self.i += 1;
                let start = self.i - 2;
                let items = self.items('}', "set")?;
                let mut seen = HashSet::with_capacity(items.len());
                for x in &items {
                    if !seen.insert(x) {
                        return Err(self.err_at(
                            start,
                            format!("the set starting here has {} twice", show(x)),
                        ));
                    }
                }
                Ok(Some(Edn::Set(items)))
            }
            Some('_') => {
                self.i += 1;
                self.required("the form `#_` discards")?;
                Ok(None)
            }
            Some('^') => {
                self.i += 1;
                self.meta()
            }
            Some('#') => {
                self.i += 1;
                let t = self.token().to_string();
                match t.as_str() {
                    "Inf" | "-Inf" | "NaN" => Ok(Some(Edn::Symbol(format!("##{t}")))),
                    _ => Err(self.err(format!("invalid symbolic value `##{t}`"))),
                }
            }
            Some('"') => {
                Err(self.err("a regex `#\"…\"` is not EDN; Logseq cannot read it here".into()))
            }
            Some(c) if c.is_alphabetic() => {
                let tag = self.token().to_string();
                let v = self.required(&format!("the value of `#{tag}`"))?;
                match tag.as_str() {
                    "inst" | "uuid" | "queue" | "js" => Ok(Some(Edn::Tagged(tag, Box::new(v)))),
                    _ => Err(self.err(format!("no reader for the tag `#{tag}`"))),
                }
            }
            Some(c) => Err(self.err(format!("`#{c}` is not EDN"))),
            None => Err(self.err("end of file after `#`".into())),
        }
    }

    /// After `"`.
    fn string(&mut self) -> Result<String, EdnError> {
        let mut out = String::new();
        loop {
            let rest = &self.src[self.i..];
            let Some(n) = rest.find(['"', '\\']) else {
                self.i = self.src.len();
                return Err(self.err("end of file inside a string (missing `\"`)".into()));
            };
            out.push_str(&rest[..n]);
            self.i += n;
            if self.bump() == Some('"') {
                return Ok(out);
            }
            let Some(e) = self.bump() else {
                return Err(self.err("end of file inside a string (missing `\"`)".into()));
            };
            out.push(match e {
                't' => '\t',
                'r' => '\r',
                'n' => '\n',
                'b' => '\u{8}',
                'f' => '\u{c}',
                '\\' => '\\',
                '"' => '"',
                'u' => {
                    let hex: String = self.src[self.i..].chars().take(4).collect();
                    self.i += hex.len();
                    match (
                        hex.chars().count(),
                        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32),
                    ) {
                        (4, Some(c)) => c,
                        _ => {
                            return Err(
                                self.err(format!("invalid unicode escape `\\u{hex}` in a string"))
                            )
                        }
                    }
                }
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                self.i += 1;
                            }
                            None => break,
                        }
                    }
                    match char::from_u32(v) {
                        Some(c) if v <= 0o377 => c,
                        _ => return Err(self.err("octal escape above \\377 in a string".into())),
                    }
                }
                other => {
                    return Err(self.err(format!("unsupported escape `\\{other}` in a string")))
                }
            });
        }
    }

    /// After `\`: one char, or a name (`newline`, `u00e9`, `o101`).
    fn character(&mut self) -> Result<char, EdnError> {
        let Some(first) = self.bump() else {
            return Err(self.err("end of file after `\\`".into()));
        };
        let st = self.i - first.len_utf8();
        while let Some(c) = self.peek() {
            if ends_token(c) {
                break;
            }
            self.i += c.len_utf8();
        }
        let t = &self.src[st..self.i];
        if t.chars().count() == 1 {
            return Ok(first);
        }
        let named = match t {
            "newline" => Some('\n'),
            "space" => Some(' '),
            "tab" => Some('\t'),
            "backspace" => Some('\u{8}'),
            "formfeed" => Some('\u{c}'),
            "return" => Some('\r'),
            _ if t.len() == 5 && t.starts_with('u') => u32::from_str_radix(&t[1..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if t.starts_with('o') && t.len() <= 4 => u32::from_str_radix(&t[1..], 8)
                .ok()
                .filter(|v| *v <= 0o377)
                .and_then(char::from_u32),
            _ => None,
        };
        named.ok_or_else(|| self.err(format!("unsupported character `\\{t}`")))
    }

    fn atom(&mut self, t: String) -> Result<Edn, EdnError> {
        let mut cs = t.chars();
        let first = cs.next().unwrap_or(' ');
        let second = cs.next();
        let numeric = first.is_ascii_digit()
            || (matches!(first, '+' | '-') && second.is_some_and(|c| c.is_ascii_digit()));
        if numeric {
            return if is_number(&t) {
                Ok(Edn::Number(t))
            } else {
                Err(self.err(format!("invalid number `{t}`")))
            };
        }
        match t.as_str() {
            "" => {
                let c = self.bump().unwrap_or(' ');
                Err(self.err(format!("unexpected `{c}`")))
            }
            "nil" => Ok(Edn::Nil),
            "true" => Ok(Edn::Bool(true)),
            "false" => Ok(Edn::Bool(false)),
            _ if t.ends_with(':') || t.ends_with('/') && t != "/" || t.contains("::") => {
                Err(self.err(format!("invalid symbol `{t}`")))
            }
            _ => Ok(Edn::Symbol(t)),
        }
    }
}

/// A short EDN rendering for messages.
fn show(v: &Edn) -> String {
    match v {
        Edn::Keyword(k) => format!(":{k}"),
        Edn::Str(s) => format!("{s:?}"),
        Edn::Symbol(s) | Edn::Number(s) => s.clone(),
        Edn::Char(c) => format!("\\{c}"),
        Edn::Bool(b) => b.to_string(),
        Edn::Nil => "nil".into(),
        _ => "a collection".into(),
    }
}

#[cfg(test)]
mod tests;
