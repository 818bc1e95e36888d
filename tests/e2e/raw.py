"""A hand-made stdio client of the server: for messages no LSP client library would send, for a
client that never answers the server's own requests, and for tests that pipeline thousands of
requests (messages are parsed once, as they arrive, and kept in order)."""
import json
import os
import selectors
import subprocess
import time


def frame(obj_or_bytes):
    body = obj_or_bytes if isinstance(obj_or_bytes, bytes) else json.dumps(obj_or_bytes).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_messages(data: bytes):
    """Whole frames in `data` (what follows the last whole one is still on its way)."""
    msgs, _ = split_frames(data)
    return msgs


def split_frames(data: bytes):
    msgs, i = [], 0
    while True:
        j = data.find(b"\r\n\r\n", i)
        if j < 0:
            return msgs, data[i:]
        n = int(data[i:j].split(b":")[1])
        if j + 4 + n > len(data):
            return msgs, data[i:]
        msgs.append(json.loads(data[j + 4:j + 4 + n]))
        i = j + 4 + n


class Raw:
    """The server over stdio. `capabilities` and `options` (initializationOptions) go into
    `initialize`; `env` is added to the server's environment."""

    def __init__(self, lsp_bin, graph, capabilities=None, options=None, env=None):
        self.p = subprocess.Popen([str(lsp_bin)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        os.set_blocking(self.p.stdout.fileno(), False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.p.stdout, selectors.EVENT_READ)
        self.buf = b""
        self.log = []   # every message, in arrival order
        self.times = []  # when each was read (time.monotonic())
        self.seen = 0   # how many of them `wait` has looked at
        self.graph = graph
        self.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"processId": None, "rootUri": graph.as_uri(),
                              "capabilities": capabilities or {},
                              "initializationOptions": options}})
        self.answer(1)
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def send(self, *msgs):
        self.p.stdin.write(b"".join(m if isinstance(m, bytes) else frame(m) for m in msgs))
        self.p.stdin.flush()

    def pump(self, timeout=0.05):
        """Reads what has arrived (waiting at most `timeout` for something)."""
        if self.sel.select(timeout):
            self.buf += self.p.stdout.read() or b""
            msgs, self.buf = split_frames(self.buf)
            self.log.extend(msgs)
            self.times.extend([time.monotonic()] * len(msgs))

    def messages(self):
        self.pump(0)
        return self.log

    def wait(self, pred, timeout=20):
        """The first message matching `pred` (looking at every message since the start)."""
        deadline = time.time() + timeout
        start = 0
        while True:
            for m in self.log[start:]:
                if pred(m):
                    return m
            start = len(self.log)
            if time.time() > deadline:
                raise AssertionError(f"no such message in {timeout} s; got {self.log[-5:]}")
            self.pump()

    def answer(self, msg_id, timeout=20):
        return self.wait(lambda m: m.get("id") == msg_id and ("result" in m or "error" in m), timeout)

    def stop(self):
        self.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"})
        self.answer("bye")
        self.send({"jsonrpc": "2.0", "method": "exit"})
        self.p.stdin.close()
        rc = self.p.wait(timeout=20)
        self.messages()
        return rc, self.p.stderr.read().decode("utf-8", "replace")

    def uri(self, rel):
        return (self.graph / rel).as_uri()

    def open(self, rel, text, version=1):
        self.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                   "params": {"textDocument": {"uri": self.uri(rel), "languageId": "markdown",
                                               "version": version, "text": text}}})
        return self.uri(rel)

    def request(self, msg_id, method, params):
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def hover(self, msg_id, rel, line=0, ch=0):
        self.request(msg_id, "textDocument/hover",
                     {"textDocument": {"uri": self.uri(rel)}, "position": {"line": line, "character": ch}})
        return self.answer(msg_id)

    def published(self, uri, pred=lambda p: True):
        """A predicate for `wait`: a publishDiagnostics of `uri` whose params match `pred`."""
        return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["uri"] == uri and pred(m["params"]))
