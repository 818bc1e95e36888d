//! The stdio client: a server process, its messages timestamped on arrival by a reader thread.

use super::*;

/// One server process and a reader thread that timestamps what it says.
pub(crate) struct Server {
    pub(crate) child: Child,
    stdin: ChildStdin,
    rx: Receiver<(Instant, Value)>,
    next_id: i64,
    /// Messages read while waiting for something else, in order.
    backlog: Vec<(Instant, Value)>,
    pub(crate) indexing_done: Option<Instant>,
    progress_tokens: HashMap<String, bool>,
}

impl Server {
    pub(crate) fn spawn(bin: &Path) -> Server {
        let mut child = Command::new(bin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(
                std::env::var_os("LSP_BENCH_STDERR").map_or(Stdio::null(), |_| Stdio::inherit()),
            )
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        len = v.trim().parse::<usize>().ok();
                    }
                }
                let Some(len) = len else { return };
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let at = Instant::now();
                let Ok(v) = serde_json::from_slice(&body) else {
                    return;
                };
                if tx.send((at, v)).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            rx,
            next_id: 1,
            backlog: Vec::new(),
            indexing_done: None,
            progress_tokens: HashMap::new(),
        }
    }

    pub(crate) fn send(&mut self, v: &Value) -> Instant {
        let body = serde_json::to_vec(v).unwrap();
        let mut msg = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        msg.extend_from_slice(&body);
        let at = Instant::now();
        self.stdin.write_all(&msg).expect("server stdin closed");
        self.stdin.flush().unwrap();
        at
    }
    pub(crate) fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }
    pub(crate) fn request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let at =
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        (id, at)
    }

    /// Reads messages until `want` accepts one; answers the server's own requests on the way and
    /// tracks the indexing progress.
    pub(crate) fn wait(&mut self, mut want: impl FnMut(&Value) -> bool) -> (Instant, Value) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let (at, v) = match self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no answer from the server in {TIMEOUT:?}")
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server exited"),
            };
            self.observe(at, &v);
            if want(&v) {
                return (at, v);
            }
            self.backlog.push((at, v));
            if self.backlog.len() > 10_000 {
                self.backlog.drain(..5_000);
            }
        }
    }

    pub(crate) fn observe(&mut self, at: Instant, v: &Value) {
        let method = v.get("method").and_then(Value::as_str);
        if let (Some(id), Some(m)) = (v.get("id"), method) {
            // A request from the server: progress tokens, registrations, configuration.
            let result = if m == "workspace/configuration" {
                let n = v["params"]["items"].as_array().map_or(0, Vec::len);
                Value::Array(vec![Value::Null; n])
            } else {
                Value::Null
            };
            let id = id.clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
        }
        if method == Some("$/progress") {
            let token = v["params"]["token"].to_string();
            match v["params"]["value"]["kind"].as_str() {
                Some("begin") => {
                    let title = v["params"]["value"]["title"].as_str().unwrap_or("");
                    self.progress_tokens.insert(token, title.contains("Index"));
                }
                Some("end") if self.progress_tokens.get(&token) == Some(&true) => {
                    self.indexing_done.get_or_insert(at);
                }
                _ => {}
            }
        }
    }

    pub(crate) fn diagnostics_for(&mut self, uri: &str, version: Option<i64>) -> (Instant, Value) {
        self.wait(|v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && version.is_none_or(|ver| v["params"]["version"] == ver)
        })
    }
    pub(crate) fn response(&mut self, id: i64) -> (Instant, Value) {
        self.wait(|v| v["id"] == id && v.get("method").is_none())
    }

    pub(crate) fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }
}
