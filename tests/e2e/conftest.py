"""Fixtures of the end-to-end tests: a writable copy of the Readwise graph, and sessions on it."""
import shutil

import pytest

from support import EMOJI_PAGE, EMOJI_TEXT, Session


@pytest.fixture
def graph(tmp_path, readwise_source):
    """A copy of the Readwise example graph, plus a page with emoji before flagged text."""
    root = tmp_path / "graph"
    shutil.copytree(readwise_source, root)
    (root / EMOJI_PAGE).write_text(EMOJI_TEXT, encoding="utf-8")
    return root


@pytest.fixture
async def start(lsp_bin, graph):
    """Starts sessions on the graph copy; shuts each down cleanly afterwards."""
    sessions = []

    async def _start(caps="visual-studio-code", **kw) -> Session:
        s = await Session.start(lsp_bin, graph, caps, **kw)
        sessions.append(s)
        return s

    yield _start
    for s in sessions:
        await s.stop()
