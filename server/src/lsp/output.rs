//! One writer for stdout, fed whole frames from two sources: tower-lsp-server's own messages and
//! the diagnostics we serialize ourselves.
//!
//! Why: tower-lsp-server turns every notification into a `serde_json::Value` tree, then into a
//! string, then frees the tree. For `publishDiagnostics` on a big page (3,600 diagnostics,
//! 1.5 MB of JSON) that was two thirds of the server's CPU per keystroke (BENCHMARKS.md).
//! Serializing the typed parameters straight to bytes skips the tree. Both sources hand this
//! module complete frames, so their messages never interleave mid-frame.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

enum Msg {
    Frame(Vec<u8>),
    Close,
}

/// Sends frames to the writer task; cheap to clone.
#[derive(Clone)]
pub struct Output {
    tx: mpsc::UnboundedSender<Msg>,
}

/// Starts the writer task on `out` (needs a tokio runtime). Returns the handle for our own
/// messages, the `AsyncWrite` to give tower-lsp-server, and the task, which ends after
/// [`Output::close`] once everything queued before it is written.
pub fn start<W: AsyncWrite + Unpin + Send + 'static>(
    mut out: W,
) -> (Output, FrameSink, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let task = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            let Msg::Frame(f) = m else { break };
            if out.write_all(&f).await.is_err() {
                return; // the client is gone; nothing more can be said
            }
            if rx.is_empty() && out.flush().await.is_err() {
                return;
            }
        }
        let _ = out.flush().await;
    });
    let o = Output { tx };
    let sink = FrameSink {
        out: o.clone(),
        buf: Vec::new(),
    };
    (o, sink, task)
}

impl Output {
    /// Queues one JSON-RPC notification, serialized straight from `params`.
    pub fn notify<P: Serialize>(&self, method: &str, params: &P) {
        #[derive(Serialize)]
        struct Notification<'a, P> {
            jsonrpc: &'static str,
            method: &'a str,
            params: &'a P,
        }
        let body = match serde_json::to_vec(&Notification {
            jsonrpc: "2.0",
            method,
            params,
        }) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("logseq-lsp error: cannot serialize {method}: {e}");
                return;
            }
        };
        let _ = self.tx.send(Msg::Frame(frame(&body)));
    }

    /// Queues one JSON-RPC notification whose params' JSON `params` writes (the bytes
    /// [`Output::notify`] would give for the same params).
    pub fn notify_raw(&self, method: &str, params: impl FnOnce(&mut Vec<u8>)) {
        let mut body = b"{\"jsonrpc\":\"2.0\",\"method\":".to_vec();
        let _ = serde_json::to_writer(&mut body, method);
        body.extend_from_slice(b",\"params\":");
        params(&mut body);
        body.push(b'}');
        let _ = self.tx.send(Msg::Frame(frame(&body)));
    }

    /// Queues an error response (for messages answered before tower-lsp-server sees them).
    pub fn respond_error(&self, id: &serde_json::Value, code: i64, message: &str) {
        let body = serde_json::json!({"jsonrpc": "2.0", "id": id,
                                      "error": {"code": code, "message": message}});
        let _ = self.tx.send(Msg::Frame(frame(body.to_string().as_bytes())));
    }

    /// Ends the writer task after what is queued.
    pub fn close(&self) {
        let _ = self.tx.send(Msg::Close);
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body);
    f
}

/// The `AsyncWrite` tower-lsp-server writes to: collects its bytes and passes each complete
/// frame on. Never blocks; the writer task does the waiting.
pub struct FrameSink {
    out: Output,
    buf: Vec<u8>,
}

impl FrameSink {
    /// Sends every complete frame at the front of `buf`.
    fn drain(&mut self) {
        loop {
            let Some(h) = find(&self.buf, b"\r\n\r\n") else {
                return;
            };
            let len = std::str::from_utf8(&self.buf[..h]).ok().and_then(|head| {
                head.split("\r\n").find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim()
                        .eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())
                        .flatten()
                })
            });
            let Some(len) = len else {
                // Not a frame header (cannot come from tower-lsp-server's codec): pass it on
                // as it is rather than hold it forever.
                let rest = std::mem::take(&mut self.buf);
                let _ = self.out.tx.send(Msg::Frame(rest));
                return;
            };
            let end = h + 4 + len;
            if self.buf.len() < end {
                return;
            }
            let rest = self.buf.split_off(end);
            let f = std::mem::replace(&mut self.buf, rest);
            let _ = self.out.tx.send(Msg::Frame(f));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl AsyncWrite for FrameSink {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        me.buf.extend_from_slice(data);
        me.drain();
        Poll::Ready(Ok(data.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use tokio::io::AsyncReadExt;

    fn frames(mut bytes: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let h = find(bytes, b"\r\n\r\n").expect("a header");
            let head = std::str::from_utf8(&bytes[..h]).unwrap();
            let len: usize = head
                .strip_prefix("Content-Length: ")
                .unwrap()
                .parse()
                .unwrap();
            out.push(serde_json::from_slice(&bytes[h + 4..h + 4 + len]).unwrap());
            bytes = &bytes[h + 4 + len..];
        }
        out
    }

    /// tower-lsp-server's bytes arrive in arbitrary pieces while our frames are queued between
    /// them: every frame comes out whole, each source's in its order.
    #[tokio::test]
    async fn frames_from_both_sources_stay_whole_and_in_order() {
        let (w, mut r) = tokio::io::duplex(1 << 20);
        let (out, mut sink, task) = start(w);
        let theirs: Vec<u8> = (0..5)
            .flat_map(|i| {
                frame(
                    json!({"id": i, "result": "é😀".repeat(i * 50)})
                        .to_string()
                        .as_bytes(),
                )
            })
            .collect();
        for (k, piece) in theirs.chunks(7).enumerate() {
            sink.write_all(piece).await.unwrap();
            if k % 9 == 0 {
                out.notify("ours", &json!({"k": k}));
            }
        }
        out.close();
        task.await.unwrap();
        drop(sink);
        let mut got = Vec::new();
        r.read_to_end(&mut got).await.unwrap();
        let msgs = frames(&got);
        let ids: Vec<i64> = msgs.iter().filter_map(|m| m["id"].as_i64()).collect();
        assert_eq!(ids, vec![0, 1, 2, 3, 4]);
        let ours: Vec<i64> = msgs
            .iter()
            .filter(|m| m["method"] == "ours")
            .map(|m| m["params"]["k"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = (0..theirs.chunks(7).count() as i64)
            .filter(|k| k % 9 == 0)
            .collect();
        assert_eq!(ours, expected);
        assert!(msgs
            .iter()
            .all(|m| m["jsonrpc"] == "2.0" || m.get("id").is_some()));
    }

    /// A notification whose params we write ourselves is byte for byte the one serde writes.
    #[tokio::test]
    async fn raw_params_frame_the_same_bytes() {
        let (w, mut r) = tokio::io::duplex(1 << 16);
        let (out, _sink, task) = start(w);
        let params = json!({"uri": "file:///a", "diagnostics": [{"message": "é\"\n"}]});
        out.notify("textDocument/publishDiagnostics", &params);
        out.notify_raw("textDocument/publishDiagnostics", |b| {
            serde_json::to_writer(b, &params).unwrap()
        });
        out.close();
        task.await.unwrap();
        let mut got = Vec::new();
        r.read_to_end(&mut got).await.unwrap();
        let (a, b) = got.split_at(got.len() / 2);
        assert_eq!(a, b);
    }
}
