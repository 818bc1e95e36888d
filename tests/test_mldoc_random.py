"""Randomised differential tests against mldoc (the oracle), on every block's start, level,
pre_block and properties. Deterministic: fixed seeds, 300 pages each.

* Realistic pages (what people and Logseq write: bullets nested with tabs or spaces, text,
  properties and ids, lists, quotes, closed fences, headings, cards, CRLF, emoji, front matter)
  must match exactly.
* Adversarial pages (any line shape anywhere: stray `:END:`, `</div>`, unbalanced fences, region
  markers in titles, `#+title:` directives) must match exactly too; differences are listed when
  the test runs with `-s`.
"""
import json
import random
import shutil
import subprocess

import pytest

from test_mldoc_differential import ORACLE, TESTS, compare_file, rust_outline

INDENTS = ["", "", "\t", "\t\t", "  ", "    ", " ", "\t  ", "  \t"]
BODY = [
    "text 😀 line", "key:: value", "id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "Key_Name:: v",
    "key::value", "k::", "url:: http://a.b/c::d", "#+title: T", "* item", "1. item", "> quote",
    "```", "```js", "~~~", "$$", "<div>", "</div>", ":LOGBOOK:", ":PROPERTIES:", ":k: v", ":END:",
    "#+BEGIN_QUOTE", "#+END_QUOTE", "# heading", "## h2", "#tag line", "\\", "", "   ",
    "card-repeats:: 1", "- ", "-", "-text", "-## hb", "{{cloze x}}", "((uuid))", "[[Page]] #card",
]


def page(rng):
    lines = []
    if rng.random() < 0.1:
        lines += ["---", "title: Front", "tags: a, b", "---"]
    if rng.random() < 0.3:
        lines += ["alias:: x", "tags:: card"]
    for _ in range(rng.randint(1, 25)):
        ind = rng.choice(INDENTS)
        r = rng.random()
        if r < 0.45:
            lines.append(f"{ind}- block {rng.choice(BODY) if rng.random() < 0.3 else 'title'}")
        else:
            lines.append(ind + rng.choice(BODY))
    nl = "\r\n" if rng.random() < 0.1 else "\n"
    return nl.join(lines) + (nl if rng.random() < 0.8 else "")


REAL_TITLES = ["title", "What is X? #card", "see [[Page]] and ((6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b))",
               "TODO task", "## heading bullet", "😀 emoji", "q {{cloze a \\\\ cue}}", ""]
REAL_BODY = ["text 😀 line", "key:: value", "id:: 6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "Key_Name:: v",
             "key::value", "collapsed:: true", "card-repeats:: 1", "card-next-schedule:: 2024-01-01T00:00:00.000Z",
             "* item", "1. item", "> quote", "", "#tag line", "\\"]


def real_page(rng):
    lines = []
    if rng.random() < 0.1:
        lines += ["---", "title: Front", "tags: a, b", "---"]
    if rng.random() < 0.4:
        lines += ["alias:: x", "tags:: card", ""]
    unit = rng.choice(["\t", "  ", "    "])
    depth = 0
    for _ in range(rng.randint(1, 20)):
        r = rng.random()
        if r < 0.08:
            lines.append("#" * rng.randint(1, 3) + " Heading")
            depth = 0
            continue
        depth = max(0, min(depth + rng.choice([-1, 0, 0, 1]), 4))
        ind = unit * depth
        lines.append(f"{ind}- {rng.choice(REAL_TITLES)}")
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            if rng.random() < 0.1:
                lines += [ind + "  ```js", ind + "  - not a block", ind + "  key:: v", ind + "  ```"]
            else:
                lines.append(ind + "  " + rng.choice(REAL_BODY))
    nl = "\r\n" if rng.random() < 0.1 else "\n"
    return nl.join(lines) + nl


def differing(tmp_path, lsp_bin, make, seed):
    """Pages made by `make` on which the Rust outline and the oracle differ (reports)."""
    node = shutil.which("node")
    if node is None or not (TESTS / "mldoc" / "node_modules" / "mldoc").is_dir():
        pytest.fail("need node and tests/mldoc/node_modules (run `npm ci` in tests/mldoc)")
    rng = random.Random(seed)
    files = []
    for i in range(300):
        p = tmp_path / f"p{i:03}.md"
        p.write_bytes(make(rng).encode("utf-8"))
        files.append(p)
    res = subprocess.run([node, str(ORACLE), *map(str, files)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    want = {d["path"]: d for d in map(json.loads, res.stdout.splitlines())}
    failures = []
    for p in files:
        w = want[str(p)]
        if "error" in w:
            continue  # mldoc itself failed on the input: nothing to compare
        got, err = rust_outline(lsp_bin, p)
        rep = f"rust error: {err}" if err else compare_file(p, w["blocks"], got)
        if rep:
            failures.append(f"- {p.name} {json.dumps(p.read_text(encoding='utf-8'))}\n{rep}")
    return failures


def test_realistic_random_pages_match_mldoc(tmp_path, lsp_bin):
    failures = differing(tmp_path, lsp_bin, real_page, 20261127)
    assert not failures, f"{len(failures)} of 300 realistic pages differ:\n" + "\n".join(failures[:8])


def test_adversarial_random_pages_match_mldoc(tmp_path, lsp_bin):
    failures = differing(tmp_path, lsp_bin, page, 20261127)
    print(f"{len(failures)} of 300 adversarial pages differ:\n" + "\n".join(failures))
    assert not failures, f"{len(failures)} of 300 adversarial pages differ:\n" + "\n".join(failures[:8])
