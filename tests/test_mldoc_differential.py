"""Differential test: the Rust outline parser against Logseq's own parser.

The oracle is tests/mldoc/outline.js (mldoc 1.5.7, as Logseq 0.10.9 pins it, + graph-parser's block rules, see its header).
For every Markdown file of three corpora it is compared with `logseq-lsp outline FILE --format json`
on each block's start, level, pre_block and properties.

Setup: `cd tests/mldoc && npm ci` (node_modules is not committed), `cargo build --release`,
then `python -m pytest tests/test_mldoc_differential.py`.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ORACLE = TESTS / "mldoc" / "outline.js"
CASES = TESTS / "mldoc" / "cases"
REPO_ROOT = TESTS.parent
DOCS = TESTS / "corpus" / "logseq-docs"
READWISE = REPO_ROOT / "examples" / "readwise-export"
READWISE_PAGE = READWISE / "pages" / "Kubernetes in Action.md"
MAX_LISTED = 20


def corpus_files(name):
    """(root, files) of a corpus: every .md the server would load from it."""
    if name == "docs":
        root = DOCS
        files = [p for d in ("pages", "journals") for p in (root / d).rglob("*.md")]
    elif name == "readwise":
        root = READWISE
        files = list((root / "pages").rglob("*.md"))
    else:
        root, files = CASES, [p for p in CASES.glob("*.md") if p.name != "README.md"]
    return root, sorted(files)


@pytest.fixture(scope="session")
def oracle():
    """path → oracle blocks, from ONE node run over all corpora (node start-up dominates)."""
    node = shutil.which("node")
    if node is None or not (TESTS / "mldoc" / "node_modules" / "mldoc").is_dir():
        pytest.fail("need node and tests/mldoc/node_modules (run `npm ci` in tests/mldoc)")
    files = [str(p) for c in ("docs", "readwise", "cases") for p in corpus_files(c)[1]]
    res = subprocess.run([node, str(ORACLE), *files], capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        pytest.fail(f"oracle failed (exit {res.returncode}): {res.stderr[-2000:]}")
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert [d["path"] for d in lines] == files, "oracle output out of step with its input"
    return {d["path"]: d for d in lines}


def rust_outline(bin_path, path):
    """(blocks, None) or (None, error text)."""
    try:
        res = subprocess.run([str(bin_path), "outline", str(path), "--format", "json"],
                             capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out after 60 s"
    if res.returncode != 0:
        return None, f"exit {res.returncode}: {res.stderr.strip()[-500:]}"
    try:
        return json.loads(res.stdout)["blocks"], None
    except (ValueError, KeyError, TypeError) as e:
        return None, f"bad JSON ({e}): {res.stdout[:300]!r}"


def project(block):
    """The compared fields. The Rust side writes pre_block only on the pre-block."""
    if block is None:
        return None
    return {"start": block.get("start"), "level": block.get("level"),
            "pre_block": bool(block.get("pre_block", False)), "properties": block.get("properties")}


def source_line(data, offset):
    """'line N @ byte B: <text>' for the line holding byte offset B."""
    if not isinstance(offset, int) or not 0 <= offset <= len(data):
        return f"byte {offset!r}: (outside the file, {len(data)} bytes)"
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    text = data[start:len(data) if end < 0 else end].decode("utf-8", "replace")
    line_no = data.count(b"\n", 0, offset) + 1
    return f"line {line_no} @ byte {offset}: {text!r}"


def compare_file(path, expected, actual):
    """None when equal, else a readable report of the first differing block."""
    exp = [project(b) for b in expected]
    act = [project(b) for b in actual]
    n = max(len(exp), len(act))
    pad = lambda xs: xs + [None] * (n - len(xs))
    diffs = [i for i, (e, a) in enumerate(zip(pad(exp), pad(act))) if e != a]
    if not diffs:
        return None
    i = diffs[0]
    e, a = pad(exp)[i], pad(act)[i]
    data = path.read_bytes()
    out = [f"{len(diffs)} of {n} blocks differ (mldoc {len(exp)} blocks, rust {len(act)}); first at block #{i}:",
           f"    mldoc: {json.dumps(e, ensure_ascii=False)}",
           f"    rust:  {json.dumps(a, ensure_ascii=False)}"]
    starts = []
    for side in (e, a):
        if side is not None and side["start"] not in starts:
            starts.append(side["start"])
    out += [f"    source {source_line(data, s)}" for s in starts]
    return "\n".join(out)


@pytest.mark.parametrize("corpus", ["docs", "readwise", "cases"])
def test_outline_matches_mldoc(corpus, oracle, lsp_bin):
    root, files = corpus_files(corpus)
    assert files, f"no .md files in the {corpus} corpus at {root}"
    failures = []  # (relative path, report)
    for path in files:
        rel = path.relative_to(root).as_posix()
        want = oracle[str(path)]
        if "error" in want:
            failures.append((rel, f"oracle error: {want['error']}"))
            continue
        got, err = rust_outline(lsp_bin, path)
        report = f"rust error: {err}" if err else compare_file(path, want["blocks"], got)
        if report:
            failures.append((rel, report))
    if failures:
        shown = "\n".join(f"- {rel}: {rep}" for rel, rep in failures[:MAX_LISTED])
        more = f"\n... and {len(failures) - MAX_LISTED} more" if len(failures) > MAX_LISTED else ""
        pytest.fail(f"{corpus} corpus: {len(failures)} of {len(files)} files differ from mldoc "
                    f"(root {root}):\n{shown}{more}", pytrace=False)


def test_readwise_page_counts(oracle, lsp_bin):
    """134 blocks and 29 `id::` on the Readwise page. The page starts with `# Kubernetes in Action`
    at byte 0, so there is no pre-block: 134 is both the Heading count and the block count."""
    path = READWISE_PAGE
    want = oracle[str(path)]["blocks"]
    assert sum(b["pre_block"] for b in want) == 0
    assert (len(want), sum("id" in b["properties"] for b in want)) == (134, 29)
    got, err = rust_outline(lsp_bin, path)
    assert err is None, err
    assert sum(bool(b.get("pre_block")) for b in got) == 0
    assert (len(got), sum("id" in b["properties"] for b in got)) == (134, 29)
