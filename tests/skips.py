"""What a test does when something it needs is not installed: skip on a developer machine, fail
in CI, where a skip would turn the suite green without testing anything. CI is CI=true (or 1,
yes), which .ci/run sets; LOGSEQ_LSP_REQUIRE_EDITORS=1 also makes a missing editor a failure."""
import os

import pytest

REQUIRE_EDITORS = "LOGSEQ_LSP_REQUIRE_EDITORS"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str, *, editor: bool = False):
    """Skips (outside CI) or fails (in CI, or for an editor when LOGSEQ_LSP_REQUIRE_EDITORS is set)."""
    if in_ci():
        pytest.fail(f"{what} (CI is set, so this fails instead of skipping)")
    if editor and os.environ.get(REQUIRE_EDITORS):
        pytest.fail(f"{what} ({REQUIRE_EDITORS} is set, so a missing editor is a failure)")
    pytest.skip(what)
