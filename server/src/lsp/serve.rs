//! Running the server: the async runtime, the byte streams, the framing filter in front of
//! tower-lsp-server and a clean end.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::task::JoinHandle;
use tower_lsp_server::LspService;

use super::state::State;
use super::{framing, memory, output, Backend};

/// How many requests tower-lsp-server keeps in flight. Its default (4) let four requests that
/// wait (a search, a client that does not answer) stop the reading of every later message,
/// cancellations included; 64 let 64 queued searches (a client typing into the symbol search)
/// stop it too, and a hover behind them waited for all of them (issue 16's load test: hover
/// p99 5 s). Handlers run off the reading task (`off_thread`) and waiting ones cost a few
/// hundred bytes each, so the bound is only there to stop a runaway client.
const IN_FLIGHT: usize = 4096;

/// The blocking pool's size. Each thread that allocates keeps allocator pages of its own; after
/// bursts of requests the default (512) grew to 40-60 threads whose pages the graph's blocks
/// were spread over, and idle RSS after the soak was 1.14-1.19x the indexed RSS in half the
/// runs. With 16: 1.048-1.153 in 20 runs, 17 of them at or below 1.10; the load test's hover
/// p99 stayed at 12.5 ms.
const BLOCKING_THREADS: usize = 16;

/// Runs the server on stdin/stdout until `exit`. Exit code 0 after `shutdown`, else 1 (LSP).
pub fn serve() -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_park(memory::on_park)
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("logseq-lsp: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let clean = rt.block_on(async {
        match raw_stdout() {
            Some(out) => serve_on(tokio::io::stdin(), output::start_blocking(out)).await,
            None => serve_io(tokio::io::stdin(), tokio::io::stdout()).await,
        }
    });
    // Background work (an index build, the poller) must not hold the process open.
    rt.shutdown_timeout(Duration::from_millis(200));
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The server on any byte streams (stdio, or a fuzz target's frames) until `exit` or the end of
/// `input`. Whether it ended cleanly (`shutdown` came first).
pub async fn serve_io<R, W>(input: R, out: W) -> bool
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
    W: tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    serve_on(input, output::start(out)).await
}

/// Stdout's file descriptor, to be written without std's line buffering (output.rs says why).
#[cfg(unix)]
fn raw_stdout() -> Option<std::fs::File> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    Some(std::fs::File::from(fd))
}

#[cfg(not(unix))]
fn raw_stdout() -> Option<std::fs::File> {
    None
}

async fn serve_on<R>(
    input: R,
    (output, sink, stdout_task): (output::Output, output::FrameSink, JoinHandle<()>),
) -> bool
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
{
    let slot: Arc<OnceLock<Arc<State>>> = Arc::new(OnceLock::new());
    let s = slot.clone();
    let o = output.clone();
    let (service, socket) = LspService::build(move |client| {
        let st = State::new(client, o);
        let _ = s.set(st.clone());
        Backend { st }
    })
    .custom_method(framing::LOST_SYNC, Backend::lost_sync)
    .finish();
    // Malformed messages are answered or dropped before tower-lsp-server sees them (framing.rs).
    let (reader, writer) = tokio::io::duplex(1 << 16);
    tokio::spawn(framing::filter(input, writer, output.clone()));
    tower_lsp_server::Server::new(reader, sink, socket)
        .concurrency_level(IN_FLIGHT)
        .serve(service)
        .await;
    // Everything said before `exit` reaches the client (a stuck client gets 5 s).
    output.close();
    let _ = tokio::time::timeout(Duration::from_secs(5), stdout_task).await;
    slot.get()
        .is_some_and(|st| st.shutdown_requested.load(Ordering::Acquire))
}
