"""A page whose diagnostics are slow, or huge, delays no other page: publishing runs per
document, and a long line's diagnostics are capped and converted in one walk."""
from raw import Raw

NO_DEBOUNCE = {"debounceMs": 0}


def ids_of(ds):
    return [d["code"] for d in ds]


def test_a_slow_page_queues_no_other_page_behind_it(lsp_bin, graph):
    # Before, one publisher task served every page: while it computed the slow page, no other
    # page got diagnostics. The slow page's computation is made to take 3 s (fault injection),
    # and everything about the other page must come before it ends: an order, not a timing.
    s = Raw(lsp_bin, graph, options=NO_DEBOUNCE, env={"LOGSEQ_LSP_FAULT": "slow-diagnostics"})
    slow = s.open("pages/slow.md", "- LOGSEQ_LSP_SLOW ((x))\n")
    other = s.open("pages/other.md", "- a\n  id:: nope\n")
    first = s.wait(s.published(other))
    assert "id-invalid" in ids_of(first["params"]["diagnostics"])
    s.request(2, "textDocument/hover", {"textDocument": {"uri": other}, "position": {"line": 0, "character": 2}})
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": other, "version": 2},
                       "contentChanges": [{"text": "- a\n  id:: nope\n- b\n  id:: also-not\n"}]}})
    second = s.wait(s.published(other, lambda p: p.get("version") == 2))
    assert ids_of(second["params"]["diagnostics"]).count("id-invalid") == 2
    hover = s.answer(2)
    order = s.log.index
    published_slow = s.wait(s.published(slow), timeout=30)
    # The other page's two publishes and the hover all came before the slow page's first.
    assert max(order(first), order(second), order(hover)) < order(published_slow)
    assert "block-ref-malformed" in ids_of(published_slow["params"]["diagnostics"])
    assert s.stop()[0] == 0


def test_a_long_line_of_diagnostics_is_capped_and_other_pages_are_served(lsp_bin, graph):
    # `word ((x)) #card {{cloze ` 20,000 times on one line (0.5 MB): 20,002 diagnostics, each
    # converted from the line's start (12 s per keystroke before). Now at most 100 per line,
    # the rest counted in one diagnostics-omitted.
    s = Raw(lsp_bin, graph, options=NO_DEBOUNCE)
    line = "- " + "word ((x)) #card {{cloze " * 20_000 + "\n"
    long = s.open("pages/long.md", line)
    other = s.open("pages/other.md", "- a\n  id:: nope\n")
    assert "error" not in s.hover(2, "pages/other.md", 0, 2)
    pub = s.wait(s.published(other))
    assert ids_of(pub["params"]["diagnostics"]) == ["id-invalid"]
    ds = s.wait(s.published(long), timeout=30)["params"]["diagnostics"]
    omitted = [d for d in ds if d["code"] == "diagnostics-omitted"]
    assert len(ds) == 101 and len(omitted) == 1
    assert omitted[0]["message"].startswith("19902 more diagnostics on this line are not shown")
    # In UTF-16 units from the line's start: the 99th `((x))` (after card and cloze findings).
    assert omitted[0]["range"]["start"]["line"] == 0
    assert line.index("((x))", omitted[0]["range"]["start"]["character"]) == omitted[0]["range"]["start"]["character"]
    # A keystroke on that line is served the same way.
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": long, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 2}}, "text": "x"}]}})
    ds = s.wait(s.published(long, lambda p: p.get("version") == 2), timeout=30)["params"]["diagnostics"]
    assert len(ds) == 101
    assert s.stop()[0] == 0


def test_a_page_over_five_thousand_diagnostics_is_capped(lsp_bin, graph):
    s = Raw(lsp_bin, graph, options=NO_DEBOUNCE)
    page = s.open("pages/many.md", "- ((x))\n" * 6_000)
    ds = s.wait(s.published(page), timeout=30)["params"]["diagnostics"]
    omitted = [d for d in ds if d["code"] == "diagnostics-omitted"]
    assert len(ds) == 5_001 and len(omitted) == 1
    assert omitted[0]["message"].startswith("1000 more diagnostics on this page are not shown")
    assert omitted[0]["range"]["start"]["line"] == 5_000
    assert s.stop()[0] == 0
