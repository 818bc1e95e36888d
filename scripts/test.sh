#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with Rust, Python 3 and Node: installs what the tests
# need (editors for the editor tests, Python packages in .venv, the mldoc oracle from npm),
# builds the server, then runs the Rust tests and the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real editors driven headlessly by the end-to-end tests: Debian's Neovim 0.7.2, Emacs 28 + eglot
# and Chromium, code-server 4.100.3 (VS Code 1.100, cached under .cache/) and the VS Code extension
# packaged into a .vsix.
echo "== editors (scripts/install-editors.sh)"
./scripts/install-editors.sh

echo "== Python packages (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt

echo "== mldoc, Logseq's parser (the test oracle)"
(cd tests/mldoc && npm ci --no-audit --no-fund --loglevel=error)

echo "== build"
cargo build --release --locked

echo "== Rust tests"
cargo test --release --locked --workspace

echo "== benchmarks, smoke mode (proves they run; numbers are in BENCHMARKS.md)"
bench/run.sh --smoke

echo "== end-to-end tests"
LOGSEQ_LSP_BIN="$PWD/target/release/logseq-lsp" .venv/bin/python -m pytest tests -q -p no:cacheprovider
