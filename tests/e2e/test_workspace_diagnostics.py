"""Workspace diagnostics: the problems of pages that are not open. Pushed to clients that do not
pull when `workspaceDiagnostics` is on (Neovim 0.7's recorded capabilities), pulled with
`workspace/diagnostic` by clients that pull (Neovim 0.11's)."""
import asyncio
import json
import subprocess
import time

from lsprotocol import types as T

from support import EMOJI_PAGE, READWISE_ID, READWISE_PAGE, codes

ON = {"logseq-lsp": {"workspaceDiagnostics": True}}


def cli_codes(lsp_bin, graph, rel):
    """What `check` finds on a page (each finding; the editor folds a card's into one)."""
    out = subprocess.run([str(lsp_bin), "check", "--format", "json", str(graph)],
                         capture_output=True, text=True, timeout=60).stdout
    return {d["code"] for d in json.loads(out) if d["path"] == rel}


async def test_pushed_for_closed_pages_when_turned_on(start, lsp_bin, graph):
    s = await start("neovim@v0.7.0", init_options=ON)
    rw, em = s.uri(READWISE_PAGE), s.uri(EMOJI_PAGE)
    # Nothing is open: both pages' problems arrive anyway, without a version.
    ds = await s.diags(rw, lambda ds: len(ds) > 0)
    expected = cli_codes(lsp_bin, graph, READWISE_PAGE)
    assert set(codes(ds)) <= expected and "card-tag-not-native" in codes(ds), (codes(ds), expected)
    assert any("more on this card" in d.message for d in ds), ds[:3]
    assert all(p[2] is None for p in s.client.published if p[1] == rw)
    await s.diags(em, lambda ds: "id-invalid" in codes(ds))
    # An open page gives a closed one a duplicate id: the closed page's list follows.
    s.open(EMOJI_PAGE)
    s.insert(em, 0, f"- x\n  id:: {READWISE_ID}\n")
    await s.diags(rw, lambda ds: "id-duplicate" in codes(ds))
    # Closed again, unsaved: the disk's text counts, so the duplicate goes, and the emoji page's
    # own problems stay listed (not cleared as a closed page's are without the setting).
    s.close(em)
    await s.diags(rw, lambda ds: "id-duplicate" not in codes(ds) and len(ds) > 0)
    await s.diags(em, lambda ds: "id-invalid" in codes(ds) and "id-duplicate" not in codes(ds))
    # Turned off: what was pushed for closed pages is cleared.
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings={"logseq-lsp": {"workspaceDiagnostics": False}}))
    await s.diags(rw, lambda ds: len(ds) == 0)
    await s.diags(em, lambda ds: len(ds) == 0)


async def test_not_pushed_for_closed_pages_by_default(start):
    s = await start("neovim@v0.7.0")
    em = s.open(EMOJI_PAGE)
    await s.diags(em, lambda ds: "id-invalid" in codes(ds))
    # A graph-visible change (an id) is what would start a workspace push.
    s.insert(em, 0, f"- x\n  id:: {READWISE_ID}\n")
    await s.diags(em, lambda ds: "id-duplicate" in codes(ds))
    await asyncio.sleep(1.0)  # the workspace push's debounce is 300 ms
    assert {p[1] for p in s.client.published} == {em}


async def test_pulled_with_workspace_diagnostic(start):
    s = await start("neovim@v0.11.0")
    assert s.result.capabilities.diagnostic_provider.workspace_diagnostics is True
    rw, em = s.uri(READWISE_PAGE), s.uri(EMOJI_PAGE)
    first = await asyncio.wait_for(s.client.workspace_diagnostic_async(
        T.WorkspaceDiagnosticParams(previous_result_ids=[])), 30)
    by_uri = {r.uri: r for r in first.items}
    assert by_uri[rw].kind == "full" and "card-tag-not-native" in codes(by_uri[rw].items)
    # A closed page's cards are folded as an open page's are: one diagnostic per card.
    assert any("more on this card" in d.message for d in by_uri[rw].items), by_uri[rw].items[:3]
    assert "id-invalid" in codes(by_uri[em].items)
    assert len(by_uri) == len(list((s.root / "pages").glob("*.md"))) + len(list((s.root / "journals").glob("*.md")))
    # Pulled again with the result ids: held until something changes, then the changed page.
    ids = [T.PreviousResultId(uri=r.uri, value=r.result_id) for r in first.items]
    again = asyncio.ensure_future(s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=ids)))
    await asyncio.sleep(0.5)
    assert not again.done(), "a pull with nothing new is answered at once (the client would spin)"
    s.open(EMOJI_PAGE)
    t = time.monotonic()
    s.insert(em, 0, f"- x\n  id:: {READWISE_ID}\n")
    second = await asyncio.wait_for(again, 30)
    by_uri = {r.uri: r for r in second.items}
    assert em not in by_uri  # open: the client pulls it with textDocument/diagnostic
    assert by_uri[rw].kind == "full" and "id-duplicate" in codes(by_uri[rw].items), time.monotonic() - t
