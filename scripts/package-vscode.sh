#!/usr/bin/env bash
# Packages the VS Code extension for this platform with the server inside it
# (editors/vscode/logseq-lsp-<target>-<version>.vsix, target e.g. linux-x64), the way
# rust-analyzer's and ruff's extensions ship theirs: a fresh install needs nothing on PATH.
# Needs the release build (target/release/logseq-lsp) and editors/vscode/node_modules
# (./scripts/install-editors.sh vscode). Repackages only when an input changed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/logseq-lsp
[ -x "$BIN" ] || { echo "package-vscode: $BIN is missing; run cargo build --release first" >&2; exit 1; }
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) TARGET=linux-x64 ;;
  Linux-aarch64) TARGET=linux-arm64 ;;
  Darwin-x86_64) TARGET=darwin-x64 ;;
  Darwin-arm64) TARGET=darwin-arm64 ;;
  *) echo "package-vscode: no VS Code target for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
cd editors/vscode
vsix=$(ls ./logseq-lsp-"$TARGET"-*.vsix 2>/dev/null | head -1 || true)
if [ -n "$vsix" ] && [ -z "$(find src package.json package-lock.json README.md LICENSE .vscodeignore \
                               tsconfig.json "../../$BIN" -newer "$vsix" 2>/dev/null)" ]; then
  echo "$vsix is up to date"
  exit 0
fi
rm -f ./*.vsix
rm -rf server && mkdir server
# Without debug info: 54 MB with it, a few MB without.
objcopy --strip-debug "../../$BIN" server/logseq-lsp
npm run --silent compile
mkdir -p ../../.cache
npx --no-install vsce package --target "$TARGET" --out . >../../.cache/vsce.log 2>&1 || { cat ../../.cache/vsce.log; exit 1; }
ls -l ./*.vsix
