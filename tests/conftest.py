"""Shared pytest fixtures: where the built server binary and the read-only shared/ folder are."""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


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
    p = Path(os.environ.get("LOGSEQ_SHARED") or REPO_ROOT.parent / "shared")
    if not (p / "corpus").is_dir():
        pytest.fail(f"shared/ not found at {p}; set LOGSEQ_SHARED")
    return p


@pytest.fixture(scope="session")
def readwise_source():
    """The Readwise example graph (read-only: copy it before changing anything): the repo's
    examples/ copy, else shared/fixtures/."""
    for p in (REPO_ROOT / "examples" / "readwise-export",
              Path(os.environ.get("LOGSEQ_SHARED") or REPO_ROOT.parent / "shared")
              / "fixtures" / "readwise-export"):
        if (p / "pages" / "Kubernetes in Action.md").is_file():
            return p
    pytest.fail("Readwise example graph not found in examples/ or shared/fixtures/")
