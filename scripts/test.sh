#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with Rust, Python 3 and Node: installs what the tests
# need (editors for the editor tests, Python packages in .venv, the mldoc and graph-parser oracles
# from npm), builds the server, then runs the habit checks (rustfmt, clippy, rustdoc, tsc, a fuzz
# smoke run), the Rust tests and the end-to-end tests. Each step prints its time.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runs a check and prints what it cost.
timed() {
  local t=$SECONDS
  "$@"
  echo "   ($((SECONDS - t)) s)"
}

# rustfmt and clippy for the habit checks (rustup's components; nothing to do when present).
if command -v rustup >/dev/null; then
  rustup component add rustfmt clippy >/dev/null 2>&1 || rustup component add rustfmt clippy
fi

echo "== cargo fmt --all --check (format with: cargo fmt --all)"
timed cargo fmt --all --check

# Real editors driven headlessly by the end-to-end tests: Debian's Neovim 0.7.2, Emacs 28 + eglot
# and Chromium, code-server 4.100.3 (VS Code 1.100, cached under .cache/) and the VS Code extension
# packaged into a .vsix.
echo "== editors (scripts/install-editors.sh)"
./scripts/install-editors.sh

echo "== Python packages (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt

echo "== mldoc 1.5.7, Logseq's parser (the outline oracle)"
(cd tests/mldoc && npm ci --no-audit --no-fund --loglevel=error)

# Logseq 0.10.9's graph-parser on nbb-logseq (the graph oracle). shared/ is read-only, so it is
# copied into .cache/ and installed there; the copy is remade when its package-lock.json changed.
echo "== graph-parser, Logseq's database builder (the graph oracle)"
SHARED="${LOGSEQ_SHARED:-$PWD/../shared}"
[ -d "$SHARED" ] || [ -n "${LOGSEQ_SHARED:-}" ] || SHARED="$PWD/../../shared"
GP_SRC="$SHARED/oracle/graph-parser"
GP=.cache/graph-parser
if [ -d "$GP_SRC" ]; then
  if ! cmp -s "$GP_SRC/package-lock.json" "$GP/package-lock.json"; then
    rm -rf "$GP" && mkdir -p .cache && cp -r "$GP_SRC" "$GP"
    rm -rf "$GP/node_modules"
  fi
  [ -d "$GP/node_modules" ] || (cd "$GP" && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "   $GP_SRC not found: the graph-parser oracle tests will skip (and fail when CI=true)"
fi

echo "== build"
cargo build --release --locked

echo "== cargo clippy --release --all-targets --locked -- -D warnings"
timed cargo clippy --release --all-targets --locked -- -D warnings

echo "== cargo doc --no-deps, warnings as errors"
RUSTDOCFLAGS=-Dwarnings timed cargo doc --no-deps --locked --workspace --quiet

echo "== the VS Code extension for this platform, with the server inside (scripts/package-vscode.sh)"
./scripts/package-vscode.sh

echo "== tsc --noEmit: the VS Code extension type-checks (editors/vscode's own typescript)"
timed env -C editors/vscode npx --no-install tsc --noEmit -p .

echo "== Rust tests"
cargo test --release --locked --workspace

echo "== fuzz smoke: each fuzz target for 5 s on stable (server/tests/fuzz_smoke.rs; fuzz/README.md fuzzes)"
LOGSEQ_LSP_FUZZ_SECS=5 timed cargo test --release --locked -p logseq-lsp --test fuzz_smoke -q

echo "== benchmarks, smoke mode (proves they run; numbers are in BENCHMARKS.md)"
bench/run.sh --smoke

echo "== end-to-end tests"
LOGSEQ_LSP_BIN="$PWD/target/release/logseq-lsp" .venv/bin/python -m pytest tests -q -p no:cacheprovider
