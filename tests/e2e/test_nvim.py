"""Headless Neovim 0.7 as a real editor: runs nvim/e2e.lua against the built server on a copy of
the Readwise graph (diagnostics, hover on a card, a code action applied by Neovim, UTF-16
columns after an emoji, completion after `[[` and `((` applied by Neovim, go to definition and
the jump). Skipped only when nvim is not installed, and never in CI (tests/skips.py)."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from skips import missing
from support import EMOJI_PAGE, READWISE_PAGE

LUA = Path(__file__).parent / "nvim" / "e2e.lua"


def test_neovim_end_to_end(lsp_bin, graph, tmp_path):
    nvim = shutil.which("nvim")
    if nvim is None:
        missing("nvim is not installed (Debian: apt-get install neovim, or ./scripts/install-editors.sh)",
                editor=True)
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "LOGSEQ_LSP_BIN": str(lsp_bin),
        "GRAPH_ROOT": str(graph),
        "MD_FILE": str(graph / READWISE_PAGE),
        "EMOJI_FILE": str(graph / EMOJI_PAGE),
        "OUT_JSON": str(out),
        "HOME": str(tmp_path),  # no user config or state leaks in
    }
    r = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {LUA}"],
                       env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    result = json.loads(out.read_text()) if out.is_file() else {}
    assert r.returncode == 0 and result.get("ok"), (
        f"nvim exit {r.returncode}: {result.get('error')}\nsteps: {result.get('steps')}\n"
        f"stderr: {r.stderr[-3000:]}")
    assert result["steps"] == ["diagnostics", "hover", "fix_readwise", "utf16_columns", "fix_emoji",
                               "completion", "definition", "stopped"]
    assert result["diagnostics"] > 50
