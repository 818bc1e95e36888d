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

from raw import Raw, frame, read_messages
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
    assert h is not None and "**Front**" in h.contents.value
    s.insert(bad, 0, "- more\n")
    await s.diags(bad, lambda ds: "id-invalid" in codes(ds))
    assert await s.stop() == 0


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

    def said():
        msgs = [m.message for m in s.client.log_messages] + [m.message for m in getattr(s.client, "messages", [])]
        return msgs, any("instead" in m or "refus" in m.lower() for m in msgs)

    # The message comes after initialize's answer: wait for it, not for a fixed time.
    deadline = time.monotonic() + 10
    while not said()[1] and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert said()[1], said()[0]
    assert await s.stop() == 0


async def test_the_server_never_writes_a_file(lsp_bin, graph):
    before = snapshot(graph)
    s = await Session.start(lsp_bin, graph, "neovim@v0.7.0", init_options={"oneDiagnosticPerCard": False})
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


def test_every_malformed_message_class_is_answered_or_dropped_and_the_server_keeps_serving(lsp_bin, graph):
    # Each of these ended the session before (tower-lsp-server answered -32600, then exited 1),
    # or got no answer at all.
    s = Raw(lsp_bin, graph)
    hover = {"textDocument": {"uri": (graph / EMOJI_PAGE).as_uri()}, "position": {"line": 0, "character": 0}}
    s.send(
        frame({}),                                                                     # {}
        frame({"id": 10, "method": "textDocument/hover", "params": hover}),            # no jsonrpc
        frame({"jsonrpc": "1.0", "id": 11, "method": "textDocument/hover", "params": hover}),
        frame({"jsonrpc": "2.0", "id": 1.5, "method": "textDocument/hover", "params": hover}),  # float id
        frame({"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover"}),     # object id
        frame({"jsonrpc": "2.0", "id": 12, "method": 42}),                              # numeric method
        b'Content-Length: 80\r\n\r\n' + b'{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"x"}'.ljust(80),
        b"content-length: 2\r\n\r\n{}",                                                 # lower-case header
        frame(b'{"jsonrpc":"2.0","id":13,"method":"textDocument/hover","params":{"x":"\\ud800"}}'),
        frame(b'{"jsonrpc":"2.0","id":14,"method":"x","params":' + b"[" * 10000 + b"]" * 10000 + b"}"),
        frame({"jsonrpc": "2.0", "id": 15, "method": "$/logseq/anything"}),            # $/ request
    )
    assert s.answer(10)["error"]["code"] == -32600
    assert s.answer(11)["error"]["code"] == -32600
    assert s.answer(12)["error"]["code"] == -32600
    assert s.answer(13)["error"]["code"] == -32700
    assert s.answer(14)["error"]["code"] == -32700
    assert s.answer(15)["error"]["code"] == -32601
    # Still serving: a real request is answered, and the session ends cleanly.
    assert "error" not in s.hover(16, EMOJI_PAGE)
    rc, err = s.stop()
    assert rc == 0, err
    assert "no usable id" in err


def test_an_unreadable_did_change_makes_the_document_unknown_until_its_whole_text_comes(lsp_bin, graph):
    s = Raw(lsp_bin, graph)
    uri = (graph / "pages/lost.md").as_uri()
    text = "- 😀 a\n  id:: nope\n"
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
    pub = lambda v: lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                               and m["params"]["uri"] == uri and v(m["params"]))
    s.wait(pub(lambda p: any(d["code"] == "id-invalid" for d in p["diagnostics"])))
    s.send(frame(b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"'
                 + uri.encode() + b'","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":0},'
                 b'"end":{"line":0,"character":0}},"text":"\\ud800"}]}}'))
    # Its diagnostics are cleared (they were for a text the editor no longer has) ...
    s.wait(pub(lambda p: p["diagnostics"] == []))
    # ... a ranged change cannot bring it back, and requests on it know nothing ...
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]}})
    assert s.hover(20, "pages/lost.md", 1, 4)["result"] is None
    # ... until the editor sends the whole text.
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": text}]}})
    s.wait(pub(lambda p: p.get("version") == 4 and any(d["code"] == "id-invalid" for d in p["diagnostics"])))
    rc, err = s.stop()
    assert rc == 0
    assert "treated as unknown until the editor sends its whole text" in err


def test_unanswered_configuration_requests_do_not_stall_the_server(lsp_bin, graph):
    # Before: each empty didChangeConfiguration held a handler slot waiting for the client's
    # answer; with four outstanding the server read nothing more.
    s = Raw(lsp_bin, graph, {"workspace": {"configuration": True}})
    for _ in range(6):
        s.send({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": None}})
    s.wait(lambda m: m.get("method") == "workspace/configuration")
    assert "error" not in s.hover(30, EMOJI_PAGE)
    assert s.stop()[0] == 0


def test_indexing_starts_when_work_done_progress_create_is_never_answered(lsp_bin, graph):
    # Before: indexing waited for the answer to window/workDoneProgress/create, forever.
    s = Raw(lsp_bin, graph, {"window": {"workDoneProgress": True}})
    s.wait(lambda m: m.get("method") == "window/workDoneProgress/create")
    s.wait(lambda m: m.get("method") == "window/logMessage" and m["params"]["message"].startswith("indexed "))
    assert s.stop()[0] == 0


def test_a_plain_code_action_does_not_compute_fix_all_and_resolve_does(lsp_bin, graph):
    # A lightbulb request (no `only`) used to run fix-all under the index's write lock on every
    # cursor move (seconds on a big page). It now offers the entry without its edit.
    caps = {"textDocument": {"codeAction": {
        "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}},
        "resolveSupport": {"properties": ["edit"]}}},
        "workspace": {"workspaceEdit": {"documentChanges": True}}}
    s = Raw(lsp_bin, graph, caps)
    uri = (graph / "pages/f.md").as_uri()
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 7,
                                        "text": "- q #card\n  id:: nope\n"}}})
    rng = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
    s.send({"jsonrpc": "2.0", "id": 40, "method": "textDocument/codeAction",
            "params": {"textDocument": {"uri": uri}, "range": rng, "context": {"diagnostics": []}}})
    [lazy] = [a for a in s.answer(40)["result"] if a.get("kind") == "source.fixAll.logseq-lsp"]
    assert "edit" not in lazy and lazy["data"]["version"] == 7
    s.send({"jsonrpc": "2.0", "id": 41, "method": "codeAction/resolve", "params": lazy})
    edit = s.answer(41)["result"]["edit"]
    # Versioned: the editor refuses it if the document moved on.
    [doc] = edit["documentChanges"]
    assert doc["textDocument"] == {"uri": uri, "version": 7} and doc["edits"]
    # Resolving for a version that is gone is refused, not answered with stale edits.
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 8}, "contentChanges": [{"text": "- other\n  id:: nope\n"}]}})
    s.send({"jsonrpc": "2.0", "id": 42, "method": "codeAction/resolve", "params": lazy})
    assert s.answer(42)["error"]["code"] == -32801
    assert s.stop()[0] == 0


def test_completion_during_indexing_is_marked_incomplete(lsp_bin, tmp_path):
    """A list answered while the graph is still being indexed may lack pages, blocks and property
    names found later: it must say isIncomplete, so the editor asks again instead of filtering it
    (issue 12: the first ~100 ms returned partial lists marked complete). Property-name lists
    are otherwise complete, so the same request after indexing must say isIncomplete: false."""
    root = tmp_path / "big"
    (root / "logseq").mkdir(parents=True)
    (root / "logseq" / "config.edn").write_text("{}\n")
    pages = root / "pages"
    pages.mkdir()
    for i in range(20000):  # enough that indexing outlasts the first request by far
        (pages / f"p{i}.md").write_text(f"- block {i} #t{i % 97}\n  prop{i % 13}:: v\n")
    uri = (pages / "typing.md").as_uri()
    s = Raw(lsp_bin, root)
    text = "- a\n  pro"
    compl = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 5}}
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "markdown", "version": 1, "text": text}}},
           {"jsonrpc": "2.0", "id": 50, "method": "textDocument/completion", "params": compl})
    early = s.answer(50)
    indexed = s.wait(lambda m: m.get("method") == "window/logMessage"
                     and "indexed" in m["params"]["message"], timeout=120)
    order = s.messages()
    assert order.index(early) < order.index(indexed), (
        "indexing ended before the first completion was answered: this test needs a bigger graph")
    assert early["result"]["isIncomplete"] is True, early
    s.send({"jsonrpc": "2.0", "id": 51, "method": "textDocument/completion", "params": compl})
    late = s.answer(51)
    labels = [i["label"] for i in late["result"]["items"]]
    assert "prop0" in labels, labels
    assert late["result"]["isIncomplete"] is False, late["result"]["isIncomplete"]
    assert s.stop()[0] == 0


def test_the_clients_size_cap_applies_to_a_full_index_as_to_a_single_read(lsp_bin, graph):
    # Before: the full index read with logseq-lsp.toml's cap (10 MB by default) while a changed
    # or closed file was read with the client's: the same page was in the graph or not
    # depending on how it was read.
    s = Raw(lsp_bin, graph, options={"maxFileSize": 1000})
    s.wait(lambda m: m.get("method") == "window/logMessage"
           and m["params"]["message"].startswith("indexed "))
    rc, err = s.stop()
    assert rc == 0
    assert "Kubernetes in Action.md: 41 KB is over the size limit of 1 KB (setting max_file_size); skipped" in err
