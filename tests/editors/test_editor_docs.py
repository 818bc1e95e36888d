"""The editor integrations agree with the server: every rule code and setting is a VS Code setting
(generated from `logseq-lsp settings`), and the configuration snippets of editors/README.md for
editors without a test here parse."""
import json
import re
import subprocess
import sys
import tomllib

from editor_support import REPO_ROOT


def rule_codes() -> list[str]:
    text = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    return re.findall(r"^## ([a-z][a-z-]+)$", text, re.M)


def blocks(lang: str, section: str) -> list[str]:
    text = (REPO_ROOT / "editors" / "README.md").read_text(encoding="utf-8")
    part = text.split(f"\n## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{lang}\n(.*?)```", part, re.S)


def test_vscode_settings_list_every_rule():
    pkg = json.loads((REPO_ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    props = pkg["contributes"]["configuration"]["properties"]
    rules = props["logseqLsp.rules"]["properties"]
    codes = rule_codes()
    assert len(codes) >= 19
    assert list(rules) == codes, "logseqLsp.rules must list the rules of docs/rules.md, in order"
    for code, spec in rules.items():
        assert spec["enum"] == ["error", "warning", "information", "hint", "off"], code
        assert spec.get("markdownDescription"), code
    for key in ("serverPath", "cardTags", "rules", "ignore", "trace.server"):
        assert f"logseqLsp.{key}" in props
    commands = {c["command"] for c in pkg["contributes"]["commands"]}
    assert commands == {"logseqLsp.restartServer", "logseqLsp.showLog"}
    assert "workspaceContains:**/logseq/config.edn" in pkg["activationEvents"]


def test_vscode_settings_are_generated_from_the_server(lsp_bin):
    """package.json's settings are what scripts/gen-vscode-settings.py makes of `logseq-lsp
    settings` (the settings the server reads, their defaults, every rule)."""
    r = subprocess.run([sys.executable, "scripts/gen-vscode-settings.py", "--check", "--bin", str(lsp_bin)],
                       cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    listing = json.loads(subprocess.run([str(lsp_bin), "settings"], capture_output=True, text=True,
                                        timeout=30).stdout)
    props = json.loads((REPO_ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))[
        "contributes"]["configuration"]["properties"]
    assert {f"logseqLsp.{s['key']}" for s in listing["settings"]} <= set(props)
    assert [r["code"] for r in listing["rules"]] == rule_codes()


def test_helix_snippet_parses():
    [toml] = blocks("toml", "Helix")
    cfg = tomllib.loads(toml)
    server = cfg["language-server"]["logseq-lsp"]
    assert server["command"] == "logseq-lsp"
    assert set(server["config"]["rules"]) <= set(rule_codes())
    assert "logseq-lsp" in cfg["language"][0]["language-servers"]


def test_zed_snippets_parse():
    ext, = blocks("toml", "Zed")
    assert tomllib.loads(ext)["language_servers"]["logseq-lsp"]["languages"] == ["Markdown"]
    settings, = blocks("json", "Zed")
    lsp = json.loads(settings)["lsp"]["logseq-lsp"]
    assert set(lsp["settings"]["rules"]) <= set(rule_codes())


def test_kakoune_snippet_settings_parse():
    [kak] = blocks("kak", "Kakoune")
    inner = re.search(r"lsp_servers %\{\n(.*?)\n\s*\}\n\}", kak, re.S).group(1)  # TOML
    cfg = tomllib.loads("\n".join(line.strip() for line in inner.splitlines()))
    assert cfg["logseq-lsp"]["command"] == "logseq-lsp"
    assert set(cfg["logseq-lsp"]["settings"]["_"]["rules"]) <= set(rule_codes())
