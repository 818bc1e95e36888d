"""Shared by the real-editor tests: what each editor run must show, and how a missing editor is
handled (skip locally, fail in CI or when LOGSEQ_LSP_REQUIRE_EDITORS is set: tests/skips.py)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from skips import missing

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE_GRAPH = REPO_ROOT / "examples" / "readwise-export"
PAGE = "pages/Kubernetes in Action.md"

# A card of the page: hovering it must show its question and its answer.
HOVER_TEXT = "Which two mechanisms make containers possible?"
ANSWER_TEXT = "Linux Namespaces"
# The quick fix every editor applies: the first `- id:: …` bullet (line 15 of the page).
# The first card's findings (its tag is not Logseq's, its lines are all on the front, its id is
# above its title) reach the editor as one diagnostic at the tag (the server's default), whose
# message names id-before-title and which offers the id's fix among the others: the drivers take
# a diagnostic whose code or message names FIX_CODE.
FIX_CODE = "id-before-title"
FIX_TITLE = "Move the id under the block's first line"
FIXED_TEXT = re.compile(r"- What is NoOps\? #flashcard[ \t]*\n[ \t]+id:: 63c66a0c-59bc-4f1b-9492-d21bd5eff3cc\n")
# Each editor's settings turn this rule off (the page has one such diagnostic by default), so
# the run also shows that the editor passed the settings to the server.
OFF_RULE = "property-ignored"
# Rules the page must trigger in every editor.
EXPECTED_CODES = {"card-tag-not-native"}

def missing_tool(what: str, how: str = "./scripts/install-editors.sh"):
    """Skips the test, or fails it in CI or when LOGSEQ_LSP_REQUIRE_EDITORS is set (tests/skips.py)."""
    missing(f"{what} is not installed (install with {how})", editor=True)


def which_or_missing(cmd: str, what: str) -> str:
    path = shutil.which(cmd)
    if not path:
        missing_tool(what)
    return path


def copy_graph(tmp_path: Path) -> Path:
    root = tmp_path / "graph"
    shutil.copytree(EXAMPLE_GRAPH, root)
    return root


def outside_page(tmp_path: Path) -> Path:
    """A Markdown page outside any graph (with a card tag): editors must not start the server."""
    d = tmp_path / "not-a-graph"
    d.mkdir()
    p = d / "note.md"
    p.write_text("- What is this? #flashcard\n  id:: not-a-uuid\n", encoding="utf-8")
    return p


def cli_codes(lsp_bin: Path, graph: Path) -> Counter:
    """Rule codes of `logseq-lsp check` with default settings (no editor involved)."""
    r = subprocess.run([str(lsp_bin), "check", str(graph), "--format", "json"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode in (0, 1), r.stderr
    return Counter(d["code"] for d in json.loads(r.stdout))


def run_editor(cmd, *, env: dict, out_json: Path, timeout: float, cwd: Path = REPO_ROOT) -> tuple[dict, float]:
    """Runs an editor script that writes OUT_JSON; returns (result, seconds)."""
    full_env = {**os.environ, **env, "OUT_JSON": str(out_json)}
    t = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{cmd[0]} timed out after {timeout} s; stderr: {e.stderr}")
    secs = time.monotonic() - t
    if not out_json.is_file():
        pytest.fail(f"{cmd[0]} wrote no result (exit {p.returncode}); stderr:\n{p.stderr[-4000:]}")
    result = json.loads(out_json.read_text(encoding="utf-8"))
    if not result.get("ok"):
        pytest.fail(f"{cmd[0]} run failed: {result.get('error')}\nsteps: {result.get('steps')}\n"
                    f"stderr:\n{p.stderr[-4000:]}")
    assert p.returncode == 0, p.stderr[-4000:]
    return result, secs


def hover_text(h) -> str:
    """Hover contents as LSP sends them (MarkupContent, MarkedString, list) or as a string."""
    if isinstance(h, str):
        return h
    if isinstance(h, dict):
        return h.get("value", "")
    if isinstance(h, list):
        return "\n".join(hover_text(x) for x in h)
    return str(h)


def check_diagnostics(codes: list[str], lsp_bin: Path, graph: Path):
    got = Counter(codes)
    assert EXPECTED_CODES <= set(got), f"missing rules: {EXPECTED_CODES - set(got)}; got {got}"
    # With default settings the page has OFF_RULE; the editor's settings turned it off.
    assert cli_codes(lsp_bin, graph)[OFF_RULE] >= 1, "the page no longer triggers the rule the test turns off"
    assert got[OFF_RULE] == 0, f"{OFF_RULE} should be off through the editor's settings: {got}"


def check_hover(text: str):
    # The front is the whole card block, as Logseq's review shows it (srs.cljs@0.10.9 show-cycle).
    # VS Code hands back the rendered text (no `**`), the others the Markdown.
    assert "\nFront\n" in text.replace("**", ""), f"hover without the card's front: {text!r}"
    assert HOVER_TEXT in text, f"hover without the card's question: {text!r}"
    assert ANSWER_TEXT in text, f"hover without the card's answer: {text!r}"


def check_fix(result: dict, page_text: str):
    assert FIX_TITLE in result["actions"], result["actions"]
    assert result["fix_count_after"] == result["fix_count_before"] - 1, (
        result["fix_count_before"], result["fix_count_after"])
    assert FIXED_TEXT.search(page_text + "\n"), "the quick fix did not move the id under the title"
