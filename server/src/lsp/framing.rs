//! A guard in front of tower-lsp-server's reader. Its codec ends the input stream at the first
//! message it cannot decode (tokio-util's FramedRead stops after a decoder error), so one
//! malformed message from a client would end the server. This task reads the LSP frames itself,
//! passes on every frame whose body is JSON, and drops (and logs) the rest, resynchronising on
//! the next `Content-Length` header.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Largest message accepted (a 10 MB page in a didOpen is far below it).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// Copies well-formed frames from `input` to `output` until `input` ends.
pub async fn filter<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(input: R, mut output: W) {
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
        if serde_json::from_slice::<serde_json::Value>(&body)
            .map(|v| v.is_object())
            .unwrap_or(false)
        {
            let head = format!("Content-Length: {n}\r\n\r\n");
            if output.write_all(head.as_bytes()).await.is_err()
                || output.write_all(&body).await.is_err()
            {
                break;
            }
        } else {
            eprintln!(
                "logseq-lsp warning: ignoring a message that is not a JSON object: {:?}",
                truncate(&String::from_utf8_lossy(&body))
            );
        }
    }
    let _ = output.shutdown().await;
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn drops_malformed_frames_and_keeps_the_rest() {
        let good = r#"{"jsonrpc":"2.0","method":"x"}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{good}Content-Length: 5\r\n\r\n{{oopsgarbage line\r\nContent-Length: abc\r\n\r\nContent-Length: {}\r\nContent-Type: x\r\n\r\n{good}",
            good.len(),
            good.len()
        );
        let mut out = Vec::new();
        super::filter(input.as_bytes(), &mut out).await;
        let expect = format!("Content-Length: {}\r\n\r\n{good}", good.len()).repeat(2);
        assert_eq!(String::from_utf8(out).unwrap(), expect);
    }
}
