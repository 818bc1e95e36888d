"""Completion in Emacs 28 + eglot (Debian's emacs-nox, elpa-eglot 1.9, elpa-markdown-mode) the way
a user completes: the configuration of editors/README.md, then `completion-at-point` (eglot's
capf) on a typed line, and the first candidate of *Completions* chosen with RET
(`switch-to-completions`, `choose-completion`). One Emacs run types every case on a new page of
a copy of the example graph; each test checks one case's result: the exact line, and the `id::`
written under a block that had none (in another page: the server's workspace/applyEdit, which
eglot asks about first; in the same page: the item's additionalTextEdits).

eglot runs no completion item command (eglot.el 1.9 `eglot-completion-at-point`, its
:exit-function), so the server writes the promised id when the reference arrives in a didChange
(server/src/lsp/block_ids.rs)."""
import json
import os
import re
import subprocess

import pytest

from editor_support import PAGE, REPO_ROOT, copy_graph, missing_tool, run_editor, which_or_missing
from test_emacs_eglot import documented_config

SCRIPT = "tests/editors/emacs_completion_e2e.el"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NOOPS_ID = "63c66a0c-59bc-4f1b-9492-d21bd5eff3cc"  # `- What is NoOps? #flashcard`, its id:: bullet
TYPING = "pages/typing.md"
FIRST_LINE = "- A unique sentence about 🦀 crabs"
CASES = ["- [[Kub", "- [[kub|]]", "- ((NoOps", "- ((what is a", "- ((unique sentence"]


@pytest.fixture(scope="module")
def emacs_run(lsp_bin, tmp_path_factory):
    emacs = which_or_missing("emacs", "Emacs")
    tmp = tmp_path_factory.mktemp("emacs-completion")
    home = tmp / "home"
    home.mkdir()
    probe = subprocess.run([emacs, "--batch", "--eval", "(progn (package-initialize) (require 'eglot))"],
                           capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(home)})
    if probe.returncode != 0:
        missing_tool("eglot (Debian package elpa-eglot)")
    graph = copy_graph(tmp)
    (graph / TYPING).write_text(FIRST_LINE + "\n", encoding="utf-8")
    config = tmp / "logseq-lsp-config.el"
    config.write_text(documented_config(), encoding="utf-8")
    result, secs = run_editor([emacs, "--batch", "-l", SCRIPT], out_json=tmp / "out.json", timeout=120, env={
        "PATH": f"{lsp_bin.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "CONFIG_EL": str(config),
        "MD_FILE": str(graph / TYPING),
        "CASES": json.dumps(CASES),
    })
    print(f"\nEmacs {result['emacs']} + eglot {result['eglot']} ({result['markdown_mode']} markdown-mode): "
          f"{secs:.1f} s; {result['steps']}")
    cases = {c["typed"]: c for c in result["cases"]}
    assert list(cases) == CASES
    return result, cases, graph


def typed_page(result) -> list[str]:
    return result["buffers"]["typing.md"].split("\n")


def test_page_completion(emacs_run):
    _, cases, _ = emacs_run
    c = cases["- [[Kub"]
    # The existing page first (a sole candidate is inserted at once: no *Completions*).
    assert c["first"] in (None, "Kubernetes in Action"), c
    assert c["line"] == "- [[Kubernetes in Action]]", c


def test_page_completion_inside_closed_brackets(emacs_run):
    """`[[kub]]` as electric pairs leave it: the point is before `]]`, which the edit replaces too."""
    result, cases, _ = emacs_run
    c = cases["- [[kub|]]"]
    assert c["line"] == "- [[Kubernetes in Action]]", c


def test_block_completion_with_id(emacs_run):
    result, cases, graph = emacs_run
    c = cases["- ((NoOps"]
    assert c["first"].startswith("What is NoOps?"), c
    assert c["line"] == f"- (({NOOPS_ID}))", c


def test_block_completion_writes_the_id_in_the_other_page(emacs_run):
    result, cases, graph = emacs_run
    c = cases["- ((what is a"]
    assert c["shown"], "no *Completions*"
    m = re.fullmatch(rf"- \(\(({UUID})\)\)", c["line"])
    assert m, c
    page = graph / PAGE
    assert any(page.name in p for p in result["edit_prompts"]), result["edit_prompts"]
    lines = result["buffers"][page.name].split("\n")
    title = c["first"].split(" #")[0]
    at = next(i for i, x in enumerate(lines) if title in x)
    assert lines[at + 1].strip() == f"id:: {m.group(1)}", lines[at:at + 3]
    assert sum(f"id:: {m.group(1)}" in x for x in lines) == 1, "the id was written twice"
    assert f"id:: {m.group(1)}" not in page.read_text(encoding="utf-8"), "the server wrote the file"


def test_block_completion_same_page_gets_an_id(emacs_run):
    result, cases, _ = emacs_run
    c = cases["- ((unique sentence"]
    m = re.fullmatch(rf"- \(\(({UUID})\)\)", c["line"])
    assert m, c
    lines = typed_page(result)
    assert lines[0] == FIRST_LINE
    assert lines[1] == f"  id:: {m.group(1)}", lines


def test_typed_page_text(emacs_run):
    """The whole page as the cases left it: each case on its line, nothing else changed."""
    result, cases, _ = emacs_run
    lines = typed_page(result)
    assert lines[0] == FIRST_LINE
    assert [x for x in lines[2:] if x] == [cases[t]["line"] for t in CASES], lines
