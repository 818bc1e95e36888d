"""Neovim (Debian's 0.7.2, or any nvim on PATH) through the logseq_lsp plugin's setup(): diagnostics,
a card hover in vim.lsp.buf.hover()'s window, a quick fix picked from vim.lsp.buf.code_action(),
:LogseqLspRestart, on a copy of the example graph. More Neovim binaries (for example a current
release, which takes the vim.lsp.config/vim.lsp.enable path) can be added with
LOGSEQ_LSP_NVIM_EXTRA=/path/to/nvim[:/other/nvim]."""
import os

import pytest

from editor_support import (
    FIX_CODE, FIX_TITLE, HOVER_TEXT, OFF_RULE, PAGE, check_diagnostics, check_fix,
    check_hover, copy_graph, hover_text, outside_page, run_editor, which_or_missing,
)

SCRIPT = "tests/editors/nvim_plugin_e2e.lua"
NVIMS = ["nvim"] + [p for p in os.environ.get("LOGSEQ_LSP_NVIM_EXTRA", "").split(os.pathsep) if p]


@pytest.mark.parametrize("nvim", NVIMS)
def test_nvim_plugin(nvim, lsp_bin, tmp_path):
    exe = which_or_missing(nvim, f"Neovim ({nvim})")
    graph = copy_graph(tmp_path)
    xdg = tmp_path / "xdg"
    cmd = [exe, "--headless", "-u", "NONE", "-i", "NONE", "-n",
           "--cmd", "set rtp+=editors/nvim", "-c", f"luafile {SCRIPT}"]
    result, secs = run_editor(cmd, out_json=tmp_path / "out.json", timeout=120, env={
        "LSP_BIN": str(lsp_bin),
        "MD_FILE": str(graph / PAGE),
        "OUTSIDE_FILE": str(outside_page(tmp_path)),
        "HOVER_TEXT": HOVER_TEXT,
        "FIX_CODE": FIX_CODE,
        "FIX_TITLE": FIX_TITLE,
        "OFF_RULE": OFF_RULE,
        # Keep Neovim's LSP log and state out of the user's folders.
        "XDG_STATE_HOME": str(xdg / "state"), "XDG_CACHE_HOME": str(xdg / "cache"),
        "XDG_DATA_HOME": str(xdg / "data"), "XDG_CONFIG_HOME": str(xdg / "config"),
    })
    print(f"\nNeovim {result['nvim']} ({'vim.lsp.config' if result['native_config'] else 'start_client'}): "
          f"{secs:.1f} s; {result['steps']}")

    assert result["filetype"] == "markdown"
    assert os.path.realpath(result["root"]) == os.path.realpath(graph)
    assert os.path.realpath(result["client_root"]) == os.path.realpath(graph)
    assert result["clients"] == 1
    assert result["outside_attached"] == 0, "the plugin attached a Markdown file outside any graph"

    check_diagnostics([d["code"] for d in result["diagnostics"]], lsp_bin, graph)
    check_hover(hover_text(result["hover"]))
    check_hover("\n".join(result["hover_window"]))  # what vim.lsp.buf.hover() put on screen
    check_fix(result, result["text"])
    assert result["restarted"]
    # The buffer was changed, not the file: the server never writes.
    assert "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc" in (graph / PAGE).read_text(encoding="utf-8")
