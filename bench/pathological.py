#!/usr/bin/env python3
"""Pathological corpus benchmark (issue 16): time per MB of `logseq-lsp check --format json` on
generated worst cases, against an ordinary page. Nothing is committed as data; the corpus is
written to a temporary folder.

    python3 bench/pathological.py [--bin target/release/logseq-lsp] [--runs 3]

Prints a Markdown table (for BENCHMARKS.md): size, best wall time of --runs, time per MB and its
ratio to the ordinary page's (the issue's bound: none above 10x).
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1 << 20
REPO = Path(__file__).resolve().parents[1]


def line_of(piece, size=MB):
    return "- " + piece * (size // len(piece.encode())) + "\n"


def ordinary(size, gen_dir):
    """Generated pages (tools/gen_graph.py) concatenated, without their id:: lines (so that
    copies do not make duplicate ids): real-looking text of every kind."""
    out, n = [], 0
    for p in sorted((gen_dir / "pages").glob("*.md")):
        t = "".join(l for l in p.read_text(encoding="utf-8").splitlines(True) if "id::" not in l)
        out.append(t if t.endswith("\n") else t + "\n")
        n += len(t.encode())
        if n >= size:
            break
    return "".join(out)


def corpus(gen_dir):
    c = {"ordinary page (1 MB of generated pages)": ordinary(MB, gen_dir)}
    for op in ["[[", "((", "{{", "{{cloze ", "`", "```", "$", "$$", "**", "~~", "^^", "==", "#", "[",
               "]]", "))", "}}", "<", "#+BEGIN_QUOTE ", "id:: ", ":LOGBOOK:", "\t", "😀"]:
        c[f"1 MB line of `{op.strip() or repr(op)}`"] = line_of(op)
    for piece in ["word ((x)) #card {{cloze ", "((x)) ", "{{c1::x}} ", "{{cloze}} ", "#flashcard ",
                  "((6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b)) ", "[[a]] #b "]:
        c[f"1 MB line of `{piece.strip()}`"] = line_of(piece)
    uid = "6543b1a2-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    c["100,000 blocks with one id"] = f"- b\n  id:: {uid}\n" * 100_000
    c["100,000 one-line cards"] = "- q #card\n" * 100_000
    c["100,000 invalid ids"] = "- b\n  id:: nope\n" * 100_000
    c["100,000 bad card-* values"] = "- q #card\n  card-repeats:: zz\n" * 100_000
    c["100,000 unclosed fences"] = "- a\n  ```\n" * 100_000
    c["10 MB page (generated pages)"] = ordinary(10 * MB, gen_dir)
    c["deep nesting (2,000 levels, tabs)"] = "".join("\t" * i + "- x\n" for i in range(2_000))
    c["deep nesting (1 MB of nested [[ (( {{)"] = "- " + "[[((" * (MB // 4) + "\n"
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(REPO / "target/release/logseq-lsp"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gen = tmp / "gen"
        subprocess.run([sys.executable, str(REPO / "tools/gen_graph.py"), str(gen), "--pages", "4000",
                        "--seed", "16"], check=True, capture_output=True)
        root = tmp / "g"
        (root / "pages").mkdir(parents=True)
        (root / "logseq").mkdir()
        (root / "logseq/config.edn").write_text("{}\n")
        # 10 MB is over the default cap (10 MiB is the cap; the page is just above): raise it.
        (root / "logseq-lsp.toml").write_text("max_file_size = 100000000\n")
        cases = list(corpus(gen).items())
        rnd = random.Random(16)
        cases.append(("1 MB of random bytes (not UTF-8)", bytes(rnd.randrange(256) for _ in range(MB))))
        rows, base = [], None
        for name, text in cases:
            data = text if isinstance(text, bytes) else text.encode()
            page = root / "pages/case.md"
            page.write_bytes(data)
            best = None
            for _ in range(a.runs):
                t = time.perf_counter()
                r = subprocess.run([a.bin, "check", str(page), "--format", "json"], capture_output=True)
                d = time.perf_counter() - t
                assert r.returncode in (0, 1), (name, r.stderr[-500:])
                best = d if best is None else min(best, d)
            per_mb = best / (len(data) / MB)
            base = base or per_mb
            rows.append((name, len(data) / MB, best, per_mb, per_mb / base, len(r.stdout)))
            print(f"{name}: {best:.3f} s", file=sys.stderr)
        print(f"load average: {os.getloadavg()[0]:.1f}")
        print("| input | MB | s (best of %d) | s/MB | × ordinary | JSON bytes |" % a.runs)
        print("|---|---|---|---|---|---|")
        for name, mb, s, per, ratio, out in rows:
            print(f"| {name} | {mb:.2f} | {s:.3f} | {per:.3f} | {ratio:.1f} | {out:,} |")


if __name__ == "__main__":
    main()
