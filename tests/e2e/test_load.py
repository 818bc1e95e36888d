"""The server under load, on a generated graph: searches that are cancelled or superseded are
answered RequestCancelled, every request is answered once, and searches never hold up a hover."""
import subprocess
import sys
from pathlib import Path

import pytest

from raw import Raw

REPO = Path(__file__).resolve().parents[2]
REQUEST_CANCELLED = -32800


@pytest.fixture(scope="module")
def big_graph(tmp_path_factory):
    """5,000 generated pages (16 MB): a workspace-symbol search takes tens of ms there."""
    root = tmp_path_factory.mktemp("load") / "graph"
    subprocess.run([sys.executable, str(REPO / "tools/gen_graph.py"), str(root), "--pages", "5000",
                    "--seed", "16"], check=True, capture_output=True)
    return root


def indexed(s):
    s.wait(lambda m: m.get("method") == "window/logMessage"
           and m["params"]["message"].startswith("indexed "), timeout=60)


def answers(s, ids):
    """Each id's answers (waiting until every id has one)."""
    for i in ids:
        s.answer(i, timeout=60)
    return {i: [m for m in s.log if m.get("id") == i and ("result" in m or "error" in m)] for i in ids}


def test_cancelled_and_superseded_searches_are_answered_request_cancelled(lsp_bin, big_graph):
    s = Raw(lsp_bin, big_graph, options={"debounceMs": 0})
    indexed(s)
    # 20 workspace-symbol searches take turns; all but the first are cancelled while queued.
    ids = [f"ws{i}" for i in range(20)]
    s.send(*[{"jsonrpc": "2.0", "id": i, "method": "workspace/symbol", "params": {"query": "card"}}
             for i in ids],
           *[{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": i}} for i in ids[1:]])
    got = answers(s, ids)
    assert all(len(v) == 1 for v in got.values()), got
    cancelled = [i for i in ids[1:] if got[i][0].get("error", {}).get("code") == REQUEST_CANCELLED]
    assert len(cancelled) == 19, {i: got[i][0] for i in ids}
    # A newer completion for the same document supersedes the older ones: 10 `[[` completions
    # in one write, each answered once; all but the last RequestCancelled, the last with items.
    uri = s.open("pages/typing.md", "- see [[a\n")
    comp = lambda i: {"jsonrpc": "2.0", "id": i, "method": "textDocument/completion",
                      "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 9}}}
    cids = [f"c{i}" for i in range(10)]
    s.send(*[comp(i) for i in cids])
    got = answers(s, cids)
    assert all(len(v) == 1 for v in got.values()), got
    assert got["c9"][0]["result"]["items"]
    older = [got[i][0].get("error", {}).get("code") for i in cids[:-1]]
    assert older == [REQUEST_CANCELLED] * 9, older
    # And a hover queued behind all of that is answered.
    assert "error" not in s.hover("h", "pages/typing.md", 0, 3)
    assert s.stop()[0] == 0
