"""Fixtures of the end-to-end tests: a writable copy of the Readwise graph."""
import shutil

import pytest

from support import EMOJI_PAGE, EMOJI_TEXT


@pytest.fixture
def graph(tmp_path, readwise_source):
    """A copy of the Readwise example graph, plus a page with emoji before flagged text."""
    root = tmp_path / "graph"
    shutil.copytree(readwise_source, root)
    (root / EMOJI_PAGE).write_text(EMOJI_TEXT, encoding="utf-8")
    return root
