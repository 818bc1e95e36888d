"""Emacs 28 + eglot (Debian's emacs-nox and elpa-eglot) in `emacs --batch`, configured with the
Emacs snippet of editors/README.md exactly as documented: diagnostics in flymake, a card hover
through eldoc's hover function, a quick fix chosen in `eglot-code-actions`, on a copy of the
example graph."""
import os
import re
import subprocess

from editor_support import (
    FIX_CODE, FIX_TITLE, HOVER_TEXT, OFF_RULE, PAGE, REPO_ROOT, check_diagnostics, check_fix,
    check_hover, copy_graph, hover_text, missing_tool, outside_page, run_editor, which_or_missing,
)

SCRIPT = "tests/editors/emacs_eglot_e2e.el"


def documented_config() -> str:
    """The first elisp block of the Emacs section of editors/README.md."""
    text = (REPO_ROOT / "editors" / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Emacs", 1)[1].split("\n## ", 1)[0]
    m = re.search(r"```elisp\n(.*?)```", section, re.S)
    assert m, "editors/README.md has no elisp block in its Emacs section"
    return m.group(1)


def test_emacs_eglot(lsp_bin, tmp_path):
    emacs = which_or_missing("emacs", "Emacs")
    probe = subprocess.run([emacs, "--batch", "--eval", "(progn (package-initialize) (require 'eglot))"],
                           capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(tmp_path)})
    if probe.returncode != 0:
        missing_tool("eglot (Debian package elpa-eglot)")
    graph = copy_graph(tmp_path)
    config = tmp_path / "logseq-lsp-config.el"
    config.write_text(documented_config(), encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    result, secs = run_editor([emacs, "--batch", "-l", SCRIPT], out_json=tmp_path / "out.json", timeout=120, env={
        # The documented configuration runs `logseq-lsp` from PATH: the binary under test.
        "PATH": f"{lsp_bin.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "CONFIG_EL": str(config),
        "MD_FILE": str(graph / PAGE),
        "OUTSIDE_FILE": str(outside_page(tmp_path)),
        "HOVER_TEXT": HOVER_TEXT,
        "FIX_CODE": FIX_CODE,
        "FIX_TITLE": FIX_TITLE,
        "OFF_RULE": OFF_RULE,
    })
    print(f"\nEmacs {result['emacs']} + eglot: {secs:.1f} s; {result['steps']}")
    assert lsp_bin.name == "logseq-lsp", "the documented configuration runs `logseq-lsp` by name"

    assert result["mode"] == "markdown-mode"
    assert os.path.realpath(result["project_root"]) == os.path.realpath(graph), "the graph is not the project"
    assert result["outside_managed"] is False, "eglot started for a Markdown file outside any graph"
    check_diagnostics([d["code"] for d in result["diagnostics"]], lsp_bin, graph)
    assert result["flymake_count"] == len(result["diagnostics"]), "flymake shows other diagnostics than the server sent"
    check_hover(hover_text(result["hover"]))       # as eldoc shows it
    check_hover(hover_text(result["hover_raw"]))
    check_fix(result, result["text"])
    assert "- id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc" in (graph / PAGE).read_text(encoding="utf-8")
