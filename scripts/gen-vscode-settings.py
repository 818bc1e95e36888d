#!/usr/bin/env python3
"""Writes the settings of the VS Code extension (editors/vscode/package.json,
contributes.configuration) from the server's own list: `logseq-lsp settings` (the settings it reads,
with their defaults, and every rule). The extension's own settings (serverPath, trace.server) are
kept as they are. With --check it writes nothing and exits 1 when package.json differs (the test
tests/editors/test_editor_docs.py runs it so).

    scripts/gen-vscode-settings.py [--check] [--bin target/release/logseq-lsp]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "editors" / "vscode" / "package.json"
SECTION = "logseqLsp"
OWN = ("serverPath", "trace.server")  # the extension's, not the server's
SEVERITIES = ["error", "warning", "information", "hint", "off"]
SEVERITY_TEXT = ["Show as an error.", "Show as a warning.", "Show as information.",
                 "Show as a hint (faded, no squiggle).", "Do not check this rule."]


def schema(s: dict) -> dict:
    """A server setting as a VS Code setting: unset (null) leaves it to the graph's
    logseq-lsp.toml, else the server's default."""
    default = json.dumps(s["default"], ensure_ascii=False)
    unset = f" Unset: the graph's `logseq-lsp.toml`, else the server's default (`{default}`)."
    kind = s["kind"]
    if kind in ("names", "paths"):
        out = {"type": ["array", "null"], "items": {"type": "string"}}
    elif kind == "boolean":
        out = {"type": ["boolean", "null"]}
    elif kind == "number":
        out = {"type": ["integer", "null"], "minimum": s["minimum"]}
    elif kind == "rules":
        out = {"type": "object"}
        unset = " Rules not listed keep the graph's `logseq-lsp.toml`, else their default."
    else:
        raise SystemExit(f"gen-vscode-settings: unknown kind {kind!r} of {s['key']}")
    out["default"] = {} if kind == "rules" else None
    out["scope"] = "resource"
    out["markdownDescription"] = s["description"] + unset
    return out


def rule_schema(r: dict) -> dict:
    summary = r["summary"].removeprefix("(off by default) ")
    summary = summary[0].upper() + summary[1:]
    default = f"`{r['default']}`" if r["on_by_default"] else f"`off` (`{r['default']}` when on)"
    return {"type": "string", "enum": SEVERITIES, "enumDescriptions": SEVERITY_TEXT,
            "markdownDescription": f"{summary}. Default: {default}."}


def generate(listing: dict, pkg: dict) -> dict:
    props = pkg["contributes"]["configuration"]["properties"]
    out = {f"{SECTION}.{OWN[0]}": props[f"{SECTION}.{OWN[0]}"]}
    for s in listing["settings"]:
        spec = schema(s)
        if s["kind"] == "rules":
            spec["properties"] = {r["code"]: rule_schema(r) for r in listing["rules"]}
            spec["additionalProperties"] = False
        out[f"{SECTION}.{s['key']}"] = spec
    for key in OWN[1:]:
        out[f"{SECTION}.{key}"] = props[f"{SECTION}.{key}"]
    new = json.loads(json.dumps(pkg))
    new["contributes"]["configuration"]["properties"] = out
    return new


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 on a difference")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "logseq-lsp"))
    a = ap.parse_args()
    r = subprocess.run([a.bin, "settings"], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"gen-vscode-settings: {a.bin} settings failed: {r.stderr}", file=sys.stderr)
        return 2
    old_text = PACKAGE.read_text(encoding="utf-8")
    new_text = json.dumps(generate(json.loads(r.stdout), json.loads(old_text)), indent=2,
                          ensure_ascii=False) + "\n"
    if new_text == old_text:
        return 0
    if a.check:
        print("editors/vscode/package.json's settings differ from `logseq-lsp settings`: "
              "run scripts/gen-vscode-settings.py", file=sys.stderr)
        return 1
    PACKAGE.write_text(new_text, encoding="utf-8")
    print(f"wrote {PACKAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
