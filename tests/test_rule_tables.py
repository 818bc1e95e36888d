"""One source for the rule table: `logseq-lsp rules --format json`. Every copy of it in the
repository (docs/rules.md's table, tools/gen_graph.py's SEVERITY/CODES, the VS Code settings
schema) is what scripts/gen-rule-tables.py makes of the built binary's table."""
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def rules(lsp_bin):
    r = subprocess.run([str(lsp_bin), "rules", "--format", "json"], capture_output=True, text=True,
                       timeout=30, check=True)
    return json.loads(r.stdout)


def test_generated_tables_are_in_step_with_the_binary(lsp_bin):
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "gen-rule-tables.py"), "--check",
                        "--bin", str(lsp_bin)], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert r.returncode == 0, (
        f"{r.stderr.strip()}\nregenerate: cargo build --release && scripts/gen-rule-tables.py")


def test_the_table_lists_every_rule_once_with_its_fields(lsp_bin):
    table = rules(lsp_bin)
    codes = [r["code"] for r in table]
    assert len(codes) == len(set(codes))
    for r in table:
        assert set(r) == {"code", "default", "on_by_default", "fixable", "summary"}, r
        assert r["default"] in ("error", "warning", "information", "hint"), r
        assert r["summary"], r
    off = [r["code"] for r in table if not r["on_by_default"]]
    assert off == ["page-missing"]
    # `settings` (the VS Code schema's source) carries the same table.
    settings = json.loads(subprocess.run([str(lsp_bin), "settings"], capture_output=True,
                                         text=True, timeout=30, check=True).stdout)
    assert settings["rules"] == table
    # Every rule has its docs/rules.md section, and nothing else has one.
    headings = re.findall(r"^## (\S+)$", (REPO / "docs" / "rules.md").read_text(encoding="utf-8"), re.M)
    assert sorted(h for h in headings if "-" in h) == sorted(codes)


def test_fixable_rules_say_so_in_their_docs(lsp_bin):
    """A rule with a fix describes it in its docs/rules.md section ("Fix (safe)", "Quick fixes
    (not safe)", …), and one without a fix does not promise one."""
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    sections = dict(s.split("\n", 1) for s in text.split("\n## ")[1:])
    says_fix = re.compile(r"\b[Ff]ix(?:es)? \((?:not\s+)?safe")
    wrong = [(r["code"], r["fixable"]) for r in rules(lsp_bin)
             if bool(says_fix.search(sections[r["code"]])) != r["fixable"]]
    assert not wrong, f"fixable per the binary vs a 'Fix' in docs/rules.md disagree: {wrong}"
