#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with Rust, Python 3 and Node: installs what the tests
# need (Debian packages for the editor tests, Python packages in .venv, the mldoc oracle from npm),
# builds the server, then runs the Rust tests and the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real editors driven headlessly by the end-to-end tests (Debian's Neovim 0.7.2).
missing=()
command -v nvim >/dev/null || missing+=(neovim)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: ${missing[*]} not installed and not root: those editor tests will be skipped" >&2
  fi
fi

echo "== Python packages (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt

echo "== mldoc, Logseq's parser (the test oracle)"
(cd tests/mldoc && npm ci --no-audit --no-fund --loglevel=error)

echo "== build"
cargo build --release --locked

echo "== Rust tests"
cargo test --release --locked --workspace

echo "== end-to-end tests"
LOGSEQ_LSP_BIN="$PWD/target/release/logseq-lsp" .venv/bin/python -m pytest tests -q -p no:cacheprovider
