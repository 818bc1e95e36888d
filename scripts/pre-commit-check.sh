#!/usr/bin/env bash
# The pre-commit hook logseq-lsp-check: `logseq-lsp check` on the pages pre-commit passes, with
# logseq-lsp built from this repository (pre-commit's clone of it, one per revision) by cargo
# the first time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$here/target/release/logseq-lsp"
if [ ! -x "$bin" ]; then
  echo "logseq-lsp-check: building logseq-lsp once for this revision (cargo build --release; a few minutes)" >&2
  cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml" --target-dir "$here/target" >&2
fi
exec "$bin" check "$@"
