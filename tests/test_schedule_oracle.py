"""cljs-time's `tc/from-string` (what Logseq 0.10.9's srs.cljs `query-scheduled` runs on
`card-next-schedule`) against ours, live: every line of server/tests/fixtures/schedule/from-string.txt
goes through the nbb-logseq oracle (from_string_oracle.cljs) and, as a card's `card-next-schedule`,
through `logseq-lsp cards`. The oracle's nbb-logseq is the graph-parser oracle's
(.cache/graph-parser, made by scripts/test.sh; or GRAPH_PARSER_ORACLE=folder of its run.sh).
Skips when it is missing, fails when CI=true."""
import json
import os
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from skips import missing

REPO_ROOT = Path(__file__).resolve().parent.parent

FIXTURES = REPO_ROOT / "server/tests/fixtures/schedule"


def _nbb():
    folder = Path(os.environ.get("GRAPH_PARSER_ORACLE") or REPO_ROOT / ".cache/graph-parser")
    cli = folder / "node_modules/@logseq/nbb-logseq/cli.js"
    if not cli.is_file():
        missing(f"graph-parser oracle not found at {folder} (scripts/test.sh installs it from "
                "../shared/oracle/graph-parser; or set GRAPH_PARSER_ORACLE)")
    return cli


def _strings():
    return [s for s in (FIXTURES / "from-string.txt").read_text(encoding="utf-8").split("\n") if s]


def test_from_string_matches_cljs_time(lsp_bin, tmp_path):
    cli = _nbb()
    strings = _strings()
    assert len(strings) >= 100
    out = subprocess.run(["node", str(cli), str(FIXTURES / "from_string_oracle.cljs"),
                          str(FIXTURES / "from-string.txt")],
                         capture_output=True, text=True, check=True, timeout=120)
    want = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(want) == len(strings)
    # One card per string; property values are trimmed by graph-parser, so only trimmed strings
    # reach `card-next-schedule` as written.
    (tmp_path / "pages").mkdir()
    cases = [(i, s) for i, s in enumerate(strings) if s == s.strip()]
    page = "".join(f"- q{i} #card\n  card-repeats:: 2\n  card-next-schedule:: {s}\n" for i, s in cases)
    (tmp_path / "pages/sched.md").write_text(page, encoding="utf-8")
    got = json.loads(subprocess.run([str(lsp_bin), "cards", str(tmp_path), "--format", "json"],
                                    capture_output=True, text=True, check=True).stdout)
    by_q = {c["question"].split(" ")[0]: c for c in got}
    now_ms = time.time() * 1000
    bad = []
    for i, s in cases:
        c = by_q[f"q{i}"]
        # graph-parser stores `^\d+$` as a number (text.cljs parse-non-string-property-value),
        # and from-string of a number is nil.
        w = None if s.isascii() and s.isdigit() else want[i]
        ns = (c["schedule"] or {}).get("next_schedule")
        ours_ms = None if ns is None else datetime.fromisoformat(ns.replace("Z", "+00:00")).timestamp() * 1000
        if w is None:
            ok = ns is None and c["due"] is True
        elif w == "NaN":
            ok = ns is None and c["due"] is False
        else:
            ok = ours_ms is not None and round(ours_ms) == w and c["due"] == (w < now_ms)
        if not ok:
            bad.append(f"{s!r}: cljs-time {w}, ours {ns} due={c['due']}")
    assert not bad, f"{len(bad)} of {len(cases)} differ:\n" + "\n".join(bad)
