"""Property test of the fixes, through Logseq's own parser (issue 11 item 5).

Pages: 200 random pages (tests/gen_pages.py, seed 11), every rule and fix fixture page
(server/tests/fixtures/{rules,fixes}) and SEEDS below (one per fix the issue found destructive).
`logseq-lsp fix --each` lists every quick fix offered on them, each with the page after that
fix alone; `logseq-lsp fix` applies every safe fix at once. Logseq 0.10.9's graph-parser
(tests/conftest.py `graph_parser`) parses the pages before and after. Variants of one page never
share a graph (their ids would collide): graph k holds the k-th fix of every page, so there are
as many oracle runs as the most fixes offered on one page, plus the originals and fix-all.

What must hold, per page, between Logseq's database before and after a fix with code C:
- stream: the non-whitespace characters of the page's block contents, in block order, without
  property lines, `SCHEDULED:`/`DEADLINE:` lines and drawers (those are checked per block
  below, because fixes may move lines past them inside a block), lose nothing and keep their
  order, except: cloze-malformed rewrites `{{c1::x::h}}` / `{{cloze: x}}` (it may drop `c`,
  digits and `:` inside the macro); property-malformed, property-ignored and id-ignored turn the
  diagnosed `key::value` text into a property (those characters may leave the stream). Added
  characters: only `}}`, `cloze`, `\\` (cloze-malformed) and `#card` (card-tag-not-native,
  card-schedule-orphan "Make this block a card").
- blocks are identified across the fix by the stream: a block is the same block when its first
  stream character maps to the after-block's span (blocks without stream text: by their whole
  content).
- cards: every card (a block whose :block/refs hold `card`, srs.cljs@0.10.9 line 90 `query`)
  stays a card; new cards only from card-tag-not-native and card-schedule-orphan.
- ids: every uuid that comes from a block's text stays on the same block; new ones only from
  id-invalid and id-duplicate (which may re-id the blocks holding the diagnosed value).
- schedules: every block's card-* properties, :block/scheduled and :block/deadline, and its
  drawers, stay on it unchanged, except card-schedule-invalid ("Reset", srs.cljs line 250
  `reset-block-card-properties!`) and card-schedule-orphan ("Remove"), which change card-*.
- the other properties of every block stay on it (the three property moves may add some).
"""
import difflib
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))
import gen_pages  # noqa: E402
from test_graph_parser_differential import by_file, run_oracle, run_ours  # noqa: E402

FIXTURES = REPO / "server" / "tests" / "fixtures"
U1 = "6543b1a2-0000-4000-8000-000000000001"
U2 = "6543b1a2-0000-4000-8000-000000000002"
CLOCK = "CLOCK: [2024-01-01 Mon 10:00]--[2024-01-01 Mon 10:05] =>  00:05:00"

# The destructive fixes of issue 11, and neighbours of each.
SEEDS = {
    "cloze_tag": "- {{cloze Paris #card\n- capital {{cloze Paris [[card]] x\n",
    "cloze_lines": "- Capital of France? {{cloze Paris\n  and more}} #card\n- {{cloze a\n  b\n  c}} #card\n",
    "cloze_anki": "- {{c1::Paris::city}} #card\n- {{cloze: Rome}} #card\n- {{c2::Bern}} [[card]]\n",
    "before_title": f"- id:: {U1}\n  Question #card\n  answer\n- id:: {U2}\n  $$x = 1$$\n  label\n",
    "answer_drawers": f"- Q #card\n  answer\n  SCHEDULED: <2024-01-02 Tue>\n  :LOGBOOK:\n  {CLOCK}\n  :END:\n"
                        "- Q2 #card\n  card-repeats:: 1\n  one\n  two\n  DEADLINE: <2024-03-04 Mon>\n",
    "orphan_hidden": "- Def#card\n  card-repeats:: 2\n- x\n  card:: y\n  card-repeats:: 1\n"
                       "- #+BEGIN_QUOTE\n  q #card\n  #+END_QUOTE\n  card-repeats:: 3\n- [[card/x]] y\n  card-ease-factor:: 2.1\n",
    "page_card": "tags:: card\ncard-repeats:: 2\n\n- child\n",
    "schedule": "- Q #card\n  card-repeats:: abc\n  card-ease-factor:: x\n  card-next-schedule:: 2030-01-01T00:00:00.000Z\n  A\n",
    "ids": f"- a\n  id:: NOT-A-UUID\n- b\n  id:: {U1.upper()}\n- c\n  id:: {U2}\n- d\n  id:: {U2}\n- e\n  id::\n",
    "props": "- Q\n  key::value\n  k:: v\n- R\n  a:: 1\n\n  b:: 2\n  id:: 6543b1a2-0000-4000-8000-000000000003\n",
    "flashcard": f"- Q #flashcard\n  answer\n- id:: 6543b1a2-0000-4000-8000-000000000004\n  R #flashcard\n  ans\n",
    "indent": "- a\n\t- b\n    - c #card\n\t  card-repeats:: 1\n",
}

UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
PROP = re.compile(r"^[^\s:]+::(\s|$)")
PLANNING = re.compile(r"^(SCHEDULED|DEADLINE): ")
DRAWER = re.compile(r"^:([A-Za-z_-]+):\s*$")
SCHEDULE_KEYS = {"card-last-interval", "card-repeats", "card-ease-factor", "card-next-schedule",
                 "card-last-reviewed", "card-last-score"}
ADDS = {"cloze-malformed": set("cloze}\\"), "card-tag-not-native": set("#card,"),
        "card-schedule-orphan": set("#card")}


def split_content(content):
    """(text without property/planning lines and drawers, [drawer texts], [planning lines])."""
    text, drawers, planning, cur = [], [], [], None
    for line in content.replace("\r", "").split("\n"):
        s = line.strip()
        if cur is not None:
            cur.append(s)
            if s.upper() == ":END:":
                drawers.append("\n".join(cur))
                cur = None
        elif DRAWER.match(s) and s.upper() != ":END:":
            cur = [s]
        elif PLANNING.match(s):
            planning.append(s)
        elif not PROP.match(s):
            text.append(line)
    if cur is not None:  # an unclosed drawer is text
        text += cur
    return "\n".join(text), drawers, planning


def nonws(s):
    return re.sub(r"\s+", "", s)


class Page:
    """One page of the oracle's database: blocks in order, their stream spans."""

    def __init__(self, blocks):
        self.blocks = blocks
        self.stream, self.spans, self.drawers = "", [], []
        for b in blocks:
            text, drawers, _ = split_content(b["content"])
            s = nonws(text)
            self.spans.append((len(self.stream), len(self.stream) + len(s)))
            self.stream += s
            self.drawers.append(sorted(drawers))

    def block_at(self, pos):
        for i, (s, e) in enumerate(self.spans):
            if s <= pos < e:
                return i
        return None


def text_uuid(b):
    """The block's uuid when it comes from its text (block.cljs@0.10.9 `get-custom-id-or-new-id`:
    `custom-id`, `custom_id`, `id`); graph-parser drops the `id::` line from the content of
    some blocks, so the properties are asked too. A squuid never occurs in either."""
    u = (b["uuid"] or "").lower()
    props = b["properties"] or {}
    from_props = any(str(props.get(k, "")).lower() == u for k in ("id", "custom-id", "custom_id"))
    return u if u and (u in b["content"].lower() or from_props) else None


def is_card(b):
    return "card" in (b["refs"] or [])


def schedule(b):
    p = b["properties"] or {}
    return ({k: p[k] for k in SCHEDULE_KEYS if k in p}, b["scheduled"], b["deadline"])


def other_props(b):
    return {k: v for k, v in (b["properties"] or {}).items() if k not in SCHEDULE_KEYS | {"id"}}


def signature(b):
    """A block's first line without whitespace: what identifies it across a fix."""
    first = next((x for x in b["content"].replace("\r", "").split("\n") if x.strip()), "")
    return nonws(first)


def head(b):
    """A block's first two lines, sorted: the title and what a fix may swap with it (an id)."""
    lines = [nonws(x) for x in b["content"].replace("\r", "").split("\n") if x.strip()]
    return "".join(sorted(lines[:2]))


def image(before, after):
    """Block index before → block index after (or None): the block sequences aligned by first
    line; blocks whose first line a fix rewrote (id-before-title, a cloze, a new child block
    before them) take the block of the rewritten run whose first two lines are most like theirs, in order."""
    mapping = {}
    sm = difflib.SequenceMatcher(None, [signature(b) for b in before.blocks],
                                 [signature(b) for b in after.blocks], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            mapping.update({i1 + k: j1 + k for k in range(i2 - i1)})
            continue
        # Rewritten blocks: each takes the most similar later block of the region, in order.
        j = j1
        for i in range(i1, i2):
            c = head(before.blocks[i])
            best = max(range(j, j2), default=None, key=lambda k: difflib.SequenceMatcher(
                None, c, head(after.blocks[k]), autojunk=False).ratio())
            mapping[i] = best
            if best is not None:
                j = best + 1
    return mapping


def check_fix(before, after, codes, diag_lines):
    """Problems with one page's fix (codes applied; diag_lines: the diagnosed lines' texts)."""
    problems = []
    sm = difflib.SequenceMatcher(None, before.stream, after.stream, autojunk=False)
    removed = "".join(before.stream[i1:i2] for op, i1, i2, _, _ in sm.get_opcodes() if op in ("delete", "replace"))
    added = "".join(after.stream[j1:j2] for op, _, _, j1, j2 in sm.get_opcodes() if op in ("insert", "replace"))
    allowed_removed = ""
    if codes & {"property-malformed", "property-ignored", "id-ignored"}:
        allowed_removed += "".join(nonws(t) for t in diag_lines)
    if "cloze-malformed" in codes:
        allowed_removed += "c0123456789:"
    if removed and not set(removed) <= set(allowed_removed):
        problems.append(f"content lost: {removed!r}")
    allowed_added = set().union(*(ADDS.get(c, set()) for c in codes))
    if added and not set(added) <= allowed_added:
        problems.append(f"content added: {added!r}")
    m = image(before, after)
    diag_ids = {v.lower() for t in diag_lines for v in re.findall(r"[0-9a-fA-F-]{36}", t)}
    for i, b in enumerate(before.blocks):
        j = m.get(i)
        a = after.blocks[j] if j is not None else None
        what = f"block {i} {b['content'][:50]!r}"
        if is_card(b) and not (a and is_card(a)):
            problems.append(f"{what}: no longer a card")
        u = text_uuid(b)
        if u and not (a and text_uuid(a) == u) and not (codes & {"id-duplicate", "id-invalid"} and u in diag_ids):
            problems.append(f"{what}: id {u} lost (now {a and text_uuid(a)})")
        sb, sa = schedule(b), schedule(a) if a else None
        if sa is None or sb[1:] != sa[1:] or (sb[0] != sa[0] and not codes & {"card-schedule-invalid", "card-schedule-orphan"}):
            if sb != ({}, None, None) or sa not in (None, ({}, None, None)):
                problems.append(f"{what}: schedule {sb} became {sa}")
        if before.drawers[i] and not (a and after.drawers[j] == before.drawers[i]):
            problems.append(f"{what}: drawers {before.drawers[i]} left the block")
        ob, oa = other_props(b), other_props(a) if a else {}
        if "card-tag-not-native" in codes and "tags" in ob and set(ob["tags"]) | {"card"} == set(oa.get("tags", [])):
            oa = {**oa, "tags": ob["tags"]}  # what the fix exists to do: `card` joins the tags
        if any(oa.get(k) != v for k, v in ob.items()):
            problems.append(f"{what}: properties {ob} became {oa}")
    image_set = {j for j in m.values() if j is not None}
    for j, a in enumerate(after.blocks):
        if j in image_set:
            continue
        if is_card(a) and not codes & {"card-tag-not-native", "card-schedule-orphan"}:
            problems.append(f"new card {a['content'][:50]!r}")
        u = text_uuid(a)
        if u and not codes & {"id-duplicate", "id-invalid"} and u not in {text_uuid(b) for b in before.blocks}:
            problems.append(f"new id {u} on {a['content'][:50]!r}")
    return problems


def pages_of(dump):
    _, blocks = by_file(dump)
    out = defaultdict(list)
    for (f, pos), b in sorted(blocks.items()):
        out[f].append(b)
    return {f: Page(bs) for f, bs in out.items()}


def misread_pages(lsp_bin, g, oracle_dump):
    """Pages where `logseq-lsp graph` and Logseq disagree on blocks, cards or ids before any fix:
    a fix acts on our reading of the page, so there it follows a misreading (the differential
    test's business, tests/test_graph_parser_differential.py), not a fault of the fix."""
    _, ob = by_file(oracle_dump)
    _, rb = by_file(run_ours(lsp_bin, g))
    bad = {f for f, _ in set(ob) ^ set(rb)}
    ids = defaultdict(int)
    for (f, _), r in rb.items():
        if r["uuid"]:
            ids[f, r["uuid"].lower()] += 1
    for k, o in ob.items():
        r = rb.get(k)
        if r is None:
            continue
        # Of an id held twice in a page Logseq keeps the first (the id rules say so); `graph`
        # lists it on both.
        ours = r["uuid"] and r["uuid"].lower()
        if ours and ids[k[0], ours] > 1 and text_uuid(o) is None:
            ours = None
        if ((o["level"], o["parent_pos"], bool(o["pre_block"]), is_card(o), text_uuid(o))
                != (r["level"], r["parent_pos"], bool(r["pre_block"]), r["card"], ours)):
            bad.add(k[0])
    return bad


def make_graph(root, files):
    (root / "logseq").mkdir(parents=True, exist_ok=True)
    (root / "logseq" / "config.edn").write_text(gen_pages.CONFIG, encoding="utf-8")
    (root / "pages").mkdir(exist_ok=True)
    for rel, text in files.items():
        (root / rel).write_bytes(text.encode("utf-8"))
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, lsp_bin):
    g = gen_pages.generate(tmp_path_factory.mktemp("fixgraph"), pages=200, seed=11)
    seeded = {f"s_{k}": v for k, v in SEEDS.items()}
    for sub in ("rules", "fixes"):
        for p in sorted((FIXTURES / sub).glob("*.md")):
            if not p.name.endswith(".fixed.md"):
                seeded[f"fx_{sub}_{p.stem.replace('@', '_at')}"] = p.read_text(encoding="utf-8")
    for n, (name, text) in enumerate(sorted(seeded.items())):
        # The fixtures share ids: one graph would make them duplicates across pages. Each page
        # gets its own first 8 hex digits (duplicates inside a page and the case stay).
        own = {}
        text = UUID.sub(lambda m: f"{n + 1:04x}{own.setdefault(m.group(0).lower(), len(own)):04x}"
                        + m.group(0)[8:], text)
        (g / "pages" / f"{name}.md").write_bytes(text.encode("utf-8"))
    res = subprocess.run([str(lsp_bin), "fix", "--each", str(g)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    fixes = json.loads(res.stdout)
    return g, fixes


def test_every_fixable_rule_is_exercised(corpus, lsp_bin):
    """The corpus offers a fix for every rule that has one (`logseq-lsp rules`), but
    asset-missing, whose fixes need files in assets/ (server/tests/fixtures.rs tests them)."""
    _, fixes = corpus
    offered = {f["code"] for f in fixes}
    table = json.loads(subprocess.run([str(lsp_bin), "rules", "--format", "json"], capture_output=True,
                                      text=True, timeout=30, check=True).stdout)
    want = {r["code"] for r in table if r["fixable"]} - {"asset-missing"}
    assert want, "logseq-lsp rules lists no fixable rule"
    assert want <= offered, f"no fix offered for {sorted(want - offered)}"


def line_text(g, f):
    lines = (g / f["file"]).read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    return lines[f["line"]] if f["line"] < len(lines) else ""


def test_each_fix_keeps_cards_ids_schedules(corpus, graph_parser, lsp_bin, tmp_path):
    g, fixes = corpus
    dump = run_oracle(graph_parser, g)
    before = pages_of(dump)
    skip = misread_pages(lsp_bin, g, dump)
    per_page = defaultdict(list)
    for f in fixes:
        if f["file"] not in skip:
            per_page[f["file"]].append(f)
    seeded = [p for p in skip if "/s_" in p or "/fx_" in p]
    assert not seeded, f"seeded pages we misread: {seeded}"
    rounds = max(len(v) for v in per_page.values())
    problems = []
    for k in range(rounds):
        chosen = {p: v[k] for p, v in per_page.items() if len(v) > k}
        vg = make_graph(tmp_path / f"round{k}", {p: f["text"] for p, f in chosen.items()})
        after = pages_of(run_oracle(graph_parser, vg))
        for p, f in sorted(chosen.items()):
            if p not in before:
                continue
            for pr in check_fix(before[p], after.get(p, Page([])), {f["code"]}, [line_text(g, f)]):
                problems.append(f"{p}: {f['code']} fix {f['title']!r} (line {f['line'] + 1}): {pr}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_fix_all_keeps_cards_ids_schedules(corpus, graph_parser, lsp_bin, tmp_path):
    g, fixes = corpus
    dump = run_oracle(graph_parser, g)
    before = pages_of(dump)
    skip = misread_pages(lsp_bin, g, dump)
    fg = tmp_path / "fixed"
    shutil.copytree(g, fg)
    res = subprocess.run([str(lsp_bin), "fix", str(fg)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    after = pages_of(run_oracle(graph_parser, fg))
    offered = defaultdict(set)
    lines = defaultdict(list)
    for f in fixes:
        if f["safe"]:
            offered[f["file"]].add(f["code"])
            lines[f["file"]].append(line_text(g, f))
    problems = []
    for p in sorted(before):
        if p in skip or (fg / p).read_bytes() == (g / p).read_bytes():
            continue
        # Later rounds may fix what earlier ones uncovered: any safe code offered on the page,
        # and id-before-title (the native-card conversion moves ids under the title).
        codes = offered[p] | {"id-before-title"}
        for pr in check_fix(before[p], after.get(p, Page([])), codes, lines[p]):
            problems.append(f"{p}: fix-all: {pr}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
