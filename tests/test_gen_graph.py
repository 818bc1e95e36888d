"""tools/gen_graph.py, the benchmark graph generator: its manifest's counts agree with what
`logseq-lsp` reports on the graph it writes, and the same seed gives the same bytes."""
import collections
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GEN = REPO / "tools" / "gen_graph.py"
PAGES = 200


def generate(out, pages=PAGES, seed=7, hashseed="0"):
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    subprocess.run([sys.executable, str(GEN), str(out), "--pages", str(pages), "--seed", str(seed)],
                   check=True, env=env, capture_output=True)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def tree(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen") / "graph"
    return d, generate(d)


def test_manifest_describes_the_files(graph):
    d, m = graph
    pages = sorted(d.glob("pages/*.md")) + sorted(d.glob("journals/*.md"))
    assert m["pages"] == len(pages) == PAGES
    assert m["journals"] == len(list(d.glob("journals/*.md")))
    assert m["bytes"] == sum(p.stat().st_size for p in pages)
    assert m["lines"] == sum(p.read_bytes().count(b"\n") for p in pages)
    assert re.search(r":file/name-format\s+:triple-lowbar", (d / "logseq" / "config.edn").read_text())
    # Every rule occurs at least once even in a small graph (the mistakes rotate).
    assert all(n > 0 for n in m["diagnostics"].values()), m["diagnostics"]
    assert m["block_refs"]["resolving"] > m["block_refs"]["unresolved"] > 0
    assert m["cards"]["native"] > 0 and m["cards"]["non_native"] > 0


def test_check_reports_exactly_the_expected_diagnostics(graph, lsp_bin):
    d, m = graph
    r = subprocess.run([str(lsp_bin), "check", str(d), "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr  # the graph has errors on purpose
    diags = json.loads(r.stdout)
    got = collections.Counter(x["code"] for x in diags)
    assert dict(got) == {c: n for c, n in m["diagnostics"].items() if n}, (
        "per-code counts differ from manifest.json")
    assert sum(got.values()) == m["diagnostics_total"]
    sev = collections.Counter(x["severity"] for x in diags)
    assert dict(sev) == {s: n for s, n in m["diagnostics_by_severity"].items() if n}
    # Logseq's backups (logseq/bak) are not pages.
    assert not [x for x in diags if x["path"].startswith("logseq/")]

    human = subprocess.run([str(lsp_bin), "check", str(d)], capture_output=True, text=True)
    assert human.stdout.rstrip().endswith(f"in {PAGES} pages"), human.stdout[-300:]


def test_cards_match(graph, lsp_bin):
    d, m = graph
    r = subprocess.run([str(lsp_bin), "cards", str(d)], capture_output=True, text=True, check=True)
    cards = json.loads(r.stdout)
    assert len(cards) == m["cards"]["total"]
    assert sum(1 for c in cards if c["native"]) == m["cards"]["native"]
    assert sum(1 for c in cards if not c["native"]) == m["cards"]["non_native"]
    assert sum(1 for c in cards if c["clozes"] > 0) == m["cards"]["cloze"]


def test_blocks_match(graph, lsp_bin):
    d, m = graph
    total = 0
    for p in sorted(d.glob("pages/*.md")) + sorted(d.glob("journals/*.md")):
        r = subprocess.run([str(lsp_bin), "outline", str(p), "--format", "json"],
                           capture_output=True, text=True, check=True)
        total += len(json.loads(r.stdout)["blocks"])
    assert total == m["blocks"]


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, pages=120, seed=3, hashseed="1")
    generate(b, pages=120, seed=3, hashseed="2")  # no dependence on str hashing
    generate(c, pages=120, seed=4)
    ta, tb, tc = tree(a), tree(b), tree(c)
    assert ta == tb
    assert ta != tc


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").write_text("keep me")
    r = subprocess.run([sys.executable, str(GEN), str(tmp_path), "--pages", "5"], capture_output=True, text=True)
    assert r.returncode == 2 and "not empty" in r.stderr
    assert (tmp_path / "x").read_text() == "keep me"
