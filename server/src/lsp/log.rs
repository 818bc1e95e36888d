//! Logging to the client (`window/logMessage`, `window/showMessage`) and to stderr, and the
//! panic guard every handler runs its engine calls in: a bug in one rule must cost one answer,
//! not the server.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::Client;

fn level(t: MessageType) -> &'static str {
    match t {
        MessageType::ERROR => "error",
        MessageType::WARNING => "warning",
        MessageType::INFO => "info",
        _ => "log",
    }
}

/// Logs to the client's log without waiting (callable from sync code). Warnings and errors also
/// go to stderr, for clients that show no log; info lines do not (VS Code shows every stderr
/// line at error level, so copying them there would duplicate the log as errors).
pub fn log(client: &Client, typ: MessageType, msg: impl Into<String>) {
    let msg = msg.into();
    if typ == MessageType::ERROR
        || typ == MessageType::WARNING
        || std::env::var_os("LOGSEQ_LSP_LOG_STDERR").is_some()
    {
        eprintln!("logseq-lsp {}: {msg}", level(typ));
    }
    let client = client.clone();
    tokio::spawn(async move { client.log_message(typ, msg).await });
}

/// A warning the user should see (bad settings, a refused root): shown and logged.
pub fn warn_user(client: &Client, msg: impl Into<String>) {
    let msg = msg.into();
    log(client, MessageType::WARNING, msg.clone());
    let client = client.clone();
    tokio::spawn(async move { client.show_message(MessageType::WARNING, msg).await });
}

pub fn panic_message(p: &(dyn Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Runs `f`, turning a panic into a logged internal error. The state it touched is shared
/// behind locks that do not poison (DashMap) or are recovered on use (see `State`), so carrying
/// on is safe: at worst one document's analysis is stale until its next change.
pub fn guard<T>(client: &Client, what: &str, f: impl FnOnce() -> T) -> jsonrpc::Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = panic_message(&*p);
        log(
            client,
            MessageType::ERROR,
            format!("{what} panicked: {msg} (please report this with the page that caused it)"),
        );
        jsonrpc::Error {
            code: jsonrpc::ErrorCode::InternalError,
            message: format!("logseq-lsp: {what} failed: {msg}").into(),
            data: None,
        }
    })
}

/// Runs a request's synchronous work on the blocking pool, under [`guard`]. tower-lsp-server
/// polls every handler on the one task that also reads the input, so work done inline there
/// stops every other request and keystroke until it ends; off that task, a slow answer delays
/// only itself and a `$/cancelRequest` for it is read (and answered) at once.
pub async fn off_thread<T, F>(client: &Client, what: &'static str, f: F) -> jsonrpc::Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let c = client.clone();
    match tokio::task::spawn_blocking(move || guard(&c, what, f)).await {
        Ok(r) => r,
        // Only when the runtime shuts down.
        Err(e) => Err(jsonrpc::Error {
            code: jsonrpc::ErrorCode::InternalError,
            message: format!("logseq-lsp: {what} did not finish: {e}").into(),
            data: None,
        }),
    }
}

/// Runs an async handler as its own task, so that a panic in it becomes an internal error
/// answer (as in [`guard`]) instead of unwinding through tower-lsp-server.
pub async fn spawn_guarded<T, F>(client: &Client, what: &'static str, fut: F) -> jsonrpc::Result<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = T> + Send + 'static,
{
    match tokio::spawn(fut).await {
        Ok(r) => Ok(r),
        Err(e) if e.is_panic() => guard(client, what, || -> T {
            std::panic::resume_unwind(e.into_panic())
        }),
        Err(e) => Err(jsonrpc::Error {
            code: jsonrpc::ErrorCode::InternalError,
            message: format!("logseq-lsp: {what} did not finish: {e}").into(),
            data: None,
        }),
    }
}

/// How long the server waits for the client to answer a request of its own
/// (`workspace/configuration`, `workspace/applyEdit`, refreshes, progress, registration).
pub const CLIENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Awaits a server-to-client request for at most [`CLIENT_TIMEOUT`]: a client that never answers
/// costs that request only (logged), never a handler slot or the server.
pub async fn ask<T, E: std::fmt::Display>(
    client: &Client,
    what: &str,
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Option<T> {
    match tokio::time::timeout(CLIENT_TIMEOUT, fut).await {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            log(client, MessageType::WARNING, format!("{what} failed: {e}"));
            None
        }
        Err(_) => {
            log(
                client,
                MessageType::WARNING,
                format!(
                    "{what}: no answer from the client in {} s; going on without it",
                    CLIENT_TIMEOUT.as_secs()
                ),
            );
            None
        }
    }
}

/// [`guard`] for notifications, which have no answer to carry the error.
pub fn guard_notification(client: &Client, what: &str, f: impl FnOnce()) {
    let _ = guard(client, what, f);
}

/// Spawns background work whose panic is logged instead of vanishing with the task.
pub fn spawn_logged<F>(client: Client, what: &'static str, fut: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let h = tokio::spawn(fut);
    tokio::spawn(async move {
        if let Err(e) = h.await {
            if e.is_panic() {
                let msg = panic_message(&*e.into_panic());
                log(
                    &client,
                    MessageType::ERROR,
                    format!("{what} panicked: {msg}"),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{InitializeParams, InitializeResult};
    use tower_lsp_server::{LanguageServer, LspService};

    struct Dummy;
    impl LanguageServer for Dummy {
        async fn initialize(&self, _: InitializeParams) -> jsonrpc::Result<InitializeResult> {
            Ok(InitializeResult::default())
        }
        async fn shutdown(&self) -> jsonrpc::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut client = None;
            let (_service, _socket) = LspService::new(|c| {
                client = Some(c);
                Dummy
            });
            let client = client.unwrap();
            assert_eq!(guard(&client, "ok", || 5).unwrap(), 5);
            let e = guard(&client, "hover", || -> i32 { panic!("boom {}", 1) }).unwrap_err();
            assert_eq!(e.code, jsonrpc::ErrorCode::InternalError);
            assert!(e.message.contains("hover failed: boom 1"), "{}", e.message);
        });
    }
}
