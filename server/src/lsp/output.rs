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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

enum Msg {
    /// A frame: the bytes of the buffer from the offset on.
    Frame(Vec<u8>, usize),
    Close,
}

/// Room left in front of a body we serialize for its header, written once the body's length is
/// known: `Content-Length: ` (16), at most 20 digits, `\r\n\r\n`.
const HEAD: usize = 40;

/// Written buffers kept for the next notification: a big page's diagnostics are 1.2 MB per
/// keystroke, and a fresh buffer that size is page faults, then a copy into the frame
/// (BENCHMARKS.md, issue 15). Only this many, and none larger than `SPARE_MAX`.
const SPARES: usize = 2;
const SPARE_MAX: usize = 16 << 20;

/// Sends frames to the writer task; cheap to clone.
#[derive(Clone)]
pub struct Output {
    tx: mpsc::UnboundedSender<Msg>,
    spare: Spare,
    /// The blocking writer's stream, for [`Output::notify_raw_here`]; none with the async one.
    direct: Option<Arc<Direct>>,
}

/// The stream the blocking writer writes to, shared so that a blocking thread with a frame
/// ready can write it itself: one hand-off between threads fewer per publish, the largest part
/// of a keystroke on a small page (BENCHMARKS.md, issue 15).
struct Direct {
    out: Mutex<Box<dyn io::Write + Send>>,
    /// Frames queued and not yet written (counted before they are queued, uncounted once
    /// written, under `out`'s lock): a frame is written in place only when this is 0, so frames
    /// are written in the order they were queued.
    queued: AtomicUsize,
    closed: AtomicBool,
}

type Spare = Arc<Mutex<Vec<Vec<u8>>>>;

/// Starts the writer task on `out` (needs a tokio runtime). Returns the handle for our own
/// messages, the `AsyncWrite` to give tower-lsp-server, and the task, which ends after
/// [`Output::close`] once everything queued before it is written.
pub fn start<W: AsyncWrite + Unpin + Send + 'static>(
    mut out: W,
) -> (Output, FrameSink, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let spare = Spare::default();
    let give_back = spare.clone();
    let task = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            let Msg::Frame(f, at) = m else { break };
            if out.write_all(&f[at..]).await.is_err() {
                return; // the client is gone; nothing more can be said
            }
            recycle(&give_back, f);
            if rx.is_empty() && out.flush().await.is_err() {
                return;
            }
        }
        let _ = out.flush().await;
    });
    handles(tx, spare, None, task)
}

/// [`start`] with a blocking writer on a thread of its own (the blocking pool's): for stdout,
/// written straight to its file descriptor. Through tokio's `Stdout` each frame was copied into
/// its buffer, handed to another thread and scanned whole for its last newline by std's line
/// buffering: a third of a millisecond per keystroke on a page with 1.2 MB of diagnostics
/// (BENCHMARKS.md, issue 15).
pub fn start_blocking<W: std::io::Write + Send + 'static>(
    out: W,
) -> (Output, FrameSink, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let spare = Spare::default();
    let give_back = spare.clone();
    let direct = Arc::new(Direct {
        out: Mutex::new(Box::new(out)),
        queued: AtomicUsize::new(0),
        closed: AtomicBool::new(false),
    });
    let d = direct.clone();
    let task = tokio::task::spawn_blocking(move || {
        while let Some(m) = rx.blocking_recv() {
            let Msg::Frame(f, at) = m else { break };
            let Ok(mut out) = d.out.lock() else { return };
            let written = out.write_all(&f[at..]).is_ok();
            d.queued.fetch_sub(1, Ordering::SeqCst);
            if !written || (rx.is_empty() && out.flush().is_err()) {
                return; // the client is gone; nothing more can be said
            }
            drop(out);
            recycle(&give_back, f);
        }
        if let Ok(mut out) = d.out.lock() {
            let _ = out.flush();
        }
    });
    handles(tx, spare, Some(direct), task)
}

fn handles(
    tx: mpsc::UnboundedSender<Msg>,
    spare: Spare,
    direct: Option<Arc<Direct>>,
    task: JoinHandle<()>,
) -> (Output, FrameSink, JoinHandle<()>) {
    let o = Output { tx, spare, direct };
    let sink = FrameSink {
        out: o.clone(),
        buf: Vec::new(),
    };
    (o, sink, task)
}

/// Keeps a written buffer for the next notification, if there is room.
fn recycle(spare: &Spare, mut f: Vec<u8>) {
    if let Ok(mut s) = spare.lock() {
        if s.len() < SPARES && f.capacity() <= SPARE_MAX {
            f.clear();
            s.push(f);
        }
    }
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
        self.send(frame(&body));
    }

    fn send(&self, frame: Vec<u8>) {
        self.queue(frame, 0);
    }

    /// Queues the frame `buf[at..]` for the writer.
    fn queue(&self, buf: Vec<u8>, at: usize) {
        if let Some(d) = &self.direct {
            d.queued.fetch_add(1, Ordering::SeqCst);
        }
        let _ = self.tx.send(Msg::Frame(buf, at));
    }

    /// Sends one JSON-RPC notification whose params' JSON `params` writes (the bytes
    /// [`Output::notify`] would give for the same params), framed in a reused buffer with its
    /// header in front. With the blocking writer the calling thread writes it when no frame is
    /// queued before it; otherwise it is queued. Only from a blocking thread: the write may wait
    /// for the client to read.
    pub fn notify_raw_here(&self, method: &str, params: impl FnOnce(&mut Vec<u8>)) {
        let (buf, at) = self.raw_frame(method, params);
        if let Some(d) = self
            .direct
            .as_ref()
            .filter(|d| !d.closed.load(Ordering::SeqCst))
        {
            if let Ok(mut out) = d.out.lock() {
                if d.queued.load(Ordering::SeqCst) == 0 {
                    // A client that is gone is the writer's to notice; nothing to say here.
                    if out.write_all(&buf[at..]).is_ok() {
                        let _ = out.flush();
                    }
                    drop(out);
                    recycle(&self.spare, buf);
                    return;
                }
            }
        }
        self.queue(buf, at);
    }

    /// A notification's frame in a reused buffer: the bytes from the offset on.
    fn raw_frame(&self, method: &str, params: impl FnOnce(&mut Vec<u8>)) -> (Vec<u8>, usize) {
        let mut buf = self
            .spare
            .lock()
            .ok()
            .and_then(|mut s| s.pop())
            .unwrap_or_default();
        buf.resize(HEAD, b' ');
        buf.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"method\":");
        let _ = serde_json::to_writer(&mut buf, method);
        buf.extend_from_slice(b",\"params\":");
        params(&mut buf);
        buf.push(b'}');
        let head = format!("Content-Length: {}\r\n\r\n", buf.len() - HEAD);
        let at = HEAD - head.len();
        buf[at..HEAD].copy_from_slice(head.as_bytes());
        (buf, at)
    }

    /// Queues an error response (for messages answered before tower-lsp-server sees them).
    pub fn respond_error(&self, id: &serde_json::Value, code: i64, message: &str) {
        let body = serde_json::json!({"jsonrpc": "2.0", "id": id,
                                      "error": {"code": code, "message": message}});
        self.send(frame(body.to_string().as_bytes()));
    }

    /// Ends the writer task after what is queued.
    pub fn close(&self) {
        if let Some(d) = &self.direct {
            d.closed.store(true, Ordering::SeqCst);
        }
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
                self.out.send(rest);
                return;
            };
            let end = h + 4 + len;
            if self.buf.len() < end {
                return;
            }
            let rest = self.buf.split_off(end);
            let f = std::mem::replace(&mut self.buf, rest);
            self.out.send(f);
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
        out.notify_raw_here("textDocument/publishDiagnostics", |b| {
            serde_json::to_writer(b, &params).unwrap()
        });
        out.close();
        task.await.unwrap();
        let mut got = Vec::new();
        r.read_to_end(&mut got).await.unwrap();
        let (a, b) = got.split_at(got.len() / 2);
        assert_eq!(a, b);
    }

    /// A writer over shared bytes, to read what the blocking writer wrote.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            // A short write each time: the writer must finish every frame itself.
            let n = b.len().min(1000);
            self.0.lock().unwrap().extend_from_slice(&b[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The blocking writer (stdout's) writes what the task writes: whole frames, in order, ours
    /// between tower-lsp-server's (queued behind theirs, or written in place when nothing is).
    #[tokio::test]
    async fn the_blocking_writer_writes_whole_frames_in_order() {
        let bytes = Shared::default();
        let (out, mut sink, task) = start_blocking(bytes.clone());
        // Nothing queued: written by this thread, before the call returns.
        out.notify_raw_here("first", |b| serde_json::to_writer(b, &json!({})).unwrap());
        assert!(!frames(&bytes.0.lock().unwrap()).is_empty());
        for i in 0..4 {
            let theirs = frame(
                json!({"id": i, "result": "é😀".repeat(i * 400)})
                    .to_string()
                    .as_bytes(),
            );
            sink.write_all(&theirs).await.unwrap();
            out.notify_raw_here("ours", |b| {
                serde_json::to_writer(b, &json!({"k": i})).unwrap()
            });
        }
        out.close();
        task.await.unwrap();
        let got = bytes.0.lock().unwrap().clone();
        let order: Vec<String> = frames(&got)[1..]
            .iter()
            .map(|m| match m.get("id") {
                Some(id) => format!("theirs {id}"),
                None => format!("ours {}", m["params"]["k"]),
            })
            .collect();
        let want: Vec<String> = (0..4)
            .flat_map(|i| [format!("theirs {i}"), format!("ours {i}")])
            .collect();
        assert_eq!(order, want);
    }

    /// A buffer given back after a bigger notification was written holds none of it when the
    /// next, smaller one is framed in it.
    #[tokio::test]
    async fn a_reused_buffer_frames_only_its_own_bytes() {
        let (w, mut r) = tokio::io::duplex(1 << 20);
        let (out, _sink, task) = start(w);
        for n in [5000, 3, 700] {
            let params = json!({"uri": "file:///a", "diagnostics": ["é😀".repeat(n)]});
            out.notify_raw_here("textDocument/publishDiagnostics", |b| {
                serde_json::to_writer(b, &params).unwrap()
            });
            let want = serde_json::to_vec(&json!({"jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics", "params": params}))
            .unwrap();
            let mut got = vec![0; frame(&want).len()];
            r.read_exact(&mut got).await.unwrap();
            assert_eq!(got, frame(&want));
            // The writer gives the buffer back after writing it: the next one reuses it.
            for _ in 0..100 {
                if !out.spare.lock().unwrap().is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            assert_eq!(out.spare.lock().unwrap().len(), 1);
        }
        out.close();
        task.await.unwrap();
    }
}
