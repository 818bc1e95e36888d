//! A guard in front of tower-lsp-server's reader. Its codec ends the input stream at the first
//! message it cannot decode (tokio-util's FramedRead stops after a decoder error), and its
//! service ends the session on a JSON object that is not JSON-RPC, so one malformed message from
//! a client would end the server. This task reads the LSP frames itself and passes on only
//! frames tower-lsp-server can decode (checked with its own `Request`/`Response` types). The
//! rest is answered here when it carries a usable id (`-32700` for text that is not JSON,
//! `-32600` for JSON that is not JSON-RPC) or dropped with a log line; the stream resynchronises
//! on the next `Content-Length` header. Two more cases are settled here:
//! - a request whose method starts with `$/` gets MethodNotFound (tower-lsp-server answers
//!   nothing to those, which LSP allows only for notifications);
//! - a `didChange` whose text cannot be read (a lone surrogate `\ud800`, which serde_json
//!   refuses) becomes a `logseq-lsp/lostSync` notification: the server forgets the document's
//!   text until the editor sends it whole, rather than keep a text that differs from the editor's.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

use super::output::Output;

/// Largest message accepted (a 10 MB page in a didOpen is far below it).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// The notification a `didChange` that cannot be read turns into.
pub const LOST_SYNC: &str = "logseq-lsp/lostSync";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// What to do with one frame's body.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Well-formed JSON-RPC: pass it on as it is.
    Forward,
    /// Pass this instead (a lost didChange).
    Replace(Vec<u8>),
    /// Answer this error to the id, pass nothing on.
    Answer {
        id: Value,
        code: i64,
        message: String,
    },
    /// Nothing to answer: log why and pass nothing on.
    Drop(String),
}

/// Decides one body's fate. Pure, for the tests and the fuzz target.
pub fn judge(body: &[u8]) -> Verdict {
    if let Ok(req) = serde_json::from_slice::<Request>(body) {
        if let Some(id) = req.id() {
            if req.method().starts_with("$/") {
                return Verdict::Answer {
                    id: serde_json::to_value(id).unwrap_or(Value::Null),
                    code: METHOD_NOT_FOUND,
                    message: format!("method not found: {}", req.method()),
                };
            }
        }
        return Verdict::Forward;
    }
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Verdict::Forward;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => {
            let id = o.get("id").and_then(usable_id);
            // A malformed response has no one to answer to.
            let response_like = o.contains_key("result") || o.contains_key("error");
            match id {
                Some(id) if !response_like => Verdict::Answer {
                    id,
                    code: INVALID_REQUEST,
                    message: "invalid request: not a JSON-RPC 2.0 message".to_string(),
                },
                _ => Verdict::Drop(format!(
                    "ignoring a JSON object that is not a JSON-RPC 2.0 message and has no usable id: {:?}",
                    truncate(&String::from_utf8_lossy(body))
                )),
            }
        }
        Ok(_) => Verdict::Drop(format!(
            "ignoring a message that is not a JSON object: {:?}",
            truncate(&String::from_utf8_lossy(body))
        )),
        Err(e) => {
            // Not JSON serde_json accepts (a lone surrogate, nesting deeper than 128, bad
            // UTF-8, or not JSON at all): the top-level fields may still be readable.
            let top = TopLevel::scan(body);
            let why = e.to_string();
            if let Some(id) = top.id {
                return Verdict::Answer {
                    id,
                    code: PARSE_ERROR,
                    message: format!("parse error: {why}"),
                };
            }
            if top.method.as_deref() == Some("textDocument/didChange") {
                if let Some(uri) = first_uri(body) {
                    let n = json!({"jsonrpc": "2.0", "method": LOST_SYNC,
                                   "params": {"uri": uri, "reason": why}});
                    return Verdict::Replace(n.to_string().into_bytes());
                }
            }
            Verdict::Drop(format!(
                "ignoring a message that is not a JSON object ({why}): {:?}",
                truncate(&String::from_utf8_lossy(body))
            ))
        }
    }
}

/// An id JSON-RPC (and tower-lsp-server, which reads it as an i64 or a string) can answer to.
fn usable_id(v: &Value) -> Option<Value> {
    match v {
        Value::String(_) => Some(v.clone()),
        Value::Number(n) if n.is_i64() => Some(v.clone()),
        _ => None,
    }
}

/// The `id` and `method` of a top-level object, read without parsing the rest (which may be
/// nested 10,000 deep or hold text serde_json refuses). Iterative: no recursion to overflow.
#[derive(Default, Debug)]
struct TopLevel {
    id: Option<Value>,
    method: Option<String>,
}

impl TopLevel {
    fn scan(b: &[u8]) -> TopLevel {
        let mut out = TopLevel::default();
        let mut depth = 0usize;
        let mut i = 0;
        // At depth 1, whether the next string is a key.
        let mut expect_key = false;
        let mut key: Option<(usize, usize)> = None;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    let start = i;
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    let end = (i + 1).min(b.len());
                    if depth == 1 {
                        if expect_key {
                            key = Some((start, end));
                            expect_key = false;
                        } else if let Some(k) = key.take() {
                            let s = serde_json::from_slice::<String>(&b[start..end]).ok();
                            match &b[k.0..k.1] {
                                br#""id""# => out.id = s.map(Value::String),
                                br#""method""# => out.method = s,
                                _ => {}
                            }
                        }
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    expect_key = depth == 1;
                    if depth == 2 {
                        key = None;
                    }
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                b',' if depth == 1 => {
                    expect_key = true;
                    key = None;
                }
                b'-' | b'0'..=b'9' if depth == 1 => {
                    let start = i;
                    while i + 1 < b.len()
                        && matches!(b[i + 1], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    {
                        i += 1;
                    }
                    if let Some(k) = key.take() {
                        if &b[k.0..k.1] == br#""id""# {
                            out.id = std::str::from_utf8(&b[start..=i])
                                .ok()
                                .and_then(|s| s.parse::<i64>().ok())
                                .map(Value::from);
                        }
                    }
                }
                _ => {}
            }
            i += 1;
        }
        out
    }
}

/// The first `"uri": "…"` in a body (a didChange's `params.textDocument.uri`: its text cannot
/// hold an unescaped `"uri"`).
fn first_uri(b: &[u8]) -> Option<String> {
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&b[from..], br#""uri""#) {
        let at = from + k;
        from = at + 5;
        if at > 0 && b[at - 1] == b'\\' {
            continue;
        }
        let rest = &b[from..];
        let colon = rest.iter().position(|c| !c.is_ascii_whitespace())?;
        if rest[colon] != b':' {
            continue;
        }
        let rest = &rest[colon + 1..];
        let q = rest.iter().position(|c| !c.is_ascii_whitespace())?;
        let rest = &rest[q..];
        let end = rest.iter().skip(1).position(|c| *c == b'"')? + 2;
        return serde_json::from_slice::<String>(&rest[..end]).ok();
    }
    None
}

/// Copies well-formed frames from `input` to `output` until `input` ends; answers or drops the
/// rest (see the module comment), answering through `replies`.
pub async fn filter<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(
    input: R,
    mut output: W,
    replies: Output,
) {
    let mut r = BufReader::new(input);
    let mut line = Vec::new();
    'frames: loop {
        // Headers up to an empty line; only Content-Length matters.
        let mut len: Option<usize> = None;
        loop {
            line.clear();
            match r.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => break 'frames,
                Ok(_) => {}
            }
            let l = String::from_utf8_lossy(&line);
            let l = l.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                if len.is_some() {
                    break;
                }
                continue; // stray blank line between frames
            }
            match l.split_once(':') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("content-length") => {
                    len = v.trim().parse().ok().filter(|n| *n <= MAX_MESSAGE);
                    if len.is_none() {
                        eprintln!("logseq-lsp warning: bad Content-Length header `{l}`; skipping to the next message");
                    }
                }
                Some(_) => {} // Content-Type and other headers
                None => eprintln!(
                    "logseq-lsp warning: ignoring a line that is not a header: {:?}",
                    truncate(l)
                ),
            }
        }
        let Some(n) = len else { continue };
        let mut body = vec![0; n];
        if r.read_exact(&mut body).await.is_err() {
            break;
        }
        let pass = match judge(&body) {
            Verdict::Forward => body,
            Verdict::Replace(b) => {
                eprintln!("logseq-lsp warning: a didChange could not be read; the document is unknown until the editor sends its whole text");
                b
            }
            Verdict::Answer { id, code, message } => {
                eprintln!("logseq-lsp warning: answered {code} to message {id}: {message}");
                replies.respond_error(&id, code, &message);
                continue;
            }
            Verdict::Drop(why) => {
                eprintln!("logseq-lsp warning: {why}");
                continue;
            }
        };
        // Re-framed with Content-Length alone: tower-lsp-server refuses other headers' values.
        let head = format!("Content-Length: {}\r\n\r\n", pass.len());
        if output.write_all(head.as_bytes()).await.is_err()
            || output.write_all(&pass).await.is_err()
        {
            break;
        }
    }
    let _ = output.shutdown().await;
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drops_malformed_frames_and_keeps_the_rest() {
        let good = r#"{"jsonrpc":"2.0","method":"x"}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{good}Content-Length: 5\r\n\r\n{{oopsgarbage line\r\nContent-Length: abc\r\n\r\ncontent-length: 2\r\n\r\n{{}}Content-Length: {}\r\nContent-Type: x\r\n\r\n{good}",
            good.len(),
            good.len()
        );
        let (replies, _sink, _task) = super::super::output::start(tokio::io::sink());
        let mut out = Vec::new();
        super::filter(input.as_bytes(), &mut out, replies).await;
        let expect = format!("Content-Length: {}\r\n\r\n{good}", good.len()).repeat(2);
        assert_eq!(String::from_utf8(out).unwrap(), expect);
    }

    fn code(body: &str) -> Option<(Value, i64)> {
        match judge(body.as_bytes()) {
            Verdict::Answer { id, code, .. } => Some((id, code)),
            _ => None,
        }
    }

    #[test]
    fn json_that_is_not_json_rpc_is_answered_invalid_request_when_it_has_an_id() {
        for body in [
            r#"{"id":7,"method":"textDocument/hover"}"#,
            r#"{"jsonrpc":"1.0","id":7,"method":"textDocument/hover"}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":12}"#,
        ] {
            assert_eq!(code(body), Some((json!(7), INVALID_REQUEST)), "{body}");
        }
        for body in [
            "{}",
            r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"x"}"#,
            "[1,2]",
        ] {
            assert!(matches!(judge(body.as_bytes()), Verdict::Drop(_)), "{body}");
        }
    }

    #[test]
    fn unreadable_requests_are_answered_parse_error() {
        let deep = format!(
            r#"{{"jsonrpc":"2.0","id":"d","method":"x","params":{}{}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(code(&deep), Some((json!("d"), PARSE_ERROR)));
        let lone =
            r#"{"jsonrpc":"2.0","method":"textDocument/hover","params":{"x":"\ud800"},"id":3}"#;
        assert_eq!(code(lone), Some((json!(3), PARSE_ERROR)));
    }

    #[test]
    fn a_dollar_request_gets_method_not_found_and_a_dollar_notification_passes() {
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":2,"method":"$/x"}"#),
            Some((json!(2), METHOD_NOT_FOUND))
        );
        assert_eq!(
            judge(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#),
            Verdict::Forward
        );
    }

    #[test]
    fn an_unreadable_did_change_becomes_lost_sync_for_its_document() {
        let b = br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"contentChanges":[{"text":"a \"uri\": \ud800"}],"textDocument":{"uri":"file:///g/pages/a.md","version":3}}}"#;
        let Verdict::Replace(n) = judge(b) else {
            panic!("{:?}", judge(b))
        };
        let v: Value = serde_json::from_slice(&n).unwrap();
        assert_eq!(v["method"], LOST_SYNC);
        assert_eq!(v["params"]["uri"], "file:///g/pages/a.md");
    }
}
