"""Times workspace diagnostics on a graph: two `workspace/diagnostic` pulls (Neovim 0.11's
capabilities) and a push with `workspaceDiagnostics` on (Neovim 0.7's). Usage:
    .venv/bin/python bench/workspace_diagnostics.py GRAPH target/release/logseq-lsp
Numbers are in BENCHMARKS.md."""
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from lsprotocol import types as T
from support import Session

async def main(graph, bin_):
    s = await Session.start(bin_, Path(graph), "neovim@v0.11.0")
    t = time.monotonic()
    r = await asyncio.wait_for(s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[])), 600)
    n = sum(len(x.items) for x in r.items)
    t1 = time.monotonic() - t
    print(f"pull: {len(r.items)} pages, {n} diagnostics, {t1:.2f} s (index included)")
    t = time.monotonic()
    r = await asyncio.wait_for(s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[])), 600)
    print(f"pull again (indexed): {time.monotonic()-t:.2f} s")
    pid = s.client._server.pid
    st = open(f"/proc/{pid}/stat").read().split(")")[1].split()
    print(f"server CPU after index + 2 pulls: user {int(st[11])/100:.2f} s sys {int(st[12])/100:.2f} s")
    await s.stop()
    s = await Session.start(bin_, Path(graph), "neovim@v0.7.0", init_options={"logseq-lsp": {"workspaceDiagnostics": True}})
    t = time.monotonic(); last = 0
    while True:
        await asyncio.sleep(0.2)
        k = len(s.client.published)
        if k and k == last: break
        last = k
    print(f"push: {len({p[1] for p in s.client.published})} pages published within {time.monotonic()-t-0.2:.2f} s")
    await s.stop()
asyncio.run(main(sys.argv[1], sys.argv[2]))
