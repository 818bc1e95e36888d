"""Completion in Neovim the way a person uses it: the logseq_lsp plugin's setup(), then keys typed
into Insert mode, <C-x><C-o> (the buffer's 'omnifunc'), the popup Neovim shows (complete_info())
and <C-y> to accept its first item; the result is the buffer's text. Driven over Neovim's RPC
(pynvim), whose nvim_input() is processed like typing.

Cases (issue 12): `[[Kub`, `[[kub]]` as an auto-pair leaves it, `((NoOps`, `((what is a` (a block
in another page without an id: accepting writes the `id::` there, through the server's
workspace/applyEdit), and a block of the same page without an id (additionalTextEdits)."""
import re
import time

import pynvim
import pytest

from editor_support import PAGE, REPO_ROOT, copy_graph, which_or_missing


UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TIMEOUT = 30.0
NOOPS_ID = "63c66a0c-59bc-4f1b-9492-d21bd5eff3cc"  # `- What is NoOps? #flashcard`, its id:: line


def wait_for(what, fn, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; last: {last!r}")


@pytest.fixture
def nvim(lsp_bin, tmp_path, monkeypatch):
    exe = which_or_missing("nvim", "Neovim")
    graph = copy_graph(tmp_path)
    (graph / "pages" / "typing.md").write_text("- A unique sentence about 🦀 crabs\n", encoding="utf-8")
    # Neovim's LSP log and state stay out of the user's folders (the child inherits them).
    for k in ("STATE", "CACHE", "DATA", "CONFIG"):
        monkeypatch.setenv(f"XDG_{k}_HOME", str(tmp_path / "xdg" / k.lower()))
    n = pynvim.attach("child", argv=[exe, "--embed", "--headless", "-u", "NONE", "-i", "NONE", "-n",
                                     "--cmd", f"set rtp+={REPO_ROOT / 'editors' / 'nvim'}"])
    try:
        n.command("filetype on")
        n.exec_lua("require('logseq_lsp').setup({ cmd = { ... } })", str(lsp_bin))
        n.command("edit " + str(graph / "pages" / "typing.md").replace(" ", "\\ "))
        # No comment leader or indent of the filetype's own: the keys below are the whole text.
        n.command("setlocal formatoptions= noautoindent nosmartindent indentexpr=")
        wait_for("the server to attach", lambda: n.exec_lua(
            "return #vim.tbl_keys(vim.lsp.buf_get_clients(0))") > 0)
        yield n, graph
    finally:
        n.close()


def complete_and_accept(n, keys):
    """Types `keys` on a new last line, <C-x><C-o>, waits for the popup, accepts its first item
    with <C-y>, leaves Insert mode; returns (the line, the popup's first item)."""
    n.command("normal! G")
    n.input("o" + keys + "<C-x><C-o>")

    def popup():
        info = n.call("complete_info", ["items", "selected", "pum_visible"])
        return info if info["items"] else None
    # The graph may still be indexing: ask again until the server has what it needs.
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            info = wait_for("the completion popup", popup, timeout=3)
            break
        except pytest.fail.Exception:
            if time.monotonic() > deadline:
                raise
            n.input("<C-e><C-x><C-o>")
    first = info["items"][0]
    if info["selected"] != 0:
        n.input("<C-n>")
    n.input("<C-y><Esc>")
    wait_for("Normal mode", lambda: n.api.get_mode()["mode"] == "n")
    return n.current.line, first


def test_page_completion(nvim):
    n, _ = nvim
    line, first = complete_and_accept(n, "- [[Kub")
    assert first["abbr"] == "Kubernetes in Action"
    assert line == "- [[Kubernetes in Action]]"


def test_page_completion_inside_autoclosed_brackets(nvim):
    """An editor's auto-pairs leave `[[kub]]` with the cursor before `]]`: the existing page is
    first (not the typed name, which has no page), and accepting replaces the `]]` too."""
    n, _ = nvim
    line, first = complete_and_accept(n, "- [[kub]]<Left><Left>")
    assert first["abbr"] == "Kubernetes in Action"
    assert line == "- [[Kubernetes in Action]]"


def test_block_completion_with_id(nvim):
    n, _ = nvim
    line, first = complete_and_accept(n, "- ((NoOps")
    assert first["abbr"].startswith("What is NoOps?")
    assert line == f"- (({NOOPS_ID}))"


def test_block_completion_writes_the_id_in_the_other_page(nvim):
    """The first block matching `what is a` has no id: accepting it writes `id::` under it in its
    own page (a buffer Neovim opens for the server's workspace/applyEdit; the file is untouched)."""
    n, graph = nvim
    line, first = complete_and_accept(n, "- ((what is a")
    m = re.fullmatch(rf"- \(\(({UUID})\)\)", line)
    assert m, line
    page = graph / PAGE
    first_line = first["abbr"].split(" #")[0]

    def target_lines():
        buf = n.call("bufnr", str(page))
        return n.api.buf_get_lines(buf, 0, -1, False) if buf > 0 else None
    lines = wait_for("the id:: in the target page", lambda: (
        (ls := target_lines()) and any(f"id:: {m.group(1)}" in x for x in ls) and ls))
    at = next(i for i, x in enumerate(lines) if first_line in x)
    assert lines[at + 1].strip() == f"id:: {m.group(1)}", lines[at:at + 3]
    assert f"id:: {m.group(1)}" not in page.read_text(encoding="utf-8"), "the server wrote the file"


def test_block_completion_same_page_gets_an_id(nvim):
    n, _ = nvim
    line, first = complete_and_accept(n, "- ((unique sentence")
    assert "unique sentence" in first["abbr"]
    m = re.fullmatch(rf"- \(\(({UUID})\)\)", line)
    assert m, line
    lines = n.current.buffer[:]
    assert lines[0] == "- A unique sentence about 🦀 crabs"
    assert lines[1] == f"  id:: {m.group(1)}", lines


def test_plugin_buffer_setup(nvim):
    """The buffer's omnifunc is the plugin's, K/gd are mapped buffer-locally, and
    :checkhealth logseq_lsp finds the server."""
    n, _ = nvim
    assert "logseq_lsp" in n.eval("&l:omnifunc")
    assert n.call("maparg", "K", "n", False, True).get("buffer") == 1
    assert n.call("maparg", "gd", "n", False, True).get("buffer") == 1
    n.command("checkhealth logseq_lsp")
    text = "\n".join(n.current.buffer[:])
    assert "logseq-lsp 0.1.0" in text and "in the graph" in text, text
