"""Shared pytest fixtures: where the built server binary and the read-only shared/ folder are."""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _shared_path():
    """LOGSEQ_SHARED, else the `shared/` beside the checkout (or beside its parent, for a
    worktree in a folder of worktrees)."""
    if os.environ.get("LOGSEQ_SHARED"):
        return Path(os.environ["LOGSEQ_SHARED"])
    for p in (REPO_ROOT.parent / "shared", REPO_ROOT.parent.parent / "shared"):
        if (p / "corpus").is_dir():
            return p
    return REPO_ROOT.parent / "shared"


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
def shared_dir():
    p = _shared_path()
    if not (p / "corpus").is_dir():
        pytest.fail(f"shared/ not found at {p}; set LOGSEQ_SHARED")
    return p


@pytest.fixture(scope="session")
def readwise_source():
    """The Readwise example graph (read-only: copy it before changing anything): the repo's
    examples/ copy, else shared/fixtures/."""
    for p in (REPO_ROOT / "examples" / "readwise-export",
              _shared_path() / "fixtures" / "readwise-export"):
        if (p / "pages" / "Kubernetes in Action.md").is_file():
            return p
    pytest.fail("Readwise example graph not found in examples/ or shared/fixtures/")


def _missing(what):
    """Skip when a heavy oracle or corpus is absent on a developer machine; fail under CI
    (CI=true), where a skip would turn the suite green without testing anything."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} (CI is set, so this fails instead of skipping)")
    pytest.skip(f"{what}; run ./scripts/test.sh to install it")


@pytest.fixture(scope="session")
def graph_parser():
    """run.sh of Logseq 0.10.9's graph-parser oracle, installed by scripts/test.sh in .cache/."""
    run = Path(os.environ.get("LOGSEQ_GRAPH_PARSER") or REPO_ROOT / ".cache" / "graph-parser" / "run.sh")
    if not run.is_file() or not (run.parent / "node_modules" / "@logseq" / "nbb-logseq").is_dir():
        _missing(f"graph-parser oracle not installed at {run.parent}")
    return run


@pytest.fixture(scope="session")
def shared_corpora():
    """The read-only shared/ folder with the docs corpus and the user's graph, or skip/fail."""
    p = _shared_path()
    if not (p / "corpus" / "logseq-docs").is_dir() or not (p / "fixtures" / "readwise-export").is_dir():
        _missing(f"shared corpora not found at {p} (set LOGSEQ_SHARED)")
    return p
