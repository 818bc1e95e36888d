"""Robustness of the server process: a panicking handler, malformed JSON-RPC, a root it must
refuse, and the guarantee that it never writes a file."""
import asyncio
import hashlib
import json
import os
import subprocess
import time

from lsprotocol import types as T
import pytest

from support import EMOJI_PAGE, Session, codes


def snapshot(root):
    """Every file under the graph with its content hash and mtime."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            st = os.stat(p)
            out[p] = (hashlib.sha256(open(p, "rb").read()).hexdigest(), st.st_mtime_ns)
    return out


async def test_a_panicking_handler_answers_an_error_and_the_server_keeps_serving(lsp_bin, graph):
    s = await Session.start(lsp_bin, graph, "visual-studio-code", env={"LOGSEQ_LSP_FAULT": "hover"})
    bad = s.open("pages/panic.md", "- 😀 LOGSEQ_LSP_PANIC\n  id:: nope\n")
    await s.diags(bad, lambda ds: "id-invalid" in codes(ds))
    with pytest.raises(Exception) as e:
        await s.hover(bad, T.Position(0, 4))
    assert "hover failed: injected fault in hover" in str(e.value)
    # The same server still answers, on the same page and on others.
    uri = s.open(EMOJI_PAGE)
    assert "id-invalid" in codes(await s.diags(uri, lambda ds: "id-invalid" in codes(ds)))
    h = await s.hover(uri, T.Position(2, 8))
    assert h is not None and "Question" in h.contents.value
    s.insert(bad, 0, "- more\n")
    await s.diags(bad, lambda ds: "id-invalid" in codes(ds))
    assert await s.stop() == 0


def frame(obj_or_bytes):
    body = obj_or_bytes if isinstance(obj_or_bytes, bytes) else json.dumps(obj_or_bytes).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_messages(data: bytes):
    msgs, i = [], 0
    while True:
        j = data.find(b"\r\n\r\n", i)
        if j < 0:
            return msgs
        n = int(data[i:j].split(b":")[1])
        msgs.append(json.loads(data[j + 4:j + 4 + n]))
        i = j + 4 + n


def test_malformed_json_rpc_is_answered_and_survived(lsp_bin, graph):
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": None, "rootUri": graph.as_uri(), "capabilities": {}}}
    p = subprocess.Popen([str(lsp_bin)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.set_blocking(p.stdout.fileno(), False)
    out = b""

    def wait_for(msg_id):
        nonlocal out
        deadline = time.time() + 20
        while time.time() < deadline and not any(m.get("id") == msg_id for m in read_messages(out)):
            time.sleep(0.05)
            out += p.stdout.read() or b""

    # Requests before the initialize answer are refused (-32002), as LSP says: wait for it.
    p.stdin.write(frame(init))
    p.stdin.flush()
    wait_for(1)
    p.stdin.write(b"".join([
        frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        frame(b"{this is not json"),                                       # not JSON
        b"garbage that is not a header\r\n",                              # not a frame
        frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover"}),  # missing params
        frame({"jsonrpc": "2.0", "id": 3, "method": "no/such/method", "params": {}}),
        frame({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": graph.as_uri() + "/pages/none.md"},
                          "position": {"line": 99999, "character": 99999}}}),
        frame({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}),
    ]))
    p.stdin.flush()
    # Wait for the shutdown answer before `exit`, as the protocol requires.
    wait_for(5)
    p.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    p.stdin.close()
    p.wait(timeout=20)
    out += p.stdout.read() or b""
    by_id = {m.get("id"): m for m in read_messages(out) if "id" in m}
    assert "result" in by_id[1]
    assert by_id[2]["error"]["code"] == -32602          # invalid params
    assert by_id[3]["error"]["code"] == -32601          # method not found
    assert by_id[4].get("result") is None and "error" not in by_id[4]  # unknown document: no hover
    assert "result" in by_id[5]
    # The malformed message was dropped with a notice, and the server kept serving.
    assert b"ignoring a message that is not a JSON object" in p.stderr.read()
    assert p.returncode == 0


@pytest.mark.parametrize("where", ["root", "home"])
async def test_refuses_to_index_the_file_system_root_or_home(lsp_bin, tmp_path, where):
    env = None
    if where == "home":
        home = tmp_path / "home"
        (home / "notes").mkdir(parents=True)
        env = {"HOME": str(home)}
        root = home
    else:
        root = tmp_path.anchor and __import__("pathlib").Path("/")
    s = await Session.start(lsp_bin, root, "visual-studio-code", env=env)
    await asyncio.sleep(0.5)
    msgs = [m.message for m in s.client.log_messages] + [m.message for m in getattr(s.client, "messages", [])]
    assert any("instead" in m or "refus" in m.lower() for m in msgs), msgs
    assert await s.stop() == 0


async def test_the_server_never_writes_a_file(lsp_bin, graph):
    before = snapshot(graph)
    s = await Session.start(lsp_bin, graph, "neovim@v0.7.0")
    uri = s.open("pages/Kubernetes in Action.md")
    ds = await s.diags(uri, lambda ds: len(ds) > 100)
    # Ask for every code action and the fix-all, and edit the open document: all of it must stay
    # in the editor; nothing may reach the disk.
    for d in ds[:40]:
        await s.code_actions(uri, d.range, diagnostics=[d])
    await s.code_actions(uri, T.Range(T.Position(0, 0), T.Position(0, 0)), only=["source.fixAll"])
    s.insert(uri, 0, "- typed 😀\n  id:: bad\n")
    await s.diags(uri, lambda ds: "id-invalid" in codes(ds))
    s.close(uri)
    await asyncio.sleep(0.3)
    assert await s.stop() == 0
    assert snapshot(graph) == before
