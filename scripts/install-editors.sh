#!/usr/bin/env bash
# Installs the real editors that tests/editors/ drives headlessly, idempotently:
#   apt      Debian packages: neovim (0.7.2), emacs-nox + elpa-eglot + elpa-markdown-mode, chromium, libkrb5-dev, ripgrep
#   code     code-server 4.100.3 (VS Code 1.100.3) from npm, under .cache/code-server, built with no
#            GitHub access (its postinstall would download ripgrep and prebuilds)
#   vscode   the extension's npm dependencies and compiled code; packaged with the server into
#            editors/vscode/logseq-lsp-<platform>-*.vsix by scripts/package-vscode.sh once it is built
# With no argument it does all three. Slow results are cached under .cache/ (gitignored); a step
# whose result is already there is skipped, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache
CODE_SERVER_VERSION=4.100.3
CS=$CACHE/code-server          # --prefix of the npm install; bin/code-server is the launcher
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(apt code vscode)
want() { local s; for s in "${steps[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
t0=$SECONDS
say() { echo "== [install-editors $((SECONDS - t0))s] $*"; }

# --- Debian packages --------------------------------------------------------------------------
if want apt; then
  pkgs=(neovim emacs-nox elpa-eglot elpa-markdown-mode chromium libkrb5-dev ripgrep)
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
      # Not fatal: the editor tests skip what is missing (or fail, with LOGSEQ_LSP_REQUIRE_EDITORS).
      echo "install-editors: warning: not root (or no apt-get); not installed: ${missing[*]}" >&2
    else
      say "apt-get install ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
      say "Debian packages ok"
    fi
  else
    say "Debian packages already installed"
  fi
fi

# --- code-server (VS Code in a browser, with a real extension host) -----------------------------
if want code; then
  stamp=$CS/.installed-$CODE_SERVER_VERSION
  if [ -f "$stamp" ] && "$CS/bin/code-server" --version >/dev/null 2>&1; then
    say "code-server $CODE_SERVER_VERSION already in .cache"
  elif ! command -v rg >/dev/null || ! [ -e /usr/include/gssapi/gssapi.h ]; then
    echo "install-editors: warning: ripgrep or libkrb5-dev missing (the apt step): code-server not installed" >&2
  else
    say "code-server $CODE_SERVER_VERSION (a few minutes)"
    rm -rf "$CS"
    mkdir -p "$CS"
    npm install -g --prefix "$CS" --ignore-scripts --no-audit --no-fund --loglevel=error \
      "code-server@$CODE_SERVER_VERSION"
    C=$CS/lib/node_modules/code-server
    (cd "$C" && npm rebuild argon2 --loglevel=error)
    (
      cd "$C/lib/vscode"
      npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
      npm rebuild kerberos @vscode/spdlog native-watchdog @vscode/deviceid --loglevel=error
      # Its post-install step wants `npx node-gyp` (not installed) after building pty.node: that is enough.
      npm rebuild node-pty --loglevel=silent >/dev/null 2>&1 || test -f node_modules/node-pty/build/Release/pty.node
      mkdir -p node_modules/@vscode/ripgrep/bin
      ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
      ln -sfn node_modules node_modules.asar
      (cd bin/remote-cli && ln -sf code-linux.sh code-server)
      for d in bin/help*; do
        if [ -f "$d/browser-linux.sh" ]; then (cd "$d" && ln -sf browser-linux.sh browser.sh); fi
      done
      (cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
    )
    "$CS/bin/code-server" --version
    touch "$stamp"
  fi
fi

# --- the VS Code extension: npm deps, compile, package ------------------------------------------
if want vscode; then
  say "editors/vscode: npm ci, tsc, vsce package"
  (
    cd editors/vscode
    # npm ci is slow-ish (vsce has many deps); skip it while the lock file is unchanged.
    if ! [ node_modules/.installed-lock -nt package-lock.json ]; then
      npm ci --no-audit --no-fund --loglevel=error
      touch node_modules/.installed-lock
    fi
    npm run --silent compile
  )
  # The .vsix carries the server, so it is packaged once the server is built (scripts/test.sh
  # runs this after cargo build).
  if [ -x target/release/logseq-lsp ]; then
    ./scripts/package-vscode.sh
  else
    echo "   target/release/logseq-lsp not built yet: scripts/package-vscode.sh packages the .vsix after the build"
  fi
fi
say "done"
