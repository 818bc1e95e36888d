#!/usr/bin/env python3
"""Deterministic generator of random Logseq pages rich in what breaks parsers, for the
graph-parser differential test (tests/test_graph_parser_differential.py).

    python3 tests/gen_pages.py OUT_DIR [--pages 1000] [--seed 11]

writes OUT_DIR/logseq/config.edn and OUT_DIR/pages/p0000.md ... (one graph). The same seed
gives the same bytes. Each fragment below is a construct whose meaning Logseq 0.10.9 fixes
(the issue 11 list): display `$$` math closed at the first `$$` (mldoc 1.5.7), inline math,
fences, `#+BEGIN_…` blocks, `:LOGBOOK:` drawers, `SCHEDULED:`/`DEADLINE:`, task markers,
macros with refs inside (graph-parser block.cljs `get-page-refs-from-macros` 0.10.9 reads
only `{{embed}}` arguments), namespaces, `#card` / `tags:: card` / `card::` (srs.cljs: a card is
a block whose :block/refs hold `card`), property groups, pre-blocks, ids, property names graph-parser drops, tabs, CRLF, emoji.
"""
import argparse
import random
import uuid
from pathlib import Path

# The readwise-export config's parse-relevant keys (triple-lowbar file names).
CONFIG = '{:preferred-format "Markdown"\n :file/name-format :triple-lowbar}\n'

WORDS = ["alpha", "beta", "Gamma", "delta", "Ω", "naïve", "日本語", "🧠", "🚀", "x", "y=2", "a,b", "end."]
PAGES = ["card", "Card", "a/b", "a/b/c", "Topic", "topic two", "📚 books", "card/x", "Ns/Child"]
BEGINS = ["QUOTE", "NOTE", "SRC", "TIP", "EXAMPLE", "WARNING", "CENTER", "IMPORTANT", "CAUTION",
          "PINNED", "VERSE", "COMMENT", "EXPORT"]
MARKERS = ["TODO", "DOING", "DONE", "LATER", "NOW", "WAITING", "CANCELED", "IN-PROGRESS"]


def words(r, n=None):
    return " ".join(r.choice(WORDS) for _ in range(n or r.randint(1, 4)))


def ref(r):
    p = r.choice(PAGES)
    return r.choice([f"[[{p}]]", f"#[[{p}]]", "#" + p.replace(" ", "-")])


def day(r):
    d = r.randint(1, 28)
    m = r.randint(1, 12)
    return f"2024-{m:02d}-{d:02d} {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][r.randint(0, 6)]}"


def uid(r):
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


def fragment(r):
    """One or more lines of block text (continuation lines unindented; the caller indents)."""
    k = r.randrange(24)
    if k == 0:
        return ["$$", r"\sum_{i=1}^n " + words(r, 1), "$$"]
    if k == 1:
        return [r"$$\begin{aligned} a &= b \\", r"c &= d \end{aligned}$$", words(r)]
    if k == 2:
        return [f"$$ x = {r.randint(0, 9)} $$ {words(r)}"]
    if k == 3:
        return [f"inline ${r.choice(['f((1,2))', 'a#b', 'x^2', '[[not]]'])}$ {words(r)}"]
    if k == 4:
        lang = r.choice(["", "python", "clojure"])
        return [f"```{lang}", "- not a block", f"#card {words(r, 1)}", "```"]
    if k == 5:
        b = r.choice(BEGINS)
        return [f"#+BEGIN_{b}", f"{words(r)} {ref(r) if r.random() < 0.5 else ''}".rstrip(),
                f"#+END_{b}" + (" #card" if r.random() < 0.3 else "")]
    if k == 6:
        return [":LOGBOOK:", f"CLOCK: [2024-01-0{r.randint(1, 9)} Mon 10:00]--[2024-01-0{r.randint(1, 9)} Mon 10:05] =>  00:05:00", ":END:"]
    if k == 7:
        return [f"SCHEDULED: <{day(r)}>"]
    if k == 8:
        return [f"DEADLINE: <{day(r)}>"]
    if k == 9:
        return [r.choice(["{{cloze #card}}", "{{cloze [[card]]}}", "{{cloze " + words(r, 1) + "}}",
                          "{{embed [[" + r.choice(PAGES) + "]]}}", "{{cloze ((" + uid(r) + "))}}",
                          "{{{cloze x}}}", "{{cloze  Paris }}"]) + " " + words(r, 1)]
    if k == 10:
        return [f"{words(r, 1)} {ref(r)} {words(r, 1)}"]
    if k == 11:
        return [r.choice(["#card", "[[card]]", "#card/x", "[[card/x]]", "Def#card", "x#tag", "#Card"]) + " " + words(r)]
    if k == 12:
        return [f"{r.choice(['tags', 'card', 'type', 'template', 'alias-not'])}:: {r.choice(['card', '[[card]]', 'Topic, card', 'a，card', words(r, 1)])}"]
    if k == 13:
        return [f"id:: {uid(r)}"]
    if k == 14:
        # Some keys graph-parser drops (property.cljs `valid-property-name?`), with their refs.
        key = r.choice(['k', 'Some_Key', 'custom-id', '[[k]]', 'a,b', '#tag', 'a/1b', 'x(y)', '1st', 'é/ü', 'a;b'])
        return [f"{key}:: {r.choice([words(r, 1), uid(r), ref(r)])}", f"other:: {words(r, 1)}"]
    if k == 15:
        return [f"{'#' * r.randint(1, 3)} {words(r)}"]
    if k == 16:
        return [f"\t{words(r)}"]
    if k == 17:
        return [f"(({uid(r)})) {words(r, 1)}"]
    if k == 18:
        return ["", words(r)]
    return [words(r)]


def block_lines(r):
    first = fragment(r)
    if r.random() < 0.25:
        first[0] = f"{r.choice(MARKERS)} {first[0]}"
    lines = list(first)
    for _ in range(r.choice([0, 0, 1, 1, 2, 3])):
        lines += fragment(r)
    return lines


def page(r, n):
    out = []
    if r.random() < 0.4:  # pre-block: page properties, maybe with text after them
        props = [f"tags:: {r.choice(['card', 'Topic', 'card, Topic', '[[card]]'])}"]
        if r.random() < 0.3:
            props.append(f"alias:: al-{n}")
        if r.random() < 0.2:
            props.append(f"id:: {uid(r)}")
        if r.random() < 0.1:
            props.append(f"{r.choice(['some,prop', '#blarg', '[[p]]'])}:: {ref(r)}")
        out += props
        if r.random() < 0.2:
            out += ["", words(r)]
    level = 0
    for _ in range(r.randint(1, 12)):
        level = max(0, min(level + r.choice([-2, -1, 0, 0, 1, 1]), 5))
        indent = r.choice(["\t", "  "]) * level if r.random() < 0.9 else " " * (2 * level + 1)
        lines = block_lines(r)
        out.append(f"{indent}- {lines[0]}")
        out += [f"{indent}  {x}" if x else "" for x in lines[1:]]
    eol = "\r\n" if r.random() < 0.15 else "\n"
    return eol.join(out) + (eol if r.random() < 0.8 else "")


def generate(out, pages=1000, seed=11):
    r = random.Random(seed)
    out = Path(out)
    (out / "logseq").mkdir(parents=True, exist_ok=True)
    (out / "logseq" / "config.edn").write_text(CONFIG, encoding="utf-8")
    (out / "pages").mkdir(exist_ok=True)
    for n in range(pages):
        (out / "pages" / f"p{n:04d}.md").write_bytes(page(r, n).encode("utf-8"))
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    generate(a.out, a.pages, a.seed)
