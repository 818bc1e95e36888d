"""Neovim as a person sees it: the real `nvim` (Debian's 0.7.2) in a pseudo-terminal of 110×34,
its screen kept by pyte (a VT100 emulator), with the logseq_lsp plugin's setup() on the example
graph. Keys are typed into the terminal: `/` to find a card, `K` (the plugin's mapping) for its
hover. The screen must show the card's question and answer in the hover window and the
server's diagnostics; it is saved as an SVG (docs/neovim-hover.svg with
LOGSEQ_LSP_SCREENSHOTS=docs, for the README)."""
import fcntl
import html
import os
import pty
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

import pyte
import pytest

from editor_support import ANSWER_TEXT, HOVER_TEXT, PAGE, REPO_ROOT, copy_graph, which_or_missing

COLS, ROWS = 110, 34
TIMEOUT = 30.0


class Terminal:
    """A program on a pty whose output feeds a pyte screen."""

    def __init__(self, argv, env):
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.stream.feed(data)

    def type(self, keys: str):
        os.write(self.master, keys.encode("utf-8"))

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.screen.display)

    def wait(self, what, pred, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self.text()):
                return self.text()
            if self.proc.poll() is not None:
                pytest.fail(f"nvim exited ({self.proc.returncode}) waiting for {what}:\n{self.text()}")
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}; the screen:\n{self.text()}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        os.close(self.master)


# xterm's 16 colours (pyte names the first eight; bright ones as "bright…" or hex).
PALETTE = {"black": "#000000", "red": "#cd0000", "green": "#00cd00", "brown": "#cdcd00",
           "blue": "#0000ee", "magenta": "#cd00cd", "cyan": "#00cdcd", "white": "#e5e5e5",
           "brightblack": "#7f7f7f", "brightred": "#ff0000", "brightgreen": "#00ff00",
           "brightbrown": "#ffff00", "brightblue": "#5c5cff", "brightmagenta": "#ff00ff",
           "brightcyan": "#00ffff", "brightwhite": "#ffffff"}
FG, BG = "#d0d0d0", "#1c1c1c"


def colour(c: str, default: str) -> str:
    if c == "default":
        return default
    return PALETTE.get(c, f"#{c}" if len(c) == 6 else default)


def svg(screen: pyte.Screen) -> str:
    """The screen as SVG: one background rectangle and one text run per stretch of cells with
    the same colours; a run is stretched to its cells' width, so wide characters keep the grid."""
    cw, ch = 8.4, 17
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{COLS * cw:.0f}" height="{ROWS * ch}" '
           f'font-family="DejaVu Sans Mono, monospace" font-size="14">',
           f'<rect width="100%" height="100%" fill="{BG}"/>']
    for y in range(ROWS):
        row = screen.buffer[y]
        x = 0
        while x < COLS:
            c = row[x]
            fg, bg = colour(c.fg, FG), colour(c.bg, BG)
            if c.reverse:
                fg, bg = bg, fg
            key = (fg, bg, c.bold)
            end, text = x, ""
            while end < COLS:
                d = row[end]
                dfg, dbg = colour(d.fg, FG), colour(d.bg, BG)
                if d.reverse:
                    dfg, dbg = dbg, dfg
                if (dfg, dbg, d.bold) != key:
                    break
                text += d.data
                end += 1
            if bg != BG:
                out.append(f'<rect x="{x * cw:.1f}" y="{y * ch}" width="{(end - x) * cw:.1f}" height="{ch}" fill="{bg}"/>')
            if text.strip():
                weight = ' font-weight="bold"' if c.bold else ""
                out.append(f'<text x="{x * cw:.1f}" y="{y * ch + 13}" fill="{fg}"{weight} textLength="{(end - x) * cw:.1f}" '
                           f'lengthAdjust="spacingAndGlyphs" xml:space="preserve">{html.escape(text)}</text>')
            x = end
    out.append("</svg>")
    return "\n".join(out)


@pytest.fixture
def term(lsp_bin, tmp_path):
    exe = which_or_missing("nvim", "Neovim")
    graph = copy_graph(tmp_path)
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "", **{
        f"XDG_{k}_HOME": str(tmp_path / "xdg" / k.lower()) for k in ("STATE", "CACHE", "DATA", "CONFIG")}}
    t = Terminal([exe, "-u", "NONE", "-i", "NONE", "-n", "--cmd", f"set rtp+={REPO_ROOT / 'editors' / 'nvim'}",
                  "--cmd", "filetype on | syntax on | set termguicolors signcolumn=yes nowrap | colorscheme desert | hi NormalFloat guibg=#3a3a4a guifg=#e0e0e0",
                  "-c", f"lua require('logseq_lsp').setup({{ cmd = {{ '{lsp_bin}' }} }})",
                  str(graph / PAGE)], env)
    try:
        yield t
    finally:
        t.close()


def test_neovim_capture_of_a_hover_and_diagnostics(term, tmp_path):
    question = HOVER_TEXT.split("?")[0]
    term.wait("the page", lambda s: "Kubernetes" in s)
    # Find the card as a person would, then wait for the server's signs and virtual text.
    term.type(f"/{question}\r")
    term.type(":nohlsearch\rzt")
    term.wait("diagnostics on screen", lambda s: "■ Card" in s)
    term.type("K")
    # The hover window (engine/hover.rs): its headings, the question and the answer in it.
    screen = term.wait("the hover window with the question and the answer",
                       lambda s: "\n Front" in s and ANSWER_TEXT in s[s.find("\n Front"):])
    window = screen[screen.index("\n Front"):]
    assert question in window and ANSWER_TEXT in window, screen
    picture = svg(term.screen)
    assert picture.count("<text") > 20 and html.escape(ANSWER_TEXT) in picture
    (tmp_path / "neovim-hover.svg").write_text(picture, encoding="utf-8")
    (tmp_path / "neovim-hover.txt").write_text(screen, encoding="utf-8")
    if os.environ.get("LOGSEQ_LSP_SCREENSHOTS"):
        (Path(os.environ["LOGSEQ_LSP_SCREENSHOTS"]) / "neovim-hover.svg").write_text(picture, encoding="utf-8")
