//! The server's transport: random frames (any bytes as bodies, often mutated JSON-RPC) after an
//! `initialize`, then a `shutdown` request. Whatever came before, the server must still be
//! reading and answer that last request: no frame may end the session (issue 16) or crash it.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tokio::io::AsyncReadExt;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body);
    f
}

fuzz_target!(|bodies: Vec<Vec<u8>>| {
    let mut input = frame(br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#);
    for b in bodies.iter().take(32) {
        // `exit` ends the session by design.
        if memchr_exit(b) {
            continue;
        }
        input.extend(frame(b));
    }
    input.extend(frame(br#"{"jsonrpc":"2.0","id":"last","method":"shutdown"}"#));
    let out = runtime().block_on(async move {
        let (w, mut r) = tokio::io::duplex(1 << 20);
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            let _ = r.read_to_end(&mut got).await;
            got
        });
        let served = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            logseq_lsp::lsp::serve_io(std::io::Cursor::new(input), w),
        )
        .await;
        assert!(served.is_ok(), "the server hung");
        reader.await.unwrap()
    });
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains(r#""id":"last""#), "the last request was not answered");
});

fn memchr_exit(b: &[u8]) -> bool {
    b.windows(4).any(|w| w == b"exit")
}
