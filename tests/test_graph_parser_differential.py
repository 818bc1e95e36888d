"""Differential test: `logseq-lsp graph DIR --format json` against Logseq 0.10.9's own database.

The oracle is Logseq's graph-parser (`logseq.graph-parser.cli/parse-graph`, vendored from tag
0.10.9, run on nbb-logseq; installed by scripts/test.sh in .cache/graph-parser, see its
README). It runs ONCE per graph (the docs corpus, the user's Readwise graph, and 1,000 pages
from tests/gen_pages.py); its dump is cached in .cache/graph-oracle/ under a hash of the
graph's files and the oracle's own files, so a rerun on unchanged input is instant.

Pages are matched by file; blocks by (file, pos), pos being the pre-order index in the page.
Each field group is its own test, so each passes or fails on its own. What is compared is what
Logseq stores:
- structure: block count, :block/level, parent, :block/pre-block?
- refs: :block/refs as page names (block.cljs 0.10.9 `with-page-refs`: tags, page refs, the
  marker and priority, namespace parents; plus property names and values, `with-block-refs` /
  `get-page-refs-from-properties`), compared as sets.
- cards: srs.cljs 0.10.9 `query-get-card-ids`: a card is a block whose :block/refs hold `card`.
- ids: block.cljs 0.10.9 `get-custom-id-or-new-id` (`custom-id`, `custom_id`, `id` properties,
  parsed with parse-uuid); only blocks whose stored uuid comes from their text are compared
  (the others get a random squuid on every run).
- markers/schedules: :block/marker, :block/scheduled, :block/deadline (yyyymmdd ints).
- invalid properties: :block/invalid-properties (block.cljs 0.10.9 `extract-properties`, the
  names `valid-property-name?` refuses), as sets; the oracle's empty set on pre-blocks is none.
"""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))
import gen_pages  # noqa: E402

CORPORA = ["docs", "readwise", "generated"]
SHOWN = 15


def graph_hash(graph, oracle_dir):
    h = hashlib.sha256()
    for base in (graph, oracle_dir):
        for p in sorted(base.rglob("*")):
            if p.is_file() and "node_modules" not in p.parts:
                h.update(p.relative_to(base).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:24]


def run_oracle(run_sh, graph):
    cache = REPO / ".cache" / "graph-oracle"
    out = cache / f"{graph_hash(graph, run_sh.parent)}.json"
    if not out.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        res = subprocess.run([str(run_sh), str(graph), str(tmp)], capture_output=True, text=True,
                             timeout=3600)
        if res.returncode != 0:
            pytest.fail(f"graph-parser oracle failed on {graph} (exit {res.returncode}): {res.stderr[-2000:]}")
        tmp.rename(out)
    return json.loads(out.read_text(encoding="utf-8"))


def run_ours(bin_path, graph):
    res = subprocess.run([str(bin_path), "graph", str(graph), "--format", "json"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"logseq-lsp graph failed (exit {res.returncode}): {res.stderr[-2000:]}"
    return json.loads(res.stdout)


def by_file(dump):
    """(file → page, (file, pos) → block) for pages that have a file. Blocks of Markdown pages
    only: the engine reads no Org outline (server/core/src/model/org.rs reads only Org ids), and
    `logseq-lsp graph` lists Org pages without blocks."""
    pages = {p["file"]: p for p in dump["pages"] if p.get("file") and not p["file"].startswith("logseq/")}
    name_to_file = {p["name"]: f for f, p in pages.items() if f.endswith(".md")}
    blocks = {(name_to_file[b["page"]], b["pos"]): b for b in dump["blocks"] if b["page"] in name_to_file}
    return pages, blocks


_graphs = {}


@pytest.fixture(scope="session")
def graphs(graph_parser, docs_corpus, readwise_source, lsp_bin, tmp_path_factory):
    """corpus → (oracle pages, oracle blocks, our pages, our blocks), each graph parsed once."""
    def get(name):
        if name not in _graphs:
            if name == "docs":
                g = docs_corpus
            elif name == "readwise":
                g = readwise_source
            else:
                g = gen_pages.generate(tmp_path_factory.mktemp("generated"), pages=1000, seed=11)
            _graphs[name] = (*by_file(run_oracle(graph_parser, g)), *by_file(run_ours(lsp_bin, g)))
        return _graphs[name]
    return get


SRS_BUILT_IN = {"card-last-interval", "card-repeats", "card-last-reviewed", "card-next-schedule",
                "card-ease-factor", "card-last-score"}


def shape(b):
    return (b["level"], b["parent_pos"], bool(b["pre_block"]))


def same_structure(oblocks, rblocks):
    """Files whose every block has the same level, parent and pre-block flag on both sides: on
    the others positions shift, so a later field mismatch may only echo a structural one."""
    files = {f for f, _ in oblocks} | {f for f, _ in rblocks}
    for key in set(oblocks) ^ set(rblocks):
        files.discard(key[0])
    for key, ob in oblocks.items():
        if key in rblocks and shape(ob) != shape(rblocks[key]):
            files.discard(key[0])
    return files


def report(corpus, what, oracle_blocks, bad, aligned=None):
    """Fails with the count and the first SHOWN mismatches (page, pos, oracle content)."""
    if not bad:
        return
    lines = [f"{corpus}: {what} agree on {len(oracle_blocks) - len(bad)}/{len(oracle_blocks)} blocks; "
             f"{len(bad)} differ, first {min(SHOWN, len(bad))}:"]
    if aligned is not None:
        n = sum(1 for k in oracle_blocks if k[0] in aligned)
        nbad = sum(1 for k, _, _ in bad if k[0] in aligned)
        lines[0] = lines[0].replace("; ", f" ({n - nbad}/{n} on the {len(aligned)} pages whose "
                                         "structure agrees); ", 1)
        # Show mismatches on structurally identical pages first: those are not echoes.
        bad = sorted(bad, key=lambda x: x[0][0] not in aligned)
    for key, ours, theirs in bad[:SHOWN]:
        content = oracle_blocks[key]["content"] if key in oracle_blocks else ""
        lines.append(f"  {key[0]} pos {key[1]}: ours {ours!r}, logseq {theirs!r}; content {content[:90]!r}")
    pytest.fail("\n".join(lines), pytrace=False)


def compare(corpus, graphs, fields):
    """(oracle blocks, [(key, ours, logseq)] for every oracle block whose `fields(block)` differ
    from ours, files whose structure agrees)."""
    _, oblocks, _, rblocks = graphs(corpus)
    bad = []
    for key, ob in sorted(oblocks.items()):
        rb = rblocks.get(key)
        theirs = fields(ob, "oracle")
        ours = fields(rb, "ours") if rb is not None else "no block"
        if ours != theirs:
            bad.append((key, ours, theirs))
    return oblocks, bad, same_structure(oblocks, rblocks)


@pytest.mark.parametrize("corpus", CORPORA)
def test_pages(corpus, graphs):
    opages, _, rpages, _ = graphs(corpus)
    fields = ("name", "journal_day", "namespace", "aliases")
    bad = []
    for f in sorted(set(opages) | set(rpages)):
        o, r = opages.get(f), rpages.get(f)
        theirs = {k: (sorted(o[k]) if k == "aliases" else o[k]) for k in fields} if o else "no page"
        ours = {k: (sorted(r[k]) if k == "aliases" else r[k]) for k in fields} if r else "no page"
        if ours != theirs:
            bad.append(f"  {f}: ours {ours}, logseq {theirs}")
    assert not bad, (
        f"{corpus}: {len(bad)} of {len(opages)} pages differ:\n" + "\n".join(bad[:SHOWN]))


@pytest.mark.parametrize("corpus", CORPORA)
def test_structure(corpus, graphs):
    """Block count per page, level, parent, pre-block (extra blocks of ours count too)."""
    oblocks, bad, _ = compare(corpus, graphs, lambda b, _: shape(b))
    extra = sorted(set(graphs(corpus)[3]) - set(oblocks))
    bad += [(k, "extra block", "no block") for k in extra]
    report(corpus, "level/parent/pre_block", oblocks, bad)


@pytest.mark.parametrize("corpus", CORPORA)
def test_refs(corpus, graphs):
    def refs(b, side):
        r = set(b["refs"] or [])
        if side == "oracle":
            # The app registers the six card-* properties as built-in (srs.cljs@0.10.9 line 763,
            # `gp-property/register-built-in-properties`), so they make no refs there; the
            # oracle runs graph-parser without srs.cljs and lists them.
            r -= SRS_BUILT_IN
        return sorted(r)
    oblocks, bad, aligned = compare(corpus, graphs, refs)
    report(corpus, "refs", oblocks, bad, aligned)


@pytest.mark.parametrize("corpus", CORPORA)
def test_cards(corpus, graphs):
    def card(b, side):
        return "card" in (b["refs"] or []) if side == "oracle" else b["card"]
    oblocks, bad, aligned = compare(corpus, graphs, card)
    report(corpus, "card-ness", oblocks, bad, aligned)


@pytest.mark.parametrize("corpus", CORPORA)
def test_ids(corpus, graphs):
    """Uuids that come from the block's text (a squuid never occurs in it)."""
    def uid(b, side):
        u = b["uuid"]
        if side == "oracle":
            return u if u and u.lower() in b["content"].lower() else None
        return u
    oblocks, bad, aligned = compare(corpus, graphs, uid)
    report(corpus, "ids", oblocks, bad, aligned)


@pytest.mark.parametrize("corpus", CORPORA)
def test_markers_schedules(corpus, graphs):
    oblocks, bad, aligned = compare(corpus, graphs, lambda b, _: (b["marker"], b["scheduled"], b["deadline"]))
    report(corpus, "marker/scheduled/deadline", oblocks, bad, aligned)


@pytest.mark.parametrize("corpus", CORPORA)
def test_invalid_properties(corpus, graphs):
    oblocks, bad, aligned = compare(corpus, graphs, lambda b, _: sorted(b["invalid_properties"] or []))
    report(corpus, "invalid properties", oblocks, bad, aligned)
