"""Shared pytest fixtures: the built server binary and the graphs the tests read, all inside the
repository so that a fresh clone tests itself (examples/readwise-export, tests/corpus/logseq-docs).
Only the graph-parser oracle (Logseq's own parser, AGPL) stays outside; scripts/test.sh installs
it into .cache/ from ../shared/oracle when that exists."""
import os
from pathlib import Path

import pytest

from skips import missing

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS_CORPUS = REPO_ROOT / "tests" / "corpus" / "logseq-docs"
READWISE_GRAPH = REPO_ROOT / "examples" / "readwise-export"


def _find_binary():
    env = os.environ.get("LOGSEQ_LSP_BIN")
    if env:
        return Path(env)
    for profile in ("release", "debug"):
        p = REPO_ROOT / "target" / profile / "logseq-lsp"
        if p.is_file():
            return p
    return None


@pytest.fixture(scope="session")
def lsp_bin():
    p = _find_binary()
    if p is None or not p.is_file():
        # Fail, not skip: a missing binary must not turn the suite green.
        pytest.fail(f"logseq-lsp binary not found ({p or 'target/{release,debug}/logseq-lsp'}); "
                    "run `cargo build --release` or set LOGSEQ_LSP_BIN")
    return p


@pytest.fixture(scope="session")
def readwise_source():
    """The Readwise example graph (read-only: copy it before changing anything)."""
    if not (READWISE_GRAPH / "pages" / "Kubernetes in Action.md").is_file():
        pytest.fail(f"Readwise example graph not found at {READWISE_GRAPH}")
    return READWISE_GRAPH


@pytest.fixture(scope="session")
def docs_corpus():
    """Logseq's documentation graph, vendored (read-only: copy it before changing anything)."""
    if not (DOCS_CORPUS / "logseq" / "config.edn").is_file():
        pytest.fail(f"Logseq's documentation graph not found at {DOCS_CORPUS}")
    return DOCS_CORPUS


@pytest.fixture(scope="session")
def graph_parser():
    """run.sh of Logseq 0.10.9's graph-parser oracle, installed by scripts/test.sh in .cache/."""
    run = Path(os.environ.get("LOGSEQ_GRAPH_PARSER") or REPO_ROOT / ".cache" / "graph-parser" / "run.sh")
    if not run.is_file() or not (run.parent / "node_modules" / "@logseq" / "nbb-logseq").is_dir():
        missing(f"graph-parser oracle not installed at {run.parent} (scripts/test.sh installs it "
                "from ../shared/oracle/graph-parser or $LOGSEQ_SHARED/oracle; or set LOGSEQ_GRAPH_PARSER)")
    return run
