//! Just enough EDN to read `logseq/config.edn`: maps, vectors, lists, sets, strings, keywords,
//! symbols, numbers, comments, `#_` discards and tagged literals. Hand-written because the few
//! EDN crates are unmaintained, and a config we cannot read must only cost us defaults.

#[derive(Debug, Clone, PartialEq)]
pub enum Edn {
    Map(Vec<(Edn, Edn)>),
    List(Vec<Edn>),
    Str(String),
    Keyword(String),
    Symbol(String),
    Other,
}

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
    pub fn strings(&self) -> Vec<String> {
        match self {
            Edn::List(v) => v
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

pub fn parse(src: &str) -> Result<Edn, String> {
    let mut p = Parser {
        s: src.as_bytes(),
        i: 0,
        src,
    };
    p.ws();
    let v = p.value()?;
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() {
            match self.s[self.i] {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => self.i += 1,
                b';' => {
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn value(&mut self) -> Result<Edn, String> {
        let Some(&c) = self.s.get(self.i) else {
            return Err("unexpected end of config.edn".into());
        };
        match c {
            b'{' => {
                self.i += 1;
                let items = self.seq(b'}')?;
                let mut kv = Vec::new();
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    kv.push((k, v));
                }
                Ok(Edn::Map(kv))
            }
            b'[' | b'(' => {
                self.i += 1;
                Ok(Edn::List(self.seq(if c == b'[' { b']' } else { b')' })?))
            }
            b'"' => self.string(),
            b'#' => {
                self.i += 1;
                match self.s.get(self.i) {
                    Some(b'{') => {
                        self.i += 1;
                        Ok(Edn::List(self.seq(b'}')?))
                    }
                    Some(b'_') => {
                        self.i += 1;
                        self.ws();
                        self.value()?;
                        self.ws();
                        self.value()
                    }
                    Some(b'"') => self.string().map(|_| Edn::Other),
                    _ => {
                        self.atom(); // tag name
                        self.ws();
                        self.value()
                    }
                }
            }
            b'\\' => {
                self.i += 2;
                self.atom();
                Ok(Edn::Other)
            }
            b'}' | b']' | b')' => Err(format!("unexpected `{}` at byte {}", c as char, self.i)),
            _ => {
                let a = self.atom();
                if let Some(k) = a.strip_prefix(':') {
                    Ok(Edn::Keyword(k.to_string()))
                } else if a.is_empty() {
                    Err(format!("unexpected byte at {}", self.i))
                } else {
                    Ok(Edn::Symbol(a.to_string()))
                }
            }
        }
    }

    fn seq(&mut self, close: u8) -> Result<Vec<Edn>, String> {
        let mut v = Vec::new();
        loop {
            self.ws();
            match self.s.get(self.i) {
                None => return Err("unclosed collection in config.edn".into()),
                Some(&c) if c == close => {
                    self.i += 1;
                    return Ok(v);
                }
                _ => {
                    let x = self.value()?;
                    v.push(x);
                }
            }
        }
    }

    fn string(&mut self) -> Result<Edn, String> {
        self.i += 1;
        let mut out = String::new();
        let start = self.i;
        let mut seg = start;
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'"' => {
                    out.push_str(&self.src[seg..self.i]);
                    self.i += 1;
                    return Ok(Edn::Str(out));
                }
                b'\\' => {
                    out.push_str(&self.src[seg..self.i]);
                    let e = self.s.get(self.i + 1).copied().unwrap_or(b'\\');
                    out.push(match e {
                        b'n' => '\n',
                        b't' => '\t',
                        other => other as char,
                    });
                    self.i += 2;
                    seg = self.i;
                }
                _ => self.i += 1,
            }
        }
        Err("unclosed string in config.edn".into())
    }

    fn atom(&mut self) -> &str {
        let st = self.i;
        while self.i < self.s.len()
            && !matches!(
                self.s[self.i],
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b','
                    | b'{'
                    | b'}'
                    | b'['
                    | b']'
                    | b'('
                    | b')'
                    | b'"'
                    | b';'
            )
        {
            self.i += 1;
        }
        &self.src[st..self.i]
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_a_config() {
        let v = super::parse("{:hidden [\"/archived\" \"x.md\"] ; c\n :file/name-format :triple-lowbar #_ :skip 1 :m #{1 2} :r #\"a\" :t #inst \"2020\"}").unwrap();
        assert_eq!(v.get("hidden").unwrap().strings(), ["/archived", "x.md"]);
        assert_eq!(
            v.get("file/name-format").unwrap().as_str(),
            Some("triple-lowbar")
        );
        assert!(super::parse("{:a [1").is_err());
    }
}
