"""`check --preset graph-validator` on a graph seeded with one problem of each of
logseq/graph-validator's six default validations (default_validations.cljs@v0.5.0), and
negatives beside each. The expected findings are not written down: they are computed the way
graph-validator computes them, from what Logseq 0.10.9's graph-parser (the oracle) reads where
the validation depends on Logseq's reading (invalid properties, block refs and embeds, tags and
page refs), and from the files themselves where graph-validator reads files (assets) or EDN
(queries)."""
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import edn_format
import pytest

from test_graph_parser_differential import run_oracle

ID = "6543b1a2-0000-4000-8000-000000000001"
PAGES = {
    "pages/a.md": f"""- 😀 a block with an id
  id:: {ID}
- resolves: (({ID})) and {{{{embed (({ID}))}}}}
- 🦀 points nowhere: ((6543b1a2-0000-4000-8000-00000000dead))
- {{{{embed ((6543b1a2-0000-4000-8000-00000000beef))}}}}
- #+BEGIN_QUERY
  {{:title "not EDN" :query [:find (pull ?b [*])
  #+END_QUERY
- #+BEGIN_QUERY
  {{:title "no query key"}}
  #+END_QUERY
- #+BEGIN_QUERY
  {{:title "fine" :query [:find (pull ?b [*]) :where [?b :block/marker]]}}
  #+END_QUERY
- invalid properties
  some,prop:: x
  ok:: y
- ![used](../assets/used.png) ![gone](../assets/missing.png) [the book](../assets/book.pdf)
- [[beta]] [[bee]] #beta [[Dec 3rd, 2026]] [[Nowhere 🦀]] #missing-tag
""",
    "pages/beta.md": "alias:: bee\n\n- page beta\n",
    "pages/cards.md": "- what is a card? #card\n  - an answer\n",
}
ASSETS = ["used.png", "unused.png", "book.pdf", "orphan.pdf"]

# Logseq's built-in pages (deps/db default.cljs `built-in-pages-names`) exist in every graph
# without a file. graph-validator counts only pages with a file (line 207), so it reports `#card`;
# logseq-lsp does not, because Logseq has that page (server/src/engine/rules/refs.rs).
BUILT_IN = {"card"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, graph_parser, lsp_bin):
    root = tmp_path_factory.mktemp("seeded")
    (root / "logseq").mkdir()
    (root / "logseq" / "config.edn").write_text("{}", encoding="utf-8")
    for rel, text in PAGES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "assets").mkdir()
    for a in ASSETS:
        (root / "assets" / a).write_bytes(b"x")
    res = subprocess.run([str(lsp_bin), "check", "--preset", "graph-validator", "--format", "json", str(root)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1, res.stderr  # errors found
    return root, run_oracle(graph_parser, root), json.loads(res.stdout)


def by_code(found, code):
    return [d for d in found if d["code"] == code]


def test_reports_only_the_preset_rules(seeded):
    _, _, found = seeded
    assert Counter(d["code"] for d in found) == {
        "block-ref-unresolved": 2, "query-invalid": 2, "property-invalid": 1,
        "asset-missing": 1, "asset-unused": 2, "page-missing": 2}, found


def test_block_refs_and_embeds(seeded):
    """block-refs-…/embed-block-refs-link-to-blocks-that-exist (lines 34-64): every referenced
    uuid that no block's `id` property holds."""
    _, oracle, found = seeded
    ids = {b["properties"].get("id") for b in oracle["blocks"]}
    refs = {u for b in oracle["blocks"] for u in b["ref_blocks"] or []}
    embeds = {u for b in oracle["blocks"] for u in re.findall(r"\{\{embed \(\(([0-9a-f-]{36})\)\)", b["content"])}
    assert embeds <= refs  # graph-parser counts an embedded block as referenced
    expected = refs - ids
    assert len(expected) == 2
    ours = [re.search(r"id:: ([0-9a-f-]{36})", d["message"])[1] for d in by_code(found, "block-ref-unresolved")]
    assert sorted(ours) == sorted(expected)


def test_invalid_properties(seeded):
    """invalid-properties-dont-exist (lines 94-102): blocks with :block/invalid-properties."""
    _, oracle, found = seeded
    invalid = [(x["content"].split("\n")[0], k) for x in oracle["blocks"] + oracle["pages"]
               for k in x.get("invalid_properties") or []]
    assert invalid == [("invalid properties", "some,prop")]
    ours = [re.search(r"use `([^`]+)`", d["message"])[1] for d in by_code(found, "property-invalid")]
    assert ours == [k for _, k in invalid]


def test_advanced_queries(seeded):
    """advanced-queries-have-valid-schema (lines 66-92): not EDN, or no :query key."""
    _, oracle, found = seeded
    queries = [m for b in oracle["blocks"]
               for m in re.findall(r"#\+BEGIN_QUERY\n(.*?)\n#\+END_QUERY", b["content"], re.S)]
    assert len(queries) == 3

    def bad(q):
        try:
            return edn_format.Keyword("query") not in edn_format.loads(q)
        except Exception:
            return True
    assert len(by_code(found, "query-invalid")) == sum(map(bad, queries)) == 2


def test_assets_exist_and_are_used(seeded):
    """assets-exist-and-are-used (lines 104-137): link targets in assets/ that are not files, and
    files of assets/ that no link names (a linked PDF's .edn counts as used)."""
    root, oracle, found = seeded
    links = {Path(u).name for b in oracle["blocks"] for u in re.findall(r"\]\(([^)]+)\)", b["content"])
             if Path(u).parent.name == "assets"}
    files = {p.name for p in (root / "assets").iterdir() if p.is_file()}
    pdf_edn = {re.sub(r"\.pdf$", ".edn", x) for x in links if x.endswith(".pdf")}
    assert [re.search(r"assets/(\S+?) ", d["message"])[1] for d in by_code(found, "asset-missing")] \
        == sorted(links - files) == ["missing.png"]
    assert sorted(d["path"] for d in by_code(found, "asset-unused")) \
        == sorted(f"assets/{x}" for x in files - links - pdf_edn) == ["assets/orphan.pdf", "assets/unused.png"]


def test_tags_and_page_refs_have_pages(seeded):
    """tags-and-page-refs-have-pages (lines 191-214): referenced pages with no file that are no
    alias and no journal day. From the oracle: the pages blocks refer to, less property keys
    (graph-parser makes them refs; graph-validator reads only Tag and Page_ref nodes) and block
    uuids (an embed's argument)."""
    _, oracle, found = seeded
    pages = {p["name"]: p for p in oracle["pages"]}
    aliases = {a for p in oracle["pages"] if p["file"] for a in p["aliases"] or []}
    keys = {k for b in oracle["blocks"] for k in b["properties"] or {}}
    uuids = {u for b in oracle["blocks"] for u in b["ref_blocks"] or []}
    refs = {r for b in oracle["blocks"] for r in b["refs"] or []} - keys - uuids
    graph_validator = {r for r in refs if not pages[r]["file"] and not pages[r]["journal"] and r not in aliases}
    assert graph_validator == {"nowhere 🦀", "missing-tag"} | BUILT_IN
    ours = {re.search(r"named `([^`]+)`", d["message"])[1] for d in by_code(found, "page-missing")}
    assert ours == graph_validator - BUILT_IN


def test_page_missing_on_the_docs_corpus(shared_corpora, graph_parser, lsp_bin):
    """On Logseq's documentation graph: every page-missing finding names a page that graph-parser
    holds with no file, no journal day, no alias and not built in (true); and every such page
    that a Markdown block writes as `[[x]]`/`#x` (what graph-validator's AST walk reads: not
    namespace parents, property keys or embed uuids, which graph-parser adds to refs) is found.
    Org pages are not checked (the rules are for Markdown)."""
    graph = shared_corpora / "corpus" / "logseq-docs"
    oracle = run_oracle(graph_parser, graph)
    res = subprocess.run([str(lsp_bin), "check", "--rule", "page-missing=warning", "--format", "json", str(graph)],
                         capture_output=True, text=True, timeout=120)
    ours = {re.search(r"named `([^`]+)`", d["message"])[1]
            for d in json.loads(res.stdout) if d["code"] == "page-missing"}
    pages = {p["name"]: p for p in oracle["pages"]}
    aliases = {a for p in oracle["pages"] if p["file"] for a in p["aliases"] or []}
    no_page = {n for n, p in pages.items() if not p["file"] and not p["journal"] and not p["seeded"]} - aliases
    assert ours <= no_page, sorted(ours - no_page)
    written = set()
    for b in oracle["blocks"]:
        if (pages[b["page"]]["file"] or "").endswith(".md"):
            text = b["content"].lower()
            written |= {r for r in b["refs"] or [] if r in no_page and re.search(
                rf"\[\[{re.escape(r)}\]\]|#{re.escape(r)}(?=[\s,.!?;:)\]]|$)", text)}
    assert len(written) > 300
    assert written <= ours, sorted(written - ours)
