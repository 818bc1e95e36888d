"""VS Code 1.100 (code-server 4.100.3) in headless Chromium, with the platform extension
(editors/vscode/logseq-lsp-<platform>-*.vsix, the server inside) installed fresh: no serverPath
and no logseq-lsp on PATH, so the bundled server runs. The extension's self-test (env LOGSEQ_LSP_SELFTEST_*) opens a
page of a copy of the example graph, waits for the server's diagnostics, hovers a card, applies a
quick fix, and leaves a card hover on screen; the test checks what it wrote, checks through
Chromium's DevTools protocol that the hover widget really shows the question and answer.

Then the test works the workbench through the DevTools protocol as a user does, asking the
self-test only for what the extension host alone can do (open a page, put the cursor on a
diagnostic, read the editor's text): the Problems panel, Ctrl+. for the quick fix menu, and
completion typed key by key (`[[Kub`, `((NoOps`, `((what is a`, with the editor's own
auto-closing) in the suggest widget, Enter on its first item, and the exact text that leaves,
including the `id::` written under a block that had none. Screenshots of the hover, the Problems
panel, the quick fix menu and the completion list are kept (LOGSEQ_LSP_SCREENSHOTS=docs wrote
the README's docs/vscode-*.png).

Install: ./scripts/install-editors.sh (code-server under .cache/, Debian's chromium), then
./scripts/package-vscode.sh after the release build (the .vsix)."""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from editor_support import (
    FIX_CODE, FIX_TITLE, HOVER_TEXT, OFF_RULE, PAGE, REPO_ROOT, check_diagnostics, check_fix,
    check_hover, copy_graph, missing_tool,
)

CODE_SERVER = Path(os.environ.get("LOGSEQ_LSP_CODE_SERVER")
                   or REPO_ROOT / ".cache" / "code-server" / "bin" / "code-server")
VSCODE_EXT = REPO_ROOT / "editors" / "vscode"
RUN_TIMEOUT = 180  # seconds for the whole editor run (about 30 s here)
CTRL = 2  # DevTools modifier bit
QUICKFIX_CODE, QUICKFIX_TITLE = FIX_CODE, FIX_TITLE  # the page has more than the one fixed
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NOOPS_ID = "63c66a0c-59bc-4f1b-9492-d21bd5eff3cc"  # `- What is NoOps? #flashcard`, its id:: bullet
TYPING = "pages/typing.md"
TYPING_FIRST_LINE = "- A unique sentence about 🦀 crabs"
# Typed key by key into the editor (its auto-closing pairs close `[[` and `((` as a user sees it).
COMPLETION_CASES = ["- [[Kub", "- ((NoOps", "- ((what is a"]
SCREENSHOT_CASE = "- ((what is a"
# The settings editor: its search, its selected tab, and the settings it lists.
SETTINGS_JS = ("(() => { const e = Array.from(document.querySelectorAll('.settings-editor'))"
               ".find(x => x.offsetParent !== null); if (!e) return null;"
               " const q = e.querySelector('.settings-header .monaco-editor .view-lines');"
               " const tab = e.querySelector('.settings-tabs-widget .checked');"
               " return {query: q ? q.innerText : null, tab: tab ? tab.innerText : null,"
               " rows: Array.from(e.querySelectorAll('.setting-item-contents'))"
               ".filter(r => r.offsetParent !== null)"
               ".map(r => ({text: r.innerText, input: !!r.querySelector('input')}))}; })()")
VISIBLE_TEXT = ("Array.from(document.querySelectorAll('{sel}'))"
                ".filter(e => e.offsetParent !== null).map(e => e.innerText).join('\\n')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout: float, what: str, procs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        for p in procs:
            if p.poll() is not None:
                pytest.fail(f"{what}: {p.args[0]} exited with {p.returncode}")
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout} s: {what}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Cdp:
    """A minimal Chrome DevTools Protocol client on the page's websocket."""

    def __init__(self, port: int):
        import websocket  # websocket-client, from tests/requirements.txt

        def page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as r:
                    targets = json.load(r)
            except OSError:
                return None
            return next((t for t in targets if t.get("type") == "page"), None)

        target = wait_until(page, 30, "Chromium's DevTools endpoint")
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30,
                                              suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]

    def eval(self, expr: str):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r["result"].get("value")

    def close(self):
        self.ws.close()

    def type_text(self, text: str):
        """Key by key, as typed (each character goes through the editor's typing handlers)."""
        for ch in text:
            self.call("Input.dispatchKeyEvent", type="keyDown", key=ch, text=ch, unmodifiedText=ch)
            self.call("Input.dispatchKeyEvent", type="keyUp", key=ch)
            time.sleep(0.05)

    def click(self, selector: str, text: str):
        """A mouse click on the middle of the visible element matching `selector` with `text`,
        once it stays put (a notification slides in)."""
        where = (f"(() => {{ const b = Array.from(document.querySelectorAll({json.dumps(selector)}))"
                 f".find(e => e.offsetParent !== null && e.innerText.trim() === {json.dumps(text)});"
                 " if (!b) return null; const r = b.getBoundingClientRect();"
                 " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        def settled():
            before = self.eval(where)
            time.sleep(0.3)
            return before if before is not None and before == self.eval(where) else None
        x, y = wait_until(settled, 15, f"{text!r} on screen, in place")
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def key(self, key: str, code: str, vk: int, modifiers: int = 0, text: str | None = None):
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": code,
                "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk, "modifiers": modifiers}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code,
                  windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk, modifiers=modifiers)


class Ops:
    """Asks the extension's self-test for one step (`<out>.do-N`) and waits for its answer."""

    def __init__(self, out: Path, procs):
        self.out, self.procs, self.n = out, procs, 0

    def do(self, op: str, **args) -> dict:
        self.n += 1
        done = Path(f"{self.out}.done-{self.n}")
        Path(f"{self.out}.do-{self.n}.tmp").write_text(json.dumps({"op": op, **args}))
        Path(f"{self.out}.do-{self.n}.tmp").rename(f"{self.out}.do-{self.n}")
        wait_until(done.is_file, 30, f"the self-test's answer to {op}", self.procs)
        answer = json.loads(done.read_text(encoding="utf-8"))
        assert answer["ok"], f"{op}: {answer.get('error')}"
        return answer


def screenshot(cdp: Cdp, tmp_path: Path, name: str, clip: dict | None = None) -> bytes:
    """A PNG of the workbench (or of `clip`), kept in tmp_path and, with
    LOGSEQ_LSP_SCREENSHOTS=DIR (docs/ for the README's), in DIR."""
    params = {"format": "png"}
    if clip:
        params["clip"] = clip
    shot = base64.b64decode(cdp.call("Page.captureScreenshot", **params)["data"])
    (tmp_path / name).write_bytes(shot)
    if os.environ.get("LOGSEQ_LSP_SCREENSHOTS"):
        (Path(os.environ["LOGSEQ_LSP_SCREENSHOTS"]) / name).write_bytes(shot)
    return shot


def suggest_rows(cdp: Cdp) -> list[str] | None:
    """The suggest widget's rows, top first (label and detail), once it lists something."""
    rows = cdp.eval(
        "Array.from(document.querySelectorAll('.suggest-widget.visible .monaco-list-row'))"
        ".sort((a, b) => (+a.dataset.index) - (+b.dataset.index))"
        ".map(r => r.getAttribute('aria-label') || r.innerText)")
    return rows or None


def check_completions(completions: dict, graph: Path):
    def result(typed):
        c = completions[typed]
        lines = c["texts"][str(graph / TYPING)].split("\n")
        return c, lines, lines[c["cursorLine"]]

    c, lines, line = result("- [[Kub")
    assert c["rows"][0].startswith("Kubernetes in Action"), c["rows"]
    assert line == "- [[Kubernetes in Action]]", lines
    c, lines, line = result("- ((NoOps")
    assert c["rows"][0].startswith("What is NoOps?"), c["rows"]
    assert line == f"- (({NOOPS_ID}))", lines
    # The first match has no id: accepting it writes one under it in its page (the server's
    # workspace/applyEdit, run by the item's command).
    c, lines, line = result("- ((what is a")
    m = re.fullmatch(rf"- \(\(({UUID})\)\)", line)
    assert m, lines
    page = c["texts"][str(graph / PAGE)].split("\n")
    title = c["rows"][0].split(" #")[0].split(",")[0]
    at = next(i for i, x in enumerate(page) if title in x)
    assert page[at + 1].strip() == f"id:: {m.group(1)}", page[at:at + 3]
    assert sum(f"id:: {m.group(1)}" in x for x in page) == 1, "the id was written twice"
    # The whole typed page: its first line, then each case's line.
    assert lines[0] == TYPING_FIRST_LINE
    assert [x for x in lines[1:] if x] == [
        "- [[Kubernetes in Action]]", f"- (({NOOPS_ID}))", f"- (({m.group(1)}))"], lines


def stop(p: subprocess.Popen | None):
    if p is None or p.poll() is not None:
        return
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)


def dump_logs(user_data: Path) -> str:
    """The extension's output channel and the extension host log, for failure messages."""
    parts = []
    for f in sorted(user_data.glob("logs/**/*.log")):
        if "Logseq" in f.name or "exthost" in f.name or "remoteexthost" in f.name:
            parts.append(f"--- {f.relative_to(user_data)}\n{f.read_text(errors='replace')[-3000:]}")
    return "\n".join(parts)[-12000:]


def test_vscode_extension(lsp_bin, tmp_path):
    if not CODE_SERVER.is_file():
        missing_tool(f"code-server ({CODE_SERVER})")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        missing_tool("chromium (Debian package)")
    vsix = sorted(VSCODE_EXT.glob("logseq-lsp-*-*.vsix"))
    if not vsix:
        missing_tool("the packaged extension for this platform (editors/vscode/logseq-lsp-<platform>-*.vsix)",
                     "./scripts/install-editors.sh vscode && ./scripts/package-vscode.sh")
    try:
        import websocket  # noqa: F401
    except ImportError:
        missing_tool("the Python package websocket-client", "pip install -r tests/requirements.txt")
    t_start = time.monotonic()

    graph = copy_graph(tmp_path)
    (graph / TYPING).write_text(TYPING_FIRST_LINE + "\n", encoding="utf-8")
    ext_dir, user_data, home = tmp_path / "extensions", tmp_path / "user-data", tmp_path / "home"
    (user_data / "User").mkdir(parents=True)
    home.mkdir()
    # A fresh install: no logseqLsp.serverPath, and no logseq-lsp on PATH (checked below), so
    # the server that runs is the one the platform .vsix bundles. One setting as a user would
    # set it; no workspace trust prompt; a quiet, fixed-size workbench for the screenshot.
    (user_data / "User" / "settings.json").write_text(json.dumps({
        "logseqLsp.rules": {OFF_RULE: "off"},
        "security.workspace.trust.enabled": False,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.welcomePage.walkthroughs.openOnInstall": False,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "chat.commandCenter.enabled": False,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "update.mode": "none",
        "editor.minimap.enabled": False,
        "editor.wordWrap": "on",
        "editor.hover.delay": 100,
        "editor.hover.above": False,
        "editor.stickyScroll.enabled": False,
        "workbench.colorTheme": "Default Light Modern",
    }, indent=2), encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local/share")}
    env["PATH"] = os.pathsep.join(d for d in env.get("PATH", "").split(os.pathsep)
                                  if d and not (Path(d) / "logseq-lsp").exists())

    t = time.monotonic()
    r = subprocess.run([str(CODE_SERVER), "--extensions-dir", str(ext_dir), "--user-data-dir", str(user_data),
                        "--install-extension", str(vsix[-1])],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0 and "successfully installed" in r.stdout.lower(), r.stdout + r.stderr
    t_install = time.monotonic() - t

    out = tmp_path / "selftest.json"
    port, debug_port = free_port(), free_port()
    server_env = {**env,
                  "LOGSEQ_LSP_SELFTEST_FILE": str(graph / PAGE),
                  "LOGSEQ_LSP_SELFTEST_OUT": str(out),
                  "LOGSEQ_LSP_SELFTEST_HOVER_TEXT": HOVER_TEXT,
                  "LOGSEQ_LSP_SELFTEST_FIX_CODE": FIX_CODE,
                  "LOGSEQ_LSP_SELFTEST_FIX_TITLE": FIX_TITLE}
    cs_log = (tmp_path / "code-server.log").open("w")
    cs = chrome = cdp = None
    try:
        t = time.monotonic()
        cs = subprocess.Popen([str(CODE_SERVER), "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
                               "--extensions-dir", str(ext_dir), "--user-data-dir", str(user_data),
                               "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                               str(graph)],
                              env=server_env, stdout=cs_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), 60, "code-server's /healthz", [cs])
        # The extension host starts only once a browser opens the workbench.
        chrome = subprocess.Popen([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                                   "--disable-dev-shm-usage", "--no-first-run", "--disable-quic",
                                   "--disable-background-networking", "--disable-component-update",
                                   "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}",
                                   f"--remote-debugging-port={debug_port}", "--window-size=1400,1500",
                                   f"http://127.0.0.1:{port}/?folder={graph}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            wait_until(lambda: out.is_file(), RUN_TIMEOUT, "the extension's self-test result", [cs, chrome])
        except pytest.fail.Exception as e:
            pytest.fail(f"{e}\n{dump_logs(user_data)}")
        t_run = time.monotonic() - t
        result = json.loads(out.read_text(encoding="utf-8"))
        if not result.get("ok"):
            pytest.fail(f"self-test failed: {result.get('error')}\nsteps: {result.get('steps')}\n{dump_logs(user_data)}")

        # The hover on screen: VS Code's hover widget, found in the page's DOM.
        cdp = Cdp(debug_port)
        hover_js = ("Array.from(document.querySelectorAll('.monaco-hover'))"
                    ".filter(e => e.offsetParent !== null && !e.classList.contains('hidden'))"
                    ".map(e => e.innerText).join('\\n----\\n')")
        on_screen = wait_until(lambda: cdp.eval(hover_js), 15, "a visible hover widget in the workbench")
        # The top of the workbench, down to a little below the hover.
        bottom = cdp.eval("Math.max(...Array.from(document.querySelectorAll('.monaco-hover'))"
                          ".filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().bottom))")
        width, height = cdp.eval("[window.innerWidth, window.innerHeight]")
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, int(bottom) + 240), "scale": 1}
        shot = screenshot(cdp, tmp_path, "vscode-hover.png", clip)
        ops = Ops(out, [cs, chrome])

        # The Problems panel (View > Problems), and the quick fix menu (Ctrl+. on a diagnostic).
        ops.do("problems")
        problems = wait_until(lambda: cdp.eval(VISIBLE_TEXT.format(sel=".markers-panel")), 15,
                              "the Problems panel", [cs, chrome])
        time.sleep(0.5)
        screenshot(cdp, tmp_path, "vscode-problems.png")
        ops.do("closePanel")
        ops.do("cursorAt", file=str(graph / PAGE), code=QUICKFIX_CODE)
        time.sleep(0.3)
        cdp.key(".", "Period", 190, modifiers=CTRL)
        quickfix_menu = wait_until(lambda: cdp.eval(VISIBLE_TEXT.format(sel=".action-widget")), 15,
                                   "the quick fix menu", [cs, chrome])
        time.sleep(0.3)
        screenshot(cdp, tmp_path, "vscode-quickfix.png")
        cdp.key("Escape", "Escape", 27)

        # Completion through the suggest widget: type, wait for the list, Enter on its first item.
        typing = graph / TYPING
        completions = {}
        for typed in COMPLETION_CASES:
            ops.do("newLine", file=str(typing))
            cdp.type_text(typed)
            rows = wait_until(lambda: suggest_rows(cdp), 20, f"the suggest widget for {typed!r}", [cs, chrome])
            time.sleep(0.3)
            rows = suggest_rows(cdp)  # the list as it settled (a re-request may replace it)
            if typed == SCREENSHOT_CASE:
                screenshot(cdp, tmp_path, "vscode-completion.png")
            before = ops.do("texts", files=[str(typing)])["texts"][str(typing)]
            cdp.key("Enter", "Enter", 13, text="\r")
            files = [str(typing), str(graph / PAGE)]
            done = wait_until(lambda: (t := ops.do("texts", files=files)) and t["texts"][str(typing)] != before and t,
                              15, f"the accepted completion of {typed!r}", [cs, chrome])
            def accepted(t):
                return t["texts"][str(typing)].split("\n")[t["cursorLine"]]
            if typed.startswith("- (("):
                # The whole reference, however many steps the editor takes to write it.
                done = wait_until(lambda: (t := ops.do("texts", files=files))
                                  and re.fullmatch(rf"- \(\({UUID}\)\)", accepted(t)) and t,
                                  15, f"a block reference from {typed!r}", [cs, chrome])
            # The accepted line, not the page: the page already holds the earlier cases' refs.
            line = accepted(done)
            if typed.startswith("- ((") and "((" + NOOPS_ID not in line:
                # A block without an id gets one: wait for the server's edit of its page.
                ref = re.findall(rf"\(\(({UUID})\)\)", line)
                if ref:
                    done = wait_until(lambda: (t := ops.do("texts", files=files))
                                      and f"id:: {ref[-1]}" in t["texts"][str(graph / PAGE)] and t,
                                      15, f"the id:: of {ref[-1]}", [cs, chrome]) or done
            completions[typed] = {"rows": rows, "texts": done["texts"], "cursorLine": done["cursorLine"]}

        # The extension's "server not found" message: serverPath pointed at nothing.
        ops.do("missingServer")
        toast_js = ("Array.from(document.querySelectorAll('.notifications-toasts .notification-list-item'))"
                    ".map(e => e.innerText).join('\\n')")
        missing_msg = wait_until(lambda: "cargo install --path server" in (cdp.eval(toast_js) or "")
                                 and cdp.eval(toast_js), 30, "the missing-server notification", [cs, chrome])
        # Its "Open Settings" button, clicked: the settings editor on the setting, where it applies.
        cdp.click(".notifications-toasts .notification-list-item .monaco-button", "Open Settings")
        settings = wait_until(lambda: cdp.eval(SETTINGS_JS), 15, "the settings editor", [cs, chrome])
        time.sleep(0.5)
        settings = cdp.eval(SETTINGS_JS)
    except BaseException:
        if cdp:  # what the workbench showed when it failed
            screenshot(cdp, tmp_path, "failure.png")
            print(f"\nscreenshot of the failure: {tmp_path / 'failure.png'}")
        raise
    finally:
        if cdp:
            cdp.close()
        stop(chrome)
        stop(cs)
        cs_log.close()

    print(f"\nVS Code (code-server 4.100.3): install .vsix {t_install:.1f} s, run {t_run:.1f} s, "
          f"total {time.monotonic() - t_start:.1f} s; self-test {result['ms']} ms: {result['steps']}\n"
          f"missing-server notification: {missing_msg!r}\n"
          f"completion lists: { {t: c['rows'][:3] for t, c in completions.items()} }\n"
          f"remote: {result.get('remoteName')!r}; settings editor: {settings!r}")

    # The bundled server: inside the installed extension, and it runs (same version as the build).
    server = Path(result["server"] or "")
    assert server.name == "logseq-lsp" and ext_dir in server.parents, result["server"]
    version = subprocess.run([str(server), "--version"], capture_output=True, text=True).stdout
    assert version == subprocess.run([str(lsp_bin), "--version"], capture_output=True, text=True).stdout
    codes = [d["code"] for d in result["diagnostics"]]
    check_diagnostics(codes, lsp_bin, graph)
    check_hover("\n".join(result["hover"]))
    check_hover(on_screen)
    assert "logseqLsp.serverPath" in missing_msg and "not an executable" in missing_msg, missing_msg
    assert result["commands"] == ["logseqLsp.restartServer", "logseqLsp.showLog"]
    assert result["diagnosticsAfterRestart"] == len(result["diagnosticsAfter"])
    check_fix({**result, "actions": result["actions"], "fix_count_before": result["fixCountBefore"],
               "fix_count_after": result["fixCountAfter"]}, result["text"])
    assert len(shot) > 10000, "the screenshot is suspiciously small"
    # (VS Code lists no hints there: the id-before-title ones are in the editor only.)
    assert "logseq-lsp" in problems and "card-answer-inline" in problems, problems[:2000]
    assert QUICKFIX_TITLE in quickfix_menu, quickfix_menu
    check_completions(completions, graph)
    # "Open Settings" shows the setting, editable, in the tab where it applies (code-server is a
    # remote window: a machine-scoped setting is set in its Remote tab, which the User tab omits).
    assert settings["query"] == "logseqLsp.serverPath", settings
    assert [r["input"] for r in settings["rows"] if "Server Path" in r["text"]] == [True], settings
    assert result["remoteName"] and "Remote" in (settings["tab"] or ""), settings
    # (VS Code itself saves files a workspace edit changed: its setting files.refactoring.autoSave.)
